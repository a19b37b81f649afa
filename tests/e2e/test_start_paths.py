"""The card starts from the build's snapshot, or by itself the normal way, and both draw the same card.

The site as built has a start-up snapshot: a Pyodide memory image with the
app already imported (build.py).  The worker restores it, and sets it aside
when it is missing, made for another runtime or another build of the app,
or does not restore; it then starts the normal way, micropip installing the
wheel.  Whichever path it took, the operator must see the same card.  The
hardening tests (boot phases, the quick view, hostile input) run on both
paths too (the ``call_on_each_start_path`` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from emulator.driver import ENTITY_CHANGED, SNAPSHOT, CallCard, wait_for
from emulator.server import Servers

#: The cards' clock stands still here (2026-11-29 10:00 UTC) but when a test moves it, so that
#: both paths stamp the same times.
START_MS = 1_795_946_400_000
REFUSED = "the start-up snapshot was not used"


def play_busy_call_after_a_talk(call: CallCard) -> dict[str, object]:
    """Ring and answer before Python is up (the events wait in the worker), then a client
    change and a hang-up with 486 once it is live; what the card then shows."""
    call.page.clock.install(time=START_MS - 60_000)
    call.page.clock.pause_at(START_MS)
    call.open("idle")
    call.state("connecting")
    call.page.clock.run_for(1_100)
    call.state("connected")
    call.wait_for_python()
    call.page.clock.run_for(4_200)
    call.fire(ENTITY_CHANGED, {"CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": 7})
    call.page.clock.run_for(1_000)
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator(".failure"))
    call.wait_for_events(4)
    return {
        "rows": call.card.locator(".entries .entry").all_inner_texts(),
        "outcome": call.read(".outcome"),
        "failure": call.card.locator(".failure").inner_text(),
        "lang": call.frame.evaluate("document.documentElement.lang"),
    }


def new_card(browser: Browser, servers: Servers) -> tuple[Page, CallCard]:
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    return page, CallCard(page, servers)


@pytest.fixture(scope="module")
def from_snapshot(browser: Browser, servers: Servers) -> dict[str, object]:
    """The busy call as drawn by a card restored from the snapshot."""
    page, call = new_card(browser, servers)
    try:
        drawn = play_busy_call_after_a_talk(call)
        assert call.start_path() == "snapshot"
        return drawn
    finally:
        page.context.close()


def test_the_normal_way_draws_the_same_card_as_the_snapshot(
        browser: Browser, normal_servers: Servers, from_snapshot: dict[str, object]) -> None:
    page, call = new_card(browser, normal_servers)
    try:
        drawn = play_busy_call_after_a_talk(call)
        assert call.start_path() == "normal"
    finally:
        page.context.close()
    assert drawn == from_snapshot
    assert "486" in str(drawn["failure"])
    assert len(drawn["rows"]) >= 4  # type: ignore[arg-type]


def snapshot_missing(call: CallCard) -> None:
    call.page.context.route(SNAPSHOT, lambda route: route.fulfill(status=404, body="gone"))


def snapshot_corrupt(call: CallCard) -> None:
    garbage = b"\x00not a snapshot" * 4096
    call.page.context.route(SNAPSHOT, lambda route: route.fulfill(status=200, body=garbage))


def boot_data_changed(old: str, new: str) -> Callable[[CallCard], None]:
    """The card page as a later build would name its snapshot: ``old`` in the boot data becomes ``new``."""
    def change(call: CallCard) -> None:
        def rewrite(route: Route) -> None:
            response = route.fetch()
            body = response.text()
            assert old in body
            route.fulfill(response=response, body=body.replace(old, new))

        card_page = re.compile(re.escape(call.servers.app_url) + r"(index\.html)?(\?.*)?$")
        call.page.context.route(card_page, rewrite)
    return change


@pytest.fixture
def warnings(call: CallCard) -> Iterator[list[str]]:
    """Every console warning of the page, its frames and the card's worker."""
    seen: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if message.type == "warning":
            seen.append(message.text)

    call.page.context.on("console", listen)
    yield seen


@pytest.mark.parametrize("refusal", [
    snapshot_missing,
    snapshot_corrupt,
    # The snapshot on the server is not the one the page names: another build of the app...
    boot_data_changed('"key": "', '"key": "0-'),
    # ...or of the runtime.
    boot_data_changed('"pyodide": "3', '"pyodide": "0.3'),
], ids=["missing", "corrupt", "another-app-build", "another-pyodide"])
def test_a_snapshot_that_cannot_be_used_is_set_aside_and_the_same_card_drawn(
        call: CallCard, refusal: Callable[[CallCard], None], warnings: list[str],
        from_snapshot: dict[str, object]) -> None:
    refusal(call)
    drawn = play_busy_call_after_a_talk(call)
    assert call.start_path() == "normal"
    assert [text for text in warnings if REFUSED in text], warnings
    assert drawn == from_snapshot
