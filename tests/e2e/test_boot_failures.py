"""When Python cannot start, the operator still sees every state and the decoded code."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from emulator.driver import CallCard, wait_for


@pytest.fixture
def call(call_on_each_start_path: CallCard) -> CallCard:
    """Every test here runs on both start-up paths: from the build's snapshot and the normal way."""
    return call_on_each_start_path


def open_with_time_limit(call: CallCard, state: str, limit_ms: int) -> None:
    """Open a card whose page gives Python ``limit_ms`` to start, and let that time pass at once.

    The limit is a timer of the card's page, which Playwright's clock reaches: the clock runs
    through it as soon as the page has set it (it says it is loading in the same task, or has
    already given up).
    """
    call.page.clock.install()
    call.open(state, url=call.servers.app_url + f"?python_timeout={limit_ms}")
    wait_for(call.card.locator("#quick-notice:not(:empty)"), state="attached")
    call.page.clock.run_for(limit_ms)


def break_wasm(call: CallCard) -> None:
    call.page.context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="gone"))


def break_stdlib(call: CallCard) -> None:
    call.page.context.route("**/python_stdlib.zip", lambda route: route.fulfill(status=404, body="gone"))


def hold_forever(call: CallCard) -> None:
    call.hold_python()


def no_webassembly(call: CallCard) -> None:
    call.page.context.add_init_script("delete globalThis.WebAssembly;")


@pytest.mark.parametrize("breakage", [break_wasm, break_stdlib, hold_forever, no_webassembly],
                         ids=["wasm-404", "stdlib-404", "time-limit", "no-webassembly"])
def test_the_quick_view_shows_states_and_code_when_python_cannot_start(
        call: CallCard, breakage: Callable[[CallCard], None]) -> None:
    breakage(call)
    open_with_time_limit(call, "idle", 3000)
    call.state("connecting")
    wait_for(call.card.locator("html[data-engine=quick]"), timeout=20_000)
    notice = call.card.locator("#quick-notice").inner_text()
    assert notice.startswith("The full timeline could not start; call states are still shown.")
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator("#quick-code"))
    # Python's words: a busy line if it failed at once, declined if it had rung a second first
    # (how long Python took to fail decides which; both views follow the one rule, timeline.rang).
    headline = call.card.locator("#quick-state").inner_text()
    declined = headline == "Declined"
    assert declined or headline == "Busy", headline
    assert call.card.locator("#quick-code").inner_text() == "Code 486"
    next_step = "send a message" if declined else "book a callback"
    assert next_step in call.card.locator("#quick-next").inner_text()
    assert call.card.locator("#quick-log .quick-what").all_inner_texts() == [
        "Waiting for the call (since the card opened)", "Ringing", "Call ended"]
    assert call.card.locator("#quick-log .quick-detail").all_inner_texts()[-1] == (
        "486 · Declined" if declined else "486 · Busy")
    assert call.card.locator("#timeline .entry").count() == 0


def test_unlisted_code_is_decoded_by_class_without_python(call: CallCard) -> None:
    break_wasm(call)
    open_with_time_limit(call, "connecting", 3000)
    wait_for(call.card.locator("html[data-engine=quick]"), timeout=20_000)
    call.state("idle", "599", wire="array")
    wait_for(call.card.locator("#quick-code"))
    assert call.card.locator("#quick-code").inner_text() == "Code 599"
    last_row = call.card.locator("#quick-log .quick-detail").all_inner_texts()[-1]
    assert last_row == "599 · Phone network failure"


def test_slow_python_takes_over_after_the_time_limit_with_nothing_lost(call: CallCard) -> None:
    release = call.hold_python()
    open_with_time_limit(call, "idle", 1000)
    call.state("connecting")
    wait_for(call.card.locator("html[data-engine=quick]"), timeout=20_000)
    call.state("idle", "486", wire="array")
    release()
    call.wait_for_python()
    assert call.rows() == ["Waiting for the call (since the card opened)", "Ringing", "Call ended"]
    assert not call.card.locator("#quick").is_visible()


def test_a_bad_time_limit_in_the_url_is_ignored(call: CallCard) -> None:
    """Given 0 ms, the card still waits for Python (each bad value: tests/js/python_timeout.test.mjs)."""
    warnings: list[str] = []
    call.page.on("console", lambda message: warnings.append(message.text))
    call.open("connecting", url=call.servers.app_url + "?python_timeout=0")
    call.wait_for_python()  # the limit is cleared once Python is live: it had its chance
    assert not [text for text in warnings if "taking too long" in text]


def test_the_quick_view_judges_a_second_attempt_on_its_own(call: CallCard) -> None:
    break_wasm(call)
    open_with_time_limit(call, "idle", 2000)
    wait_for(call.card.locator("html[data-engine=quick]"), timeout=20_000)
    call.state("connecting")
    call.state("idle", "", wire="array")
    wait_for(call.card.locator("#quick-code"))
    assert call.card.locator("#quick-code").inner_text() == "Reason not reported"
    call.state("connecting")
    call.state("connected")
    call.state("idle", "", wire="array")
    wait_for(call.card.locator("#quick-state.state-idle"))
    assert not call.card.locator("#quick-code").is_visible()
    assert call.card.locator("#quick-log .quick-what").all_inner_texts() == [
        "Waiting for the call (since the card opened)", "Ringing", "Call ended",
        "Ringing", "Talking", "Call ended"]


def test_the_quick_view_follows_the_portal_language_through_the_shared_aliases(call: CallCard) -> None:
    break_wasm(call)
    call.open("idle", lang="by", url=call.servers.app_url + "?python_timeout=2000")
    call.state("connecting")
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator("#quick-code"))
    assert call.card.locator("#quick-code").inner_text() == "Код 486"
    assert call.card.locator("#quick-state").inner_text() == "Занято"
