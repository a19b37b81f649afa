"""Loading the report's records: what is asked of the portal, in what order, and what a refusal does.

The portal here is a fake below the client: it reads the form bodies the
client sends (``batch``'s ``cmd[...]`` included) and answers as the portal's
REST docs describe, so the client's flattening and reading are part of what
is tested.  Time is simulated: ``sleep`` moves the clock and returns.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

import pytest
import seedcount
from own_loop import run_in_own_loop

from emulator.limits import Limits
from emulator.portal import Portal, Rights, rest_params
from emulator.seed import generate
from placement_app.admin import records
from placement_app.admin.records import LoadResult, load, names
from placement_app.admin.report import ANSWERED, PERIODS, Call, aggregate
from placement_app.portal import client
from placement_app.portal.client import FailureKind

REST = "https://portal.example/rest/"
SINCE = "2026-11-01T00:00:00+03:00"


def record(record_id: int, day: int, hour: int = 10, code: str = "200") -> dict[str, str]:
    return {"ID": str(record_id), "CALL_START_DATE": f"2026-11-{day:02d}T{hour:02d}:00:00+03:00",
            "CALL_DURATION": "30", "CALL_FAILED_CODE": code, "PORTAL_NUMBER": "reg1",
            "PORTAL_USER_ID": "5", "PHONE_NUMBER": "+15550100", "CRM_ENTITY_TYPE": "CONTACT",
            "CRM_ENTITY_ID": "7", "CALL_ID": f"call.{record_id}", "COST": "0.0000"}


def many(count: int, first_id: int = 1001) -> list[dict[str, str]]:
    """``count`` records over November, one ID after another, later calls later in the month."""
    return [record(first_id + n, 1 + n * 30 // count, hour=n % 24) for n in range(count)]


#: An answer the fake gives instead of the real one: (status, body) for the whole request, or
#: for one call of a batch a dict that is the call's ``result_error`` entry.
Scripted = tuple[int, dict[str, object]]


@dataclass
class FakePortal:
    """Call statistics as the portal serves them, with answers the test scripts in advance."""

    records: list[dict[str, str]]
    now: float = 1_000.0
    #: Answers to give to the next HTTP requests, in order (``None``: answer normally).
    script: list[Scripted | None] = field(default_factory=list)
    #: Per call name of a batch: an error to give once, instead of its page.
    command_errors: dict[str, dict[str, object]] = field(default_factory=dict)
    #: Called before each request is answered (a test adds records meanwhile).
    before: Callable[[FakePortal], None] | None = None
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    statistic_calls: list[dict[str, str]] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    operating: float = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def statistic(self, params: dict[str, str]) -> dict[str, object]:
        self.statistic_calls.append(params)
        rows = self.records
        for key, value in params.items():
            if key == "FILTER[>ID]":
                rows = [row for row in rows if int(row["ID"]) > int(value)]
            elif key == "FILTER[<ID]":
                rows = [row for row in rows if int(row["ID"]) < int(value)]
            elif key == "FILTER[>=CALL_START_DATE]":
                rows = [row for row in rows if row["CALL_START_DATE"] >= value]
            elif key.startswith("FILTER["):
                raise AssertionError(f"unexpected filter {key}")
        assert params.get("SORT") == "ID" and params.get("ORDER") == "DESC"
        rows = sorted(rows, key=lambda row: int(row["ID"]), reverse=True)
        start = int(params.get("start", "0"))
        page = rows[start:start + records.PAGE]
        self.operating += 0.1
        answer: dict[str, object] = {
            "result": page, "total": len(rows),
            "time": {"start": self.now, "finish": self.now + 0.1, "duration": 0.1,
                     "operating": self.operating, "operating_reset_at": self.now + 600}}
        if start + records.PAGE < len(rows):
            answer["next"] = start + records.PAGE
        return answer

    def user_get(self, params: dict[str, str]) -> dict[str, object]:
        ids = [value for key, value in params.items() if key.startswith("FILTER[ID]")]
        found = [{"ID": user_id, "NAME": self.users[user_id][0], "LAST_NAME": self.users[user_id][1]}
                 for user_id in ids if user_id in self.users]
        return {"result": found, "total": len(found)}

    def answer(self, method: str, params: dict[str, str]) -> dict[str, object]:
        if method == records.METHOD:
            return self.statistic(params)
        if method == records.USER_METHOD:
            return self.user_get(params)
        raise AssertionError(f"unexpected method {method}")

    def batch(self, form: dict[str, str]) -> dict[str, object]:
        result: dict[str, object] = {}
        errors: dict[str, object] = {}
        totals: dict[str, object] = {}
        pages: dict[str, object] = {}
        times: dict[str, object] = {}
        for key, value in form.items():
            if not key.startswith("cmd["):
                continue
            name = key[4:-1]
            method, _, query = value.partition("?")
            if name in self.command_errors:
                errors[name] = self.command_errors.pop(name)
                continue
            answer = self.answer(method, dict(parse_qsl(query)))
            result[name] = answer["result"]
            totals[name] = answer["total"]
            if "next" in answer:
                pages[name] = answer["next"]
            if "time" in answer:
                times[name] = answer["time"]
        # The portal's PHP writes an empty object as [].
        return {"result": {"result": result or [], "result_error": errors or [], "result_total": totals or [],
                           "result_next": pages or [], "result_time": times or []},
                "time": {"start": self.now, "finish": self.now, "duration": 0.0}}

    async def http(self, url: str, body: str) -> tuple[int, str]:
        assert url.startswith(REST) and url.endswith(".json")
        method = url[len(REST):-len(".json")]
        form = dict(parse_qsl(body))
        self.requests.append((method, form))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # other requests may start meanwhile
            await asyncio.sleep(0)
            if self.before is not None:
                self.before(self)
            scripted = self.script.pop(0) if self.script else None
            if scripted is not None:
                status, reply = scripted
                return status, json.dumps(reply)
            if method == "batch":
                return 200, json.dumps(self.batch(form))
            return 200, json.dumps(self.answer(method, {k: v for k, v in form.items() if k != "auth"}))
        finally:
            self.in_flight -= 1

    def session(self) -> client.Session:
        return client.Session(self.http, REST, "token")


@dataclass
class Seen:
    pages: list[list[Call]] = field(default_factory=list)
    progress: list[tuple[int, int]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [call.id for page in self.pages for call in page]


def run_load(portal: FakePortal, known: int = 0, since: str = SINCE) -> tuple[LoadResult, Seen]:
    seen = Seen()
    result = run_in_own_loop(load(portal.session(), known=known, since=since, on_calls=seen.pages.append,
                                  on_progress=lambda done, total: seen.progress.append((done, total)),
                                  sleep=portal.sleep, clock=portal.clock))
    return result, seen


def error(code: str, description: str = "") -> dict[str, object]:
    return {"error": code, "error_description": description}


def test_every_record_comes_newest_first_in_pages_as_the_portal_gives_them() -> None:
    portal = FakePortal(many(5_000))
    result, seen = run_load(portal)
    assert seen.ids == list(range(6000, 1000, -1))  # all, each once, newest first
    assert result == LoadResult(6000, 5_000, 5_000, True, None, result.requests, 0)
    assert all(len(page) == records.PAGE for page in seen.pages)
    # Batches, not a request a page: 100 pages in far fewer requests, never more than 50 calls a batch.
    batches = [form for method, form in portal.requests if method == "batch"]
    assert len(portal.requests) < 30
    assert all(len([key for key in form if key.startswith("cmd[")]) <= client.MAX_BATCH for form in batches)


def test_the_newest_day_comes_first_in_small_batches_several_at_once_but_bounded() -> None:
    portal = FakePortal(many(6_000))
    _, seen = run_load(portal)
    first_batch = next(form for method, form in portal.requests if method == "batch")
    assert len([key for key in first_batch if key.startswith("cmd[")]) == records.FIRST_BATCH
    assert 1 < portal.most_in_flight <= records.IN_FLIGHT
    # The calls of the last day of November are all handed on before any older one.
    days = [call.day for page in seen.pages for call in page]
    last_day = days.count("2026-11-30")
    assert last_day > records.PAGE and set(days[:last_day]) == {"2026-11-30"}


def test_a_reopen_asks_only_for_records_above_the_cache_s_highest() -> None:
    portal = FakePortal(many(1_000))
    result, seen = run_load(portal, known=1_800)
    assert seen.ids == list(range(2000, 1800, -1))
    assert result.highest == 2000 and result.complete
    assert portal.statistic_calls and all(call["FILTER[>ID]"] == "1800" for call in portal.statistic_calls)
    assert all(call["FILTER[>=CALL_START_DATE]"] == SINCE for call in portal.statistic_calls)


def test_nothing_new_is_one_request_and_keeps_the_cache_s_highest() -> None:
    portal = FakePortal(many(100))
    result, seen = run_load(portal, known=1100)
    assert (result.highest, result.loaded, result.complete, seen.ids) == (1100, 0, True, [])
    assert len(portal.requests) == 1


def test_progress_only_grows_and_ends_at_the_total() -> None:
    portal = FakePortal(many(3_210))
    _, seen = run_load(portal)
    done = [step[0] for step in seen.progress]
    assert done == sorted(done) and seen.progress[-1] == (3_210, 3_210)
    assert {step[1] for step in seen.progress} == {3_210}


def test_records_that_arrive_during_the_load_neither_shift_nor_hide_others() -> None:
    """Pages are of a fixed set: new calls (higher IDs) are left for the next load, none is missed."""
    portal = FakePortal(many(2_000))
    added = iter(range(3001, 3400))

    def new_call(fake: FakePortal) -> None:
        if len(fake.requests) > 1:  # after the first page
            fake.records.append(record(next(added), 30, 23))

    portal.before = new_call
    result, seen = run_load(portal)
    assert sorted(seen.ids) == list(range(1001, 3001))
    assert result.highest == 3000 and result.complete


def test_query_limit_exceeded_backs_off_then_goes_on_one_request_at_a_time() -> None:
    portal = FakePortal(many(2_000))
    portal.script = [None, (503, error("QUERY_LIMIT_EXCEEDED", "Too many requests"))]
    result, seen = run_load(portal)
    assert result.complete and sorted(seen.ids) == list(range(1001, 3001))
    assert seen.ids == sorted(seen.ids, reverse=True)
    assert portal.sleeps and sum(portal.sleeps) >= records.FIRST_DELAY


def test_repeated_query_limit_waits_longer_each_time() -> None:
    portal = FakePortal(many(100))
    limit = (503, error("QUERY_LIMIT_EXCEEDED"))
    portal.script = [limit, limit, limit]
    result, _ = run_load(portal)
    assert result.complete
    waits = portal.sleeps[:3]
    assert waits[0] > (records.BUCKET_ROOM + 1) / records.BUCKET_RATE  # the portal's bucket drains first
    assert waits[0] < waits[1] < waits[2]


def test_the_operating_limit_waits_for_the_portal_s_reset_and_goes_on() -> None:
    portal = FakePortal(many(1_000))
    # The first batch's third page: the method has used its time for now.
    portal.command_errors = {"p2": error("OPERATION_TIME_LIMIT", "Method is blocked: operation time limit")}
    result, seen = run_load(portal)
    assert result.complete and seen.ids == list(range(2000, 1000, -1))
    # The last good answer said the oldest basket drops out 600 s after it: the loader waited for it.
    assert max(portal.sleeps) > 500


@pytest.mark.parametrize(("answer", "kind"), [
    ((403, error("ACCESS_DENIED", "Access denied!")), FailureKind.NO_PERMISSION),
    ((401, error("insufficient_scope")), FailureKind.NO_SCOPE),
    ((401, error("NO_AUTH_FOUND")), FailureKind.AUTH),
])
def test_a_refusal_stops_the_load_with_its_reason(answer: Scripted, kind: FailureKind) -> None:
    portal = FakePortal(many(500))
    portal.script = [answer]
    result, seen = run_load(portal, known=900)
    assert result.stopped is not None and result.stopped.kind is kind
    assert (result.highest, result.complete, seen.ids) == (900, False, [])
    assert len(portal.requests) == 1  # not asked again


def test_a_refusal_in_the_middle_stops_and_keeps_the_cache_asking_again_next_time() -> None:
    portal = FakePortal(many(5_000))
    portal.command_errors = {"p30": error("ACCESS_DENIED")}
    result, seen = run_load(portal, known=500)
    assert result.stopped is not None and result.stopped.kind is FailureKind.NO_PERMISSION
    assert not result.complete and result.highest == 500  # the next load asks for all again
    # What came before the refused page was handed on, newest first, and nothing after it.
    assert seen.ids == list(range(6000, 6000 - len(seen.ids), -1))
    assert len(seen.ids) <= 31 * records.PAGE


def test_a_passing_failure_is_tried_again_and_then_given_up() -> None:
    portal = FakePortal(many(100))
    portal.script = [(500, error("INTERNAL_SERVER_ERROR"))]
    result, _ = run_load(portal)
    assert result.complete
    portal = FakePortal(many(100))
    portal.script = [(502, {"nothing": 1})] * records.MAX_TRIES
    result, _ = run_load(portal)
    assert not result.complete and result.stopped is not None
    assert result.stopped.kind is FailureKind.TRANSIENT


def test_unreadable_records_are_left_out_and_counted() -> None:
    rows: list[dict[str, str]] = many(120)
    rows[5] = {**rows[5], "CALL_START_DATE": "yesterday"}
    rows[6] = {**rows[6], "CALL_FAILED_CODE": ""}
    portal = FakePortal(rows)
    result, seen = run_load(portal)
    assert result.unreadable == 2 and len(seen.ids) == 118 and result.complete


def test_operators_are_named_by_the_user_method() -> None:
    portal = FakePortal([], users={"5": ("Anna", "Smith"), "7": (" Ivan ", ""), "9": ("", "")})
    found = run_in_own_loop(names(portal.session(), ["5", "7", "9", "x"], sleep=portal.sleep,
                                  clock=portal.clock))
    assert found == {"5": "Anna Smith", "7": "Ivan"}
    (method, form), = portal.requests
    assert method == "batch" and "user.get?FILTER%5BID%5D%5B0%5D=5" in form["cmd[u0]"]


def test_without_the_user_scope_names_say_why() -> None:
    portal = FakePortal([], users={"5": ("Anna", "Smith")})
    portal.command_errors = {"u0": error("insufficient_scope")}
    found = run_in_own_loop(names(portal.session(), ["5"], sleep=portal.sleep, clock=portal.clock))
    assert isinstance(found, client.Failed) and found.kind is FailureKind.NO_SCOPE


def test_a_batch_is_flattened_as_the_portal_reads_it_and_read_per_call() -> None:
    where = {">ID": 5, "<ID": 9, ">=CALL_START_DATE": SINCE}
    commands = {"p0": client.Command(records.METHOD, {"FILTER": where, "start": 50}),
                "u0": client.Command("user.get", {"FILTER": {"ID": ["5", "7"]}})}
    form = dict(parse_qsl(urlencode(client.flatten(client.batch_params(commands)))))
    assert form["halt"] == "0"
    method, _, query = form["cmd[p0]"].partition("?")
    assert method == "voximplant.statistic.get"
    assert dict(parse_qsl(query)) == {"FILTER[>ID]": "5", "FILTER[<ID]": "9",
                                      "FILTER[>=CALL_START_DATE]": SINCE, "start": "50"}  # "+03:00" intact
    assert dict(parse_qsl(form["cmd[u0]"].partition("?")[2])) == {"FILTER[ID][0]": "5", "FILTER[ID][1]": "7"}
    with pytest.raises(ValueError):
        client.batch_params({f"c{n}": commands["p0"] for n in range(client.MAX_BATCH + 1)})
    scope = {"error": "insufficient_scope", "error_description": ""}
    answer = client.Ok({"result": {"p0": [{"ID": "8"}]}, "result_error": {"u0": scope},
                        "result_total": {"p0": "3"}, "result_next": [],
                        "result_time": {"p0": {"start": 1.0, "finish": 1.5, "duration": 0.5, "operating": 7,
                                               "operating_reset_at": 61.0}}})
    read = client.read_batch(answer, commands)
    assert isinstance(read, client.BatchReply)
    p0, u0 = read.replies["p0"], read.replies["u0"]
    assert isinstance(p0, client.Ok) and p0.result == [{"ID": "8"}] and p0.total == 3 and p0.next is None
    assert p0.time == client.Timing(1.0, 1.5, 0.5, 7.0, 61.0)
    assert isinstance(u0, client.Failed) and u0.method == "user.get"
    assert u0.kind is FailureKind.NO_SCOPE


@pytest.mark.parametrize(("status", "error", "kind"), [
    (503, "QUERY_LIMIT_EXCEEDED", FailureKind.QUERY_LIMIT),
    (429, "OPERATION_TIME_LIMIT", FailureKind.OPERATION_LIMIT),
])
def test_the_limits_have_a_meaning_of_their_own(status: int, error: str, kind: FailureKind) -> None:
    reply = client.read(status, json.dumps({"error": error, "error_description": "..."}))
    assert isinstance(reply, client.Failed) and reply.kind is kind


# --- against the emulated portal: its seeded store, its batch, its limits (in-process, simulated time) ---

class EmulatedPortal:
    """The emulator's :class:`Portal` answering the client's HTTP requests, on a simulated clock."""

    def __init__(self, calls: int, days: int, now: datetime, rights: Rights | None = None,
                 limits: Limits | None = None) -> None:
        self.now = now.timestamp()
        self.sleeps: list[float] = []
        #: The portal's limits' refusals in its answers.
        self.refusals = 0
        self.portal = Portal(clock=self.clock, sleep=self.spend, limits=limits or Limits())
        self.rows = generate(calls, days, now=now)
        self.portal.statistics.seed(self.rows)
        self.portal.rights["token"] = rights or Rights()

    def clock(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:  # the portal's server time
        self.now += seconds

    async def sleep(self, seconds: float) -> None:  # the loader's waits
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    async def http(self, url: str, body: str) -> tuple[int, str]:
        await asyncio.sleep(0)
        status, answer = self.portal.rest(url[len(REST):-len(".json")],
                                          rest_params("application/x-www-form-urlencoded", body))
        text = json.dumps(answer)
        self.refusals += text.count('"OPERATION_TIME_LIMIT"') + text.count('"QUERY_LIMIT_EXCEEDED"')
        return status, text

    def load(self, known: int = 0, since: str = "2000-01-01T00:00:00+03:00") -> tuple[LoadResult, Seen]:
        seen = Seen()
        result = run_in_own_loop(load(client.Session(self.http, REST, "token"), known=known, since=since,
                                      on_calls=seen.pages.append,
                                      on_progress=lambda done, total: seen.progress.append((done, total)),
                                      sleep=self.sleep, clock=self.clock))
        return result, seen


NOW = datetime(2026, 12, 6, 18, 30, tzinfo=timezone(timedelta(hours=3)))


def test_the_emulated_portal_s_records_load_whole_newest_first_and_again_only_the_new() -> None:
    emulated = EmulatedPortal(6_000, 30, NOW)
    result, seen = emulated.load()
    ids = sorted(int(row["ID"]) for row in emulated.rows)
    assert result.complete and result.stopped is None and result.unreadable == 0
    assert seen.ids == ids[::-1] and result.highest == ids[-1]
    assert emulated.sleeps == []  # within the bucket and the operating time: never told to slow down
    # Three new calls later: a reopen asks only for them.
    for n in range(3):
        emulated.portal.statistics.add(0.0, f"new.{n}", "486", started="2026-12-06T18:40:00+03:00")
    again, seen_again = emulated.load(known=result.highest)
    assert again.complete and again.requests == 1
    assert seen_again.ids == [ids[-1] + 3, ids[-1] + 2, ids[-1] + 1]


def test_the_emulated_portal_s_refusal_stops_the_load() -> None:
    emulated = EmulatedPortal(200, 30, NOW, Rights(statistics="none"))
    result, seen = emulated.load()
    assert result.stopped is not None and result.stopped.kind is FailureKind.NO_PERMISSION
    assert seen.ids == [] and not result.complete


def test_operators_are_named_by_the_emulated_portal_and_its_scope_is_said() -> None:
    emulated = EmulatedPortal(0, 30, NOW)
    session = client.Session(emulated.http, REST, "token")
    found = run_in_own_loop(names(session, ["1", "47", "999"], sleep=emulated.sleep, clock=emulated.clock))
    assert found == {"1": "Alexandra Petrova", "47": "Ксения Белова"}
    emulated.portal.rights["token"] = Rights(scopes=frozenset({"telephony"}))
    refused = run_in_own_loop(names(session, ["1"], sleep=emulated.sleep, clock=emulated.clock))
    assert isinstance(refused, client.Failed) and refused.kind is FailureKind.NO_SCOPE


@pytest.fixture(scope="module")
def loaded_from_the_emulator() -> tuple[list[dict[str, str]], list[Call]]:
    """A seeded portal's records as they are, and as loaded (once for the module's tests)."""
    emulated = EmulatedPortal(10_000, 30, NOW)
    result, seen = emulated.load(since="2026-09-01T00:00:00+03:00")
    assert result.complete
    return emulated.rows, [call for page in seen.pages for call in page]


@pytest.mark.parametrize("days", PERIODS)
def test_the_report_of_the_loaded_records_has_the_separate_counter_s_counts(
        days: int, loaded_from_the_emulator: tuple[list[dict[str, str]], list[Call]]) -> None:
    rows, calls = loaded_from_the_emulator
    made = aggregate(calls, today="2026-12-06", days=days)
    expected = seedcount.count(rows, today="2026-12-06", days=days)
    assert (made.total, made.failed) == (expected.total, expected.failed) and made.total > 0
    assert made.failed_share == pytest.approx(expected.failed_share)
    assert dict(made.by_code) == {code: n for code, n in expected.by_code.items() if code != ANSWERED}
    assert [(t.key, t.total, t.failed) for t in made.by_day] == [
        (day, tally.total, tally.failed) for day, tally in expected.by_day.items()]
    assert {t.key: (t.total, t.failed) for t in made.by_line} == {
        line: (tally.total, tally.failed) for line, tally in expected.by_line.items()}
    assert {t.key: (t.total, t.failed) for t in made.by_operator} == {
        user: (tally.total, tally.failed) for user, tally in expected.by_operator.items()}


def test_a_load_longer_than_the_method_s_time_pauses_before_the_limit_and_completes() -> None:
    """At 5 s a page, 6,000 records cost 600 s of the method's time, more than its 480 s in ten
    minutes: the load pauses for the portal's oldest basket to drop out before it would be refused."""
    emulated = EmulatedPortal(6_000, 30, NOW, limits=Limits(page_cost_s=5.0))
    result, seen = emulated.load()
    assert result.complete and seen.ids == sorted((int(row["ID"]) for row in emulated.rows), reverse=True)
    assert sum(emulated.sleeps) > 60  # at least one basket's wait
    assert emulated.refusals == 0  # never past the operating limit
