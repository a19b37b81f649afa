"""Finding a lost failure code in the portal's call statistics.

Many portals forward only the state on the wire, so a failed call reaches
the card as ``idle`` with no code.  The portal still knows the code: the REST
method ``voximplant.statistic.get`` returns the call's record once the call
is finished, a few seconds after it ended.  This module is the pure part of
that lookup: the request, the schedule of retries, and the reading of every
reply Bitrix24 gives (a record, no record yet, an error).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from .events import clip, normalise_failed_code

METHOD = "voximplant.statistic.get.json"
#: Waits before each try (ms): about 13 s in all, since the record appears
#: only after the call ends.
DELAYS_MS = (1000, 1500, 2250, 3400, 5000)

_SCOPE_ERRORS = {"insufficient_scope", "ACCESS_DENIED", "WRONG_AUTH_TYPE"}
_AUTH_ERRORS = {"expired_token", "invalid_token", "NO_AUTH_FOUND", "INVALID_CREDENTIALS",
                "invalid_grant"}


@dataclass(frozen=True)
class Request:
    url: str
    body: str  # application/x-www-form-urlencoded


@dataclass(frozen=True)
class Found:
    failed_code: str
    reason: str | None


@dataclass(frozen=True)
class NotYet:
    """No record (yet), or a passing failure: try again later."""


@dataclass(frozen=True)
class GaveUp:
    why: str  # one of events.LOOKUP_FAILURES


Reply = Found | NotYet | GaveUp


def request(rest_url: str, auth: str, call_id: str) -> Request:
    """The POST that asks for the record of ``call_id``."""
    return Request(rest_url + METHOD, urlencode({"FILTER[CALL_ID]": call_id, "auth": auth}))


def read_reply(status: int, text: str, call_id: str) -> Reply:
    """What a reply of ``voximplant.statistic.get`` means for the card."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return NotYet() if status >= 500 else GaveUp("refused")
    if not isinstance(data, dict):
        return GaveUp("refused")
    error = data.get("error")
    if error is not None:
        if error in _SCOPE_ERRORS:
            return GaveUp("no_scope")
        if error in _AUTH_ERRORS or status == 401:
            return GaveUp("auth")
        return NotYet() if status >= 500 else GaveUp("refused")
    records = data.get("result")
    if not isinstance(records, list):
        return GaveUp("refused")
    for record in records:
        if isinstance(record, dict) and record.get("CALL_ID") == call_id:
            code = normalise_failed_code(record.get("CALL_FAILED_CODE"))
            if code is None:
                return NotYet()
            reason = record.get("CALL_FAILED_REASON")
            text_reason = clip(reason.strip(), 120) if isinstance(reason, str) and reason.strip() else None
            return Found(code, text_reason)
    return NotYet()
