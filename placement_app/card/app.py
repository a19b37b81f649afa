"""Wiring: events in, timeline updated, view redrawn, the page told.

:class:`Card` is plain Python: it runs under CPython with a fake document, a
fake page (:class:`.page.Page`) and a fake portal.  :func:`main` is what the
shim calls once Pyodide is up, and the only place that asks the bridge for
the browser.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping

from ..core import i18n, settings
from ..core.events import CALL_CARD_EVENTS, CardOpened, EntityChanged, Event, arrival, parse_wire
from ..core.settings import DEFAULTS
from ..core.timeline import Notice, NoticeKind, Timeline, apply, resume, with_error
from ..core.untrusted import MAX_TEXT, describe_error, preview
from . import keep_open, quick, replay
from .earlier import EarlierCalls
from .keep_open import KeepOpen
from .lookup import PortalAccess, StatisticsLookup, Turns
from .page import Page
from .support import CallFacts
from .teller import Teller
from .view import CardView

#: How often the page calls :meth:`Card.tick` (ms): the timers, the hold and the rows kept.
TICK_MS = 250
#: Events kept while the call id is unknown, to replay over a rebuilt call (``timeline.resume``).
MAX_EARLY = 500


class Card:
    """Owns the call's timeline: events in, timeline updated, view redrawn, the page told.

    Events are handled one at a time in the order received.  A failure while
    handling one is logged and shown as an error entry; the next event is
    handled as if nothing happened.  Nothing is saved: the page logs every
    event as it comes, and a reloaded card of the call rebuilds it from the
    log (:mod:`.replay`; ``logs`` are the ones the page found at start, by call
    id, and ``page_id`` names this page's own entries).  The conversation with
    the portal's call statistics is :class:`StatisticsLookup`'s, and what the
    page hears besides the drawing :class:`Teller`'s; the card only wires them
    to its events.  The "Earlier" line's question is :class:`EarlierCalls`',
    which the card asks from its tick, never from an event.
    """

    def __init__(self, view: CardView, page: Page, logs: Mapping[str, str] | None = None,
                 page_id: str = "", portal: PortalAccess | None = None):
        self.view = view
        self.page = page
        self.timeline = Timeline()
        self.settings = DEFAULTS
        self.keep = KeepOpen()
        #: Whether the hold is counting down (the card changes shape with it).
        self.holding = False
        #: The number and direction from the placement options, for "Copy for support".
        self.facts = CallFacts()
        #: Call-card events taken in (the root's ``data-events``).
        self.received = 0
        self.logs = dict(logs or {})
        self.page_id = page_id
        #: Events handled before the call id was known (:meth:`_pick_up` replays them).
        self.early: list[Event] = []
        self.rows = quick.Rows()
        turns = Turns()  # the lookup and the "Earlier" line never ask the portal at once
        self.lookup = StatisticsLookup(portal, self, turns)
        self.earlier = EarlierCalls(portal.spawn if portal is not None else None, self, turns,
                                    lambda: self.lookup.running)
        self.teller = Teller(page, view)

    def receive(self, kind: object, payload_json: object, at: object) -> None:
        """Take one event as the page forwards it: name, JSON arguments, arrival time."""
        if isinstance(kind, str) and kind in CALL_CARD_EVENTS:
            self.received += 1
            self.view.show_received(self.received)
        try:
            event = parse_wire(kind, payload_json, at, now=self.page.now())
        except Exception as error:  # parse_wire does not raise; this is a last guard
            self._failed(kind, at, error)
            self.redraw()
            return
        self.handle(event)

    def handle(self, event: Event) -> None:
        """Apply one typed event (as the hold marks it, ``keep_open.marked``), then redraw."""
        event = keep_open.marked(event, self.keep)
        try:
            before = self.timeline
            self.timeline = apply(before, event)
            if isinstance(event, CardOpened):
                self._opened(event)
            if before.call_id is None:
                self._pick_up(event)
            if isinstance(event, EntityChanged):
                self.earlier.client_changed(event.phone_number)
            self.earlier.reserve(self.lookup.session)  # its space only: the question waits for a tick
            learned = replay.learned(event)
            if learned is not None and self.timeline.call_id is not None:
                self.page.log(*learned, event.at)  # so that the log alone rebuilds the card
            self.lookup.start_if_needed()
        except Exception as error:
            self._failed(type(event).__name__, event.at, error)
        self._hold(event)
        self.redraw()
        self._keep_rows()

    def _opened(self, event: CardOpened) -> None:
        """What the init data says beyond the timeline: the portal's REST, the call's facts, the settings."""
        self.lookup.open(event)
        self.earlier.know_number(event.phone_number)
        self.facts = CallFacts(event.phone_number or self.facts.phone_number,
                               event.direction or self.facts.direction)
        if event.app_options is not None:
            loaded = settings.load(event.app_options)
            self.settings = loaded.settings
            self.view.configure(loaded)
            # The page's own words (its title, the quick view's notices) in the card's language,
            # and for the next card's quick view, these settings' words before Python runs.
            table = quick.table(i18n.resolve_language(self.settings.language_for(event.lang)), self.settings)
            self.page.quick_table(table)
            self.page.keep(quick.words_key(event.lang), json.dumps(table, ensure_ascii=False))

    def _pick_up(self, event: Event) -> None:
        """Once the call id is known, go on from where the call's other pages left it (a reload).

        The call is rebuilt from their entries in its log, then this page's
        init data and the events before it are applied as a reloaded tab takes
        the call up (``timeline.resume``); the hold is rebuilt from the same
        events at their own moments, so the admin's time limit runs on.
        """
        call_id = self.timeline.call_id
        if call_id is None:
            if len(self.early) < MAX_EARLY:
                self.early.append(event)
            return
        log = replay.read(self.logs.get(call_id), call_id)
        rebuilt = (replay.rebuild(log, self.page_id, self.settings, self.lookup.available)
                   if log is not None else None)
        if rebuilt is not None and isinstance(event, CardOpened):
            timeline, self.keep = rebuilt
            self.timeline = resume(timeline, event, self.early)
            if self.keep.released:
                # This new page held the card again at bind: let go again, as before the reload.
                self.page.command(keep_open.ENABLE)
        self.early = []

    def _keep_rows(self) -> None:
        """Have the page keep the rows as the view drew them, for the quick view of the call's next page."""
        self.rows.offer(self.page.keep, self.view, self.timeline, self.page.now())

    def _failed(self, kind: object, at: object, error: Exception) -> None:
        self.page.warn(f"Call Timeline: handling {preview(kind, MAX_TEXT)} failed: {describe_error(error)}")
        self.timeline = with_error(self.timeline, arrival(at, self.page.now()), type(error).__name__)

    def _hold(self, event: Event | None = None) -> None:
        """Hold the card open after a failed call, if the admin asked (see :mod:`keep_open`)."""
        try:
            now = self.page.now()
            self.keep, commands = keep_open.step(self.keep, self.settings, self.timeline, now, event,
                                                 self.lookup.available)
            for name in commands:
                self.page.command(name)
            closes_in = self.keep.closes_in(self.settings, now)
            self.holding = closes_in is not None
            # "Closes by itself" and "Done" only where letting go closes the card: the portal has
            # tried to close it since the end.  After a browser call failure, or in a tab opened
            # after its call, the portal never does, and the card stays until the operator closes it.
            self.view.show_hold(closes_in if self._portal_tried_to_close() else None)
        except Exception as error:
            self.page.warn(f"Call Timeline: keeping the card open failed: {describe_error(error)}")

    def _portal_tried_to_close(self) -> bool:
        ended = self.timeline.ended_at
        return ended is not None and any(
            isinstance(entry, Notice) and entry.kind is NoticeKind.KEPT_OPEN and entry.at >= ended
            for entry in self.timeline.entries)

    def redraw(self) -> None:
        try:
            now = self.page.now()
            self.view.lookup_try = self.lookup.attempt
            self.view.render(self.timeline, now)
            self.view.show_earlier(self.earlier.state)
            self.page.send_drawing()
            self.teller.announce(self.timeline, self.settings)
            self.teller.publish(self.timeline, self.facts, self.settings, now, throttle=True)
            self.teller.fit(self.timeline, self.holding)
        except Exception as error:
            self.page.warn(f"Call Timeline: drawing failed: {describe_error(error)}")

    def tick(self) -> None:
        """Advance the live timers and save (called by the page every :data:`TICK_MS`); ask for the
        earlier calls once they are due (the first tick comes after Python is live)."""
        try:
            self.earlier.start_if_due(self.lookup.session)
            self._hold()
            now = self.page.now()
            self.view.tick(self.timeline, now)
            self.page.send_drawing()
            self.teller.publish(self.timeline, self.facts, self.settings, now, throttle=False)
            self.teller.fit(self.timeline, self.holding)
            self._keep_rows()
        except Exception as error:
            self.page.warn(f"Call Timeline: timer failed: {describe_error(error)}")


def main(boot_json: str = "{}") -> object:
    """Start the card in the worker; return the function the engine forwards events to.

    ``boot_json`` is what the page knows that the worker cannot: the calls'
    event logs it keeps (a worker has no ``localStorage``), and its own id.
    """
    from ..browser import bridge

    boot = json.loads(boot_json)
    boot = boot if isinstance(boot, dict) else {}
    page = bridge.page()
    portal = PortalAccess(bridge.post_form, asyncio.ensure_future, asyncio.sleep, bridge.refresh_auth)
    page_id = boot.get("page")
    card = Card(CardView(page.document, page.root, page.clock, page.day, page.short), page, replay.logs(boot),
                page_id if isinstance(page_id, str) else "", portal)
    card.redraw()
    bridge.every(TICK_MS, card.tick)
    return bridge.export(card.receive)
