"""The timeline across reloads: kept per call, bounded, never with tokens, never trusted blindly."""

import errno
import json
from dataclasses import fields, replace
from typing import NoReturn

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage
from hypothesis import given
from hypothesis import strategies as st

from placement_app.browser.mirror import MirroredStorage, StorageFull
from placement_app.card import storage
from placement_app.card.app import Card
from placement_app.card.keep_open import KeepOpen
from placement_app.card.persistence import SAVE_EVERY_MS, Persistence
from placement_app.card.storage import INDEX_KEY, MAX_CALLS, PREFIX, Invalid, Store, dumps, loads, loads_hold
from placement_app.card.view import CardView
from placement_app.core.events import (
    BeforeClose,
    CallState,
    CallStateChanged,
    CardOpened,
    EntityChanged,
    Event,
    LookupFailure,
)
from placement_app.core.timeline import LookupState, Timeline, replay

TOKEN = "secret-auth-token-0123"


class MemoryStorage:
    """localStorage semantics, with an optional quota in characters (a full one says so as the worker's
    copy of the page's storage does: ``OSError`` with ``ENOSPC``)."""

    def __init__(self, quota: int | None = None) -> None:
        self.items: dict[str, str] = {}
        self.quota = quota

    def getItem(self, key: str) -> str | None:
        return self.items.get(key)

    def setItem(self, key: str, value: str) -> None:
        size = sum(len(k) + len(v) for k, v in self.items.items() if k != key) + len(key) + len(value)
        if self.quota is not None and size > self.quota:
            raise OSError(errno.ENOSPC, "QuotaExceededError")
        self.items[key] = value

    def removeItem(self, key: str) -> None:
        self.items.pop(key, None)


class BrokenStorage:
    """Storage the browser refuses (disabled, or a sandboxed frame): every call raises."""

    def getItem(self, key: str) -> NoReturn:
        raise RuntimeError("SecurityError")

    def setItem(self, key: str, value: str) -> NoReturn:
        raise RuntimeError("SecurityError")

    def removeItem(self, key: str) -> NoReturn:
        raise RuntimeError("SecurityError")


def opened(call_id: str, state: str = "idle") -> str:
    data = {"LANG": "en", "AUTH_ID": TOKEN, "REFRESH_ID": TOKEN,
            "PLACEMENT_OPTIONS": {"CALL_ID": call_id, "CALL_STATE": state}}
    return json.dumps([data])


def new_card(store: Store, now: float = 100_000.0) -> tuple[Card, FakeElement]:
    document = FakeDocument()
    root = document.createElement("section")
    return Card(CardView(document, root), FakePage(lambda: now), store), root


def rows(root: FakeElement) -> list[str]:
    return [row.find("what").textContent for row in root.find_all("entry")]


def test_a_reloaded_tab_picks_up_the_same_call() -> None:
    backend = MemoryStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1"), 1_000)
    first.receive("CallCard::CallStateChanged", '["connecting"]', 2_000)
    first.receive("CallCard::CallStateChanged", '["connected"]', 9_000)
    first.flush()
    again, root = new_card(Store(backend), now=69_000.0)
    again.receive("app:opened", opened("call-1", "connected"), 60_000)
    assert rows(root) == ["Waiting for the call (since the card opened)", "Ringing", "Talking"]
    assert root.find("talk").textContent == "1:00"  # counted from 9 s, not from the reload
    assert root.find("ring").textContent == "0:07"


def test_a_state_change_missed_during_the_reload_is_taken_from_the_init_data() -> None:
    backend = MemoryStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1", "connecting"), 1_000)
    first.flush()
    again, root = new_card(Store(backend))
    again.receive("app:opened", opened("call-1", "connected"), 5_000)
    assert rows(root) == ["Ringing (since the card opened)", "Talking"]


def test_events_before_the_init_data_are_replayed_over_the_saved_timeline() -> None:
    backend = MemoryStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1", "connecting"), 1_000)
    first.flush()
    again, root = new_card(Store(backend))
    again.receive("CallCard::CallStateChanged", '[["idle", {"failedCode": "486"}]]', 4_000)
    again.receive("app:opened", opened("call-1", "connecting"), 4_100)
    assert rows(root) == ["Ringing (since the card opened)", "Call ended"]
    assert again.timeline.failed_code == "486"


def test_another_call_starts_a_fresh_timeline() -> None:
    backend = MemoryStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1", "connected"), 1_000)
    first.flush()
    other, root = new_card(Store(backend))
    other.receive("app:opened", opened("call-2", "connecting"), 5_000)
    assert rows(root) == ["Ringing (since the card opened)"]


def test_no_auth_token_is_ever_stored() -> None:
    backend = MemoryStorage()
    card, _ = new_card(Store(backend))
    card.receive("app:opened", opened("call-1"), 1_000)
    card.receive("app:opened", json.dumps([{"CALL_ID": "call-1", "AUTH_ID": TOKEN}]), 1_100)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 2_000)
    card.flush()
    assert backend.items and all(TOKEN not in value for value in backend.items.values())


def test_only_the_last_calls_are_kept() -> None:
    backend = MemoryStorage()
    store = Store(backend)
    for number in range(MAX_CALLS + 7):
        store.save(Timeline(call_id=f"call-{number}"))
    kept = json.loads(backend.items[INDEX_KEY])
    assert kept == [f"call-{n}" for n in range(7, MAX_CALLS + 7)]
    assert len(backend.items) == MAX_CALLS + 1
    assert store.load("call-0") is None and store.load(f"call-{MAX_CALLS + 6}") is not None


def test_full_storage_forgets_old_calls_to_keep_the_current_one() -> None:
    big = replay([EntityChanged(float(i), f"+{i:020d}", None, None) for i in range(150)])
    backend = MemoryStorage(quota=3 * len(dumps(replace_call(big, "x"))))
    store = Store(backend)
    for number in range(6):
        assert store.save(replace_call(big, f"call-{number}"))
    assert store.load("call-5") is not None
    assert store.load("call-0") is None


def replace_call(line: Timeline, call_id: str) -> Timeline:
    return replace(line, call_id=call_id)


def test_storage_that_refuses_everything_does_not_break_the_card() -> None:
    warnings: list[str] = []
    store = Store(BrokenStorage(), warnings.append)
    card, root = new_card(store)
    card.receive("app:opened", opened("call-1"), 1_000)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 2_000)
    card.flush()
    assert rows(root)[-1] == "Ringing"
    assert store.save(Timeline(call_id="x")) is False


@pytest.mark.parametrize("stored", [
    "not json", "[]", '{"version": 99}', '{"version": 1, "call_id": "other"}',
    '{"version": 1, "call_id": "call-1", "entries": [{"span": "ringing", "start": 1}], "dropped": 0}',
    '{"version": 1, "call_id": "call-1", "entries": [{"span": "idle", "start": "x"}], "dropped": 0}',
    '{"version": 1, "call_id": "call-1", "entries": "<img>", "dropped": 0}',
])
def test_corrupt_or_foreign_saved_values_start_fresh(stored: str) -> None:
    backend = MemoryStorage()
    backend.items[PREFIX + "call:call-1"] = stored
    warnings: list[str] = []
    card, root = new_card(Store(backend, warnings.append))
    card.receive("app:opened", opened("call-1", "connecting"), 1_000)
    assert rows(root) == ["Ringing (since the card opened)"]
    assert warnings


def test_dumps_covers_every_field_of_the_timeline() -> None:
    line = replay([CallStateChanged(1.0, CallState.CONNECTING), EntityChanged(2.0, "+1", "LEAD", 5),
                   CallStateChanged(3.0, CallState.IDLE, "486"), BeforeClose(4.0)])
    line = replace_call(line, "c")
    assert set(json.loads(dumps(line))) - {"version", "hold"} == {f.name for f in fields(Timeline)}
    assert loads(dumps(line), "c") == line


def test_an_end_seen_only_as_a_held_close_and_an_external_call_survive_a_round_trip() -> None:
    line = replay([CardOpened(0.0, "externalCall.7", CallState.CONNECTED, "en", None, None),
                   BeforeClose(5.0, held=True)])
    assert line.external and line.entries[-2].ends_call  # type: ignore[union-attr]
    assert loads(dumps(line), "externalCall.7") == line


# Text as the parser hands it on: printable and clipped.
texts: st.SearchStrategy[str] = st.text(max_size=10).filter(str.isprintable)
events: st.SearchStrategy[list[Event]] = st.lists(st.one_of(
    st.builds(CallStateChanged, st.floats(0, 1e9), st.sampled_from(list(CallState)),
              st.one_of(st.none(), texts)),
    st.builds(EntityChanged, st.floats(0, 1e9), st.one_of(st.none(), texts),
              st.sampled_from([None, "LEAD"]), st.one_of(st.none(), st.integers(1, 10**9))),
    st.builds(BeforeClose, st.floats(0, 1e9))), max_size=30)


@given(events)
def test_any_timeline_survives_a_round_trip(stream: list[Event]) -> None:
    line = replace_call(replay(stream), "call")
    assert loads(dumps(line), "call") == line


def test_loads_refuses_nonsense() -> None:
    with pytest.raises(Invalid):
        loads('{"version": 1, "call_id": "c", "entries": [], "dropped": -1}', "c")
    assert storage.MAX_CALLS == 20


# The journal: events a page forwarded but did not see saved when it was hidden or went
# (static/shim.js writes it), replayed once by the next card of the call.

class ListedStorage(MemoryStorage):
    """Storage whose keys can be listed, as the worker's copy of the page's storage."""

    def keys(self) -> list[str]:
        return list(self.items)


def journal(backend: MemoryStorage, page: str, call_id: str, *events: tuple[str, str, float],
            written: float = 100_000.0) -> str:
    key = storage.JOURNAL_PREFIX + page
    backend.items[key] = json.dumps({"version": 1, "call_id": call_id, "page": page, "written": written,
                                     "events": [list(event) for event in events]})
    return key


def confirming_card(store: Store, now: float = 100_000.0) -> tuple[Card, FakeElement, list[int]]:
    document = FakeDocument()
    root = document.createElement("section")
    page = FakePage(lambda: now)
    card = Card(CardView(document, root), page, store)
    return card, root, page.confirmed


def test_the_page_is_told_what_is_saved_only_once_it_is_saved() -> None:
    backend = ListedStorage()
    card, _, confirmed = confirming_card(Store(backend))
    card.receive("CallCard::CallStateChanged", '["connecting"]', 500, 1)
    assert confirmed == []  # the call is not known yet: nothing can be saved
    card.receive("app:opened", opened("call-1", "connecting"), 1_000, 2)
    assert confirmed == [2]  # the first save is at once, and holds the early event too
    card.receive("CallCard::CallStateChanged", '["connected"]', 1_200, 3)
    assert confirmed == [2]  # within the save window: kept by the page
    card.tick()
    assert confirmed == [2, 3]
    card.tick()
    assert confirmed == [2, 3]


def test_nothing_is_confirmed_when_the_storage_refuses_the_copy() -> None:
    card, _, confirmed = confirming_card(Store(BrokenStorage()))
    card.receive("app:opened", opened("call-1"), 1_000, 1)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 2_000, 2)
    card.tick()
    assert confirmed == []


def test_a_journal_is_replayed_over_the_saved_copy_once() -> None:
    backend = ListedStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1", "connecting"), 1_000)
    first.flush()
    key = journal(backend, "page1", "call-1", ("CallCard::CallStateChanged", '["connected"]', 2_000),
                  ("CallCard::EntityChanged", '[{"PHONE_NUMBER": "+1"}]', 2_100),
                  ("CallCard::CallStateChanged", '[["idle", {"failedCode": "486"}]]', 2_200))
    again, root, _ = confirming_card(Store(backend))
    again.receive("app:opened", opened("call-1", "idle"), 5_000, 1)
    assert rows(root) == ["Ringing (since the card opened)", "Talking", "Client", "Call ended"]
    assert again.timeline.failed_code == "486"
    assert key not in backend.items  # removed after the copy that holds it was saved
    assert json.loads(backend.items[PREFIX + "call:call-1"])["replayed"] == ["page1"]
    third, root, _ = confirming_card(Store(backend))
    third.receive("app:opened", opened("call-1", "idle"), 9_000, 1)
    assert rows(root) == ["Ringing (since the card opened)", "Talking", "Client", "Call ended"]


def test_a_journal_left_behind_after_its_copy_was_saved_is_not_replayed_twice() -> None:
    backend = ListedStorage()
    first, _ = new_card(Store(backend))
    first.receive("app:opened", opened("call-1", "connecting"), 1_000)
    first.flush()
    events = [("CallCard::CallStateChanged", '["connected"]', 2_000)]
    journal(backend, "page1", "call-1", *events)
    again, _, _ = confirming_card(Store(backend))
    again.receive("app:opened", opened("call-1", "connected"), 5_000, 1)
    journal(backend, "page1", "call-1", *events)  # the page went before the removal reached it
    third, root, _ = confirming_card(Store(backend))
    third.receive("app:opened", opened("call-1", "connected"), 9_000, 1)
    assert rows(root) == ["Ringing (since the card opened)", "Talking"]
    assert not [key for key in backend.items if key.startswith(storage.JOURNAL_PREFIX)]


def test_a_journal_without_a_saved_copy_rebuilds_the_call_from_its_opening() -> None:
    backend = ListedStorage()
    opening = json.loads(opened("call-1", "idle"))[0]
    opening["AUTH_ID"] = opening["REFRESH_ID"] = "(hidden)"  # as the page keeps it
    journal(backend, "page1", "call-1", ("app:opened", json.dumps([opening]), 1_000),
            ("CallCard::CallStateChanged", '["connecting"]', 2_000),
            ("CallCard::CallStateChanged", '["connected"]', 3_000))
    card, root, _ = confirming_card(Store(backend))
    card.receive("app:opened", opened("call-1", "connected"), 5_000, 1)
    assert rows(root) == ["Waiting for the call (since the card opened)", "Ringing", "Talking"]


JOURNAL_HEAD = '{"version": 1, "call_id": "call-1", "page": "p", '


@pytest.mark.parametrize("text", [
    "not json", "[]", '{"version": 2}',
    '{"version": 1, "call_id": "call-1", "page": "other", "written": 1, "events": []}',
    JOURNAL_HEAD + '"written": 1, "events": [["app:evil", "[]", 1]]}',
    JOURNAL_HEAD + '"written": 1, "events": [["CallCard::BeforeClose", 5, 1]]}',
    JOURNAL_HEAD + '"written": 1, "events": [["CallCard::BeforeClose", "[]"]]}',
    JOURNAL_HEAD + '"written": 1e400, "events": []}',
])
def test_an_unreadable_journal_is_forgotten_and_the_card_starts_as_usual(text: str) -> None:
    backend = ListedStorage()
    backend.items[storage.JOURNAL_PREFIX + "p"] = text
    document = FakeDocument()
    root = document.createElement("section")
    page = FakePage(lambda: 100_000.0)
    warnings = page.warnings
    card = Card(CardView(document, root), page, Store(backend, warnings.append))
    card.receive("app:opened", opened("call-1", "connecting"), 5_000)
    assert rows(root) == ["Ringing (since the card opened)"]
    assert storage.JOURNAL_PREFIX + "p" not in backend.items and warnings


def test_old_journals_and_those_of_other_calls() -> None:
    backend = ListedStorage()
    old = journal(backend, "old", "call-1", ("CallCard::CallStateChanged", '["connected"]', 2_000),
                  written=100_000.0 - storage.MAX_JOURNAL_AGE_MS - 1)
    other = journal(backend, "other", "call-2", ("CallCard::CallStateChanged", '["connected"]', 2_000))
    card, root, _ = confirming_card(Store(backend))
    card.receive("app:opened", opened("call-1", "connecting"), 5_000)
    assert rows(root) == ["Ringing (since the card opened)"]
    assert old not in backend.items and other in backend.items  # another card's is its own business


def test_a_store_that_cannot_list_its_keys_has_no_journals() -> None:
    backend = MemoryStorage()
    journal(backend, "page1", "call-1", ("CallCard::CallStateChanged", '["connected"]', 2_000))
    assert Store(backend).journals("call-1", 100_000.0) == []


def test_a_full_storage_costs_the_saved_copy_not_the_card() -> None:
    """The app's share of the page's storage is used up, even by this call alone: the card goes on,
    the console says why, and the page is told nothing is saved (it keeps its journal)."""
    full = MirroredStorage({}, lambda *write: None, budget=300)
    with pytest.raises(StorageFull) as refused:
        full.setItem(PREFIX + "call:x", "x" * 400)
    assert isinstance(refused.value, OSError) and not isinstance(refused.value, MemoryError)
    document = FakeDocument()
    root = document.createElement("section")
    page = FakePage(lambda: 100_000.0)
    card = Card(CardView(document, root), page, Store(full, page.warn))
    card.receive("app:opened", opened("call-1", "connecting"), 1_000, 1)
    card.receive("CallCard::CallStateChanged", '["connected"]', 2_000, 2)
    card.tick()
    assert rows(root) == ["Ringing (since the card opened)", "Talking"]
    assert full.items == {} and page.confirmed == []
    assert [warning for warning in page.warnings if "the storage is full" in warning]


def test_a_storage_that_refuses_a_write_for_another_reason_keeps_the_other_calls() -> None:
    """Only a full storage is a reason to forget older calls."""
    backend = MemoryStorage()
    store = Store(backend)
    assert store.save(Timeline(call_id="old"))
    warnings: list[str] = []

    def refuse(key: str, value: str) -> NoReturn:
        raise RuntimeError("SecurityError")

    backend.setItem = refuse  # type: ignore[method-assign]
    assert Store(backend, warnings.append).save(Timeline(call_id="new")) is False
    assert PREFIX + "call:old" in backend.items
    assert warnings and "the storage refused it" in warnings[0]


#: Copies as the version before the lookup's states were enums saved them, word for word: one whose
#: lookup gave up (with a hold and a replayed journal), one still looking up.
SAVED_BEFORE = {
    "c1": '{"version":1,"call_id":"c1","entries":[{"span":"connecting","start":1000.0,"end":4000.0,'
          '"code":null,"open":true,"statistics":false},{"span":"idle","start":4000.0,"end":null,'
          '"code":null,"open":false,"statistics":false}],"dropped":0,"lang":"en","ringing_at":1000.0,'
          '"connected_at":null,"ended_at":4000.0,"failed_code":null,"joined_late":true,"client":null,'
          '"closing":false,"call_state":"idle","state_since":4000.0,"failure_reason":null,'
          '"code_from_statistics":false,"lookup":"no_scope","lost":0,"external":false,'
          '"hold":{"since":9000.0,"renewed_at":null,"released":false},"replayed":["page1"]}',
    "c2": '{"version":1,"call_id":"c2","entries":[{"span":"connecting","start":1000.0,"end":4000.0,'
          '"code":null,"open":true,"statistics":false},{"span":"idle","start":4000.0,"end":null,'
          '"code":null,"open":false,"statistics":false}],"dropped":0,"lang":"en","ringing_at":1000.0,'
          '"connected_at":null,"ended_at":4000.0,"failed_code":null,"joined_late":true,"client":null,'
          '"closing":false,"call_state":"idle","state_since":4000.0,"failure_reason":null,'
          '"code_from_statistics":false,"lookup":"pending","lost":0,"external":false,"hold":null}',
}


def test_a_copy_saved_by_the_version_before_loads_and_is_written_back_word_for_word() -> None:
    gave_up = loads(SAVED_BEFORE["c1"], "c1")
    assert gave_up.lookup is LookupFailure.NO_SCOPE
    assert dumps(gave_up, loads_hold(SAVED_BEFORE["c1"]), ("page1",)) == SAVED_BEFORE["c1"]
    looking = loads(SAVED_BEFORE["c2"], "c2")
    assert looking.lookup is LookupState.PENDING
    assert dumps(looking) == SAVED_BEFORE["c2"]


def test_a_reloaded_card_shows_why_the_lookup_gave_up_from_a_copy_saved_by_the_version_before() -> None:
    backend = MemoryStorage()
    backend.items[PREFIX + "call:c1"] = SAVED_BEFORE["c1"]
    card, root = new_card(Store(backend))
    card.receive("app:opened", opened("c1", "idle"), 60_000)
    assert rows(root) == ["Ringing (since the card opened)", "Call ended"]
    assert "ask your portal administrator" in root.find("failure-source").textContent
    assert card.keep.since == 9000.0  # the hold's time ran from the saved outcome, not the reload


@pytest.mark.parametrize("lookup", [*LookupState, *LookupFailure])
def test_every_state_of_the_lookup_is_saved_as_its_text_and_read_back(
        lookup: LookupState | LookupFailure) -> None:
    line = Timeline(call_id="c", lookup=lookup)
    assert json.loads(dumps(line))["lookup"] == lookup.value
    expected = None if lookup is LookupState.PROBE else lookup  # a probe cut short is asked again
    assert loads(dumps(line), "c").lookup is expected


def test_saving_on_its_own_saves_at_most_once_a_second_and_confirms_only_what_a_save_holds() -> None:
    backend = ListedStorage()
    confirmed: list[int] = []
    saving = Persistence(Store(backend), confirmed.append)
    unknown, known = Timeline(), Timeline(call_id="call-1")
    saving.took(1)
    saving.changed(unknown)
    saving.flush(unknown, KeepOpen(), 0.0)
    assert backend.items == {} and confirmed == []  # nothing to save before the call is known
    saving.changed(known)
    saving.flush(known, KeepOpen(), 0.0)
    assert loads(backend.items[PREFIX + "call:call-1"], "call-1") == known and confirmed == [1]
    saving.took(2)
    saving.took(True)  # not one of the page's numbers
    saving.changed(known)
    assert not saving.due(SAVE_EVERY_MS - 1) and saving.due(SAVE_EVERY_MS)
    saving.flush(known, KeepOpen(), SAVE_EVERY_MS)
    saving.flush(known, KeepOpen(), SAVE_EVERY_MS)
    assert confirmed == [1, 2]
