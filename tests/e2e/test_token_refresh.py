"""An expired token is refreshed through the frame (``refreshAuth``) and the REST call tried again.

The emulated portal expires a token on demand and answers ``refreshAuth``
as chosen: with a new token, not at all, or with a new token that is
refused too.  The card's call-statistics lookup and the install page both
go on with a fresh token; "the authorisation was refused" is said only when
the refresh could not cure it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from emulator.driver import CallCard, wait_for
from emulator.server import Servers
from placement_app.browser.protocol import REPLY_TIMEOUT_MS


def commands(page: Page) -> list[str]:
    return [str(command) for command in page.evaluate("emulator.commands.map(c => c.command)")]


def lose_the_code_of_a_busy_call(call: CallCard) -> str:
    """A busy call whose code is lost on the wire, with the token expired before the card asks;
    the token that expired."""
    call.open("connecting")
    call.page.evaluate("emulator.setStatistics('record', 1500)")
    call.wait_for_python()
    expired = str(call.page.evaluate("emulator.call.auth"))
    assert call.page.evaluate("emulator.expireToken()") is True
    call.state("idle", "486", wire="state")
    return expired


def test_the_statistics_lookup_refreshes_an_expired_token_and_finds_the_code(
        call: CallCard, servers: Servers) -> None:
    expired = lose_the_code_of_a_busy_call(call)
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".failure-code") == "Code 486"
    assert "refreshAuth" in commands(call.page)
    fresh = call.page.evaluate("emulator.call.auth")
    asked = [entry["params"]["auth"] for entry in servers.portal.rest_log
             if entry["method"] == "voximplant.statistic.get"]
    assert fresh != expired and asked[-1] == fresh


@pytest.mark.parametrize("answer", ["silent", "expired"])
def test_when_the_refresh_fails_the_card_says_the_authorisation_was_refused(
        call: CallCard, answer: str) -> None:
    call.page.evaluate("answer => emulator.setRefreshAuth(answer)", answer)
    call.page.clock.install()  # the card's wait for the portal's answer runs on this clock
    lose_the_code_of_a_busy_call(call)
    if answer == "silent":  # the portal never answers: the card's wait runs out, all of it
        call.page.wait_for_function("() => emulator.commands.some(c => c.command === 'refreshAuth')")
        call.page.clock.run_for(REPLY_TIMEOUT_MS)
    # The operator's words: the refused authorisation itself is for the admin's console.
    wait_for(call.card.locator(".failure-source", has_text="refused the app's request for call statistics"),
             timeout=30_000)
    assert call.read(".failure-code") == "Reason not reported"
    assert commands(call.page).count("refreshAuth") == 1


def install_with_an_expired_token(page: Page, servers: Servers, answer: str) -> str:
    page.goto(servers.emulator_url + "?autostart=0")
    page.evaluate("answer => emulator.setRefreshAuth(answer)", answer)
    page.evaluate("emulator.openPage('install', {expiredToken: true})")
    status = page.frame_locator("#frame-slot iframe").locator(
        "#status[data-tone=ok], #status[data-tone=error]")
    wait_for(status, timeout=60_000)
    return status.inner_text()


def test_the_install_refreshes_an_expired_token_and_binds_the_tab(page: Page, fresh_portal: Servers) -> None:
    words = install_with_an_expired_token(page, fresh_portal, "renew")
    assert "installed" in words
    assert "refreshAuth" in commands(page) and "setInstallFinish" in commands(page)
    assert [tab["handler"] for tab in fresh_portal.portal.state()["placements"]] == [fresh_portal.app_url]
    refused = [entry for entry in fresh_portal.portal.rest_log
               if entry["params"].get("auth") in fresh_portal.portal.expired]
    assert [entry["method"] for entry in refused] == ["placement.get"]  # the first try, once


def test_when_the_new_token_is_refused_too_the_install_says_so(page: Page, fresh_portal: Servers) -> None:
    words = install_with_an_expired_token(page, fresh_portal, "expired")
    assert "did not accept the app's authorisation" in words
    assert commands(page).count("refreshAuth") == 1
    assert fresh_portal.portal.state()["placements"] == []
