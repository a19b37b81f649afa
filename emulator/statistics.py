"""The emulated portal's call statistics: a store of call records, and ``voximplant.statistic.get``.

A portal keeps one record per finished call and answers the REST method
``voximplant.statistic.get`` from them.  Every behaviour here is the
portal's, read in its public code and in the method's page in Bitrix24's REST
docs (``bitrix-tools/b24-rest-docs``, ``api-reference/telephony/voximplant/voximplant-statistic-get.md``):

- the values are strings, and the reason texts are the portal's own
  (``"Decline self"`` for ``603-S``, empty for an external call's ``200``);
  ``CALL_START_DATE`` is ISO 8601 with the portal's offset (``2025-08-06T14:08:40+03:00``);
- ``FILTER`` keys may carry an operator prefix (``>=``, ``>``, ``<=``, ``<``, ``!``, ``!=``,
  ``%``, ``!%``, ``><``, and ``=``, the default); each field compares as its documented type
  (integer, double, datetime by its instant, string as text); a list value is a set (``IN``, or
  ``NOT IN`` under ``!``: the docs' example filters ``"ID": [1, 7]``); a field the method does not
  list is dropped, silently (the query runs without it);
- ``SORT`` names a field (any filterable one but ``CALL_TYPE``) and ``ORDER`` is ``ASC`` or
  ``DESC``; without ``SORT`` the records come by ``ID`` (the docs say "no sorting": the table's
  primary key order);
- a page holds 50 records; ``start`` picks the page, and the answer carries
  ``total`` and, when more follow, ``next``; ``start=-1`` gives the first 50 without counting
  (no ``next``, ``total`` 0), as ``settings/performance/huge-data.md`` advises for large data;
- a user with "own calls only" rights sees only their own records, and
  nothing in the answer says so.

How the portal keeps the client's number (``PHONE_NUMBER``), which matters to anyone matching
it: as the call's source gave it, not brought to one form.  The method's own example lists
``"+79638835976"`` for a call through Bitrix24's telephony (line ``reg133788``) and
``"79062195047"`` for a call an integration registered: ``telephony.externalCall.register``'s
example passes ``"79062195047"`` and ``telephony.externalCall.finish`` answers with the same.
Bitrix24's telephony events carry the ``+`` too (``onVoximplantCallEnd``'s ``"+79061234567"``).
So a number through Bitrix24's telephony is kept as ``+`` and digits (:func:`voximplant_phone`),
an external call's as the PBX sent it (the emulated PBX sends digits, as in the docs' example),
and a ``FILTER[PHONE_NUMBER]`` compares text: ``+79…`` does not find ``79…``.  One request can ask
for both forms with a list (``FILTER[PHONE_NUMBER][0]=+79…&FILTER[PHONE_NUMBER][1]=79…``).

A record is written after its call ends (the delay the emulator page sets), except an external
call's, which ``telephony.externalCall.finish`` writes in the same request; its ``ID`` is given
when it is written, so ``ID`` rises with the moment a record appears.  The store keeps the
records sorted by ``ID`` and cuts ``ID`` ranges by bisection, and keeps each query's matches for
its later pages, so that a busy portal's 100,000 records are served page by page without a
full scan and sort per page.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

#: Records per page (Bitrix24's REST page size).
PAGE = 50
#: CALL_FAILED_REASON as a portal words it, per CALL_FAILED_CODE (voximplant-statistic-get.md).
REASONS = {
    "200": "Success call", "304": "Missed call", "402": "Insufficient funds", "403": "Forbidden",
    "404": "Invalid number", "423": "Blocked", "480": "Temporarily unavailable",
    "484": "Destination unavailable", "486": "Busy here", "487": "Request terminated",
    "503": "Destination unavailable", "603": "Declined", "603-S": "Decline self",
    "OTHER": "Call failure",
}
#: The fields of a record, in the portal's order (the docs' example record).
FIELDS = (
    "ID", "PORTAL_USER_ID", "PORTAL_NUMBER", "PHONE_NUMBER", "CALL_ID", "EXTERNAL_CALL_ID",
    "CALL_CATEGORY", "CALL_LOG", "CALL_DURATION", "CALL_START_DATE", "CALL_RECORD_URL", "CALL_VOTE",
    "COST", "COST_CURRENCY", "CALL_FAILED_CODE", "CALL_FAILED_REASON", "CRM_ENTITY_TYPE",
    "CRM_ENTITY_ID", "CRM_ACTIVITY_ID", "REST_APP_ID", "REST_APP_NAME", "TRANSCRIPT_ID",
    "TRANSCRIPT_PENDING", "SESSION_ID", "REDIAL_ATTEMPT", "COMMENT", "RECORD_DURATION",
    "RECORD_FILE_ID", "CALL_TYPE",
)
#: The fields a FILTER may name (the docs' list: every field but RECORD_FILE_ID); others are dropped.
FILTERABLE = frozenset(FIELDS) - {"RECORD_FILE_ID"}
#: The fields SORT may name: the filterable ones but CALL_TYPE (the docs' SORT parameter).
SORTABLE = FILTERABLE - {"CALL_TYPE"}
#: The documented integer fields; COST is a double, CALL_START_DATE a datetime, the rest strings.
INTEGERS = frozenset({
    "ID", "PORTAL_USER_ID", "CALL_TYPE", "CALL_DURATION", "CALL_VOTE", "CRM_ENTITY_ID",
    "CRM_ACTIVITY_ID", "REST_APP_ID", "TRANSCRIPT_ID", "SESSION_ID", "REDIAL_ATTEMPT",
    "RECORD_DURATION"})
#: A FILTER key: an optional operator, the field's name, and an index when the value is a list.
_KEY = re.compile(r"^FILTER\[(>=|<=|><|!><|!=|!%|>|<|!|%|=)?([A-Z_]+)\](?:\[(\d+)\])?$")
#: The offset a date without one is read in (a guess: the portal reads it in the user's zone).
PORTAL_OFFSET = timezone(timedelta(hours=3))


def reason(code: str, external: bool) -> str:
    """The portal's words for ``code``: an external call's success has none."""
    if external and code == "200":
        return ""
    return REASONS.get(code, f"Call failure ({code})")


def voximplant_phone(number: str) -> str:
    """The client's number as Bitrix24's own telephony keeps it: ``+`` and the digits."""
    if number.isdigit():
        return f"+{number}"
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"+{digits}" if digits else number


def record(record_id: int, call_id: str, code: str, *, user_id: str = "1", duration: int = 0,
           phone: str = "", line: str = "reg1332", started: str = "2026-11-25T10:00:00+03:00",
           external: bool = False, crm: tuple[str, str] = ("CONTACT", "17")) -> dict[str, Any]:
    """One call's record, as ``voximplant.statistic.get`` lists it (every value a string).

    ``phone`` is kept as its source gave it (see the module's docstring).
    """
    return {
        "ID": str(record_id), "PORTAL_USER_ID": user_id, "PORTAL_NUMBER": line,
        "PHONE_NUMBER": phone, "CALL_ID": call_id, "EXTERNAL_CALL_ID": "", "CALL_CATEGORY": "external",
        "CALL_LOG": "", "CALL_DURATION": str(duration), "CALL_START_DATE": started,
        "CALL_RECORD_URL": "", "CALL_VOTE": "0", "COST": "0.0000", "COST_CURRENCY": "RUR",
        "CALL_FAILED_CODE": code, "CALL_FAILED_REASON": reason(code, external),
        "CRM_ENTITY_TYPE": crm[0], "CRM_ENTITY_ID": crm[1], "CRM_ACTIVITY_ID": "0",
        "REST_APP_ID": "1" if external else "", "REST_APP_NAME": "PBX" if external else "",
        "TRANSCRIPT_ID": "", "TRANSCRIPT_PENDING": "N", "SESSION_ID": "0", "REDIAL_ATTEMPT": "",
        "COMMENT": "", "RECORD_DURATION": "", "RECORD_FILE_ID": "", "CALL_TYPE": "1",
    }


def _instant(text: str) -> float | None:
    """A datetime's instant (s since the epoch); ``None`` when it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PORTAL_OFFSET)
    return moment.timestamp()


def _typed(name: str, text: object) -> float | str | None:
    """``text`` as the field's documented type compares it; ``None`` for empty (SQL's NULL)."""
    value = "" if text is None else str(text)
    if name in INTEGERS or name == "COST":
        try:
            return float(value)
        except ValueError:
            return None
    if name == "CALL_START_DATE":
        return _instant(value)
    return value


@dataclass(frozen=True, slots=True)
class Entry:
    """A record as the store keeps it: its ``ID`` and start as numbers, beside the listed row."""

    id: int
    start: float
    row: dict[str, Any]


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(int(row["ID"]), _instant(str(row.get("CALL_START_DATE", ""))) or 0.0, row)


def _value(entry: Entry, name: str) -> float | str | None:
    if name == "ID":
        return float(entry.id)
    if name == "CALL_START_DATE":
        return entry.start
    return _typed(name, entry.row.get(name))


@dataclass(frozen=True)
class Condition:
    """One FILTER condition the portal acts on: ``op`` on ``name`` against ``values``."""

    op: str
    name: str
    values: tuple[str, ...]

    def test(self) -> Callable[[Entry], bool]:
        """A predicate over entries (the values converted once, not per record)."""
        name, op = self.name, self.op
        wanted = [_typed(name, value) for value in self.values]
        if op in ("%", "!%"):
            needle = self.values[0].lower()
            negate = op == "!%"
            return lambda entry: (needle in str(entry.row.get(name) or "").lower()) != negate
        if op in ("><", "!><"):
            if len(wanted) != 2 or None in wanted:
                return lambda entry: False
            bounds: list[Any] = list(wanted)  # one field, so one type
            low, high = sorted(bounds)
            inside = op == "><"

            def between(entry: Entry) -> bool:
                have: Any = _value(entry, name)
                return have is not None and type(have) is type(low) and (low <= have <= high) == inside
            return between
        if op in ("", "=", "!", "!="):
            accepted = set(wanted)
            negate = op in ("!", "!=")

            def equal(entry: Entry) -> bool:
                have = _value(entry, name)
                if have is None:
                    return negate and None not in accepted
                return (have in accepted) != negate
            return equal
        want = wanted[0]
        if want is None:
            return lambda entry: False
        compare: Callable[[Any, Any], bool] = {
            ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}[op]

        def ordered(entry: Entry) -> bool:
            have = _value(entry, name)
            return have is not None and type(have) is type(want) and compare(have, want)
        return ordered


def filters(params: dict[str, str]) -> list[Condition]:
    """The ``FILTER[...]`` conditions the portal acts on; unknown fields dropped.

    ``FILTER[ID][0]=1&FILTER[ID][1]=7`` is one condition with two values.
    """
    lists: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for key, value in params.items():
        parsed = _KEY.match(key)
        if parsed and parsed.group(2) in FILTERABLE:
            index = int(parsed.group(3)) if parsed.group(3) is not None else -1
            lists.setdefault((parsed.group(1) or "", parsed.group(2)), []).append((index, value))
    return [Condition(op, name, tuple(value for _, value in sorted(values)))
            for (op, name), values in sorted(lists.items())]


def _bounds(conditions: list[Condition], name: str) -> tuple[float, float, bool]:
    """The bounds the conditions put on a numeric field: (low, high, whether high is included)."""
    low, high, high_in = float("-inf"), float("inf"), True
    for condition in conditions:
        if condition.name != name or len(condition.values) != 1:
            continue
        value = _typed(name, condition.values[0])
        if not isinstance(value, float):
            continue
        if condition.op in (">=", ">", "", "="):
            low = max(low, value)
        if condition.op in ("<=", "<", "", "=") and value <= high:
            high, high_in = value, condition.op != "<"
    return low, high, high_in


def _id_range(conditions: list[Condition]) -> tuple[float, float]:
    """The ``ID`` bounds the conditions imply (inclusive), so that a query cuts them by bisection."""
    low, high = float("-inf"), float("inf")
    for condition in conditions:
        if condition.name != "ID" or len(condition.values) != 1:
            continue
        value = _typed("ID", condition.values[0])
        if not isinstance(value, float):
            continue
        if condition.op in (">=", ">"):
            low = max(low, value if condition.op == ">=" else value + 0.5)
        elif condition.op in ("<=", "<"):
            high = min(high, value if condition.op == "<=" else value - 0.5)
        elif condition.op in ("", "="):
            low, high = max(low, value), min(high, value)
    return low, high


@dataclass
class Store:
    """Every call record the portal holds: the written ones by ``ID``, and those still to come."""

    #: Written records, ``ID`` ascending, and their ``ID`` s (for bisection).
    entries: list[Entry] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    #: Finished calls whose record is not written yet: (the moment it is, the row without ID).
    pending: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    last_id: int = 1000
    #: For cutting a date range by bisection: the latest start up to each record (by ``ID``),
    #: and the earliest from each on.  A record is written after its call, so these hug the
    #: starts: only a long call reaches back.
    latest_start: list[float] = field(default_factory=list)
    earliest_start: list[float] = field(default_factory=list)
    #: Where each number's records are (a lookup by number need not read the others).
    by_phone: dict[str, list[int]] = field(default_factory=dict)
    #: Bumped whenever a record is written: the cached matches below are for one version.
    version: int = 0
    _cache: OrderedDict[tuple[Any, ...], list[Entry]] = field(default_factory=OrderedDict)

    def seed(self, rows: Iterable[dict[str, Any]]) -> None:
        """Hold ``rows`` (records as listed, e.g. :func:`emulator.seed.generate`'s) as written."""
        entries = sorted((*self.entries, *(_entry(row) for row in rows)), key=lambda entry: entry.id)
        self.entries = entries
        self.ids = [entry.id for entry in entries]
        self.latest_start, self.by_phone = [], {}
        self.last_id = max(self.last_id, self.ids[-1] if self.ids else 0)
        self._written()

    def add(self, visible_at: float, call_id: str, code: str, **details: Any) -> dict[str, Any]:
        """A finished call; its record is written (gets its ``ID``, is listed) at ``visible_at``."""
        row = record(0, call_id, code, **details)
        self.pending.append((visible_at, row))
        return row

    def _written(self) -> None:
        """Bring the indexes up to date with ``entries`` and forget the cached matches."""
        latest, earliest = float("-inf"), float("inf")
        for index in range(len(self.latest_start), len(self.entries)):
            latest = max(self.latest_start[-1] if self.latest_start else latest, self.entries[index].start)
            self.latest_start.append(latest)
            self.by_phone.setdefault(self.entries[index].row["PHONE_NUMBER"], []).append(index)
        self.earliest_start = [0.0] * len(self.entries)
        for index in range(len(self.entries) - 1, -1, -1):
            earliest = min(earliest, self.entries[index].start)
            self.earliest_start[index] = earliest
        self.version += 1
        self._cache.clear()

    def _publish(self, now: float) -> None:
        """Write the records whose moment has come, in that order: ``ID`` rises as they appear."""
        due = sorted((item for item in self.pending if item[0] <= now), key=lambda item: item[0])
        if not due:
            return
        self.pending = [item for item in self.pending if item[0] > now]
        for _, row in due:
            self.last_id += 1
            row["ID"] = str(self.last_id)
            self.entries.append(_entry(row))
            self.ids.append(self.last_id)
        self._written()

    def count(self) -> int:
        return len(self.entries)

    def _candidates(self, conditions: list[Condition]) -> Sequence[int]:
        """Where the matches can be: the ``ID`` and date ranges cut by bisection, a number's records."""
        low, high = _id_range(conditions)
        first = bisect.bisect_left(self.ids, low) if low > float("-inf") else 0
        last = bisect.bisect_right(self.ids, high) if high < float("inf") else len(self.ids)
        since, until, until_in = _bounds(conditions, "CALL_START_DATE")
        if since > float("-inf"):  # before this, every start is earlier
            first = max(first, bisect.bisect_left(self.latest_start, since))
        if until < float("inf"):  # from this on, every start is later
            cut = bisect.bisect_right if until_in else bisect.bisect_left
            last = min(last, cut(self.earliest_start, until))
        for condition in conditions:
            if condition.name == "PHONE_NUMBER" and condition.op in ("", "="):
                found = {index for number in condition.values for index in self.by_phone.get(number, ())}
                return [index for index in sorted(found) if first <= index < last]
        return range(first, last)

    def _matches(self, conditions: list[Condition], own_user: str | None,
                 descending: bool = False) -> Iterator[Entry]:
        """The records matching, by ``ID`` (only the :meth:`_candidates` read)."""
        tests = [condition.test() for condition in conditions]
        candidates = self._candidates(conditions)
        for index in reversed(candidates) if descending else candidates:
            entry = self.entries[index]
            if own_user is not None and entry.row["PORTAL_USER_ID"] != own_user:
                continue
            if all(test(entry) for test in tests):
                yield entry

    def query(self, params: dict[str, str], now: float, own_user: str | None = None) -> dict[str, Any]:
        """The body of ``voximplant.statistic.get``'s answer for ``params`` at ``now``.

        ``own_user``: the user may see only their own calls (the portal says nothing of it).
        """
        self._publish(now)
        conditions = filters(params)
        sort = params.get("SORT", "ID").upper()
        sort = sort if sort in SORTABLE else "ID"
        descending = params.get("ORDER", "ASC").upper() == "DESC"
        raw_start = params.get("start", "0").strip()
        if raw_start == "-1":
            return {"result": self._first_page(conditions, own_user, sort, descending), "total": 0}
        start = int(raw_start) if raw_start.isdigit() else 0
        rows = self._all(conditions, own_user, sort, descending)
        body: dict[str, Any] = {"result": [dict(entry.row) for entry in rows[start:start + PAGE]],
                                "total": len(rows)}
        if start + PAGE < len(rows):
            body["next"] = start + PAGE
        return body

    def _first_page(self, conditions: list[Condition], own_user: str | None, sort: str,
                    descending: bool) -> list[dict[str, Any]]:
        """``start=-1``: the first page, without counting the rest (stops at 50 when by ``ID``)."""
        if sort == "ID":
            matches = self._matches(conditions, own_user, descending)
            return [dict(entry.row) for entry, _ in zip(matches, range(PAGE), strict=False)]
        return [dict(entry.row) for entry in self._all(conditions, own_user, sort, descending)[:PAGE]]

    def _all(self, conditions: list[Condition], own_user: str | None, sort: str,
             descending: bool) -> list[Entry]:
        """Every match in the asked order, kept for the query's later pages until a record is written."""
        key = (tuple(conditions), own_user, sort, descending)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        rows = list(self._matches(conditions, own_user))
        if sort != "ID":
            def order(entry: Entry) -> tuple[int, float | str]:
                value = _value(entry, sort)
                return (0, "") if value is None else (1, value)
            rows.sort(key=order, reverse=descending)
        elif descending:
            rows.reverse()
        self._cache[key] = rows
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return rows
