"""The one portal client: Bitrix24 REST over HTTP, and one reading of every reply.

REST does not go through the frame: it is a form POST to
``http(s)://DOMAIN/rest/METHOD.json`` with ``auth``.  Nested parameters
(``LANG_ALL[ru][TITLE]``) are flattened the way the portal's PHP reads them.
Every method's reply is read here, and every failure is sorted into one
:data:`ERRORS` map, so that the card's statistics lookup and the install
page judge the same answer the same way.  Pure: the HTTP call itself is
given (:data:`Http`; the browser seam provides it), so all of this runs under
CPython.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
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
class Ok:
    result: object


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
    """``{"A": {"b": 1}}`` as ``[("A[b]", "1")]``."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(flatten(value, name))
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
    return Ok(data["result"])


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
