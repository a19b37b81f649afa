"""Look and accessibility in Chromium: one quiet live region, a frame that fits the card, no axe
violations in any state or theme, readable at 240 px, "Copy for support", and screenshots.

axe-core comes from ``node_modules`` (pinned in package.json) and is evaluated in the frame by
Playwright; nothing is fetched from anywhere else.  Screenshots land in ``build/artifacts/``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from build import ROOT
from emulator.driver import CallCard, app_frame
from placement_app.core import settings

ARTIFACTS = ROOT / "build" / "artifacts"
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
SCHEMES = ("light", "dark")
KEEP_OPEN = {"APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(settings.Settings(keep_open=True))}}

#: Counts every change inside the frame's live regions (aria-live, or a role that is one).
WATCH_LIVE = """() => {
  const live = ['[aria-live]:not([aria-live="off"])', '[role=status]', '[role=alert]', '[role=log]',
    '[role=timer]', '[role=marquee]'].join(', ');
  window.liveChanges = [];
  new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (node && node.closest(live)) window.liveChanges.push(node.closest(live).textContent);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
  window.timerChanges = 0;
  new MutationObserver(() => { window.timerChanges += 1; })
    .observe(document.querySelector('#timeline .timer'), { subtree: true, childList: true });
}"""


def shot(page: Page, name: str) -> None:
    """The app's frame as the portal shows it, kept in ``build/artifacts/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#frame-slot iframe").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def axe(frame: Frame) -> list[str]:
    """axe-core's violations in ``frame``: rule, impact and where."""
    if not frame.evaluate("() => typeof axe === 'object'"):
        frame.evaluate(AXE)
    result: dict[str, Any] = frame.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
            f" {v['nodes'][0]['failureSummary']}" for v in result["violations"]]


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest, page: Page) -> str:
    """The operator's system theme (the portal tells the frame none)."""
    page.emulate_media(color_scheme=request.param)
    return str(request.param)


def open_card(call: CallCard, state: str = "idle", lang: str = "en", **options: Any) -> None:
    call.page.evaluate("options => emulator.openCard(options)", {"state": state, "lang": lang, **options})
    call.page.wait_for_function("() => emulator.bound('CallCard::CallStateChanged') === 1")


def wait_for_ticks(frame: Frame, ticks: int) -> None:
    """Wait until the running timer has changed ``ticks`` more times (the sign that time passed)."""
    start = frame.evaluate("() => window.timerChanges")
    frame.wait_for_function("want => window.timerChanges >= want", arg=start + ticks, timeout=15_000)


def test_live_region_hears_state_changes_only_never_the_timers(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    frame = call.frame
    frame.locator("#announce", has_text="Ringing").wait_for(state="attached")
    frame.evaluate(WATCH_LIVE)
    wait_for_ticks(frame, 5)  # five seconds of a running timer
    assert frame.evaluate("() => window.liveChanges") == []
    call.state("connected")
    frame.locator("#announce", has_text="Talking").wait_for(state="attached")
    wait_for_ticks(frame, 2)
    assert frame.evaluate("() => window.liveChanges") == ["Talking"]
    call.state("idle", "486", wire="array")
    frame.locator("#announce", has_text="Call ended").wait_for(state="attached")
    # What is heard is the one headline the card shows (an answered call ended by 486 is not "failed").
    assert frame.evaluate("() => window.liveChanges") == ["Talking", call.read(".outcome")]


def frame_height(page: Page) -> float:
    return float(page.locator("#frame-slot iframe").evaluate("frame => frame.getBoundingClientRect().height"))


def test_frame_is_fitted_to_the_card_and_grows_with_the_timeline(call: CallCard) -> None:
    call.open("idle")
    call.wait_for_python()
    call.page.wait_for_function("() => emulator.commands.some(c => c.command === 'resizeWindow')")
    fits = call.page.evaluate("() => emulator.commands.filter(c => c.command === 'resizeWindow')")
    assert fits[-1]["params"]["width"] == "100%"
    first = frame_height(call.page)
    for _ in range(6):
        call.state("connecting")
        call.state("idle", "486", wire="array")
    call.wait_for_events(12)
    frame = call.frame
    # The frame ends where the card does: grown, with nothing to scroll.
    frame.wait_for_function("() => document.documentElement.scrollHeight <= innerHeight + 1"
                            " && document.body.getBoundingClientRect().height > innerHeight - 2")
    assert frame_height(call.page) > first + 100


def test_copy_for_support_puts_the_call_on_the_clipboard_without_secrets(call: CallCard) -> None:
    call.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    call.open("idle")
    call.wait_for_python()
    secrets = call.page.evaluate("() => [emulator.call.auth, emulator.call.appSid]")
    call.state("connecting")
    call.state("idle", "603", wire="array")
    call.card.locator(".failure-code", has_text="603").wait_for()
    button = call.card.locator("#copy-support")
    assert button.inner_text().lower() == "copy for support"
    button.click()
    call.card.locator("#copy-support[data-copied=yes]").wait_for()
    text = str(call.page.evaluate("() => navigator.clipboard.readText()"))
    lines = text.splitlines()
    call_id = call.page.evaluate("() => emulator.call.callId")
    assert f"Call ID: {call_id}" in lines
    assert any(line.startswith("Number: +") for line in lines)
    assert "Direction: Incoming" in lines or "Direction: Outgoing" in lines  # in words
    assert any(line.startswith("Date: 20") for line in lines)
    assert "Outcome: Declined (Code 603)" in lines
    steps = lines[lines.index("Steps:") + 1:]
    assert [step.split("  ")[1] for step in steps] == [
        "Waiting for the call (since the card opened)", "Ringing", "Call ended"]
    assert steps[-1].split("  ")[2] == "603 · Declined"
    for secret in secrets:
        assert secret not in text


def held_open_card(call: CallCard) -> None:
    open_card(call, "connecting", initData=KEEP_OPEN)
    call.wait_for_python()
    call.end("failed", "480")  # idle, then the portal's auto-close: held, the code from statistics
    call.card.locator(".hold .done").wait_for(timeout=20_000)


def test_no_axe_violations_in_any_state_of_the_card(call: CallCard, scheme: str) -> None:
    found: dict[str, list[str]] = {}
    release = call.hold_init_data()
    call.page.evaluate("() => emulator.openCard({state: 'idle'})")
    call.init_data_asked()
    found["waiting"] = axe(call.frame)
    release()
    call.wait_for_python()
    for name, (state, code) in {"ringing": ("connecting", ""), "talking": ("connected", ""),
                                "ended ok": ("idle", ""), "ringing again": ("connecting", ""),
                                "busy": ("idle", "486"), "ringing a third time": ("connecting", ""),
                                "unknown code": ("idle", "XQ-77")}.items():
        call.state(state, code, wire="array")
        # A finished call shows its one headline instead of the state.
        shown = ".outcome:not([hidden])" if state == "idle" else f".status .state-{state}"
        call.card.locator(shown).wait_for()
        if code:
            call.card.locator(".failure-code", has_text=code).wait_for()
        found[name] = axe(call.frame)
    held_open_card(call)
    found["held open"] = axe(call.frame)
    call.page.route("**/pyodide.asm.wasm", lambda route: route.abort())
    call.page.route("**/snapshots/*.snapshot", lambda route: route.abort())
    open_card(call, "connecting", url=call.servers.app_url + "?python_timeout=1000")
    call.card.locator("html[data-engine=fallback]").wait_for(timeout=20_000)
    call.state("idle", "486", wire="array")
    call.card.locator("#quick-code").wait_for()
    found["fallback view"] = axe(call.frame)
    bad = {name: problems for name, problems in found.items() if problems}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


def test_no_axe_violations_on_the_settings_and_install_pages(call: CallCard, scheme: str) -> None:
    call.page.evaluate("() => emulator.openPage('settings', {admin: true})")
    frame = app_frame(call.page)
    frame.locator("#fields:not([disabled])").wait_for()
    settings_page = axe(frame)
    shot(call.page, f"look-settings-{scheme}")
    frame.locator("#keep_open").check()
    frame.locator("#keep_open_minutes").fill("0")
    frame.locator("#add-override").click()
    frame.locator("#override-rows input[data-part=code]").fill("4866")  # a row of own texts, with a message
    frame.locator("#save").click()
    frame.locator('.error[data-for="overrides.0.code"]:not([hidden])').wait_for()
    with_errors = axe(frame)
    shot(call.page, f"look-settings-errors-{scheme}")
    call.page.evaluate("() => emulator.openPage('settings', {admin: false})")
    frame = app_frame(call.page)
    frame.locator("#summary[data-ready]").wait_for()
    read_only = axe(frame)  # the settings as text, for someone who may not change them
    shot(call.page, f"look-settings-read-only-{scheme}")
    call.page.evaluate("() => emulator.openPage('install')")
    frame = app_frame(call.page)
    frame.locator("#status[data-tone]:not([data-tone=busy])").wait_for()
    install_page = axe(frame)
    assert (settings_page, with_errors, read_only, install_page) == ([], [], [], [])


def test_card_is_readable_240_px_wide(call: CallCard) -> None:
    call.page.add_style_tag(content=".card { flex: 0 0 240px !important; width: 240px; }")
    open_card(call, "connecting", lang="ru")
    call.wait_for_python()
    call.page.clock.install()
    call.state("idle", "XQ-77-UNKNOWN-CODE", wire="array")
    call.card.locator(".failure-code").wait_for()
    frame = call.frame
    assert frame.evaluate("() => innerWidth") <= 240
    clipped = frame.evaluate("""() => [...document.querySelectorAll(
        '.duration, .clock, .failure-code, .entry .detail, .ring, .talk, .state, .timer, #copy-support')]
      .filter((e) => e.getClientRects().length)
      .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 0.5)
      .map((e) => e.className || e.id)""")
    assert clipped == []
    assert frame.evaluate("() => document.documentElement.scrollWidth <= innerWidth")


CALLS = {"ok": ("connected", ""), "busy": ("idle", "486"), "declined": ("idle", "603"),
         "unknown": ("idle", "XQ-77")}


@pytest.mark.parametrize("lang", ["en", "ru", "de"])
def test_screenshots_of_calls(call: CallCard, scheme: str, lang: str) -> None:
    for name, (state, code) in CALLS.items():
        open_card(call, "connecting", lang=lang)
        call.wait_for_python()
        if state == "connected":
            call.state("connected")
            call.card.locator(".status .state-connected").wait_for()
            call.state("idle")
            call.card.locator(".outcome-answered").wait_for()
        else:
            call.state(state, code, wire="array")
            call.card.locator(".failure-code", has_text=code).wait_for()
        call.page.wait_for_function("() => emulator.commands.some(c => c.command === 'resizeWindow')")
        shot(call.page, f"look-{name}-{lang}-{scheme}")
