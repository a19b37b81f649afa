"""Holding the card open after a failed call: when, for how long, and letting go."""

import json

from fakedom import FakeDocument, FakeElement

from placement_app.browser.mirror import MirroredStorage
from placement_app.card.app import Card
from placement_app.card.keep_open import RENEW_MS
from placement_app.card.storage import Store
from placement_app.card.view import CardView
from placement_app.core import settings

HOLD = settings.Settings(keep_open=True, keep_open_minutes=2, expected_codes=frozenset({"487"}))


Clock = dict[str, float]
#: The placement commands the card sent, with the time of each.
Sent = list[tuple[float, str]]


def card_with(chosen: settings.Settings) -> tuple[Card, FakeElement, Clock, Sent]:
    document = FakeDocument()
    root = document.createElement("section")
    clock = {"now": 0.0}
    sent: Sent = []
    card = Card(CardView(document, root), lambda: clock["now"],
                command=lambda name: sent.append((clock["now"], name)))
    options = {settings.OPTION_NAME: settings.dumps(chosen)}
    opened = {"LANG": "en", "APP_OPTIONS": options,
              "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "idle"}}
    card.receive("app:opened", json.dumps([opened]), 0)
    return card, root, clock, sent


def event(card: Card, clock: Clock, at: float, kind: str, *args: object) -> None:
    clock["now"] = at
    card.receive(kind, json.dumps(list(args)), at)


def run_until(card: Card, clock: Clock, end: float, step: float = 250) -> None:
    while clock["now"] < end:
        clock["now"] += step
        card.tick()


def test_a_failed_call_is_held_and_renewed_until_done() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 1_000, "CallCard::CallStateChanged", "connecting")
    assert sent == []
    event(card, clock, 5_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}])
    assert sent == [(5_000, "disableAutoClose")]
    assert root.find("hold").hidden is False
    assert root.find("done").textContent == "Done"
    run_until(card, clock, 100_000)
    renewals = [at for at, name in sent if name == "disableAutoClose"]
    assert renewals == [5_000, 5_000 + RENEW_MS, 5_000 + 2 * RENEW_MS]  # well inside the portal's 65 s
    assert root.find("hold-text").textContent.endswith("closes by itself in 0:25.")  # 5 s + 2 min
    event(card, clock, 101_000, "app:done")
    assert sent[-1] == (101_000, "enableAutoClose")
    assert root.find("hold").hidden is True
    run_until(card, clock, 300_000)
    assert [name for _, name in sent].count("enableAutoClose") == 1  # let go once, never held again


def test_the_admins_time_limit_lets_the_card_close() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 1_000, "CallCard::CallStateChanged", "idle")  # not answered: held too
    run_until(card, clock, 1_000 + 2 * 60_000 + 500)
    assert sent[-1] == (121_000, "enableAutoClose")
    assert root.find("hold").hidden is True


def test_answered_expected_and_unconfigured_calls_are_not_held() -> None:
    for chosen, code, connected in ((HOLD, "487", False), (HOLD, "", True),
                                    (settings.DEFAULTS, "486", False)):
        card, root, clock, sent = card_with(chosen)
        event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
        if connected:
            event(card, clock, 1_000, "CallCard::CallStateChanged", "connected")
        event(card, clock, 2_000, "CallCard::CallStateChanged", ["idle", {"failedCode": code}])
        run_until(card, clock, 10_000)
        assert sent == [], (chosen, code)
        assert root.find("hold").hidden is True


def test_a_next_call_in_the_same_card_releases_the_hold_and_can_be_held_again() -> None:
    card, _, clock, sent = card_with(HOLD)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 1_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}])
    event(card, clock, 2_000, "app:done")
    event(card, clock, 3_000, "CallCard::CallStateChanged", "connecting")  # call-list mode: next client
    event(card, clock, 4_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "480"}])
    assert [name for _, name in sent] == ["disableAutoClose", "enableAutoClose", "disableAutoClose"]


def test_done_before_any_failure_does_nothing() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 0, "app:done")
    assert sent == [] and root.find("hold").hidden is True


def test_a_reload_keeps_the_hold_and_the_admins_time_limit() -> None:
    saved = MirroredStorage({}, lambda *change: None)  # the page's storage, as the worker sees it

    def open_card(at: float) -> tuple[Card, FakeElement, Clock, Sent]:
        document = FakeDocument()
        root = document.createElement("section")
        clock = {"now": at}
        sent: Sent = []
        card = Card(CardView(document, root), lambda: clock["now"], store=Store(saved),
                    command=lambda name: sent.append((clock["now"], name)))
        opened = {"LANG": "en", "APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(HOLD)},
                  "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "idle"}}
        card.receive("app:opened", json.dumps([opened]), at)
        return card, root, clock, sent

    card, _, clock, sent = open_card(0)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 1_000, "CallCard::CallStateChanged", "idle")  # not answered: held
    run_until(card, clock, 61_000)
    assert [name for _, name in sent] == ["disableAutoClose", "disableAutoClose"]

    card, root, clock, sent = open_card(61_000)  # the operator reloads the tab a minute later
    assert sent == [(61_000, "disableAutoClose")]  # the new frame holds the card at once
    assert root.find("hold-text").textContent.endswith("closes by itself in 1:00.")
    run_until(card, clock, 1_000 + 2 * 60_000 + 500)
    assert sent[-1] == (121_000, "enableAutoClose")  # two minutes after the failure, not the reload
