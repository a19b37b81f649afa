"""The page's ``localStorage``, as the worker sees it.

Pure Python, so that it is tested under CPython; :mod:`.bridge` gives it the
function that posts each write to the page.
"""

from __future__ import annotations

import errno
from collections.abc import Callable


class StorageFull(OSError):
    """A write does not fit in the app's share of the storage (a browser's ``QuotaExceededError``).

    An :class:`OSError` with ``errno`` ``ENOSPC``, as a full disk is, so that
    the card's store (which may not import the browser) knows it by that
    alone and makes room; never a :class:`MemoryError`, which says the
    interpreter itself is out of memory.
    """

    def __init__(self, message: str):
        super().__init__(errno.ENOSPC, message)

    def __str__(self) -> str:
        return str(self.strerror)


class MirroredStorage:
    """The page's saved calls, copied into the worker; every write is posted back to the page.

    A worker has no ``localStorage``.  The page sends a snapshot at start-up
    and applies the writes it is sent.  The page's storage may still refuse a
    write (full, disabled); that costs at most the saved copy, never the card.
    A budget keeps this app's share small, so that running out of room shows
    up here (:class:`StorageFull`), where the card's store can make room by
    forgetting old calls.
    """

    def __init__(self, snapshot: dict[str, str], post: Callable[[str, str, str | None], None],
                 budget: int = 1_000_000):
        self.items = {k: v for k, v in snapshot.items() if isinstance(k, str) and isinstance(v, str)}
        self.post = post
        self.budget = budget

    def getItem(self, key: str) -> str | None:
        return self.items.get(key)

    def keys(self) -> list[str]:
        return list(self.items)

    def setItem(self, key: str, value: str) -> None:
        used = sum(len(k) + len(v) for k, v in self.items.items() if k != key)
        if used + len(key) + len(value) > self.budget:
            raise StorageFull("the app's storage budget is used up")
        self.items[key] = value
        self.post("set", key, value)

    def removeItem(self, key: str) -> None:
        if self.items.pop(key, None) is not None:
            self.post("remove", key, None)
