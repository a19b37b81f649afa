"""The call's timeline survives a reload of the tab, whatever the storage does."""

from __future__ import annotations

import pytest
from emulator.driver import ALL_EVENTS



def reload_tab(call):
    call.page.evaluate("emulator.reloadCard()")
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))
    call.wait_for_python()


def test_timeline_survives_a_reload_of_the_tab(call):
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    call.page.wait_for_timeout(1_100)
    call.state("connected")
    call.card.locator(".entry.state-connected").wait_for()
    before = call.card.locator(".entries .clock").all_inner_texts()
    reload_tab(call)
    assert call.rows() == ["No connection (since the card opened)", "Ringing", "Talking"]
    assert call.card.locator(".entries .clock").all_inner_texts() == before
    assert call.read(".ring") == "0:01"
    call.state("idle")
    call.card.locator(".outcome-answered").wait_for()
    assert call.rows()[-1] == "No connection"


def test_a_new_call_starts_a_fresh_timeline(call):
    call.open("connecting")
    call.wait_for_python()
    call.state("idle", "486", wire="array")
    call.card.locator(".failure").wait_for()
    call.page.wait_for_timeout(400)  # saved on the next tick
    call.open("connecting")
    call.wait_for_python()
    assert call.rows() == ["Ringing (since the card opened)"]


def test_no_auth_token_is_kept_in_storage(call):
    call.open("connecting")
    call.wait_for_python()
    call.state("connected")
    call.page.wait_for_timeout(400)
    token = call.page.evaluate("emulator.call.auth")
    stored = call.frame.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert "call-timeline:v1:call:" in stored
    assert token not in stored


def test_a_corrupt_saved_timeline_is_ignored(call):
    call.open("connecting")
    call.wait_for_python()
    call.page.wait_for_timeout(400)
    call_id = call.page.evaluate("emulator.call.callId")
    call.frame.evaluate("key => localStorage.setItem(key, '<img src=x onerror=alert(1)>')",
                        f"call-timeline:v1:call:{call_id}")
    reload_tab(call)
    assert call.rows() == ["Ringing (since the card opened)"]


@pytest.mark.parametrize("script", [
    "Object.defineProperty(window, 'localStorage', "
    "{get() { throw new DOMException('no', 'SecurityError'); }});",
    "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
], ids=["disabled", "full"])
def test_the_card_works_when_storage_is_disabled_or_full(call, script):
    call.page.context.add_init_script(script)
    errors: list[str] = []
    call.page.on("pageerror", lambda error: errors.append(str(error)))
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    call.state("idle", "486", wire="array")
    call.card.locator(".failure").wait_for()
    call.page.wait_for_timeout(400)
    reload_tab(call)  # nothing could be kept: the tab starts afresh, and still works
    assert call.rows() == ["No connection (since the card opened)"]
    call.state("connecting")
    call.card.locator(".entry.state-connecting").wait_for()
    assert errors == []
