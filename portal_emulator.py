"""The emulated Bitrix24 portal's server side: what it knows about calls, and its REST answers.

The emulator page tells this module about each call (its token, its state,
its code, how call statistics should behave); the card then asks the REST
method ``voximplant.statistic.get`` over HTTP, as it would ask a portal, and
gets Bitrix24's response and error shapes, including the delay before a
finished call's record appears.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

STATISTICS_MODES = ("record", "no-record", "no-scope", "bad-auth")

#: CALL_FAILED_REASON as a portal words it, per CALL_FAILED_CODE.
REASONS = {
    "200": "Success call", "304": "Missed call", "402": "Insufficient funds", "403": "Forbidden",
    "404": "Invalid number", "423": "Blocked", "480": "Temporarily unavailable",
    "484": "Destination unavailable", "486": "Busy here", "487": "Request terminated",
    "503": "Destination unavailable", "603": "Declined", "603-S": "Call was cancelled",
    "OTHER": "Call failure",
}


def rest_params(content_type: str, body: str) -> dict[str, str]:
    """REST parameters from a form or a JSON body, flattened as ``FILTER[CALL_ID]``."""
    if not content_type.startswith("application/json"):
        return {key: values[0] for key, values in parse_qs(body).items()}
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    params: dict[str, str] = {}
    for key, value in data.items() if isinstance(data, dict) else ():
        if isinstance(value, dict):
            params.update({f"{key}[{inner}]": str(item) for inner, item in value.items()})
        else:
            params[key] = str(value)
    return params


@dataclass
class Call:
    call_id: str
    auth: str
    state: str = "idle"
    failed_code: str = ""
    connected: bool = False
    ended_at: float | None = None
    statistics: str = "record"
    delay_s: float = 2.0


@dataclass
class Portal:
    calls: dict[str, Call] = field(default_factory=dict)
    rest_log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, data: Any) -> tuple[int, dict[str, Any]]:
        """The emulator page's account of a call (opened, new state, settings)."""
        if not isinstance(data, dict) or not isinstance(data.get("callId"), str) \
                or not isinstance(data.get("auth"), str):
            return 400, {"error": "bad report"}
        mode = data.get("statistics", "record")
        delay = data.get("delayMs", 2000)
        if mode not in STATISTICS_MODES or not isinstance(delay, int | float) or not 0 <= delay <= 60000:
            return 400, {"error": "bad statistics settings"}
        with self.lock:
            call = self.calls.setdefault(data["callId"], Call(data["callId"], data["auth"]))
            call.auth = data["auth"]
            call.statistics = mode
            call.delay_s = delay / 1000
            state = data.get("state")
            if state in ("idle", "connecting", "connected") and state != call.state:
                if state == "connected":
                    call.connected = True
                if state == "idle":
                    call.ended_at = time.monotonic()
                    call.failed_code = str(data.get("failedCode") or "")
                elif call.state == "idle":
                    call.ended_at = None
                call.state = state
        return 200, {"ok": True}

    def rest(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer a REST call as Bitrix24 does (HTTP status and JSON body)."""
        started = time.time()
        with self.lock:
            self.rest_log.append({"method": method, "params": dict(params)})
            status, body = self._answer(method, params)
        if status == 200:
            body["time"] = {"start": started, "finish": time.time(),
                            "duration": time.time() - started, "date_start": "", "date_finish": ""}
        return status, body

    def _answer(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        auth = params.get("auth", "")
        call = next((c for c in self.calls.values() if c.auth == auth and auth), None)
        if call is None:
            return 401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
        if method != "voximplant.statistic.get":
            return 404, {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
        if call.statistics == "bad-auth":
            return 401, {"error": "expired_token",
                         "error_description": "The access token provided has expired."}
        if call.statistics == "no-scope":
            return 401, {"error": "insufficient_scope", "error_description":
                         "The request requires higher privileges than provided by the access token"}
        wanted = params.get("FILTER[CALL_ID]")
        record = self.calls.get(wanted or "")
        finished = (record is not None and record.auth == auth and record.ended_at is not None
                    and time.monotonic() - record.ended_at >= record.delay_s)
        if call.statistics == "no-record" or not finished or record is None:
            return 200, {"result": [], "total": 0}
        code = record.failed_code or ("200" if record.connected else "304")
        return 200, {"result": [{
            "ID": str(1000 + len(self.rest_log)), "PORTAL_USER_ID": "1", "PORTAL_NUMBER": "reg1332",
            "PHONE_NUMBER": "+74951234567", "CALL_ID": record.call_id, "CALL_CATEGORY": "external",
            "CALL_DURATION": "0", "CALL_START_DATE": "2026-11-25T10:00:00+03:00", "CALL_RECORD_URL": "",
            "CALL_VOTE": "0", "COST": "0.0000", "COST_CURRENCY": "RUR",
            "CALL_FAILED_CODE": code, "CALL_FAILED_REASON": REASONS.get(code, f"Call failure ({code})"),
            "CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": "17", "CRM_ACTIVITY_ID": "0",
            "REST_APP_ID": None, "REST_APP_NAME": None, "TRANSCRIPT_ID": None, "TRANSCRIPT_PENDING": "N",
            "SESSION_ID": "0", "REDIAL_ATTEMPT": None, "COMMENT": None, "RECORD_FILE_ID": None,
            "CALL_TYPE": "1",
        }], "total": 1}
