"""tools/po_fill.py: a translator's words go in only where the English is still what they translated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import po_fill


def catalog() -> Catalog:
    german = Catalog(locale="de")
    german.add("Talking", "", context="state.connected")
    german.add("Busy", "", context="code.486.label")
    german.add("Call rejected", "", context="code.4xx.label")
    german.add("Rejected ({code})", "", context="code.4xx.reason")
    german.add("Try again.", "", context="code.4xx.next_step")
    german.add("Save", "Sichern", context="settings.save")
    german.add("Pick a code from the list", "", context="settings.overrides.help")
    return german


SOURCE = {"strings": {"state.connected": {"en": "Talking"}, "settings.save": {"en": "Save"},
                      "settings.overrides.help": {"en": "One code per line: code | label"},
                      "outcome.failed": {"en": "Call failed"}},
          "codes": {"486": {"en": ["Busy", "The line is busy.", "Call back."]},
                    "class.4": {"en": ["Call rejected", "Rejected ({code})", "Try again."]}}}
TRANSLATED = {"strings": {"state.connected": "Gespräch", "settings.save": "Speichern",
                          "settings.overrides.help": "Ein Code pro Zeile",
                          "outcome.failed": "Fehlgeschlagen"},
              "codes": {"486": ["Besetzt", "Die Leitung ist besetzt.", "Rufen Sie zurück."],
                        "class.4": ["Anruf abgelehnt", "Abgelehnt ({code})", "Erneut versuchen."]}}


def words(german: Catalog) -> dict[str, str]:
    return {str(message.context): str(message.string) for message in german if message.id}


def test_only_messages_whose_english_is_the_one_translated_are_filled() -> None:
    german = catalog()
    filled, skipped = po_fill.fill(german, SOURCE, TRANSLATED)
    assert words(german) == {
        "state.connected": "Gespräch", "code.486.label": "Besetzt",  # the catalogue has no 486 reason
        "code.4xx.label": "Anruf abgelehnt", "code.4xx.reason": "Abgelehnt ({code})",
        "code.4xx.next_step": "Erneut versuchen.",
        "settings.save": "Sichern",  # a translation already there is kept
        "settings.overrides.help": "",  # its English changed since: left for a translator
    }
    assert (filled, skipped) == (5, 4)  # help, outcome.failed (no such key), 486's reason and next step
    assert po_fill.untranslated(german) == ["settings.overrides.help"]


def test_overwrite_replaces_and_placeholders_must_match() -> None:
    german = catalog()
    po_fill.fill(german, SOURCE, TRANSLATED, overwrite=True)
    assert words(german)["settings.save"] == "Speichern"
    other = catalog()
    po_fill.fill(other, SOURCE, {"codes": {"class.4": ["Abgelehnt", "Abgelehnt ({kode})", "Nochmal."]}})
    assert words(other)["code.4xx.reason"] == ""  # a placeholder renamed: not taken


def test_files_are_named_by_bitrix24s_codes() -> None:
    assert po_fill.locale_of(Path("ua.json")) == "uk"
    assert po_fill.locale_of(Path("br.json")) == "pt_BR"
    with pytest.raises(SystemExit):
        po_fill.locale_of(Path("uk.json"))
