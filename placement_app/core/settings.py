"""What a portal admin can configure, one model for the card and the settings page.

The settings travel as one app option (:data:`OPTION_NAME`) holding a JSON
text, so every operator's card reads the admin's choice from ``APP_OPTIONS``
at start.  The same validation serves the settings form and the stored
value: a stored value that fails it, or that an older (or newer) version of
the app wrote, is never half-trusted; the card and the page use the
defaults and say so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from .codes import is_plausible
from .i18n import SUPPORTED, resolve_language

#: The app option that holds the settings.
OPTION_NAME = "call_timeline_settings"
#: Bumped when the stored shape changes; other versions load as defaults.
VERSION = 1

#: Every supported language may be stored, also one not offered yet (its catalogue incomplete):
#: the card then speaks English, and the choice holds once the language is complete.
LANGUAGE_CHOICES = ("portal", *SUPPORTED)
#: "locale": as the card's language writes times (``Intl``); the others force 24 or 12 hours.
CLOCK_CHOICES = ("locale", "24h", "12h")
KEEP_OPEN_MINUTES = (1, 60)
#: How many days back the card's "Earlier" line may look (the portal keeps call statistics longer,
#: but one request of 50 records is all the line asks for).
EARLIER_DAYS = (1, 90)
#: The "Earlier" line's settings, which values stored before them lack.
EARLIER_FIELDS = ("earlier_calls", "earlier_days")
MAX_OVERRIDES = 50
MAX_EXPECTED = 30
MAX_LABEL = 80
MAX_NEXT_STEP = 200
#: Longest settings text accepted from anywhere (the form or the portal).
MAX_STORED = 32_000


@dataclass(frozen=True)
class Override:
    """A company's own words for one failure code; an empty part keeps the built-in text.

    ``lang`` is empty for words shown in every language, or one language's
    code (Bitrix24's, as :data:`i18n.SUPPORTED` names it) for words shown
    only to cards in that language; a code may have one row of each.
    """

    code: str
    label: str = ""
    next_step: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Settings:
    """The admin's choices; the defaults are what a fresh install does.

    Keeping a failed call's card open is off until an admin turns it on: a
    held card stops Bitrix24 from giving that operator new incoming calls, a
    cost to the whole line that only the admin can weigh against the operator
    reading the reason.
    """

    language: str = "portal"
    keep_open: bool = False
    keep_open_minutes: int = 5
    overrides: tuple[Override, ...] = ()
    expected_codes: frozenset[str] = field(default_factory=frozenset)
    show_client_changes: bool = True
    clock: str = "locale"
    #: The card's "Earlier" line: this number's recent calls from call statistics, and how many days back.
    earlier_calls: bool = True
    earlier_days: int = 30

    def override(self, code: str | None, lang: str = "") -> Override | None:
        """The admin's words for ``code`` in ``lang`` (the language the card speaks), if any.

        Each part comes from that language's row if it has one, else from the
        row for every language; an empty part keeps the built-in text.
        """
        if code is None:
            return None
        key = code.strip().upper()
        rows = [item for item in self.overrides if item.code == key and item.lang in (lang, "")]
        if not rows:
            return None
        rows.sort(key=lambda item: item.lang == "")  # the language's own row first
        return Override(key, next((item.label for item in rows if item.label), ""),
                        next((item.next_step for item in rows if item.next_step), ""), lang)

    def is_expected(self, code: str | None) -> bool:
        """Whether ``code`` is an outcome the company does not count as a failure."""
        return code is not None and code.strip().upper() in self.expected_codes

    def language_for(self, portal_lang: str | None) -> str | None:
        return portal_lang if self.language == "portal" else self.language

    @property
    def hour12(self) -> bool | None:
        """12 hours (``True``), 24 (``False``), or as the language writes times (``None``)."""
        return {"24h": False, "12h": True}.get(self.clock)


DEFAULTS = Settings()


class Problem(StrEnum):
    """Why stored settings were not used (each has a notice in :mod:`i18n`)."""

    CORRUPT = "corrupt"
    OLDER = "older"
    NEWER = "newer"


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    problem: Problem | None = None


@dataclass(frozen=True)
class FieldError:
    """A message for one form field: an :mod:`i18n` key and what fills it in."""

    key: str
    values: tuple[tuple[str, str], ...] = ()


Errors = dict[str, list[FieldError]]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: A line break typed in the form's multi-line field, with the blanks around it.
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|[\n\r\u2028\u2029])[ \t]*")
_SEPARATORS = re.compile(r"[\s,;]+")


def _error(key: str, **values: object) -> FieldError:
    return FieldError(key, tuple((name, str(value)) for name, value in values.items()))


def _text(value: object, limit: int, problems: list[FieldError], *, typed: bool) -> str:
    """A text part of an override, checked.

    Typed in the form (``typed``), a line break is a space: the next step's
    field is several lines high, so an admin may well press Enter in it, and
    the card shows the text as one paragraph, where a break would read as a
    space anyway.  A stored text has no line break (one is refused).
    """
    if not isinstance(value, str):
        problems.append(_error("settings.error.not_text"))
        return ""
    text = _LINE_BREAK.sub(" ", value.strip()) if typed else value.strip()
    text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        problems.append(_error("settings.error.row_control"))
    elif len(text) > limit:
        problems.append(_error("settings.error.row_long", limit=limit))
    elif "|" in text:
        # A row's text never holds a bar: versions of the app that read a row as a
        # "code | label | next step" text read every stored value the same way.
        problems.append(_error("settings.error.row_bar"))
    return text


def _code(value: str) -> str:
    return value.strip().upper()


#: The parts of one override, as the form's table rows and the stored value name them
#: (a stored row without ``lang``, as every version before it wrote them, is for every language).
OVERRIDE_PARTS = ("code", "lang", "label", "next_step")
#: What each text part of an override may hold at most.
_LIMITS = {"label": MAX_LABEL, "next_step": MAX_NEXT_STEP}
#: One override's problems, by the part they belong to.
RowErrors = dict[str, list[FieldError]]


def _override(row: Mapping[str, object], seen: set[tuple[str, str]], *, typed: bool) -> Override | RowErrors:
    """One override checked: a plausible code, not listed twice for a language, some words, no control
    characters."""
    raw = row.get("code")
    if not isinstance(raw, str):
        return {"code": [_error("settings.error.not_text")]}
    code = _code(raw)
    if not code:
        return {"code": [_error("settings.error.row_no_code")]}
    if not is_plausible(code):
        return {"code": [_error("settings.error.row_code", code=raw.strip()[:20])]}
    lang = row.get("lang", "")
    if not isinstance(lang, str) or (lang and lang not in SUPPORTED):
        return {"lang": [_error("settings.error.choice")]}
    if (code, lang) in seen:
        if lang:
            return {"lang": [_error("settings.error.row_twice_language", code=code,
                                    language=SUPPORTED[lang].name)]}
        return {"code": [_error("settings.error.row_twice", code=code)]}
    seen.add((code, lang))
    errors: RowErrors = {}
    texts: dict[str, str] = {}
    for part, limit in _LIMITS.items():
        problems: list[FieldError] = []
        texts[part] = _text(row.get(part), limit, problems, typed=typed)
        if problems:
            errors[part] = problems
    if errors:
        return errors
    if not texts["label"] and not texts["next_step"]:
        return {"label": [_error("settings.error.row_empty", code=code)]}
    return Override(code, texts["label"], texts["next_step"], lang)


def _blank(row: object) -> bool:
    """A row the admin added and left empty: not an override, and not a mistake."""
    if not isinstance(row, Mapping):
        return False
    parts = [row.get(part) for part in OVERRIDE_PARTS if part != "lang"]  # a language alone says nothing
    return all(part is None or (isinstance(part, str) and not part.strip()) for part in parts)


def row_field(index: int, part: str) -> str:
    """The name under which the form shows a message for one cell of the overrides table."""
    return f"overrides.{index}.{part}"


def parse_overrides(rows: object, *, typed: bool = True) -> tuple[tuple[Override, ...], Errors]:
    """The overrides' rows (``{"code", "lang", "label", "next_step"}`` each), checked row by row.

    Each problem is keyed by its cell (:func:`row_field`, the row's index as
    sent), so that the form shows it beside that cell; a problem of the whole
    table is keyed ``overrides``.  Rows typed in the form (``typed``) may be
    blank, and are then skipped, and their line breaks are spaces; a stored
    value has neither (``typed=False``).
    """
    if not isinstance(rows, list | tuple):
        return (), {"overrides": [_error("settings.error.not_text")]}
    filled = [(index, row) for index, row in enumerate(rows) if not (typed and _blank(row))]
    if len(filled) > MAX_OVERRIDES:
        return (), {"overrides": [_error("settings.error.too_many_overrides", limit=MAX_OVERRIDES)]}
    errors: Errors = {}
    seen: set[tuple[str, str]] = set()
    overrides = []
    for index, row in filled:
        if not isinstance(row, Mapping):
            errors[row_field(index, "code")] = [_error("settings.error.not_text")]
            continue
        checked = _override(row, seen, typed=typed)
        if isinstance(checked, Override):
            overrides.append(checked)
        else:
            errors.update({row_field(index, part): problems for part, problems in checked.items()})
    return tuple(overrides), errors


def new_row_language(language: str, page_lang: str | None) -> str:
    """The language a new row of own texts is for, while the form's language is ``language``.

    The language the cards speak: the one the settings force, else the
    admin's own (the page's ``LANG``), as a card resolves it.  A row for
    every language would put the admin's words, written in their language,
    in every other language's cards too.
    """
    return resolve_language(page_lang if language == "portal" else language)


def format_overrides(overrides: tuple[Override, ...]) -> list[dict[str, str]]:
    """The overrides as the form's table rows (the inverse of :func:`parse_overrides`)."""
    return [{part: getattr(item, part) for part in OVERRIDE_PARTS} for item in overrides]


def parse_codes(text: object) -> tuple[frozenset[str], list[FieldError]]:
    """Expected codes as the admin types them: separated by commas or spaces."""
    if not isinstance(text, str):
        return frozenset(), [_error("settings.error.not_text")]
    typed = [part for part in _SEPARATORS.split(text) if part.strip()]
    codes = [_code(part) for part in typed]
    wrong = [part for part, code in zip(typed, codes, strict=True) if not is_plausible(code)]
    if wrong:
        return frozenset(), [_error("settings.error.expected_code", code=wrong[0][:20])]
    if len(set(codes)) > MAX_EXPECTED:
        return frozenset(), [_error("settings.error.too_many_expected", limit=MAX_EXPECTED)]
    return frozenset(codes), []


def from_form(form: Mapping[str, object]) -> Settings | Errors:
    """Settings from the form's values, or every field's problems (then nothing is saved).

    While the card is not kept open the minutes field is disabled (and the
    days while the "Earlier" line is off), so its value cannot be corrected
    there: if it is unusable, the default is kept rather than refusing the save.
    """
    return _checked(form, stored=False)


def _checked(form: Mapping[str, object], *, stored: bool) -> Settings | Errors:
    errors: Errors = {}
    language = form.get("language")
    if language not in LANGUAGE_CHOICES:
        errors["language"] = [_error("settings.error.choice")]
    clock = form.get("clock")
    if clock not in CLOCK_CHOICES:
        errors["clock"] = [_error("settings.error.choice")]
    # Absent, the "Earlier" line's fields keep their defaults: settings stored before they existed.
    form = {**form, **{name: getattr(DEFAULTS, name) for name in EARLIER_FIELDS if form.get(name) is None}}
    for name in ("keep_open", "show_client_changes", "earlier_calls"):
        if not isinstance(form.get(name), bool):
            errors[name] = [_error("settings.error.choice")]
    minutes = _bounded_number(form.get("keep_open_minutes"), KEEP_OPEN_MINUTES, DEFAULTS.keep_open_minutes,
                     "keep_open_minutes", "settings.error.minutes",
                     errors if stored or form.get("keep_open") is not False else None)
    days = _bounded_number(form.get("earlier_days"), EARLIER_DAYS, DEFAULTS.earlier_days,
                  "earlier_days", "settings.error.earlier_days",
                  errors if stored or form.get("earlier_calls") is not False else None)
    overrides, problems = parse_overrides(form.get("overrides", []), typed=not stored)
    errors.update(problems)
    expected, expected_problems = parse_codes(form.get("expected_codes", ""))
    if expected_problems:
        errors["expected_codes"] = expected_problems
    if errors:
        return errors
    return Settings(language=str(language), keep_open=bool(form["keep_open"]), keep_open_minutes=minutes,
                    overrides=overrides, expected_codes=expected,
                    show_client_changes=bool(form["show_client_changes"]), clock=str(clock),
                    earlier_calls=bool(form["earlier_calls"]), earlier_days=days)


def _bounded_number(value: object, bounds: tuple[int, int], default: int, name: str, key: str,
           errors: Errors | None) -> int:
    """A whole number within ``bounds`` as typed (or stored), else ``default``.

    A field the form disables while its switch is off cannot be corrected
    there, so then (``errors`` is ``None``) an unusable value quietly keeps
    the default rather than refusing the save.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = int(value) if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value) else 0
    low, high = bounds
    if low <= number <= high:
        return number
    if errors is not None:
        errors[name] = [_error(key, low=low, high=high)]
    return default


def to_form(settings: Settings) -> dict[str, object]:
    """The values the settings form shows for ``settings`` (the overrides as table rows)."""
    return {
        "language": settings.language,
        "keep_open": settings.keep_open,
        "keep_open_minutes": str(settings.keep_open_minutes),
        "overrides": format_overrides(settings.overrides),
        "expected_codes": ", ".join(sorted(settings.expected_codes)),
        "show_client_changes": settings.show_client_changes,
        "clock": settings.clock,
        "earlier_calls": settings.earlier_calls,
        "earlier_days": str(settings.earlier_days),
    }


def dumps(settings: Settings) -> str:
    """The app option's value: versioned JSON.

    A row for every language is stored without ``lang``, as before rows had
    languages, so such settings read the same by every version of the app.
    """
    data = asdict(settings)
    data["expected_codes"] = sorted(settings.expected_codes)
    data["overrides"] = [{part: value for part, value in row.items() if part != "lang" or value}
                         for row in data["overrides"]]
    return json.dumps({"version": VERSION, **data}, ensure_ascii=False, separators=(",", ":"))


def load(app_options: object) -> Loaded:
    """The settings in ``APP_OPTIONS`` (whatever the portal sent); never raises.

    No option at all is a fresh install: defaults, nothing to say.  Anything
    present but unusable is reported, so that an admin learns it and saves
    again, rather than seeing their choices silently ignored.
    """
    if not isinstance(app_options, Mapping) or app_options.get(OPTION_NAME) in (None, ""):
        return Loaded(DEFAULTS)
    stored = app_options[OPTION_NAME]
    if isinstance(stored, str):
        if len(stored) > MAX_STORED:
            return Loaded(DEFAULTS, Problem.CORRUPT)
        try:
            stored = json.loads(stored)
        except (ValueError, RecursionError):
            return Loaded(DEFAULTS, Problem.CORRUPT)
    if not isinstance(stored, Mapping):
        return Loaded(DEFAULTS, Problem.CORRUPT)
    version = stored.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return Loaded(DEFAULTS, Problem.OLDER if version is None else Problem.CORRUPT)
    if version != VERSION:
        return Loaded(DEFAULTS, Problem.OLDER if version < VERSION else Problem.NEWER)
    overrides = stored.get("overrides")
    expected = stored.get("expected_codes")
    if not isinstance(overrides, list) or not isinstance(expected, list) \
            or not all(isinstance(item, Mapping) for item in overrides) \
            or not all(isinstance(code, str) for code in expected):
        return Loaded(DEFAULTS, Problem.CORRUPT)
    form = {name: stored.get(name) for name in
            ("language", "keep_open", "keep_open_minutes", "show_client_changes", "clock",
             "earlier_calls", "earlier_days")}
    form.update(overrides=overrides, expected_codes=" ".join(expected))
    settings = _checked(form, stored=True)
    if not isinstance(settings, Settings) or len(settings.overrides) != len(overrides):
        return Loaded(DEFAULTS, Problem.CORRUPT)
    return Loaded(settings)
