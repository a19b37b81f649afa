"""Words and formats of the card in the operator's language.

The words are gettext catalogues, one ``.po`` file per language in
``placement_app/locales`` (``en.po`` is the source), compiled with Babel to
``.mo``: by the wheel's build hook (``hatch_build.py``) for the browser, and
here, in memory, when the package runs from its source under CPython
(tests, ``build.py``, the emulator).  Babel does not exist in Pyodide, so
there only the compiled files are read.

Every catalogue is read into memory when this module is imported, never
lazily at first use: the card usually starts from a Pyodide memory snapshot
made after the app was imported, and a snapshot keeps memory, not files.

Each message is a ``msgctxt`` (its stable key, e.g. ``state.connected`` or
``code.486.label``, which the code asks for) with its English text as
``msgid``.  That is gettext's own bilingual form: Poedit, Weblate and
Crowdin show translators the English and the key, check ``{placeholders}``
(``python-brace-format``), and mark a translation fuzzy when its English
changes, which also keeps it off the screen here until it is reviewed.
``en.po`` translates each message to itself (as ``msgen`` writes it).

A message that counts something (``{count}``) has a ``msgid_plural`` and one
form per plural category of its language, chosen by the catalogue's own
``Plural-Forms`` rule (:func:`plural`), which :func:`gettext.c2py` evaluates
here.  The quick view cannot evaluate it (the CSP forbids ``eval``, and
``Intl.PluralRules`` names categories, not gettext's form numbers), so the
build exports each rule as a table of form numbers (:func:`plural_table`).

A language is offered (:data:`LANGUAGES`) only when its catalogue is
complete: every message translated, with the English placeholders.  A
half-translated language would show its operators a mix of languages, so
until it is complete they get English, and :data:`PROBLEMS` says what is
missing (``build.py`` prints it; ``tests/unit/test_catalogues.py`` fails on it).

The portal's ``LANG`` uses Bitrix24's own codes (``ua``, ``la``, ``br``...);
anything unknown falls back to English so that a strange value never leaves
the card without words.
"""

from __future__ import annotations

import gettext
import io
import re
import struct
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources


@dataclass(frozen=True)
class Language:
    """A language the card can speak, by Bitrix24's code for it."""

    code: str  #: Bitrix24's ``LANG`` (what the portal sends and the settings store)
    locale: str  #: the gettext catalogue's name: ``locales/<locale>.po``
    tag: str  #: BCP 47, for ``<html lang>`` and ``Intl``
    name: str  #: in its own language, as the settings page offers it


#: Every language the app is built for, in the order the settings page offers them.
SUPPORTED: dict[str, Language] = {language.code: language for language in (
    Language("en", "en", "en", "English"),
    Language("ru", "ru", "ru", "Русский"),
    Language("de", "de", "de", "Deutsch"),
    Language("ua", "uk", "uk", "Українська"),
    Language("la", "es", "es", "Español"),
    Language("br", "pt_BR", "pt-BR", "Português (Brasil)"),
    Language("fr", "fr", "fr", "Français"),
    Language("pl", "pl", "pl", "Polski"),
    Language("it", "it", "it", "Italiano"),
    Language("tr", "tr", "tr", "Türkçe"),
)}
DEFAULT_LANGUAGE = "en"
#: Portal languages whose operators are best served by the Russian texts.
ALIASES = {"by": "ru", "kz": "ru"}
#: A ``{name}`` the code fills in; a translation must keep exactly the English ones.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(words: str) -> list[str]:
    """The placeholders of a message, sorted (their order may differ between languages)."""
    return sorted(PLACEHOLDER.findall(words))


#: Separates a plural message's English forms (``msgid``, ``msgid_plural``) and its translated
#: forms in a compiled catalogue, as gettext's ``.mo`` format does.
FORMS = "\x00"


def read_mo(data: bytes) -> dict[tuple[str, str], str]:
    """A compiled catalogue: ``(msgctxt, msgid) -> msgstr``; the header is ``("", "")``.

    Read here rather than through :mod:`gettext`, which keeps its messages in
    a private attribute, because completeness needs every message listed.  A
    plural message's ``msgid`` and ``msgstr`` hold their forms joined by :data:`FORMS`.
    """
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count, originals, translations = struct.unpack(f"{order}3I", data[8:20])
    messages: dict[tuple[str, str], str] = {}
    for index in range(count):
        length, offset = struct.unpack(f"{order}2I", data[originals + 8 * index:originals + 8 * index + 8])
        original = data[offset:offset + length].decode()
        length, offset = struct.unpack(f"{order}2I", data[translations + 8 * index:translations + 8 * index + 8])
        context, _, msgid = original.rpartition("\x04")
        messages[(context, msgid)] = data[offset:offset + length].decode()
    return messages


def compile_po(po: bytes) -> bytes:
    """A ``.po`` file compiled to ``.mo`` by Babel (fuzzy and empty messages left out, and plural
    ones with an empty form).

    Under CPython only: the one compiler of the catalogues, for the wheel's
    build hook and for the package run from its source.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), abort_invalid=True)
    for message in list(catalog):
        # Babel fills a plural's empty forms with the English plural: left out, it counts as missing.
        if message.id and isinstance(message.string, (list, tuple)) and not all(message.string):
            catalog.delete(message.id, context=message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def compiled_files() -> dict[str, bytes]:
    """Each language's compiled catalogue, by its locale, from the package.

    The wheel holds ``.mo`` files and no ``.po``; the source holds ``.po``
    files, compiled here with Babel (never in the browser, which lacks it).
    """
    folder = resources.files(__name__.partition(".")[0]).joinpath("locales")
    found = {}
    for language in SUPPORTED.values():
        po = folder.joinpath(f"{language.locale}.po")
        mo = folder.joinpath(f"{language.locale}.mo")
        if sys.platform != "emscripten" and po.is_file():
            found[language.locale] = compile_po(po.read_bytes())
        elif mo.is_file():
            found[language.locale] = mo.read_bytes()
    return found


def check(files: Mapping[str, bytes]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Every language's words by key, and what keeps each from being complete (key -> why).

    English (the source) names the keys; a translation counts only for the
    English it was made for, so one whose English has since changed is
    missing, as is one whose placeholders differ from the English ones.
    """
    if SUPPORTED[DEFAULT_LANGUAGE].locale not in files:
        raise RuntimeError("Call Timeline: the English catalogue (locales/en.po) is missing")
    source = read_mo(files[SUPPORTED[DEFAULT_LANGUAGE].locale])
    english = {context: words for (context, msgid), words in source.items() if context or msgid}
    originals = {context: msgid for context, msgid in source if context or msgid}
    words: dict[str, dict[str, str]] = {}
    problems: dict[str, dict[str, str]] = {}
    for code, language in SUPPORTED.items():
        compiled = files.get(language.locale)
        messages = read_mo(compiled) if compiled is not None else {}
        count = plural_count(messages.get(("", ""), ""))
        words[code], problems[code] = {}, {}
        for key, msgid in originals.items():
            translated = messages.get((key, msgid), "")
            wanted = placeholders(english[key].split(FORMS)[-1])
            forms = translated.split(FORMS)
            if not translated or not all(forms):
                problems[code][key] = "not translated"
            elif FORMS in msgid and len(forms) != count:
                problems[code][key] = f"{len(forms)} plural forms, not the {count} of its Plural-Forms"
            elif any(placeholders(form) != wanted for form in forms):
                wrong = next(form for form in forms if placeholders(form) != wanted)
                problems[code][key] = f"placeholders {placeholders(wrong)}, not {wanted}"
            else:
                words[code][key] = translated
        if compiled is None:
            problems[code] = {"": f"no catalogue locales/{language.locale}.po"}
    return words, problems


_PLURAL_FORMS = re.compile(r"^Plural-Forms:\s*nplurals\s*=\s*(\d+);\s*plural\s*=\s*([^;\n]+);?", re.M)


def plural_count(header: str) -> int:
    """How many plural forms a catalogue's header (its ``Plural-Forms``) says it has; 2 without one."""
    found = _PLURAL_FORMS.search(header)
    return int(found.group(1)) if found else 2


def plural_rule(header: str) -> Callable[[int], int]:
    """The form number for a count, from a catalogue header's ``Plural-Forms`` (English's without one).

    :func:`gettext.c2py` checks the C expression and evaluates it without ``eval`` of text.
    """
    found = _PLURAL_FORMS.search(header)
    return gettext.c2py(found.group(2).strip() if found else "n != 1")


def offered(problems: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    """The languages with nothing missing (English always: it is the fallback), in :data:`SUPPORTED`'s order."""
    return tuple(code for code in SUPPORTED if code == DEFAULT_LANGUAGE or not problems.get(code, {"": ""}))


def header(compiled: bytes | None) -> str:
    """A compiled catalogue's header (its ``Plural-Forms`` among the rest); ``""`` without one.

    The header is the message whose original is empty, which sorts first: only it is read.
    """
    if compiled is None:
        return ""
    order = "<" if struct.unpack("<I", compiled[:4])[0] == 0x950412DE else ">"
    count, originals, translations = struct.unpack(f"{order}3I", compiled[8:20])
    length, _ = struct.unpack(f"{order}2I", compiled[originals:originals + 8])
    if not count or length:
        return ""
    length, offset = struct.unpack(f"{order}2I", compiled[translations:translations + 8])
    return compiled[offset:offset + length].decode()


_FILES = compiled_files()
_WORDS, PROBLEMS = check(_FILES)
#: The languages the card speaks: those whose catalogue is complete.
LANGUAGES = offered(PROBLEMS)
#: Each language's plural rule: a count -> the index of its form (see :func:`plural`).
PLURAL_RULES = {code: plural_rule(header(_FILES.get(SUPPORTED[code].locale))) for code in LANGUAGES}
del _FILES
#: Every message by key, for each language of :data:`LANGUAGES` (a plural one's forms joined by :data:`FORMS`).
STRINGS: dict[str, dict[str, str]] = {code: _WORDS[code] for code in LANGUAGES}


def resolve_language(lang: str | None) -> str:
    """One of :data:`LANGUAGES` for a portal ``LANG`` value (any text)."""
    key = (lang or "").strip().lower()[:5]
    key = ALIASES.get(key, key)
    return key if key in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``values`` filled in."""
    words = STRINGS[resolve_language(lang)].get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return words.format(**values) if values else words


def plural(key: str, count: int, lang: str | None = None, **values: object) -> str:
    """The plural message ``key`` in ``lang``, in the form its catalogue's rule gives ``count``.

    ``{count}`` is filled in with ``count``; ``values`` fill the rest.
    """
    language = resolve_language(lang)
    forms = STRINGS[language][key].split(FORMS)
    index = PLURAL_RULES[language](count)
    words = forms[index] if 0 <= index < len(forms) else forms[-1]
    return words.format(count=count, **values)


#: The counts :func:`plural_table` lists one by one; above them a count takes the form of
#: ``PLURAL_REPEAT + count % PLURAL_REPEAT`` (gettext's rules look at ``n % 10`` and ``n % 100``).
PLURAL_LISTED = 200
PLURAL_REPEAT = 100
#: The largest count the quick view shows (events dropped while Python starts, which the page's
#: bounded queue keeps far below it): the build checks each table up to here.
PLURAL_CHECKED = 100_000


def plural_table(lang: str) -> list[int]:
    """``lang``'s plural rule as data, for the quick view (which may not ``eval``): the form of each
    count below :data:`PLURAL_LISTED`; a larger count ``n`` takes that of
    ``PLURAL_REPEAT + n % PLURAL_REPEAT`` (the build holds each rule to that:
    :func:`check_plural_table`)."""
    rule = PLURAL_RULES[resolve_language(lang)]
    return [rule(count) for count in range(PLURAL_LISTED)]


def check_plural_table(lang: str) -> None:
    """Refuse a rule :func:`plural_table` cannot hold up to :data:`PLURAL_CHECKED`, so that the
    quick view can never pick another form than Python.  Run by the build, once a language,
    not by every card (it asks the rule a hundred thousand times)."""
    rule, table = PLURAL_RULES[resolve_language(lang)], plural_table(lang)
    for count in range(PLURAL_LISTED, PLURAL_CHECKED + 1):
        if rule(count) != table[PLURAL_REPEAT + count % PLURAL_REPEAT]:
            raise ValueError(f"{lang}: the plural rule does not repeat every {PLURAL_REPEAT} (at {count})")


def format_duration(milliseconds: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above; never negative."""
    seconds = int(max(0.0, milliseconds) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def locale_tag(lang: str | None) -> str:
    """The BCP 47 tag (``pt-BR``) of the language the card speaks for ``lang``."""
    return SUPPORTED[resolve_language(lang)].tag


#: How a clock time is written, as ``Intl.DateTimeFormat`` options (the locale's own pattern): the
#: card's worker (``browser.bridge``) and the quick view (``static/quick-view.js``, from
#: the tables of ``card.quick``) use these very options, so the two write it alike.
TIME_OPTIONS = {"timeStyle": "medium"}



#: The hour cycle that forces 12 hours (``True``) or 24 (``False``).  Not ``Intl``'s ``hour12``:
#: engines that follow ECMA-402 before 2024 turn ``hour12`` into the locale's other cycle of
#: the same kind (``24:00:00`` in English, ``0:00:00 PM`` in German), as Node.js 20 still does.
HOUR_CYCLES = {True: "h12", False: "h23"}


def time_options(hour12: bool | None) -> dict[str, object]:
    """The ``Intl.DateTimeFormat`` options for a time: the locale's custom, or 12 or 24 hours forced."""
    return {**TIME_OPTIONS, **({} if hour12 is None else {"hourCycle": HOUR_CYCLES[hour12]})}


#: How the day of a moment is asked of ``Intl`` (``formatToParts``, read by :func:`day_from_parts`):
#: its date in the operator's zone, and the zone's offset from UTC then (``GMT+03:00``).
DAY_OPTIONS = {"year": "numeric", "month": "numeric", "day": "numeric", "timeZoneName": "longOffset"}
#: The locale ``DAY_OPTIONS`` are asked in: its parts are ASCII digits and ``GMT±hh:mm``.
DAY_LOCALE = "en-US"
_GMT_OFFSET = re.compile(r"GMT(?:([+-])(\d{2}):(\d{2}))?")


def day_from_parts(parts: Mapping[str, str]) -> str:
    """``2026-03-29 (UTC+02:00)`` from ``Intl``'s parts for :data:`DAY_OPTIONS`; ``—`` if they are odd."""
    offset = _GMT_OFFSET.fullmatch(parts.get("timeZoneName", ""))
    numbers = [parts.get(name, "") for name in ("year", "month", "day")]
    if offset is None or not all(number.isascii() and number.isdigit() for number in numbers):
        return "—"
    sign, hours, minutes = offset.groups()
    total = 0 if sign is None else (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))
    year, month, day = (int(number) for number in numbers)
    return format_day(year, month, day, total)


#: Writes a moment (ms since the epoch) as a wall-clock time for a BCP 47 tag;
#: 12-hour when ``True``, 24-hour when ``False``, the locale's custom when ``None``.
ClockFormat = Callable[[float, str, bool | None], str]


def plain_clock(utc_offset_minutes: int = 0) -> ClockFormat:
    """A clock without ``Intl``, at a fixed offset from UTC: for CPython (the tests).

    The browser's clock (``browser.bridge.intl_clock``) knows the time zone's
    rules, daylight-saving changes included, and each locale's custom; this
    one writes 24 hours unless told otherwise, whatever the language.
    """
    def clock(epoch_ms: float, tag: str, hour12: bool | None) -> str:
        return format_clock(epoch_ms, utc_offset_minutes, hour12 is True)
    return clock


#: Writes a moment briefly for a BCP 47 tag, in the operator's zone: ``kind`` names the
#: :data:`SHORT_OPTIONS` (a ``"time"``, ``10:02``, in 12 or 24 hours as ``hour12`` says or the
#: locale's custom; a ``"date"``, ``3 Dec``), for the card's "Earlier" line.
ShortFormat = Callable[[float, str, bool | None, str], str]
#: The ``Intl.DateTimeFormat`` options of each kind of :data:`ShortFormat`.
SHORT_OPTIONS: dict[str, dict[str, object]] = {"time": {"timeStyle": "short"},
                                               "date": {"day": "numeric", "month": "short"}}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_options(kind: str, hour12: bool | None) -> dict[str, object]:
    """The ``Intl`` options of a :data:`ShortFormat` kind; a time's hours forced as the clock's are."""
    forced = {} if kind != "time" or hour12 is None else {"hourCycle": HOUR_CYCLES[hour12]}
    return {**SHORT_OPTIONS[kind], **forced}


def plain_short(utc_offset_minutes: int = 0) -> ShortFormat:
    """Short times and dates without ``Intl``, at a fixed offset from UTC, in English: for CPython
    (the tests); the browser's (``browser.bridge.intl_short``) speaks the locale."""
    def short(epoch_ms: float, tag: str, hour12: bool | None, kind: str) -> str:
        try:
            moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC) + timedelta(minutes=utc_offset_minutes)
        except (OverflowError, OSError, ValueError):
            return "—"
        if kind == "date":
            return f"{moment.day} {_MONTHS[moment.month - 1]}"
        if hour12:
            return f"{(moment.hour - 1) % 12 + 1}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return short


#: Writes the day a moment falls on in the operator's time zone, with that zone's offset from UTC
#: at the moment: ``2026-11-29 (UTC+03:00)`` (for support, who may work in another zone).
DayFormat = Callable[[float], str]


def plain_day(utc_offset_minutes: int = 0) -> DayFormat:
    """The day at a fixed offset from UTC, without ``Intl``: for CPython (the tests).

    The browser's (``browser.bridge.intl_day``) takes the offset the time
    zone's rules give at that moment, daylight saving included.
    """
    zone = timezone(timedelta(minutes=utc_offset_minutes))

    def day(epoch_ms: float) -> str:
        try:
            moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).astimezone(zone)
        except (OverflowError, OSError, ValueError):
            return "—"
        return format_day(moment.year, moment.month, moment.day, utc_offset_minutes)
    return day


def format_day(year: int, month: int, day: int, utc_offset_minutes: int) -> str:
    """``2026-11-29 (UTC+03:00)``: a day, and the offset from UTC it was counted at."""
    sign = "+" if utc_offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(utc_offset_minutes), 60)
    return f"{year:04d}-{month:02d}-{day:02d} (UTC{sign}{hours:02d}:{minutes:02d})"


def format_clock(epoch_ms: float, utc_offset_minutes: int = 0, twelve_hour: bool = False) -> str:
    """Wall-clock ``HH:MM:SS`` (or ``h:MM:SS AM``) at a fixed offset from UTC (see :func:`plain_clock`)."""
    seconds = int(epoch_ms // 1000) + utc_offset_minutes * 60
    seconds %= 86400
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if twelve_hour:
        return f"{(hours - 1) % 12 + 1}:{minutes:02d}:{seconds:02d} {'AM' if hours < 12 else 'PM'}"
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def iso_time(epoch_ms: float) -> str:
    """The exact moment, machine-readable (UTC, milliseconds), for ``<time datetime>``."""
    try:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: Strings of the admin's pages (:func:`page_texts`).
PAGE_PREFIXES = ("settings.", "install.", "page.", "report.")


def page_texts(lang: str | None) -> dict[str, str]:
    """Every string of the admin's pages in ``lang``, keyed as the templates name them."""
    return {key: text(key, lang) for key in STRINGS[DEFAULT_LANGUAGE] if key.startswith(PAGE_PREFIXES)}
