"""Wiring: events in, timeline updated, view redrawn, timeline kept.

:class:`Card` is plain Python: it runs under CPython with a fake document, a
fake clock and a fake HTTP client.  :func:`main` is what the shim calls once
Pyodide is up, and the only place that asks the bridge for the browser.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import replace
from typing import Any

from ..core import i18n, settings
from ..core.events import (
    CALL_CARD_EVENTS,
    BeforeClose,
    CardOpened,
    Event,
    StatisticsFound,
    StatisticsRequested,
    StatisticsUnavailable,
    parse_wire,
)
from ..core.settings import DEFAULTS
from ..core.timeline import (
    Notice,
    NoticeKind,
    Outcome,
    Timeline,
    apply,
    may_have_ended,
    needs_lookup,
    resume,
    with_error,
)
from ..core.untrusted import MAX_TEXT, describe_error, preview
from ..portal import client
from ..portal.client import Http, Refresh, Spawn
from . import keep_open, quick, statistics, storage
from .announce import announcement
from .keep_open import KeepOpen
from .storage import Store
from .support import CallFacts, summary
from .view import CardView

#: Events kept while the call id is unknown, to replay over a saved timeline.
MAX_EARLY = 500
TICK_MS = 250
#: Saving is immediate for a lone event, but at most this often in a burst
#: (the rest waits for the next tick, at most TICK_MS later).
SAVE_EVERY_MS = 1000

#: Sends one placement command (``disableAutoClose``...) to the portal.
Command = Callable[[str], None]
#: Tells the page that the saved copy holds every event up to the page's number for it.
Saved = Callable[[int], None]
#: Hands the page the text for "Copy for support" and the button's words (copy, copied, failed).
Support = Callable[[str, dict[str, str]], None]


class Card:
    """Owns the call's timeline and keeps the view (and the saved copy) in step.

    Events are handled one at a time in the order received.  A failure while
    handling one is logged and shown as an error entry; the next event is
    handled as if nothing happened.  When the call ends without a code and
    the portal can be asked, the call statistics are looked up in the
    background (``http`` and ``spawn`` come from the bridge; ``refresh``
    gets a new token through the frame when the portal says it expired).

    Nothing is lost on a reload.  Saving is throttled (:data:`SAVE_EVERY_MS`),
    and a reloading page cannot wait for this worker, which may never run
    again once the page goes.  So the page keeps every event it forwarded
    until this card tells it (``on_saved``, with the page's number for the
    event) that the saved copy holds it; when the page is hidden or goes, it
    writes the events still unconfirmed to its storage at once, itself (a
    journal: see ``static/shim.js``).  The next card of the call replays them
    over the saved copy (:meth:`_learn_call`), each journal once.
    """

    def __init__(self, view: CardView, clock: Callable[[], float],
                 warn: Callable[[str], None] = lambda message: None, store: Store | None = None,
                 http: Http | None = None, spawn: Spawn | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 on_drawn: Callable[[], None] = lambda: None,
                 command: Command = lambda name: None, refresh: Refresh | None = None,
                 on_saved: Saved = lambda seq: None,
                 announce: Callable[[str], None] = lambda text: None,
                 support: Support = lambda text, words: None,
                 fit: Callable[[], None] = lambda: None,
                 words: Callable[[Mapping[str, object]], None] = lambda table: None):
        self.view = view
        self.clock = clock
        self.warn = warn
        self.store = store or Store(None)
        self.http = http
        self.spawn = spawn
        self.sleep = sleep
        self.on_drawn = on_drawn
        self.command = command
        self.refresh = refresh
        self.on_saved = on_saved
        self.settings = DEFAULTS
        self.keep = KeepOpen()
        self.timeline = Timeline()
        self.early: list[Event] = []
        self.unsaved = False
        self.portal: client.Session | None = None  # REST URL and token: memory only
        self.looking_up = False
        #: Whether a card opened ``idle`` has asked once if its call has ended already.
        self.probed = False
        self.received = 0
        self.saved_at = float("-inf")
        #: The page's number for the last event handled, and the last one the page was told is saved.
        self.seq: int | None = None
        self.confirmed: int | None = None
        self.stored = False  # whether the last save reached the storage
        #: Journals of earlier pages of this call replayed here (kept with the saved copy).
        self.replayed: tuple[str, ...] = ()
        self.replayed_keys: list[str] = []
        self.announce = announce
        self.support = support
        self.fit = fit
        #: Hands the page the quick view's table in the card's language (see :mod:`.quick`).
        self.words = words
        #: The number and direction from the placement options, for "Copy for support".
        self.facts = CallFacts()
        self.announced = ""
        self.summarised: tuple[object, ...] | None = None
        self.summarised_at = float("-inf")
        self.summarised_outcome: Outcome | None = None
        self.holding = False
        self.shape: tuple[object, ...] | None = None

    def receive(self, kind: object, payload_json: object, at: object, seq: object = None) -> None:
        """Take one event as the shim forwards it: name, JSON arguments, arrival time, its number."""
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.seq = seq
        if isinstance(kind, str) and kind in CALL_CARD_EVENTS:
            self.received += 1
            self.view.show_received(self.received)
        try:
            event = parse_wire(kind, payload_json, at)
        except Exception as error:  # parse_wire does not raise; this is a last guard
            self._failed(kind, at, error)
            self.redraw()
            return
        self.handle(event)

    def handle(self, event: Event) -> None:
        """Apply one typed event, then redraw.

        A close attempt while the card holds itself open is marked ``held``:
        the timeline must not say the card is closing when it stays.
        """
        if isinstance(event, BeforeClose) and self.keep.holding:
            event = replace(event, held=True)
        try:
            before = self.timeline
            self.timeline = apply(before, event)
            if isinstance(event, CardOpened) and event.rest_url and event.auth and self.http is not None:
                self.portal = client.Session(self.http, event.rest_url, event.auth, self.refresh)
            if isinstance(event, CardOpened):
                self.facts = CallFacts(event.phone_number or self.facts.phone_number,
                                       event.direction or self.facts.direction)
            if isinstance(event, CardOpened) and event.app_options is not None:
                loaded = settings.load(event.app_options)
                self.settings = loaded.settings
                self.view.configure(loaded)
                # The page's own words (its title, the quick view's notices) in the card's language,
                # and for the next card's quick view, these settings' words before Python runs.
                spoken = i18n.resolve_language(self.settings.language_for(event.lang))
                table = quick.table(spoken, self.settings)
                self.words(table)
                self.store.keep_words(quick.words_key(event.lang), table)
            if before.call_id is None:
                self._learn_call(event)
            self.unsaved = self.timeline.call_id is not None
            self._look_up_if_needed()
        except Exception as error:
            self._failed(type(event).__name__, event.at, error)
        self._hold(event)
        self.redraw()
        if self.clock() - self.saved_at >= SAVE_EVERY_MS:
            self.flush()

    def _failed(self, kind: object, at: object, error: Exception) -> None:
        moment = float(at) if isinstance(at, int | float) else self.clock()
        self.warn(f"Call Timeline: handling {preview(kind, MAX_TEXT)} failed: {describe_error(error)}")
        self.timeline = with_error(self.timeline, moment, type(error).__name__)

    def _learn_call(self, event: Event) -> None:
        """Once the call id is known, pick up where a reloaded tab left off."""
        call_id = self.timeline.call_id
        if call_id is None:
            if len(self.early) < MAX_EARLY:
                self.early.append(event)
            return
        saved = self.store.load(call_id)
        replayed = self.store.load_replayed(call_id) if saved is not None else ()
        journals = self.store.journals(call_id, self.clock(), skip=replayed)
        earlier = [parse_wire(kind, payload, at)
                   for journal in journals for kind, payload, at in journal.events]
        if (saved is not None or earlier) and isinstance(event, CardOpened):
            base = saved if saved is not None else Timeline(call_id=call_id)
            self.timeline = resume(base, event, earlier + self.early)
            if saved is not None:
                self.keep = self.store.load_hold(call_id)  # the admin's time limit runs on
                if self.keep.released:
                    # This new page held the card again at bind: let go again, as before the reload.
                    self.command(keep_open.ENABLE)
            self.replayed = (*replayed, *(journal.page for journal in journals))[-storage.MAX_CALLS:]
            self.replayed_keys = [journal.key for journal in journals]
        self.early = []

    @property
    def can_look_up(self) -> bool:
        """Whether the card can ask the portal's call statistics at all (REST known, a way to run it)."""
        return self.spawn is not None and self.http is not None and self.portal is not None

    def _look_up_if_needed(self) -> None:
        if self.looking_up or not self.can_look_up or self.portal is None:
            return
        call_id = self.timeline.call_id
        if call_id is None:
            return
        if needs_lookup(self.timeline):
            self.looking_up = True
            self._spawn(self._look_up(call_id, self.portal))
        elif may_have_ended(self.timeline) and not self.probed:
            self.looking_up = self.probed = True
            self._spawn(self._probe(call_id, self.portal))

    def _spawn(self, lookup: Coroutine[Any, Any, None]) -> None:
        """Run a conversation with the portal in the background (never on the event's own path)."""
        assert self.spawn is not None
        self.spawn(lookup)

    async def _probe(self, call_id: str, portal: client.Session) -> None:
        """Ask once whether a card opened ``idle`` opened after its call (see ``may_have_ended``).

        A record shows that call's outcome; no record, or any refusal, leaves
        the card waiting for its call, as before.
        """
        try:
            self.handle(StatisticsRequested(self.clock(), probe=True))
            if self.timeline.lookup != "probe":
                return
            reply = statistics.read_reply(await portal.call(statistics.METHOD, statistics.params(call_id)),
                                          call_id)
            if isinstance(reply, statistics.Found):
                self.handle(StatisticsFound(self.clock(), reply.failed_code, reply.reason))
                return
            if isinstance(reply, statistics.GaveUp):
                self.warn(f"Call Timeline: {statistics.METHOD} refused: {statistics.admin_detail(reply.why)}")
            self.handle(StatisticsUnavailable(self.clock(), reply.why))
        finally:
            self.looking_up = False
            self._look_up_if_needed()  # the call may have ended while the probe ran

    async def _look_up(self, call_id: str, portal: client.Session) -> None:
        """Ask the call statistics, with backoff, until they know or it is clear they won't.

        An expired token is refreshed through the frame and the question
        asked again (see :class:`client.Session`) before "the portal did not
        accept the app's authorisation" is said.
        """
        try:
            self.view.lookup_try = None
            self.handle(StatisticsRequested(self.clock()))
            why = "no_record"
            tries = len(statistics.DELAYS_MS)
            for attempt, delay in enumerate(statistics.DELAYS_MS, 1):
                if delay:
                    await self.sleep(delay / 1000)
                if self.timeline.call_id != call_id or self.timeline.lookup != "pending":
                    return  # a new attempt began, or the answer came another way
                # Progress on screen: a wait of several seconds must not look stuck.
                self.view.lookup_try = (attempt, tries)
                self.redraw()
                answer = await portal.call(statistics.METHOD, statistics.params(call_id))
                reply = statistics.read_reply(answer, call_id)
                if isinstance(reply, statistics.Found):
                    self.handle(StatisticsFound(self.clock(), reply.failed_code, reply.reason))
                    return
                if isinstance(reply, statistics.GaveUp):
                    why = reply.why
                    # The operator is sent to their admin; this is what the admin needs.
                    self.warn(f"Call Timeline: {statistics.METHOD} refused: {statistics.admin_detail(why)}")
                    break
                if reply.why == "unreachable":
                    self.warn("Call Timeline: call statistics unreachable")
                why = reply.why
            self.handle(StatisticsUnavailable(self.clock(), why))
        finally:
            self.looking_up = False

    def _hold(self, event: Event | None = None) -> None:
        """Hold the card open after a failed call, if the admin asked (see :mod:`keep_open`)."""
        try:
            now = self.clock()
            before = self.keep
            self.keep, commands = keep_open.step(self.keep, self.settings, self.timeline, now, event,
                                                 self.can_look_up)
            if self.keep != before and self.timeline.call_id is not None:
                self.unsaved = True
            for name in commands:
                self.command(name)
            closes_in = self.keep.closes_in(self.settings, now)
            self.holding = closes_in is not None
            # "Closes by itself" and "Done" only where letting go closes the card: the portal has
            # tried to close it since the end.  After a browser call failure, or in a tab opened
            # after its call, the portal never does, and the card stays until the operator closes it.
            self.view.show_hold(closes_in if self._portal_tried_to_close() else None)
        except Exception as error:
            self.warn(f"Call Timeline: keeping the card open failed: {describe_error(error)}")

    def _portal_tried_to_close(self) -> bool:
        ended = self.timeline.ended_at
        return ended is not None and any(
            isinstance(entry, Notice) and entry.kind is NoticeKind.KEPT_OPEN and entry.at >= ended
            for entry in self.timeline.entries)

    def flush(self) -> None:
        """Save the timeline if it changed since the last save, then tell the page what is saved.

        The page learns the number of the last event the saved copy holds, and
        forgets the events it kept up to it (see the class's docstring).
        Nothing is confirmed while the call is unknown (nothing can be saved
        then) or when the storage refused the copy.
        """
        if self.unsaved:
            self.unsaved = False
            self.saved_at = self.clock()
            shown = quick.shown(self.timeline, self.view.lang, self.settings, self.view.clock, self.clock())
            self.stored = self.store.save(self.timeline, self.keep, self.replayed, shown)
            if self.stored and self.replayed_keys:
                # After the copy that names them: a page that goes in between replays none twice.
                self.store.forget(self.replayed_keys)
                self.replayed_keys = []
        if (self.stored and self.timeline.call_id is not None and self.seq is not None
                and self.seq != self.confirmed):
            self.confirmed = self.seq
            self.on_saved(self.seq)

    def redraw(self) -> None:
        try:
            self.view.render(self.timeline, self.clock())
            self.on_drawn()
            self._tell()
            self._publish(throttle=True)
            self._fit()
        except Exception as error:
            self.warn(f"Call Timeline: drawing failed: {describe_error(error)}")

    def _tell(self) -> None:
        """The live region hears the state and the outcome when they change, never the timers."""
        said = announcement(self.timeline, self.view.lang, self.settings)
        if said and said != self.announced:
            self.announced = said
            self.announce(said)

    def _publish(self, throttle: bool) -> None:
        """Hand the page the "Copy for support" text when the call changed.

        The page must hold it before the operator clicks (a clipboard write
        needs the click's own moment), so it goes with the event; in a burst
        at most once a second, the rest with the next tick.  A new outcome
        (the call ended) goes at once: that is when the operator copies.
        """
        key = (self.timeline, self.facts, self.view.lang, self.settings)
        now = self.clock()
        settled = self.timeline.outcome is self.summarised_outcome
        if key == self.summarised or (throttle and settled and now - self.summarised_at < SAVE_EVERY_MS):
            return
        if self.timeline.call_id is None and not self.timeline.entries:
            return
        self.summarised = key
        self.summarised_at = now
        self.summarised_outcome = self.timeline.outcome
        lang = self.view.lang
        words = {word: i18n.text(f"support.{word}", lang) for word in ("copy", "copied", "copy_failed")}
        text = summary(self.timeline, self.facts, now, lang, self.settings, self.view.clock, self.view.day)
        self.support(text, words)

    def _fit(self) -> None:
        """Ask the portal to fit the frame's height (``resizeWindow``) when the card grew or shrank.

        Only when what is shown changed shape (a row, the failure, the hold,
        a notice), never for a timer: the page measures, this only says when.
        """
        timeline = self.timeline
        shape = (len(timeline.entries), timeline.dropped > 0, timeline.lost > 0, timeline.outcome,
                 timeline.lookup, timeline.failure_reason, self.holding, self.view.lang,
                 self.view.problem, self.summarised is not None)
        if shape != self.shape:
            self.shape = shape
            self.fit()

    def tick(self) -> None:
        """Advance the live timers and save (called by the page every fraction of a second)."""
        try:
            self._hold()
            self.view.tick(self.timeline, self.clock())
            self.on_drawn()
            self._publish(throttle=False)
            self._fit()
            self.flush()
        except Exception as error:
            self.warn(f"Call Timeline: timer failed: {describe_error(error)}")


def main(boot_json: str = "{}") -> object:
    """Start the card in the worker; return the function the engine forwards events to.

    ``boot_json`` is what the page knows that the worker cannot: the saved
    calls (a worker has no ``localStorage``).
    """
    from ..browser import bridge

    boot = json.loads(boot_json)
    page = bridge.page(boot if isinstance(boot, dict) else {})
    card = Card(CardView(page.document, page.root, page.clock, page.day), page.now, page.warn,
                store=Store(page.storage, page.warn), http=bridge.post_form,
                spawn=asyncio.ensure_future, on_drawn=page.send_drawing, command=bridge.frame_command,
                refresh=bridge.refresh_auth, on_saved=bridge.saved, announce=bridge.announce,
                support=bridge.support, fit=lambda: bridge.frame_command("resizeWindow"),
                words=bridge.words)
    card.redraw()
    bridge.every(TICK_MS, card.tick)
    return bridge.export(card.receive)
