"""The card's "Earlier" line in Chromium: the number's earlier calls, played through the emulator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from emulator.driver import ENTITY_CHANGED, CallCard, wait_for
from emulator.server import Servers
from placement_app.core import i18n, settings

#: The emulator's first client, whose number every call it plays has.
NUMBER = "74951234567"
LINE = "#timeline .earlier"


@pytest.fixture
def portal(site: Path, tmp_path: Path) -> Iterator[Servers]:
    """A portal of the test's own: its call statistics hold only this test's calls."""
    running = Servers(site, 0, 0, installed=True, state_path=tmp_path / "portal.json").start()
    yield running
    running.stop()


@pytest.fixture
def call(page: Page, portal: Servers) -> CallCard:
    card = CallCard(page, portal)
    card.page.evaluate("emulator.setStatistics('record', 0)")  # each record is listed at once
    return card


def play(call: CallCard, how: str, code: str = "", state: str = "connecting") -> None:
    """One whole call with the client's number, its card closed before Python has started."""
    call.open(state)
    call.end(how, code)


def earlier_asked(portal: Servers) -> list[dict[str, Any]]:
    return [entry["params"] for entry in portal.portal.rest_log
            if "FILTER[%PHONE_NUMBER]" in entry["params"]]


def height(element: Locator) -> float:
    box = element.bounding_box()
    return box["height"] if box else 0.0


def ticks_pass(call: CallCard) -> None:
    """Wait until the card's timers have moved on twice: the line would have been asked by then."""
    timer = call.card.locator("#timeline .status .timer")
    for _ in range(2):
        shown = timer.inner_text()
        call.frame.wait_for_function("shown => document.querySelector('#timeline .status .timer')"
                                     ".textContent !== shown", arg=shown, timeout=10_000)


def test_the_card_lists_the_numbers_earlier_calls_and_not_its_own(call: CallCard, portal: Servers) -> None:
    play(call, "failed", "486")
    play(call, "failed", "486")
    play(call, "disconnected", state="connected")
    held = call.hold("**/rest/voximplant.statistic.get.json")  # a slow portal
    # The tab opens after its own call ended (603): its record is there, and must not be listed.
    call.open("idle", endedWith="603")
    own = call.page.evaluate("emulator.call.callId")
    call.wait_for_python()
    line = call.card.locator(LINE)
    wait_for(line.filter(has_text=i18n.text("earlier.loading", "en")))  # its place kept meanwhile
    kept = height(line)
    held.release()
    wait_for(line.filter(has_text="Busy"), timeout=20_000)
    # The card does not jump when the calls come (what is above it moved: the call's own outcome came).
    assert height(line) == kept > 0
    said = line.inner_text()
    # The day is named once; its busy calls together, newest first.
    assert re.fullmatch(r"Earlier calls you can see: Today: Answered( \d+:\d\d)? \(\d\d?:\d\d( [AP]M)?\)"
                        r", Busy ×2 \(\d\d?:\d\d( [AP]M)?, \d\d?:\d\d( [AP]M)?\)", said), said
    assert "Declined" not in said
    assert call.read(".outcome") == "Declined"  # the card's own call, from its own record
    asked = earlier_asked(portal)
    assert len(asked) == 1
    assert asked[0]["FILTER[%PHONE_NUMBER]"] == NUMBER and asked[0]["FILTER[!CALL_ID]"] == own
    # Asked after the card's own lookup, which it must not meet at the portal.
    log = [entry["params"] for entry in portal.portal.rest_log]
    assert log.index(asked[0]) > max(index for index, params in enumerate(log)
                                     if params.get("FILTER[CALL_ID]") == own)


def test_turned_off_by_the_admin_the_card_shows_and_asks_nothing(call: CallCard, portal: Servers) -> None:
    portal.portal.app_options[settings.OPTION_NAME] = settings.dumps(settings.Settings(earlier_calls=False))
    play(call, "failed", "486")
    call.open("connecting")
    call.wait_for_python()
    ticks_pass(call)
    assert call.card.locator(LINE).is_hidden()
    assert earlier_asked(portal) == []


def test_without_the_permission_the_card_says_so_once_and_nothing_else_changes(call: CallCard,
                                                                               portal: Servers) -> None:
    play(call, "failed", "486")
    call.open("connecting")
    call.page.evaluate("emulator.setStatistics('access-denied', 0)")
    call.wait_for_python()
    denied = i18n.text("earlier.denied", "en")
    wait_for(call.card.locator(LINE, has_text=denied), timeout=20_000)
    ticks_pass(call)
    assert call.text().count(denied) == 1
    assert len(earlier_asked(portal)) == 1  # not asked again
    assert call.read(".state") == "Ringing" and call.card.locator("#timeline .failure").is_hidden()


def test_after_a_client_change_the_line_is_about_the_number_the_card_shows(call: CallCard,
                                                                         portal: Servers) -> None:
    play(call, "failed", "486")
    call.open("connecting")
    call.wait_for_python()
    line = call.card.locator(LINE)
    wait_for(line.filter(has_text="Busy"), timeout=20_000)
    kept = height(line)
    call.fire(ENTITY_CHANGED,
              {"PHONE_NUMBER": "+491701234567", "CRM_ENTITY_TYPE": "LEAD", "CRM_ENTITY_ID": 204})
    # Never the first client's calls under the new client: its own (none) in the same space.
    wait_for(line.filter(has_text=i18n.plural("earlier.none", 30, "en")), timeout=20_000)
    assert "Busy" not in line.inner_text() and height(line) == kept
    asked = earlier_asked(portal)
    assert [params["FILTER[%PHONE_NUMBER]"] for params in asked] == [NUMBER, "491701234567"]
    call.fire(ENTITY_CHANGED, {"PHONE_NUMBER": "hidden"})
    wait_for(call.card.locator(LINE), state="hidden")
    ticks_pass(call)
    assert len(earlier_asked(portal)) == 2


def test_at_a_narrow_card_what_does_not_fit_is_reached_by_scrolling_the_kept_space(call: CallCard,
                                                                                   page: Page) -> None:
    for code in ("486", "480", "603", "404", "486", "480", "486"):
        play(call, "failed", code)
    page.add_style_tag(content=".frame-slot iframe { width: 240px !important; }")
    call.open("connecting")
    call.wait_for_python()
    line = call.card.locator(LINE)
    wait_for(line.filter(has_text="Busy"), timeout=20_000)
    size = line.evaluate("e => ({ scroll: e.scrollHeight, client: e.clientHeight, lines: "
                         "2 * parseFloat(getComputedStyle(e).lineHeight) })")
    assert size["client"] <= size["lines"] + 1 < size["scroll"]  # two lines kept, more to say
    line.hover()
    page.mouse.wheel(0, 1_000)  # the operator's own action
    call.frame.wait_for_function("() => { const e = document.querySelector('#timeline .earlier');"
                                 " return e.scrollTop > 0"
                                 " && e.scrollTop + e.clientHeight >= e.scrollHeight - 1; }")
