"""Wiring: events in, timeline updated, view redrawn.

:class:`Card` is plain Python (it runs under CPython with a fake document);
:func:`main` is what the shim calls once Pyodide is up, and the only place
that asks the bridge for the browser.
"""

from __future__ import annotations

from collections.abc import Callable

from .events import CardOpened, Event, parse_wire
from .storage import Store
from .timeline import Timeline, apply, resume, with_error
from .view import CardView

#: Events kept while the call id is unknown, to replay over a saved timeline.
MAX_EARLY = 500


class Card:
    """Owns the call's timeline and keeps the view in step with it.

    Events are handled one at a time in the order received.  A failure while
    handling one is logged and shown as an error entry; the next event is
    handled as if nothing happened.
    """

    def __init__(self, view: CardView, clock: Callable[[], float],
                 warn: Callable[[str], None] = lambda message: None, store: Store | None = None):
        self.view = view
        self.clock = clock
        self.warn = warn
        self.store = store or Store(None)
        self.timeline = Timeline()
        self.early: list[Event] = []
        self.unsaved = False

    def receive(self, kind: object, payload_json: object, at: object) -> None:
        """Take one event as the shim forwards it: name, JSON arguments, arrival time."""
        try:
            event = parse_wire(kind, payload_json, at)
            before = self.timeline
            self.timeline = apply(before, event)
            if before.call_id is None:
                self._learn_call(event)
            self.unsaved = self.timeline.call_id is not None
        except Exception as error:
            moment = at if isinstance(at, int | float) else self.clock()
            self.warn(f"Call Timeline: handling {kind!r} failed: {error!r}")
            self.timeline = with_error(self.timeline, float(moment), type(error).__name__)
        self.redraw()

    def _learn_call(self, event: Event) -> None:
        """Once the call id is known, pick up where a reloaded tab left off."""
        call_id = self.timeline.call_id
        if call_id is None:
            if len(self.early) < MAX_EARLY:
                self.early.append(event)
            return
        saved = self.store.load(call_id)
        if saved is not None and isinstance(event, CardOpened):
            self.timeline = resume(saved, event, self.early)
        self.early = []

    def flush(self) -> None:
        """Save the timeline now if it changed (called on a timer and when the page hides)."""
        if self.unsaved:
            self.unsaved = False
            self.store.save(self.timeline)

    def redraw(self) -> None:
        try:
            self.view.render(self.timeline, self.clock())
        except Exception as error:
            self.warn(f"Call Timeline: drawing failed: {error!r}")

    def tick(self) -> None:
        """Advance the live timers and save (called by the page every fraction of a second)."""
        try:
            self.view.tick(self.timeline, self.clock())
            self.flush()
        except Exception as error:
            self.warn(f"Call Timeline: timer failed: {error!r}")


TICK_MS = 250


def main(root_id: str = "timeline") -> object:
    """Start the card in the browser; return the function the shim forwards events to."""
    from . import bridge

    page = bridge.page(root_id)
    store = Store(bridge.local_storage(), page.warn)
    card = Card(CardView(page.document, page.root, page.utc_offset_minutes), page.now, page.warn, store)
    card.redraw()
    bridge.every(TICK_MS, card.tick)
    bridge.on_page_hide(card.flush)
    return bridge.export(card.receive)
