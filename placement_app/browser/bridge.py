"""The one seam between Python and the browser: every ``js`` and ``pyodide.ffi`` use.

Python runs in a Web Worker (see ``static/engine.js``), so the page is
reached by messages only: drawing as batches of DOM operations, saving as
storage writes.  Proxies handed to JavaScript are created here and kept in
one list, so that their lifetime is deliberate: they live as long as the card.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import js
from pyodide.ffi import create_proxy, to_js
from pyodide.http import pyfetch

from ..core.i18n import (
    DAY_LOCALE,
    DAY_OPTIONS,
    ClockFormat,
    DayFormat,
    ShortFormat,
    day_from_parts,
    short_options,
    time_options,
)
from ..core.untrusted import redact_text
from .frame_requests import FrameRequests
from .protocol import ToPage, ToWorker
from .remote_dom import RemoteDocument, RemoteElement

_proxies: list[Any] = []

#: A REST call that takes longer than this is given up (and retried later).
HTTP_TIMEOUT_MS = 5000


def post(message: Mapping[str, Any]) -> None:
    """Send ``message`` to the page."""
    js.postMessage(to_js(dict(message), dict_converter=js.Object.fromEntries))


def frame_command(name: str, params: Mapping[str, Any] | None = None) -> None:
    """Ask the page to send ``name`` to the portal (the page allows only its own few)."""
    post({"type": ToPage.FRAME, "command": name, "params": json.dumps(dict(params or {}))})


_requests: FrameRequests | None = None


def _take_reply(event: Any) -> None:
    data = event.data
    if _requests is not None and getattr(data, "type", None) == ToWorker.REPLY:
        _requests.take(data.to_py())


async def refresh_auth() -> object:
    """``refreshAuth`` through the page; the portal's answer, or ``None`` (see ``portal.client.Session``).

    The page posts the reply to this worker as a message of its own
    (``{type: "reply"}``), which the engine ignores and this listener takes.
    """
    global _requests
    if _requests is None:
        _requests = FrameRequests(post)
        js.addEventListener("message", export(_take_reply))
    return await _requests.refresh_auth()


@dataclass(frozen=True)
class CardPage:
    """The card's page as the worker reaches it (``placement_app.card.page.Page``, and what builds
    the card's view and store)."""

    document: RemoteDocument
    root: RemoteElement
    now: Callable[[], float]
    clock: ClockFormat
    day: DayFormat
    warn: Callable[[str], None]
    command: Callable[[str], None]
    keep: Callable[[str, str], None]
    log: Callable[[str, str, float], None]
    announce: Callable[[str], None]
    support: Callable[[str, Mapping[str, str]], None]
    fit: Callable[[], None]
    quick_table: Callable[[Mapping[str, Any]], None]
    short: ShortFormat

    def send_drawing(self) -> None:
        """Post what the view drew since last time, as one batch."""
        operations = self.document.take()
        if operations:
            post({"type": ToPage.DOM, "ops": json.dumps(operations, ensure_ascii=False)})


def _now() -> float:
    return float(js.Date.now())


def _options(options: Mapping[str, Any]) -> Any:
    return to_js(dict(options), dict_converter=js.Object.fromEntries)


def intl_clock(time_zone: str | None = None) -> ClockFormat:
    """Times written by the worker's ``Intl.DateTimeFormat``, as the quick view writes them.

    ``Intl`` knows the operator's time zone and its rules, so a time after a
    daylight-saving change is right (one offset taken at start would not
    be), and each locale's custom (``14:05:09``, ``2:05:09 PM``) unless the
    admin forces 12 or 24 hours.  One formatter per language and choice.
    ``time_zone`` (an IANA name) is for tests; the card uses the browser's.
    A moment ``Intl`` cannot write (out of its range) is ``—``.
    """
    formats: dict[tuple[str, bool | None], Any] = {}
    zone = {} if time_zone is None else {"timeZone": time_zone}

    def clock(epoch_ms: float, tag: str, hour12: bool | None) -> str:
        if (tag, hour12) not in formats:
            options = _options({**time_options(hour12), **zone})
            formats[(tag, hour12)] = js.Intl.DateTimeFormat.new(tag, options)
        try:
            return str(formats[(tag, hour12)].format(epoch_ms))
        except Exception:  # a RangeError from JavaScript
            return "—"
    return clock


def intl_short() -> ShortFormat:
    """The "Earlier" line's short times and dates by the worker's ``Intl``, in the operator's zone
    (``i18n.ShortFormat``); one formatter per language, kind and hour choice."""
    formats: dict[tuple[str, bool | None, str], Any] = {}

    def short(epoch_ms: float, tag: str, hour12: bool | None, kind: str) -> str:
        key = (tag, hour12, kind)
        if key not in formats:
            formats[key] = js.Intl.DateTimeFormat.new(tag, _options(short_options(kind, hour12)))
        try:
            return str(formats[key].format(epoch_ms))
        except Exception:  # a RangeError from JavaScript
            return "—"
    return short


def intl_day(time_zone: str | None = None) -> DayFormat:
    """The day of a moment in the operator's time zone, and the zone's offset from UTC then, by
    ``Intl`` (``2026-03-29 (UTC+02:00)``): the offset its rules give at that moment."""
    parts = js.Intl.DateTimeFormat.new(DAY_LOCALE, _options(
        {**DAY_OPTIONS, **({} if time_zone is None else {"timeZone": time_zone})}))

    def day(epoch_ms: float) -> str:
        try:
            found = {str(part.type): str(part.value) for part in parts.formatToParts(epoch_ms)}
        except Exception:  # a RangeError from JavaScript
            return "—"
        return day_from_parts(found)
    return day


def warn(message: str) -> None:
    """Log ``message`` to the console, with any secret after its key hidden (a last guard)."""
    js.console.warn(redact_text(message))


def keep(key: str, value: str) -> None:
    """Have the page keep ``value`` under ``key`` in its storage (the worker has none): what the
    next page of the call shows before Python runs there."""
    post({"type": ToPage.STORAGE, "op": "set", "key": key, "value": value})


def log(kind: str, payload: str, at: float) -> None:
    """Have the page add an event the card made itself to the call's event log."""
    post({"type": ToPage.LOG, "kind": kind, "payload": payload, "at": at})


def announce(text: str) -> None:
    """Have the page's one live region say ``text`` (a state change, the outcome)."""
    post({"type": ToPage.ANNOUNCE, "text": text})


def support(text: str, words: Mapping[str, str]) -> None:
    """Hand the page the "Copy for support" text and its button's words (shown from then on)."""
    post({"type": ToPage.SUPPORT, "text": text, "words": json.dumps(dict(words), ensure_ascii=False)})


def quick_table(table: Mapping[str, Any]) -> None:
    """Hand the page the quick view's table in the card's language (``card.quick``): its title and
    notices follow the card's language, also one the admin forces."""
    post({"type": ToPage.WORDS, "table": json.dumps(dict(table), ensure_ascii=False)})


def page() -> CardPage:
    """The card's page as the worker reaches it: the drawing surface, the clock, the console, and
    everything the card tells the page."""
    document = RemoteDocument()
    return CardPage(document, document.root, _now, intl_clock(), intl_day(), warn, frame_command, keep, log,
                    announce, support, lambda: frame_command("resizeWindow"), quick_table, intl_short())


def export(function: Callable[..., Any]) -> Any:
    """``function`` as a JS-callable proxy that stays alive with the card."""
    proxy = create_proxy(function)
    _proxies.append(proxy)
    return proxy


def every(milliseconds: int, function: Callable[[], None]) -> None:
    """Call ``function`` on a timer for the life of the card."""
    js.setInterval(export(function), milliseconds)


async def post_form(url: str, body: str, timeout_ms: int = HTTP_TIMEOUT_MS) -> tuple[int, str]:
    """POST a form to the portal's REST API; the status and the text of the reply (given up after
    ``timeout_ms``: a ``batch`` of record pages takes longer than one call)."""
    response = await pyfetch(url, method="POST", body=body, credentials="omit", cache="no-store",
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             signal=js.AbortSignal.timeout(timeout_ms))
    return int(response.status), str(await response.string())
