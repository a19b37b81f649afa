"""The call timeline as pure state: exact times, no clock inside."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from placement_app.core import timeline as tl
from placement_app.core.events import (
    BeforeClose,
    CallState,
    CallStateChanged,
    CardOpened,
    EntityChanged,
    Unrecognised,
)
from placement_app.core.timeline import NoticeKind, Outcome, StateSpan, Timeline, apply, replay

C, T, IDLE = CallState.CONNECTING, CallState.CONNECTED, CallState.IDLE


def state(at, call_state, code=None):
    return CallStateChanged(at, call_state, code)


def test_successful_call_has_ring_and_talk_times():
    line = replay([state(1_000, C), state(9_000, T), state(69_000, IDLE)])
    assert line.outcome is Outcome.ANSWERED
    assert line.ring_time(now=100_000) == 8_000
    assert line.talk_time(now=100_000) == 60_000
    spans = [entry for entry in line.entries if isinstance(entry, StateSpan)]
    assert [(s.call_state, s.started_at, s.ended_at) for s in spans] == [
        (C, 1_000, 9_000), (T, 9_000, 69_000), (IDLE, 69_000, None)]


def test_busy_call_fails_with_its_code():
    line = replay([state(0, C), state(4_000, IDLE, "486")])
    assert line.outcome is Outcome.FAILED and line.failed_code == "486"
    assert line.ring_time(now=50_000) == 4_000 and line.talk_time(now=50_000) is None


def test_idle_from_connecting_without_code_is_not_answered_never_success():
    line = replay([state(0, C), state(20_000, IDLE)])
    assert line.outcome is Outcome.NOT_ANSWERED


def test_live_durations_count_up_to_now():
    line = replay([state(0, C), state(3_000, T)])
    assert line.outcome is Outcome.TALKING
    assert line.talk_time(now=10_000) == 7_000
    assert line.current.duration(now=10_000) == 7_000


def test_success_code_with_idle_is_answered():
    assert replay([state(0, C), state(5, IDLE, "200")]).outcome is Outcome.ANSWERED


def test_connected_then_failure_code_is_failed():
    assert replay([state(0, C), state(1, T), state(2, IDLE, "503")]).outcome is Outcome.FAILED


def test_repeated_state_adds_no_entry_but_takes_a_late_code():
    line = replay([state(0, C), state(5, IDLE), state(6, IDLE, "486")])
    assert len(line.entries) == 2
    assert line.current.failed_code == "486" and line.outcome is Outcome.FAILED


def test_card_opened_mid_call_marks_times_as_since_open():
    line = replay([CardOpened(100, "call-1", T, "ru", "incoming", None)])
    assert line.call_id == "call-1" and line.lang == "ru"
    assert line.current.since_open and line.joined_late
    assert line.talk_time(now=1_100) == 1_000


def test_card_opened_after_real_events_does_not_override_state():
    line = replay([state(50, C), CardOpened(60, "call-1", IDLE, "en", None, None)])
    assert line.call_state is C and len(line.entries) == 1


def test_client_change_is_noted_once_per_client():
    change = EntityChanged(5, "+7495", "CONTACT", 17)
    line = replay([change, change, EntityChanged(6, "+7495", "CONTACT", 18)])
    notes = [entry for entry in line.entries if entry.kind is NoticeKind.CLIENT]
    assert [n.detail for n in notes] == ["+7495 · CONTACT #17", "+7495 · CONTACT #18"]


def test_before_close_is_idempotent():
    line = replay([state(0, C), BeforeClose(5), BeforeClose(9)])
    assert sum(1 for e in line.entries if getattr(e, "kind", None) is NoticeKind.CLOSING) == 1


def test_unrecognised_event_is_visible():
    line = replay([Unrecognised(7, "CallCard::CallStateChanged", "unknown call state", "ringing")])
    (notice,) = line.entries
    assert notice.kind is NoticeKind.UNRECOGNISED and "ringing" in notice.detail


def test_second_attempt_resets_the_summary():
    line = replay([state(0, C), state(10, IDLE, "486"), state(20, C), state(25, T)])
    assert line.outcome is Outcome.TALKING and line.failed_code is None
    assert line.ring_time(now=30) == 5


def test_entries_are_bounded_but_summary_survives():
    events = [state(0, C), state(1, T)]
    events += [EntityChanged(2 + i, f"+{i}", None, None) for i in range(tl.MAX_ENTRIES + 50)]
    events.append(state(10_000, IDLE))
    line = replay(events)
    assert len(line.entries) == tl.MAX_ENTRIES
    assert line.dropped == len(events) - tl.MAX_ENTRIES
    assert line.talk_time(now=0) == 9_999 and line.outcome is Outcome.ANSWERED


def test_handlers_return_new_values_and_leave_the_old_alone():
    before = Timeline()
    after = apply(before, state(1, C))
    assert before.entries == () and after.call_state is C


events = st.one_of(
    st.builds(CallStateChanged, st.just(0.0), st.sampled_from(list(CallState)),
              st.one_of(st.none(), st.sampled_from(["486", "200", "603-S", "<b>"]))),
    st.builds(EntityChanged, st.just(0.0), st.one_of(st.none(), st.text(max_size=5)),
              st.none(), st.none()),
    st.builds(BeforeClose, st.just(0.0)),
)


@given(st.lists(st.tuples(st.floats(min_value=0, max_value=1e6), events), max_size=60))
def test_spans_are_ordered_closed_and_non_negative(timed):
    clock, stream = 0.0, []
    for gap, event in timed:
        clock += gap
        stream.append(type(event)(clock, *list(vars(event).values())[1:]))
    line = replay(stream)
    spans = [e for e in line.entries if isinstance(e, StateSpan)]
    assert all(s.ended_at is not None for s in spans[:-1])
    assert all(a.call_state is not b.call_state for a, b in pairwise(spans))
    assert all(s.duration(now=clock) >= 0 for s in spans)
    if line.outcome is Outcome.ANSWERED:
        assert line.connected_at is not None or line.failed_code == "200"
    for value in (line.ring_time(clock), line.talk_time(clock)):
        assert value is None or value >= 0
