"""Hostile or broken input from the parent frame: shown as text or ignored, never obeyed."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page

from emulator.driver import CallCard, wait_for


@pytest.fixture
def call(call_on_each_start_path: CallCard) -> CallCard:
    """Every test here runs on both start-up paths: from the build's snapshot and the normal way."""
    return call_on_each_start_path

FUZZ = r"""async ({count, seed}) => {
  let state = seed >>> 0;
  const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 4294967296);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const nasty = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">',
    '"><b>bold</b>', 'javascript:alert(1)', '\u202eevil\u202c', 'e\u0301\u200d\ud83d\udc7e',
    '\ud800', 'null', '{"failedCode":"486"}', 'idle', 'connected ', 'IDLE', '486', '603-S', ''];
  const value = (depth) => {
    const roll = rand();
    if (depth > 6 || roll < 0.25) return pick(nasty);
    if (roll < 0.35) return 'x'.repeat(Math.floor(rand() * 200000));
    if (roll < 0.45) return pick([0, -1, 486, 1e308, -0.5, 2 ** 53 + 1]);
    if (roll < 0.5) return pick([true, false, null]);
    if (roll < 0.75) return Array.from({length: Math.floor(rand() * 4)}, () => value(depth + 1));
    const object = {};
    for (const key of ['failedCode', 'PHONE_NUMBER', 'CRM_ENTITY_TYPE', 'CRM_ENTITY_ID', '__proto__',
                       'constructor', pick(nasty)]) if (rand() < 0.5) object[key] = value(depth + 1);
    return object;
  };
  const events = ['CallCard::CallStateChanged', 'CallCard::EntityChanged', 'CallCard::BeforeClose'];
  for (let i = 0; i < count; i++) {
    const roll = rand();
    if (roll < 0.5) {
      const state = pick(['idle', 'connecting', 'connected', value(3)]);
      emulator.fire('CallCard::CallStateChanged', rand() < 0.5 ? value(0) : [state, value(1)]);
    } else if (roll < 0.8) {
      emulator.fire(pick(events), value(0));
    } else {
      const callback = pick(emulator.callbacks(pick(events)));
      emulator.post(pick([`${callback}:${pick(nasty)}`, `${callback}:`, `${callback}`, `nope:"idle"`,
                          value(0), {method: 'x'}, 42, null, ':::::',
                          `${callback}:${JSON.stringify(value(0))}`]));
    }
    if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0));  // a yield, not a wait
  }
  return count;
}"""

# The card's own elements only (BUTTON: "Done" on a card kept open after a failed call).
ALLOWED_TAGS = {"HTML", "HEAD", "META", "TITLE", "LINK", "SCRIPT", "BODY", "MAIN", "SECTION", "P",
                "PROGRESS", "OL", "LI", "TIME", "SPAN", "DIV", "DL", "DT", "DD", "BUTTON", "H1"}
ALLOWED_ATTRIBUTES = {"lang", "data-engine", "charset", "name", "content", "rel", "href", "type", "id",
                      "src", "class", "hidden", "aria-live", "aria-label", "max", "value", "datetime",
                      "data-events", "data-action", "data-start", "as", "crossorigin", "role",
                      "aria-atomic", "tabindex"}  # tabindex: the Earlier line, which scrolls

SHAPE = """() => {
  const tags = new Set(), attributes = new Set();
  for (const element of document.querySelectorAll('*')) {
    tags.add(element.tagName);
    for (const attribute of element.attributes) attributes.add(attribute.name);
  }
  return {tags: [...tags], attributes: [...attributes], scripts: document.scripts.length};
}"""


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_random_payloads_are_shown_as_text_and_the_card_still_answers(call: CallCard) -> None:
    errors = console_errors(call.page)
    call.open("connecting")
    call.wait_for_python()
    sent = call.page.evaluate(FUZZ, {"count": 2000, "seed": 1})
    assert sent == 2000
    call.state("idle")  # leave whatever state the fuzz reached
    call.state("connected", wire="array")
    # A last event no fuzz can send: once it is drawn, every earlier one has been handled.
    call.fire("CallCard::EntityChanged", {"PHONE_NUMBER": "+70000000042"})
    wait_for(call.card.locator(".entries .entry .detail", has_text="+70000000042"))
    assert call.card.locator(".status .state-connected").is_visible()
    assert call.rows()[-2:] == ["Talking", "Client"]
    shape = call.frame.evaluate(SHAPE)
    assert set(shape["tags"]) <= ALLOWED_TAGS
    assert set(shape["attributes"]) <= ALLOWED_ATTRIBUTES
    assert shape["scripts"] == 2  # the boot data and the shim: nothing added
    assert call.frame.evaluate("window.__pwned") is None
    assert errors == []
    assert call.card.locator(".entries .entry").count() <= 200


def test_messages_from_a_wrong_origin_or_window_are_ignored(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    callback = call.page.evaluate("emulator.callbacks('CallCard::CallStateChanged')[0]")
    forged = f'{callback}:["idle",{{"failedCode":"486"}}]'
    # 1. the card's own window (right data, wrong origin and source)
    call.frame.evaluate("data => window.postMessage(data, '*')", forged)
    # 2. a frame on another origin, next to the card in the portal page
    evil = call.servers.app_url + "evil.html"
    call.page.context.route(evil, lambda route: route.fulfill(content_type="text/html", body=(
        f"<script>parent.frames[0].postMessage({forged!r}, '*');</script>")))
    # 3. a frame on the portal's own origin that is not the portal window
    sibling = call.servers.emulator_url + "sibling.html"
    call.page.context.route(sibling, lambda route: route.fulfill(content_type="text/html", body=(
        f"<script>parent.frames[0].postMessage({forged!r}, '*');</script>")))
    for url in (evil, sibling):
        call.page.evaluate("""url => new Promise(resolve => {
            const frame = Object.assign(document.createElement('iframe'), {src: url});
            frame.onload = resolve;
            document.body.append(frame);
        })""", url)
    # The real portal is still heard; its event, sent after the forged ones, is the only one taken.
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    assert call.read(".failure-code") == "Code 486"
    assert call.rows() == ["Ringing (since the card opened)", "Call ended"]
    assert call.timeline().events == 1
