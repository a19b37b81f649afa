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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..core.untrusted import clip

#: POSTs a form; gives the HTTP status and the reply's text (raises when unreachable).
Http = Callable[[str, str], Awaitable[tuple[int, str]]]
#: Runs a REST conversation in the background (``asyncio.ensure_future`` in the browser).
Spawn = Callable[[Coroutine[Any, Any, Any]], object]

#: Bitrix24's error codes, by what they mean for the app.
ERRORS = {
    "insufficient_scope": "no_scope",
    "ACCESS_DENIED": "no_scope",
    "WRONG_AUTH_TYPE": "no_scope",
    "expired_token": "auth",
    "invalid_token": "auth",
    "NO_AUTH_FOUND": "auth",
    "INVALID_CREDENTIALS": "auth",
    "invalid_grant": "auth",
    "ERROR_PLACEMENT_NOT_FOUND": "no_telephony",
    "ERROR_ARGUMENT": "argument",
}


@dataclass(frozen=True)
class Ok:
    result: object


@dataclass(frozen=True)
class Failed:
    """The portal said no (``error`` is its code), or nothing usable came back (``error`` is ``""``)."""

    error: str
    description: str
    status: int = 0

    @property
    def kind(self) -> str:
        """What the failure means: a value of :data:`ERRORS`, ``"unreachable"``,
        ``"transient"`` (the portal failed; later may work) or ``"other"``."""
        if self.error in ERRORS:
            return ERRORS[self.error]
        if self.error == "unreachable":
            return "unreachable"
        if self.status == 401:
            return "auth"
        return "transient" if self.status >= 500 else "other"


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
        return Failed("unreachable", clip(type(error).__name__, 60))
    return read(status, text)
