"""A reloaded card rebuilds its call from the call's event log: nothing lost, nothing twice, no token.

The page writes the log as each event comes (``static/call-log.js``, tested in
``tests/js/call_log.test.mjs``); here the card reads it back, distrustfully.
"""

import json

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import LoggedPage, PageLog

from placement_app.card import replay
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core.events import (
    LookupFailure,
    StatisticsFound,
    StatisticsRequested,
    StatisticsUnavailable,
)
from placement_app.core.settings import DEFAULTS

TOKEN = "secret-token-123"


def opened(call_id: str, state: str = "idle") -> str:
    """The init data as the page logs it: the token already hidden (the page's redactor)."""
    data = {"LANG": "en", "AUTH_ID": "…", "PLACEMENT_OPTIONS": {"CALL_ID": call_id, "CALL_STATE": state}}
    return json.dumps([data])


def page_of(log: PageLog, page_id: str, call_id: str = "call-1",
            now: float = 100_000.0) -> tuple[Card, LoggedPage, FakeElement]:
    document = FakeDocument()
    root = document.createElement("section")
    page = LoggedPage(log, call_id, page_id, lambda: now)
    return Card(CardView(document, root), page, log.logs(), page_id), page, root


def rows(root: FakeElement) -> list[str]:
    return [row.find("what").textContent for row in root.find_all("entry")]


def test_a_reloaded_tab_picks_up_the_same_call() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1"), 1_000)
    page.forward(first, "CallCard::CallStateChanged", '["connecting"]', 2_000)
    page.forward(first, "CallCard::CallStateChanged", '["connected"]', 9_000)
    again, page, root = page_of(log, "p2", now=69_000.0)
    page.forward(again, "app:opened", opened("call-1", "connected"), 60_000)
    assert rows(root) == ["Waiting for the call (since the card opened)", "Ringing", "Talking"]
    assert root.find("talk").textContent == "1:00"  # counted from 9 s, not from the reload
    assert root.find("ring").textContent == "0:07"


def test_a_state_change_missed_during_the_reload_is_taken_from_the_init_data() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1", "connecting"), 1_000)
    again, page, root = page_of(log, "p2")
    page.forward(again, "app:opened", opened("call-1", "connected"), 5_000)
    assert rows(root) == ["Ringing (since the card opened)", "Talking"]


def test_events_before_the_init_data_are_replayed_over_the_rebuilt_call() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1", "connecting"), 1_000)
    again, page, root = page_of(log, "p2")
    page.forward(again, "CallCard::CallStateChanged", '[["idle", {"failedCode": "486"}]]', 4_000)
    page.forward(again, "app:opened", opened("call-1", "connecting"), 4_100)
    assert rows(root) == ["Ringing (since the card opened)", "Call ended"]
    assert again.timeline.failed_code == "486"


def test_every_page_of_the_call_in_turn_and_this_pages_own_entries_not_twice() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1", "connecting"), 1_000)
    second, page, _ = page_of(log, "p2")
    page.forward(second, "app:opened", opened("call-1", "connecting"), 2_000)
    page.forward(second, "CallCard::CallStateChanged", '["connected"]', 3_000)
    # This page logged an event before its worker started: the worker has it live, not from the log.
    own = [("CallCard::CallStateChanged", '["idle"]', 3_500),
           ("CallCard::CallStateChanged", '["connecting"]', 3_600)]
    for kind, payload, at in own:
        log.add("call-1", "p3", kind, payload, at)
    third, page, root = page_of(log, "p3")
    for kind, payload, at in own:
        third.receive(kind, payload, at)
    page.forward(third, "app:opened", opened("call-1", "connecting"), 4_000)
    assert rows(root) == ["Ringing (since the card opened)", "Talking", "Call ended", "Ringing"]


def test_another_call_starts_a_fresh_timeline() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1", "connected"), 1_000)
    other, page, root = page_of(log, "p2", call_id="call-2")
    page.forward(other, "app:opened", opened("call-2", "connecting"), 2_000)
    assert rows(root) == ["Ringing (since the card opened)"]


def test_the_statistics_answer_is_logged_and_replayed_not_asked_again() -> None:
    log = PageLog()
    first, page, _ = page_of(log, "p1")
    page.forward(first, "app:opened", opened("call-1", "connecting"), 1_000)
    page.forward(first, "CallCard::CallStateChanged", '["idle"]', 5_000)
    first.handle(StatisticsRequested(5_500))  # the card's lookup, as it runs it
    first.handle(StatisticsFound(8_000, "486", "Busy here"))
    assert [kind for kind, _, _ in page.logged] == [replay.REQUESTED, replay.FOUND]
    again, page, root = page_of(log, "p2")
    page.forward(again, "app:opened", opened("call-1", "idle"), 9_000)
    assert again.timeline.failed_code == "486" and again.timeline.code_from_statistics
    assert root.find("failure-code").textContent == "Code 486"


def test_the_card_logs_only_what_it_learned_itself_never_a_token() -> None:
    log = PageLog()
    card, page, _ = page_of(log, "p1")
    page.forward(card, "app:opened", json.dumps([{"LANG": "en", "AUTH_ID": TOKEN,
                                                  "PLACEMENT_OPTIONS": {"CALL_ID": "call-1"}}]), 1_000)
    card.handle(StatisticsUnavailable(2_000, LookupFailure.NO_SCOPE))
    assert page.logged == [(replay.UNAVAILABLE, '[{"why": "no_scope"}]', 2_000)]
    kind, payload, at = page.logged[0]
    parsed = replay.parse(replay.Entry(kind, payload, at, "p1"))
    assert parsed == StatisticsUnavailable(at, LookupFailure.NO_SCOPE)
    assert all(TOKEN not in value for value in page.kept.values())


@pytest.mark.parametrize("text", [
    None, "", "not json", "[]", '{"version": 2, "call_id": "call-1", "events": []}',
    '{"version": 1, "call_id": "another", "events": []}', '{"version": 1, "call_id": "call-1", "events": {}}',
    '{"version": 1, "call_id": "call-1", "events": [], "dropped": -1}',
])
def test_a_log_this_version_cannot_trust_is_no_log(text: str | None) -> None:
    assert replay.read(text, "call-1") is None


def test_an_entry_that_cannot_be_read_is_skipped_and_the_rest_replayed() -> None:
    text = json.dumps({"version": 1, "call_id": "call-1", "dropped": 3, "events": [
        ["app:opened", opened("call-1", "connecting"), 1_000, "p1"], ["x", 1, 2, "p1"], "nonsense",
        ["CallCard::CallStateChanged", '["connected"]', float("nan"), "p1"],
        ["CallCard::CallStateChanged", '["connected"]', 3_000, "p1"]]})
    log = replay.read(text, "call-1")
    assert log is not None and len(log.entries) == 2 and log.dropped == 3
    rebuilt = replay.rebuild(log, "p2", DEFAULTS, False)
    assert rebuilt is not None
    timeline = rebuilt[0]
    assert timeline.connected_at == 3_000 and timeline.lost == 3  # the dropped entries are shown


def test_a_log_past_its_bound_keeps_the_newest_and_counts_the_rest() -> None:
    events = [["CallCard::CallStateChanged", '["connecting"]', float(at), "p1"]
              for at in range(replay.MAX_EVENTS + 5)]
    log = replay.read(json.dumps({"version": 1, "call_id": "c", "events": events}), "c")
    assert log is not None and len(log.entries) == replay.MAX_EVENTS and log.dropped == 5
    assert log.entries[0].at == 5.0


def test_a_log_named_by_the_portals_call_id_as_it_came_is_found_by_the_card() -> None:
    raw = "  call-1\t"  # the page names the log by the value as it came; the card keeps it stripped
    text = json.dumps({"version": 1, "call_id": raw, "events": [
        ["app:opened", opened("call-1", "connected"), 1_000, "p1"]]})
    logs = replay.logs({"logs": {raw: text}, "page": "p2"})
    assert list(logs) == ["call-1"]
    log = replay.read(logs["call-1"], "call-1")
    assert log is not None and len(log.entries) == 1
