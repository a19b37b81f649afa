"""The card as drawn: text a person reads, text nodes only, few writes per event."""

import json
import tracemalloc
from typing import NoReturn

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from placement_app.card import app
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import i18n, settings, timeline
from placement_app.core.settings import Override, Settings

HTML = '<img src=x onerror="alert(1)">'
BUSY_NEXT = "Next step: Try again in a few minutes or book a callback."
DECLINED_NEXT = "Next step: Do not call again at once; send a message or try another time."


Clock = dict[str, float]


def make_card(now: float = 0.0,
              offset: int = 0) -> tuple[Card, FakeElement, FakeDocument, Clock, list[str]]:
    """A card drawn into a fake document, its clock at ``now`` (moved by setting ``clock["now"]``)."""
    document = FakeDocument()
    root = document.createElement("section")
    clock = {"now": now}
    page = FakePage(lambda: clock["now"])
    card = Card(CardView(document, root, i18n.plain_clock(offset)), page)
    return card, root, document, clock, page.warnings


def send(card: Card, kind: str, *args: object, at: float) -> None:
    card.receive(kind, json.dumps(list(args)), at)


def test_busy_call_shows_busy_reason_and_next_step() -> None:
    card, root, *_ = make_card()
    send(card, "app:opened", {"LANG": "en", "PLACEMENT_OPTIONS": {"CALL_STATE": "idle"}}, at=0)
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=7_000)
    text = root.visible_text()
    assert root.find("outcome").textContent == "Declined after 0:06 of ringing"
    assert "Code 486" in text and "486 · Declined" in text
    assert "The client rejected the call." in text
    assert "Next step: Do not call again at once; send a message or try another time." in text
    assert root.find("ring").textContent == "0:06"


def test_timeline_rows_show_clock_state_and_duration() -> None:
    card, root, _, clock, _ = make_card(offset=180)
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", "connected", at=9_000)
    clock["now"] = 75_000
    card.tick()
    rows = root.find_all("entry")
    assert [r.find("what").textContent for r in rows] == ["Ringing", "Talking"]
    assert rows[0].find("clock").textContent == "03:00:01"
    assert rows[0].find("duration").textContent == "0:08"
    assert rows[1].find("duration").textContent == "1:06"
    assert root.find("timer").textContent == "1:06"
    assert root.find("talk").textContent == "1:06"


def test_not_answered_without_code_says_reason_not_reported() -> None:
    card, root, *_ = make_card()
    send(card, "CallCard::CallStateChanged", "connecting", at=0)
    send(card, "CallCard::CallStateChanged", "idle", at=30_000)
    text = root.visible_text()
    assert "Not answered" in text and "Reason not reported" in text
    assert "Call answered" not in text


def test_russian_portal_gets_a_russian_card() -> None:
    card, root, *_ = make_card()
    opened = {"LANG": "ru", "PLACEMENT_OPTIONS": {"CALL_STATE": "connecting"}}
    send(card, "app:opened", opened, at=0)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=3_000)
    text = root.visible_text()
    # The call rang (the tab opened ringing): a 486 then is the client declining.
    assert "Код 486" in text and "486 · Отклонён" in text and "Что сделать" in text


def test_an_event_costs_few_dom_writes_on_a_long_timeline() -> None:
    card, _, document, *_ = make_card()
    for i in range(150):
        send(card, "CallCard::EntityChanged", {"PHONE_NUMBER": f"+{i}"}, at=i)
    before = document.writes
    send(card, "CallCard::CallStateChanged", "connecting", at=200)
    assert document.writes - before < 25


def test_failing_handler_shows_error_and_later_events_render(monkeypatch: pytest.MonkeyPatch) -> None:
    card, root, _, _, warnings = make_card()

    def broken(*args: object) -> NoReturn:
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "apply", broken)
    send(card, "CallCard::CallStateChanged", "connecting", at=0)
    monkeypatch.setattr(app, "apply", timeline.apply)
    send(card, "CallCard::CallStateChanged", "connected", at=5)
    assert "Display error" in root.visible_text() and "Talking" in root.visible_text()
    assert warnings and "boom" in warnings[0]


def test_dropped_entries_are_counted_on_screen() -> None:
    card, root, *_ = make_card()
    for i in range(timeline.MAX_ENTRIES + 5):
        send(card, "CallCard::EntityChanged", {"PHONE_NUMBER": f"+{i}"}, at=i)
    assert len(root.find_all("entry")) == timeline.MAX_ENTRIES
    assert "5 earlier entries not shown" in root.visible_text()


def test_three_hour_call_with_ten_thousand_events_stays_bounded_and_the_timer_is_right() -> None:
    card, root, document, clock, _ = make_card()
    three_hours = 3 * 3600 * 1000
    send(card, "CallCard::CallStateChanged", "connecting", at=0)
    send(card, "CallCard::CallStateChanged", "connected", at=5_000)
    tracemalloc.start()
    sizes: list[int] = []
    for i in range(10_000):
        at = 5_000 + i * (three_hours - 10_000) / 10_000
        send(card, "CallCard::EntityChanged", {"PHONE_NUMBER": f"+7{i}"}, at=at)
        if i in (4_999, 9_999):
            sizes.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    clock["now"] = three_hours + 5_000
    card.tick()
    assert root.find("timer").textContent == "3:00:00"
    assert root.find("talk").textContent == "3:00:00"
    assert root.find("ring").textContent == "0:05"
    assert len(root.find_all("entry")) == timeline.MAX_ENTRIES
    assert sizes[1] - sizes[0] < 200_000, sizes  # the second 5,000 events add (almost) nothing
    assert document.created < 6 * (timeline.MAX_ENTRIES + 20)  # rows are recycled, not piled up


@hypothesis_settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["CallCard::CallStateChanged", "CallCard::EntityChanged",
                             "CallCard::BeforeClose", "app:opened", "other"]),
       payload=st.one_of(st.text(max_size=300), st.recursive(
           st.none() | st.booleans() | st.integers() | st.text(max_size=50),
           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
               st.sampled_from(["failedCode", "PHONE_NUMBER", "CRM_ENTITY_ID", "LANG",
                                "PLACEMENT_OPTIONS", "<b>"]), inner, max_size=4),
           max_leaves=10).map(json.dumps)),
       at=st.one_of(st.floats(), st.integers(), st.text(max_size=3), st.none()))
def test_any_raw_delivery_is_drawn_as_text_without_raising(kind: str, payload: str, at: object) -> None:
    card, root, document, _, warnings = make_card()
    card.receive(kind, payload, at)
    card.receive("CallCard::CallStateChanged", '["connected"]', 1.0)
    assert root.find("state").textContent == "Talking"
    allowed = {"SECTION", "DIV", "SPAN", "P", "DL", "DT", "DD", "OL", "LI", "TIME", "BUTTON"}
    assert document.tags <= allowed
    assert warnings == []


def opened_with(chosen: Settings, lang: str = "en") -> tuple[Card, FakeElement]:
    card, root, *_ = make_card()
    send(card, "app:opened", {"LANG": lang, "APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(chosen)},
                              "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "CALL_STATE": "idle"}}, at=0)
    return card, root


def test_the_admins_words_replace_the_built_in_ones_as_text() -> None:
    overrides = (Override("486", HTML, ""), Override("480", "", "Call back"))
    card, root = opened_with(Settings(overrides=overrides))
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=1_400)  # a busy line
    assert root.find("outcome").textContent == HTML
    assert root.find_all("entry")[-1].find("detail").textContent == f"486 · {HTML}"
    assert root.find("failure-next").textContent == BUSY_NEXT
    send(card, "CallCard::CallStateChanged", "connecting", at=3_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "480"}], at=4_000)
    assert root.find("failure-next").textContent == "Next step: Call back"
    assert root.find("failure-code").textContent == "Code 480"


def test_expected_outcomes_are_drawn_neutrally_in_the_forced_language() -> None:
    card, root = opened_with(Settings(language="ru", expected_codes=frozenset({"603-S"})), lang="en")
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "603-s"}], at=2_000)
    assert root.find("outcome").className == "outcome outcome-expected"
    assert root.find("outcome").textContent == "Отменён вами · время вызова 0:01"
    assert root.find("failure").className == "failure code-expected"


def test_client_changes_can_be_hidden_and_the_clock_can_be_twelve_hour() -> None:
    card, root = opened_with(Settings(show_client_changes=False, clock="12h"))
    send(card, "CallCard::EntityChanged", {"PHONE_NUMBER": "+100", "CRM_ENTITY_TYPE": "LEAD",
                                           "CRM_ENTITY_ID": 3}, at=13 * 3600_000 + 5_000)
    send(card, "CallCard::CallStateChanged", "connecting", at=13 * 3600_000 + 9_000)
    rows = root.find_all("entry")
    shown = [row for row in rows if not row.hidden]
    assert [row.find("what").textContent for row in shown] == [
        "Waiting for the call (since the card opened)", "Ringing"]
    assert len(rows) == 3
    assert shown[-1].find("clock").textContent == "1:00:09 PM"
    assert shown[0].find("clock").textContent == "12:00:00 AM"
    assert root.find("entries").className.split() == ["entries", "twelve-hour"]  # a wider time column


def test_the_admins_words_for_one_language_show_only_in_cards_in_that_language() -> None:
    overrides = (Override("486", "Line busy", "Book a callback"), Override("486", "Линия занята", "", "ru"))
    russian = ("Линия занята", "Что сделать: Book a callback")
    for lang, heading, next_step in (("ru", *russian), ("en", "Line busy", "Next step: Book a callback"),
                                     ("kz", *russian)):
        card, root = opened_with(Settings(overrides=overrides), lang=lang)
        send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
        send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=1_400)
        assert (root.find("outcome").textContent, root.find("failure-next").textContent) == (
            heading, next_step), lang


# --- the card an operator understands at a glance ----------------------------------------------


def row_texts(root: FakeElement) -> list[tuple[str, str, str]]:
    """Each visible row as (what, detail, duration)."""
    return [(row.find("what").textContent, row.find("detail").textContent,
             row.find("duration").textContent) for row in root.find_all("entry") if not row.hidden]


def test_the_current_steps_duration_keeps_running_after_other_rows_are_added() -> None:
    card, root, _, clock, _ = make_card()
    send(card, "CallCard::CallStateChanged", "connecting", at=0)
    send(card, "CallCard::CallStateChanged", "connected", at=2_000)
    clock["now"] = 3_000
    send(card, "CallCard::EntityChanged", {"PHONE_NUMBER": "+100"}, at=3_000)
    clock["now"] = 9_000
    card.tick()
    assert root.find("timer").textContent == "0:07"
    assert ("Talking", "", "0:07") in row_texts(root)


def test_a_finished_call_has_one_headline_with_its_outcome_and_duration_and_no_timer() -> None:
    card, root, _, clock, _ = make_card()
    send(card, "app:opened", {"LANG": "en", "PLACEMENT_OPTIONS": {"CALL_STATE": "idle"}}, at=0)
    assert root.find("state").textContent == "Waiting for the call"
    # Before the call nothing says it ended or lost its connection: the one row is "waiting" too.
    assert row_texts(root) == [("Waiting for the call (since the card opened)", "", "")]
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", "connected", at=8_000)
    send(card, "CallCard::CallStateChanged", "idle", at=193_000)
    clock["now"] = 300_000
    card.tick()
    text = root.visible_text()
    assert root.find("outcome").textContent == "Call ended · talk time 3:05"  # the talk, labelled
    assert root.find("talk").textContent == "3:05"
    assert "Call answered and ended" not in text and text.count("Call ended ·") == 1  # one headline
    assert root.find("status").hidden  # no state word above it, no timer still running
    assert row_texts(root)[-1] == ("Call ended", "", "")  # nor a running figure on the last row


def test_a_busy_call_that_was_never_answered_says_so_in_one_headline() -> None:
    card, root, *_ = make_card()
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=7_000)
    assert root.find("outcome").textContent == "Declined after 0:06 of ringing"
    assert root.find("outcome").className == "outcome outcome-failed"
    assert root.find("status").hidden


def test_an_answered_call_that_ends_with_a_code_is_not_called_failed() -> None:
    card, root, *_ = make_card()
    send(card, "CallCard::CallStateChanged", "connecting", at=0)
    send(card, "CallCard::CallStateChanged", "connected", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=5_000)
    text = root.visible_text()
    assert root.find("outcome").textContent == "Call ended · talk time 0:04"
    assert "Call failed" not in text and "another call" not in text
    assert "Talk time 0:04; when the call ended, the phone network reported code 486 · Busy." in text
    assert "code-failed" not in root.find_all("entry")[-1].className


@pytest.mark.parametrize(("code", "expected"), [("200", frozenset[str]()), ("603-S", frozenset({"603-S"})),
                                                ("487", frozenset({"487"}))])
def test_success_and_expected_codes_are_neutral_in_the_timeline_too(code: str,
                                                                    expected: frozenset[str]) -> None:
    card, root = opened_with(Settings(expected_codes=expected))
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": code}], at=2_000)
    last = root.find_all("entry")[-1]
    assert "code-failed" not in last.className.split()
    assert "code-failed" in _busy_row_class()


def _busy_row_class() -> str:
    card, root = opened_with(Settings())
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=2_000)
    return str(root.find_all("entry")[-1].className)


def test_a_close_the_card_refused_is_not_logged_as_the_card_closing() -> None:
    card, root = opened_with(Settings(keep_open=True))
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=2_000)
    send(card, "CallCard::BeforeClose", at=7_000)
    send(card, "CallCard::BeforeClose", at=8_000)
    whats = [what for what, _, _ in row_texts(root)]
    assert "Card closing" not in whats
    assert whats.count("Kept open so you can read the outcome") == 1
    card.receive("app:done", "[]", 9_000)
    send(card, "CallCard::BeforeClose", at=9_500)
    assert [what for what, _, _ in row_texts(root)][-1] == "Card closing"


def test_an_idle_step_waits_before_the_call_and_ends_it_after_never_no_connection() -> None:
    """An idle step is never "no connection", which reads like a network fault, before the call or after."""
    card, root, _, _, _ = make_card()
    send(card, "app:opened", {"LANG": "en", "PLACEMENT_OPTIONS": {"CALL_STATE": "idle"}}, at=0)
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=3_000)
    send(card, "CallCard::CallStateChanged", "connecting", at=4_000)
    send(card, "CallCard::CallStateChanged", "idle", at=5_000)
    words = [what for what, _, _ in row_texts(root)]
    assert words == ["Waiting for the call (since the card opened)", "Ringing", "Call ended", "Ringing",
                     "Call ended"]
    assert "connection" not in root.visible_text().lower()


def _seconds(figure: str) -> int:
    minutes, seconds = figure.split(":")
    return int(minutes) * 60 + int(seconds)


@pytest.mark.parametrize(("ringing", "connected", "ended"), [
    (1_700, 2_300, 10_100),  # each part rounded on its own gave 0:00 + 0:07 beside a 0:08 whole
    (999, 1_000, 1_999), (0, 59_999, 60_000), (5_432, 9_876, 3_605_001)])
def test_the_figures_add_up_and_the_rows_too(ringing: float, connected: float, ended: float) -> None:
    """One rounding rule, on the instants: ring time + talk time is the whole call, and each row's
    length is its part, however the moments fall within their seconds."""
    card, root, *_ = make_card()
    send(card, "CallCard::CallStateChanged", "connecting", at=ringing)
    send(card, "CallCard::CallStateChanged", "connected", at=connected)
    send(card, "CallCard::CallStateChanged", "idle", at=ended)
    ring, talk = _seconds(root.find("ring").textContent), _seconds(root.find("talk").textContent)
    whole = ended // 1000 - ringing // 1000
    assert ring + talk == whole
    assert root.find("outcome").textContent == f"Call ended · talk time {root.find('talk').textContent}"
    rows = [_seconds(row[2]) for row in row_texts(root) if row[2]]
    assert rows == [ring, talk]


def test_the_admins_words_for_a_busy_486_are_not_a_declined_calls() -> None:
    """A 486 after ringing means the client declined: the card takes the admin's words for 603
    (the code whose meaning applies), never their label for a busy line beside "rejected"."""
    overrides = (Override("486", "Line busy", "Book a callback"), Override("603", "", "Send an SMS"))
    card, root = opened_with(Settings(overrides=overrides))
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=9_000)
    assert root.find("outcome").textContent == "Declined after 0:08 of ringing"
    assert root.find("failure-reason").textContent == "The client rejected the call."
    assert root.find("failure-next").textContent == "Next step: Send an SMS"
