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
from ..core.events import CallState
from ..core.settings import DEFAULTS, Settings
from ..core.timeline import Entry, Notice, NoticeKind, StateSpan, Timeline
from ..core.untrusted import redact_text
from .view import code_line, headline, span_word, status_word


@dataclass(frozen=True)
class CallFacts:
    """What the placement options say about the call (``PHONE_NUMBER``, ``CALL_DIRECTION``)."""

    phone_number: str | None = None
    direction: str | None = None


def _step(entry: Entry, lang: str | None, settings: Settings, now: float, after_call: bool) -> list[str]:
    """One step's parts: what happened (in the card's words), its code or detail, and how long it lasted."""
    if isinstance(entry, StateSpan):
        what = span_word(entry, after_call, lang)
        if entry.since_open:
            what += " " + i18n.text("since_open", lang)
        parts = [what]
        if entry.failed_code:
            code = code_line(entry.failed_code, lang, settings)[1]
            if entry.code_from_statistics:
                code += f" ({i18n.text('lookup.source', lang)})"
            parts.append(code)
        parts.append(i18n.format_duration(entry.duration(now)) if entry.ended_at is not None else "…")
        return parts
    notice: Notice = entry
    detail = (i18n.text("early_dropped.detail", lang, count=notice.detail)
              if notice.kind is NoticeKind.EARLY_DROPPED else notice.detail)
    return [i18n.text(f"notice.{notice.kind.value}", lang), *([detail] if detail else [])]


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
    number = facts.phone_number or (timeline.client[0] if timeline.client else None)
    first = next((entry.started_at if isinstance(entry, StateSpan) else entry.at
                  for entry in timeline.entries), None)

    def line(key: str, value: str | None) -> str:
        return f"{i18n.text(key, lang)}: {value or '—'}"

    ring = timeline.ring_time(now)
    talk = timeline.talk_time(now)
    # The card's own headline once the call ended, and the code in full for support.
    finished = headline(timeline, lang, settings)
    outcome = status_word(timeline, lang) if finished is None else finished[1]
    if finished is not None and timeline.failed_code:
        outcome += f" ({code_line(timeline.failed_code, lang, settings)[1]})"
    lines = [
        i18n.text("support.heading", lang),
        line("support.call_id", timeline.call_id),
        line("support.number", number),
        line("support.direction", facts.direction),
        line("support.date", None if first is None else day(first)),
        line("support.outcome", outcome),
        line("ring_time", None if ring is None else i18n.format_duration(ring)),
        line("talk_time", None if talk is None else i18n.format_duration(talk)),
    ]
    if timeline.dropped:
        lines.append(i18n.text("dropped", lang, count=timeline.dropped))
    lines.append(f"{i18n.text('support.steps', lang)}:")
    after_call = False
    for entry in timeline.entries:
        moment = entry.started_at if isinstance(entry, StateSpan) else entry.at
        step = _step(entry, lang, settings, now, after_call)
        lines.append("  ".join([clock(moment, tag, settings.hour12), *step]))
        after_call = after_call or (isinstance(entry, StateSpan) and entry.call_state is not CallState.IDLE)
    return redact_text("\n".join(lines) + "\n")
