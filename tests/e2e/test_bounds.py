"""Every queue and every parse has a bound and a clear outcome, never a crash.

A flood of events while Python starts: the oldest go, and the card says how
many, in the quick view and then in Python's.  A drawing from Python that
cannot be read, or a catalogue that cannot: the card says so and keeps
showing the call.  The emulator's own server not answering: its message
list says so.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route

from emulator.driver import STATE_CHANGED, CallCard, wait_for
from emulator.server import Servers

FLOOD = """count => {
  for (let index = 0; index < count; index += 1) {
    emulator.fire('CallCard::CallStateChanged', index % 2 ? 'connected' : 'connecting');
  }
}"""

# The card's worker with its first drawing spoilt on the way to the page.
SPOIL_FIRST_DRAWING = """{ const realPost = self.postMessage.bind(self); let spoilt = false;
  self.postMessage = (message, ...rest) => {
    if (!spoilt && message && message.type === 'dom') {
      spoilt = true;
      return realPost({ ...message, ops: '[["c", 1, "div"' }, ...rest);
    }
    return realPost(message, ...rest);
  }; }
"""


def errors_of(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_flood_while_python_starts_drops_the_oldest_and_says_how_many(call: CallCard) -> None:
    errors = errors_of(call.page)
    release = call.hold_python()
    call.open("idle")
    call.page.evaluate(FLOOD, 2500)
    dropped_line = call.frame.locator(".quick-dropped")
    wait_for(dropped_line)
    quick = re.search(r"the oldest (\d+) events were dropped", dropped_line.inner_text())
    assert quick is not None
    release()
    call.wait_for_python()
    lost = call.card.locator("#timeline .lost")
    wait_for(lost)
    shown = re.search(r"the oldest (\d+) events were dropped", lost.inner_text())
    assert shown is not None and shown.group(1) == quick.group(1)
    assert 500 <= int(shown.group(1)) <= 502  # the opening data is never among them
    assert call.read(".dropped")  # the timeline itself keeps its own bound
    call.state("connecting")  # the card goes on
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    assert errors == []


def test_a_drawing_that_cannot_be_read_brings_the_quick_view_back(call: CallCard) -> None:
    errors = errors_of(call.page)

    def spoil(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=SPOIL_FIRST_DRAWING + response.text())

    call.page.context.route("**/static/*/engine.js", spoil)
    call.open("connecting")
    call.wait_for_python()
    wait_for(call.frame.locator("#quick-notice", has_text="could not be drawn"))
    assert call.frame.locator("#quick").is_visible()
    call.state("connected")
    wait_for(call.frame.locator("#quick-state", has_text="Talking"))
    assert errors == []


def test_words_that_cannot_be_read_leave_bare_states_and_python_takes_over(
        call: CallCard, servers: Servers) -> None:
    errors = errors_of(call.page)
    refused: list[str] = []
    call.page.context.on("console", lambda message: refused.append(message.text))

    call.page.context.route("**/static/*/rules.json", lambda route: route.fulfill(body="{not json"))
    release = call.hold_python()
    call.open("idle")
    call.fire(STATE_CHANGED, "connecting")
    wait_for(call.frame.locator("#quick-state", has_text="connecting"))
    assert any("quick view's words are unreadable" in text for text in refused)
    release()
    call.wait_for_python()
    wait_for(call.card.locator(".entry.state-connecting"))
    assert call.rows() == ["Waiting for the call (since the card opened)", "Ringing"]
    assert errors == []


def test_the_emulator_says_when_its_server_does_not_answer(page: Page, fresh_portal: Servers) -> None:
    errors = errors_of(page)
    page.context.route("**/emulator/installed", lambda route: route.abort())
    page.context.route("**/emulator/app-option", lambda route: route.abort())
    page.goto(fresh_portal.emulator_url + "?autostart=0")
    page.evaluate("emulator.openPage('install')")
    page.wait_for_function(
        "emulator.log.some(entry => entry.kind === 'bad' && entry.text.includes('/emulator/installed'))",
        timeout=60_000)
    page.evaluate("emulator.openPage('settings')")
    settings = page.frame_locator("#frame-slot iframe")
    wait_for(settings.locator("#settings[data-ready=editable]"), timeout=60_000)
    settings.locator("#save").click()
    page.wait_for_function(
        "emulator.log.some(entry => entry.kind === 'bad' && entry.text.includes('/emulator/app-option'))")
    assert errors == []
