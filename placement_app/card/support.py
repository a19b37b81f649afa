""""Copy for support": the call as plain text an operator can paste into a ticket.

Everything support asks first, in one place: the call's id, the number, the
direction, the date, the outcome, and every step with its time, its code and
how long it lasted.  Only what the timeline and the placement options hold
goes in; the portal's tokens never reach either, and the text passes through
:func:`~placement_app.core.untrusted.redact_text` as a last guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from ..core import i18n
from ..core.settings import DEFAULTS, Settings
from ..core.timeline import Entry, Notice, NoticeKind, StateSpan, Timeline
from ..core.untrusted import redact_text
from .view import code_line, headline, status_word


@dataclass(frozen=True)
class CallFacts:
    """What the placement options say about the call (``PHONE_NUMBER``, ``CALL_DIRECTION``)."""

    phone_number: str | None = None
    direction: str | None = None


def _date(epoch_ms: float, offset_minutes: int) -> str:
    """``2026-11-29 (UTC+03:00)``: the day in the operator's zone, and the zone."""
    zone = timezone(timedelta(minutes=offset_minutes))
    try:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        return "—"
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{moment.date().isoformat()} (UTC{sign}{hours:02d}:{minutes:02d})"


def _step(entry: Entry, lang: str | None, settings: Settings, now: float) -> list[str]:
    """One step's parts: what happened, its code or detail, and how long it lasted."""
    if isinstance(entry, StateSpan):
        what = i18n.text(f"state.{entry.call_state.value}", lang)
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
            offset_minutes: int = 0, settings: Settings = DEFAULTS) -> str:
    """The call as plain text, in the card's language and clock, for support."""
    twelve_hour = settings.clock == "12h"
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
        line("support.date", None if first is None else _date(first, offset_minutes)),
        line("support.outcome", outcome),
        line("ring_time", None if ring is None else i18n.format_duration(ring)),
        line("talk_time", None if talk is None else i18n.format_duration(talk)),
    ]
    if timeline.dropped:
        lines.append(i18n.text("dropped", lang, count=timeline.dropped))
    lines.append(f"{i18n.text('support.steps', lang)}:")
    for entry in timeline.entries:
        moment = entry.started_at if isinstance(entry, StateSpan) else entry.at
        clock = i18n.format_clock(moment, offset_minutes, twelve_hour)
        lines.append("  ".join([clock, *_step(entry, lang, settings, now)]))
    return redact_text("\n".join(lines) + "\n")
