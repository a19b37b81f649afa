"""Keeping the card's call across reloads of the tab: when to save, and what a new page picks up.

:mod:`.storage` says how a timeline is written and read back; this module
decides when the card saves, what it tells the page about it, and how a
reloaded card of the same call resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..core.events import CardOpened, Event, parse_wire
from ..core.timeline import Timeline, resume
from . import storage
from .keep_open import KeepOpen
from .storage import Store

#: Events kept while the call id is unknown, to replay over a saved timeline.
MAX_EARLY = 500
#: Saving is immediate for a lone event, but at most this often in a burst
#: (the rest waits for the card's next tick).
SAVE_EVERY_MS = 1000


@dataclass(frozen=True)
class Resumed:
    """Where a reloaded tab of this call left off: the timeline brought up to date, and the hold
    kept with the saved copy (``None`` when there was only a journal, and no saved copy)."""

    timeline: Timeline
    hold: KeepOpen | None


class Persistence:
    """The card's saved copy of its call, and the page's journal of what is not saved yet.

    A class of its own because saving keeps its own time and its own
    bookkeeping, which have nothing to do with drawing: when it last saved,
    whether that reached the storage, what the page was told is saved, which
    journals a copy holds.

    Nothing is lost on a reload.  Saving is throttled (:data:`SAVE_EVERY_MS`),
    and a reloading page cannot wait for the worker, which may never run
    again once the page goes.  So the page keeps every event it forwarded
    until it is told (``confirm``, with the page's number for the event) that
    the saved copy holds it; when the page is hidden or goes, it writes the
    events still unconfirmed to its storage at once, itself (a journal: see
    ``static/shim.js``).  The next card of the call replays them over the
    saved copy (:meth:`pick_up`), each journal once.
    """

    def __init__(self, store: Store, confirm: Callable[[int], None]):
        self.store = store
        self.confirm = confirm
        #: Events handled before the call id was known (:meth:`pick_up` replays them).
        self.early: list[Event] = []
        self.unsaved = False
        self.saved_at = float("-inf")
        self.stored = False  # whether the last save reached the storage
        #: The page's number for the last event handled, and the last one the page was told is saved.
        self.seq: int | None = None
        self.confirmed: int | None = None
        #: Journals of earlier pages of this call replayed here (kept with the saved copy), and
        #: their keys, removed once a copy that names them is saved.
        self.replayed: tuple[str, ...] = ()
        self.replayed_keys: list[str] = []

    def took(self, seq: object) -> None:
        """Note the page's number for the event being handled (a save confirms up to it)."""
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.seq = seq

    def pick_up(self, timeline: Timeline, event: Event, now: float) -> Resumed | None:
        """Where a reloaded tab of this call left off, once ``event`` has made the call id known.

        ``timeline`` is the card's after ``event``.  While the call is still
        unknown, the event is kept to be replayed; ``None`` when there is
        nothing to pick up (no saved copy nor journal, or the call was learned
        from anything but the init data, which says the state to resume in).
        """
        call_id = timeline.call_id
        if call_id is None:
            if len(self.early) < MAX_EARLY:
                self.early.append(event)
            return None
        early, self.early = self.early, []
        saved = self.store.load(call_id)
        replayed = self.store.load_replayed(call_id) if saved is not None else ()
        journals = self.store.journals(call_id, now, skip=replayed)
        earlier = [parse_wire(kind, payload, at, now=now)
                   for journal in journals for kind, payload, at in journal.events]
        if not ((saved is not None or earlier) and isinstance(event, CardOpened)):
            return None
        base = saved if saved is not None else Timeline(call_id=call_id)
        resumed = Resumed(resume(base, event, earlier + early),
                          self.store.load_hold(call_id) if saved is not None else None)
        self.replayed = (*replayed, *(journal.page for journal in journals))[-storage.MAX_CALLS:]
        self.replayed_keys = [journal.key for journal in journals]
        return resumed

    def changed(self, timeline: Timeline) -> None:
        """The call or the hold changed: the saved copy is out of date (once the call is known)."""
        if timeline.call_id is not None:
            self.unsaved = True

    def due(self, now: float) -> bool:
        """Whether a save now keeps to :data:`SAVE_EVERY_MS`."""
        return now - self.saved_at >= SAVE_EVERY_MS

    def flush(self, timeline: Timeline, hold: KeepOpen, now: float,
              shown: Callable[[], Mapping[str, object]] = dict) -> None:
        """Save the timeline if it changed since the last save, then tell the page what is saved.

        The page learns the number of the last event the saved copy holds, and
        forgets the events it kept up to it.  Nothing is confirmed while the
        call is unknown (nothing can be saved then) or when the storage
        refused the copy.
        """
        if self.unsaved:
            self.unsaved = False
            self.saved_at = now
            self.stored = self.store.save(timeline, hold, self.replayed, shown())
            if self.stored and self.replayed_keys:
                # After the copy that names them: a page that goes in between replays none twice.
                self.store.forget(self.replayed_keys)
                self.replayed_keys = []
        if (self.stored and timeline.call_id is not None and self.seq is not None
                and self.seq != self.confirmed):
            self.confirmed = self.seq
            self.confirm(self.seq)
