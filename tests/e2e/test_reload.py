"""The call's timeline survives a reload of the tab, whatever the storage does.

The page keeps every event in the call's log as it comes; the reloaded card rebuilds the call
from it.
"""

from __future__ import annotations

import pytest

from emulator.driver import ALL_EVENTS, CallCard, wait_for

# The call's log in the card's storage, once it holds ``text``.
LOGGED = """([text]) => Object.keys(localStorage).some((name) => name.startsWith('call-timeline:v1:log:')
  && localStorage.getItem(name).includes(text))"""


def wait_until_saved(call: CallCard, text: str) -> None:
    """Wait until the call's log holds ``text``."""
    call.frame.wait_for_function(LOGGED, arg=[text])


def reload_tab(call: CallCard) -> None:
    call.page.evaluate("emulator.reloadCard()")
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))
    call.wait_for_python()


def test_timeline_survives_a_reload_of_the_tab(call: CallCard) -> None:
    call.page.clock.install()  # the page's clock stamps the events: 1.1 s of ringing at once
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    call.page.clock.run_for(1_100)
    call.state("connected")
    wait_for(call.card.locator(".entry.state-connected"))
    wait_until_saved(call, "connected")
    before = call.card.locator(".entries .clock").all_inner_texts()
    ring = call.read(".ring")
    # 1.1 s between instants rounded down to their second (timeline.between): 0:01 or 0:02.
    assert ring in ("0:01", "0:02")
    reload_tab(call)
    assert call.rows() == ["Waiting for the call (since the card opened)", "Ringing", "Talking"]
    assert call.card.locator(".entries .clock").all_inner_texts() == before
    assert call.read(".ring") == ring  # as it was before the reload
    call.state("idle")
    wait_for(call.card.locator(".outcome-answered"))
    assert call.rows()[-1] == "Call ended"


def test_a_new_call_starts_a_fresh_timeline(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    wait_until_saved(call, "486")  # a saved call that a new one must not pick up
    call.open("connecting")
    call.wait_for_python()
    assert call.rows() == ["Ringing (since the card opened)"]


def test_no_auth_token_is_kept_in_storage(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    call.state("connected")
    wait_until_saved(call, "connected")
    token = call.page.evaluate("emulator.call.auth")
    stored = call.frame.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert "call-timeline:v1:log:" in stored
    assert token not in stored


def test_a_corrupt_log_is_ignored(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    wait_until_saved(call, "connecting")
    call_id = call.page.evaluate("emulator.call.callId")
    call.frame.evaluate("key => localStorage.setItem(key, '<img src=x onerror=alert(1)>')",
                        f"call-timeline:v1:log:{call_id}")
    reload_tab(call)
    assert call.rows() == ["Ringing (since the card opened)"]


@pytest.mark.parametrize(("script", "warning"), [
    ("Object.defineProperty(window, 'localStorage', "
     "{get() { throw new DOMException('no', 'SecurityError'); }});", "local storage is not available"),
    ("Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
     "could not be kept for a reload"),
], ids=["disabled", "full"])
def test_the_card_works_when_storage_is_disabled_or_full(call: CallCard, script: str, warning: str) -> None:
    call.page.context.add_init_script(script)
    errors: list[str] = []
    warnings: list[str] = []
    call.page.on("pageerror", lambda error: errors.append(str(error)))
    call.page.on("console", lambda message: warnings.append(message.text))
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    while not any(warning in text for text in warnings):  # the card found out, and said so
        call.page.wait_for_event("console")
    reload_tab(call)  # nothing could be kept: the tab starts afresh, and still works
    assert call.rows() == ["Waiting for the call (since the card opened)"]
    call.state("connecting")
    wait_for(call.card.locator(".entry.state-connecting"))
    assert errors == []
