"""End to end: the card an operator understands at a glance, in Debian's Chromium.

The quick view and Python's view say the same words for the same call and
settings; a reloaded tab shows its saved rows before Python is up; outside
a portal the page says once where it runs; and a narrow tab cuts nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from emulator.driver import ALL_EVENTS, CallCard, wait_for
from emulator.server import Servers
from placement_app.core import settings
from placement_app.core.settings import Override, Settings

BUSY_OVERRIDE = Settings(overrides=(Override("486", "Line busy", "Book a callback in the CRM"),), clock="12h")
LONG_CODE = "SIP/2.0 499 Q.850;cause=127;text=interworking-unspecified;x-carrier=ACME-TRUNK-07"

# What each view shows, in the same terms: the headline, the code explained, each visible row.
QUICK = """() => {
  const text = (id) => { const e = document.getElementById(id); return e.hidden ? '' : e.textContent; };
  return {
    headline: text('quick-state'), code: text('quick-code'),
    reason: text('quick-reason'), next: text('quick-next'),
    rows: [...document.querySelectorAll('#quick-log > li')].filter((row) => !row.hidden)
      .map((row) => [...row.children].map((part) => part.textContent)),
  };
}"""
PYTHON = """() => {
  const root = document.getElementById('timeline');
  const one = (selector) => root.querySelector(selector);
  const seen = (selector) => {
    const e = one(selector);
    return !e || e.hidden || one('.failure').hidden ? '' : e.textContent;
  };
  return {
    headline: one('.status').hidden ? one('.outcome').textContent : one('.state').textContent,
    code: seen('.failure-code'), reason: seen('.failure-reason'), next: seen('.failure-next'),
    rows: [...root.querySelectorAll('.entries > li')].filter((row) => !row.hidden)
      .map((row) => ['.clock', '.what', '.detail'].map((part) => row.querySelector(part).textContent)),
  };
}"""


@pytest.fixture
def configured(page: Page, site: Path, tmp_path: Path) -> Iterator[CallCard]:
    """A portal of the test's own with the app installed and the admin's busy override, 12-hour clock."""
    servers = Servers(site, 0, 0, installed=True, state_path=tmp_path / "portal.json").start()
    servers.portal.app_options[settings.OPTION_NAME] = settings.dumps(BUSY_OVERRIDE)
    try:
        yield CallCard(page, servers)
    finally:
        servers.stop()


def test_the_quick_view_says_what_pythons_view_will_say(configured: CallCard) -> None:
    """In the admin's words from the portal's second card on: the first card's Python keeps them
    for the quick view (which never reads the app options itself)."""
    call = configured
    call.open("idle")
    call.wait_for_python()
    call.frame.wait_for_function("() => localStorage.getItem('call-timeline:v1:words:en') !== null")
    release = call.hold_python()
    call.open("idle")
    call.state("connecting")
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator("#quick-code"))
    assert call.engine() == "loading"  # the quick view drew it
    quick: dict[str, Any] = call.frame.evaluate(QUICK)
    assert quick["code"] == "Code 486" and quick["next"] == "Next step: Book a callback in the CRM"
    assert quick["headline"] == "Line busy"
    assert all(row[0].endswith(("AM", "PM")) for row in quick["rows"]), quick["rows"]
    release()
    call.wait_for_python()
    assert call.frame.evaluate(PYTHON) == quick


def test_after_a_reload_the_quick_view_shows_the_saved_rows_at_once(call: CallCard) -> None:
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    call.frame.wait_for_function("""() => Object.keys(localStorage).some((key) =>
        key.startsWith('call-timeline:v1:shown:') && localStorage.getItem(key).includes('486'))""")
    before = call.frame.evaluate(PYTHON)
    release = call.hold_python()
    call.page.evaluate("emulator.reloadCard()")
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))
    wait_for(call.card.locator("#quick-log > li >> nth=2"))
    assert call.engine() == "loading"  # Python is still held back: the quick view drew the saved rows
    assert call.frame.evaluate(QUICK) == before
    release()
    call.wait_for_python()
    assert call.frame.evaluate(PYTHON) == before


def test_outside_bitrix24_the_page_says_once_where_it_runs(page: Page, servers: Servers) -> None:
    page.goto(servers.app_url)
    wait_for(page.locator("#quick-notice", has_text="Bitrix24"))
    text = page.locator("body").inner_text()
    assert "This page runs inside a Bitrix24 call card." in text
    assert "Waiting for the call" not in text
    assert text.count("Bitrix24 call card") == 1
    assert page.evaluate("document.documentElement.dataset.engine") == "outside"


# Every element whose text an operator needs whole, and whether any of it is cut.
CLIPPED = """() => {
  const cut = [];
  for (const element of document.querySelectorAll(
      '.duration, .clock, .detail, .what, .failure-code, .failure-reason, .timer, .times dd, .outcome, '
      + '.quick-state, .quick-code, .quick-reason, .quick-next, .quick-clock, .quick-what, .quick-detail')) {
    if (element.offsetParent === null) continue;  // not shown
    const box = element.getBoundingClientRect();
    const row = element.closest('li, section, div, p') || document.body;
    const frame = row.getBoundingClientRect();
    if (element.scrollWidth > element.clientWidth + 0.5 || box.right > frame.right + 0.5
        || box.right > document.documentElement.clientWidth + 0.5) {
      cut.push([element.className, element.textContent]);
    }
  }
  return cut;
}"""


def test_a_240_pixel_tab_cuts_no_duration_and_no_code(configured: CallCard) -> None:
    """Russian words and the 12-hour clock: the widest rows the card draws."""
    call = configured
    release = call.hold_python()
    call.open("idle", lang="ru")
    call.page.evaluate("document.querySelector('#frame-slot iframe').style.width = '240px'")
    call.state("connecting")
    call.state("idle", LONG_CODE, wire="array")
    wait_for(call.card.locator("#quick-code"))
    assert call.frame.evaluate("document.documentElement.clientWidth") <= 240
    assert LONG_CODE in call.card.locator("#quick-code").inner_text()
    assert call.frame.evaluate(CLIPPED) == []
    release()
    call.wait_for_python()
    call.state("connecting")
    call.state("connected")
    call.page.evaluate("emulator.changeClient()")
    call.state("idle", LONG_CODE, wire="array")
    wait_for(call.card.locator(".entry.state-idle >> nth=-1"))
    wait_for(call.card.locator(".entries .entry.state-connected .duration", has_text=":"))
    assert LONG_CODE in call.card.locator(".entries").inner_text()
    assert call.read(".outcome").startswith("Звонок завершён · ")
    assert LONG_CODE in call.read(".failure-reason")
    durations = call.card.locator(".entries .duration").all_inner_texts()
    assert [d for d in durations if d] and all(":" in d and len(d) >= 4 for d in durations if d), durations
    assert call.frame.evaluate(CLIPPED) == [], json.dumps(call.frame.evaluate(CLIPPED))
