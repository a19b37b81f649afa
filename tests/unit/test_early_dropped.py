"""Events dropped while Python started: the card says how many, and keeps saying it."""

from __future__ import annotations

import json

import pytest
from fakedom import FakeDocument
from fakepage import FakePage

from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core.events import EVENTS_DROPPED, EventsDropped, Unrecognised, parse_wire
from placement_app.core.timeline import MAX_ENTRIES, NoticeKind, Timeline, apply


def test_the_engines_count_is_read_as_an_event_of_its_own() -> None:
    assert parse_wire(EVENTS_DROPPED, "[500]", 7.0, now=9.0) == EventsDropped(7.0, 500)
    for payload in ("[]", "[0]", "[-3]", '["500"]', "[true]", "[1.5]", "[9007199254740993]"):
        assert isinstance(parse_wire(EVENTS_DROPPED, payload, 7.0, now=9.0), Unrecognised), payload


def test_the_count_is_an_entry_and_a_line_that_outlives_it() -> None:
    timeline = apply(Timeline(), EventsDropped(1.0, 500))
    assert timeline.lost == 500
    assert timeline.entries[0].kind is NoticeKind.EARLY_DROPPED  # type: ignore[union-attr]
    assert apply(timeline, EventsDropped(2.0, 3)).lost == 503


@pytest.mark.parametrize(("lang", "line", "detail"), [
    ("en", "the oldest 500 events were dropped", "500 events were dropped"),
    ("ru", "потеряно 500 самых ранних событий", "500 событий потеряно при запуске хронологии"),
])
def test_the_card_shows_the_count_after_the_entry_scrolled_away(lang: str, line: str, detail: str) -> None:
    document = FakeDocument()
    root = document.createElement("section")
    card = Card(CardView(document, root), FakePage(lambda: 1_000_000.0))
    card.receive(EVENTS_DROPPED, "[500]", 10)
    opened = {"LANG": lang, "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "idle"}}
    card.receive("app:opened", json.dumps([opened]), 20)
    assert detail in root.find("entries").textContent
    for index in range(MAX_ENTRIES + 5):
        card.receive("CallCard::CallStateChanged", json.dumps(["connecting" if index % 2 else "connected"]),
                     100 + index)
    assert detail not in root.find("entries").textContent
    assert line in root.find("lost").textContent
