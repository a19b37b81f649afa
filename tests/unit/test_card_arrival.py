"""An event whose arrival time is no moment at all is shown at the card's own clock, never in 1970."""

from __future__ import annotations

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage

from placement_app.card import app
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import i18n
from placement_app.core.events import MAX_INSTANT

#: The card's clock (28 May 2026, 09:30:00 UTC), and how a row writes it.
NOW = 1_779_960_600_000.0
SHOWN = "09:30:00"
UNUSABLE = {
    "NaN": float("nan"), "infinity": float("inf"), "negative": -1, "before 1970": -86_400_000.0,
    "past any date": MAX_INSTANT + 1, "absurd": 1e300, "true": True, "false": False,
    "text": "1779960600000", "null": None,
}


def card() -> tuple[Card, FakeElement, FakePage]:
    document = FakeDocument()
    root = document.createElement("section")
    page = FakePage(lambda: NOW)
    return Card(CardView(document, root, i18n.plain_clock()), page), root, page


def clocks(root: FakeElement) -> list[str]:
    return [row.find("clock").textContent for row in root.find_all("entry")]


@pytest.mark.parametrize("at", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_state_with_an_unusable_arrival_time_is_shown_at_the_time_it_was_handled(at: object) -> None:
    shown, root, page = card()
    shown.receive("CallCard::CallStateChanged", '["connecting"]', at)
    assert clocks(root) == [SHOWN]
    assert shown.timeline.ringing_at == NOW
    assert page.warnings == []


@pytest.mark.parametrize("at", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_an_event_that_failed_with_an_unusable_arrival_time_is_shown_at_the_time_it_was_handled(
        at: object, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(kind: object, payload: object, at: object, *, now: float) -> object:
        raise ValueError("a bug in the parser")

    monkeypatch.setattr(app, "parse_wire", broken)
    shown, root, page = card()
    shown.receive("CallCard::CallStateChanged", '["connecting"]', at)
    assert [row.find("what").textContent for row in root.find_all("entry")] == ["Display error"]
    assert clocks(root) == [SHOWN]
    assert page.warnings and "a bug in the parser" in page.warnings[0]
