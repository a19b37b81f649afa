"""Running the card's coroutines to their end from a plain (synchronous) test."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end in an event loop of its own, in a thread of its own.

    When the browser tests ran first in the same session, Playwright's sync API
    keeps a loop running in this thread, and :func:`asyncio.run` refuses to
    start inside it.  This waits for the coroutine to finish, not for a time
    (pytest-timeout stops a hang).
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
