"""Trusted Types are in force on every page of the site, and the pages still work under them.

The Content-Security-Policy requires Trusted Types for every script sink
(``require-trusted-types-for 'script'``) and allows one policy, which the
page uses for its worker's URL only.  In each page's frame, HTML from a
string, a worker from a string URL and any other policy are refused, while
the page itself (and Playwright reading it) works.
"""

from __future__ import annotations

from playwright.sync_api import Frame, Page

import serving
from emulator.driver import CallCard, app_frame, wait_for
from emulator.server import Servers

TRY_THE_SINKS = """() => {
  const attempt = (act) => {
    try {
      act();
      return 'allowed';
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
  };
  return {
    html: attempt(() => { document.createElement('div').innerHTML = '<b>x</b>'; }),
    worker: attempt(() => new Worker(new URL('engine.js', document.querySelector('script[type=module]').src),
                                     {type: 'module'})),
    otherPolicy: attempt(() => trustedTypes.createPolicy('another', {createHTML: (text) => text})),
    samePolicyAgain: attempt(() => trustedTypes.createPolicy('call-timeline',
                                                             {createScriptURL: (url) => url})),
  };
}"""


def assert_refused(frame: Frame) -> None:
    tried = frame.evaluate(TRY_THE_SINKS)
    assert tried["html"].startswith("TypeError") and "TrustedHTML" in tried["html"], tried
    assert tried["worker"].startswith("TypeError") and "TrustedScriptURL" in tried["worker"], tried
    assert tried["otherPolicy"].startswith("TypeError"), tried
    assert tried["samePolicyAgain"].startswith("TypeError"), tried


def test_the_policy_names_one_trusted_types_policy() -> None:
    policy = serving.content_security_policy(["https://portal.example"])
    assert "require-trusted-types-for 'script'" in policy.split("; ")
    assert f"trusted-types {serving.TRUSTED_TYPES_POLICY}" in policy.split("; ")
    assert serving.TRUSTED_TYPES_POLICY == "call-timeline"


def test_the_card_runs_python_under_trusted_types_and_refuses_every_other_sink(call: CallCard) -> None:
    errors: list[str] = []
    call.page.on("pageerror", lambda error: errors.append(str(error)))
    call.open("connecting")
    call.wait_for_python()
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    assert call.read(".failure-code") == "Code 486"
    assert_refused(call.frame)
    assert errors == []


def test_the_admin_pages_run_under_trusted_types(page: Page, fresh_portal: Servers) -> None:
    page.goto(fresh_portal.emulator_url + "?autostart=0")
    page.evaluate("emulator.openPage('install')")
    wait_for(page.frame_locator("#frame-slot iframe").locator("#status[data-tone=ok]"), timeout=60_000)
    assert_refused(app_frame(page))
    page.evaluate("emulator.openPage('settings')")
    wait_for(page.frame_locator("#frame-slot iframe").locator("#settings[data-ready]"), timeout=60_000)
    assert_refused(app_frame(page))
