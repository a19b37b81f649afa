"""The failure report's numbers: call records taken at the edge, counted, listed and written as CSV.

Pure and fast: the report page's worker runs this over a busy portal's
records (100,000 in a month) under Pyodide, so a record is kept as a plain
tuple (:class:`Call`, a named tuple: cheap to make from the cache's rows and
to walk) and :func:`aggregate` counts in one pass.  What a failure is lives
here once (:data:`ANSWERED`, and the admin's expected outcomes
:func:`aggregate` is given); the words (codes' labels, the admin's own
texts) are the page's: this module hands it codes, dates and IDs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from ..core.codes import CODES, is_plausible
from ..core.events import normalise_failed_code
from ..core.untrusted import clip

#: The periods the admin chooses from, in days ending today.
PERIODS = (7, 30, 90)
#: The one code of a call that did not fail (``CALL_FAILED_CODE``, voximplant-statistic-get.md):
#: every other code, ``304`` (missed) among them, counts as a failure unless the admin says otherwise.
ANSWERED = "200"

#: A ``CALL_START_DATE`` as the portal gives it: ISO 8601 with its offset (the portal's time zone).
_START = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:[+-][0-2]\d:[0-5]\d|Z)")
_DIGITS = re.compile(r"\d{1,18}")
_CRM_TYPE = re.compile(r"[A-Z_]{1,20}")
#: Codes the catalogue lists, kept as they come (the usual case, checked first).
_PLAIN_CODES = frozenset(CODES)
#: Longest line (``PORTAL_NUMBER``) and client number kept.
MAX_LINE = 64
MAX_NUMBER = 32
#: Longest code kept when it is not one the catalogue could read (an external telephony's text).
MAX_CODE = 24
#: Longest duration believed (a year, in seconds); more is a broken value, kept as 0.
MAX_DURATION = 366 * 24 * 3600


class Call(NamedTuple):
    """One call's record as the report keeps it: only the fields it uses, each validated.

    A named tuple rather than a dataclass: a 100,000-record cache is turned
    back into calls on every reopen, and a tuple is made and read several
    times faster in Pyodide.
    """

    id: int
    #: ``CALL_START_DATE`` as the portal gave it, with its offset.
    start: str
    #: The portal's local date of the start (``YYYY-MM-DD``): the date part of ``start``.
    day: str
    #: Seconds (``CALL_DURATION``).
    duration: int
    #: ``CALL_FAILED_CODE``: ``200`` answered, anything else a failure.
    code: str
    #: ``PORTAL_NUMBER``: the line the call went through.
    line: str
    #: ``PORTAL_USER_ID``: the operator's user ID, ``""`` when none.
    operator: str
    #: ``PHONE_NUMBER``: the client's number.
    number: str
    #: ``CRM_ENTITY_TYPE`` (``CONTACT``, ``COMPANY``, ``LEAD``...) and ``CRM_ENTITY_ID``; ``""`` when none.
    crm_type: str
    crm_id: str


def record_id(value: object) -> int | None:
    """A record's ``ID``: a positive integer, given as digits or a number; ``None`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
        return number if number > 0 else None
    return None


def _start_date(value: object) -> str | None:
    if not isinstance(value, str) or not _START.fullmatch(value):
        return None
    try:
        datetime.fromisoformat(value)  # a real date: not 2026-02-30
    except ValueError:
        return None
    return value


def _duration(value: object) -> int:
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        seconds = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        return 0
    return seconds if 0 <= seconds <= MAX_DURATION else 0


def _code(value: object) -> str | None:
    if isinstance(value, str) and value in _PLAIN_CODES:
        return value
    text = normalise_failed_code(value)
    if text is None:
        return None
    key = text.upper()
    return key if is_plausible(key) else clip(text, MAX_CODE)


def _text(value: object, limit: int) -> str:
    """:func:`clip`'s reading, with a quick way for the usual short printable text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if len(value) <= limit and value.isprintable() else clip(value, limit)


def _digits(value: object) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return text if isinstance(text, str) and _DIGITS.fullmatch(text) else ""


def take(raw: object) -> Call | None:
    """A record of ``voximplant.statistic.get`` as the report keeps it, or ``None`` if it cannot be read.

    A record needs an ID, a start with its offset and a code; the other
    fields fall back to empty (a line, an operator or a CRM entity may be
    missing).  Text is clipped to printable characters, so that nothing a
    portal sends can reorder what the admin reads or fill the cache.
    """
    if not isinstance(raw, Mapping):
        return None
    ident = record_id(raw.get("ID"))
    start = _start_date(raw.get("CALL_START_DATE"))
    code = _code(raw.get("CALL_FAILED_CODE"))
    if ident is None or start is None or code is None:
        return None
    crm_type = raw.get("CRM_ENTITY_TYPE")
    crm_type = crm_type.upper() if isinstance(crm_type, str) and _CRM_TYPE.fullmatch(crm_type.upper()) else ""
    return Call(ident, start, start[:10], _duration(raw.get("CALL_DURATION")), code,
                _text(raw.get("PORTAL_NUMBER"), MAX_LINE), _digits(raw.get("PORTAL_USER_ID")),
                _text(raw.get("PHONE_NUMBER"), MAX_NUMBER), crm_type, _digits(raw.get("CRM_ENTITY_ID")))


#: Makes a :class:`Call` without the named tuple's own ``__new__`` (a Python frame a call).
_new = tuple.__new__
#: A row of the cache: :class:`Call` without ``day`` (it is ``start``'s date).
Row = list[str | int]
_ROW_LENGTH = 9


def to_row(call: Call) -> Row:
    """``call`` as the cache keeps it: a short JSON-safe list (IndexedDB stores it as is)."""
    return [call.id, call.start, call.duration, call.code, call.line, call.operator, call.number,
            call.crm_type, call.crm_id]


def from_row(row: object) -> Call | None:
    """A cached row back as a :class:`Call`, or ``None`` if it is not one :func:`to_row` made.

    Checked for shape and types only, not read again field by field: the cache
    holds what :func:`take` kept, and a reopen turns 100,000 rows back at once.
    """
    if not isinstance(row, list | tuple) or len(row) != _ROW_LENGTH:
        return None
    ident, start, duration, code, line, operator, number, crm_type, crm_id = row
    if (type(ident) is not int or type(start) is not str or type(duration) is not int
            or type(code) is not str or type(line) is not str or type(operator) is not str
            or type(number) is not str or type(crm_type) is not str or type(crm_id) is not str
            or ident <= 0 or not _START.fullmatch(start)):
        return None
    return _new(Call, (ident, start, start[:10], duration, code, line, operator, number, crm_type,
                       crm_id))


@dataclass(frozen=True, slots=True)
class Tally:
    """Calls of one day, line or operator: how many, and how many failed."""

    key: str
    total: int
    failed: int


@dataclass(frozen=True, slots=True)
class Report:
    """The report of one period: the ``days`` local dates ending ``today``, from ``first``."""

    today: str
    days: int
    first: str
    total: int
    failed: int
    #: The failures' codes and how many calls each, most first (``200`` is not among them).
    by_code: tuple[tuple[str, int], ...]
    #: Every date of the period, oldest first, a day without calls too.
    by_day: tuple[Tally, ...]
    #: Lines (``PORTAL_NUMBER``) and operators (user IDs), most failures first.
    by_line: tuple[Tally, ...]
    by_operator: tuple[Tally, ...]

    @property
    def failed_share(self) -> float:
        """Failed calls as a share of all (0 when there were none)."""
        return self.failed / self.total if self.total else 0.0


def period(today: str, days: int) -> tuple[str, ...]:
    """The ``days`` dates (``YYYY-MM-DD``) ending ``today``, oldest first."""
    last = date.fromisoformat(today)
    return tuple((last - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1))


def _tallies(totals: dict[str, int], failures: dict[str, int]) -> tuple[Tally, ...]:
    rows = [Tally(key, total, failures.get(key, 0)) for key, total in totals.items()]
    rows.sort(key=lambda row: (-row.failed, -row.total, row.key))
    return tuple(rows)


def aggregate(calls: Iterable[Call], *, today: str, days: int,
              expected: frozenset[str] = frozenset()) -> Report:
    """Count the calls of the period: in all, by code, day, line and operator.

    A call fails when its code is neither the answered one nor one of
    ``expected``: the outcomes the admin's settings say are not failures
    (``Settings.expected_codes``), which the card shows as expected too.

    One pass over the tuples, with a dictionary per count: 100,000 calls
    take well under a second in Pyodide (the bench measures it).  A call's
    date is the portal's local date of its start, so a call at 23:30 counts
    on the day the portal's users lived it.
    """
    dates = period(today, days)
    first = dates[0]
    day_total = dict.fromkeys(dates, 0)
    day_failed = dict.fromkeys(dates, 0)
    line_total: dict[str, int] = {}
    line_failed: dict[str, int] = {}
    operator_total: dict[str, int] = {}
    operator_failed: dict[str, int] = {}
    code_count: dict[str, int] = {}
    total = failed = 0
    for _, _, day, _, code, line, operator, _, _, _ in calls:
        if day not in day_total:  # outside the period (or a date no calendar has, from a spoilt cache)
            continue
        total += 1
        day_total[day] += 1
        line_total[line] = line_total.get(line, 0) + 1
        operator_total[operator] = operator_total.get(operator, 0) + 1
        if code != ANSWERED and code not in expected:
            failed += 1
            day_failed[day] += 1
            line_failed[line] = line_failed.get(line, 0) + 1
            operator_failed[operator] = operator_failed.get(operator, 0) + 1
            code_count[code] = code_count.get(code, 0) + 1
    by_code = sorted(code_count.items(), key=lambda item: (-item[1], item[0]))
    by_day = tuple(Tally(day, day_total[day], day_failed[day]) for day in dates)
    return Report(today, days, first, total, failed, tuple(by_code), by_day,
                  _tallies(line_total, line_failed), _tallies(operator_total, operator_failed))


def _instant(call: Call) -> float:
    try:
        return datetime.fromisoformat(call.start).timestamp()
    except ValueError:  # a date no calendar has, from a spoilt cache: listed last
        return 0.0


def calls_with(calls: Iterable[Call], code: str, *, today: str, days: int) -> list[Call]:
    """The period's calls that ended with ``code``, newest start first (by the instant, whatever
    the offset: a portal's offset changes with summer time)."""
    first = period(today, days)[0]
    found = [call for call in calls if call.code == code and first <= call.day <= today]
    found.sort(key=lambda call: (_instant(call), call.id), reverse=True)
    return found


def has_crm(call: Call) -> bool:
    """Whether the call names a CRM entity to link to (the portal writes ``0`` for none)."""
    return bool(call.crm_type) and call.crm_id not in ("", "0")


def crm_text(call: Call, crm_words: Mapping[str, str]) -> str:
    """The text of the call's CRM link: the entity's kind in the admin's language and its ID
    (``crm_words`` by ``CRM_ENTITY_TYPE``; an unknown kind as the portal names it); ``""`` for none."""
    if not has_crm(call):
        return ""
    return f"{crm_words.get(call.crm_type, call.crm_type)} {call.crm_id}"


#: What a spreadsheet reads as a formula at the start of a cell (OWASP's "CSV injection" list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """``cell`` as a spreadsheet shows it but never runs it: one starting like a formula gets a ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@dataclass(frozen=True)
class CsvWords:
    """The page's words for the CSV: the six headings, and the CRM entities' kinds."""

    time: str
    number: str
    operator: str
    duration: str
    code: str
    crm: str
    crm_kinds: Mapping[str, str]


def csv_text(calls: Sequence[Call], *, names: Mapping[str, str], words: CsvWords) -> str:
    """The rows the page lists as CSV (RFC 4180: CRLF, quoted where needed), with a heading row.

    Columns: the start (the portal's local time), the client's number, the
    operator (by name where ``names`` knows the ID), the duration in seconds,
    the code, and the CRM link's text.  Every cell is defused (:func:`defuse`):
    a number such as ``+7...`` or a line named ``=HYPERLINK(...)`` stays text.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defuse(word) for word in (words.time, words.number, words.operator, words.duration,
                                                words.code, words.crm)])
    for call in calls:
        when = f"{call.day} {call.start[11:19]}"
        operator = names.get(call.operator, call.operator)
        writer.writerow([defuse(cell) for cell in (when, call.number, operator, str(call.duration),
                                                   call.code, crm_text(call, words.crm_kinds))])
    return out.getvalue()
