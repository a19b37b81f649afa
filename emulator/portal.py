"""The emulated Bitrix24 portal's server side: what it knows, and its REST answers.

The emulator page tells this module about each call (its token, its state,
its code, how call statistics should behave) and about each app page it
opens (its token, whether the user is an admin); the ``rights`` control sets
a token's user, statistics right and the app's scopes.  The app then calls
REST over HTTP, as it would call a portal, and gets Bitrix24's response and
error shapes: ``voximplant.statistic.get`` (with the delay before a finished
call's record appears), ``user.get``, ``placement.get``/``bind``/``unbind``
and ``batch``, within the portal's limits (``limits.py``).

What a portal keeps about the app (installed or not, the bound tabs, the app
options) is kept in a JSON file, so it outlives a restart of the emulator.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from time import sleep as _sleep
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .limits import OPERATION_LIMIT, QUERY_LIMIT, Limits, Meter
from .seed import PORTAL_OFFSET, USERS
from .statistics import PAGE, Store, voximplant_phone

#: How the portal's call statistics answer this call's user (the emulator page offers each):
#: ``record`` (the record appears after a delay), ``no-record`` (none is ever written),
#: ``no-scope`` (the app lacks the telephony scope), ``access-denied`` (the user lacks the
#: "Call statistics: view" permission: HTTP 403 ``ACCESS_DENIED``), ``own-calls`` (the user
#: may see only their own calls, and nothing says so) and ``bad-auth`` (the token is always
#: refused); the rights are those of ``voximplant-statistic-get.md`` in Bitrix24's REST docs.
STATISTICS_MODES = ("record", "no-record", "no-scope", "access-denied", "own-calls", "bad-auth")
#: The statistics right each mode gives: all calls, the user's own, or none (``ACCESS_DENIED``).
CALL_RIGHTS = {"own-calls": "own", "access-denied": "none"}
STATISTICS_RIGHTS = ("all", "own", "none")
#: The app's scopes, as registered by the README's steps (``placement``, ``telephony``) with the
#: one the report's names need; ``user.get`` takes any of ``user``, ``user_brief``, ``user_basic``.
DEFAULT_SCOPES = frozenset({"placement", "telephony", "user_brief"})
#: The methods served besides ``placement.*`` and ``batch``, and the scopes each takes (its page).
SCOPES = {"voximplant.statistic.get": frozenset({"telephony"}),
          "user.get": frozenset({"user", "user_brief", "user_basic"})}
SERVED = frozenset(SCOPES)
#: The current user, in the basic scope every app has ("any user", no scope named:
#: ``api-reference/common/users/profile.md``); the report keys its cache by the ``ID``.
PROFILE = "profile"
EXPIRED = {"error": "expired_token", "error_description": "The access token provided has expired."}
#: Commands a ``batch`` may hold (batch.md).
MAX_BATCH = 50
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


def _flatten(prefix: str, value: object, into: dict[str, str]) -> None:
    if isinstance(value, dict):
        for inner, item in value.items():
            _flatten(f"{prefix}[{inner}]", item, into)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, into)
    else:
        into[prefix] = str(value)


def rest_params(content_type: str, body: str) -> dict[str, str]:
    """REST parameters from a form or a JSON body, flattened as ``FILTER[CALL_ID]`` (a list's
    items as ``FILTER[ID][0]``, as a form sends them)."""
    if not content_type.startswith("application/json"):
        return {key: values[0] for key, values in parse_qs(body).items()}
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    params: dict[str, str] = {}
    for key, value in data.items() if isinstance(data, dict) else ():
        if isinstance(value, dict | list):
            _flatten(str(key), value, params)
        else:
            params[key] = str(value)
    return params


@dataclass(frozen=True)
class Rights:
    """What a token may do: its user, their call-statistics right, and the app's scopes."""

    user_id: str = "1"
    #: ``all``, ``own`` (only their calls, silently) or ``none`` (``ACCESS_DENIED``).
    statistics: str = "all"
    scopes: frozenset[str] = DEFAULT_SCOPES
    #: The token is always refused (``expired_token``), as the card's ``bad-auth`` mode.
    refused: bool = False


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
    started: str = field(default_factory=lambda: datetime.now(PORTAL_OFFSET).isoformat(timespec="seconds"))


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
    #: Rights set for a token by the ``rights`` control (the report's tests).
    rights: dict[str, Rights] = field(default_factory=dict)
    #: The portal's REST limits and cost model, and its account of the app's requests.
    limits: Limits = field(default_factory=Limits)
    meter: Meter = field(init=False)
    #: The clock (s) and the way server time is spent; tests pass their own.  By default the
    #: wall clock for the limits and ``time`` blocks, the monotonic one for records' delays.
    clock: Callable[[], float] | None = None
    sleep: Callable[[float], None] = _sleep

    def __post_init__(self) -> None:
        self.meter = Meter(self.limits)
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
            elif action == "rights":
                return self._set_rights(data)
            elif action == "reset":
                self.installed = False
                self.placements = []
                self.app_options = {}
            else:
                return 400, {"error": "bad request"}
            self._save()
        return 200, {"ok": True}

    def _set_rights(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The ``rights`` control (the lock is held): for ``auth``, its user (``userId``), their
        statistics right (``statistics``: ``all``/``own``/``none``) and the app's ``scopes``;
        what is left out keeps its default."""
        auth, user = data.get("auth"), data.get("userId", "1")
        right, scopes = data.get("statistics", "all"), data.get("scopes", sorted(DEFAULT_SCOPES))
        if not isinstance(auth, str) or not auth or not isinstance(user, str) \
                or right not in STATISTICS_RIGHTS or not isinstance(scopes, list) \
                or not all(isinstance(scope, str) for scope in scopes):
            return 400, {"error": "bad rights"}
        self.rights[auth] = Rights(user_id=user, statistics=right, scopes=frozenset(scopes))
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
                    visible = self._monotonic() + (0 if data.get("immediate") is True else call.delay_s)
                    given = data.get("phone")
                    phone = given if isinstance(given, str) else ""
                    # Kept as its source gives it (the statistics module's docstring): Bitrix24's
                    # telephony with "+", an external call as its PBX registered it.
                    kept = phone if external else voximplant_phone(phone)
                    self.statistics.add(visible, call.call_id, code[:20], user_id=call.user_id,
                                        duration=duration, phone=kept, started=call.started,
                                        external=external)
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

    def _now(self) -> float:
        """The wall clock (s since the epoch): the limits' and the answers' ``time``."""
        return self.clock() if self.clock is not None else time.time()

    def _monotonic(self) -> float:
        """The clock a record's delay is counted on."""
        return self.clock() if self.clock is not None else time.monotonic()

    def _time(self, started: float, finished: float, processing: float) -> dict[str, Any]:
        """An answer's ``time`` block without the ``operating`` keys (the docs' ``time`` type)."""
        def date(moment: float) -> str:
            return datetime.fromtimestamp(moment, PORTAL_OFFSET).isoformat(timespec="seconds")
        return {"start": started, "finish": finished, "duration": finished - started,
                "processing": processing, "date_start": date(started), "date_finish": date(finished)}

    def rest(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer one HTTP request to ``/rest/METHOD`` as Bitrix24 does (HTTP status and JSON body).

        The request bucket is asked first (limits.py); ``batch`` runs its commands one after
        another; any other method is one command.  Only the portal's state is touched under the
        lock: a command's server time is spent outside it, so that requests on several
        connections are served in parallel.
        """
        started = self._now()
        with self.lock:
            self.rest_log.append({"method": method, "params": dict(params)})
            if not self.meter.admit(started):
                return 503, dict(QUERY_LIMIT)
        if method == "batch":
            return self._batch(params, started)
        return self._command(method, params)

    def _refusal(self, auth: str) -> tuple[int, dict[str, Any]] | None:
        """The portal's answer to a token it does not take (the lock is held); ``None`` if it does.

        The system errors' codes, texts and HTTP statuses are those of Bitrix24's REST docs
        (``b24-rest-docs``, ``_includes/system-errors.md``: ``expired_token`` 401,
        ``NO_AUTH_FOUND`` 401)."""
        if auth in self.expired:
            return 401, dict(EXPIRED)
        if self._who(auth) is None:
            return 401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
        return None

    def _who(self, auth: str) -> Rights | None:
        """The rights of the user and app behind ``auth`` (the lock is held); ``None``: no such token.

        Set by the ``rights`` control, else those of the call's statistics mode, else an app
        page's defaults.
        """
        if not auth:
            return None
        if auth in self.rights:
            return self.rights[auth]
        call = next((c for c in self.calls.values() if c.auth == auth), None)
        if call is not None:
            return Rights(user_id=call.user_id, statistics=CALL_RIGHTS.get(call.statistics, "all"),
                          scopes=DEFAULT_SCOPES - ({"telephony"} if call.statistics == "no-scope" else set()),
                          refused=call.statistics == "bad-auth")
        if auth in self.sessions:
            return Rights()
        return None

    def _command(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """One method's answer, its operating time checked before and charged after (limits.py)."""
        started = self._now()
        with self.lock:
            auth = params.get("auth", "")
            refused = self._refusal(auth)
            if refused is not None:
                return refused
            if self.meter.blocked(method, started):
                return 429, dict(OPERATION_LIMIT)
            status, body, cost = self._answer(method, params, auth)
            processing = self._now() - started
        if cost > 0:
            self.sleep(cost)  # the server's time on the records: spent, outside the lock
        finished = self._now()
        with self.lock:
            self.meter.charge(method, started, processing + cost)
            if status == 200:
                body["time"] = {**self._time(started, finished, processing + cost),
                                **self.meter.time_block(method, finished)}
        return status, body

    def _batch(self, params: dict[str, str], started: float) -> tuple[int, dict[str, Any]]:
        """``batch`` (``settings/how-to-call-rest-api/batch.md``): up to 50 commands
        (``cmd[NAME]=method?query``), run one after another with the batch's token; those past
        the 50th fail each with ``ERROR_BATCH_LENGTH_EXCEEDED`` (the page's note; its table of
        errors says HTTP 400 for the request, but the note is the more specific); ``halt`` stops
        at the first error; ``$result[NAME][field]...`` in a command's parameters is the value of
        an earlier command's result.  The answer's ``result`` holds ``result``, ``result_error``,
        ``result_total``, ``result_next`` and ``result_time`` by command name, each ``[]`` when
        empty (the docs' examples); every command's ``result_time`` carries its method's
        ``operating`` keys, which the official SDK reads there (``b24jssdk``,
        ``core/interaction/batch/processing/v2/abstract-processing.ts``)."""
        commands = [(key[4:-1], value) for key, value in params.items()
                    if key.startswith("cmd[") and key.endswith("]")]
        auth = params.get("auth", "")
        with self.lock:
            refused = self._refusal(auth)
        if refused is not None:
            return refused
        halt = params.get("halt", "0").strip().lower() in ("1", "true")
        parts: dict[str, dict[str, Any]] = {name: {} for name in BATCH_PARTS}
        for number, (name, command) in enumerate(commands):
            method, _, query = command.partition("?")
            asked = {key: _earlier(values[0], parts["result"])
                     for key, values in parse_qs(query, keep_blank_values=True).items()}
            asked["auth"] = auth
            with self.lock:
                self.rest_log.append({"method": method, "params": dict(asked), "batch": True})
            if number >= MAX_BATCH:
                status, body = 400, {"error": "ERROR_BATCH_LENGTH_EXCEEDED",
                                     "error_description": "Max batch length exceeded"}
            elif method == "batch":  # nesting is refused (rest 24.0.0)
                status, body = 405, {"error": "ERROR_BATCH_METHOD_NOT_ALLOWED",
                                     "error_description": "Method is not allowed for batch usage"}
            else:
                status, body = self._command(method, asked)
            if status != 200:
                parts["result_error"][name] = {"error": body.get("error", ""),
                                               "error_description": body.get("error_description", "")}
                if halt:
                    break
                continue
            parts["result"][name] = body.get("result")
            if "total" in body:
                parts["result_total"][name] = body["total"]
            if "next" in body:
                parts["result_next"][name] = body["next"]
            parts["result_time"][name] = body["time"]
        finished = self._now()
        return 200, {"result": {part: found or [] for part, found in parts.items()},
                     "time": self._time(started, finished, finished - started)}

    def _answer(self, method: str, params: dict[str, str], auth: str) -> tuple[int, dict[str, Any], float]:
        """The method's answer and the server time it costs (the lock is held; the token is good).

        The method's own errors are those of its page in the docs; ``insufficient_scope`` 403 is a
        system error."""
        who = self._who(auth)
        assert who is not None  # the token was checked
        if method in PLACEMENT_METHODS:
            status, body = self._placement(method, params, self.sessions.get(auth, False))
            return status, body, 0.0
        if who.refused:
            return 401, dict(EXPIRED), 0.0
        if method == PROFILE:
            return 200, _profile(who, self.sessions.get(auth, False)), 0.0
        if method not in SERVED:
            return 404, {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}, 0.0
        if not who.scopes & SCOPES[method]:
            return 403, {"error": "insufficient_scope", "error_description":
                         "The request requires higher privileges than provided by the access token"}, 0.0
        if method == "user.get":
            return 200, _users(params), 0.0
        if who.statistics == "none":
            # The user lacks the "Call statistics: view" permission (voximplant-statistic-get.md).
            return 403, {"error": "ACCESS_DENIED", "error_description": "Access denied!"}, 0.0
        own = who.user_id if who.statistics == "own" else None
        body = self.statistics.query(params, self._monotonic(), own)
        return 200, body, self.limits.cost(len(body["result"]))


#: The parts of a batch's answer.
BATCH_PARTS = ("result", "result_error", "result_total", "result_next", "result_time")
#: ``$result[NAME][field][0]...`` in a batch command's parameter.
_EARLIER = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")


def _earlier(value: str, results: dict[str, Any]) -> str:
    """``value`` with each ``$result[...]`` replaced by what it names (kept when nothing is there)."""
    def found(match: re.Match[str]) -> str:
        item: Any = results.get(match.group(1))
        for key in re.findall(r"\[([^\]]*)\]", match.group(2)):
            if isinstance(item, list) and key.isdigit() and int(key) < len(item):
                item = item[int(key)]
            elif isinstance(item, dict) and key in item:
                item = item[key]
            else:
                return match.group(0)
        return match.group(0) if item is None or isinstance(item, dict | list) else str(item)
    return _EARLIER.sub(found, value)


def _profile(who: Rights, admin: bool) -> dict[str, Any]:
    """``profile``'s answer for the token's user (``ID``, ``ADMIN``, ``NAME``, ``LAST_NAME``,
    ``PERSONAL_GENDER``, ``TIME_ZONE``: the docs' example)."""
    name, last_name = USERS.get(who.user_id, ("", ""))
    return {"result": {"ID": who.user_id, "ADMIN": admin, "NAME": name, "LAST_NAME": last_name,
                       "PERSONAL_GENDER": "", "TIME_ZONE": ""}}


def _users(params: dict[str, str]) -> dict[str, Any]:
    """``user.get`` (``api-reference/user/user-get.md``): the portal's users by ``ID`` ascending,
    ``FILTER[ID]`` one id or a list (``@ID`` is IN too), 50 a page with ``total``/``next``; the
    fields a ``user_brief`` app sees (no contact data: ``api-reference/user/index.md``)."""
    wanted = {value for key, value in params.items()
              if re.fullmatch(r"FILTER\[@?=?ID\](\[\d+\])?", key)}
    users = [{"ID": user_id, "ACTIVE": True, "NAME": name, "LAST_NAME": last_name, "SECOND_NAME": "",
              "PERSONAL_GENDER": "", "WORK_POSITION": "", "UF_DEPARTMENT": [1], "USER_TYPE": "employee"}
             for user_id, (name, last_name) in sorted(USERS.items(), key=lambda item: int(item[0]))
             if not wanted or user_id in wanted]
    raw = params.get("start", "0")
    start = int(raw) if raw.isdigit() else 0
    body: dict[str, Any] = {"result": users[start:start + PAGE], "total": len(users)}
    if start + PAGE < len(users):
        body["next"] = start + PAGE
    return body
