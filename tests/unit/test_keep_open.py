"""The card's hold on the portal's auto-close: held from the start, let go once the outcome is read.

The page holds the card at bind (``static/hold.js``, tested with ``node --test``); these tests
are about what Python decides after that, on a fake clock.
"""

import json

from fakedom import FakeDocument, FakeElement
from fakepage import FakePage, LoggedPage, PageLog

from placement_app.card.app import Card
from placement_app.card.keep_open import FAILED_SHOW_MS, RENEW_MS, KeepOpen, Verdict, step, verdict
from placement_app.card.view import CardView
from placement_app.core import settings
from placement_app.core.events import CallState, CallStateChanged, CardOpened
from placement_app.core.timeline import replay

HOLD = settings.Settings(keep_open=True, keep_open_minutes=2, expected_codes=frozenset({"487"}))


Clock = dict[str, float]
#: The placement commands the card sent, with the time of each.
Sent = list[tuple[float, str]]


def card_with(chosen: settings.Settings, call_id: str = "c1",
              state: str = "idle") -> tuple[Card, FakeElement, Clock, Sent]:
    document = FakeDocument()
    root = document.createElement("section")
    clock = {"now": 0.0}
    page = FakePage(lambda: clock["now"])
    card = Card(CardView(document, root), page)
    options = {settings.OPTION_NAME: settings.dumps(chosen)}
    opened = {"LANG": "en", "APP_OPTIONS": options,
              "PLACEMENT_OPTIONS": {"CALL_ID": call_id, "CALL_STATE": state}}
    card.receive("app:opened", json.dumps([opened]), 0)
    return card, root, clock, page.commands


def event(card: Card, clock: Clock, at: float, kind: str, *args: object) -> None:
    clock["now"] = at
    card.receive(kind, json.dumps(list(args)), at)


def failed(card: Card, clock: Clock, at: float, code: str = "") -> None:
    """The portal fails the call as its code does: ``idle``, then its auto-close (held) in the same task."""
    event(card, clock, at, "CallCard::CallStateChanged", ["idle", {"failedCode": code}] if code else "idle")
    event(card, clock, at, "CallCard::BeforeClose")


def run_until(card: Card, clock: Clock, end: float, step: float = 250) -> None:
    while clock["now"] < end:
        clock["now"] += step
        card.tick()


def test_a_failed_call_is_shown_then_let_go_after_the_default_time() -> None:
    card, root, clock, sent = card_with(settings.DEFAULTS)
    event(card, clock, 1_000, "CallCard::CallStateChanged", "connecting")
    failed(card, clock, 5_000, "486")
    assert sent == []  # the page held the card at bind: nothing to send at the end
    assert root.find("hold").hidden is False
    assert root.find("hold-text").textContent.endswith(f"closes by itself in 0:{FAILED_SHOW_MS // 1000}.")
    run_until(card, clock, 5_000 + FAILED_SHOW_MS - 250)
    assert sent == []
    run_until(card, clock, 5_000 + FAILED_SHOW_MS)
    assert sent == [(5_000 + FAILED_SHOW_MS, "enableAutoClose")]
    assert root.find("hold").hidden is True
    run_until(card, clock, 200_000)
    assert [name for _, name in sent] == ["enableAutoClose"]  # let go once, never held again


def test_where_the_portal_never_closes_the_card_no_countdown_is_promised() -> None:
    """A browser call failure (no auto-close) or a tab opened after its call: letting go closes
    nothing, so the card promises no closing and offers no *Done*, but still lets go."""
    card, root, clock, sent = card_with(settings.DEFAULTS)
    event(card, clock, 1_000, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 5_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}])
    assert root.find("hold").hidden is True
    run_until(card, clock, 5_000 + FAILED_SHOW_MS)
    assert sent == [(5_000 + FAILED_SHOW_MS, "enableAutoClose")]  # no incoming call stays blocked


def test_until_done_is_renewed_inside_the_portals_window_until_done() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 1_000, "CallCard::CallStateChanged", "connecting")
    failed(card, clock, 5_000, "486")
    assert root.find("done").textContent == "Done"
    run_until(card, clock, 100_000)
    renewals = [at for at, name in sent if name == "disableAutoClose"]
    assert renewals == [5_000 + RENEW_MS, 5_000 + 2 * RENEW_MS]  # the docs' 60 s run from the end
    assert root.find("hold-text").textContent.endswith("closes by itself in 0:25.")  # 5 s + 2 min
    event(card, clock, 101_000, "app:done")
    assert sent[-1] == (101_000, "enableAutoClose")
    assert root.find("hold").hidden is True
    run_until(card, clock, 300_000)
    assert [name for _, name in sent].count("enableAutoClose") == 1


def test_the_admins_time_limit_lets_the_card_close() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 1_000, "CallCard::CallStateChanged", "idle")  # not answered, no statistics here
    run_until(card, clock, 1_000 + 2 * 60_000 + 500)
    assert sent[-1] == (121_000, "enableAutoClose")
    assert root.find("hold").hidden is True


def test_answered_and_expected_calls_are_let_go_at_the_end() -> None:
    cases = ((HOLD, "487", False), (HOLD, "", True), (settings.DEFAULTS, "200", False))
    for chosen, code, connected in cases:
        card, root, clock, sent = card_with(chosen)
        event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
        if connected:
            event(card, clock, 1_000, "CallCard::CallStateChanged", "connected")
        assert sent == []
        event(card, clock, 2_000, "CallCard::CallStateChanged", ["idle", {"failedCode": code}])
        assert sent == [(2_000, "enableAutoClose")], (chosen, code)  # the next call must not wait
        run_until(card, clock, 10_000)
        assert root.find("hold").hidden is True


def test_an_unknown_outcome_is_held_and_renewed_while_the_statistics_may_tell() -> None:
    ended = replay([CardOpened(0, "c1", CallState.IDLE, "en", None, None),
                    CallStateChanged(1_000, CallState.CONNECTING), CallStateChanged(2_000, CallState.IDLE)])
    assert verdict(ended, settings.DEFAULTS) is Verdict.UNKNOWN
    assert verdict(ended, settings.DEFAULTS, can_look_up=False) is Verdict.FAILED
    hold, sent = KeepOpen(), []
    for now in range(2_000, 120_001, 250):
        hold, commands = step(hold, settings.DEFAULTS, ended, now)
        sent += [(now, name) for name in commands]
    assert sent == [(2_000 + RENEW_MS, "disableAutoClose"), (2_000 + 2 * RENEW_MS, "disableAutoClose")]
    assert hold.closes_in(settings.DEFAULTS, 120_000) is None  # no countdown before the outcome is known


def test_a_held_close_ends_an_external_call_which_sends_no_state() -> None:
    card, root, clock, sent = card_with(settings.DEFAULTS, "externalCall.9f3a.1764900000", "connected")
    assert card.timeline.outcome.value == "talking"
    event(card, clock, 30_000, "CallCard::BeforeClose")  # telephony.externalCall.finish: auto-close, held
    assert card.timeline.ended_at == 30_000 and card.timeline.outcome.value == "ended"
    assert root.find("outcome").textContent == "Call ended"
    run_until(card, clock, 30_000 + FAILED_SHOW_MS)  # no statistics here: shown, then let go
    assert sent == [(30_000 + FAILED_SHOW_MS, "enableAutoClose")]


def test_a_held_close_before_any_state_ends_a_call_that_failed_before_it_rang() -> None:
    card, root, clock, _ = card_with(settings.DEFAULTS)
    event(card, clock, 9_000, "CallCard::BeforeClose")  # the portal's view never left idle: no state was sent
    assert card.timeline.ended_at == 9_000 and card.timeline.outcome.value == "not_answered"
    rows = [row.find("what").textContent for row in root.find_all("entry")]
    assert rows == ["Waiting for the call (since the card opened)", "Call ended",
                    "Kept open so you can read the outcome"]


def test_a_next_call_in_the_same_card_is_held_again() -> None:
    card, _, clock, sent = card_with(HOLD)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    event(card, clock, 1_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}])
    event(card, clock, 2_000, "app:done")
    event(card, clock, 3_000, "CallCard::CallStateChanged", "connecting")  # call-list mode: next client
    event(card, clock, 4_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "480"}])
    assert [name for _, name in sent] == ["enableAutoClose", "disableAutoClose"]
    event(card, clock, 5_000, "app:done")
    assert [name for _, name in sent] == ["enableAutoClose", "disableAutoClose", "enableAutoClose"]


def test_the_next_call_of_a_card_still_held_shows_no_countdown() -> None:
    card, root, clock, sent = card_with(settings.DEFAULTS)
    event(card, clock, 0, "CallCard::CallStateChanged", "connecting")
    failed(card, clock, 1_000, "486")
    assert root.find("hold").hidden is False
    event(card, clock, 3_000, "CallCard::CallStateChanged", "connecting")  # call-list mode: next client
    assert root.find("hold").hidden is True and sent == []
    event(card, clock, 5_000, "CallCard::CallStateChanged", ["idle", {"failedCode": "480"}])
    run_until(card, clock, 5_000 + FAILED_SHOW_MS)
    assert sent == [(5_000 + FAILED_SHOW_MS, "enableAutoClose")]  # its own 20 s, from its own end


def test_done_before_any_failure_does_nothing() -> None:
    card, root, clock, sent = card_with(HOLD)
    event(card, clock, 0, "app:done")
    assert sent == [] and root.find("hold").hidden is True


def test_a_reload_keeps_the_admins_time_limit_and_a_released_hold_stays_released() -> None:
    log = PageLog()  # the call's event log, as the page writes it

    def open_card(at: float, page_id: str) -> tuple[Card, FakeElement, Clock, LoggedPage]:
        document = FakeDocument()
        root = document.createElement("section")
        clock = {"now": at}
        page = LoggedPage(log, "c1", page_id, lambda: clock["now"])
        card = Card(CardView(document, root), page, log.logs(), page_id)
        opened = {"LANG": "en", "APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(HOLD)},
                  "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "idle"}}
        page.forward(card, "app:opened", json.dumps([opened]), at)
        return card, root, clock, page

    def logged(card: Card, page: LoggedPage, clock: Clock, at: float, kind: str, *args: object) -> None:
        clock["now"] = at
        page.forward(card, kind, json.dumps(list(args)), at)

    card, _, clock, page = open_card(0, "p1")
    logged(card, page, clock, 0, "CallCard::CallStateChanged", "connecting")
    logged(card, page, clock, 1_000, "CallCard::CallStateChanged", "idle")  # not answered: held
    logged(card, page, clock, 1_000, "CallCard::BeforeClose")
    run_until(card, clock, 61_000)
    assert [name for _, name in page.commands] == ["disableAutoClose"]  # renewed once, 45 s after the end

    card, root, clock, page = open_card(61_000, "p2")  # the operator reloads the tab a minute later
    assert root.find("hold-text").textContent.endswith("closes by itself in 1:00.")
    run_until(card, clock, 1_000 + 2 * 60_000 + 500)
    assert page.commands[-1] == (121_000, "enableAutoClose")  # two minutes after the failure, not the reload

    _, _, _, page = open_card(130_000, "p3")  # reloaded again: its page held the card at bind
    assert page.commands == [(130_000, "enableAutoClose")]  # so the card lets go again at once


def test_the_settings_help_says_how_long_a_failed_calls_outcome_stays_in_every_language() -> None:
    from placement_app.core import i18n

    for lang in i18n.SUPPORTED:
        help_text = i18n.text("settings.keep_open.help", lang)
        assert f"{FAILED_SHOW_MS // 1000} " in help_text, lang
