"""A call that ends as idle without a code: the card asks the portal's call statistics."""

from __future__ import annotations

import time

import pytest

from emulator.driver import CallCard, wait_for
from emulator.server import Servers
from placement_app.card import statistics


def play_lost_busy_call(call: CallCard, mode: str, delay_ms: int = 1500) -> None:
    call.open("idle")
    call.page.evaluate("([mode, delay]) => emulator.setStatistics(mode, delay)", [mode, delay_ms])
    call.wait_for_python()
    call.state("connecting")  # and at once a busy line: no ringing
    call.end("failed", "486")  # idle, the state alone (the code never crosses the frame), then auto-close


def test_missing_code_is_completed_from_call_statistics(call: CallCard, servers: Servers) -> None:
    play_lost_busy_call(call, "record")
    wait_for(call.card.locator(".failure-reason", has_text="Looking up the reason"))
    wait_for(call.card.locator(".failure-reason", has_text=f"attempt 1 of {len(statistics.DELAYS_MS)}"))
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".failure-code") == "Code 486"
    assert call.read(".outcome") == "Busy"
    assert call.read(".failure-source") == "Code from the portal's call statistics"
    assert "Busy here" not in call.text()  # the catalogue's words, not the telephony's phrase
    last_row = call.card.locator(".entry.state-idle .detail").last
    assert last_row.inner_text() == "486 · Busy (from call statistics)"
    me = call.page.evaluate("emulator.call")
    asked = [entry for entry in servers.portal.rest_log
             if entry["params"].get("FILTER[CALL_ID]") == me["callId"]]
    assert asked and all(entry == {"method": "voximplant.statistic.get",
                                   "params": {"FILTER[CALL_ID]": me["callId"], "auth": me["auth"]}}
                         for entry in asked)


@pytest.mark.parametrize(("mode", "detail", "operator"), [
    ("no-scope", "the app has no telephony scope", "ask your portal administrator"),
    ("bad-auth", "did not accept the app's authorisation", "ask your portal administrator"),
    # The user lacks "Call statistics: view": one plain line; the admin learns which permission.
    ("access-denied", 'permission "Call statistics: view"', "may not view call statistics"),
])
def test_an_error_from_call_statistics_leaves_the_entry_honest(call: CallCard, mode: str,
                                                               detail: str, operator: str) -> None:
    """The operator is sent to their admin; the admin's detail is in the console, not on the card."""
    console: list[str] = []
    call.page.context.on("console", lambda message: console.append(message.text))  # the worker's too
    play_lost_busy_call(call, mode)
    wait_for(call.card.locator(".failure-source", has_text=operator), timeout=20_000)
    assert call.read(".failure-code") == "Reason not reported"
    assert call.read(".outcome") == "Not answered"
    assert "scope" not in call.text() and "authorisation" not in call.text()
    while not any(detail in text for text in console):
        call.page.context.wait_for_event("console")
    # The next call in the same card: its own ringing row (the lost call had one already).
    rang = call.card.locator(".entry.state-connecting").count()
    call.state("connecting")
    wait_for(call.card.locator(".entry.state-connecting").nth(rang))
    assert call.read(".state") == "Ringing" and not call.card.locator(".outcome").is_visible()


def test_no_record_gives_up_after_about_fifteen_seconds(call: CallCard) -> None:
    waits = sum(statistics.DELAYS_MS) / 1000  # the card's waits between its tries
    play_lost_busy_call(call, "no-record")
    ended = time.monotonic()
    wait_for(call.card.locator(".failure-source", has_text="no record of this call"), timeout=25_000)
    took = time.monotonic() - ended
    assert waits <= took <= waits + 5, f"gave up after {took:.1f} s"
    assert call.read(".failure-code") == "Reason not reported"
