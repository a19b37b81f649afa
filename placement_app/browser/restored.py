"""A runtime restored from the build's start-up snapshot: marked by the build, checked by the worker.

The build imports the app in a fresh Pyodide, names it with :func:`mark` and
snapshots its memory (``buildjs/snapshot.mjs``); the worker
(``static/engine.js``) restores that memory and calls :func:`after_restore`
before the app runs in it, and starts Python the normal way when it says no.

A snapshot keeps memory, never files: this module and everything it imports
are already loaded when it is restored, so it answers even when the runtime
could not write its files.  Plain Python, tested under CPython.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Sequence

#: The snapshot's name as the build gave it (:func:`mark`); empty in a runtime it did not mark.
_key = ""


def mark(key: str) -> None:
    """Name the runtime about to be snapshotted: the Pyodide version and the app wheel's hash."""
    global _key
    _key = key


def stdlib_in_place(search_path: Sequence[str]) -> bool:
    """Whether the standard library's zip, which the runtime writes at start, is there.

    Without it a restored app starts, then fails on its first import of a
    standard module it had not imported before the snapshot.
    """
    return any(entry.endswith(".zip") and os.path.isfile(entry) for entry in search_path)


def after_restore(key: str, search_path: Sequence[str] | None = None) -> str | None:
    """Why the app may not run in this restored runtime (the page's snapshot is ``key``), or None.

    First reseeds :mod:`random`: its state is part of the snapshot, so every
    card restored from one would otherwise draw the same numbers.  Then the
    runtime must be the snapshot the page names (:func:`mark`), with the
    standard library in place (``search_path``: ``sys.path`` unless given).
    """
    random.seed()
    if _key != key:
        return f"it is {_key or 'not ours'}, not {key}"
    if not stdlib_in_place(sys.path if search_path is None else search_path):
        return "the standard library did not load"
    return None
