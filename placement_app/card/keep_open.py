"""When the card lets the portal close it: held from the start, let go once the call's outcome is read.

A real portal destroys a failed call's card in the same task as it ends the
call, unless auto-close was disabled *before* the end; and an external call
or one that failed before it rang sends no state at all, only the close
(the portal's public code, cited in the README's "On a real portal").  So the page holds the card
(``disableAutoClose``) the moment it binds (``static/hold.js``), and this
module decides when to let go (``enableAutoClose``, which closes a finished
call's card at once):

- while the call runs, nothing: the hold costs nothing until the portal tries
  to close the card;
- an answered call, or one that ended as the company expects: let go at once,
  so that the operator's next incoming call does not wait;
- a failed call, or one whose outcome is not known yet: keep the card while
  the call statistics are asked, show the outcome, then let go after the
  admin's time (:data:`FAILED_SHOW_MS`, or "until Done" up to the admin's
  minutes), or when the operator presses *Done*.

The portal's timer starts at its auto-close, at the end, and closes a held
card 65 s later (60 s in the docs); each ``disableAutoClose`` restarts it.  A
card kept longer renews within :data:`RENEW_MS`.

This is pure: the clock is an argument and the frame commands to send are
returned, so the whole behaviour is tested under CPython.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from ..core.events import BeforeClose, CallState, DonePressed, Event
from ..core.settings import Settings
from ..core.timeline import SUCCESS_CODES, LookupState, Timeline

#: The docs let a hold go 60 s after the last ``disableAutoClose`` (the code, 65 s): renew well before.
RENEW_MS = 45_000
#: How long a failed call's outcome stays when the admin did not ask for "until Done": long
#: enough to read the headline, the code and the next step (about 25 words), short enough
#: that the line's next incoming call is not held back for long.
FAILED_SHOW_MS = 20_000
DISABLE = "disableAutoClose"
ENABLE = "enableAutoClose"


class Verdict(StrEnum):
    """How far the card knows the call's end: what decides how long it stays."""

    RUNNING = "running"  # not ended (or not begun)
    UNKNOWN = "unknown"  # ended; the call statistics may still say how
    ANSWERED = "answered"  # answered, or ended the way the company expects: let go at once
    FAILED = "failed"  # the outcome is shown: keep it for the admin's time


def verdict(timeline: Timeline, settings: Settings, can_look_up: bool = True) -> Verdict:
    """What the card knows of the call's end (``can_look_up``: whether the statistics may still say)."""
    if timeline.ended_at is None or timeline.call_state is not CallState.IDLE:
        return Verdict.RUNNING
    if not timeline.external and timeline.connected_at is not None:
        return Verdict.ANSWERED
    code = timeline.failed_code
    if code is not None:
        return Verdict.ANSWERED if code in SUCCESS_CODES or settings.is_expected(code) else Verdict.FAILED
    if can_look_up and timeline.lookup in (None, LookupState.PENDING):
        return Verdict.UNKNOWN
    return Verdict.FAILED  # not answered, reason not reported: that is the outcome to read


def show_for_ms(settings: Settings) -> float:
    """How long a failed call's outcome stays: the admin's "until Done" limit, or :data:`FAILED_SHOW_MS`."""
    return settings.keep_open_minutes * 60_000 if settings.keep_open else FAILED_SHOW_MS


@dataclass(frozen=True)
class KeepOpen:
    """The card's hold on the portal's auto-close.

    Held from the start (the page sent it); ``since`` is when the outcome
    was first shown (the admin's time runs from there, across a reload too),
    ``renewed_at`` the last renewal after the end, ``released`` whether the
    card has let go.
    """

    since: float | None = None
    renewed_at: float | None = None
    released: bool = False

    @property
    def holding(self) -> bool:
        return not self.released

    def closes_in(self, settings: Settings, now: float) -> float | None:
        """Milliseconds until the card lets go; ``None`` while it is not counting down."""
        if self.released or self.since is None:
            return None
        return max(0.0, self.since + show_for_ms(settings) - now)


def _renew(state: KeepOpen, timeline: Timeline, now: float) -> tuple[KeepOpen, tuple[str, ...]]:
    """Restart the portal's timer before it runs out (it was armed at the end)."""
    last = state.renewed_at if state.renewed_at is not None else timeline.ended_at
    if last is None or now - last >= RENEW_MS:
        return replace(state, renewed_at=now), (DISABLE,)
    return state, ()


def marked(event: Event, state: KeepOpen) -> Event:
    """``event`` as the timeline takes it: a close attempt while the card holds itself open is
    ``held``, for the timeline must not say the card is closing when it stays."""
    return replace(event, held=True) if isinstance(event, BeforeClose) and state.holding else event


def step(state: KeepOpen, settings: Settings, timeline: Timeline, now: float,
         event: Event | None = None, can_look_up: bool = True) -> tuple[KeepOpen, tuple[str, ...]]:
    """The hold after ``event`` (or a tick) at ``now``, and the frame commands to send."""
    known = verdict(timeline, settings, can_look_up)
    if state.released:
        if known is Verdict.RUNNING and timeline.call_state in (CallState.CONNECTING, CallState.CONNECTED):
            return KeepOpen(), (DISABLE,)  # the next call in call-list mode: hold it as the page did
        return state, ()
    if known is Verdict.RUNNING:
        # Still holding; a countdown left from an earlier call of this card (call-list mode) ends.
        return (KeepOpen(), ()) if state != KeepOpen() else (state, ())
    if known is Verdict.ANSWERED or isinstance(event, DonePressed):
        return replace(state, released=True), (ENABLE,)
    if known is Verdict.FAILED:
        if state.since is None:
            state = replace(state, since=now)
        if state.closes_in(settings, now) == 0:
            return replace(state, released=True), (ENABLE,)
    return _renew(state, timeline, now)
