"""Rules for values that come from outside: the parent frame, app options, the URL.

The very bottom of the app: it imports nothing of it.  Every layer that
meets such a value (events, the saved timeline, REST replies, the admin's
pages) reads it through these few rules, so that a value is clipped, checked
and previewed the same way wherever it shows up.  The quick view in the
browser has no copy of them: it shows a code only when it is one these
rules leave as it came (``card.quick.PLAIN_CODE``).
"""

from __future__ import annotations

import json
import re

#: Longest text kept from any untrusted field; the rest is cut with an ellipsis.
MAX_TEXT = 64
#: Longest preview of an unrecognised payload.
MAX_PREVIEW = 120

#: Keys whose values are secrets (the portal's tokens and ids): never shown, kept or logged.
SECRET_KEYS = frozenset({"auth_id", "refresh_id", "auth", "access_token", "refresh_token",
                         "member_id", "app_sid"})
#: What stands in a preview where a secret was.
HIDDEN = "(hidden)"
#: How deep :func:`redact` looks; deeper values are replaced whole.
MAX_DEPTH = 20

_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?")
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,512}")


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` as printable text of at most ``limit`` characters, the cut marked with "…".

    Control and format characters (a right-to-left override among them)
    become spaces, so that a value can never reorder or hide what the
    operator reads around it.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(value: object, depth: int = 0) -> object:
    """``value`` with the value of every secret key (:data:`SECRET_KEYS`, any case) hidden.

    Applied to everything a preview shows, so that a payload which fails to
    parse (the init data, with its tokens, among them) can be shown, kept in
    the saved timeline and logged without its secrets.
    """
    if depth > MAX_DEPTH:
        return HIDDEN
    if isinstance(value, dict):
        return {key: HIDDEN if isinstance(key, str) and key.lower() in SECRET_KEYS
                else redact(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item, depth + 1) for item in value]
    if isinstance(value, str):
        return redact_text(value)  # a JSON text inside a value (PLACEMENT_OPTIONS is one)
    return value


_SECRET_NAMES = "|".join(sorted(SECRET_KEYS))
_QUOTE = r"""(?:\\?["'])?"""
#: A secret key and the value after it in a text (any case), as a pattern JavaScript reads as well:
#: the page hides secrets by it before Python runs (the build exports it).
SECRET_IN_TEXT = ("(" + _QUOTE + "(?:" + _SECRET_NAMES + ")" + _QUOTE + r"\s*[:=]\s*" + _QUOTE
                  + r""")[^"'&,;}\s\\]*""")
_SECRET_IN_TEXT = re.compile(SECRET_IN_TEXT, re.IGNORECASE)


def redact_text(text: str) -> str:
    """``text`` (JSON, a query string...) with the value after every secret key hidden.

    Quotes escaped with a backslash count as quotes, so that a JSON text kept
    as a string inside another JSON text is redacted as well.
    """
    return _SECRET_IN_TEXT.sub(lambda match: match.group(1) + HIDDEN, text)


def describe_error(error: BaseException) -> str:
    """An error for a log: its type and its message, short, printable and with its secrets hidden.

    An exception's message may quote the data it choked on (the init data
    among it), so no error is logged any other way.
    """
    message = clip(redact_text(str(error)), MAX_PREVIEW)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def preview(value: object, limit: int = MAX_PREVIEW) -> str:
    """A short, printable rendering of any JSON-like value, its secrets hidden."""
    if isinstance(value, str):
        return clip(redact_text(value), limit)
    try:
        text = json.dumps(redact(value), ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(type(value).__name__)
    return clip(text, limit)


def valid_token(value: object) -> str | None:
    """An ``AUTH_ID`` that looks like one, or ``None``."""
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def flag(value: object) -> bool:
    """A yes/no of the init data (``FIRST_RUN``, ``IS_ADMIN``...): portals send booleans or ``"Y"``."""
    return value is True or value in (1, "1", "Y", "y", "true")


def rest_base(domain: object, protocol: object) -> str | None:
    """``http(s)://DOMAIN/rest/`` from the init data, or ``None`` if either looks wrong."""
    if not isinstance(domain, str) or not _DOMAIN.fullmatch(domain):
        return None
    if protocol in (1, "1", True):
        scheme = "https"
    elif protocol in (0, "0", False):
        scheme = "http"
    else:
        return None
    return f"{scheme}://{domain}/rest/"
