"""The emulated portal's REST limits, ``batch``, ``user.get`` and per-user rights, as the docs give them."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from emulator import seed
from emulator.limits import UNLIMITED, Limits
from emulator.portal import Portal

NOW = datetime(2026, 12, 6, 15, 30, tzinfo=timezone(timedelta(hours=3)))
RECORDS = seed.generate(400, 3, now=NOW)
STATISTICS = "voximplant.statistic.get"


class Clock:
    """The portal's clock, moved by the test; spending server time moves it too."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def portal(limits: Limits = UNLIMITED, clock: Clock | None = None) -> Portal:
    clock = clock or Clock()
    made = Portal(limits=limits, clock=clock, sleep=clock.sleep)
    made.statistics.seed(RECORDS)
    made.control("session", {"auth": "admin", "admin": True})
    return made


def batch(on: Portal, commands: dict[str, str], **params: str) -> tuple[int, dict[str, Any]]:
    cmd = {f"cmd[{name}]": command for name, command in commands.items()}
    return on.rest("batch", {"auth": "admin", **params, **cmd})


def test_a_burst_over_the_bucket_is_refused_until_it_drains() -> None:
    clock = Clock()
    busy = portal(Limits(rate=2, bucket=10, page_cost_s=0), clock)
    answers = [busy.rest(STATISTICS, {"auth": "admin", "start": "-1"})[0] for _ in range(14)]
    assert answers[:11] == [200] * 11 and answers[11:] == [503] * 3
    assert busy.rest(STATISTICS, {"auth": "admin"}) == (
        503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
    clock.now += 1.0  # two requests drained
    assert busy.rest(STATISTICS, {"auth": "admin"})[0] == 200
    clock.now += 100.0
    assert [busy.rest("user.get", {"auth": "admin"})[0] for _ in range(11)] == [200] * 11


def test_a_page_costs_server_time_and_the_method_is_blocked_past_its_operating_budget() -> None:
    clock = Clock()
    limits = Limits(rate=1000, bucket=1000, operating_budget_s=1.0, page_cost_s=0.4)
    busy = portal(limits, clock)
    first = busy.rest(STATISTICS, {"auth": "admin"})[1]
    assert clock.slept == [0.4]  # a full page of 50
    assert first["time"]["operating"] == 0.4
    assert first["time"]["operating_reset_at"] == int(clock.now - 0.4) + 600
    assert set(first["time"]) >= {"start", "finish", "duration", "processing", "date_start", "date_finish"}
    assert busy.rest(STATISTICS, {"auth": "admin", "start": "50"})[0] == 200
    # 0.8 s: not over; this call takes it over and completes; the next is refused.
    assert busy.rest(STATISTICS, {"auth": "admin", "start": "100"})[1]["time"]["operating"] > 1.0
    assert busy.rest(STATISTICS, {"auth": "admin"}) == (429, {
        "error": "OPERATION_TIME_LIMIT",
        "error_description": "Method is blocked due to operation time limit"})
    assert busy.rest("user.get", {"auth": "admin"})[0] == 200  # other methods go on
    assert busy.rest(STATISTICS, {"auth": "admin", "FILTER[ID]": "0"})[0] == 429
    clock.now = first["time"]["operating_reset_at"]  # the oldest slot leaves
    assert busy.rest(STATISTICS, {"auth": "admin"})[0] == 200


def test_a_batch_runs_its_commands_in_order_with_earlier_results_and_sums_their_cost() -> None:
    clock = Clock()
    busy = portal(Limits(page_cost_s=0.1), clock)
    status, body = batch(busy, {
        "newest": f"{STATISTICS}?SORT=ID&ORDER=DESC",
        "before": f"{STATISTICS}?FILTER%5B%3CID%5D=$result[newest][0][ID]&SORT=ID&ORDER=DESC&start=-1",
        "names": "user.get?FILTER%5BID%5D=$result[newest][0][PORTAL_USER_ID]",
    })
    assert status == 200 and set(body) == {"result", "time"} and "operating" not in body["time"]
    result = body["result"]
    assert list(result["result"]) == ["newest", "before", "names"] and result["result_error"] == []
    assert result["result"]["newest"][0]["ID"] == "400" and result["result"]["before"][0]["ID"] == "399"
    assert result["result"]["names"][0]["ID"] == result["result"]["newest"][0]["PORTAL_USER_ID"]
    assert result["result_total"] == {"newest": 400, "before": 0, "names": 1}
    assert result["result_next"] == {"newest": 50}
    assert result["result_time"]["before"]["operating"] > 0
    assert "operating_reset_at" in result["result_time"]["names"]
    assert clock.slept == [0.1, 0.1]  # one after another: each page's time, the users' none
    assert busy.meter.level == 1  # one request


def test_a_batch_halts_on_the_first_error_only_when_asked_and_holds_at_most_fifty() -> None:
    busy = portal()
    commands = {"a": "user.get", "b": "no.such.method", "c": "batch?cmd%5Bx%5D=user.get", "d": STATISTICS}
    result = batch(busy, commands)[1]["result"]
    assert list(result["result"]) == ["a", "d"]
    assert {name: error["error"] for name, error in result["result_error"].items()} == {
        "b": "ERROR_METHOD_NOT_FOUND", "c": "ERROR_BATCH_METHOD_NOT_ALLOWED"}
    halted = batch(busy, commands, halt="1")[1]["result"]
    assert list(halted["result"]) == ["a"] and list(halted["result_error"]) == ["b"]
    status, body = batch(busy, {f"p{n}": "user.get" for n in range(52)})
    assert status == 200 and len(body["result"]["result"]) == 50
    assert {name: error["error"] for name, error in body["result"]["result_error"].items()} == {
        "p50": "ERROR_BATCH_LENGTH_EXCEEDED", "p51": "ERROR_BATCH_LENGTH_EXCEEDED"}
    assert busy.rest("batch", {"auth": "nobody", "cmd[a]": "user.get"})[1]["error"] == "NO_AUTH_FOUND"


def test_the_user_method_needs_its_scope() -> None:
    busy = portal()
    body = busy.rest("user.get", {"auth": "admin", "FILTER[ID][0]": "12", "FILTER[ID][1]": "47"})[1]
    assert [(user["ID"], user["NAME"], user["LAST_NAME"]) for user in body["result"]] == [
        ("12", "Ivan", "Sokolov"), ("47", "Ксения", "Белова")]
    assert busy.rest("user.get", {"auth": "admin"})[1]["total"] == len(seed.USERS)
    assert busy.control("rights", {"auth": "admin", "scopes": ["placement", "telephony"]})[0] == 200
    assert busy.rest("user.get", {"auth": "admin"})[0:2] == (403, {
        "error": "insufficient_scope",
        "error_description": "The request requires higher privileges than provided by the access token"})
    assert busy.rest(STATISTICS, {"auth": "admin"})[0] == 200
    busy.control("rights", {"auth": "admin", "scopes": ["user"]})
    assert busy.rest("user.get", {"auth": "admin"})[0] == 200
    assert busy.rest(STATISTICS, {"auth": "admin"})[1]["error"] == "insufficient_scope"


def test_statistics_rights_all_own_and_none() -> None:
    busy = portal()
    operator = max(seed.USERS, key=lambda user: sum(r["PORTAL_USER_ID"] == user for r in RECORDS))
    busy.control("session", {"auth": "operator", "admin": False})
    assert busy.rest(STATISTICS, {"auth": "operator"})[1]["total"] == len(RECORDS)  # default: all
    assert busy.control("rights", {"auth": "operator", "userId": operator, "statistics": "own"})[0] == 200
    own = busy.rest(STATISTICS, {"auth": "operator", "start": "-1"})[1]
    assert {row["PORTAL_USER_ID"] for row in own["result"]} == {operator}
    assert busy.rest(STATISTICS, {"auth": "operator"})[1]["total"] == sum(
        r["PORTAL_USER_ID"] == operator for r in RECORDS)
    busy.control("rights", {"auth": "operator", "statistics": "none"})
    assert busy.rest(STATISTICS, {"auth": "operator"}) == (
        403, {"error": "ACCESS_DENIED", "error_description": "Access denied!"})
    assert busy.control("rights", {"auth": "operator", "statistics": "some"})[0] == 400


def test_requests_on_several_connections_are_served_in_parallel() -> None:
    """Two requests spend their server time at once: each waits for the other inside it."""
    both = threading.Barrier(2, timeout=10)

    def meet(seconds: float) -> None:
        both.wait()
    busy = Portal(limits=Limits(page_cost_s=0.1), sleep=meet)
    busy.statistics.seed(RECORDS)
    busy.control("session", {"auth": "admin", "admin": True})
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(busy.rest(STATISTICS, {"auth": "admin"})[0]))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200, 200] and not both.broken
