"""Keeping the card open after a failed call, so the operator can read why.

Bitrix24 closes a finished call's card by itself; ``disableAutoClose`` holds
it for 65 s, and each call extends that.  When the admin asked for it, the
card holds itself open after a failed call, renews the hold well before it
lapses, and lets go (``enableAutoClose``, which closes a finished call's card
at once) when the operator presses "Done" or the admin's time is up.

This is pure: the clock is an argument and the frame commands to send are
returned, so the whole behaviour is tested under CPython.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.events import DonePressed, Event
from ..core.settings import Settings
from ..core.timeline import Outcome, Timeline

#: The portal lets go 65 s after the last ``disableAutoClose``; renew before that.
RENEW_MS = 45_000
DISABLE = "disableAutoClose"
ENABLE = "enableAutoClose"


@dataclass(frozen=True)
class KeepOpen:
    """Whether the card is holding itself open, since when, and when it last renewed."""

    since: float | None = None
    renewed_at: float | None = None
    released: bool = False

    @property
    def holding(self) -> bool:
        return self.since is not None and not self.released

    def closes_in(self, settings: Settings, now: float) -> float | None:
        """Milliseconds until the admin's limit lets the card close; ``None`` when not holding."""
        if not self.holding or self.since is None:
            return None
        return max(0.0, self.since + settings.keep_open_minutes * 60_000 - now)


def failed(timeline: Timeline, settings: Settings) -> bool:
    """A call worth holding the card for: it failed, and not in a way the company expects."""
    if timeline.outcome is Outcome.NOT_ANSWERED:
        return True
    return timeline.outcome is Outcome.FAILED and not settings.is_expected(timeline.failed_code)


def step(state: KeepOpen, settings: Settings, timeline: Timeline, now: float,
         event: Event | None = None) -> tuple[KeepOpen, tuple[str, ...]]:
    """The hold after ``event`` (or a tick) at ``now``, and the frame commands to send."""
    if state.released:
        # Done for this failure; a later failure (call-list mode) is held again.
        return (state, ()) if failed(timeline, settings) else (KeepOpen(), ())
    if not state.holding:
        if settings.keep_open and failed(timeline, settings) and not isinstance(event, DonePressed):
            return KeepOpen(since=now, renewed_at=now), (DISABLE,)
        return state, ()
    if not failed(timeline, settings):
        return KeepOpen(), (ENABLE,)  # the card moved on to a live call (call-list mode)
    if isinstance(event, DonePressed) or state.closes_in(settings, now) == 0:
        return replace(state, released=True), (ENABLE,)
    if state.renewed_at is None or now - state.renewed_at >= RENEW_MS:
        return replace(state, renewed_at=now), (DISABLE,)
    return state, ()
