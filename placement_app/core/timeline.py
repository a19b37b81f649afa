"""The call timeline: pure state, one new value per event.

Every handler takes the current :class:`Timeline` and one event and returns
the next timeline; nothing here reads a clock.  Times are the moments the
shim received each event (ms since the epoch), so a replay of the same
events gives the same timeline, in tests and after hand-over from the JS
buffer alike.

The summary of the current attempt (ring start, answer, end, code) is kept
apart from the entries so that it stays right when old entries are dropped
to bound memory on very long calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .events import (
    EXTERNAL_CALL_PREFIX,
    BeforeClose,
    CallState,
    CallStateChanged,
    CardOpened,
    DonePressed,
    EntityChanged,
    Event,
    EventsDropped,
    LookupFailure,
    StatisticsFound,
    StatisticsRequested,
    StatisticsUnavailable,
    Unrecognised,
)

#: Entries kept in memory and on screen; older ones are counted, not kept.
MAX_ENTRIES = 200

#: Codes that mean the call went through.
SUCCESS_CODES = frozenset({"200"})
#: The client a card shows: phone number, CRM item type and id, each as the portal sent it.
Client = tuple[str | None, str | None, int | None]


class NoticeKind(StrEnum):
    CLIENT = "client"
    CLOSING = "closing"
    UNRECOGNISED = "unrecognised"
    ERROR = "error"
    #: Events dropped while Python started (the detail is their number).
    EARLY_DROPPED = "early_dropped"
    #: The portal tried to close the card while the card held itself open.
    KEPT_OPEN = "kept_open"


@dataclass(frozen=True)
class StateSpan:
    """A period in one call state.

    ``since_open`` marks a state that was already on when the tab opened, so
    its start is when the card saw it, not when the call entered it.
    """

    call_state: CallState
    started_at: float
    ended_at: float | None = None
    failed_code: str | None = None
    since_open: bool = False
    code_from_statistics: bool = False
    #: The step that ends the call, though nothing before it rang or talked (a call that
    #: failed before it rang, or ended before the card opened): *Call ended*, not *Waiting*.
    ends_call: bool = False

    def duration(self, now: float) -> float:
        """Milliseconds in this state; a running span counts up to ``now`` (see :func:`between`)."""
        return between(self.started_at, self.ended_at if self.ended_at is not None else now)

    def rang(self, now: float) -> bool:
        """Whether this is ringing the card can vouch for (see :func:`rang`), up to ``now`` if it runs."""
        end = self.ended_at if self.ended_at is not None else now
        return self.call_state is CallState.CONNECTING and rang(self.started_at, end)


def between(start: float, end: float) -> float:
    """The whole seconds from ``start`` to ``end`` (in milliseconds; never negative).

    Each instant is rounded down to its second first, and only then
    subtracted: so the parts of a call always add up to its whole as the card
    shows them (ring time + talk time = the call, and the rows' lengths too),
    which rounding each difference on its own does not give (0:01 + 0:07
    beside a 0:09 total).
    """
    return max(0.0, (end // 1000 - start // 1000) * 1000)


#: The least ringing the card vouches for, in milliseconds (see :func:`rang`).
RANG_MS = 1000


def rang(start: float, end: float) -> bool:
    """Whether ringing from ``start`` to ``end`` is ringing the card can vouch for: a whole second
    at least, measured between the instants themselves, so that a ring counted as one is always
    written as 0:01 or more (:func:`between`), and a signal back within the same moment (a busy
    line) never is, wherever the moments fall within their seconds."""
    return end - start >= RANG_MS


@dataclass(frozen=True)
class Notice:
    """Something to show on the timeline that is not a call state."""

    at: float
    kind: NoticeKind
    detail: str = ""
    #: A client change's new client, as the portal sent it (number, CRM type, CRM id): the view
    #: puts it in the operator's words (a number, "no number", "Lead #204").
    client: Client | None = None


Entry = StateSpan | Notice


class LookupState(StrEnum):
    """Where the statistics lookup stands, unless it has not begun (``None``) or gave up (why, as a
    :class:`LookupFailure`).

    The values are what the saved timeline holds (``card.storage``), so they never change.
    """

    PENDING = "pending"  # the call ended without a code: the statistics are being asked
    DONE = "done"  # they gave the code
    PROBE = "probe"  # a card opened ``idle`` asks once whether its call is over (see may_have_ended)


#: The statistics lookup as the timeline keeps it: not begun (``None``), under way, or given up.
Lookup = LookupState | LookupFailure | None


class Outcome(StrEnum):
    WAITING = "waiting"  # no call activity seen yet
    RINGING = "ringing"
    TALKING = "talking"
    ANSWERED = "answered"  # reached "connected", then ended
    FAILED = "failed"  # ended with a failure code
    NOT_ANSWERED = "not_answered"  # ended before "connected", no code known
    ENDED = "ended"  # an external call ended, and no record says how yet


@dataclass(frozen=True)
class Timeline:
    """Everything the card shows about the call, as an immutable value."""

    entries: tuple[Entry, ...] = ()
    dropped: int = 0
    call_id: str | None = None
    lang: str | None = None
    ringing_at: float | None = None
    connected_at: float | None = None
    ended_at: float | None = None
    failed_code: str | None = None
    joined_late: bool = False
    client: Client | None = None
    closing: bool = False
    call_state: CallState | None = None
    state_since: float | None = None
    #: The portal's own words for the failure (from call statistics).
    failure_reason: str | None = None
    code_from_statistics: bool = False
    #: The statistics lookup: not begun, pending, done, a probe, or why it gave up.
    lookup: Lookup = None
    #: Events dropped while Python started (the page's worker holds a bounded number).
    lost: int = 0
    #: A call a PBX registered: its card opens ``connected`` whatever the call is doing, and
    #: no state follows, so only its record says whether it was answered.
    external: bool = False

    @property
    def current(self) -> StateSpan | None:
        """The running span, while it is still among the kept entries."""
        for entry in reversed(self.entries):
            if isinstance(entry, StateSpan):
                return entry if entry.ended_at is None else None
        return None

    def state_duration(self, now: float) -> float | None:
        """How long the call has been in its current state."""
        return None if self.state_since is None else between(self.state_since, now)

    @property
    def outcome(self) -> Outcome:
        """What the operator should read about the call as a whole.

        An ``idle`` without a code is never taken as success unless the call
        had been connected: portals that forward only the state lose the
        code on the way.  A call that was connected was answered, whatever
        code the telephony reports when it ends (a 486 after a talk is how
        some lines say the client hung up): calling it failed would
        contradict the talk the operator just had.
        """
        state = self.call_state
        if state is CallState.CONNECTING:
            return Outcome.RINGING
        if state is CallState.CONNECTED:
            return Outcome.TALKING
        if self.ended_at is None:
            return Outcome.WAITING
        if self.external and self.failed_code is None:
            return Outcome.ENDED  # "connected" was the card's opening state, not an answer
        if self.connected_at is not None or self.failed_code in SUCCESS_CODES:
            return Outcome.ANSWERED
        if self.failed_code is not None:
            return Outcome.FAILED
        return Outcome.NOT_ANSWERED

    def call_time(self) -> float | None:
        """A finished call's whole length: from its first ring (or answer) to its end."""
        start = self.ringing_at if self.ringing_at is not None else self.connected_at
        if start is None or self.ended_at is None:
            return None
        return between(start, self.ended_at)

    def _ring_end(self) -> float | None:
        """When ringing stopped: the answer, else the end; ``None`` while it rings.

        Each instant is checked against ``None``: 0.0 is a moment like any other.
        """
        return self.connected_at if self.connected_at is not None else self.ended_at

    def ring_time(self, now: float) -> float | None:
        """From the start of ringing to the answer (or the end, or ``now``)."""
        if self.ringing_at is None:
            return None
        end = self._ring_end()
        return between(self.ringing_at, end if end is not None else now)

    @property
    def rang(self) -> bool:
        """Whether the card saw this attempt ring before it was answered or ended (see :func:`rang`)."""
        end = self._ring_end()
        return self.ringing_at is not None and end is not None and rang(self.ringing_at, end)

    def talk_time(self, now: float) -> float | None:
        """From the answer to the end of the call (or ``now``)."""
        if self.connected_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return between(self.connected_at, end)


def _append(timeline: Timeline, entry: Entry) -> tuple[tuple[Entry, ...], int]:
    entries = (*timeline.entries, entry)
    overflow = len(entries) - MAX_ENTRIES
    if overflow > 0:
        return entries[overflow:], timeline.dropped + overflow
    return entries, timeline.dropped


def with_entry(timeline: Timeline, entry: Entry, **changes: Any) -> Timeline:
    """A copy of ``timeline`` with ``entry`` appended (bounded) and ``changes``."""
    entries, dropped = _append(timeline, entry)
    return replace(timeline, entries=entries, dropped=dropped, **changes)


def _close_current(timeline: Timeline, at: float) -> tuple[Entry, ...]:
    """The entries with the running span ended at ``at``."""
    entries = list(timeline.entries)
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, StateSpan):
            if entry.ended_at is None:
                entries[index] = replace(entry, ended_at=max(at, entry.started_at))
            break
    return tuple(entries)


def on_call_state_changed(timeline: Timeline, event: CallStateChanged) -> Timeline:
    """Open a new span; end the previous one; update the attempt summary."""
    if timeline.call_state is event.call_state:
        # Bitrix24 does not repeat a state, but if it does, keep one span and
        # only take a code that arrives late.
        if event.failed_code is None or timeline.failed_code is not None:
            return timeline
        entries = list(timeline.entries)
        current = timeline.current
        if current is not None:
            entries[entries.index(current)] = replace(current, failed_code=event.failed_code)
        failed = event.failed_code if event.call_state is CallState.IDLE else None
        return replace(timeline, entries=tuple(entries), failed_code=failed)

    changes: dict[str, Any] = {"call_state": event.call_state, "state_since": event.at}
    new_attempt = timeline.ended_at is not None and event.call_state is not CallState.IDLE
    if new_attempt:
        changes.update(ringing_at=None, connected_at=None, ended_at=None, failed_code=None,
                       joined_late=False, failure_reason=None, code_from_statistics=False,
                       lookup=None)
    ringing_at = None if new_attempt else timeline.ringing_at
    connected_at = None if new_attempt else timeline.connected_at
    if event.call_state is CallState.CONNECTING and ringing_at is None:
        changes["ringing_at"] = event.at
    elif event.call_state is CallState.CONNECTED and connected_at is None:
        changes["connected_at"] = event.at
    elif event.call_state is CallState.IDLE and (timeline.call_state or event.failed_code):
        changes["ended_at"] = event.at
        changes["failed_code"] = event.failed_code

    closed = replace(timeline, entries=_close_current(timeline, event.at))
    span = StateSpan(event.call_state, event.at, failed_code=event.failed_code)
    return with_entry(closed, span, **changes)


def on_entity_changed(timeline: Timeline, event: EntityChanged) -> Timeline:
    """Note a client change, once per distinct client."""
    client = (event.phone_number, event.crm_entity_type, event.crm_entity_id)
    if client == timeline.client:
        return timeline
    return with_entry(timeline, Notice(event.at, NoticeKind.CLIENT, client=client), client=client)


def on_before_close(timeline: Timeline, event: BeforeClose) -> Timeline:
    """Note the first close attempt; repeats are the same fact.

    An attempt the card refused (it held itself open) is not "Card closing":
    it is noted once as such, and the real close later is noted as usual.

    A held attempt before any ``idle`` is the end of the call: the portal
    tries to close a card only when its call is over (its auto-close), and
    an external call, or one that failed before it rang, sends no state at
    all (the README's "On a real portal").
    """
    if timeline.closing:
        return timeline
    if event.held and timeline.ended_at is None and timeline.call_id is not None:
        timeline = replace(timeline, entries=_close_current(timeline, event.at))
        timeline = with_entry(timeline, StateSpan(CallState.IDLE, event.at, ends_call=True),
                              call_state=CallState.IDLE, state_since=event.at, ended_at=event.at,
                              failed_code=None)
    if event.held:
        last = timeline.entries[-1] if timeline.entries else None
        if isinstance(last, Notice) and last.kind is NoticeKind.KEPT_OPEN:
            return timeline
        return with_entry(timeline, Notice(event.at, NoticeKind.KEPT_OPEN))
    return with_entry(timeline, Notice(event.at, NoticeKind.CLOSING), closing=True)


def on_card_opened(timeline: Timeline, event: CardOpened) -> Timeline:
    """Take the call id, language and the state the tab opened in.

    A state already learned from a real event is newer than the init data,
    so the init data's state is used only while no state is known.
    """
    changes: dict[str, Any] = {}
    if event.call_id and timeline.call_id is None:
        changes["call_id"] = event.call_id
        changes["external"] = event.call_id.startswith(EXTERNAL_CALL_PREFIX)
    external = changes.get("external", timeline.external)
    if event.lang and timeline.lang is None:
        changes["lang"] = event.lang
    if timeline.call_state is not None or event.call_state is None:
        return replace(timeline, **changes) if changes else timeline
    changes.update(call_state=event.call_state, state_since=event.at)
    span = StateSpan(event.call_state, event.at, since_open=True)
    if event.call_state is CallState.CONNECTING:
        changes.update(ringing_at=event.at, joined_late=True)
    elif event.call_state is CallState.CONNECTED and not external:
        changes.update(connected_at=event.at, joined_late=True)
    return with_entry(timeline, span, **changes)


def on_unrecognised(timeline: Timeline, event: Unrecognised) -> Timeline:
    """Show what could not be read, so that nothing is silently lost."""
    detail = f"{event.kind}: {event.reason}" + (f" — {event.preview}" if event.preview else "")
    return with_entry(timeline, Notice(event.at, NoticeKind.UNRECOGNISED, detail))


def on_events_dropped(timeline: Timeline, event: EventsDropped) -> Timeline:
    """Say that early events were dropped, and how many: the hole is shown, not hidden.

    An entry says when, and the count stays on the card after the entry has
    scrolled out of the kept ones.
    """
    return with_entry(timeline, Notice(event.at, NoticeKind.EARLY_DROPPED, str(event.count)),
                      lost=timeline.lost + event.count)


def needs_lookup(timeline: Timeline) -> bool:
    """The call ended without a code, and the call statistics were not asked yet."""
    return (timeline.ended_at is not None and timeline.failed_code is None
            and timeline.call_id is not None and timeline.lookup in (None, LookupState.PENDING)
            and timeline.call_state is CallState.IDLE)


def _nothing_since_open(timeline: Timeline) -> bool:
    """The card opened ``idle`` and the call has neither rung, talked nor ended since."""
    return (timeline.call_id is not None and timeline.ended_at is None
            and timeline.call_state is CallState.IDLE and timeline.ringing_at is None
            and timeline.connected_at is None)


def may_have_ended(timeline: Timeline) -> bool:
    """The card opened ``idle`` and nothing has happened since: its call may be over already.

    A tab is loaded only when it is shown, so it can open after its call
    ended (the README's "On a real portal"); or before the call begins.  Only
    the call statistics can tell the two apart, once.
    """
    return timeline.lookup is None and _nothing_since_open(timeline)


def on_statistics_requested(timeline: Timeline, event: StatisticsRequested) -> Timeline:
    if event.probe:
        return replace(timeline, lookup=LookupState.PROBE) if may_have_ended(timeline) else timeline
    return replace(timeline, lookup=LookupState.PENDING) if needs_lookup(timeline) else timeline


def _ended_before_open(timeline: Timeline, event: StatisticsFound) -> Timeline:
    """The record of a call that ended before its card opened: the card shows how it ended."""
    entries = list(timeline.entries)
    end = event.at
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, StateSpan):
            entries[index] = replace(entry, failed_code=event.failed_code, code_from_statistics=True,
                                     ends_call=True)
            end = entry.started_at
            break
    return replace(timeline, entries=tuple(entries), ended_at=end, failed_code=event.failed_code,
                   failure_reason=event.reason, code_from_statistics=True, lookup=LookupState.DONE)


def on_statistics_found(timeline: Timeline, event: StatisticsFound) -> Timeline:
    """Complete the ended call with the code the portal recorded for it."""
    if timeline.lookup is LookupState.PROBE:
        # A state that came while the probe ran is newer than the record the probe found.
        return _ended_before_open(timeline, event) if _nothing_since_open(timeline) \
            else replace(timeline, lookup=None)
    if timeline.lookup is not LookupState.PENDING or not needs_lookup(timeline):
        return timeline
    entries = list(timeline.entries)
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, StateSpan) and entry.started_at == timeline.ended_at:
            entries[index] = replace(entry, failed_code=event.failed_code, code_from_statistics=True)
            break
    return replace(timeline, entries=tuple(entries), failed_code=event.failed_code,
                   failure_reason=event.reason, code_from_statistics=True, lookup=LookupState.DONE)


def on_statistics_unavailable(timeline: Timeline, event: StatisticsUnavailable) -> Timeline:
    """The entry stays honest: ended, reason not reported, and why we could not tell.

    A probe that found nothing says only that the call has not ended yet: the
    card waits for it, as a card opened before its call does.
    """
    if timeline.lookup is LookupState.PROBE:
        return replace(timeline, lookup=None)
    return replace(timeline, lookup=event.why) if timeline.lookup is LookupState.PENDING else timeline


def with_error(timeline: Timeline, at: float, detail: str) -> Timeline:
    """Record that handling an event failed (the card keeps going)."""
    return with_entry(timeline, Notice(at, NoticeKind.ERROR, detail))


HANDLERS: dict[type, Callable[[Timeline, Any], Timeline]] = {
    CallStateChanged: on_call_state_changed,
    EntityChanged: on_entity_changed,
    BeforeClose: on_before_close,
    CardOpened: on_card_opened,
    Unrecognised: on_unrecognised,
    StatisticsRequested: on_statistics_requested,
    StatisticsFound: on_statistics_found,
    StatisticsUnavailable: on_statistics_unavailable,
    # The timeline does not change: "Done" is about the card (see keep_open).
    DonePressed: lambda timeline, event: timeline,
    EventsDropped: on_events_dropped,
}


def apply(timeline: Timeline, event: Event) -> Timeline:
    """The timeline after ``event``: dispatch to the handler for its type."""
    return HANDLERS[type(event)](timeline, event)


def resume(saved: Timeline, opened: CardOpened, since: list[Event]) -> Timeline:
    """The saved timeline of this call, brought up to date after a reload.

    ``since`` are the events that arrived in this page before the call was
    known; they are newer than anything saved.  If none of them says the
    state, the state the tab reopened in is taken as a change at that moment
    (the call may have moved on while the tab was reloading).
    """
    timeline = replace(saved, lang=opened.lang or saved.lang)
    timeline = replay(since, timeline)
    knows_state = any(isinstance(event, CallStateChanged) for event in since)
    if opened.call_state is not None and not knows_state:
        timeline = apply(timeline, CallStateChanged(opened.at, opened.call_state))
    return timeline


def replay(events: list[Event], start: Timeline | None = None) -> Timeline:
    """Apply ``events`` in order; handy for tests and for restoring a call."""
    timeline = start or Timeline()
    for event in events:
        timeline = apply(timeline, event)
    return timeline
