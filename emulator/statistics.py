"""The emulated portal's call statistics: a store of call records, and ``voximplant.statistic.get``.

A portal keeps one record per finished call and answers the REST method
``voximplant.statistic.get`` from them.  Every behaviour here is the
portal's, read in its public code and in the method's page in Bitrix24's REST
docs (``bitrix-tools/b24-rest-docs``, ``api-reference/telephony/voximplant-statistic-get.md``):

- the values are strings, and the reason texts are the portal's own
  (``"Decline self"`` for ``603-S``, empty for an external call's ``200``);
- ``FILTER`` keys may carry an operator prefix (``>=``, ``>``, ``<=``, ``<``,
  ``!``, ``%``, and ``=``); a field the portal does not know is dropped,
  silently (the query runs without it);
- ``SORT`` names a field and ``ORDER`` is ``ASC`` or ``DESC``;
- a page holds 50 records; ``start`` picks the page, and the answer carries
  ``total`` and, when more follow, ``next``;
- a user with "own calls only" rights sees only their own records, and
  nothing in the answer says so.

The store is plain data, so that later work can seed it with a busy
portal's calls; the record of a finished call appears only after a delay
(the portal writes it after the call ends), except an external call's, which
``telephony.externalCall.finish`` writes in the same request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
#: The fields of a record, in the portal's order; a FILTER or SORT on any other field is dropped.
FIELDS = (
    "ID", "PORTAL_USER_ID", "PORTAL_NUMBER", "PHONE_NUMBER", "CALL_ID", "CALL_CATEGORY",
    "CALL_DURATION", "CALL_START_DATE", "CALL_RECORD_URL", "CALL_VOTE", "COST", "COST_CURRENCY",
    "CALL_FAILED_CODE", "CALL_FAILED_REASON", "CRM_ENTITY_TYPE", "CRM_ENTITY_ID", "CRM_ACTIVITY_ID",
    "REST_APP_ID", "REST_APP_NAME", "TRANSCRIPT_ID", "TRANSCRIPT_PENDING", "SESSION_ID",
    "REDIAL_ATTEMPT", "COMMENT", "RECORD_FILE_ID", "CALL_TYPE",
)
#: A FILTER key: an optional operator, then the field's name.
_KEY = re.compile(r"^(>=|<=|>|<|!|%|=)?([A-Z_]+)$")


def reason(code: str, external: bool) -> str:
    """The portal's words for ``code``: an external call's success has none."""
    if external and code == "200":
        return ""
    return REASONS.get(code, f"Call failure ({code})")


def record(record_id: int, call_id: str, code: str, *, user_id: str = "1", duration: int = 0,
           phone: str = "", line: str = "reg1332", started: str = "2026-11-25T10:00:00+03:00",
           external: bool = False, crm: tuple[str, str] = ("CONTACT", "17")) -> dict[str, Any]:
    """One call's record, as ``voximplant.statistic.get`` lists it (every value a string)."""
    return {
        "ID": str(record_id), "PORTAL_USER_ID": user_id, "PORTAL_NUMBER": line,
        "PHONE_NUMBER": phone, "CALL_ID": call_id, "CALL_CATEGORY": "external",
        "CALL_DURATION": str(duration), "CALL_START_DATE": started, "CALL_RECORD_URL": "",
        "CALL_VOTE": "0", "COST": "0.0000", "COST_CURRENCY": "RUR",
        "CALL_FAILED_CODE": code, "CALL_FAILED_REASON": reason(code, external),
        "CRM_ENTITY_TYPE": crm[0], "CRM_ENTITY_ID": crm[1], "CRM_ACTIVITY_ID": "0",
        "REST_APP_ID": "1" if external else "", "REST_APP_NAME": "PBX" if external else "",
        "TRANSCRIPT_ID": "", "TRANSCRIPT_PENDING": "N", "SESSION_ID": "0", "REDIAL_ATTEMPT": "",
        "COMMENT": "", "RECORD_FILE_ID": "", "CALL_TYPE": "1",
    }


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _compare(have: object, want: str) -> int:
    """-1, 0 or 1: as numbers when both are numbers, else as text (ISO dates sort as text)."""
    text = "" if have is None else str(have)
    left, right = _number(text), _number(want)
    if left is not None and right is not None:
        return (left > right) - (left < right)
    return (text > want) - (text < want)


def _matches(row: dict[str, Any], op: str, name: str, want: str) -> bool:
    have = row.get(name)
    if op == "%":
        return want.lower() in ("" if have is None else str(have)).lower()
    order = _compare(have, want)
    return {"": order == 0, "=": order == 0, "!": order != 0, ">=": order >= 0, ">": order > 0,
            "<=": order <= 0, "<": order < 0}[op]


def filters(params: dict[str, str]) -> list[tuple[str, str, str]]:
    """The ``FILTER[...]`` parameters the portal acts on: (operator, field, value); unknown fields dropped."""
    kept = []
    for key, value in params.items():
        if not (key.startswith("FILTER[") and key.endswith("]")):
            continue
        parsed = _KEY.match(key[len("FILTER["):-1])
        if parsed and parsed.group(2) in FIELDS:
            kept.append((parsed.group(1) or "", parsed.group(2), value))
    return kept


@dataclass
class Store:
    """Every call record the portal holds, each with the moment (monotonic s) it becomes visible."""

    records: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    last_id: int = 1000

    def add(self, visible_at: float, call_id: str, code: str, **details: Any) -> dict[str, Any]:
        """Write one finished call's record; it is listed from ``visible_at`` on."""
        self.last_id += 1
        row = record(self.last_id, call_id, code, **details)
        self.records.append((visible_at, row))
        return row

    def query(self, params: dict[str, str], now: float, own_user: str | None = None) -> dict[str, Any]:
        """The body of ``voximplant.statistic.get``'s answer for ``params`` at ``now``.

        ``own_user``: the user may see only their own calls (the portal says nothing of it).
        """
        rows = [row for visible_at, row in self.records if visible_at <= now
                and (own_user is None or row["PORTAL_USER_ID"] == own_user)]
        for op, name, want in filters(params):
            rows = [row for row in rows if _matches(row, op, name, want)]
        sort = params.get("SORT", "ID")
        sort = sort if sort in FIELDS else "ID"
        descending = params.get("ORDER", "ASC").upper() == "DESC"
        numbers = all(_number(str(row.get(sort))) is not None for row in rows)

        def key(row: dict[str, Any]) -> float | str:
            return (_number(str(row.get(sort))) or 0.0) if numbers else str(row.get(sort) or "")

        rows.sort(key=key, reverse=descending)
        start = int(params["start"]) if params.get("start", "").isdigit() else 0
        page = rows[start:start + PAGE]
        body: dict[str, Any] = {"result": page, "total": len(rows)}
        if start + PAGE < len(rows):
            body["next"] = start + PAGE
        return body
