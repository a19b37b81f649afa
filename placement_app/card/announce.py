"""What the card's one live region says: the call's state, and its outcome once it ended.

A screen reader reads every change inside a live region.  The card's timers
change four times a second, so they stay outside it; the page has one small
polite region (``#announce`` in ``index.html``) that hears only this text,
and only when it changes: a state change, then the outcome.
"""

from __future__ import annotations

from ..core.settings import DEFAULTS, Settings
from ..core.timeline import Timeline
from .view import headline, status_word


def announcement(timeline: Timeline, lang: str | None, settings: Settings = DEFAULTS) -> str:
    """The words the card shows above its timers while the call goes on (``Ringing``,
    ``Talking``), then the one headline it shows once the call ended (``Call ended · 3:12``,
    ``Busy · not answered``): what is heard is what is seen.  Empty before any state."""
    if timeline.call_state is None:
        return ""
    finished = headline(timeline, lang, settings)
    return status_word(timeline, lang) if finished is None else finished[1]
