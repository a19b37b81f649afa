"""The admin's pages under CPython: installing (the tab bound once, every failure explained)
and the settings form."""

import json
from collections.abc import Coroutine, Mapping
from typing import Any
from urllib.parse import urlsplit

from own_loop import run_in_own_loop

from emulator.portal import Portal, rest_params
from placement_app.admin.install import Installer, Progress
from placement_app.admin.install_page import InstallPage
from placement_app.admin.page import AdminPage
from placement_app.admin.settings_page import SettingsPage
from placement_app.core import i18n, settings
from placement_app.portal.client import Http

HANDLER = "https://app.example/"
REST = "https://portal.example/rest/"


def nothing() -> None:
    """A callback whose calls do not matter here."""


def emulated(portal: Portal, unreachable: bool = False) -> Http:
    """The emulated portal's REST API as the app's HTTP client sees it."""
    async def http(url: str, body: str) -> tuple[int, str]:
        if unreachable:
            raise OSError("connection refused")
        method = urlsplit(url).path.removeprefix("/rest/").removesuffix(".json")
        status, answer = portal.rest(method, rest_params("", body))
        return status, json.dumps(answer)
    return http


def installer(portal: Portal, finish: bool = True, unreachable: bool = False,
              lang: str = "en") -> tuple[Installer, list[Progress], list[bool]]:
    seen: list[Progress] = []
    finished: list[bool] = []
    portal.control("session", {"auth": "admin-token", "admin": True})
    run = Installer(emulated(portal, unreachable), REST, "admin-token", HANDLER, finish, lang,
                    seen.append, lambda: finished.append(True))
    return run, seen, finished


def test_install_binds_the_tab_with_titles_then_finishes() -> None:
    portal = Portal(app_origin="https://app.example")
    run, seen, finished = installer(portal)
    assert run_in_own_loop(run.run()) is True
    [tab] = portal.state()["placements"]
    assert tab["handler"] == HANDLER and tab["title"] == "Call timeline"
    assert tab["langAll"]["ru"] == {"TITLE": "Хронология звонка"}
    assert finished == [True]
    assert [dict(p.steps) for p in seen][-1] == {"check": "done", "bind": "done", "finish": "done"}
    assert seen[-1].tone == "ok" and "installed" in seen[-1].message


def test_running_it_again_does_not_bind_twice() -> None:
    portal = Portal(app_origin="https://app.example")
    for _ in range(3):
        run, seen, _ = installer(portal)
        assert run_in_own_loop(run.run()) is True
    assert len(portal.state()["placements"]) == 1
    assert [entry["method"] for entry in portal.rest_log].count("placement.bind") == 1
    assert dict(seen[-1].steps)["bind"] == "skipped"
    assert "not added again" in seen[-1].message


def test_a_tab_bound_by_another_admin_meanwhile_counts_as_installed() -> None:
    portal = Portal(app_origin="https://app.example")
    real = emulated(portal)

    async def racing(url: str, body: str) -> tuple[int, str]:
        if url.endswith("placement.get.json"):
            answer = await real(url, body)  # what we saw: no tab yet...
            portal.install_for_tests(HANDLER)  # ...then another admin's install bound it
            return answer
        return await real(url, body)

    portal.control("session", {"auth": "admin-token", "admin": True})
    seen: list[Progress] = []
    run = Installer(racing, REST, "admin-token", HANDLER, True, "en", seen.append, nothing)
    assert run_in_own_loop(run.run()) is True
    assert [entry["method"] for entry in portal.rest_log] == ["placement.get", "placement.bind"]
    assert len(portal.state()["placements"]) == 1
    assert dict(seen[-1].steps) == {"check": "done", "bind": "skipped", "finish": "done"}
    assert seen[-1].tone == "ok" and "not added again" in seen[-1].message


def test_each_failure_says_what_to_do_and_offers_a_retry() -> None:
    cases = [
        ("no-telephony", False, "telephony scope is missing"),
        ("bad-argument", False, "ERROR_ARGUMENT: Handler URL host doesn't match application host"),
        ("", True, "could not be reached"),
    ]
    for fault, unreachable, words in cases:
        portal = Portal(app_origin="https://app.example", install_fault=fault)
        run, seen, finished = installer(portal, unreachable=unreachable)
        assert run_in_own_loop(run.run()) is False
        assert words in seen[-1].message and seen[-1].tone == "error" and seen[-1].retry
        assert finished == [] and portal.state()["placements"] == []


def test_a_user_who_is_not_an_admin_is_told_so_not_to_add_a_scope() -> None:
    """``ACCESS_DENIED`` from ``placement.bind`` is the user's rights, not the app's scope."""
    portal = Portal(app_origin="https://app.example")
    portal.control("session", {"auth": "user-token", "admin": False})
    seen: list[Progress] = []
    run = Installer(emulated(portal), REST, "user-token", HANDLER, True, "en", seen.append, nothing)
    assert run_in_own_loop(run.run()) is False
    assert "Only a portal administrator may add the app's tab" in seen[-1].message
    assert "scope" not in seen[-1].message


def test_an_expired_token_and_a_foreign_handler_are_explained_in_russian() -> None:
    portal = Portal(app_origin="https://elsewhere.example")
    run, seen, _ = installer(portal, lang="ru")
    assert run_in_own_loop(run.run()) is False
    assert "Портал отклонил параметры вкладки" in seen[-1].message
    stranger = Installer(emulated(portal), REST, "unknown-token", HANDLER, True, "en", seen.append, nothing)
    assert run_in_own_loop(stranger.run()) is False
    assert "did not accept the app's authorisation" in seen[-1].message


#: A message to the page's JavaScript, or a command's parameters: plain JSON-like values.
Message = dict[str, Any]


class Recorder:
    """What a page posted to its JavaScript and the commands it sent to the portal."""

    def __init__(self) -> None:
        self.posted: list[Message] = []
        self.commands: list[tuple[str, Message]] = []

    def post(self, message: Mapping[str, Any]) -> None:
        self.posted.append(dict(message))

    def command(self, name: str, params: Mapping[str, Any]) -> None:
        self.commands.append((name, dict(params)))

    def last(self, kind: str) -> Message:
        return next(message for message in reversed(self.posted) if message["type"] == kind)


def send(page: AdminPage, kind: str, *args: object) -> None:
    page.receive(kind, json.dumps(list(args)), 0)


def test_install_page_refuses_init_data_it_cannot_use() -> None:
    seen = Recorder()

    def never_run(coroutine: Coroutine[Any, Any, Any]) -> None:
        coroutine.close()

    page = InstallPage(seen.post, seen.command, emulated(Portal()), never_run)
    send(page, "page:opened", {"DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": "t"},
         "javascript:alert(1)")
    assert seen.last("status")["tone"] == "error"
    assert "did not send what this page needs" in seen.last("status")["text"]


def settings_page(admin: bool = True, options: dict[str, object] | None = None,
                  lang: str = "ru") -> tuple[SettingsPage, Recorder]:
    seen = Recorder()
    page = SettingsPage(seen.post, seen.command)
    send(page, "page:opened", {"LANG": lang, "IS_ADMIN": admin, "APP_OPTIONS": options or {}})
    return page, seen


def test_settings_page_shows_the_form_and_saves_only_what_the_portal_confirms() -> None:
    page, seen = settings_page()
    defaults = settings.to_form(settings.DEFAULTS)
    shown = seen.last("form")
    assert (shown["values"], shown["reset"]) == (defaults, False)
    assert seen.last("texts")["texts"]["settings.save"] == "Сохранить"
    form = {**settings.to_form(settings.DEFAULTS), "clock": "12h"}
    send(page, "settings:submit", form)
    [(name, params)] = seen.commands
    assert name == "setAppOption" and params["name"] == settings.OPTION_NAME
    assert settings.load({settings.OPTION_NAME: params["value"]}).settings.clock == "12h"
    assert seen.last("status")["tone"] == "busy"
    send(page, "page:reply", {"command": "setAppOption", "ok": False, "value": None})
    assert seen.last("status")["tone"] == "error"
    assert seen.last("status")["text"].startswith("Портал не подтвердил сохранение.")
    send(page, "settings:submit", form)
    assert not [message for message in seen.posted if message["type"] == "saved"]
    send(page, "page:reply", {"command": "setAppOption", "ok": True, "value": True})
    assert seen.last("status")["tone"] == "ok"
    assert seen.posted[-1] == {"type": "saved"}  # only now does the page count its changes as saved


def test_the_catalogue_offered_for_overrides_is_in_the_pages_language() -> None:
    _, seen = settings_page()
    catalogue = seen.last("form")["catalogue"]
    busy = next(entry for entry in catalogue if entry["code"] == "486")
    texts = busy.pop("texts")  # what a row's words replace, by the row's language
    assert busy == {"code": "486", "label": "Занято",
                    "next_step": "Перезвоните через несколько минут или запланируйте обратный звонок."}
    assert set(texts) == {"", *i18n.SUPPORTED}
    assert texts["en"] == {"label": "Busy", "next_step": "Try again in a few minutes or book a callback."}
    assert texts["de"]["label"] == "Besetzt"
    assert texts["ru"] == texts[""] == {  # a row for every language: the page's words
        "label": "Занято", "next_step": "Перезвоните через несколько минут или запланируйте обратный звонок."}
    assert {entry["code"] for entry in catalogue} >= {"304", "603-S", "OTHER"}
    assert seen.last("form")["maxOverrides"] == settings.MAX_OVERRIDES


def test_overrides_are_shown_as_rows_and_each_bad_cell_gets_its_message() -> None:
    stored = settings.Settings(overrides=(settings.Override("486", "Линия занята"),))
    page, seen = settings_page(options={settings.OPTION_NAME: settings.dumps(stored)})
    rows = seen.last("form")["values"]["overrides"]
    assert rows == [{"code": "486", "lang": "", "label": "Линия занята", "next_step": ""}]
    hostile = {"code": "<img src=x>", "label": "x", "next_step": ""}
    send(page, "settings:submit", {**settings.to_form(stored), "overrides": [
        *rows, hostile, {"code": "480", "label": "", "next_step": ""}]})
    assert seen.last("errors")["errors"] == {
        "overrides.1.code": [i18n.text("settings.error.row_code", "ru", code="<img src=x>")],
        "overrides.2.label": ["Напишите название или «что сделать» для кода 480 либо удалите эту строку."],
    }
    assert seen.commands == []


def test_reset_fills_in_the_defaults_without_saving_them() -> None:
    stored = settings.Settings(language="en", keep_open=True, clock="12h")
    page, seen = settings_page(options={settings.OPTION_NAME: settings.dumps(stored)})
    send(page, "settings:reset")
    shown = seen.last("form")
    assert shown["values"] == settings.to_form(settings.DEFAULTS) and shown["reset"] is True
    assert seen.last("status")["text"].startswith("Подставлены настройки по умолчанию")
    assert seen.commands == []


def test_others_cannot_reset_either() -> None:
    page, seen = settings_page(admin=False)
    forms = len([message for message in seen.posted if message["type"] == "form"])
    send(page, "settings:reset")
    assert len([message for message in seen.posted if message["type"] == "form"]) == forms
    assert seen.last("status")["tone"] == "error" and seen.commands == []


def test_settings_page_is_text_for_others_and_refuses_their_submit() -> None:
    page, seen = settings_page(admin=False, options={settings.OPTION_NAME: "{broken"})
    assert [message for message in seen.posted if message["type"] == "form"] == []  # no form to fill
    assert seen.last("summary")["items"][0] == {"term": "Язык карточки", "text": "Как на портале"}
    notice = seen.last("notice")["text"]
    assert i18n.text("settings.problem.corrupt", "ru") in notice
    assert i18n.text("settings.read_only", "ru") in notice
    send(page, "settings:submit", settings.to_form(settings.DEFAULTS))
    assert seen.commands == [] and seen.last("status")["tone"] == "error"


def test_others_see_every_setting_as_text_in_the_forms_order_and_words() -> None:
    chosen = settings.Settings(language="de", keep_open=True, keep_open_minutes=9, clock="12h",
                               expected_codes=frozenset({"603-S", "487"}), show_client_changes=False,
                               earlier_days=14,
                               overrides=(settings.Override("486", "<b>Besetzt</b>", "Später anrufen", "de"),
                                          settings.Override("480", "", "Call back")))
    _, seen = settings_page(admin=False, options={settings.OPTION_NAME: settings.dumps(chosen)}, lang="en")
    assert seen.last("summary")["items"] == [
        {"term": "Card language", "text": "Deutsch", "lang": "de"},
        {"term": "Keep a failed call's outcome on screen until the operator presses “Done”", "text": "Yes"},
        {"term": i18n.text("settings.keep_open_minutes", "en"), "text": "9"},
        {"term": "Your own texts for failure codes", "text": "", "items": [
            {"term": "486 · Deutsch", "text": "", "items": [
                {"term": "Label", "text": "<b>Besetzt</b>", "lang": "de"},  # drawn as text by the page
                {"term": "Next step", "text": "Später anrufen", "lang": "de"}]},
            {"term": "480 · All languages", "text": "", "items": [  # an empty part keeps the built-in
                {"term": "Next step", "text": "Call back"}]}]},
        {"term": "Outcomes that are not failures", "text": "487, 603-S"},
        {"term": "Show client changes in the timeline", "text": "No"},
        {"term": "Show the client's earlier calls under the timeline", "text": "Yes"},
        {"term": "Days of earlier calls to show", "text": "14"},
        {"term": "Time format", "text": "12-hour (2:05:09 PM)"}]
    assert seen.last("notice")["text"] == i18n.text("settings.read_only", "en")


def test_others_are_told_when_nothing_is_set_and_the_minutes_only_count_when_kept_open() -> None:
    _, seen = settings_page(admin=False, lang="de")
    items = {item["term"]: item["text"] for item in seen.last("summary")["items"]}
    assert items == {
        "Sprache im Anruffenster": "Sprache des Portals verwenden",
        i18n.text("settings.keep_open", "de"): "Nein",
        "Eigene Texte für Fehlercodes": i18n.text("settings.overrides.empty", "de"),
        i18n.text("settings.expected_codes", "de"): "—",
        "Kundenwechsel in der Chronik anzeigen": "Ja",
        i18n.text("settings.earlier_calls", "de"): "Ja",
        i18n.text("settings.earlier_days", "de"): "30",
        "Zeitformat": i18n.text("settings.clock.locale", "de")}


def test_a_new_row_is_for_the_language_the_cards_speak() -> None:
    """The forced card language if there is one, else the admin's own: their words reach those cards only."""
    _, seen = settings_page(lang="de")
    languages = seen.last("form")["rowLanguage"]
    assert set(languages) == set(settings.LANGUAGE_CHOICES)
    assert languages["portal"] == "de"
    assert all(languages[code] == code for code in i18n.LANGUAGES)
    _, seen = settings_page(lang="kz")  # Bitrix24's Kazakh portals get the Russian words
    assert seen.last("form")["rowLanguage"]["portal"] == "ru"


def test_settings_page_survives_nonsense_from_the_page() -> None:
    page, seen = settings_page()
    page.receive("settings:submit", "not json", 0)
    page.receive("settings:__class__", "[]", 0)
    send(page, "settings:submit", ["a", "list"])
    assert seen.last("status")["tone"] == "error" and seen.commands == []


def test_every_text_of_the_card_and_the_pages_is_in_russian_too() -> None:
    english, russian = set(i18n.STRINGS["en"]), set(i18n.STRINGS["ru"])
    assert english - russian == set() and russian - english == set()
