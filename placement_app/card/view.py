"""The timeline drawn into the card, with text nodes only.

The view is handed a ``document`` (the browser's, through the bridge, or a
fake one in tests) and never imports ``js`` itself.  Untrusted text only ever
reaches ``textContent``; class names come from enums, never from data.

Updates are incremental: each element remembers the text it shows and is
written only when that text changes, so an event costs a handful of DOM
writes however long the call is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..core import codes, i18n
from ..core.codes import CodeKind
from ..core.events import CallState, LookupFailure
from ..core.settings import DEFAULTS, Loaded, Settings
from ..core.timeline import (
    SUCCESS_CODES,
    Client,
    Entry,
    LookupState,
    Notice,
    NoticeKind,
    Outcome,
    StateSpan,
    Timeline,
)
from . import earlier

Element = Any  # a DOM element (JsProxy in the browser)


class Slot:
    """One element whose text (and class, visibility) is cached on our side."""

    __slots__ = ("_attribute", "_class", "_hidden", "_text", "element")

    def __init__(self, document: Any, tag: str, class_name: str = "", parent: Element = None):
        self.element = document.createElement(tag)
        self._text: str | None = None
        self._class: str | None = None
        self._hidden: bool | None = None
        self._attribute: str | None = None
        if class_name:
            self.set_class(class_name)
        if parent is not None:
            parent.appendChild(self.element)

    @property
    def text(self) -> str:
        """The text the element shows (as last set)."""
        return self._text or ""

    @property
    def shown(self) -> bool:
        return not self._hidden

    def set(self, value: str) -> None:
        if value != self._text:
            self._text = value
            self.element.textContent = value

    def set_attribute(self, name: str, value: str) -> None:
        """One attribute per slot (``datetime`` on a clock) is enough here."""
        if value != self._attribute:
            self._attribute = value
            self.element.setAttribute(name, value)

    def set_class(self, value: str) -> None:
        if value != self._class:
            self._class = value
            self.element.className = value

    def show(self, visible: bool) -> None:
        if self._hidden is not (not visible):
            self._hidden = not visible
            self.element.hidden = not visible


class Row:
    """One timeline entry: clock time, what happened, detail, duration."""

    __slots__ = ("clock", "detail", "duration", "item", "what")

    def __init__(self, document: Any, parent: Element):
        self.item = Slot(document, "li", "entry", parent)
        self.clock = Slot(document, "time", "clock", self.item.element)
        self.what = Slot(document, "span", "what", self.item.element)
        self.detail = Slot(document, "span", "detail", self.item.element)
        self.duration = Slot(document, "span", "duration", self.item.element)


def _state_name(call_state: CallState | None, lang: str | None) -> str:
    return i18n.text(f"state.{call_state.value if call_state else 'unknown'}", lang)


def span_word(entry: StateSpan, after_call: bool, lang: str | None) -> str:
    """What a step is called in the timeline.  An idle step is *Waiting for the call* until the
    card has seen this call ring or be answered, and *Call ended* after (``state.idle``), never
    "no connection", which reads like a network fault.  ``after_call``: an earlier step rang
    or talked."""
    if entry.call_state is CallState.IDLE and not after_call and not entry.ends_call:
        return i18n.text("state.unknown", lang)
    return _state_name(entry.call_state, lang)


def code_line(code: str, lang: str | None, settings: Settings = DEFAULTS,
              rang: bool = False) -> tuple[codes.CodeInfo, str]:
    """The code's explanation and its one-line heading (``486 · Busy``); ``rang``: the call
    rang before it ended (a 486 is then *Declined*, see :data:`codes.AFTER_RINGING`).

    The admin's own words for a code replace the built-in label or next step: those for the code
    whose meaning applies (a 486 that rang takes the admin's words for 603, not for a busy line).
    """
    info = codes.describe(code, lang, rang)
    override = settings.override(codes.meaning(code, rang), i18n.resolve_language(lang))
    if override is not None:
        info = replace(info, label=override.label or info.label,
                       next_step=override.next_step or info.next_step)
    if info.kind is CodeKind.UNRECOGNISED:
        return info, i18n.text("code.heading_unrecognised", lang, label=info.label, code=code)
    return info, i18n.text("code.heading", lang, code=info.code, label=info.label)


def headline(timeline: Timeline, lang: str | None,
             settings: Settings = DEFAULTS) -> tuple[str, str] | None:
    """A finished call's one headline and its verdict (a class name), or ``None`` while it is not.

    One line says how the call ended and, labelled, how long the part that
    matters took: the talk of an answered call (``Call ended · talk time
    3:12``, the figure beside *Talk time* below it), the ringing of one
    never answered (``Declined after 0:12 of ringing``), so that no state
    word and no running timer are left above it once the call is over.  It
    never says a thing twice: a code's label alone says it was not answered.
    """
    outcome = timeline.outcome
    end = timeline.ended_at or 0.0
    if outcome is Outcome.ANSWERED:
        talk = timeline.talk_time(end)
        if talk is None:
            return "answered", i18n.text("outcome.answered", lang)
        return "answered", i18n.text("headline.ended", lang, duration=i18n.format_duration(talk))
    if outcome is Outcome.FAILED and timeline.failed_code is not None:
        info, _ = code_line(timeline.failed_code, lang, settings, timeline.rang)
        verdict = "expected" if settings.is_expected(timeline.failed_code) else "failed"
        return verdict, _rang(timeline, info.label, lang)
    if outcome is Outcome.NOT_ANSWERED:
        if timeline.lookup is LookupState.PENDING:
            # No verdict before the statistics answer: it may be a code, a not-answered, or success.
            return "ended", i18n.text("state.idle", lang)
        return "not_answered", _rang(timeline, i18n.text("outcome.not_answered", lang), lang)
    if outcome is Outcome.ENDED:
        # An external call: whether it was answered, only its record says.
        return "ended", i18n.text("state.idle", lang)
    return None


def _rang(timeline: Timeline, label: str, lang: str | None) -> str:
    """``label``, and how long the call rang first, if it rang."""
    ring = timeline.ring_time(timeline.ended_at or 0.0)
    if ring is None or not timeline.rang:
        return label
    return i18n.text("headline.rang", lang, label=label, duration=i18n.format_duration(ring))


def client_words(client: Client, lang: str | None) -> str:
    """A client change as the operator reads it: the number (or *no number*, *number hidden*),
    then the CRM item in the portal's own words (``Lead #204``); never a raw ``unknown``."""
    number, kind, entity = client
    shown = (number or "").strip()
    if not shown or shown.lower() == "unknown":
        shown = i18n.text("client.no_number", lang)
    elif shown.lower() == "hidden":
        shown = i18n.text("client.hidden", lang)
    if not kind:
        return shown
    known = f"crm.{kind.upper()}"
    name = i18n.text(known, lang) if known in i18n.STRINGS[i18n.DEFAULT_LANGUAGE] else kind
    crm = i18n.text("client.crm", lang, type=name, id=entity) if entity else name
    return i18n.text("client.line", lang, number=shown, crm=crm)


def notice_words(notice: Notice, lang: str | None) -> str:
    """A notice's detail in the card's words."""
    if notice.kind is NoticeKind.EARLY_DROPPED:
        count = int(notice.detail) if notice.detail.isdigit() else 0
        return i18n.plural("early_dropped.detail", count, lang)
    if notice.kind is NoticeKind.CLIENT and notice.client is not None:
        return client_words(notice.client, lang)
    return notice.detail


def step_words(entry: StateSpan, after_call: bool, lang: str | None) -> str:
    """What a step is called, and that it began before the card opened if it did; not for the end
    of a call that was over before the card opened (*Call ended*, not *Call ended (since …)*)."""
    what = span_word(entry, after_call, lang)
    late = entry.since_open and not (entry.ends_call and entry.call_state is CallState.IDLE)
    return i18n.text("since_open", lang, what=what) if late else what


def code_detail(entry: StateSpan, lang: str | None, settings: Settings, rang: bool) -> str:
    """A step's code as its row shows it (``486 · Declined (from call statistics)``); ``""`` without one."""
    if not entry.failed_code:
        return ""
    heading = code_line(entry.failed_code, lang, settings, rang)[1]
    return i18n.text("code.from_statistics", lang, heading=heading) if entry.code_from_statistics else heading


def status_word(timeline: Timeline, lang: str | None) -> str:
    """The live state above the timer: ringing, talking, or waiting for the call."""
    state = timeline.call_state
    if timeline.outcome is Outcome.WAITING or state is CallState.IDLE:
        return i18n.text("state.unknown", lang)
    return _state_name(state, lang)


def is_failure(code: str | None, answered: bool, settings: Settings = DEFAULTS) -> bool:
    """Whether a code ending an attempt is drawn as a failure: not for an answered call,
    a success, or an outcome the company expects."""
    return (code is not None and not answered and code not in SUCCESS_CODES
            and not settings.is_expected(code))


def failure_words(info: codes.CodeInfo, heading: str, lang: str | None) -> tuple[str, str, str]:
    """The failure box's heading, reason and next-step line for a code explained by ``info``
    (``heading``: its line, :func:`code_line`).  The headline above already names the label, so
    the box names a known code once (``Code 486``); an unrecognised one keeps its line."""
    if info.kind is not CodeKind.UNRECOGNISED:
        heading = i18n.text("code.only", lang, code=info.code)
    return heading, info.reason, i18n.text("next_step.line", lang, text=info.next_step)


class CardView:
    """Draws a :class:`Timeline` into ``root`` and keeps it current."""

    def __init__(self, document: Any, root: Element, clock: i18n.ClockFormat | None = None,
                 day: i18n.DayFormat | None = None, short: i18n.ShortFormat | None = None):
        """``clock`` writes times, ``day`` days and ``short`` the "Earlier" line's short times and
        dates (the browser's ``Intl`` in the card, in the operator's time zone; plain ones at UTC
        in tests)."""
        self.document = document
        self.root = root
        self.clock = clock or i18n.plain_clock()
        self.day = day or i18n.plain_day()
        self.short = short or i18n.plain_short()
        self.tag = i18n.locale_tag(None)
        self.lang: str | None = None
        self.portal_lang: str | None = None
        self.settings = DEFAULTS
        self.problem: str | None = None
        self.stale = True
        #: The statistics lookup's try and how many it makes, while it runs (set by the card).
        self.lookup_try: tuple[int, int] | None = None

        def slot(tag: str, class_name: str, parent: Element = root) -> Slot:
            return Slot(document, tag, class_name, parent)

        self.settings_notice = slot("p", "settings-notice")
        self.settings_notice.show(False)
        self.status = slot("div", "status")
        self.state = slot("span", "state", self.status.element)
        self.timer = slot("span", "timer", self.status.element)
        self.outcome = slot("p", "outcome")
        times = slot("dl", "times")
        self.ring_label = slot("dt", "ring-label", times.element)
        self.ring = slot("dd", "ring", times.element)
        self.talk_label = slot("dt", "talk-label", times.element)
        self.talk = slot("dd", "talk", times.element)
        self.failure = slot("section", "failure")
        self.failure_code = slot("p", "failure-code", self.failure.element)
        self.failure_reason = slot("p", "failure-reason", self.failure.element)
        self.failure_next = slot("p", "failure-next", self.failure.element)
        self.failure_source = slot("p", "failure-source", self.failure.element)
        self.hold = slot("div", "hold")
        self.hold_text = slot("p", "hold-text", self.hold.element)
        self.done = slot("button", "done", self.hold.element)
        self.done.element.setAttribute("type", "button")
        self.done.set_attribute("data-action", "done")
        self.hold.show(False)
        self.lost = slot("p", "lost")
        self.dropped = slot("p", "dropped")
        self.list = slot("ol", "entries")
        #: The number's earlier calls, under the timeline (:mod:`.earlier`).
        self.earlier = slot("p", "earlier")
        # Its two rows scroll what does not fit (card.css): focusable, so a keyboard can scroll it too.
        self.earlier.element.setAttribute("tabindex", "0")
        self.earlier.show(False)
        self.earlier_drawn: tuple[object, ...] | None = None
        self.rows: list[tuple[Entry, Row]] = []
        self.spare: list[Row] = []
        self.shown_dropped = 0

    def configure(self, loaded: Loaded) -> None:
        """Use the admin's settings from now on (the next render redraws everything)."""
        self.settings = loaded.settings
        self.problem = loaded.problem.value if loaded.problem else None
        self.stale = True

    def render(self, timeline: Timeline, now: float) -> None:
        """Bring the DOM in line with ``timeline``; touch only what changed."""
        if timeline.lang != self.portal_lang or self.stale:
            self.portal_lang = timeline.lang
            self.lang = self.settings.language_for(timeline.lang)
            self.stale = False
            self._relabel()
        lang = self.lang
        self._trim(timeline.dropped)
        answered = False  # whether the attempt an entry belongs to reached "connected"
        rang = False  # whether it rang
        after_call = False  # whether an earlier step rang or talked
        for index, entry in enumerate(timeline.entries):
            failing = False
            called = after_call
            attempt_rang = rang and not answered  # a code after a talk is not a declined call
            if isinstance(entry, StateSpan):
                after_call = after_call or entry.call_state is not CallState.IDLE
                if entry.call_state is CallState.CONNECTED:
                    answered = True
                elif entry.call_state is CallState.CONNECTING:
                    rang = rang or entry.rang(now)
                elif entry.call_state is CallState.IDLE:
                    failing = is_failure(entry.failed_code, answered, self.settings)
                    answered = rang = False
            if index < len(self.rows):
                shown, row = self.rows[index]
                if shown is entry:
                    continue
                self.rows[index] = (entry, row)
            else:
                row = self._new_row()
                self.rows.append((entry, row))
            self._draw_row(row, entry, now, failing, called, attempt_rang)
        self.lost.show(timeline.lost > 0)
        if timeline.lost:
            self.lost.set(i18n.plural("engine.early_dropped", timeline.lost, lang))
        self.dropped.show(timeline.dropped > 0)
        if timeline.dropped:
            self.dropped.set(i18n.plural("dropped", timeline.dropped, lang))
        outcome = timeline.outcome
        finished = headline(timeline, lang, self.settings)
        self.status.show(finished is None)
        self.outcome.show(finished is not None)
        if finished is not None:
            verdict, words = finished
            self.outcome.set(words)
            self.outcome.set_class(f"outcome outcome-{verdict}")
        self._draw_failure(timeline, outcome)
        self.tick(timeline, now)

    def drawn(self) -> tuple[str, list[list[str]]]:
        """The headline and the rows the view shows now, as their text (time, what, detail, and the
        row's state or ``""`` for a notice): read from what it drew, not worked out again."""
        headline = self.outcome.text if self.outcome.shown else self.state.text
        rows = [[row.clock.text, row.what.text, row.detail.text,
                 entry.call_state.value if isinstance(entry, StateSpan) else ""]
                for entry, row in self.rows if row.item.shown]
        return headline, rows

    def show_received(self, count: int) -> None:
        """How many call-card events the card has taken in (``data-events`` on the root)."""
        self.root.setAttribute("data-events", str(count))

    def tick(self, timeline: Timeline, now: float) -> None:
        """Advance the live figures: the running state's timer and totals."""
        lang = self.lang
        state = timeline.call_state
        live = timeline.outcome in (Outcome.RINGING, Outcome.TALKING)
        self.state.set(status_word(timeline, lang))
        self.state.set_class(f"state state-{state.value if live and state else 'unknown'}")
        since = timeline.state_duration(now) if live else None
        self.timer.set("" if since is None else i18n.format_duration(since))
        ring = timeline.ring_time(now)
        self.ring.set("—" if ring is None else i18n.format_duration(ring))
        talk = timeline.talk_time(now)
        talked = "—" if talk is None else i18n.format_duration(talk)
        self.talk.set(i18n.text("since_open", lang, what=talked) if timeline.joined_late and talk is not None
                      else talked)
        current = timeline.current
        if current is not None and current.call_state is not CallState.IDLE:
            # The running step's row, wherever notices after it have put it.
            for entry, row in reversed(self.rows):
                if isinstance(entry, StateSpan):
                    if entry is current:
                        row.duration.set(i18n.format_duration(current.duration(now)))
                    break

    def show_earlier(self, state: earlier.Earlier | None) -> None:
        """The "Earlier" line: its space from the moment it is due, then its words (as text)."""
        self.earlier.show(state is not None)
        drawn = (state, self.lang, self.settings)
        if state is None or drawn == self.earlier_drawn:
            return
        self.earlier_drawn = drawn
        formats = earlier.Formats(self.day, self.short, self.tag, self.settings.hour12)
        lang, settings = self.lang, self.settings

        def label(code: str) -> str:
            return code_line(code, lang, settings)[0].label

        self.earlier.set(earlier.line(state, lang, label, formats))
        self.earlier.set_class(f"earlier earlier-{state.status.value}")

    def show_hold(self, closes_in_ms: float | None) -> None:
        """The "kept open" notice and its "Done" button, while a failed call's outcome is shown."""
        self.hold.show(closes_in_ms is not None)
        if closes_in_ms is not None:
            left = i18n.format_duration(closes_in_ms + 999)
            self.hold_text.set(i18n.text("keep_open.notice", self.lang, left=left))
            self.done.set(i18n.text("keep_open.done", self.lang))

    def _relabel(self) -> None:
        lang = self.lang
        self.tag = i18n.locale_tag(lang)
        self.root.setAttribute("lang", self.tag)
        # "12:59:59 PM" needs a wider time column than "12:59:59".
        wide = len(self.clock(0.0, self.tag, self.settings.hour12)) > len("00:00:00")
        self.list.set_class("entries twelve-hour" if wide else "entries")
        self.settings_notice.show(self.problem is not None)
        if self.problem is not None:
            self.settings_notice.set(i18n.text(f"settings.problem.{self.problem}", lang))
        self.ring_label.set(i18n.text("ring_time", lang))
        self.talk_label.set(i18n.text("talk_time", lang))
        for _, row in self.rows:
            row.item.element.remove()
            self.spare.append(row)
        self.rows = []

    def _new_row(self) -> Row:
        """A row at the end of the list: a recycled one if any scrolled off."""
        if self.spare:
            row = self.spare.pop()
            self.list.element.appendChild(row.item.element)
            return row
        return Row(self.document, self.list.element)

    def _trim(self, dropped: int) -> None:
        excess = dropped - self.shown_dropped
        if excess > 0:
            for _, row in self.rows[:excess]:
                row.item.element.remove()
                self.spare.append(row)
            del self.rows[:excess]
        self.shown_dropped = dropped

    def _draw_row(self, row: Row, entry: Entry, now: float, failing: bool = False,
                  after_call: bool = False, rang: bool = False) -> None:
        lang = self.lang
        moment = entry.started_at if isinstance(entry, StateSpan) else entry.at
        row.clock.set(self.clock(moment, self.tag, self.settings.hour12))
        row.item.show(not (isinstance(entry, Notice) and entry.kind is NoticeKind.CLIENT
                           and not self.settings.show_client_changes))
        row.clock.set_attribute("datetime", i18n.iso_time(moment))
        if isinstance(entry, StateSpan):
            running = entry.ended_at is None
            state = entry.call_state.value
            row.item.set_class(f"entry state-{state}" + (" running" if running else "")
                               + (" code-failed" if failing else ""))
            row.what.set(step_words(entry, after_call, lang))
            row.detail.set(code_detail(entry, lang, self.settings, rang))
            # An idle step (waiting for the call, or the call ended) shows no length: no call runs in it.
            idle = entry.call_state is CallState.IDLE
            row.duration.set("" if idle else i18n.format_duration(entry.duration(now)))
        else:
            notice: Notice = entry
            row.item.set_class(f"entry notice notice-{notice.kind.value}")
            row.what.set(i18n.text(f"notice.{notice.kind.value}", lang))
            row.detail.set(notice_words(notice, lang))
            row.duration.set("")

    def _draw_failure(self, timeline: Timeline, outcome: Outcome) -> None:
        """The code explained: its heading, reason and next step, and where it came from.

        The portal's own phrase for a code from the call statistics is not
        shown: the catalogue's words (or the admin's) say it in the
        operator's language.  An answered call that ended with a code says
        only what happened, in neutral words.
        """
        lang = self.lang
        code = timeline.failed_code
        source = i18n.text("lookup.found", lang) if timeline.code_from_statistics else ""
        next_line: str | None
        if outcome is Outcome.FAILED and code:
            info, heading = code_line(code, lang, self.settings, timeline.rang)
            heading, reason, next_line = failure_words(info, heading, lang)
            kind = "expected" if self._expected(timeline) else info.kind.value
        elif outcome in (Outcome.NOT_ANSWERED, Outcome.ENDED):
            info = codes.not_reported(lang)
            heading, reason, next_line = failure_words(info, info.label, lang)
            kind = info.kind.value
            if timeline.lookup is LookupState.PENDING:
                # Only what is known while the statistics are asked: no reason, no next step yet.
                heading, next_line = "", None
                reason = i18n.text("lookup.pending", lang)
                if self.lookup_try is not None:
                    attempt, attempts = self.lookup_try
                    reason = i18n.text("lookup.trying", lang, attempt=attempt, attempts=attempts)
            failed_lookup = isinstance(timeline.lookup, LookupFailure)
            source = i18n.text(f"lookup.{timeline.lookup}", lang) if failed_lookup else ""
        elif outcome is Outcome.ANSWERED and code and code not in SUCCESS_CODES:
            talk = i18n.format_duration(timeline.talk_time(timeline.ended_at or 0.0) or 0.0)
            heading, next_line, kind = "", None, "answered"
            reason = i18n.text("answered_code", lang, talk=talk, code=code_line(code, lang, self.settings)[1])
        else:
            self.failure.show(False)
            return
        self.failure.show(True)
        self.failure.set_class(f"failure code-{kind}")
        self.failure_code.show(bool(heading))
        self.failure_code.set(heading)
        self.failure_reason.set(reason)
        self.failure_next.show(next_line is not None)
        self.failure_next.set(next_line or "")
        self.failure_source.show(bool(source))
        self.failure_source.set(source)

    def _expected(self, timeline: Timeline) -> bool:
        """A code the company counts as a normal outcome: drawn neutrally."""
        return timeline.outcome is Outcome.FAILED and self.settings.is_expected(timeline.failed_code)
