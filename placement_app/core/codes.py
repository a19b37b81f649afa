"""Failure codes in the operator's words: label, reason, next step.

This is the one catalogue of the product: its words are messages of the
gettext catalogues (``code.<code>.label``, ``.reason``, ``.next_step``; see
:mod:`i18n`), and the quick view reads them from the tables ``card.quick``
makes out of the view's own functions, so the two can never disagree.  Codes come from
Bitrix24's call statistics (``CALL_FAILED_CODE``) and from any SIP final
response an external telephony may report; a code that is not listed is
still explained by its class (4xx, 5xx, 6xx), and a value that is not a
plausible code is shown as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .i18n import LANGUAGES, resolve_language, text

#: Every code the catalogue explains: Bitrix24's call statistics' own, then common SIP final responses.
CODES = ("200", "304", "402", "403", "404", "408", "423", "480", "484", "486", "487", "488",
         "500", "502", "503", "504", "600", "603", "603-S", "604", "OTHER")
#: The parts of a code's words, each a message ``code.<code>.<part>`` in the catalogues.
PARTS = ("label", "reason", "next_step")

# code -> language -> (label, reason, next step)
_Text = tuple[str, str, str]


def _words(name: str) -> dict[str, _Text]:
    """The words for ``code.<name>.*`` in every language the card speaks."""
    label, reason, next_step = (f"code.{name}.{part}" for part in PARTS)
    return {lang: (text(label, lang), text(reason, lang), text(next_step, lang)) for lang in LANGUAGES}


CATALOGUE: dict[str, dict[str, _Text]] = {code: _words(code) for code in CODES}
#: A SIP final response we do not list, by its class (its first digit); ``{code}`` is filled in.
CLASSES: dict[str, dict[str, _Text]] = {digit: _words(f"{digit}xx") for digit in "456"}
UNRECOGNISED: dict[str, _Text] = _words("unrecognised")
NOT_REPORTED: dict[str, _Text] = _words("not_reported")

#: A code whose meaning depends on whether the call rang: the words it takes then.  Bitrix24's own
#: call view (``PhoneCallsController#onCallFailed``) shows a 486 after ringing as "declined" (the
#: client pressed reject) and a 486 without ringing as "busy"; the card knows whether it rang.
AFTER_RINGING = {"486": "603"}

#: A SIP final response the card explains by its class (and the quick view too: see ``card.quick``).
SIP_CODE = re.compile(r"[4-6][0-9][0-9]")
_PLAUSIBLE = re.compile(r"\d{3}(-[A-Z])?|OTHER")


class CodeKind(StrEnum):
    KNOWN = "known"
    CLASS = "class"  # a SIP final response we do not list, explained by its class
    UNRECOGNISED = "unrecognised"


@dataclass(frozen=True)
class CodeInfo:
    """What the card shows for one failure code."""

    code: str
    kind: CodeKind
    label: str
    reason: str
    next_step: str


def is_plausible(code: str) -> bool:
    """Looks like a code (``486``, ``603-S``, ``OTHER``), whatever its meaning."""
    return _PLAUSIBLE.fullmatch(code) is not None


def meaning(code: str, rang: bool = False) -> str:
    """The code whose words apply: ``code`` itself, or its :data:`AFTER_RINGING` meaning if it rang
    (also for the admin's own texts: their words for a busy 486 are not a declined call's)."""
    key = code.strip().upper()
    return AFTER_RINGING.get(key, key) if rang else key


def describe(code: str, lang: str | None = None, rang: bool = False) -> CodeInfo:
    """Explain ``code`` in ``lang`` (the portal's ``LANG``; English fallback); ``rang``: the
    call rang before it ended (see :data:`AFTER_RINGING`)."""
    language = resolve_language(lang)
    key = code.strip().upper()
    if key in CATALOGUE:
        label, reason, next_step = CATALOGUE[meaning(key, rang)][language]
        return CodeInfo(key, CodeKind.KNOWN, label, reason, next_step)
    if SIP_CODE.fullmatch(key):
        label, reason, next_step = CLASSES[key[0]][language]
        return CodeInfo(key, CodeKind.CLASS, label, reason.format(code=key), next_step)
    label, reason, next_step = UNRECOGNISED[language]
    return CodeInfo(code, CodeKind.UNRECOGNISED, label, reason, next_step)


def not_reported(lang: str | None = None) -> CodeInfo:
    """The honest entry for a call that ended before answer without a code."""
    label, reason, next_step = NOT_REPORTED[resolve_language(lang)]
    return CodeInfo("", CodeKind.UNRECOGNISED, label, reason, next_step)
