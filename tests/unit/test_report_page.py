"""The report page's worker side under CPython, against the emulated portal seeded with calls.

The page's JavaScript is left out: what it is asked to keep (``cache``) is kept here in a list,
and what it would draw is read from the remote document's operations.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
import seedcount
from own_loop import run_in_own_loop

from emulator.limits import Limits
from emulator.portal import Portal, rest_params
from emulator.seed import PORTAL_OFFSET, generate
from placement_app.admin import report
from placement_app.admin.report_page import Access, Drawing, ReportPage, crm_link, share, since_for
from placement_app.browser.remote_dom import RemoteDocument
from placement_app.core import i18n, settings

CALLS, DAYS = 600, 40
NOW = datetime(2026, 12, 5, 15, 30, tzinfo=PORTAL_OFFSET)
TOKEN = "report-token"
INIT = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN, "MEMBER_ID": "m1",
        "APP_OPTIONS": []}


class Run:
    """One report page in one event loop: its posts, its drawing, and the portal's requests."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.posts: list[Mapping[str, Any]] = []
        self.document = RemoteDocument()
        self.operations: list[list[Any]] = []
        self.tasks: list[asyncio.Future[Any]] = []
        self.waits: list[float] = []

        async def http(url: str, body: str) -> tuple[int, str]:
            method = urlsplit(url).path.removeprefix("/rest/").removesuffix(".json")
            status, answer = await asyncio.to_thread(portal.rest, method, rest_params("", body))
            return status, json.dumps(answer)

        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)
            await asyncio.sleep(0)

        def spawn(coroutine: Coroutine[Any, Any, Any]) -> object:
            task = asyncio.ensure_future(coroutine)
            self.tasks.append(task)
            return task

        self.page = ReportPage(self.posts.append, lambda *_: None,
                               Access(http, spawn, sleep, None, lambda: NOW.timestamp()),
                               Drawing(self.document, lambda: self.operations.extend(self.document.take())))

    async def settle(self) -> None:
        while self.tasks:
            await self.tasks.pop(0)

    def send(self, kind: str, *args: object) -> None:
        self.page.receive(kind, json.dumps(list(args)))

    def cache(self, op: str) -> list[Mapping[str, Any]]:
        return [post for post in self.posts if post.get("type") == "cache" and post.get("op") == op]

    def attribute(self, name: str) -> str:
        """The value ``name`` was last given on any element."""
        return str(next(op[3] for op in reversed(self.operations) if op[0] == "s" and op[2] == name))

    def status(self) -> Mapping[str, Any]:
        return next(post for post in reversed(self.posts) if post.get("type") == "status")


def seeded(**rights: object) -> Portal:
    portal = Portal(limits=Limits(page_cost_s=0.0))
    portal.statistics.seed(generate(CALLS, DAYS, now=NOW))
    portal.control("session", {"auth": TOKEN, "admin": True})
    if rights:
        portal.control("rights", {"auth": TOKEN, **rights})
    return portal


def opened(run: Run, cached: dict[str, Any]) -> Callable[[], Coroutine[Any, Any, None]]:
    async def scenario() -> None:
        run.send("page:opened", INIT, NOW.date().isoformat())
        await run.settle()
        run.send("report:cached", cached)
        await run.settle()
    return scenario


def test_the_first_opening_loads_everything_counts_it_and_hands_the_cache_its_rows() -> None:
    run = Run(seeded())
    run_in_own_loop(opened(run, {"known": 0, "rows": []})())
    [read] = run.cache("read")
    assert read["key"] == "m1|1"  # the portal and the user (profile's ID)
    expected = seedcount.count(generate(CALLS, DAYS, now=NOW), today=NOW.date().isoformat(), days=30)
    assert (run.attribute("data-failed"), run.attribute("data-total")) == (str(expected.failed),
                                                                           str(expected.total))
    kept = [entry for post in run.cache("add") for entry in json.loads(post["entries"])]
    assert len(kept) == CALLS
    assert run.cache("done")[-1]["known"] == max(entry[0] for entry in kept)
    assert run.attribute("data-loaded") == "complete" and run.status()["text"] == ""

    # Reopened with those rows: drawn from them, and only records above the known ID are asked for.
    again = Run(run.portal)
    before = len(run.portal.rest_log)
    known = run.cache("done")[-1]["known"]
    run_in_own_loop(opened(again, {"known": known, "rows": [row for _, row in kept]})())
    assert again.attribute("data-total") == str(expected.total)
    asked = [entry for entry in run.portal.rest_log[before:] if entry["method"] == "voximplant.statistic.get"]
    assert asked and {entry["params"]["FILTER[>ID]"] for entry in asked} == {str(known)}


def test_a_code_lists_its_calls_and_its_csv_has_the_same_rows() -> None:
    run = Run(seeded())
    run_in_own_loop(opened(run, {"known": 0, "rows": []})())
    run.send("report:code", "486")
    [csv_post] = [post for post in run.posts if post.get("type") == "csv"]
    calls = report.calls_with(run.page.calls.values(), "486", today=NOW.date().isoformat(), days=30)
    lines = csv_post["text"].splitlines()
    assert len(lines) == len(calls) + 1 and csv_post["name"] == "failures-486-30d.csv"
    times = [op[2] for op in run.operations if op[0] == "t" and op[2][:4] == "2026" and len(op[2]) == 19]
    assert times[-len(calls):] == [line.split(",")[0] for line in lines[1:]]


def test_an_outcome_the_admin_expects_is_not_a_failure_and_one_line_says_so() -> None:
    run = Run(seeded())
    chosen = settings.Settings(expected_codes=frozenset({"603-S"}))
    init = {**INIT, "APP_OPTIONS": {settings.OPTION_NAME: settings.dumps(chosen)}}

    async def scenario() -> None:
        run.send("page:opened", init, NOW.date().isoformat())
        await run.settle()
        run.send("report:cached", {"known": 0, "rows": []})
        await run.settle()

    run_in_own_loop(scenario())
    counted = seedcount.count(generate(CALLS, DAYS, now=NOW), today=NOW.date().isoformat(), days=30)
    assert counted.by_code.get("603-S", 0) > 0  # the seed has some, or this proves nothing
    assert run.attribute("data-failed") == str(counted.failed - counted.by_code["603-S"])
    assert run.attribute("data-total") == str(counted.total)
    said = i18n.text("report.expected", "en", codes="603-S")
    assert said in [op[2] for op in run.operations if op[0] == "t"]


def test_calls_older_than_the_longest_period_are_dropped_here_and_from_the_cache() -> None:
    # The portal's records get IDs from 1001; the cache also holds five calls of 200 days ago.
    portal = Portal(limits=Limits(page_cost_s=0.0))
    portal.statistics.seed([{**record, "ID": str(int(record["ID"]) + 1000)}
                            for record in generate(CALLS, DAYS, now=NOW)])
    portal.control("session", {"auth": TOKEN, "admin": True})
    old = [report.take({"ID": str(number), "CALL_START_DATE": "2026-05-19T10:00:00+03:00",
                        "CALL_FAILED_CODE": "486", "CALL_DURATION": "0"}) for number in range(1, 6)]
    run = Run(portal)
    run_in_own_loop(opened(run, {"known": 0, "rows": [report.to_row(call) for call in old if call]})())
    assert run.cache("prune") == [{"type": "cache", "op": "prune", "key": "m1|1", "below": 1001}]
    assert min(run.page.calls) == 1001 and len(run.page.calls) == CALLS


def test_access_denied_says_so_and_keeps_no_known_mark() -> None:
    run = Run(seeded(statistics="none"))
    run_in_own_loop(opened(run, {"known": 0, "rows": []})())
    assert run.status() == {"type": "status", "text": i18n.text("report.denied", "en"), "tone": "error"}
    assert run.cache("done") == [] and run.attribute("data-loaded") == "stopped"


def test_without_a_names_scope_operators_are_ids_and_one_line_says_why() -> None:
    run = Run(seeded(scopes=["placement", "telephony"]))
    run_in_own_loop(opened(run, {"known": 0, "rows": []})())
    why = i18n.text("report.names.no_scope", "en")
    assert [op for op in run.operations if op[0] == "t" and op[2] == why]


@pytest.mark.parametrize("lang, written",
                         [("en", "12.5 %"), ("de", "12,5 %"), ("ru", "12,5 %"), ("br", "12,5 %")])
def test_a_share_is_written_as_the_language_writes_numbers(lang: str, written: str) -> None:
    assert share(1, 8, lang) == written


def test_crm_links_go_to_the_portals_own_pages_only() -> None:
    assert crm_link("https://portal.example/rest/", "CONTACT", "12") == \
        "https://portal.example/crm/contact/details/12/"
    assert crm_link("https://portal.example/rest/", "QUOTE", "12") is None
    assert crm_link("https://portal.example/rest/", "DEAL", "12/../x") is None


def test_the_load_starts_a_day_before_the_longest_period() -> None:
    assert since_for("2026-12-05") == "2026-09-06T00:00:00+00:00"


def test_a_browser_that_keeps_no_cache_is_told_of_and_everything_is_loaded() -> None:
    run = Run(seeded())
    run_in_own_loop(opened(run, {"known": 0, "rows": [], "kept": False})())
    why = i18n.text("report.no_cache", "en")
    assert [op for op in run.operations if op[0] == "t" and op[2] == why]
    assert run.attribute("data-total") != "0" and run.attribute("data-loaded") == "complete"
