"""The portal's secrets never reach the screen, the storage, the console or the frame messages.

A card is opened with init data that carries known tokens and that its
parser cannot use (``PLACEMENT_OPTIONS`` is not JSON), and the portal then
sends events that carry those tokens where a value should be, before Python
is up and after.  Then the card's document, its ``localStorage`` (what the
card keeps for the next page), every console message of the
page, its frames and the card's worker, and every message the card sent the
portal are searched for them.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import ConsoleMessage, Page

from emulator.driver import ALL_EVENTS, STATE_CHANGED, CallCard, wait_for

TOKEN = "SECRETauth0123456789abcdef"
REFRESH = "SECRETrefresh0123456789abcdef"
MEMBER = "SECRETmember0123456789"
SECRETS = (TOKEN, REFRESH, MEMBER)

# Every message a frame of the emulator's page posts to it, as it came (the card's frame
# messages to the portal among them), recorded before the emulator's own listener runs.
RECORD_FRAME_MESSAGES = """(() => {
  if (window !== window.top) return;
  window.fromFrames = [];
  window.addEventListener('message', (event) => {
    if (event.source === window) return;
    window.fromFrames.push(typeof event.data === 'string' ? event.data : JSON.stringify(event.data));
  }, true);
})();"""

STORAGE = "() => JSON.stringify(Object.entries(localStorage))"


class Console:
    """Every console message of the page, its frames and their workers, and every page error."""

    def __init__(self, page: Page) -> None:
        self.texts: list[str] = []
        self.from_workers = 0
        page.context.on("console", self._message)
        page.on("pageerror", lambda error: self.texts.append(f"pageerror: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        self.texts.append(message.text)  # with a preview of every argument, objects and errors too
        if message.worker is not None:
            self.from_workers += 1


def open_card(call: CallCard, **options: Any) -> None:
    call.page.evaluate("options => emulator.openCard(options)", options)
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))


def reload_tab(call: CallCard) -> None:
    call.page.evaluate("emulator.reloadCard()")
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))


def bearing_secrets(call: CallCard) -> None:
    """Events that carry the secrets where values should be, in each way a parser can trip."""
    init = {"AUTH_ID": TOKEN, "REFRESH_ID": REFRESH, "member_id": MEMBER, "DOMAIN": "x.example"}
    call.fire(STATE_CHANGED, ["connecting"])
    call.fire(STATE_CHANGED, ["idle", {"failedCode": init}])  # a code that is an object
    call.fire(STATE_CHANGED, ["connecting"])
    call.fire(STATE_CHANGED, ["idle", {"failedCode": json.dumps(init)}])  # a code that is JSON text
    call.fire(STATE_CHANGED, init)  # a state that is an object
    call.fire("CallCard::EntityChanged", [init])  # client data that is not an object
    callback = call.page.evaluate("name => emulator.callbacks(name)[0]", STATE_CHANGED)
    call.page.evaluate("data => emulator.post(data)", f'{callback}:{{"AUTH_ID": "{TOKEN}", "REFRESH_ID":')


def test_no_secret_reaches_the_screen_the_storage_the_console_or_the_portal(call: CallCard) -> None:
    console = Console(call.page)
    call.page.add_init_script(RECORD_FRAME_MESSAGES)
    call.page.reload()
    release = call.hold_python()
    open_card(call, state="connecting", auth=TOKEN, initData={
        "REFRESH_ID": REFRESH, "MEMBER_ID": MEMBER, "member_id": MEMBER,
        "PLACEMENT_OPTIONS": "{not json, CALL_ID: " + TOKEN,
    })
    app_sid = call.page.evaluate("emulator.call.appSid")
    bearing_secrets(call)  # while Python starts: the quick view alone
    wait_for(call.frame.locator("#quick-log li").nth(3))
    release()
    call.wait_for_python()
    bearing_secrets(call)  # and once Python draws
    wait_for(call.frame.locator(".notice-unrecognised").nth(6))
    assert "(hidden)" in call.text()  # where the secrets were, so the search below means something

    # A tab reloaded before Python ever ran there: the call's log holds its events (searched below).
    held = call.hold_python()
    reload_tab(call)
    call.fire(STATE_CHANGED, ["idle", {"failedCode": {"access_token": TOKEN}}])
    wait_for(call.frame.locator("#quick-log li"))
    reload_tab(call)
    storage = call.frame.evaluate(STORAGE)
    assert "call-timeline:v1:log:" in storage and "failedCode" in storage
    held()
    call.wait_for_python()

    worker = call.page.workers[-1]
    with call.page.expect_console_message(lambda message: "worker console is heard" in message.text):
        worker.evaluate("console.warn('Call Timeline test: worker console is heard')")
    assert console.from_workers > 0
    document = call.frame.evaluate("document.documentElement.outerHTML")
    storage = call.frame.evaluate(STORAGE)
    sent = call.page.evaluate("window.fromFrames")
    assert any(message.startswith("getInitData:") for message in sent)
    for secret in (*SECRETS, app_sid):
        assert secret not in document, secret
        assert secret not in storage, secret
        assert not [text for text in console.texts if secret in text], secret
    for secret in SECRETS:  # APP_SID is on every frame message by the protocol; the tokens never
        assert not [message for message in sent if secret in message], secret
