"""What the card's one live region says: the call's state, and its outcome once it ended.

A screen reader reads every change inside a live region.  The card's timers
change four times a second, so they stay outside it; the page has one small
polite region (``#announce`` in ``index.html``) that hears only this text,
and only when it changes: a state change, then the outcome.
"""

from __future__ import annotations

from ..core import i18n
from ..core.settings import DEFAULTS, Settings
from ..core.timeline import Outcome, Timeline
from .view import code_line

#: Outcomes that end a call: the announcement adds them to the state.
ENDED = (Outcome.ANSWERED, Outcome.FAILED, Outcome.NOT_ANSWERED)


def announcement(timeline: Timeline, lang: str | None, settings: Settings = DEFAULTS) -> str:
    """``Ringing``, ``Talking``, ``No connection. Call failed: 486 · Busy``; empty before any state."""
    state = timeline.call_state
    if state is None:
        return ""
    said = i18n.text(f"state.{state.value}", lang)
    outcome = timeline.outcome
    if outcome not in ENDED:
        return said
    if outcome is Outcome.FAILED and settings.is_expected(timeline.failed_code):
        verdict = i18n.text("outcome.expected", lang)
    else:
        verdict = i18n.text(f"outcome.{outcome.value}", lang)
    if outcome is Outcome.FAILED and timeline.failed_code:
        verdict += f": {code_line(timeline.failed_code, lang, settings)[1]}"
    return f"{said}. {verdict}"
