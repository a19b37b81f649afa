"""The one seam between Python and the page: every ``js`` and ``pyodide.ffi`` use.

Proxies handed to JavaScript are created here and kept in one list, so that
their lifetime is deliberate: they live as long as the card does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import js
from pyodide.ffi import create_proxy
from pyodide.http import pyfetch

_proxies: list[Any] = []


@dataclass(frozen=True)
class Page:
    document: Any
    root: Any
    now: Callable[[], float]
    utc_offset_minutes: int
    warn: Callable[[str], None]


def _now() -> float:
    return float(js.Date.now())


def _warn(message: str) -> None:
    js.console.warn(message)


def page(root_id: str) -> Page:
    """The document, the card's root element, the clock and the console."""
    root = js.document.getElementById(root_id)
    if root is None:
        raise LookupError(f"the page has no #{root_id} element")
    offset = -int(js.Date.new().getTimezoneOffset())
    return Page(js.document, root, _now, offset, _warn)


def export(function: Callable[..., Any]) -> Any:
    """``function`` as a JS-callable proxy that stays alive with the card."""
    proxy = create_proxy(function)
    _proxies.append(proxy)
    return proxy


def every(milliseconds: int, function: Callable[[], None]) -> None:
    """Call ``function`` on a timer for the life of the card."""
    js.setInterval(export(function), milliseconds)


def on_page_hide(function: Callable[[], None]) -> None:
    """Call ``function`` when the tab is reloaded or closed (its last chance to save)."""
    js.addEventListener("pagehide", export(lambda event: function()))


#: A REST call that takes longer than this is given up (and retried later).
HTTP_TIMEOUT_MS = 5000


async def post_form(url: str, body: str) -> tuple[int, str]:
    """POST a form to the portal's REST API; the status and the text of the reply."""
    response = await pyfetch(url, method="POST", body=body, credentials="omit", cache="no-store",
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             signal=js.AbortSignal.timeout(HTTP_TIMEOUT_MS))
    return int(response.status), str(await response.string())


def local_storage() -> Any:
    """``localStorage``, or ``None`` where the browser refuses it (disabled, sandboxed)."""
    try:
        storage = js.localStorage
        storage.getItem("call-timeline:probe")
    except Exception as error:
        _warn(f"Call Timeline: no local storage here ({error!r}); the timeline will not survive a reload")
        return None
    return storage
