"""Finding the lost failure code in the portal's call statistics."""

import asyncio
import json
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage
from own_loop import run_in_own_loop

from placement_app.card import statistics
from placement_app.card.app import Card
from placement_app.card.lookup import PortalAccess, StatisticsLookup
from placement_app.card.statistics import Found, GaveUp, NotYet, Reply, read_reply
from placement_app.card.view import CardView
from placement_app.core import i18n
from placement_app.core.events import (
    CallState,
    CallStateChanged,
    CardOpened,
    Event,
    LookupFailure,
    StatisticsFound,
    StatisticsRequested,
)
from placement_app.core.timeline import LookupState, Outcome, Timeline, apply, replay
from placement_app.portal import client

CALL = "5B1D1A3E.1764900000.7"
TOKEN = "token123"
RECORD = {"ID": "7", "CALL_ID": CALL, "CALL_FAILED_CODE": "486", "CALL_FAILED_REASON": "Busy here"}
#: When the call ends (ms on the card's clock).
ENDED = 9_000.0

#: What the portal's HTTP endpoint gives: a status and a text, or an error raised.
Answer = tuple[int, str] | Exception


def reply(result: object = None, error: str | None = None, status: int = 200) -> tuple[int, str]:
    body = {"error": error, "error_description": "..."} if error else {"result": result, "total": 1}
    return status, json.dumps(body)


@pytest.mark.parametrize(("answer", "expected"), [
    (reply([RECORD]), Found("486", "Busy here")),
    (reply([{**RECORD, "CALL_FAILED_CODE": 603, "CALL_FAILED_REASON": "<b>Decline</b>"}]),
     Found("603", "<b>Decline</b>")),
    (reply([]), NotYet()),
    (reply([{**RECORD, "CALL_ID": "another"}]), NotYet()),
    (reply([{**RECORD, "CALL_FAILED_CODE": ""}]), NotYet()),
    (reply(error="insufficient_scope", status=401), GaveUp(LookupFailure.NO_SCOPE)),
    (reply(error="expired_token", status=401), GaveUp(LookupFailure.AUTH)),
    # The user lacks "Call statistics: view": not the app's scope, so not the same advice.
    (reply(error="ACCESS_DENIED", status=403), GaveUp(LookupFailure.NO_PERMISSION)),
    (reply(error="NO_AUTH_FOUND", status=401), GaveUp(LookupFailure.AUTH)),
    (reply(error="INTERNAL_SERVER_ERROR", status=500), NotYet()),
    # The portal's rate limit: a later try may work; the method's used-up time: the card gives up.
    (reply(error="QUERY_LIMIT_EXCEEDED", status=503), NotYet()),
    (reply(error="OPERATION_TIME_LIMIT", status=429), GaveUp(LookupFailure.REFUSED)),
    ((502, "<html>Bad gateway</html>"), NotYet()),
    ((200, "<html>login</html>"), GaveUp(LookupFailure.REFUSED)),
    ((200, "[1, 2]"), GaveUp(LookupFailure.REFUSED)),
    ((200, '{"result": "x"}'), GaveUp(LookupFailure.REFUSED)),
])
def test_every_reply_shape_is_understood(answer: tuple[int, str], expected: Reply) -> None:
    read = client.read(*answer)
    if isinstance(read, client.Failed):
        read = replace(read, method=statistics.METHOD)  # as client.call names the method
    assert read_reply(read, CALL) == expected


def test_every_reason_to_give_up_has_its_words_in_every_language_and_a_refusal_its_admin_detail() -> None:
    for why in LookupFailure:
        for lang in i18n.LANGUAGES:
            assert i18n.STRINGS[lang][f"lookup.{why}"], (why, lang)  # the key is the value, as saved
    for why in (*statistics.GIVE_UP.values(), LookupFailure.REFUSED):
        assert statistics.admin_detail(why) != why


def test_a_refusal_is_read_once_into_what_it_means() -> None:
    assert client.Failed("insufficient_scope", "", 401).kind is client.FailureKind.NO_SCOPE
    assert client.Failed("ACCESS_DENIED", "", 403, statistics.METHOD).kind is client.FailureKind.NO_PERMISSION
    assert client.Failed("", "HTTP 502, not JSON", 502).kind is client.FailureKind.TRANSIENT
    assert f"install.error.{client.Failed('unreachable', '').kind}" == "install.error.unreachable"


def test_the_request_asks_for_this_call_with_the_token() -> None:
    url, body = client.request("https://portal.example/rest/", TOKEN, statistics.METHOD,
                               statistics.params(CALL))
    assert url == "https://portal.example/rest/voximplant.statistic.get.json"
    assert parse_qs(body) == {"FILTER[CALL_ID]": [CALL], "auth": [TOKEN]}


class SimulatedTime:
    """The card's clock, moved on only by the card's own waits; ``log`` tells what happened when."""

    def __init__(self, now: float = ENDED) -> None:
        self.now = now
        self.log: list[tuple[str, float]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds * 1000
        self.log.append(("waited", self.now))
        await asyncio.sleep(0)


class Portal:
    """Answers the card's REST calls from a script of replies (the last one again and again)."""

    def __init__(self, *answers: Answer, time: SimulatedTime | None = None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []
        self.time = time

    async def __call__(self, url: str, body: str) -> tuple[int, str]:
        self.asked.append((url, body))
        if self.time is not None:
            self.time.log.append(("asked", self.time.now))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def play(portal: Portal, *events: tuple[str, str, float], connected: bool = False,
         time: SimulatedTime | None = None, warnings: list[str] | None = None,
         watch: list[str] | None = None) -> tuple[Card, FakeElement]:
    """A call that ends as idle without a code; returns the card and its root after the lookup.

    ``warnings`` collects what the card logs to the console; ``watch`` what the
    failure's reason says each time the card asks the portal.
    """
    time = time or SimulatedTime()
    document = FakeDocument()
    root = document.createElement("section")
    tasks: list[Coroutine[Any, Any, Any]] = []
    page = FakePage(time)
    if warnings is not None:
        page.warnings = warnings

    async def http(url: str, body: str) -> tuple[int, str]:
        if watch is not None:
            watch.append(root.find("failure-reason").textContent)
        return await portal(url, body)

    card = Card(CardView(document, root), page, portal=PortalAccess(http, tasks.append, time.sleep))
    opened = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": "connecting"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    if connected:
        card.receive("CallCard::CallStateChanged", '["connected"]', 5_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', ENDED)
    for event in events:
        card.receive(*event)
    assert len(tasks) <= 1

    async def run() -> None:
        await asyncio.gather(*tasks)

    run_in_own_loop(run())
    return card, root


def test_missing_code_is_completed_from_call_statistics() -> None:
    portal = Portal(reply([]), reply([]), reply([RECORD]))
    card, root = play(portal)
    assert card.timeline.outcome is Outcome.FAILED
    assert root.find("failure-code").textContent == "Code 486"
    assert root.find("failure-source").textContent == "Code from the portal's call statistics"
    assert "Busy here" not in root.visible_text()  # the catalogue's words, not the telephony's phrase
    assert root.find_all("entry")[-1].find("detail").textContent == "486 · Declined (from call statistics)"
    assert len(portal.asked) == 3
    assert portal.asked[0][0] == "https://portal.example/rest/voximplant.statistic.get.json"


def test_without_a_record_the_card_asks_once_per_try_for_about_fifteen_seconds_then_says_so() -> None:
    time = SimulatedTime()
    portal = Portal(reply([]), time=time)
    card, root = play(portal, time=time)
    kinds = [kind for kind, _ in time.log]
    # The first try at once (an external call's record is there with its end), then after waits.
    assert len(kinds) >= 7 and kinds == ["asked"] + ["waited", "asked"] * (len(kinds) // 2), time.log
    given_up = time.log[-1][1]
    assert 10_000 <= given_up - ENDED <= 16_000, time.log  # the record shows up a few seconds late
    assert time.now == given_up  # and no wait after the last answer
    assert len(portal.asked) == len(kinds) // 2 + 1
    assert card.timeline.outcome is Outcome.NOT_ANSWERED and card.timeline.lookup == "no_record"
    assert root.find("failure-source").textContent == (
        "No record of this call in the call statistics you can see.")  # "own calls only" rights
    assert "Looking up" not in root.visible_text()


@pytest.mark.parametrize(("answers", "why", "words"), [
    ([reply([])], "no_record", "in the call statistics you can see"),
    ([reply(error="insufficient_scope", status=401)], "no_scope", "ask your portal administrator"),
    ([reply(error="ACCESS_DENIED", status=403)], "no_permission", "may not view call statistics"),
    ([reply(error="expired_token", status=401)], "auth", "ask your portal administrator"),
    ([OSError("network down")], "unreachable", "could not be reached"),
])
def test_a_lookup_that_cannot_tell_leaves_the_entry_honest(answers: list[Answer], why: str,
                                                            words: str) -> None:
    card, root = play(Portal(*answers))
    assert card.timeline.outcome is Outcome.NOT_ANSWERED and card.timeline.lookup == why
    assert root.find("failure-code").textContent == "Reason not reported"
    assert words in root.find("failure-source").textContent
    assert "Next step" in root.find("failure-next").textContent


def test_gives_up_at_once_on_a_missing_scope() -> None:
    portal = Portal(reply(error="insufficient_scope", status=401))
    play(portal)
    assert len(portal.asked) == 1


def test_an_answered_call_gets_the_success_code_and_stays_answered() -> None:
    card, _ = play(Portal(reply([{**RECORD, "CALL_FAILED_CODE": "200", "CALL_FAILED_REASON": "OK"}])),
                   connected=True)
    assert card.timeline.outcome is Outcome.ANSWERED and card.timeline.failed_code == "200"


def test_a_new_attempt_during_the_lookup_stops_it() -> None:
    portal = Portal(reply([RECORD]))
    card, _ = play(portal, ("CallCard::CallStateChanged", '["connecting"]', 10_000))
    assert card.timeline.outcome is Outcome.RINGING and card.timeline.failed_code is None
    assert portal.asked == []


def test_a_code_on_the_wire_needs_no_lookup() -> None:
    portal = Portal(reply([RECORD]))
    document = FakeDocument()
    tasks: list[Coroutine[Any, Any, Any]] = []
    card = Card(CardView(document, document.createElement("section")), FakePage(),
                portal=PortalAccess(portal, tasks.append))
    card.receive("app:opened", json.dumps([{"DOMAIN": "p.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
                                            "PLACEMENT_OPTIONS": {"CALL_ID": CALL}}]), 0)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 1)
    card.receive("CallCard::CallStateChanged", '[["idle", {"failedCode": "486"}]]', 2)
    assert tasks == []


def test_a_portal_address_that_is_not_a_host_is_never_called() -> None:
    document = FakeDocument()
    tasks: list[Coroutine[Any, Any, Any]] = []
    card = Card(CardView(document, document.createElement("section")), FakePage(),
                portal=PortalAccess(Portal(reply([])), tasks.append))
    for domain in ("evil.example/x?", "a b", "", None, "javascript:alert(1)"):
        card.receive("app:opened", json.dumps([{"DOMAIN": domain, "PROTOCOL": 1, "AUTH_ID": TOKEN,
                                                "PLACEMENT_OPTIONS": {"CALL_ID": CALL}}]), 0)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 1)
    card.receive("CallCard::CallStateChanged", '["idle"]', 2)
    assert tasks == [] and card.lookup.session is None


@pytest.mark.parametrize(("answer", "detail"), [
    (reply(error="insufficient_scope", status=401), "telephony scope"),
    (reply(error="expired_token", status=401), "authorisation"),
    ((200, "<html>login</html>"), "unreadable"),
])
def test_the_operator_is_sent_to_their_admin_and_the_admin_detail_goes_to_the_console(
        answer: Answer, detail: str) -> None:
    warnings: list[str] = []
    _, root = play(Portal(answer), warnings=warnings)
    shown = root.visible_text()
    assert "ask your portal administrator" in root.find("failure-source").textContent
    assert "scope" not in shown and "authorisation" not in shown
    assert any(detail in warning and "voximplant.statistic.get" in warning for warning in warnings), warnings


def test_a_lookup_that_takes_a_while_shows_its_progress() -> None:
    seen: list[str] = []
    play(Portal(reply([])), watch=seen)
    tries = len(statistics.DELAYS_MS)
    assert seen == [f"Looking up the reason in the portal's call statistics… attempt {n} of {tries}"
                    for n in range(1, tries + 1)]


def test_while_the_lookup_runs_only_what_is_known_is_shown() -> None:
    """No reason and no next step before the statistics answered or the card gave up."""
    seen: list[tuple[str, bool, str]] = []
    headlines: list[str] = []
    document = FakeDocument()
    root = document.createElement("section")
    tasks: list[Coroutine[Any, Any, Any]] = []
    time = SimulatedTime()
    portal = Portal(reply([]), reply([]), reply([RECORD]))

    async def http(url: str, body: str) -> tuple[int, str]:
        seen.append((root.find("failure-code").textContent, root.find("failure-next").hidden,
                     root.find("failure-reason").textContent))
        headlines.append(root.find("outcome").textContent)
        return await portal(url, body)

    card = Card(CardView(document, root), FakePage(time), portal=PortalAccess(http, tasks.append, time.sleep))
    opened = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": "connecting"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', ENDED)
    run_all(tasks)
    assert len(seen) == 3
    assert all(code == "" and hidden and reason.startswith("Looking up the reason")
               for code, hidden, reason in seen)
    # No verdict while it is looked up ("Not answered", then "Busy" would say two things): the call ended.
    assert set(headlines) == {"Call ended"}
    assert root.find("failure-next").hidden is False  # now that the outcome is known
    assert root.find("failure-code").textContent == "Code 486"


def open_idle(portal: Portal) -> tuple[Card, FakeElement, list[Coroutine[Any, Any, Any]]]:
    """A card opened ``idle``: before its call, or after it (a tab shown late)."""
    document = FakeDocument()
    root = document.createElement("section")
    tasks: list[Coroutine[Any, Any, Any]] = []
    time = SimulatedTime(1_000)
    card = Card(CardView(document, root), FakePage(time),
                portal=PortalAccess(portal, tasks.append, time.sleep))
    opened = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": "idle"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    return card, root, tasks


def test_a_card_opened_after_its_call_ended_shows_the_outcome_from_the_record() -> None:
    portal = Portal(reply([RECORD]))
    card, root, tasks = open_idle(portal)
    run_all(tasks)
    assert len(portal.asked) == 1  # asked once, at once
    assert card.timeline.outcome is Outcome.FAILED and card.timeline.ended_at == 1_000
    assert root.find("outcome").textContent == "Busy"
    rows = [row.find("what").textContent for row in root.find_all("entry")]
    assert rows == ["Call ended"]  # over before the card opened: no "(since the card opened)"
    assert root.find("failure-source").textContent == "Code from the portal's call statistics"


def test_a_card_opened_before_its_call_asks_once_then_waits_for_the_call() -> None:
    portal = Portal(reply([]), reply([RECORD]))
    card, root, tasks = open_idle(portal)
    run_all(tasks)
    assert len(portal.asked) == 1 and card.timeline.lookup is None
    assert card.timeline.outcome is Outcome.WAITING
    assert root.find("failure").hidden is True
    card.receive("CallCard::CallStateChanged", '["connecting"]', 2_000)
    assert tasks[1:] == []  # nothing more is asked while the call runs
    ringing = card.timeline
    assert ringing.outcome is Outcome.RINGING


def run_all(tasks: list[Coroutine[Any, Any, Any]]) -> None:
    async def run() -> None:
        await asyncio.gather(*tasks)

    run_in_own_loop(run())


class Owner:
    """The card as its lookup sees it: a timeline that takes the lookup's events, and a page."""

    def __init__(self, timeline: Timeline) -> None:
        self.page = FakePage(lambda: ENDED)
        self.timeline = timeline
        self.events: list[Event] = []
        self.redraws = 0

    def handle(self, event: Event) -> None:
        self.events.append(event)
        self.timeline = apply(self.timeline, event)

    def redraw(self) -> None:
        self.redraws += 1


def test_the_lookup_runs_one_conversation_at_a_time_and_only_with_the_portal_the_init_data_named() -> None:
    opened = CardOpened(1_000, CALL, CallState.CONNECTING, "en", None, None, "https://portal.example/rest/",
                        TOKEN)
    owner = Owner(replay([opened, CallStateChanged(ENDED, CallState.IDLE)]))
    tasks: list[Coroutine[Any, Any, Any]] = []
    lookup = StatisticsLookup(PortalAccess(Portal(reply([]), reply([RECORD])), tasks.append, no_wait), owner)
    lookup.start_if_needed()
    assert tasks == [] and not lookup.available  # no portal named yet: nothing to ask
    lookup.open(opened)
    lookup.start_if_needed()
    lookup.start_if_needed()
    assert len(tasks) == 1 and lookup.running
    run_all(tasks)
    assert [type(event) for event in owner.events] == [StatisticsRequested, StatisticsFound]
    assert owner.timeline.lookup is LookupState.DONE and owner.timeline.failed_code == "486"
    assert lookup.attempt == (2, len(statistics.DELAYS_MS)) and owner.redraws == 2
    assert not lookup.running


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)
