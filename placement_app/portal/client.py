"""The one portal client: Bitrix24 REST over HTTP, and one reading of every reply.

REST does not go through the frame: it is a form POST to
``http(s)://DOMAIN/rest/METHOD.json`` with ``auth``.  Nested parameters
(``LANG_ALL[ru][TITLE]``) are flattened the way the portal's PHP reads them.
Every method's reply is read here, and every failure is sorted into one
:data:`ERRORS` map, so that the card's statistics lookup, the install
page and the report's loading judge the same answer the same way.
:meth:`Session.batch` sends up to 50 calls in one request (``batch``) and
reads each call's answer as if it had come alone.  Pure: the HTTP call itself is
given (:data:`Http`; the browser seam provides it), so all of this runs under
CPython.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from ..core.untrusted import clip, valid_token

#: POSTs a form; gives the HTTP status and the reply's text (raises when unreachable).
Http = Callable[[str, str], Awaitable[tuple[int, str]]]
#: Asks the portal, through the frame, for a new token (``refreshAuth``): its answer as it came
#: (read by :func:`read_refresh`), ``None`` when none came.
Refresh = Callable[[], Awaitable[object]]
#: Runs a REST conversation in the background (``asyncio.ensure_future`` in the browser).
Spawn = Callable[[Coroutine[Any, Any, Any]], object]



class FailureKind(StrEnum):
    """What a failed call means for the app, whatever the method (the values name the admin's words)."""

    NO_SCOPE = "no_scope"  # the app lacks a scope it needs
    AUTH = "auth"  # the token was refused
    NO_TELEPHONY = "no_telephony"  # the portal has no call card to bind to
    ARGUMENT = "argument"  # the portal refused a parameter
    NOT_ADMIN = "not_admin"  # the user may not change the app's placements
    NO_PERMISSION = "no_permission"  # the user may not view call statistics
    UNREACHABLE = "unreachable"  # no answer at all
    TRANSIENT = "transient"  # the portal failed (HTTP 5xx): later may work
    QUERY_LIMIT = "query_limit"  # too many requests for the portal's rate: slow down, then go on
    OPERATION_LIMIT = "operation_limit"  # the method used up its time for now: wait for the reset
    OTHER = "other"


#: Bitrix24's error codes, by what they mean for the app, whatever the method.
ERRORS = {
    "insufficient_scope": FailureKind.NO_SCOPE,
    "WRONG_AUTH_TYPE": FailureKind.NO_SCOPE,
    "expired_token": FailureKind.AUTH,
    "invalid_token": FailureKind.AUTH,
    "NO_AUTH_FOUND": FailureKind.AUTH,
    "INVALID_CREDENTIALS": FailureKind.AUTH,
    "invalid_grant": FailureKind.AUTH,
    "ERROR_PLACEMENT_NOT_FOUND": FailureKind.NO_TELEPHONY,
    "ERROR_ARGUMENT": FailureKind.ARGUMENT,
    # The REST limits (Bitrix24's REST docs, ``limits.md``): over the leaky bucket of requests
    # (``X`` requests at once, ``Y`` a second drained: 50 and 2, 250 and 5 on Enterprise) a request
    # answers HTTP 503 ``QUERY_LIMIT_EXCEEDED``; over a method's operating time (its summed run
    # time in ten one-minute baskets, 480 s on the docs' example) HTTP 429 ``OPERATION_TIME_LIMIT``.
    "QUERY_LIMIT_EXCEEDED": FailureKind.QUERY_LIMIT,
    "OPERATION_TIME_LIMIT": FailureKind.OPERATION_LIMIT,
}
#: What an error means for one method, where that differs between methods (checked first).
#: ``ACCESS_DENIED`` is the user's rights, not the app's scope: for ``placement.*`` it means the
#: user is not an admin; for ``voximplant.statistic.get``, that the user lacks the "Call
#: statistics: view" permission (HTTP 403; ``voximplant-statistic-get.md`` in Bitrix24's REST docs).
METHOD_ERRORS = {
    "placement.get": {"ACCESS_DENIED": FailureKind.NOT_ADMIN},
    "placement.bind": {"ACCESS_DENIED": FailureKind.NOT_ADMIN},
    "placement.unbind": {"ACCESS_DENIED": FailureKind.NOT_ADMIN},
    "voximplant.statistic.get": {"ACCESS_DENIED": FailureKind.NO_PERMISSION},
}
#: The one refusal that a new token (``refreshAuth``) can cure.
EXPIRED = "expired_token"


@dataclass(frozen=True)
class Timing:
    """A reply's ``time`` (Bitrix24's REST docs, ``data-types.md#time`` and ``limits.md``), in the
    portal's Unix seconds: ``operating`` is the method's summed run time in the last ten minutes,
    and ``operating_reset_at`` when the oldest minute of it drops out (both only where the portal
    counts them)."""

    start: float
    finish: float
    duration: float
    operating: float | None = None
    operating_reset_at: float | None = None


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def read_timing(value: object) -> Timing | None:
    """A ``time`` object as :class:`Timing`, or ``None`` when it is not one."""
    if not isinstance(value, Mapping):
        return None
    start, finish, duration = (_seconds(value.get(key)) for key in ("start", "finish", "duration"))
    if start is None or finish is None or duration is None:
        return None
    return Timing(start, finish, duration, _seconds(value.get("operating")),
                  _seconds(value.get("operating_reset_at")))


def _natural(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return value if isinstance(value, int) and value >= 0 else None


@dataclass(frozen=True)
class Ok:
    """A method's result; for a list method also its ``total`` and ``next`` (the next page's
    ``start``), and the reply's ``time``: kept beside the result, not part of what it equals."""

    result: object
    total: int | None = field(default=None, compare=False)
    next: int | None = field(default=None, compare=False)
    time: Timing | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Failed:
    """The portal said no (``error`` is its code), or nothing usable came back (``error`` is ``""``)."""

    error: str
    description: str
    status: int = 0
    #: The method that failed: some errors mean one thing for one method and another for another.
    method: str = ""

    @property
    def kind(self) -> FailureKind:
        """What the failure means: from :data:`METHOD_ERRORS` for the method, else from
        :data:`ERRORS`, else from the HTTP status."""
        meaning = METHOD_ERRORS.get(self.method, {}).get(self.error)
        if meaning is not None:
            return meaning
        if self.error in ERRORS:
            return ERRORS[self.error]
        if self.error == "unreachable":
            return FailureKind.UNREACHABLE
        if self.status == 401:
            return FailureKind.AUTH
        return FailureKind.TRANSIENT if self.status >= 500 else FailureKind.OTHER

    @property
    def expired(self) -> bool:
        """The token has expired (``expired_token``): a fresh one may work, unlike any other refusal."""
        return self.error == EXPIRED


def flatten(params: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """``{"A": {"b": 1}, "ID": [3, 4]}`` as ``[("A[b]", "1"), ("ID[0]", "3"), ("ID[1]", "4")]``:
    PHP reads both back as arrays."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(flatten(value, name))
        elif isinstance(value, list | tuple):
            pairs.extend(flatten({str(index): item for index, item in enumerate(value)}, name))
        else:
            pairs.append((name, str(value)))
    return pairs


def request(rest_url: str, auth: str, method: str, params: Mapping[str, object]) -> tuple[str, str]:
    """The URL and form body of one call."""
    return f"{rest_url}{method}.json", urlencode([*flatten(params), ("auth", auth)])


def read(status: int, text: str) -> Ok | Failed:
    """A reply in Bitrix24's shapes: ``{"result": ...}`` or ``{"error", "error_description"}``."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return Failed("", f"HTTP {status}, not JSON", status)
    if not isinstance(data, dict):
        return Failed("", f"HTTP {status}, not an object", status)
    error = data.get("error")
    if error is not None:
        description = data.get("error_description")
        return Failed(clip(str(error), 60),
                      clip(description, 200) if isinstance(description, str) else "", status)
    if "result" not in data:
        return Failed("", f"HTTP {status}, no result", status)
    return Ok(data["result"], _natural(data.get("total")), _natural(data.get("next")),
              read_timing(data.get("time")))


async def call(http: Http, rest_url: str, auth: str, method: str,
               params: Mapping[str, object]) -> Ok | Failed:
    """Call ``method``; a network failure is ``Failed("unreachable", ...)``, never an exception."""
    url, body = request(rest_url, auth, method, params)
    try:
        status, text = await http(url, body)
    except Exception as error:
        return Failed("unreachable", clip(type(error).__name__, 60), method=method)
    reply = read(status, text)
    return replace(reply, method=method) if isinstance(reply, Failed) else reply


#: Calls one ``batch`` may carry (``settings/how-to-call-rest-api/batch.md``: more fail with
#: ``ERROR_BATCH_LENGTH_EXCEEDED``).
MAX_BATCH = 50


@dataclass(frozen=True)
class Command:
    """One call of a ``batch``."""

    method: str
    params: Mapping[str, object]


def batch_params(commands: Mapping[str, Command], halt: bool = False) -> dict[str, object]:
    """The parameters of ``batch``: ``cmd[NAME]`` is ``method?query`` (the query form-encoded
    once here and once more as the form's value, as the portal reads it), ``halt`` 0 or 1."""
    if not 0 < len(commands) <= MAX_BATCH:
        raise ValueError(f"a batch carries 1 to {MAX_BATCH} calls, not {len(commands)}")
    return {"halt": int(halt),
            "cmd": {name: f"{command.method}?{urlencode(flatten(command.params))}"
                    for name, command in commands.items()}}


@dataclass(frozen=True)
class BatchReply:
    """A ``batch``'s answer, each call's part as if it had come alone: ``replies`` by name holds an
    :class:`Ok` (with its total, next page and time) or a :class:`Failed` (with its method, so its
    meaning is the method's); a call the portal did not run (after a ``halt``) is not there."""

    replies: Mapping[str, Ok | Failed]
    #: The ``batch`` request's own time (the portal does not count it in any method's operating time).
    time: Timing | None = None


def _part(result: object, name: str) -> object:
    """A part of the answer by call name: the portal's PHP sends an empty one as ``[]``."""
    return result.get(name) if isinstance(result, Mapping) else None


def read_batch(reply: Ok | Failed, commands: Mapping[str, Command]) -> BatchReply | Failed:
    """``batch``'s answer (``result.result``, ``result_error``, ``result_total``, ``result_next``,
    ``result_time``; ``batch.md``) read per call; the whole request's failure as it came."""
    if isinstance(reply, Failed):
        return reply
    body = reply.result
    if not isinstance(body, Mapping):
        return Failed("", "batch: not an object", method="batch")
    results, errors = body.get("result"), body.get("result_error")
    totals, pages, times = body.get("result_total"), body.get("result_next"), body.get("result_time")
    replies: dict[str, Ok | Failed] = {}
    for name, command in commands.items():
        error = _part(errors, name)
        if isinstance(error, Mapping):
            code, description = error.get("error"), error.get("error_description")
            replies[name] = Failed(clip(str(code), 60) if code is not None else "",
                                   clip(description, 200) if isinstance(description, str) else "",
                                   method=command.method)
        elif isinstance(results, Mapping) and name in results:
            replies[name] = Ok(results[name], _natural(_part(totals, name)), _natural(_part(pages, name)),
                               read_timing(_part(times, name)))
    return BatchReply(replies, reply.time)


def read_refresh(reply: object) -> str | None:
    """The new ``AUTH_ID`` from the portal's answer to ``refreshAuth``, or ``None``.

    The answer is ``{AUTH_ID, REFRESH_ID, AUTH_EXPIRES}`` (Bitrix24's own
    frame library reads it so); only the token is used, and only if it looks
    like one.
    """
    return valid_token(reply.get("AUTH_ID")) if isinstance(reply, Mapping) else None


class Session:
    """The app's way into the portal's REST API: the address, and the token in memory only.

    Tokens expire (after an hour on Bitrix24), and the portal then answers
    ``expired_token``.  A call that gets that answer asks for a new token
    through the frame (``refresh``: ``refreshAuth``, as Bitrix24's own
    library does) and is tried once more with it; only when no token comes,
    or the new one is refused too, does the caller get the refusal, so that
    "the authorisation was refused" is said only when it really was.  The
    new token is kept for the next calls.
    """

    def __init__(self, http: Http, rest_url: str, auth: str, refresh: Refresh | None = None):
        self.http = http
        self.rest_url = rest_url
        self.auth = auth
        self.refresh = refresh

    def __repr__(self) -> str:  # never the token
        return f"Session({self.rest_url!r})"

    async def call(self, method: str, params: Mapping[str, object]) -> Ok | Failed:
        """Call ``method``; an expired token is refreshed once and the call tried again."""
        reply = await call(self.http, self.rest_url, self.auth, method, params)
        if not (isinstance(reply, Failed) and reply.expired and self.refresh is not None):
            return reply
        try:
            token = read_refresh(await self.refresh())
        except Exception:  # no new token: the portal's refusal stands
            return reply
        if token is None:
            return reply
        self.auth = token
        return await call(self.http, self.rest_url, self.auth, method, params)

    async def batch(self, commands: Mapping[str, Command], halt: bool = False) -> BatchReply | Failed:
        """Up to :data:`MAX_BATCH` calls in one request; the request's own failure (the rate limit's
        503 among them) as :class:`Failed`, each call's in :attr:`BatchReply.replies`."""
        return read_batch(await self.call("batch", batch_params(commands, halt)), commands)
