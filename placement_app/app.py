"""Wiring: events in, timeline updated, view redrawn.

:class:`Card` is plain Python (it runs under CPython with a fake document);
:func:`main` is what the shim calls once Pyodide is up, and the only place
that asks the bridge for the browser.
"""

from __future__ import annotations

from collections.abc import Callable

from .events import parse_wire
from .timeline import Timeline, apply, with_error
from .view import CardView


class Card:
    """Owns the call's timeline and keeps the view in step with it.

    Events are handled one at a time in the order received.  A failure while
    handling one is logged and shown as an error entry; the next event is
    handled as if nothing happened.
    """

    def __init__(self, view: CardView, clock: Callable[[], float],
                 warn: Callable[[str], None] = lambda message: None):
        self.view = view
        self.clock = clock
        self.warn = warn
        self.timeline = Timeline()

    def receive(self, kind: object, payload_json: object, at: object) -> None:
        """Take one event as the shim forwards it: name, JSON arguments, arrival time."""
        try:
            self.timeline = apply(self.timeline, parse_wire(kind, payload_json, at))
        except Exception as error:
            moment = at if isinstance(at, int | float) else self.clock()
            self.warn(f"Call Timeline: handling {kind!r} failed: {error!r}")
            self.timeline = with_error(self.timeline, float(moment), type(error).__name__)
        self.redraw()

    def redraw(self) -> None:
        try:
            self.view.render(self.timeline, self.clock())
        except Exception as error:
            self.warn(f"Call Timeline: drawing failed: {error!r}")

    def tick(self) -> None:
        """Advance the live timers (called by the page every fraction of a second)."""
        try:
            self.view.tick(self.timeline, self.clock())
        except Exception as error:
            self.warn(f"Call Timeline: timer failed: {error!r}")


TICK_MS = 250


def main(root_id: str = "timeline") -> object:
    """Start the card in the browser; return the function the shim forwards events to."""
    from . import bridge

    page = bridge.page(root_id)
    card = Card(CardView(page.document, page.root, page.utc_offset_minutes), page.now, page.warn)
    card.redraw()
    bridge.every(TICK_MS, card.tick)
    return bridge.export(card.receive)
