"""The gettext catalogues: every language file complete, or known to wait for its translator.

A file is complete when it has every message of ``en.po`` (the source),
each translated (not empty, not fuzzy) and with the English placeholders.
Only complete languages are offered to operators (``i18n.LANGUAGES``); the
others fall back to English whole, never half.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from placement_app.core import i18n

LOCALES = Path(__file__).resolve().parents[2] / "placement_app" / "locales"
FILES = sorted(LOCALES.glob("*.po"))
#: Catalogues whose translators have not finished: the completeness test is expected to fail for
#: each of them, and fails (XPASS strict) as soon as one is complete, to say it is to be removed here.
AWAITING_TRANSLATION: tuple[str, ...] = ()


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def problems(catalog: Catalog, english: Catalog) -> list[str]:
    """What keeps ``catalog`` from being complete, one line per message."""
    found = []
    for message in english:
        if not message.id:
            continue
        key = f"{message.context}: {message.id!r}"
        translated = catalog.get(message.id, context=message.context)
        string = None if translated is None else translated.string
        forms = list(string) if isinstance(string, (list, tuple)) else [string or ""]
        wanted = i18n.placeholders(str(message.id[-1] if message.pluralizable else message.id))
        if translated is None:
            found.append(f"missing {key}")
        elif not all(forms) or translated.fuzzy:
            why = " (fuzzy: its English changed)" if translated.fuzzy else ""
            found.append(f"untranslated {key}{why}")
        elif message.pluralizable and len(forms) != catalog.num_plurals:
            found.append(f"{len(forms)} plural forms, not {catalog.num_plurals}: {key}")
        elif any(i18n.placeholders(str(form)) != wanted for form in forms):
            found.append(f"placeholders differ {key}: {translated.string!r}")
        elif catalog.locale_identifier == "en" and translated.string != message.id:
            found.append(f"en.po translates {key} to another text {translated.string!r}: edit the msgid")
    known = {(message.id, message.context) for message in english}
    found += [f"not in en.po {message.context}: {message.id!r}" for message in catalog
              if message.id and (message.id, message.context) not in known]
    return found


def awaiting(path: Path) -> pytest.MarkDecorator | tuple[()]:
    if path.stem not in AWAITING_TRANSLATION:
        return ()
    return pytest.mark.xfail(strict=True, reason=(
        f"{path.name} awaits its translator; once it is complete, remove {path.stem!r} from "
        "AWAITING_TRANSLATION in tests/unit/test_catalogues.py (the language is then offered)"))


@pytest.mark.parametrize("path", [pytest.param(path, id=path.stem, marks=awaiting(path)) for path in FILES])
def test_every_message_is_translated_with_its_placeholders(path: Path) -> None:
    found = problems(read(path), read(LOCALES / "en.po"))
    assert found == [], (
        f"{path.name}: {len(found)} messages to fix (new ones come from en.po with "
        f"`.venv/bin/python tools/po_sync.py`):\n  " + "\n  ".join(found[:30]))


def test_every_supported_language_has_a_file_and_every_file_a_language() -> None:
    assert {language.locale for language in i18n.SUPPORTED.values()} == {path.stem for path in FILES}
    assert set(AWAITING_TRANSLATION) <= {path.stem for path in FILES}


def test_the_languages_offered_are_exactly_the_complete_ones() -> None:
    complete = {path.stem for path in FILES if not problems(read(path), read(LOCALES / "en.po"))}
    assert {i18n.SUPPORTED[code].locale for code in i18n.LANGUAGES} == complete
    assert {"en", "ru"} <= set(i18n.LANGUAGES)


def compiled(translate: dict[str, str | tuple[str, ...]] | None = None, locale: str = "de") -> bytes:
    """en.po compiled as ``locale``, each message translated by ``translate`` (or to "DE " + English)."""
    catalog = read(LOCALES / "en.po")
    catalog.locale = locale
    for message in catalog:
        if message.id:
            english = message.id if isinstance(message.id, tuple) else (message.id,)
            given = (translate or {}).get(str(message.context), tuple(f"DE {form}" for form in english))
            message.string = given if isinstance(message.id, tuple) or isinstance(given, str) else given[0]
    source = io.BytesIO()
    write_po(source, catalog)
    return i18n.compile_po(source.getvalue())


def test_a_complete_translation_is_offered_and_a_half_done_one_never() -> None:
    english = i18n.compile_po((LOCALES / "en.po").read_bytes())
    words, found = i18n.check({"en": english, "de": compiled()})
    assert found["de"] == {} and "de" in i18n.offered(found)
    assert words["de"]["state.connected"] == "DE Talking"
    keys = list(words["en"])
    half = compiled({key: "" for key in keys[: len(keys) // 2]})
    _, found = i18n.check({"en": english, "de": half})
    assert "de" not in i18n.offered(found)
    assert found["de"][keys[0]] == "not translated" and len(found["de"]) == len(keys) // 2


def test_a_translation_that_changes_a_placeholder_is_not_offered() -> None:
    english = i18n.compile_po((LOCALES / "en.po").read_bytes())
    _, found = i18n.check({"en": english, "de": compiled({"support.line": "{label}: {wert}"})})
    assert found["de"] == {"support.line": "placeholders ['label', 'wert'], not ['label', 'value']"}
    assert "de" not in i18n.offered(found)
    wrong_form = compiled({"dropped": ("{count} Eintrag", "{anzahl} Einträge")})
    _, found = i18n.check({"en": english, "de": wrong_form})
    assert found["de"] == {"dropped": "placeholders ['anzahl'], not ['count']"}
    russian = read(LOCALES / "ru.po")
    entry = russian.get("{count} earlier entry not shown", context="dropped")
    assert entry is not None
    entry.string = ("{count} запись", "{count} записи")
    two_forms = io.BytesIO()
    write_po(two_forms, russian)
    _, found = i18n.check({"en": english, "ru": i18n.compile_po(two_forms.getvalue())})
    assert found["ru"] == {"dropped": "not translated"}  # not English in its third form


def test_counts_take_each_languages_plural_forms() -> None:
    """gettext's plural forms, by each catalogue's own rule: never "1 earlier entries"."""
    assert i18n.plural("dropped", 1, "en") == "1 earlier entry not shown"
    assert i18n.plural("dropped", 2, "en") == "2 earlier entries not shown"
    russian = [i18n.plural("dropped", count, "ru") for count in (1, 2, 5, 11, 21, 22, 25)]
    assert len(set(russian[:3])) == 3  # one, few, many: three forms
    words = [form.split(" ", 1)[1] for form in russian]
    assert words[3:] == [words[2], words[0], words[1], words[2]]  # 11, 21, 22, 25: many, one, few, many
    for lang in i18n.LANGUAGES:
        table = i18n.plural_table(lang)
        assert all(table[count] == i18n.PLURAL_RULES[lang](count) for count in range(len(table)))
        i18n.check_plural_table(lang)  # and the rule repeats as the quick view reads it, far past the table


def test_a_rule_the_table_cannot_hold_is_refused_by_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(i18n.PLURAL_RULES, "en", lambda count: int(count == 12345))
    with pytest.raises(ValueError, match="does not repeat"):
        i18n.check_plural_table("en")


def test_a_translation_made_for_older_english_does_not_count() -> None:
    english = i18n.compile_po((LOCALES / "en.po").read_bytes())
    source = read(LOCALES / "ru.po")
    source.delete("Talking", context="state.connected")
    source.add("Speaking", "Разговор", context="state.connected")  # the English it was made for
    stale = io.BytesIO()
    write_po(stale, source)
    _, found = i18n.check({"en": english, "ru": i18n.compile_po(stale.getvalue())})
    assert found["ru"] == {"state.connected": "not translated"}
