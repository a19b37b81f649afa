"""Which language the card and the admin's pages speak, and how they say it (``<html lang>``, times)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakedom import FakeDocument
from fakepage import FakePage

import build
from placement_app.admin.settings_page import SettingsPage
from placement_app.card import quick
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import i18n, settings

ALL = tuple(i18n.SUPPORTED)


@pytest.fixture
def every_language_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if all ten catalogues were translated (their words: English, for the words do not matter here)."""
    monkeypatch.setattr(i18n, "LANGUAGES", ALL)
    monkeypatch.setattr(i18n, "STRINGS", {code: i18n.STRINGS["en"] for code in ALL})


@pytest.mark.parametrize(("portal", "spoken", "tag"), [
    ("en", "en", "en"), ("ru", "ru", "ru"), ("de", "de", "de"), ("ua", "ua", "uk"), ("la", "la", "es"),
    ("br", "br", "pt-BR"), ("fr", "fr", "fr"), ("pl", "pl", "pl"), ("it", "it", "it"), ("tr", "tr", "tr"),
    (" TR ", "tr", "tr"), ("kz", "ru", "ru"), ("by", "ru", "ru"), ("sc", "en", "en"), ("", "en", "en"),
    (None, "en", "en"),
])
@pytest.mark.usefixtures("every_language_complete")
def test_bitrix24s_language_codes_pick_the_language_and_its_tag(portal: str | None, spoken: str,
                                                                tag: str) -> None:
    assert i18n.resolve_language(portal) == spoken
    assert i18n.locale_tag(portal) == tag


def test_every_supported_language_has_a_complete_catalogue_and_is_offered() -> None:
    assert i18n.LANGUAGES == ALL
    assert (i18n.text("state.connected", "de"), i18n.text("state.connected", "ua")) == ("Gespräch", "Розмова")


def test_a_language_awaiting_translation_is_spoken_as_english_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a language not complete yet would be (say German, were a message of it missing)."""
    monkeypatch.setattr(i18n, "LANGUAGES", tuple(code for code in ALL if code != "de"))
    assert i18n.resolve_language("de") == "en" and i18n.locale_tag("de") == "en"
    assert i18n.text("state.connected", "de") == "Talking"


def rendered_settings_page(tmp_path: Path) -> str:
    build.render_pages(tmp_path, {}, "static/x")
    return (tmp_path / "settings.html").read_text(encoding="utf-8")


def test_the_settings_page_offers_each_language_the_card_speaks_by_its_own_name(tmp_path: Path) -> None:
    page = rendered_settings_page(tmp_path)
    assert '<option value="ru" lang="ru">Русский</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    for code in ALL:
        assert (f'<option value="{code}"' in page) is (code in i18n.LANGUAGES), code
    assert '<option value="locale" data-text="settings.clock.locale">' in page


@pytest.mark.usefixtures("every_language_complete")
def test_once_every_catalogue_is_complete_all_ten_are_offered(tmp_path: Path) -> None:
    page = rendered_settings_page(tmp_path)
    for name, tag in (("Deutsch", "de"), ("Українська", "uk"), ("Español", "es"),
                      ("Português (Brasil)", "pt-BR"), ("Français", "fr"), ("Polski", "pl"),
                      ("Italiano", "it"), ("Türkçe", "tr")):
        assert f'lang="{tag}">{name}</option>' in page


def test_the_pages_title_is_one_of_the_words_the_page_translates(tmp_path: Path) -> None:
    page = rendered_settings_page(tmp_path)
    assert '<title data-text="settings.heading">Call Timeline settings</title>' in page


@pytest.mark.parametrize(("portal", "tag", "save"), [("ru", "ru", "Сохранить"), ("kz", "ru", "Сохранить"),
                                                     ("en", "en", "Save"), ("xx", "en", "Save")])
def test_the_admin_pages_say_their_language_as_a_tag(portal: str, tag: str, save: str) -> None:
    posted: list[dict[str, object]] = []
    page = SettingsPage(posted.append, lambda name, params: None)
    page.receive("page:opened", json.dumps([{"LANG": portal, "IS_ADMIN": True, "APP_OPTIONS": {}}]))
    [texts] = [message for message in posted if message["type"] == "texts"]
    assert texts["lang"] == tag
    assert isinstance(texts["texts"], dict) and texts["texts"]["settings.save"] == save


def card_times(chosen: settings.Settings, lang: str) -> tuple[list[tuple[float, str, bool | None]], str, str]:
    """The clock's calls when a card draws a call, the time shown, and the ``lang`` of the drawing."""
    calls: list[tuple[float, str, bool | None]] = []

    def clock(epoch_ms: float, tag: str, hour12: bool | None) -> str:
        calls.append((epoch_ms, tag, hour12))
        return f"{tag}:{hour12}:{int(epoch_ms)}"

    document = FakeDocument()
    root = document.createElement("section")
    card = Card(CardView(document, root, clock), FakePage(lambda: 5_000.0))
    opened = {"LANG": lang, "APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(chosen)},
              "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "connecting"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    return calls, root.find("clock").textContent, root.attributes.get("lang", "")


def test_the_card_asks_its_clock_for_times_in_its_language_and_the_admins_hours() -> None:
    _, shown, lang = card_times(settings.DEFAULTS, "ru")
    assert (shown, lang) == ("ru:None:1000", "ru")  # the locale's custom
    _, shown, lang = card_times(settings.Settings(clock="12h", language="ru"), "en")
    assert (shown, lang) == ("ru:True:1000", "ru")
    _, shown, _ = card_times(settings.Settings(clock="24h"), "en")
    assert shown == "en:False:1000"
    _, shown, lang = card_times(settings.DEFAULTS, "br")  # Bitrix24's code, the language's tag
    assert (shown, lang) == ("pt-BR:None:1000", "pt-BR")
    _, shown, lang = card_times(settings.DEFAULTS, "xx")  # a language the card does not speak: English
    assert (shown, lang) == ("en:None:1000", "en")


def test_the_time_column_widens_when_the_clock_writes_wide_times() -> None:
    document = FakeDocument()
    root = document.createElement("section")
    card = Card(CardView(document, root, lambda ms, tag, hour12: "1:00:00 PM"), FakePage())
    card.receive("app:opened", json.dumps([{"LANG": "en"}]), 0)
    assert root.find("entries").className.split() == ["entries", "twelve-hour"]
    card = Card(CardView(document, root, lambda ms, tag, hour12: "13:00:00"), FakePage())
    card.receive("app:opened", json.dumps([{"LANG": "en"}]), 0)
    assert root.find_all("entries")[-1].className == "entries"


def test_the_quick_view_gets_the_tags_and_the_time_options_python_uses() -> None:
    tables = quick.export()["tables"]
    assert list(tables) == list(i18n.LANGUAGES)
    assert {code: table["tag"] for code, table in tables.items()} == {
        code: i18n.SUPPORTED[code].tag for code in i18n.LANGUAGES}
    assert all(table["time"] == i18n.time_options(None) for table in tables.values())
