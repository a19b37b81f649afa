""""Copy for support": the call as plain text an operator can paste into a ticket.

Everything support asks first, in one place: the call's id, the number, the
direction, the date, the outcome, and every step with its time, its code and
how long it lasted.  Only what the timeline and the placement options hold
goes in; the portal's tokens never reach either, and the text passes through
:func:`~placement_app.core.untrusted.redact_text` as a last guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import i18n
from ..core.codes import CodeKind
from ..core.events import CallState
from ..core.settings import DEFAULTS, Settings
from ..core.timeline import Entry, StateSpan, Timeline
from ..core.untrusted import redact_text
from .view import client_words, code_detail, code_line, headline, notice_words, status_word, step_words


@dataclass(frozen=True)
class CallFacts:
    """What the placement options say about the call (``PHONE_NUMBER``, ``CALL_DIRECTION``)."""

    phone_number: str | None = None
    direction: str | None = None


def _step(entry: Entry, lang: str | None, settings: Settings, now: float, after_call: bool,
          rang: bool) -> list[str]:
    """One step's parts, as its row in the card shows them: what happened, its code or detail, and
    how long it lasted (a running step up to now; the end of the call has no length)."""
    if isinstance(entry, StateSpan):
        parts = [step_words(entry, after_call, lang)]
        if entry.failed_code:
            parts.append(code_detail(entry, lang, settings, rang))
        if entry.call_state is not CallState.IDLE:
            parts.append(i18n.format_duration(entry.duration(now)))
        return parts
    detail = notice_words(entry, lang)
    return [i18n.text(f"notice.{entry.kind.value}", lang), *([detail] if detail else [])]


def _direction(direction: str | None, lang: str | None) -> str | None:
    """``CALL_DIRECTION`` in the card's words; a value Bitrix24 does not document, as it came."""
    key = f"direction.{direction}"
    return i18n.text(key, lang) if key in i18n.STRINGS[i18n.DEFAULT_LANGUAGE] else direction


def summary(timeline: Timeline, facts: CallFacts, now: float, lang: str | None = None,
            settings: Settings = DEFAULTS, clock: i18n.ClockFormat | None = None,
            day: i18n.DayFormat | None = None) -> str:
    """The call as plain text, in the card's language and clock, for support.

    ``clock`` and ``day`` write moments as the card does (the browser's
    ``Intl``, in the operator's time zone; plain ones at UTC in tests): each
    step's time as its row shows it, and the day of the first with the
    zone's offset from UTC then, since support may work in another zone.
    """
    clock = clock or i18n.plain_clock()
    day = day or i18n.plain_day()
    tag = i18n.locale_tag(lang)
    # The client the card shows now: the last client change's, else the one the tab opened with.
    client = timeline.client or (facts.phone_number, None, None)
    number = client_words(client, lang) if client[0] or timeline.client else None
    first = next((entry.started_at if isinstance(entry, StateSpan) else entry.at
                  for entry in timeline.entries), None)

    def line(key: str, value: str | None) -> str:
        return i18n.text("support.line", lang, label=i18n.text(key, lang), value=value or "—")

    ring = timeline.ring_time(now)
    talk = timeline.talk_time(now)
    # The card's own headline once the call ended, and the code in full for support.
    finished = headline(timeline, lang, settings)
    outcome = status_word(timeline, lang) if finished is None else finished[1]
    if finished is not None and timeline.failed_code:
        # The code beside the headline, once: the label is in the headline already.
        info, heading = code_line(timeline.failed_code, lang, settings, timeline.rang)
        known = info.kind is not CodeKind.UNRECOGNISED
        outcome += f" ({i18n.text('code.only', lang, code=info.code) if known else heading})"
    lines = [
        i18n.text("support.heading", lang),
        line("support.call_id", timeline.call_id),
        line("support.number", number),
        line("support.direction", _direction(facts.direction, lang)),
        line("support.date", None if first is None else day(first)),
        line("support.outcome", outcome),
        line("ring_time", None if ring is None else i18n.format_duration(ring)),
        line("talk_time", None if talk is None else i18n.format_duration(talk)),
    ]
    if timeline.dropped:
        lines.append(i18n.plural("dropped", timeline.dropped, lang))
    lines.append(i18n.text("support.steps", lang))
    after_call = rang = False
    for entry in timeline.entries:
        moment = entry.started_at if isinstance(entry, StateSpan) else entry.at
        step = _step(entry, lang, settings, now, after_call, rang)
        lines.append("  ".join([clock(moment, tag, settings.hour12), *step]))
        if isinstance(entry, StateSpan):
            after_call = after_call or entry.call_state is not CallState.IDLE
            # Did this attempt ring, unanswered, before the step after it (a code after a talk is no decline)?
            rang = entry.rang(now)
    return redact_text("\n".join(lines) + "\n")
