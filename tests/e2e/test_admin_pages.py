"""End to end: installing the app and configuring it, as a portal admin does, in the emulator.

Each test gets a portal of its own (its state in a temporary JSON file), so
that installing, saving and corrupting settings never leak into other tests.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Dialog, FrameLocator, Locator, Page, expect

from build import ROOT
from emulator.driver import ALL_EVENTS, WorkerClock, app_frame, sync_with_portal, wait_for
from emulator.portal import Portal
from emulator.server import Servers
from placement_app.core import codes, i18n, settings

ARTIFACTS = ROOT / "build" / "artifacts"
BUSY_OVERRIDE = ("486", "Линия занята", "Запланируйте обратный звонок в CRM")


@pytest.fixture
def emulator(page: Page, fresh_portal: Servers) -> Page:
    page.goto(fresh_portal.emulator_url + "?autostart=0")
    return page


def app(page: Page) -> FrameLocator:
    return page.frame_locator("#frame-slot iframe")


def wait_status(page: Page, tone: str, timeout: int = 60_000, saying: str | None = None) -> str:
    """The status line once it has ``tone`` (and says ``saying``: after *Try again* the old
    error still has the tone until the new one replaces it)."""
    status = app(page).locator(f"#status[data-tone={tone}]", has_text=saying)
    wait_for(status, timeout=timeout)
    return status.inner_text()


def placement_calls(servers: Servers) -> list[str]:
    return [str(entry["method"]) for entry in servers.portal.rest_log
            if str(entry["method"]).startswith("placement.")]


def open_settings(page: Page, admin: bool = True, lang: str = "en") -> None:
    """The settings page, once Python has drawn it: the form for an admin, the settings as text for others."""
    page.evaluate("options => emulator.openPage('settings', options)", {"admin": admin, "lang": lang})
    drawn = "#settings[data-ready=editable]" if admin else "#summary[data-ready]"
    wait_for(app(page).locator(drawn), timeout=60_000)


def fill_settings(page: Page, **values: object) -> None:
    form = app(page)
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if isinstance(value, bool):
            field.set_checked(value)
        elif field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


#: The parts of a row of own texts that the admin types, in the row's order.
TYPED_PARTS = ("code", "label", "next_step")


def add_overrides(page: Page, *rows: tuple[str, str, str]) -> None:
    """Fill in one new row of own texts per ``(code, label, next step)``."""
    form = app(page)
    for row in rows:
        count = form.locator("#override-rows .override").count()
        form.locator("#add-override").click()
        added = form.locator("#override-rows .override").nth(count)
        for part, text in zip(TYPED_PARTS, row, strict=True):
            added.locator(f"[data-part={part}]:not(.error)").fill(text)


def override_rows(page: Page) -> list[list[str]]:
    """What each row of own texts holds: ``[code, label, next step]``."""
    rows = app(page).locator("#override-rows .override")
    return [[rows.nth(n).locator(f"[data-part={part}]:not(.error)").input_value() for part in TYPED_PARTS]
            for n in range(rows.count())]


def cell_errors(page: Page, name: str) -> list[str]:
    return app(page).locator(f'.error[data-for="{name}"] span').all_inner_texts()


def save(page: Page) -> str:
    app(page).locator("#save").click()
    return wait_status(page, "ok")


def play_card(page: Page, lang: str = "en") -> None:
    page.evaluate("options => emulator.openCard(options)", {"state": "idle", "lang": lang})
    page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)", arg=list(ALL_EVENTS))
    wait_for(app(page).locator("html[data-engine=python]"), timeout=60_000)


def commands(page: Page) -> list[str]:
    return [str(command) for command in page.evaluate("emulator.commands.map(c => c.command)")]


def test_fresh_portal_offers_install_and_install_binds_the_tab_once(
        page: Page, fresh_portal: Servers) -> None:
    page.goto(fresh_portal.emulator_url)  # as a newcomer: the emulator starts by itself
    offer = page.locator("#frame-slot .offer button")
    wait_for(offer)
    assert page.locator("#frame-slot iframe").count() == 0  # no tab before the app is installed
    offer.click()
    text = wait_status(page, "ok")
    assert "Call Timeline is installed" in text
    steps = app(page).locator("#steps li")
    assert steps.evaluate_all("items => items.map(item => item.dataset.state)") == ["done", "done", "done"]
    assert "setInstallFinish" in commands(page)
    state = fresh_portal.portal.state()
    assert state["installed"] is True
    [tab] = state["placements"]
    assert tab["handler"] == fresh_portal.app_url
    # The tab's title in every language the card speaks, as Bitrix24 names them.
    assert tab["langAll"] == {code: {"TITLE": i18n.text("title", code)} for code in i18n.LANGUAGES}
    assert (tab["langAll"]["en"], tab["langAll"]["ru"], tab["langAll"]["de"], tab["langAll"]["ua"]) == (
        {"TITLE": "Call timeline"}, {"TITLE": "Хронология звонка"}, {"TITLE": "Anrufchronik"},
        {"TITLE": "Хронологія дзвінка"})
    assert placement_calls(fresh_portal) == ["placement.get", "placement.bind"]

    # Running the install page again finds the tab and does not add a second one.
    page.evaluate("emulator.openPage('install')")
    again = wait_status(page, "ok")
    assert "tab is in place" in again
    assert len(fresh_portal.portal.state()["placements"]) == 1
    assert placement_calls(fresh_portal).count("placement.bind") == 1

    # The call card now has the tab, and the app opens in it.
    play_card(page)
    assert page.locator("#tabs .tab").all_inner_texts() == ["CRM", "Call timeline"]

    # What the portal keeps outlives the emulator.
    restarted = Portal(state_path=fresh_portal.portal.state_path)
    assert restarted.state()["placements"] == fresh_portal.portal.state()["placements"]
    assert restarted.installed


def test_install_errors_say_what_to_do_and_try_again_works(emulator: Page, fresh_portal: Servers) -> None:
    servers = fresh_portal
    emulator.evaluate("emulator.setInstallFault('no-telephony')")
    emulator.evaluate("emulator.openPage('install')")
    text = wait_status(emulator, "error")
    assert "telephony scope is missing" in text and "placement and telephony" in text
    retry = app(emulator).locator("#retry")
    assert retry.is_visible()

    emulator.evaluate("emulator.setInstallFault('unreachable')")
    retry.click()
    assert "could not be reached" in wait_status(emulator, "error", saying="could not be reached")

    emulator.evaluate("emulator.setInstallFault('bad-argument')")
    retry.click()
    text = wait_status(emulator, "error", saying="refused the tab's settings")
    assert "refused the tab's settings" in text and "ERROR_ARGUMENT" in text
    assert servers.portal.state()["placements"] == []
    assert "setInstallFinish" not in commands(emulator)

    emulator.evaluate("emulator.setInstallFault('')")
    retry.click()
    assert "installed" in wait_status(emulator, "ok")
    assert len(servers.portal.state()["placements"]) == 1
    assert "setInstallFinish" in commands(emulator)


@pytest.fixture
def installed(emulator: Page, fresh_portal: Servers) -> Page:
    fresh_portal.install_app()
    return emulator


def test_admin_saves_settings_and_the_next_card_follows_them(
        installed: Page, fresh_portal: Servers) -> None:
    page = installed
    open_settings(page)
    assert app(page).locator("#settings").get_attribute("data-ready") == "editable"
    fill_settings(page, language="ru", keep_open=True, keep_open_minutes=3,
                  expected_codes="487, 603-s", show_client_changes=False, clock="12h")
    add_overrides(page, BUSY_OVERRIDE)
    assert "Saved" in save(page)
    expect(app(page).locator("#status")).to_be_in_viewport()  # beside Save, not scrolled away
    assert page.locator("#app-options").inner_text() == settings.OPTION_NAME  # the portal shows it
    stored = json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])
    assert stored["version"] == settings.VERSION and stored["language"] == "ru"
    assert stored["expected_codes"] == ["487", "603-S"]

    # A busy call, failed as a portal fails it (the code only in call statistics): the admin's
    # words, kept open until "Done".
    play_card(page, lang="en")
    card = app(page)
    page.evaluate("emulator.setCallState('connecting')")
    page.evaluate("emulator.changeClient()")
    page.evaluate("emulator.endCall('failed', '486')")
    wait_for(card.locator(".outcome-failed"), timeout=20_000)
    assert card.locator(".outcome").inner_text() == "Линия занята"  # forced Russian, own label
    assert card.locator(".entry.state-idle .detail").last.inner_text().startswith("486 · Линия занята")
    assert card.locator(".failure-next").inner_text() == "Что сделать: Запланируйте обратный звонок в CRM"
    assert re.fullmatch(r"\d{1,2}:\d\d:\d\d [AP]M", card.locator(".entry .clock").first.inner_text())
    assert card.locator(".entry.notice-client").count() == 1
    assert not card.locator(".entry.notice-client").is_visible()  # client changes hidden
    assert page.evaluate("emulator.call.autoClose") is False  # held: the portal's close was refused
    done = card.locator(".hold .done")
    assert done.text_content() == "Готово"  # (drawn in capitals, as Bitrix24's buttons are)
    assert re.search(r"через (3:00|2:[45]\d)\.$", card.locator(".hold-text").inner_text())
    assert page.evaluate("emulator.tryClose()") is False  # the portal cannot close it now
    done.click()
    wait_for(page.locator("#frame-slot iframe"), state="detached")  # the portal closes the card at once
    assert page.evaluate("emulator.closed.at(-1).why") == "enableAutoClose"

    # An expected outcome is drawn neutrally and lets go at once (a browser call failure: the
    # portal does not close the card by itself, so it stays to be read).
    play_card(page, lang="en")
    page.evaluate("emulator.setCallState('connecting')")
    page.evaluate("emulator.endCall('webrtc', '487')")
    wait_for(card.locator(".outcome-expected"), timeout=20_000)
    assert card.locator(".outcome").inner_text() == "Отменён"  # neutral: .outcome-expected
    assert card.locator(".failure.code-expected").is_visible()
    # The card sends its frame commands before it draws the event: the portal has them all.
    sync_with_portal(page)
    assert commands(page).count("enableAutoClose") == 1
    assert not card.locator(".hold").is_visible()


@pytest.mark.parametrize(("lang", "pattern"), [("en", r"\d{1,2}:\d\d:\d\d\s[AP]M"),
                                              ("ru", r"\d\d:\d\d:\d\d")])
def test_a_fresh_install_writes_times_as_the_language_does_in_the_card_and_its_quick_view(
        installed: Page, lang: str, pattern: str) -> None:
    page = installed
    play_card(page, lang=lang)
    card = app(page)
    page.evaluate("emulator.setCallState('connecting', '', 'array')")
    wait_for(card.locator(".entry.state-connecting .clock"))
    python = card.locator(".entry.state-connecting .clock").inner_text()
    assert re.fullmatch(pattern, python), python
    quick = app_frame(page).evaluate(
        "() => document.querySelector('#quick-log li:last-child time').textContent")
    assert quick == python  # the quick view, before Python, wrote the very same time
    assert app_frame(page).evaluate("() => document.documentElement.lang") == lang


def test_kept_open_card_closes_when_the_admins_time_is_up(installed: Page, fresh_portal: Servers) -> None:
    """Held past the portal's own close, renewed before the portal lets go, released at the limit.

    The portal's timers run on Playwright's clock; the card's Python, in a
    worker that clock does not reach, on a :class:`WorkerClock`.
    """
    page = installed
    stored = settings.dumps(settings.Settings(keep_open=True, keep_open_minutes=1))
    fresh_portal.portal.app_options[settings.OPTION_NAME] = stored
    worker = WorkerClock(page.context)
    page.clock.install()
    page.reload()  # the emulator's timers start on the installed clock
    play_card(page)
    page.evaluate("emulator.setCallState('connecting')")
    page.evaluate("emulator.endCall('failed', '480')")  # idle, then the portal's auto-close: held
    hold = app(page).locator(".hold-text")
    expect(hold).to_contain_text("closes by itself in 1:00", timeout=20_000)  # the outcome is known
    assert page.evaluate("emulator.call.autoClose") is False
    assert commands(page).count("disableAutoClose") == 1  # the hold sent at bind

    worker.advance(app_frame(page), 46_000)  # the portal's timer (60 s in the docs) is renewed before
    page.wait_for_function("emulator.commands.filter(c => c.command === 'disableAutoClose').length === 2")
    page.clock.run_for(60_000)  # 60 s after the renewal, on the portal's clock: still held
    sync_with_portal(page)
    assert page.locator("#frame-slot iframe").count() == 1 and page.evaluate("emulator.closed") == []
    assert "enableAutoClose" not in commands(page)

    worker.advance(app_frame(page), 15_000)  # the admin's minute is up
    wait_for(page.locator("#frame-slot iframe"), state="detached")
    assert page.evaluate("emulator.closed.at(-1).why") == "enableAutoClose"
    assert commands(page).count("enableAutoClose") == 1


def test_non_admin_sees_the_settings_as_text_and_cannot_save(installed: Page, fresh_portal: Servers) -> None:
    """No form, no button, no help that says to edit: the settings in words, and who may change them."""
    page = installed
    hostile = "<img src=x onerror=alert(1)>"
    chosen = settings.Settings(language="ru", keep_open=True, keep_open_minutes=3,
                               overrides=(settings.Override("486", "Linie besetzt", hostile, "de"),))
    before = settings.dumps(chosen)
    fresh_portal.portal.app_options[settings.OPTION_NAME] = before
    open_settings(page, admin=False, lang="de")  # returns once the settings are drawn as text
    shown = app(page)
    summary = shown.locator("#summary")
    terms = summary.locator(":scope > dt").all_inner_texts()
    assert terms[:3] == ["Sprache im Anruffenster", i18n.text("settings.keep_open", "de"),
                         i18n.text("settings.keep_open_minutes", "de")]
    assert summary.locator(":scope > dd").all_inner_texts()[:3] == ["Русский", "Ja", "3"]
    row = summary.locator("dd dl dt", has_text="486")
    assert row.inner_text() == "486 · Deutsch"
    assert summary.locator("dd dd dd").all_inner_texts() == ["Linie besetzt", hostile]  # markup as text
    assert shown.locator("img").count() == 0
    # Nothing there to use, and nothing that says to edit.
    assert shown.locator("input:visible, select:visible, textarea:visible, button:visible").count() == 0
    assert shown.locator(".help:visible").count() == 0
    expect(shown.locator("#notice")).to_have_text(i18n.text("settings.read_only", "de"))

    # Even a forced submit is refused, by the page and by the portal.
    app_frame(page).evaluate("""() => {
      document.getElementById('fields').disabled = false;
      document.getElementById('language').value = 'en';
      document.getElementById('settings').requestSubmit();
    }""")
    assert wait_status(page, "error") == i18n.text("settings.refused", "de")
    appsid = page.evaluate("emulator.call.appSid")
    app_frame(page).evaluate("""([sid, origin]) => window.parent.postMessage(
      `setAppOption:${JSON.stringify({name: 'call_timeline_settings', value: '{}'})}:x1:${sid}`, origin)""",
                         [appsid, fresh_portal.emulator_url.rstrip("/")])
    page.wait_for_function("emulator.rejected.some(r => r.reason === 'not_admin')")
    assert fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME] == before


def test_each_invalid_input_is_refused_with_its_message(installed: Page, fresh_portal: Servers) -> None:
    page = installed
    open_settings(page)
    form = app(page)
    app_frame(page).evaluate("""() => {
      const language = document.getElementById('language');
      language.append(Object.assign(document.createElement('option'), {value: 'xx', textContent: 'xx'}));
      language.value = 'xx';
    }""")
    fill_settings(page, keep_open=True, keep_open_minutes="0", expected_codes="487, hello")
    add_overrides(page, ("4866", "Busy", ""), ("", "", ""), ("486", "", ""), ("404", "Wrong number", ""),
                  ("404", "Again", ""), ("480", "x" * 81, ""))
    form.locator("#save").click()
    assert "Nothing was saved" in wait_status(page, "error")

    def errors(name: str) -> list[str]:
        return cell_errors(page, name)

    assert errors("language") == ["Choose one of the offered options."]
    assert errors("keep_open_minutes") == ["Enter a whole number of minutes from 1 to 60."]
    assert errors("expected_codes") == [
        "“hello” is not a failure code: write one such as 487, 603-S or OTHER."]
    # Each cell's message beside it; the empty row is no mistake.
    assert errors("overrides.0.code") == [
        "“4866” is not a failure code: write one such as 486, 603-S or OTHER."]
    assert errors("overrides.2.label") == ["Write a label or a next step for 486, or remove this row."]
    assert errors("overrides.4.code") == ["Code 404 is already listed above."]
    assert errors("overrides.5.label") == ["Longer than 80 characters."]
    assert form.locator(".error:visible").count() == 7
    assert form.locator("#keep_open_minutes").get_attribute("aria-invalid") == "true"
    code = form.locator("#override-rows .override").first.locator("input[data-part=code]")
    assert code.get_attribute("aria-invalid") == "true"
    message_id = code.get_attribute("aria-describedby")
    assert message_id and form.locator(f"#{message_id}").inner_text() == errors("overrides.0.code")[0]
    expect(form.locator("#language")).to_be_focused()  # the first mistake, in the page's order
    assert "setAppOption" not in commands(page)
    assert settings.OPTION_NAME not in fresh_portal.portal.state()["appOptions"]

    # Fixing the fields clears their messages and saves.
    app_frame(page).evaluate("() => { document.getElementById('language').value = 'portal'; }")
    fill_settings(page, keep_open_minutes="10", expected_codes="487")
    for _ in range(5):  # every row but "404 | Wrong number"
        rows = form.locator("#override-rows .override")
        rows.nth(0 if rows.first.locator("input[data-part=code]").input_value() != "404" else 1) \
            .locator("button.remove").click()
    assert override_rows(page) == [["404", "Wrong number", ""]]
    assert "Saved" in save(page)
    assert form.locator(".error:visible").count() == 0
    stored = json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])
    assert stored["overrides"] == [{"code": "404", "label": "Wrong number", "next_step": ""}]


def test_a_failed_save_brings_the_first_mistake_into_view_and_focus(installed: Page) -> None:
    page = installed
    open_settings(page)
    form = app(page)
    fill_settings(page, keep_open=True, keep_open_minutes="0")
    add_overrides(page, *[(code, "Own words", "") for code in ("480", "486", "603", "404")],
                  ("abc", "Not a code", ""))
    minutes = form.locator("#keep_open_minutes")
    form.locator("#save").scroll_into_view_if_needed()
    expect(minutes).not_to_be_in_viewport()  # the page is scrolled to Save, far below the mistake
    form.locator("#save").click()
    assert "Nothing was saved" in wait_status(page, "error")
    expect(minutes).to_be_focused()
    expect(form.locator('.error[data-for="keep_open_minutes"]')).to_be_in_viewport()
    expect(minutes).to_be_in_viewport()

    # With the minutes right, the first mistake is a cell of the table.
    fill_settings(page, keep_open_minutes="5")
    form.locator("#save").scroll_into_view_if_needed()
    form.locator("#save").click()
    bad_code = form.locator("#override-rows .override").nth(4).locator("input[data-part=code]")
    expect(bad_code).to_be_focused()
    expect(form.locator('.error[data-for="overrides.4.code"]')).to_contain_text("“abc” is not a failure code")
    expect(form.locator('.error[data-for="overrides.4.code"]')).to_be_in_viewport()


def test_the_minutes_are_disabled_while_the_card_is_not_kept_open(installed: Page) -> None:
    page = installed
    open_settings(page)
    form = app(page)
    minutes = form.locator("#keep_open_minutes")
    assert not form.locator("#keep_open").is_checked()  # off on a fresh install
    expect(minutes).to_be_disabled()
    form.locator("#keep_open").check()
    expect(minutes).to_be_enabled()
    form.locator("#keep_open").uncheck()
    expect(minutes).to_be_disabled()
    assert "Saved" in save(page)  # a disabled field is no reason to refuse


def test_the_overrides_table_offers_the_catalogue_and_adds_and_removes_rows(
        installed: Page, fresh_portal: Servers) -> None:
    page = installed
    hostile = "<img src=x onerror=alert(1)>"
    stored = settings.Settings(overrides=(settings.Override("603", hostile),))
    fresh_portal.portal.app_options[settings.OPTION_NAME] = settings.dumps(stored)
    open_settings(page, lang="ru")
    form = app(page)
    title = app_frame(page).evaluate("() => [document.documentElement.lang, document.title]")
    assert title == ["ru", "Настройки «Хронологии звонка»"]  # the page and its tab say they are Russian
    assert override_rows(page) == [["603", hostile, ""]]  # stored words shown as text, never as markup
    assert form.locator("img").count() == 0
    assert form.locator("#override-rows .builtin").inner_text() == "Отклонён"
    expect(form.locator("#overrides-empty")).to_be_hidden()
    assert form.locator("#catalogue-codes option[value='486']").get_attribute("label") == "Занято"

    form.locator("#add-override").click()
    new_code = form.locator("#override-rows .override").nth(1).locator("input[data-part=code]")
    expect(new_code).to_be_focused()
    new_code.fill("486")  # as picking it from the list does
    row = form.locator("#override-rows .override").nth(1)
    expect(row.locator(".builtin")).to_have_text("Занято")
    assert row.locator("input[data-part=label]").get_attribute("placeholder") == "Занято"
    assert row.locator("textarea[data-part=next_step]").get_attribute("placeholder") == (
        "Перезвоните через несколько минут или запланируйте обратный звонок.")
    row.locator("textarea[data-part=next_step]").fill("Запланируйте обратный звонок в CRM")

    form.locator("#override-rows .override").first.locator("button.remove").click()
    assert override_rows(page) == [["486", "", "Запланируйте обратный звонок в CRM"]]
    expect(form.locator("#override-rows .override").first.locator("input[data-part=code]")).to_be_focused()
    save(page)
    saved = json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])
    assert saved["overrides"] == [  # a new row is for the page's language, unless the admin picks another
        {"code": "486", "label": "", "next_step": "Запланируйте обратный звонок в CRM", "lang": "ru"}]

    form.locator("#override-rows button.remove").click()
    expect(form.locator("#overrides-empty")).to_be_visible()
    save(page)
    assert json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])["overrides"] == []


def test_an_override_row_can_be_for_one_language(installed: Page, fresh_portal: Servers) -> None:
    page = installed
    open_settings(page)
    form = app(page)
    add_overrides(page, ("486", "Line busy", ""), ("486", "Линия занята", ""))
    form.locator("#override-rows .override").nth(0).locator("select[data-part=lang]").select_option("")
    russian = form.locator("#override-rows .override").nth(1)
    russian.locator("select[data-part=lang]").select_option("ru")
    # What its words replace, in its own language.
    expect(russian.locator("textarea[data-part=next_step]")).to_have_attribute(
        "placeholder", "Перезвоните через несколько минут или запланируйте обратный звонок.")
    save(page)
    stored = json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])["overrides"]
    assert stored == [{"code": "486", "label": "Line busy", "next_step": ""},
                      {"code": "486", "label": "Линия занята", "next_step": "", "lang": "ru"}]

    for lang, heading in (("ru", "Линия занята"), ("en", "Line busy")):
        play_card(page, lang=lang)
        page.evaluate("emulator.setCallState('connecting', '', 'array')")
        page.evaluate("emulator.setCallState('idle', '486', 'array')")
        expect(app(page).locator(".outcome")).to_have_text(heading)


def add_row(page: Page) -> Locator:
    """Press *Add a code* and return the row it added."""
    form = app(page)
    count = form.locator("#override-rows .override").count()
    form.locator("#add-override").click()
    added = form.locator("#override-rows .override").nth(count)
    expect(added.locator("input[data-part=code]")).to_be_focused()
    return added


def test_a_new_row_is_for_the_forced_card_language_else_for_the_pages(installed: Page) -> None:
    page = installed
    open_settings(page, lang="de")
    form = app(page)
    expect(add_row(page).locator("select[data-part=lang]")).to_have_value("de")  # the admin's own
    fill_settings(page, language="ru")  # every card speaks Russian now
    expect(add_row(page).locator("select[data-part=lang]")).to_have_value("ru")
    fill_settings(page, language="portal")
    expect(add_row(page).locator("select[data-part=lang]")).to_have_value("de")
    languages = form.locator("#override-rows select[data-part=lang]").evaluate_all(
        "selects => selects.map(select => select.value)")
    assert languages == ["de", "ru", "de"]  # rows already there keep theirs


def test_the_greyed_builtin_words_follow_the_rows_language(installed: Page) -> None:
    """What the admin's words would replace is what cards in the row's language show; for every language, the
    page's."""
    page = installed
    open_settings(page, lang="de")
    row = add_row(page)
    row.locator("input[data-part=code]").fill("486")
    label, next_step = row.locator("input[data-part=label]"), row.locator("textarea[data-part=next_step]")
    for lang, words in (("de", "de"), ("ru", "ru"), ("", "de"), ("la", "la"), ("tr", "tr")):
        row.locator("select[data-part=lang]").select_option(lang)
        busy = codes.describe("486", words)
        expect(label).to_have_attribute("placeholder", busy.label)
        expect(next_step).to_have_attribute("placeholder", busy.next_step)
        expect(row.locator(".builtin")).to_have_text(busy.label)


#: Every box of a row of own texts that shows something: the labels over the parts, the parts, the
#: built-in label, the messages, Remove.
ROW_BOXES = """rows => rows.map(row => {
  const boxes = [...row.querySelectorAll('label, input, select, textarea, button, .builtin, .error')]
    .filter(element => element.getClientRects().length > 0)
    .map(element => {
      const box = element.getBoundingClientRect();
      return {what: `${element.tagName.toLowerCase()} ${element.dataset.part || element.dataset.forPart
                      || element.className}`, left: box.left, right: box.right, top: box.top,
              bottom: box.bottom, width: box.width, cut: element.scrollWidth > element.clientWidth + 1
                      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName),
              hidden: element.tagName === 'TEXTAREA' && element.scrollHeight > element.clientHeight + 1};
    });
  const box = row.getBoundingClientRect();
  return {row: {left: box.left, right: box.right, width: box.width}, boxes};
})"""

#: Whether a select shows its chosen option whole: a select of the same style holding only that option,
#: left its own width, is no wider.
SELECT_SHOWS_ALL = """select => {
  const probe = document.createElement('select');
  probe.append(new Option(select.selectedOptions[0].textContent));
  probe.style.width = 'auto';
  probe.style.minWidth = '0';
  probe.style.maxWidth = 'none';
  select.after(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return [needed, select.getBoundingClientRect().width];
}"""


#: How many characters of a text box's value it shows at once, from the start.
SHOWN_CHARACTERS = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const inside = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  let shown = 0;
  while (shown < input.value.length && context.measureText(input.value.slice(0, shown + 1)).width <= inside) {
    shown += 1;
  }
  return shown;
}"""


def overlaps(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two boxes share more than half a pixel each way (touching edges do not count)."""
    across = min(float(one["right"]), float(other["right"])) - max(float(one["left"]), float(other["left"]))
    down = min(float(one["bottom"]), float(other["bottom"])) - max(float(one["top"]), float(other["top"]))
    return across > 0.5 and down > 0.5


@pytest.mark.parametrize("width", [460, 320])
def test_the_own_texts_read_whole_at_the_cards_width(
        installed: Page, fresh_portal: Servers, width: int) -> None:
    """At the call card's own width (460 px) and the narrow slider's (320 px), in German with long texts:
    no part covers another or is cut off at the edge, and the label and the next step get the row's width."""
    page = installed
    # The longest language name, and a long name of a code beside it.
    slow = settings.Override("504", "Zeitüberschreitung beim Anbieter", "", "br")
    stored = settings.Settings(overrides=(slow,))
    fresh_portal.portal.app_options[settings.OPTION_NAME] = settings.dumps(stored)
    page.add_style_tag(content=f".card {{ flex: 0 0 {width}px !important; width: {width}px; }}")
    open_settings(page, lang="de")
    form = app(page)
    row = add_row(page)
    long_label = "Besetzt: Kunde telefoniert gerade, bitte in zehn Minuten erneut versuchen"
    long_step = ("Rufen Sie den Kunden in zehn Minuten noch einmal an; ist er dann wieder besetzt, "
                 "planen Sie im CRM einen Rückruf für morgen Vormittag zwischen neun und elf Uhr ein.")
    assert len(long_label) <= settings.MAX_LABEL and len(long_step) <= settings.MAX_NEXT_STEP
    row.locator("input[data-part=code]").fill("486")
    row.locator("input[data-part=label]").fill(long_label)
    row.locator("textarea[data-part=next_step]").fill(long_step)
    add_row(page).locator("input[data-part=code]").fill("4866")  # a code's message, long in German
    form.locator("#save").click()
    expect(form.locator('.error[data-for="overrides.2.code"]')).to_be_visible()
    frame = app_frame(page)
    assert frame.evaluate("() => innerWidth") == width
    assert frame.evaluate("() => document.documentElement.scrollWidth") <= width  # nothing wider than the tab

    rows = frame.locator("#override-rows .override").evaluate_all(ROW_BOXES)
    assert len(rows) == 3
    for index, measured in enumerate(rows):
        boxes, edge = measured["boxes"], measured["row"]
        assert len(boxes) >= 9, boxes  # four labels, four parts, Remove (and what the code is called)
        covered = [(one["what"], other["what"]) for n, one in enumerate(boxes) for other in boxes[n + 1:]
                   if overlaps(one, other)]
        assert covered == [], f"row {index}: {covered}"
        outside = [box["what"] for box in boxes
                   if box["left"] < edge["left"] - 0.5 or box["right"] > edge["right"] + 0.5
                   or box["left"] < 0 or box["right"] > width]
        assert outside == [], f"row {index}: {outside}"
        cut = [box["what"] for box in boxes if box["cut"] or box["hidden"]]
        assert cut == [], f"row {index}: {cut}"  # no word cut off, the whole next step in view
        for part in ("input label", "textarea next_step"):
            [text_box] = [box for box in boxes if box["what"] == part]
            assert text_box["width"] >= 0.6 * edge["width"], (index, part, text_box["width"], edge["width"])
    for select in frame.locator("#override-rows select").all():
        needed, shown = select.evaluate(SELECT_SHOWS_ALL)
        # "Alle Sprachen", not "Alle Sprac"
        assert needed <= shown + 0.5, (select.input_value(), needed, shown)
    # The label shows at least 24 characters of the admin's words, not 8.
    characters = frame.locator("#override-rows input[data-part=label]").nth(1).evaluate(SHOWN_CHARACTERS)
    assert characters >= 24, characters
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    row.screenshot(path=str(ARTIFACTS / f"settings-own-texts-de-{width}.png"))


def test_unsaved_changes_are_shown_and_guarded_and_reset_only_fills_the_form(
        installed: Page, fresh_portal: Servers) -> None:
    page = installed
    chosen = settings.Settings(language="en", clock="12h", keep_open=True, keep_open_minutes=9)
    fresh_portal.portal.app_options[settings.OPTION_NAME] = settings.dumps(chosen)
    open_settings(page)
    form = app(page)
    unsaved = form.locator("#unsaved")
    expect(unsaved).to_be_hidden()
    fill_settings(page, clock="24h")
    expect(unsaved).to_be_visible()
    expect(unsaved).to_have_text("Unsaved changes")

    # Leaving now asks first; staying keeps the page and its changes.
    with page.expect_event("dialog") as asked:
        app_frame(page).evaluate("() => { setTimeout(() => location.assign(location.href)); }")
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert form.locator("#clock").input_value() == "24h"

    assert "Saved" in save(page)
    expect(unsaved).to_be_hidden()

    form.locator("#reset").click()
    expect(form.locator("#status")).to_contain_text("Nothing changes until you press Save")
    assert form.locator("#clock").input_value() == "locale"  # times as the card's language writes them
    assert form.locator("#language").input_value() == "portal"
    assert not form.locator("#keep_open").is_checked()
    expect(form.locator("#keep_open_minutes")).to_be_disabled()
    expect(unsaved).to_be_visible()
    stored = json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])
    assert stored["clock"] == "24h" and stored["keep_open"] is True  # nothing stored by the reset
    assert "Saved" in save(page)
    expect(unsaved).to_be_hidden()
    assert json.loads(fresh_portal.portal.state()["appOptions"][settings.OPTION_NAME])["keep_open"] is False

    # With nothing unsaved, leaving does not ask.
    asked_again: list[str] = []

    def ask(dialog: Dialog) -> None:
        asked_again.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", ask)
    with page.expect_event("framenavigated", lambda frame: frame.parent_frame is not None):
        app_frame(page).evaluate("() => { setTimeout(() => location.assign(location.href)); }")
    assert asked_again == []


