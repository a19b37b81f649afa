"""Portal commands that the worker sends through the page, and the replies it waits for.

A worker has no frame.  Python asks the page to send a command (the message
``{type: "frame", command, params, id}``); the page sends it to the portal
and posts the reply back to the worker (``{type: "reply", id, ok, value}``),
where it completes the request it answers.  Plain Python, so that it is
tested under CPython; :mod:`.bridge` gives it the function that posts to the
page and hands it each reply.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import Any

from .protocol import REPLY_TIMEOUT_MS, ToPage

#: How long a request waits for the page's reply at most: longer than the page waits for the
#: portal's, so that the page's "no reply" arrives rather than this one's silence.
TIMEOUT_S = REPLY_TIMEOUT_MS / 1000 + 5


class FrameRequests:
    """Requests in flight, by id; a reply completes its own request and nothing else."""

    def __init__(self, post: Callable[[Mapping[str, Any]], None], timeout_s: float = TIMEOUT_S):
        self.post = post
        self.timeout_s = timeout_s
        self.pending: dict[str, asyncio.Future[object]] = {}
        self.counter = 0

    async def ask(self, command: str, params: Mapping[str, Any] | None = None) -> object:
        """The portal's reply to ``command``; ``None`` when it gave none (in time)."""
        self.counter += 1
        key = f"request-{self.counter}"
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self.pending[key] = future
        self.post({"type": ToPage.FRAME, "command": command, "params": json.dumps(dict(params or {})),
                   "id": key})
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            return None
        finally:
            self.pending.pop(key, None)

    def take(self, reply: object) -> bool:
        """A reply the page posted; ``True`` if it completed a request (unknown or late ones do not)."""
        if not isinstance(reply, Mapping):
            return False
        future = self.pending.get(str(reply.get("id")))
        if future is None or future.done():
            return False
        future.set_result(reply.get("value") if reply.get("ok") is True else None)
        return True

    async def refresh_auth(self) -> object:
        """``refreshAuth``: the portal's new token, as it answered (see ``portal.client.read_refresh``)."""
        return await self.ask("refreshAuth")
