"""The failure report: what the admin sees of the portal's failed calls, decided here.

The page's JavaScript does only what the browser alone can: it keeps the
records in IndexedDB (asked by :data:`ToPage.CACHE` messages), draws the
chart with the charting library from the series given here, and saves the
CSV given here.  Everything else is this module's: which records to load
(:func:`records.load`, from the cache's highest ``ID`` up), the counts
(:func:`report.aggregate`), every word (the catalogue's, with the admin's
own texts for a code), and the tables, drawn through the remote DOM.

The cache is keyed by portal and user (``MEMBER_ID`` and the ``profile``
method's ``ID``): statistics rights differ between users, so one user's
records are never shown to another.  It is complete up to ``known``, the
highest ``ID`` of a load that ran to its end: a load stopped half-way
(records come newest day first) leaves ``known`` where it was, so the next
opening asks again for what is missing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..core import codes, i18n, settings
from ..core.untrusted import clip, rest_base, valid_token
from ..portal import client
from ..portal.client import FailureKind
from . import records, report
from .page import AdminPage, FrameCommand, Post

#: The period shown first (one of :data:`report.PERIODS`).
DEFAULT_DAYS = 30
#: While records come in, the report is redrawn at most this often, and after at least
#: ``REDRAW_SHARE`` times as long as the last drawing took: a redraw of 100,000 calls is an
#: aggregation, and the worker that draws is the one that keeps the requests going.
REDRAW_S = 0.4
REDRAW_SHARE = 10.0
#: The ``profile`` method: the current user, in the basic scope every app has (Bitrix24's REST
#: docs, ``api-reference/common/users/profile.md``: "any user", no scope needed).
PROFILE = "profile"
#: The CRM entity types a call record names (``CRM_ENTITY_TYPE``), by the path of their page on
#: the portal (``/crm/<path>/details/<id>/``, the portal's own CRM detail pages).
CRM_PAGES = {"CONTACT": "contact", "COMPANY": "company", "LEAD": "lead", "DEAL": "deal"}
#: A request is given up after this long: a ``batch`` of 50 pages of records runs them one after
#: another, each taking the portal some server time (0.1 s a page is the emulator's guess), so a
#: batch takes seconds where one call takes a fraction of one.
HTTP_TIMEOUT_MS = 60_000
#: The most calls of one code listed (and put in its CSV) at once; the rest are counted.
MAX_LISTED = 2000
#: ``profile`` asked again this many times, this long apart, while the portal says to slow down.
PROFILE_TRIES = 8
PROFILE_WAIT_S = 2.0
#: A day, in seconds: the newest day of records is in once they reach this far back.
DAY_S = 24 * 3600


@dataclass(frozen=True)
class Access:
    """How the page reaches the portal: ``fetch``, tasks, sleeping, ``refreshAuth`` through the frame,
    and the clock (epoch seconds).  In tests: a fake portal and simulated time."""

    http: client.Http
    spawn: Callable[[Coroutine[Any, Any, Any]], object]
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    refresh: client.Refresh | None = None
    now: Callable[[], float] = time.time
    #: Dates in the page's language (the browser's ``Intl`` in the worker; plain English in tests).
    short: i18n.ShortFormat = field(default_factory=i18n.plain_short)


#: A DOM element and document as the report draws them (``browser.remote_dom`` in the worker, a
#: small stand-in under CPython): ``createElement``, ``appendChild``, ``remove``, ``textContent``,
#: ``className``, ``setAttribute``.
RemoteElement = Any
RemoteDocument = Any


@dataclass(frozen=True)
class Drawing:
    """Where the report is drawn: the document (its ``root`` the page's ``#report-body``), and the
    function that posts what was drawn since last time as one batch."""

    document: RemoteDocument
    send: Callable[[], None]


def local_day(now_s: float, offset_minutes: int) -> str:
    """The date at ``now_s`` in a zone ``offset_minutes`` east of UTC (``YYYY-MM-DD``)."""
    moment = datetime.fromtimestamp(now_s, UTC) + timedelta(minutes=offset_minutes)
    return moment.date().isoformat()


def since_for(today: str) -> str:
    """Where the records the report needs begin: the longest period's first date, a day early (at
    UTC midnight), since the portal's zone is not known before its records are: a record of the
    day before is left out by the counts, never a record of the period by the loader."""
    first = date.fromisoformat(today) - timedelta(days=max(report.PERIODS))
    return f"{first.isoformat()}T00:00:00+00:00"


def share(part: int, whole: int, lang: str | None) -> str:
    """``part`` of ``whole`` as a percentage with one decimal, written as ``lang`` writes numbers:
    a decimal point in English, a comma in every other language of the catalogue."""
    value = f"{(100.0 * part / whole) if whole else 0.0:.1f}"
    return (value if i18n.locale_tag(lang).startswith("en") else value.replace(".", ",")) + " %"


def crm_link(rest_url: str, crm_type: str, crm_id: str) -> str | None:
    """The CRM entity's page on the portal, or ``None`` when the record names none we know."""
    path = CRM_PAGES.get(crm_type.upper())
    if path is None or not crm_id.isdigit():
        return None
    return f"{rest_url.removesuffix('rest/')}crm/{path}/details/{crm_id}/"


class ReportPage(AdminPage):
    """The report's state: the calls known, the period and code chosen, the operators' names."""

    def __init__(self, post: Post, frame_command: FrameCommand, access: Access, drawing: Drawing,
                 warn: Callable[[str], None] = lambda message: None):
        super().__init__(post, frame_command, warn)
        self.access = access
        self.drawing = drawing
        self.session: client.Session | None = None
        self.rest_url = ""
        self.settings = settings.DEFAULTS
        self.key = ""
        self.today = ""
        self.days = DEFAULT_DAYS
        self.code: str | None = None
        self.calls: dict[int, report.Call] = {}
        self.names: dict[str, str] = {}
        #: Why operators are shown by ID (an i18n key), when they are.
        self.names_note: str | None = None
        #: What else the admin is told above the counts (i18n keys): the browser keeps no cache.
        self.notes: list[str] = []
        #: Where loading stands, as the page's content says it (``data-loaded``): ``loading``, then
        #: ``complete`` or ``stopped``.
        self.loaded = "loading"
        #: Whether the report has shown a whole day of the newest records (``data-first-day``).
        self.first_day = False
        #: The newest record's start this load, as an instant (s).
        self.newest_s: float | None = None
        self.drawn_at = 0.0
        #: How long the last drawing took (s).
        self.render_s = 0.0
        self.content: RemoteElement | None = None

    # --- events from the page ---

    def on_opened(self, init: object = None, today: object = None) -> None:
        """The init data, and today's date where the browser is (``YYYY-MM-DD``)."""
        data = init if isinstance(init, Mapping) else {}
        loaded = settings.load(data.get("APP_OPTIONS"))
        self.settings = loaded.settings
        lang = data.get("LANG")
        self.lang = self.settings.language_for(lang if isinstance(lang, str) else None)
        self.texts()
        url = rest_base(data.get("DOMAIN"), data.get("PROTOCOL"))
        auth = valid_token(data.get("AUTH_ID"))
        if url is None or auth is None:
            self.status(i18n.text("page.no_portal", self.lang), "error")
            return
        self.rest_url = url
        self.today = today if isinstance(today, str) and _is_date(today) else \
            local_day(self.access.now(), 0)
        self.session = client.Session(self.access.http, url, auth, self.access.refresh)
        member = clip(str(data.get("MEMBER_ID") or data.get("DOMAIN") or ""), 80)
        self.status(i18n.text("report.loading", self.lang), "busy")
        self.access.spawn(self._open(member))

    def on_cached(self, cached: object = None, _unused: object = None) -> None:
        """What the page's cache holds for this portal and user: ``{known, rows}``."""
        data = cached if isinstance(cached, Mapping) else {}
        rows = data.get("rows")
        for row in rows if isinstance(rows, list) else ():
            call = report.from_row(row)
            if call is not None:
                self.calls[call.id] = call
        known = data.get("known")
        known = known if isinstance(known, int) and known >= 0 else 0
        if data.get("kept") is False:
            self.notes.append("report.no_cache")
        if self.calls:
            self.status(i18n.text("report.from_cache", self.lang), "busy")
            self.render_report()
        self.access.spawn(self._load(known))

    def on_period(self, days: object = None, _unused: object = None) -> None:
        """The admin chose a period (7, 30 or 90 days)."""
        if isinstance(days, int) and days in report.PERIODS:
            self.days = days
            self.render_report()

    def on_code(self, code: object = None, _unused: object = None) -> None:
        """The admin clicked a code: list its calls (and make their CSV)."""
        if isinstance(code, str) and 0 < len(code) <= 20:
            self.code = code
            self.render_report()

    # --- the conversation with the portal ---

    async def _open(self, member: str) -> None:
        """Who the user is (for the cache's key), then the cache's records for them."""
        assert self.session is not None
        me = await self.session.call(PROFILE, {})
        for _ in range(PROFILE_TRIES):
            if not (isinstance(me, client.Failed) and me.kind in records.SLOW_DOWN):
                break
            await self._pause(PROFILE_WAIT_S)
            me = await self.session.call(PROFILE, {})
        user = ""
        if isinstance(me, client.Ok) and isinstance(me.result, Mapping):
            user = clip(str(me.result.get("ID") or ""), 20)
        # Without the user's ID the records are still keyed apart from any user's, never shared.
        self.key = f"{member}|{user or '?'}"
        self.post({"type": "cache", "op": "read", "key": self.key})

    async def _load(self, known: int) -> None:
        assert self.session is not None
        result = await records.load(self.session, known=known, since=since_for(self.today),
                                    on_calls=self._took, on_progress=self._progress, sleep=self._pause)
        self.loaded = "complete" if result.complete else "stopped"
        self.first_day = True
        if result.complete:
            self.post({"type": "cache", "op": "done", "key": self.key, "known": result.highest})
            self._forget_the_past(result.highest)
        await self._names()
        self.render_report()
        if result.stopped is None:
            self.status("")
        else:
            self.status(self._why(result.stopped), "error")

    async def _names(self) -> None:
        assert self.session is not None
        ids = sorted({call.operator for call in self.calls.values() if call.operator})
        if not ids:
            return
        found = await records.names(self.session, ids)
        if isinstance(found, client.Failed):
            self.names_note = "report.names.no_scope" if found.kind is FailureKind.NO_SCOPE \
                else "report.names.failed"
        else:
            self.names = dict(found)
            self.names_note = None

    def _forget_the_past(self, highest: int) -> None:
        """Drop the calls older than the longest period, here and in the page's cache.

        Records get their ``ID`` when their call ends, so the lowest ``ID`` among the calls still
        needed divides the cache cleanly: every record below it is of no period the report shows
        (were one needed, it would be that lowest).  Without this a busy portal's cache would grow
        by 100,000 records a month, and every opening would read them all.
        """
        since = datetime.fromisoformat(since_for(self.today)).timestamp()
        needed = [call.id for call in self.calls.values() if _instant(call) >= since]
        below = min(needed) if needed else highest + 1
        stale = [call_id for call_id in self.calls if call_id < below]
        if not stale:
            return
        for call_id in stale:
            del self.calls[call_id]
        self.post({"type": "cache", "op": "prune", "key": self.key, "below": below})

    def _took(self, calls: list[report.Call]) -> None:
        """A page of records: kept, handed to the cache, drawn now and then."""
        for call in calls:
            self.calls[call.id] = call
        if calls and not self.first_day:
            self.newest_s = self.newest_s or _instant(calls[0])
            if self.newest_s - _instant(calls[-1]) >= DAY_S:
                self.first_day = True
                self.drawn_at = 0.0  # drawn now: the last 24 hours are in
        if calls:
            entries = [[call.id, report.to_row(call)] for call in calls]
            self.post({"type": "cache", "op": "add", "key": self.key,
                       "entries": json.dumps(entries, ensure_ascii=False)})
        if time.monotonic() - self.drawn_at >= max(REDRAW_S, REDRAW_SHARE * self.render_s):
            self.render_report()

    def _progress(self, done: int, total: int) -> None:
        text = i18n.text("report.loaded", self.lang, done=done, total=total) if total > done else \
            i18n.text("report.loaded_all", self.lang, total=total)
        # All in (none new on a reopen among them): the bar is drawn full, not empty.
        self.post({"type": "loaded", "done": done, "total": max(total, done), "complete": total <= done,
                   "text": text})

    async def _pause(self, seconds: float) -> None:
        """The loader waits for the portal's limits (told to slow down, or keeping under them): a
        wait long enough to notice is said while it lasts, then loading goes on."""
        if seconds >= 0.5:
            self.status(i18n.text("report.waiting", self.lang, seconds=max(1, round(seconds))), "busy")
        await self.access.sleep(seconds)
        if seconds >= 0.5:
            self.status(i18n.text("report.loading", self.lang), "busy")

    def _why(self, stopped: client.Failed) -> str:
        """What the admin is told when loading stopped: their rights, the app's scope, or the portal's
        own code."""
        if stopped.kind is FailureKind.NO_PERMISSION:
            return i18n.text("report.denied", self.lang)
        if stopped.kind is FailureKind.NO_SCOPE:
            return i18n.text("report.no_scope", self.lang)
        reason = stopped.error or stopped.description or "?"
        return i18n.text("report.stopped", self.lang, reason=clip(reason, 80))

    # --- the drawing ---

    def _day(self) -> str:
        """Today as the report counts it: the portal's date now, in the offset of its newest record
        (the portal writes each start in its own zone); before any record, the browser's."""
        if not self.calls:
            return self.today
        newest = self.calls[max(self.calls)]
        offset = datetime.fromisoformat(newest.start).utcoffset()
        return local_day(self.access.now(), int(offset.total_seconds() // 60) if offset else 0)

    def render_report(self) -> None:
        """Draw the whole report afresh from the calls known (a few hundred elements at most)."""
        began = time.monotonic()
        self._render()
        self.drawn_at = time.monotonic()
        self.render_s = self.drawn_at - began

    def _render(self) -> None:
        today = self._day()
        aggregated = report.aggregate(self.calls.values(), today=today, days=self.days,
                                      expected=self.settings.expected_codes)
        document = self.drawing.document
        content = document.createElement("div")
        content.className = "report-content"
        content.setAttribute("data-loaded", self.loaded)
        if self.first_day:
            content.setAttribute("data-first-day", "drawn")
        self._summary(document, content, aggregated)
        self._by_day(document, content, aggregated)
        self._by_code(document, content, aggregated)
        if self.code is not None:  # right under the codes, where the admin chose it
            self._listing(document, content, today)
        self._by_group(document, content, "line", [(row.key, row.total, row.failed)
                                                   for row in aggregated.by_line])
        self._by_group(document, content, "operator", [(self._operator(row.key), row.total, row.failed)
                                                       for row in aggregated.by_operator])
        document.root.appendChild(content)
        if self.content is not None:
            self.content.remove()
        self.content = content
        self.drawing.send()
        self.post({"type": "chart", "chart": "days", "days": [row.key for row in aggregated.by_day],
                   "ticks": [self._day_label(row.key) for row in aggregated.by_day],
                   "failed": [row.failed for row in aggregated.by_day],
                   "total": [row.total for row in aggregated.by_day],
                   "labels": {"failed": self._say("report.failed"), "total": self._say("report.calls")}})

    def _say(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    def _day_label(self, day: str) -> str:
        """A local date of the period (``2026-12-06``) as the page's language writes it (``6. Dez.``).

        Formatted at noon UTC: the formatter speaks the browser's time zone, and noon is the same
        date in every zone from UTC-12 to UTC+12.
        """
        try:
            noon = datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp() * 1000
        except ValueError:
            return day
        return self.access.short(noon, i18n.locale_tag(self.lang), None, "date")

    def _operator(self, operator: str) -> str:
        return self.names.get(operator) or operator or "—"

    def _code_label(self, code: str) -> str:
        """The code's words: the admin's own label, else the catalogue's."""
        own = self.settings.override(code, i18n.resolve_language(self.lang))
        return own.label if own is not None and own.label else codes.describe(code, self.lang).label

    def _summary(self, document: RemoteDocument, parent: RemoteElement, aggregated: report.Report) -> None:
        line = _child(document, parent, "p", "report-share")
        line.setAttribute("data-failed", str(aggregated.failed))
        line.setAttribute("data-total", str(aggregated.total))
        line.textContent = self._say("report.share", failed=aggregated.failed, total=aggregated.total,
                                     share=share(aggregated.failed, aggregated.total, self.lang)) \
            if aggregated.total else self._say("report.no_calls")
        for note in [*self.notes, *([self.names_note] if self.names_note else [])]:
            _child(document, parent, "p", "report-note").textContent = self._say(note)
        if self.settings.expected_codes:
            _child(document, parent, "p", "report-note report-expected").textContent = self._say(
                "report.expected", codes=", ".join(sorted(self.settings.expected_codes)))

    def _section(self, document: RemoteDocument, parent: RemoteElement, name: str) -> RemoteElement:
        section = _child(document, parent, "section", f"report-section report-{name}")
        section.setAttribute("data-section", name)
        _child(document, section, "h2").textContent = self._say(f"report.by_{name}")
        return section

    def _table(self, document: RemoteDocument, parent: RemoteElement, caption: str,
               headings: Iterable[str], scrolled: bool = False) -> RemoteElement:
        """A table with its caption and column headings; returns its body.  A ``scrolled`` one (beside
        its chart, in the chart's height) can be reached by keyboard, to scroll it."""
        table = _child(document, parent, "table", "report-table")
        if scrolled:
            table.setAttribute("tabindex", "0")
        _child(document, table, "caption").textContent = caption
        head = _child(document, _child(document, table, "thead"), "tr")
        for heading in headings:
            cell = _child(document, head, "th")
            cell.setAttribute("scope", "col")
            cell.textContent = heading
        return _child(document, table, "tbody")

    def _by_day(self, document: RemoteDocument, parent: RemoteElement, aggregated: report.Report) -> None:
        section = self._section(document, parent, "day")
        # The chart's key, in the colours the chart is drawn in (page.css); hidden like the chart.
        legend = _child(document, section, "p", "chart-legend")
        legend.setAttribute("aria-hidden", "true")
        _child(document, legend, "span", "legend-total").textContent = self._say("report.calls")
        _child(document, legend, "span", "legend-failed").textContent = self._say("report.failed")
        pair = _child(document, section, "div", "chart-pair")
        holder = _child(document, pair, "div", "chart")
        holder.setAttribute("data-chart", "days")
        holder.setAttribute("aria-hidden", "true")  # the table beside it says the same, as text
        body = self._table(document, pair, self._say("report.by_day.caption"),
                           (self._say("report.day"), self._say("report.calls"), self._say("report.failed")),
                           scrolled=True)
        for row in reversed(aggregated.by_day):
            tr = _child(document, body, "tr")
            day = _child(document, tr, "th")
            day.setAttribute("scope", "row")
            day.setAttribute("data-day", row.key)
            day.textContent = self._day_label(row.key)
            _child(document, tr, "td", "number").textContent = str(row.total)
            _child(document, tr, "td", "number").textContent = str(row.failed)

    def _by_code(self, document: RemoteDocument, parent: RemoteElement, aggregated: report.Report) -> None:
        section = self._section(document, parent, "code")
        if not aggregated.by_code:
            _child(document, section, "p").textContent = self._say("report.no_failures")
            return
        _child(document, section, "p", "help").textContent = self._say("report.by_code.help")
        body = self._table(document, section, self._say("report.by_code.caption"),
                           (self._say("report.code"), self._say("report.meaning"),
                            self._say("report.failed"), self._say("report.share_column")))
        for code, count in aggregated.by_code:
            tr = _child(document, body, "tr")
            tr.setAttribute("data-code", code)
            head = _child(document, tr, "th")
            head.setAttribute("scope", "row")
            button = _child(document, head, "button", "code-button")
            button.setAttribute("type", "button")
            button.setAttribute("data-code", code)
            button.setAttribute("aria-pressed", "true" if code == self.code else "false")
            button.textContent = code
            _child(document, tr, "td").textContent = self._code_label(code)
            _child(document, tr, "td", "number").textContent = str(count)
            _child(document, tr, "td", "number").textContent = share(count, aggregated.failed, self.lang)

    def _by_group(self, document: RemoteDocument, parent: RemoteElement, name: str,
                  rows: list[tuple[str, int, int]]) -> None:
        section = self._section(document, parent, name)
        body = self._table(document, section, self._say(f"report.by_{name}.caption"),
                           (self._say(f"report.{name}"), self._say("report.calls"),
                            self._say("report.failed"), self._say("report.share_column")))
        for label, total, failed in rows:
            tr = _child(document, body, "tr")
            head = _child(document, tr, "th")
            head.setAttribute("scope", "row")
            head.textContent = label or "—"
            _child(document, tr, "td", "number").textContent = str(total)
            _child(document, tr, "td", "number").textContent = str(failed)
            _child(document, tr, "td", "number").textContent = share(failed, total, self.lang)

    def _listing(self, document: RemoteDocument, parent: RemoteElement, today: str) -> None:
        """The calls of the code clicked, newest first, and their CSV for the download."""
        code = self.code or ""
        words = self.csv_words()
        calls = report.calls_with(self.calls.values(), code, today=today, days=self.days)
        shown = calls[:MAX_LISTED]
        section = _child(document, parent, "section", "report-section report-calls")
        section.setAttribute("data-section", "calls")
        section.setAttribute("data-code", code)
        _child(document, section, "h2").textContent = self._say("report.calls_of", code=code,
                                                              label=self._code_label(code))
        if len(calls) > len(shown):
            _child(document, section, "p", "help").textContent = self._say(
                "report.calls_capped", shown=len(shown), total=len(calls))
        download = _child(document, section, "button", "download")
        download.setAttribute("type", "button")
        download.setAttribute("data-action", "download")
        download.textContent = self._say("report.download")
        body = self._table(document, section, self._say("report.calls_of.caption", code=code),
                           (words.time, words.number, words.operator, words.duration, words.crm))
        for call in shown:
            tr = _child(document, body, "tr")
            when = _child(document, tr, "td")
            stamp = _child(document, when, "time")
            stamp.setAttribute("datetime", call.start)
            stamp.textContent = _readable(call.start)
            _child(document, tr, "td").textContent = call.number or "—"
            _child(document, tr, "td").textContent = self._operator(call.operator)
            _child(document, tr, "td", "number").textContent = i18n.format_duration(call.duration * 1000)
            crm = _child(document, tr, "td")
            link = crm_link(self.rest_url, call.crm_type, call.crm_id) if report.has_crm(call) else None
            if link is None:
                crm.textContent = report.crm_text(call, words.crm_kinds) or "—"
            else:
                anchor = _child(document, crm, "a")
                anchor.setAttribute("href", link)
                anchor.setAttribute("target", "_blank")
                anchor.setAttribute("rel", "noopener noreferrer")
                anchor.textContent = report.crm_text(call, words.crm_kinds)
        self.post({"type": "csv", "name": f"failures-{code}-{self.days}d.csv",
                   "text": report.csv_text(shown, names=self.names, words=words)})

    def csv_words(self) -> report.CsvWords:
        """The listing's and the CSV's column headings, and the CRM entities' kinds, in the page's
        language."""
        return report.CsvWords(
            time=self._say("report.time"), number=self._say("report.number"),
            operator=self._say("report.operator"), duration=self._say("report.duration"),
            code=self._say("report.code"), crm=self._say("report.crm"),
            crm_kinds={kind: self._say(f"report.crm.{kind}") for kind in CRM_PAGES})


def _child(document: RemoteDocument, parent: RemoteElement, tag: str, class_name: str = "") -> RemoteElement:
    element = document.createElement(tag)
    if class_name:
        element.className = class_name
    parent.appendChild(element)
    return element


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _instant(call: report.Call) -> float:
    """When the call began (epoch s); a date no calendar has, from a spoilt cache, as the oldest."""
    try:
        return datetime.fromisoformat(call.start).timestamp()
    except ValueError:
        return 0.0


def _readable(start: str) -> str:
    """``2026-12-05T14:03:11+03:00`` as ``2026-12-05 14:03:11``: the portal's own local time, as the
    CSV writes it."""
    return f"{start[:10]} {start[11:19]}"


def main(boot_json: str = "{}") -> object:
    """Start the report page in the worker; return the function the engine forwards events to."""
    from ..browser import bridge
    from ..browser.remote_dom import RemoteDocument as Remote

    document = Remote()

    def post_drawing() -> None:
        operations = document.take()
        if operations:
            bridge.post({"type": "dom", "ops": json.dumps(operations, ensure_ascii=False)})

    async def post_form(url: str, body: str) -> tuple[int, str]:
        return await bridge.post_form(url, body, HTTP_TIMEOUT_MS)

    access = Access(post_form, asyncio.ensure_future, asyncio.sleep, bridge.refresh_auth,
                    short=bridge.intl_short())
    page = ReportPage(bridge.post, bridge.frame_command, access, Drawing(document, post_drawing), bridge.warn)
    return bridge.export(page.receive)

