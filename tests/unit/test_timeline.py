"""The call timeline as pure state: exact times, no clock inside."""

from dataclasses import replace
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
    Event,
    Unrecognised,
)
from placement_app.core.timeline import Notice, NoticeKind, Outcome, StateSpan, Timeline, apply, replay

C, T, IDLE = CallState.CONNECTING, CallState.CONNECTED, CallState.IDLE


def state(at: float, call_state: CallState, code: str | None = None) -> CallStateChanged:
    return CallStateChanged(at, call_state, code)


def current(line: Timeline) -> StateSpan:
    """The span the call is in now (there must be one)."""
    assert line.current is not None
    return line.current


def notices(line: Timeline) -> list[Notice]:
    return [entry for entry in line.entries if isinstance(entry, Notice)]


def test_successful_call_has_ring_and_talk_times() -> None:
    line = replay([state(1_000, C), state(9_000, T), state(69_000, IDLE)])
    assert line.outcome is Outcome.ANSWERED
    assert line.ring_time(now=100_000) == 8_000
    assert line.talk_time(now=100_000) == 60_000
    spans = [entry for entry in line.entries if isinstance(entry, StateSpan)]
    assert [(s.call_state, s.started_at, s.ended_at) for s in spans] == [
        (C, 1_000, 9_000), (T, 9_000, 69_000), (IDLE, 69_000, None)]


def test_busy_call_fails_with_its_code() -> None:
    line = replay([state(0, C), state(4_000, IDLE, "486")])
    assert line.outcome is Outcome.FAILED and line.failed_code == "486"
    assert line.ring_time(now=50_000) == 4_000 and line.talk_time(now=50_000) is None


def test_idle_from_connecting_without_code_is_not_answered_never_success() -> None:
    line = replay([state(0, C), state(20_000, IDLE)])
    assert line.outcome is Outcome.NOT_ANSWERED


def test_live_durations_count_up_to_now() -> None:
    line = replay([state(0, C), state(3_000, T)])
    assert line.outcome is Outcome.TALKING
    assert line.talk_time(now=10_000) == 7_000
    assert current(line).duration(now=10_000) == 7_000


def test_success_code_with_idle_is_answered() -> None:
    assert replay([state(0, C), state(5, IDLE, "200")]).outcome is Outcome.ANSWERED


def test_connected_then_a_failure_code_is_still_answered() -> None:
    """A call that was talked on was answered, whatever code the telephony reports at its end."""
    line = replay([state(0, C), state(1, T), state(2, IDLE, "503")])
    assert line.outcome is Outcome.ANSWERED and line.failed_code == "503"


def test_a_finished_calls_length_runs_from_its_first_ring_to_its_end() -> None:
    assert replay([state(1_000, C), state(8_000, T), state(193_000, IDLE)]).call_time() == 192_000
    assert replay([state(1_000, C)]).call_time() is None


def test_repeated_state_adds_no_entry_but_takes_a_late_code() -> None:
    line = replay([state(0, C), state(5, IDLE), state(6, IDLE, "486")])
    assert len(line.entries) == 2
    assert current(line).failed_code == "486" and line.outcome is Outcome.FAILED


def test_card_opened_mid_call_marks_times_as_since_open() -> None:
    line = replay([CardOpened(100, "call-1", T, "ru", "incoming", None)])
    assert line.call_id == "call-1" and line.lang == "ru"
    assert current(line).since_open and line.joined_late
    assert line.talk_time(now=1_100) == 1_000


def test_card_opened_after_real_events_does_not_override_state() -> None:
    line = replay([state(50, C), CardOpened(60, "call-1", IDLE, "en", None, None)])
    assert line.call_state is C and len(line.entries) == 1


def test_client_change_is_noted_once_per_client() -> None:
    change = EntityChanged(5, "+7495", "CONTACT", 17)
    line = replay([change, change, EntityChanged(6, "+7495", "CONTACT", 18)])
    notes = [entry for entry in notices(line) if entry.kind is NoticeKind.CLIENT]
    # As the portal sent them: the view puts them in words (view.client_words).
    assert [n.client for n in notes] == [("+7495", "CONTACT", 17), ("+7495", "CONTACT", 18)]


def test_before_close_is_idempotent() -> None:
    line = replay([state(0, C), BeforeClose(5), BeforeClose(9)])
    assert [notice.kind for notice in notices(line)].count(NoticeKind.CLOSING) == 1


def test_unrecognised_event_is_visible() -> None:
    line = replay([Unrecognised(7, "CallCard::CallStateChanged", "unknown call state", "ringing")])
    (notice,) = line.entries
    assert isinstance(notice, Notice)
    assert notice.kind is NoticeKind.UNRECOGNISED and "ringing" in notice.detail


def test_second_attempt_resets_the_summary() -> None:
    line = replay([state(0, C), state(10_000, IDLE, "486"), state(20_000, C), state(25_000, T)])
    assert line.outcome is Outcome.TALKING and line.failed_code is None
    assert line.ring_time(now=30_000) == 5_000


def test_entries_are_bounded_but_summary_survives() -> None:
    stream: list[Event] = [state(0, C), state(1, T)]
    stream += [EntityChanged(2 + i, f"+{i}", None, None) for i in range(tl.MAX_ENTRIES + 50)]
    stream.append(state(10_000, IDLE))
    line = replay(stream)
    assert len(line.entries) == tl.MAX_ENTRIES
    assert line.dropped == len(stream) - tl.MAX_ENTRIES
    # Whole seconds between the instants' seconds (timeline.between): 0:00.001 to 0:10.000 is 0:10.
    assert line.talk_time(now=0) == 10_000 and line.outcome is Outcome.ANSWERED


def test_handlers_return_new_values_and_leave_the_old_alone() -> None:
    before = Timeline()
    after = apply(before, state(1, C))
    assert before.entries == () and after.call_state is C


events: st.SearchStrategy[Event] = st.one_of(
    st.builds(CallStateChanged, st.just(0.0), st.sampled_from(list(CallState)),
              st.one_of(st.none(), st.sampled_from(["486", "200", "603-S", "<b>"]))),
    st.builds(EntityChanged, st.just(0.0), st.one_of(st.none(), st.text(max_size=5)),
              st.none(), st.none()),
    st.builds(BeforeClose, st.just(0.0)),
)


@given(st.lists(st.tuples(st.floats(min_value=0, max_value=1e6), events), max_size=60))
def test_spans_are_ordered_closed_and_non_negative(timed: list[tuple[float, Event]]) -> None:
    clock = 0.0
    stream: list[Event] = []
    for gap, event in timed:
        clock += gap
        stream.append(replace(event, at=clock))
    line = replay(stream)
    spans = [e for e in line.entries if isinstance(e, StateSpan)]
    assert all(s.ended_at is not None for s in spans[:-1])
    assert all(a.call_state is not b.call_state for a, b in pairwise(spans))
    assert all(s.duration(now=clock) >= 0 for s in spans)
    if line.outcome is Outcome.ANSWERED:
        assert line.connected_at is not None or line.failed_code == "200"
    for value in (line.ring_time(clock), line.talk_time(clock)):
        assert value is None or value >= 0


def test_an_answer_at_the_epochs_first_instant_ends_the_ringing_there() -> None:
    """0.0 is an instant like any other, not a missing one: the ringing stops at the answer."""
    line = replay([state(0, C), state(0, T), state(9_000, IDLE)])
    assert line.connected_at == 0.0 and line.outcome is Outcome.ANSWERED
    assert line.ring_time(now=20_000) == 0 and not line.rang
    assert line.talk_time(now=20_000) == 9_000


#: Instants from the epoch's first on (0.0 and whole seconds among them, where rounding turns).
instants = st.one_of(st.just(0.0), st.integers(0, 1000).map(lambda s: s * 1000.0), st.floats(0, 1e6))


@given(instants, instants, instants)
def test_ring_time_and_talk_time_make_up_the_whole_call(start: float, ringing: float, talking: float) -> None:
    line = replay([state(start, C), state(start + ringing, T), state(start + ringing + talking, IDLE)])
    ring, talk = line.ring_time(now=0), line.talk_time(now=0)
    assert ring is not None and talk is not None
    assert ring + talk == line.call_time()
