"""The card speaks the operator's language from its first words, and never shows a raw value.

An operator on a Russian portal reads Russian from the very first notice,
drawn before the portal's init data says which language the card speaks
(the frame's address carries ``LANG``); the page's title, its hidden
heading and the timeline's name follow the card's language, also the one the
admin forces (from the first words of every card after the portal's first).
A translated card writes a client change, a CRM item and the call's
direction in words, in the card and in the text for
support, and the frame is sized once the card has settled, not on the way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page

from emulator.driver import ENTITY_CHANGED, RUNTIME, SNAPSHOT, CallCard, wait_for
from emulator.server import Servers
from placement_app.core import i18n, settings

#: What a card that is not translated would show somewhere: the portal's raw values.
RAW = ("unknown", "LEAD", "outgoing", "Call timeline")


def page_words(call: CallCard) -> dict[str, str]:
    return dict(call.frame.evaluate("""() => ({
        lang: document.documentElement.lang, title: document.title,
        heading: document.getElementById('card-title').textContent,
        timeline: document.getElementById('timeline').getAttribute('aria-label'),
        notice: document.getElementById('quick-notice').textContent,
        state: document.getElementById('quick-state').textContent})"""))


@contextmanager
def russian_card_before_python(call: CallCard, speaks: str = "ru") -> Iterator[Callable[[], None]]:
    """A card opened on a Russian portal, its init data and Python held back: yields the release of
    the init data once the first notice is drawn in ``speaks`` (Russian from the frame's address
    alone, or the language the card last kept for the quick view)."""
    release_init_data = call.hold_init_data()
    runtime, snapshot = call.hold(RUNTIME), call.hold(SNAPSHOT)
    try:
        call.open("idle", lang="ru")
        call.init_data_asked()
        wait_for(call.card.locator("#quick-notice", has_text=i18n.text("engine.loading", speaks)))
        yield release_init_data
    finally:
        runtime.release()
        snapshot.release()


def test_the_first_notice_is_in_the_portals_language_before_the_init_data(call: CallCard) -> None:
    with russian_card_before_python(call) as release_init_data:
        shown = page_words(call)
        assert shown["state"] == i18n.text("state.unknown", "ru")
        assert shown["lang"] == "ru"
        release_init_data()
        call.wait_for_mark("init-data")
        title = i18n.text("title", "ru")
        assert title != i18n.text("title", "en")
        call.frame.wait_for_function("title => document.title === title", arg=title)
        shown = page_words(call)
        assert (shown["heading"], shown["timeline"]) == (title, title)
        assert shown["notice"] == i18n.text("engine.loading", "ru")
    call.wait_for_python()
    assert call.card.locator("#timeline").get_attribute("aria-label") == i18n.text("title", "ru")


@pytest.fixture
def german_cards(site: Path, tmp_path: Path) -> Iterator[Servers]:
    """A portal of the test's own, the app installed, whose admin forces German cards."""
    servers = Servers(site, 0, 0, installed=True, state_path=tmp_path / "portal.json").start()
    servers.portal.app_options[settings.OPTION_NAME] = settings.dumps(settings.Settings(language="de"))
    yield servers
    servers.stop()


def test_the_admins_card_language_speaks_from_the_next_cards_first_words(page: Page,
                                                                       german_cards: Servers) -> None:
    """A Russian portal whose admin forces German cards: the first card's Python keeps its German words
    for the quick view, so the next card is German from its first paint, before the init data."""
    call = CallCard(page, german_cards)
    call.open("idle", lang="ru")
    call.wait_for_python()
    assert page_words(call)["lang"] == "de"
    call.frame.wait_for_function("() => localStorage.getItem('call-timeline:v1:words:ru') !== null")
    with russian_card_before_python(call, speaks="de") as release_init_data:
        shown = page_words(call)
        assert shown["lang"] == "de" and shown["title"] == i18n.text("title", "de")
        assert shown["state"] == i18n.text("state.unknown", "de")
        release_init_data()
    call.wait_for_python()
    assert page_words(call)["lang"] == "de"


def test_a_german_card_writes_clients_crm_items_and_direction_in_words(call: CallCard) -> None:
    call.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    call.open("connecting", lang="de", direction="outgoing")
    call.wait_for_python()
    call.fire(ENTITY_CHANGED, {"PHONE_NUMBER": "+4930999", "CRM_ENTITY_TYPE": "LEAD", "CRM_ENTITY_ID": 204})
    call.fire(ENTITY_CHANGED, {"PHONE_NUMBER": "unknown", "CRM_ENTITY_TYPE": "", "CRM_ENTITY_ID": 0})
    call.state("idle", "486", wire="array")
    wait_for(call.card.locator("#timeline .outcome"))
    lead = i18n.text("client.crm", "de", type=i18n.text("crm.LEAD", "de"), id=204)
    details = call.card.locator(".entries .entry.notice .detail").all_inner_texts()
    assert details == [i18n.text("client.line", "de", number="+4930999", crm=lead),
                       i18n.text("client.no_number", "de")]
    card = call.card.locator("#card").inner_text()
    call.card.locator("#copy-support").click()
    wait_for(call.card.locator("#copy-support[data-copied=yes]"))
    support = str(call.page.evaluate("() => navigator.clipboard.readText()"))
    for raw in RAW:
        assert raw not in card, raw
        assert raw not in support, raw
    lines = support.splitlines()
    direction = i18n.text("direction.outgoing", "de")
    label = i18n.text("support.direction", "de")
    assert i18n.text("support.line", "de", label=label, value=direction) in lines
    # The number the card shows now: after the last client change, not the one it opened with.
    number = i18n.text("client.no_number", "de")
    assert i18n.text("support.line", "de", label=i18n.text("support.number", "de"), value=number) in lines
    assert not lines[-1].endswith("…")


def test_the_frame_is_sized_once_the_card_has_settled(call: CallCard) -> None:
    """No jump at start-up: the portal is asked to size the frame only when the quick view is gone,
    and every size asked for before the first call event is the one the card then has."""
    call.open("idle")
    call.wait_for_python()
    call.page.wait_for_function("() => emulator.commands.some(c => c.command === 'resizeWindow')")
    call.sync_with_portal()
    heights = call.page.evaluate(
        "() => emulator.commands.filter(c => c.command === 'resizeWindow').map(c => c.params.height)")
    body = call.frame.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
    assert heights and set(heights) == {body}, json.dumps(heights)


def test_the_frame_fits_the_card_while_the_reason_is_looked_up(call: CallCard) -> None:
    """The frame's height follows the card as it changes shape (the lookup line, the hold, the
    support button), measured after the drawing: nothing is cut off at its bottom."""
    call.open("idle", lang="de")
    call.page.evaluate("([mode, delay]) => emulator.setStatistics(mode, delay)", ["record", 60_000])
    call.wait_for_python()
    call.state("connecting")
    call.end("failed", "486")  # the code is looked up in the statistics, whose record is late
    trying = i18n.text("lookup.trying", "de", attempt=2, attempts=6).split("…")[0]
    wait_for(call.card.locator(".failure-reason", has_text=trying))
    wait_for(call.card.locator("#support:not([hidden])"))
    # Inside the frame, its viewport is the height the portal gave it: fitted, it holds the card.
    call.frame.wait_for_function(
        "() => Math.abs(Math.ceil(document.body.getBoundingClientRect().height) - innerHeight) <= 1",
        timeout=5_000)


def test_a_held_card_keeps_its_notice_readable_240_px_wide(call: CallCard) -> None:
    """In a narrow tab the *Done* button goes under the kept-open notice, which keeps the width."""
    call.page.add_style_tag(content=".card { flex: 0 0 240px !important; width: 240px; }")
    call.open("idle", lang="ru")
    call.wait_for_python()
    call.state("connecting")
    call.end("failed", "486")
    wait_for(call.card.locator(".hold .done"), timeout=20_000)
    boxes = call.frame.evaluate("""() => ['.hold', '.hold-text', '.hold .done'].map((selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return { left: box.left, right: box.right, top: box.top, bottom: box.bottom, width: box.width };
    })""")
    hold, text, done = boxes
    assert call.frame.evaluate("() => innerWidth") <= 240
    assert text["width"] >= 0.8 * (hold["width"] - 20), boxes  # the line, not a column beside the button
    assert done["top"] >= text["bottom"] - 1, boxes  # the button under it
    assert done["right"] <= hold["right"] + 0.5, boxes
