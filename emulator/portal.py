"""The emulated Bitrix24 portal's server side: what it knows, and its REST answers.

The emulator page tells this module about each call (its token, its state,
its code, how call statistics should behave) and about each app page it
opens (its token, whether the user is an admin).  The app then calls REST
over HTTP, as it would call a portal, and gets Bitrix24's response and error
shapes: ``voximplant.statistic.get`` (with the delay before a finished
call's record appears) and ``placement.get``/``bind``/``unbind``.

What a portal keeps about the app (installed or not, the bound tabs, the app
options) is kept in a JSON file, so it outlives a restart of the emulator.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .statistics import Store

#: How the portal's call statistics answer this call's user (the emulator page offers each):
#: ``record`` (the record appears after a delay), ``no-record`` (none is ever written),
#: ``no-scope`` (the app lacks the telephony scope), ``access-denied`` (the user lacks the
#: "Call statistics: view" permission: HTTP 403 ``ACCESS_DENIED``), ``own-calls`` (the user
#: may see only their own calls, and nothing says so) and ``bad-auth`` (the token is always
#: refused); the rights are those of ``voximplant-statistic-get.md`` in Bitrix24's REST docs.
STATISTICS_MODES = ("record", "no-record", "no-scope", "access-denied", "own-calls", "bad-auth")
#: What can go wrong when the app binds its tab (the emulator page offers each).
INSTALL_FAULTS = ("", "no-telephony", "bad-argument", "unreachable")
PLACEMENT_METHODS = ("placement.get", "placement.bind", "placement.unbind")
#: A portal refuses to bind the same handler to the same placement twice, in these words.
ALREADY_BOUND = "Unable to set placement handler: Handler already binded"
#: Longest app option value kept (a portal has limits too).
MAX_OPTION = 64_000

def _tab(handler: str, params: dict[str, str]) -> dict[str, Any]:
    """A bound tab as ``placement.get`` lists it."""
    titles = {key.split("[")[1].rstrip("]"): value for key, value in params.items()
              if key.startswith("LANG_ALL[") and key.endswith("[TITLE]")}
    return {"placement": "CALL_CARD", "userId": 0, "handler": handler,
            "title": params.get("TITLE", ""), "description": params.get("DESCRIPTION", ""),
            "options": [], "langAll": {lang: {"TITLE": title} for lang, title in titles.items()}}


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
    """One call as the portal's server knows it: its frame's token, its state, its user's rights."""

    call_id: str
    auth: str
    state: str = "idle"
    connected: bool = False
    ended: bool = False
    statistics: str = "record"
    delay_s: float = 2.0
    #: The operator on the call (``PORTAL_USER_ID`` of its record).
    user_id: str = "1"
    #: When the portal first heard of the call: its record's ``CALL_START_DATE`` is the call's
    #: creation date (``CVoxImplantHistory::Add`` in the portal's ``vi_history.php``), given out as
    #: ISO 8601 with the portal's offset (``CRestUtil::ConvertDateTime`` in ``statisticGet``).
    started: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))


@dataclass
class Portal:
    calls: dict[str, Call] = field(default_factory=dict)
    #: The call statistics: every finished call's record.
    statistics: Store = field(default_factory=Store)
    rest_log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Where the app's installation and options are kept; ``None``: memory only.
    state_path: Path | None = None
    #: The app's origin: a tab's handler must be there (as on a portal).
    app_origin: str = ""
    installed: bool = False
    placements: list[dict[str, Any]] = field(default_factory=list)
    app_options: dict[str, Any] = field(default_factory=dict)
    #: Tokens of the app pages the emulator opened, and whether their user is an admin.
    sessions: dict[str, bool] = field(default_factory=dict)
    install_fault: str = ""
    #: Tokens that have expired (the emulator page expires them on demand).
    expired: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.state_path is not None and self.state_path.exists():
            try:
                saved = json.loads(self.state_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                saved = {}
            if isinstance(saved, dict):
                self.installed = saved.get("installed") is True
                placements = saved.get("placements")
                self.placements = [p for p in placements if isinstance(p, dict)] \
                    if isinstance(placements, list) else []
                options = saved.get("appOptions")
                self.app_options = options if isinstance(options, dict) else {}

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {"installed": self.installed, "placements": self.placements, "appOptions": self.app_options}
        temporary = self.state_path.with_suffix(".tmp")
        temporary.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.state_path)

    def state(self) -> dict[str, Any]:
        """What the emulator page shows and opens frames with."""
        with self.lock:
            return {"installed": self.installed, "placements": [dict(p) for p in self.placements],
                    "appOptions": dict(self.app_options), "installFault": self.install_fault}

    def install_for_tests(self, handler: str, params: dict[str, str] | None = None) -> None:
        """The app as if installed: the call-card tab bound to ``handler`` (``params`` as bound)."""
        with self.lock:
            self.installed = True
            self.placements = [_tab(handler, params or {})]
            self._save()

    def control(self, action: str, data: Any) -> tuple[int, dict[str, Any]]:
        """The emulator page's requests about the app: sessions, options, install, faults, reset,
        and ``expire``: from now on the portal answers ``expired_token`` to that token."""
        if not isinstance(data, dict):
            return 400, {"error": "bad request"}
        with self.lock:
            if action == "session" and isinstance(data.get("auth"), str) and data["auth"]:
                self.sessions[data["auth"]] = data.get("admin") is True
            elif action == "app-option" and isinstance(data.get("name"), str):
                if not self.sessions.get(str(data.get("auth"))):
                    return 403, {"error": "only an admin may set app options"}
                value = data.get("value")
                if len(json.dumps(value)) > MAX_OPTION:
                    return 413, {"error": "value too large"}
                self.app_options[data["name"]] = value
            elif action == "installed" and str(data.get("auth")) in self.sessions:
                self.installed = True
            elif action == "fault" and data.get("fault") in INSTALL_FAULTS:
                self.install_fault = data["fault"]
            elif action == "expire" and isinstance(data.get("auth"), str) and data["auth"]:
                self.expired.add(data["auth"])
                return 200, {"ok": True}
            elif action == "reset":
                self.installed = False
                self.placements = []
                self.app_options = {}
            else:
                return 400, {"error": "bad request"}
            self._save()
        return 200, {"ok": True}

    def report(self, data: Any) -> tuple[int, dict[str, Any]]:
        """The emulator page's account of a call: opened, a new state, the rights of its user, its end.

        ``ended`` says that the call is over and its record is written now
        (``failedCode`` the code the portal knows, even when the frame lost it;
        without one, 200 when the call was answered, else 304, as
        ``telephony.externalCall.finish`` defaults it by duration: its page in
        ``b24-rest-docs``).  The record is listed after the delay, as a portal
        writes it after the call ends, or at once (``immediate``: an external
        call's ``finish`` writes it in the same request).  ``record: false``
        ends the call without one (a path that writes none).
        """
        if not isinstance(data, dict) or not isinstance(data.get("callId"), str) \
                or not isinstance(data.get("auth"), str):
            return 400, {"error": "bad report"}
        mode = data.get("statistics", "record")
        delay = data.get("delayMs", 2000)
        duration = data.get("duration", 0)
        if mode not in STATISTICS_MODES or not isinstance(delay, int | float) or not 0 <= delay <= 60000:
            return 400, {"error": "bad statistics settings"}
        if not isinstance(duration, int) or isinstance(duration, bool) or not 0 <= duration <= 86_400:
            return 400, {"error": "bad duration"}
        with self.lock:
            call = self.calls.setdefault(data["callId"], Call(data["callId"], data["auth"]))
            call.auth = data["auth"]
            call.statistics = mode
            call.delay_s = delay / 1000
            state = data.get("state")
            external = data.get("external") is True
            if state in ("idle", "connecting", "connected"):
                if call.ended and state != "idle":
                    # The next call in the same card (call-list mode): a guess, the public code
                    # does not show how its record is kept.
                    call.ended, call.connected = False, False
                # An external call's card opens "connected" whatever the call does: not an answer.
                call.connected = call.connected or (state == "connected" and not external)
                call.state = state
            if data.get("ended") is True and not call.ended:
                call.ended = True
                if data.get("record", True) is not False and mode != "no-record":
                    answered = call.connected or duration > 0
                    code = str(data.get("failedCode") or "") or ("200" if answered else "304")
                    visible = time.monotonic() + (0 if data.get("immediate") is True else call.delay_s)
                    phone = data.get("phone")
                    self.statistics.add(visible, call.call_id, code[:20], user_id=call.user_id,
                                        duration=duration, phone=phone if isinstance(phone, str) else "",
                                        started=call.started, external=external)
        return 200, {"ok": True}

    def _placement(self, method: str, params: dict[str, str], admin: bool) -> tuple[int, dict[str, Any]]:
        """``placement.*`` as a portal answers them (the lock is held)."""
        if method == "placement.get":
            return 200, {"result": [dict(p) for p in self.placements]}
        if not admin:
            return 403, {"error": "ACCESS_DENIED",
                         "error_description": "Access denied! Admin rights required"}
        placement = params.get("PLACEMENT", "").upper()
        if method == "placement.unbind":
            handler = params.get("HANDLER")
            kept = [p for p in self.placements
                    if p["placement"] != placement or (handler is not None and p["handler"] != handler)]
            count = len(self.placements) - len(kept)
            self.placements = kept
            self._save()
            return 200, {"result": {"count": count}}
        if self.install_fault == "no-telephony" or (placement and placement != "CALL_CARD"):
            return 400, {"error": "ERROR_PLACEMENT_NOT_FOUND", "error_description": "Placement not found"}
        handler = params.get("HANDLER", "")
        parts = urlsplit(handler)
        origin = f"{parts.scheme}://{parts.netloc}"
        on_app = origin == self.app_origin if self.app_origin else bool(parts.netloc)
        if self.install_fault == "bad-argument" or not placement or not on_app:
            return 400, {"error": "ERROR_ARGUMENT",
                         "error_description": "Handler URL host doesn't match application host"}
        if any(p["placement"] == placement and p["handler"] == handler for p in self.placements):
            return 400, {"error": "ERROR_CORE", "error_description": ALREADY_BOUND}
        self.placements.append(_tab(handler, params))
        self._save()
        return 200, {"result": True}

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
        """The portal's answer.  The system errors' codes, texts and HTTP statuses are those of
        Bitrix24's REST docs (``b24-rest-docs``, ``_includes/system-errors.md``: ``expired_token``
        401, ``NO_AUTH_FOUND`` 401, ``insufficient_scope`` 403); the method's own, those of
        ``voximplant-statistic-get.md``."""
        auth = params.get("auth", "")
        if auth in self.expired:
            return 401, {"error": "expired_token",
                         "error_description": "The access token provided has expired."}
        call = next((c for c in self.calls.values() if c.auth == auth and auth), None)
        if method in PLACEMENT_METHODS and (call is not None or auth in self.sessions):
            return self._placement(method, params, self.sessions.get(auth, False))
        if call is None:
            return 401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
        if method != "voximplant.statistic.get":  # a method this emulated portal does not serve
            return 404, {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
        if call.statistics == "bad-auth":
            return 401, {"error": "expired_token",
                         "error_description": "The access token provided has expired."}
        if call.statistics == "no-scope":
            return 403, {"error": "insufficient_scope", "error_description":
                         "The request requires higher privileges than provided by the access token"}
        if call.statistics == "access-denied":
            # The user lacks the "Call statistics: view" permission (voximplant-statistic-get.md).
            return 403, {"error": "ACCESS_DENIED", "error_description": "Access denied!"}
        own = call.user_id if call.statistics == "own-calls" else None
        return 200, self.statistics.query(params, time.monotonic(), own)
