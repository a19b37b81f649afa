"""Look and accessibility in Chromium: one quiet live region, a frame that fits the card, no axe
violations in any state or theme, readable at 240 px, "Copy for support", and screenshots.

axe-core comes from ``node_modules`` (pinned in package.json) and is evaluated in the frame by
Playwright; nothing is fetched from anywhere else.  Screenshots land in ``build/artifacts/``, and
each one is checked for what it shows (:func:`check_look`): the words, the theme's colours as
Chromium computed them, every text readable on its background, and nothing outside the frame.
The image is taken before the checks, so a broken look leaves its picture behind.
"""

from __future__ import annotations

import colorsys
import json
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from playwright.sync_api import Frame, Page

from build import ROOT
from emulator.driver import CallCard, WorkerClock, app_frame, wait_for
from placement_app.core import codes, i18n, settings

ARTIFACTS = ROOT / "build" / "artifacts"
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
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


#: What a screenshot of a frame shows, measured in it: the luminance of the page's ground and ink, the
#: texts under 4.5:1 on what is behind them (WCAG AA; a disabled control's text is exempt), and the
#: elements beside or below the frame's viewport or with their content cut.
LOOK = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = [r, g, b].map((c) => c / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  const ratio = (one, other) => {
    const [light, dark] = [luminance(one), luminance(other)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  };
  const behind = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const colour = (element) => rgb(getComputedStyle(element).color).slice(0, 3);
  const name = (e) => (e.id ? `#${e.id}` : [e.tagName.toLowerCase(), ...e.classList].join('.'));
  const shown = [...document.body.querySelectorAll('*')].filter((e) => e.getClientRects().length
    && getComputedStyle(e).visibility === 'visible'
    && !e.closest('.visually-hidden, .copy-buffer, template, datalist, option'));
  const texts = shown.filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  const root = document.documentElement;
  return {
    background: luminance(rgb(getComputedStyle(root).backgroundColor)),
    ink: luminance(colour(root)),
    scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight, width: innerWidth, height: innerHeight,
    beside: shown.filter((e) => e.getBoundingClientRect().left < -0.5
      || e.getBoundingClientRect().right > innerWidth + 0.5).map(name),
    below: shown.filter((e) => e.getBoundingClientRect().bottom > innerHeight + 0.5).map(name),
    cut: shown.filter((e) => getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
      .map(name),
    faint: texts.filter((e) => !e.closest(':disabled') && ratio(colour(e), behind(e)) < 4.5)
      .map((e) => `${name(e)} "${e.textContent.trim().slice(0, 40)}": ${ratio(colour(e), behind(e))}`),
  };
}"""


def hue(frame: Frame, selector: str, part: str = "color") -> str:
    """The colour family of ``part`` (the text's colour, or e.g. ``backgroundColor``) of the element at
    ``selector``, as Chromium computed it: red, orange, green, blue or grey."""
    colour = str(frame.evaluate("([s, p]) => getComputedStyle(document.querySelector(s))[p]",
                                [selector, part]))
    red, green, blue = (int(c) / 255 for c in colour.removeprefix("rgb(").removesuffix(")").split(","))
    angle, _, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.25:
        return "grey"
    degrees = angle * 360
    return ("red" if degrees < 15 or degrees >= 345 else "orange" if degrees < 55
            else "green" if degrees < 160 else "blue" if degrees < 260 else "other")


def check_look(frame: Frame, scheme: str, fitted: bool) -> None:
    """What the frame shows holds in ``scheme``: the theme's ground and ink, every text readable on its
    background, nothing beside the viewport or cut; ``fitted``: the frame is sized to its page (the
    card asks the portal for it), so nothing is below the viewport either."""
    look: dict[str, Any] = frame.evaluate(LOOK)
    ground, ink = look["background"], look["ink"]  # relative luminance, 0 (black) to 1 (white)
    if scheme == "dark":
        assert ground < 0.05 and ink > 0.6, f"not the dark theme: ground {ground:.3f}, ink {ink:.3f}"
    else:
        assert ground > 0.9 and ink < 0.05, f"not the light theme: ground {ground:.3f}, ink {ink:.3f}"
    assert look["faint"] == [], "text under 4.5:1 on its background"
    assert look["scrollWidth"] <= look["width"], "the frame scrolls sideways"
    assert (look["beside"], look["cut"]) == ([], [])
    if fitted:
        assert look["scrollHeight"] <= look["height"] + 1 and look["below"] == [], look["below"]


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


def schemes(page: Page, first: int = 0) -> Iterator[str]:
    """Each of the operator's system themes in turn (the portal tells the frame none), from
    ``SCHEMES[first]``: the page's look follows a theme at once (CSS only), so one card is
    checked in both, and tests take turns at which theme a card opens in."""
    for scheme in SCHEMES[first:] + SCHEMES[:first]:
        page.emulate_media(color_scheme=scheme)
        yield scheme


def open_card(call: CallCard, state: str = "idle", lang: str = "en", **options: Any) -> None:
    call.page.evaluate("options => emulator.openCard(options)", {"state": state, "lang": lang, **options})
    call.page.wait_for_function("() => emulator.bound('CallCard::CallStateChanged') === 1")


def wait_for_ticks(frame: Frame, clock: WorkerClock, ticks: int) -> None:
    """Move the card's clock a second at a time and wait until the running timer has changed each
    time, ``ticks`` times (the sign that time passed; the card ticks four times a second)."""
    for _ in range(ticks):
        start = frame.evaluate("() => window.timerChanges")
        clock.advance(frame, 1000)
        frame.wait_for_function("want => window.timerChanges >= want", arg=start + 1, timeout=15_000)


def test_live_region_hears_state_changes_only_never_the_timers(call: CallCard) -> None:
    clock = WorkerClock(call.page.context)
    call.open("connecting")
    call.wait_for_python()
    frame = call.frame
    wait_for(frame.locator("#announce", has_text="Ringing"), state="attached")
    frame.evaluate(WATCH_LIVE)
    wait_for_ticks(frame, clock, 5)  # five seconds of a running timer
    assert frame.evaluate("() => window.liveChanges") == []
    call.state("connected")
    wait_for(frame.locator("#announce", has_text="Talking"), state="attached")
    wait_for_ticks(frame, clock, 2)
    assert frame.evaluate("() => window.liveChanges") == ["Talking"]
    call.state("idle", "486", wire="array")
    wait_for(frame.locator("#announce", has_text="Call ended"), state="attached")
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
    wait_for(call.card.locator(".failure-code", has_text="603"))
    button = call.card.locator("#copy-support")
    assert button.inner_text().lower() == "copy for support"
    button.click()
    wait_for(call.card.locator("#copy-support[data-copied=yes]"))
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
    wait_for(call.card.locator(".hold .done"), timeout=20_000)


def test_no_axe_violations_in_any_state_of_the_card(call: CallCard) -> None:
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        for scheme in schemes(call.page, first=len(found) // 2 % 2):
            found[f"{name} ({scheme})"] = axe(call.frame)

    release = call.hold_init_data()
    call.page.evaluate("() => emulator.openCard({state: 'idle'})")
    call.init_data_asked()
    check("waiting")
    release()
    call.wait_for_python()
    for name, (state, code) in {"ringing": ("connecting", ""), "talking": ("connected", ""),
                                "ended ok": ("idle", ""), "ringing again": ("connecting", ""),
                                "busy": ("idle", "486"), "ringing a third time": ("connecting", ""),
                                "unknown code": ("idle", "XQ-77")}.items():
        call.state(state, code, wire="array")
        # A finished call shows its one headline instead of the state.
        shown = ".outcome:not([hidden])" if state == "idle" else f".status .state-{state}"
        wait_for(call.card.locator(shown))
        if code:
            wait_for(call.card.locator(".failure-code", has_text=code))
        check(name)
    held_open_card(call)
    check("held open")
    call.page.route("**/pyodide.asm.wasm", lambda route: route.abort())
    call.page.route("**/snapshots/*.snapshot", lambda route: route.abort())
    open_card(call, "connecting", url=call.servers.app_url + "?python_timeout=1000")
    wait_for(call.card.locator("html[data-engine=quick]"), timeout=20_000)
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator("#quick-code"))
    check("quick view")
    bad = {name: problems for name, problems in found.items() if problems}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


def test_no_axe_violations_on_the_settings_and_install_pages(call: CallCard) -> None:
    found: dict[str, list[str]] = {}
    call.page.evaluate("() => emulator.openPage('settings', {admin: true})")
    frame = app_frame(call.page)
    wait_for(frame.locator("#fields:not([disabled])"))
    for scheme in schemes(call.page):
        found[f"settings ({scheme})"] = axe(frame)
        shot(call.page, f"look-settings-{scheme}")
        # The page scrolls in its slider: the checks hold what is in view and nothing beside it.
        check_look(frame, scheme, fitted=False)
        assert hue(frame, "#save", "backgroundColor") == "green"  # the main action, in the kit's green
    assert frame.locator("h1").inner_text() == "Call Timeline settings"
    assert frame.locator("#settings").is_visible() and frame.locator("#summary").is_hidden()
    assert frame.locator("label[for=language]").inner_text() == "Card language"
    frame.locator("#keep_open").check()
    frame.locator("#keep_open_minutes").fill("0")
    frame.locator("#add-override").click()
    frame.locator("#override-rows input[data-part=code]").fill("4866")  # a row of own texts, with a message
    frame.locator("#save").click()
    wait_for(frame.locator('.error[data-for="overrides.0.code"]:not([hidden])'))
    for scheme in schemes(call.page, first=1):
        found[f"settings with errors ({scheme})"] = axe(frame)
        shot(call.page, f"look-settings-errors-{scheme}")
        check_look(frame, scheme, fitted=False)
        # The first mistake's message and the status in red.
        assert hue(frame, '.error[data-for="keep_open_minutes"]') == "red"
        assert hue(frame, "#status") == "red"
    # In view: the first mistake, focused, its message beside it.
    first = frame.locator('.error[data-for="keep_open_minutes"]')
    assert first.inner_text() == "Enter a whole number of minutes from 1 to 60."
    assert frame.evaluate("() => document.activeElement.id") == "keep_open_minutes"
    assert frame.evaluate("""() => [...document.querySelectorAll(
      '#keep_open_minutes, .error[data-for=keep_open_minutes]')].every((e) =>
      e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().bottom <= innerHeight)""")
    assert "4866" in frame.locator('.error[data-for="overrides.0.code"]').inner_text()
    call.page.emulate_media(color_scheme="dark")  # this page opens in the dark theme
    call.page.evaluate("() => emulator.openPage('settings', {admin: false})")
    frame = app_frame(call.page)
    wait_for(frame.locator("#summary[data-ready]"))
    for scheme in schemes(call.page, first=1):
        found[f"read-only ({scheme})"] = axe(frame)  # the settings as text, for one who may not change them
        shot(call.page, f"look-settings-read-only-{scheme}")
        check_look(frame, scheme, fitted=False)
    notice = frame.locator("#notice").inner_text()
    assert notice.startswith("Only a portal administrator can change these settings.")
    assert frame.locator("#summary dt").first.inner_text() == "Card language"
    assert frame.locator("input:visible, select:visible, textarea:visible, button:visible").count() == 0
    call.page.evaluate("() => emulator.openPage('install')")
    frame = app_frame(call.page)
    wait_for(frame.locator("#status[data-tone]:not([data-tone=busy])"))
    for scheme in schemes(call.page):
        found[f"install ({scheme})"] = axe(frame)
    bad = {name: problems for name, problems in found.items() if problems}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


def test_card_is_readable_240_px_wide(call: CallCard) -> None:
    call.page.add_style_tag(content=".card { flex: 0 0 240px !important; width: 240px; }")
    open_card(call, "connecting", lang="ru")
    call.wait_for_python()
    call.page.clock.install()
    call.state("idle", "XQ-77-UNKNOWN-CODE", wire="array")
    wait_for(call.card.locator(".failure-code"))
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


#: The headline of each call in English, as an operator reads it (the other languages: the catalogue's).
#: The card opens ringing; if Python takes a second or more to start, the card vouches for that ringing,
#: and a 486 after it is a declined call (``codes.AFTER_RINGING``).
HEADLINES = {"ok": ("Call ended · talk time ",), "busy": ("Busy", "Declined after 0:0"),
             "declined": ("Declined",), "unknown": ("Unrecognised code",)}


def check_call_words(frame: Frame, name: str, code: str, lang: str) -> None:
    """The call's headline, its code explained, and its last row, in ``lang``, in the colours they mean."""
    def text(selector: str) -> str:
        return str(frame.locator(f"#timeline {selector}").inner_text())

    headline = text(".outcome")
    assert frame.evaluate("() => document.documentElement.lang") == i18n.locale_tag(lang)
    assert text(".entries .entry:last-child .what") == i18n.text("state.idle", lang)
    if lang == "en":
        assert headline.startswith(HEADLINES[name])
    if name == "ok":
        talk = text(".times .talk").split()[0]
        assert headline == i18n.text("headline.ended", lang, duration=talk)
        assert hue(frame, "#timeline .outcome") == "green"
        assert frame.locator("#timeline .failure").is_hidden()
        return
    plain, after_ringing = codes.describe(code, lang), codes.describe(code, lang, rang=True)
    ring = text(".times .ring")
    shown = {plain.label: plain,
             i18n.text("headline.rang", lang, label=after_ringing.label, duration=ring): after_ringing}
    assert headline in shown
    info = shown[headline]
    assert hue(frame, "#timeline .outcome") == "red"
    assert code in text(".failure-code") and code in text(".entries .entry:last-child .detail")
    # A code the catalogue knows is a failure, in red; one it does not know is a notice, in orange.
    assert hue(frame, "#timeline .failure-code") == ("orange" if name == "unknown" else "red")
    assert text(".failure-reason") == info.reason
    assert text(".failure-next").endswith(info.next_step)
    if lang == "en" and name != "unknown":
        assert text(".failure-code") == f"Code {code}"


@pytest.mark.parametrize("lang", ["en", "ru", "de"])
def test_screenshots_of_calls(call: CallCard, lang: str) -> None:
    for number, (name, (state, code)) in enumerate(CALLS.items()):
        call.page.emulate_media(color_scheme=SCHEMES[number % 2])  # the theme the card opens in
        open_card(call, "connecting", lang=lang)
        call.wait_for_python()
        if state == "connected":
            call.state("connected")
            wait_for(call.card.locator(".status .state-connected"))
            call.state("idle")
            wait_for(call.card.locator(".outcome-answered"))
        else:
            call.state(state, code, wire="array")
            wait_for(call.card.locator(".failure-code", has_text=code))
        call.page.wait_for_function("() => emulator.commands.some(c => c.command === 'resizeWindow')")
        for scheme in schemes(call.page, first=number % 2):
            # The portal has fitted the frame to the card: the picture is the whole card.
            call.frame.wait_for_function("() => document.documentElement.scrollHeight <= innerHeight + 1")
            shot(call.page, f"look-{name}-{lang}-{scheme}")
            check_look(call.frame, scheme, fitted=True)
            check_call_words(call.frame, name, code, lang)
