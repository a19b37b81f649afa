"""Parsing what the frame delivers, in every form a portal or a frame library hands it on."""

import json
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placement_app.core.events import (
    BEFORE_CLOSE,
    CALL_STATE_CHANGED,
    CARD_OPENED,
    ENTITY_CHANGED,
    MAX_INSTANT,
    BeforeClose,
    CallState,
    CallStateChanged,
    CardOpened,
    EntityChanged,
    Event,
    Unrecognised,
    arrival,
    parse_event,
    parse_wire,
)

E = TypeVar("E", bound=Event)


def expect(kind: type[E], event: Event) -> E:
    """``event``, checked to be a ``kind``."""
    assert isinstance(event, kind), event
    return event


def code_of(args: list[object]) -> str | None:
    """The failure code that a ``CallStateChanged`` with ``args`` carries."""
    return expect(CallStateChanged, parse_event(CALL_STATE_CHANGED, args, 1)).failed_code


def test_state_alone_is_read_without_a_code() -> None:
    assert parse_event(CALL_STATE_CHANGED, ["idle"], 5.0) == CallStateChanged(5.0, CallState.IDLE)


def test_array_form_carries_the_code() -> None:
    event = parse_event(CALL_STATE_CHANGED, [["idle", {"failedCode": "486"}]], 1.0)
    assert event == CallStateChanged(1.0, CallState.IDLE, "486")


def test_two_argument_form_carries_the_code() -> None:
    event = parse_event(CALL_STATE_CHANGED, ["idle", {"failedCode": "603-S"}], 1.0)
    assert event == CallStateChanged(1.0, CallState.IDLE, "603-S")


def test_numeric_code_becomes_text() -> None:
    assert code_of(["idle", {"failedCode": 486}]) == "486"
    assert code_of(["idle", {"failedCode": 486.0}]) == "486"


def test_empty_or_missing_code_means_no_code() -> None:
    for params in ({"failedCode": ""}, {"failedCode": "  "}, {"failedCode": None}, {}, None, "x"):
        assert code_of(["idle", params]) is None


def test_garbage_code_is_kept_as_short_text() -> None:
    assert code_of(["idle", {"failedCode": {"a": [1, 2]}}]) == '{"a": [1, 2]}'
    long = code_of(["idle", {"failedCode": "9" * 500}])
    assert long is not None and len(long) == 120 and long.endswith("…")


def test_unknown_state_is_unrecognised_not_an_error() -> None:
    event = parse_event(CALL_STATE_CHANGED, ["ringing"], 2.0)
    assert isinstance(event, Unrecognised)
    assert event.reason == "unknown call state" and event.preview == "ringing"


def test_no_arguments_is_unrecognised() -> None:
    assert isinstance(parse_event(CALL_STATE_CHANGED, [], 0), Unrecognised)
    assert isinstance(parse_event(CALL_STATE_CHANGED, [[]], 0), Unrecognised)


def test_entity_changed_reads_client_fields_and_drops_bad_ones() -> None:
    event = parse_event(ENTITY_CHANGED, [{"PHONE_NUMBER": "+7495", "CRM_ENTITY_TYPE": "contact",
                                          "CRM_ENTITY_ID": "17"}], 3)
    assert event == EntityChanged(3, "+7495", "CONTACT", 17)
    odd = parse_event(ENTITY_CHANGED, [{"PHONE_NUMBER": ["x"], "CRM_ENTITY_TYPE": "<b>",
                                        "CRM_ENTITY_ID": -4}], 3)
    assert odd == EntityChanged(3, None, None, None)
    assert isinstance(parse_event(ENTITY_CHANGED, ["text"], 3), Unrecognised)


def test_before_close_needs_no_data() -> None:
    assert parse_event(BEFORE_CLOSE, [], 4) == BeforeClose(4)
    assert parse_event(BEFORE_CLOSE, ["anything"], 4) == BeforeClose(4)


def test_init_data_gives_state_language_and_call() -> None:
    options = {"CALL_ID": "c1", "CALL_STATE": "connected", "CALL_DIRECTION": "incoming"}
    data = {"LANG": "ru", "PLACEMENT_OPTIONS": options}
    event = parse_event(CARD_OPENED, [data], 9)
    assert event == CardOpened(9, "c1", CallState.CONNECTED, "ru", "incoming", None)


def test_placement_options_as_json_string_are_read() -> None:
    data = {"PLACEMENT_OPTIONS": json.dumps({"CALL_ID": "c2", "CALL_STATE": "connecting"})}
    event = expect(CardOpened, parse_event(CARD_OPENED, [data], 9))
    assert event.call_id == "c2" and event.call_state is CallState.CONNECTING


def test_status_reply_has_fields_at_top_level() -> None:
    status = {"CALL_ID": "c3", "CALL_STATE": "idle", "CRM_ENTITY_ID": 0}
    event = expect(CardOpened, parse_event(CARD_OPENED, [status], 1))
    assert event.call_id == "c3" and event.call_state is CallState.IDLE


def test_unknown_event_name_is_unrecognised() -> None:
    event = parse_event("CallCard::Something", [1], 1)
    assert isinstance(event, Unrecognised) and event.reason == "unknown event"


def test_wire_payload_that_is_not_json_is_unrecognised() -> None:
    event = parse_wire(CALL_STATE_CHANGED, "{not json", 12, now=20)
    assert isinstance(event, Unrecognised) and event.at == 12
    assert isinstance(parse_wire(CALL_STATE_CHANGED, None, "x", now=20), Unrecognised)


json_values: st.SearchStrategy[object] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(kind=st.sampled_from([CALL_STATE_CHANGED, ENTITY_CHANGED, BEFORE_CLOSE, CARD_OPENED, "x"]),
       args=st.lists(json_values, max_size=3), at=st.floats(allow_nan=False, allow_infinity=False))
def test_any_payload_parses_to_an_event_without_raising(kind: str, args: list[object], at: float) -> None:
    now = 1_780_000_000_000.0
    event = parse_wire(kind, json.dumps(args), at, now=now)
    assert event.at == (at if 0 <= at <= MAX_INSTANT else now)
    for value in vars(event).values():
        if isinstance(value, str):
            assert len(value) <= 160
            assert value.isprintable()


@given(state=st.sampled_from(list(CallState)), code=st.from_regex(r"[1-6]\d\d", fullmatch=True),
       form=st.sampled_from(["array", "two"]))
def test_code_survives_every_wire_form(state: CallState, code: str, form: str) -> None:
    params = {"failedCode": code}
    args: list[object] = [[state.value, params]] if form == "array" else [state.value, params]
    event = parse_event(CALL_STATE_CHANGED, args, 0)
    assert event == CallStateChanged(0, state, code)


#: The card's own clock as it handles an event (28 May 2026, 09:30 UTC).
NOW = 1_779_960_600_000.0
#: Arrival times that are no moment at all: each would have been shown as a 1970 clock (or worse).
UNUSABLE_ARRIVALS = {
    "NaN": float("nan"), "infinity": float("inf"), "minus infinity": float("-inf"),
    "negative": -1, "before 1970": -86_400_000.0, "past any date": MAX_INSTANT + 1, "absurd": 1e300,
    "true": True, "false": False, "text": "1779960600000", "null": None, "list": [NOW],
}


@pytest.mark.parametrize("at", UNUSABLE_ARRIVALS.values(), ids=UNUSABLE_ARRIVALS.keys())
def test_an_event_with_an_unusable_arrival_time_is_taken_at_the_cards_own_clock(at: object) -> None:
    assert arrival(at, NOW) == NOW
    assert parse_wire(CALL_STATE_CHANGED, '["connecting"]', at, now=NOW) == CallStateChanged(
        NOW, CallState.CONNECTING)
    unreadable = parse_wire(CALL_STATE_CHANGED, "{not json", at, now=NOW)
    assert isinstance(unreadable, Unrecognised) and unreadable.at == NOW


@pytest.mark.parametrize("at", [0, 0.0, 1_000, NOW - 5_000, MAX_INSTANT])
def test_an_arrival_time_that_is_a_moment_is_kept_as_it_came(at: float) -> None:
    event = parse_wire(CALL_STATE_CHANGED, '["connecting"]', at, now=NOW)
    assert event.at == at and type(event.at) is float
