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
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum

from .codes import is_plausible

#: The app option that holds the settings.
OPTION_NAME = "call_timeline_settings"
#: Bumped when the stored shape changes; other versions load as defaults.
VERSION = 1

LANGUAGE_CHOICES = ("portal", "en", "ru")
CLOCK_CHOICES = ("24h", "12h")
KEEP_OPEN_MINUTES = (1, 60)
MAX_OVERRIDES = 50
MAX_EXPECTED = 30
MAX_LABEL = 80
MAX_NEXT_STEP = 200
#: Longest settings text accepted from anywhere (the form or the portal).
MAX_STORED = 32_000


@dataclass(frozen=True)
class Override:
    """A company's own words for one failure code; an empty part keeps the built-in text."""

    code: str
    label: str = ""
    next_step: str = ""


@dataclass(frozen=True)
class Settings:
    language: str = "portal"
    keep_open: bool = False
    keep_open_minutes: int = 5
    overrides: tuple[Override, ...] = ()
    expected_codes: frozenset[str] = field(default_factory=frozenset)
    show_client_changes: bool = True
    clock: str = "24h"

    def override(self, code: str | None) -> Override | None:
        """The admin's words for ``code``, if any."""
        if code is None:
            return None
        key = code.strip().upper()
        return next((item for item in self.overrides if item.code == key), None)

    def is_expected(self, code: str | None) -> bool:
        """Whether ``code`` is an outcome the company does not count as a failure."""
        return code is not None and code.strip().upper() in self.expected_codes

    def language_for(self, portal_lang: str | None) -> str | None:
        return portal_lang if self.language == "portal" else self.language


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
_SEPARATORS = re.compile(r"[\s,;]+")


def _error(key: str, **values: object) -> FieldError:
    return FieldError(key, tuple((name, str(value)) for name, value in values.items()))


def _text(value: object, limit: int, what: str, line: int | None, problems: list[FieldError]) -> str:
    if not isinstance(value, str):
        problems.append(_error("settings.error.not_text", line=line or 0))
        return ""
    text = unicodedata.normalize("NFC", value.strip())
    if _CONTROL.search(text):
        problems.append(_error("settings.error.control", line=line or 0))
    elif len(text) > limit:
        problems.append(_error(f"settings.error.{what}_long", line=line or 0, limit=limit))
    return text


def _code(value: str) -> str:
    return value.strip().upper()


def _override(parts: list[object], line: int, seen: set[str],
              problems: list[FieldError]) -> Override | None:
    """One override checked: a plausible code, not listed twice, some words, no control characters."""
    raw = parts[0] if isinstance(parts[0], str) else ""
    code = _code(raw)
    if not is_plausible(code):
        problems.append(_error("settings.error.override_code", line=line, code=raw.strip()[:20]))
        return None
    if code in seen:
        problems.append(_error("settings.error.override_twice", line=line, code=code))
        return None
    seen.add(code)
    label = _text(parts[1], MAX_LABEL, "label", line, problems)
    step = _text(parts[2], MAX_NEXT_STEP, "next_step", line, problems)
    if "|" in label or "|" in step:
        # The form writes "code | label | next step": a bar inside a text would
        # split it into other parts on the admin's next save.
        problems.append(_error("settings.error.bar", line=line))
        return None
    if not label and not step:
        problems.append(_error("settings.error.override_empty", line=line, code=code))
        return None
    return Override(code, label, step)


def _overrides(items: list[list[object]]) -> tuple[tuple[Override, ...], list[FieldError]]:
    if len(items) > MAX_OVERRIDES:
        return (), [_error("settings.error.too_many_overrides", limit=MAX_OVERRIDES)]
    problems: list[FieldError] = []
    seen: set[str] = set()
    checked = [_override(parts, line, seen, problems) for line, parts in enumerate(items, 1)]
    return tuple(item for item in checked if item is not None), problems


def parse_overrides(text: object) -> tuple[tuple[Override, ...], list[FieldError]]:
    """The form's override lines: ``CODE | label | next step`` (label or step may be empty).

    Blank lines are skipped, but messages name the line as the admin counts it.
    """
    if not isinstance(text, str):
        return (), [_error("settings.error.not_text", line=0)]
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_OVERRIDES:
        return (), [_error("settings.error.too_many_overrides", limit=MAX_OVERRIDES)]
    problems: list[FieldError] = []
    seen: set[str] = set()
    overrides = []
    for number, line in lines:
        parts: list[object] = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            problems.append(_error("settings.error.override_shape", line=number))
            continue
        item = _override([*parts, "", ""][:3], number, seen, problems)
        if item is not None:
            overrides.append(item)
    return tuple(overrides), problems


def format_overrides(overrides: tuple[Override, ...]) -> str:
    """The overrides as the form's lines (the inverse of :func:`parse_overrides`)."""
    lines = []
    for item in overrides:
        parts = [item.label, item.next_step] if item.next_step else [item.label]
        lines.append(item.code + "".join(f" | {part}" if part else " |" for part in parts))
    return "\n".join(lines)


def parse_codes(text: object) -> tuple[frozenset[str], list[FieldError]]:
    """Expected codes as the admin types them: separated by commas or spaces."""
    if not isinstance(text, str):
        return frozenset(), [_error("settings.error.not_text", line=0)]
    typed = [part for part in _SEPARATORS.split(text) if part.strip()]
    codes = [_code(part) for part in typed]
    wrong = [part for part, code in zip(typed, codes, strict=True) if not is_plausible(code)]
    if wrong:
        return frozenset(), [_error("settings.error.expected_code", code=wrong[0][:20])]
    if len(set(codes)) > MAX_EXPECTED:
        return frozenset(), [_error("settings.error.too_many_expected", limit=MAX_EXPECTED)]
    return frozenset(codes), []


def from_form(form: Mapping[str, object]) -> Settings | Errors:
    """Settings from the form's values, or every field's problems (then nothing is saved)."""
    errors: Errors = {}
    language = form.get("language")
    if language not in LANGUAGE_CHOICES:
        errors["language"] = [_error("settings.error.choice")]
    clock = form.get("clock")
    if clock not in CLOCK_CHOICES:
        errors["clock"] = [_error("settings.error.choice")]
    for name in ("keep_open", "show_client_changes"):
        if not isinstance(form.get(name), bool):
            errors[name] = [_error("settings.error.choice")]
    minutes_text = form.get("keep_open_minutes")
    minutes = 0
    if isinstance(minutes_text, int) and not isinstance(minutes_text, bool):
        minutes_text = str(minutes_text)
    if isinstance(minutes_text, str) and re.fullmatch(r"\s*\d{1,4}\s*", minutes_text):
        minutes = int(minutes_text)
    low, high = KEEP_OPEN_MINUTES
    if not low <= minutes <= high:
        errors["keep_open_minutes"] = [_error("settings.error.minutes", low=low, high=high)]
    overrides, problems = parse_overrides(form.get("overrides", ""))
    if problems:
        errors["overrides"] = problems
    expected, problems = parse_codes(form.get("expected_codes", ""))
    if problems:
        errors["expected_codes"] = problems
    if errors:
        return errors
    return Settings(language=str(language), keep_open=bool(form["keep_open"]), keep_open_minutes=minutes,
                    overrides=overrides, expected_codes=expected,
                    show_client_changes=bool(form["show_client_changes"]), clock=str(clock))


def to_form(settings: Settings) -> dict[str, object]:
    """The values the settings form shows for ``settings``."""
    return {
        "language": settings.language,
        "keep_open": settings.keep_open,
        "keep_open_minutes": str(settings.keep_open_minutes),
        "overrides": format_overrides(settings.overrides),
        "expected_codes": ", ".join(sorted(settings.expected_codes)),
        "show_client_changes": settings.show_client_changes,
        "clock": settings.clock,
    }


def dumps(settings: Settings) -> str:
    """The app option's value: versioned JSON."""
    data = asdict(settings)
    data["expected_codes"] = sorted(settings.expected_codes)
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
    checked, problems = _overrides([[item.get(part) for part in ("code", "label", "next_step")]
                                    for item in overrides])
    form = {name: stored.get(name) for name in
            ("language", "keep_open", "keep_open_minutes", "show_client_changes", "clock")}
    form.update(overrides="", expected_codes=" ".join(expected))
    settings = from_form(form)
    if problems or not isinstance(settings, Settings) or len(checked) != len(overrides):
        return Loaded(DEFAULTS, Problem.CORRUPT)
    return Loaded(replace(settings, overrides=checked))
