"""Finding the lost failure code in the portal's call statistics."""

import asyncio
import json
import threading
from urllib.parse import parse_qs

import pytest
from fakedom import FakeDocument

from placement_app.card import statistics
from placement_app.card.app import Card
from placement_app.card.statistics import Found, GaveUp, NotYet, read_reply
from placement_app.core.timeline import Outcome
from placement_app.card.view import CardView
from placement_app.portal import client

CALL = "externalCall.abc"
TOKEN = "token123"
RECORD = {"ID": "7", "CALL_ID": CALL, "CALL_FAILED_CODE": "486", "CALL_FAILED_REASON": "Busy here"}


def reply(result=None, error=None, status=200):
    body = {"error": error, "error_description": "..."} if error else {"result": result, "total": 1}
    return status, json.dumps(body)


@pytest.mark.parametrize(("answer", "expected"), [
    (reply([RECORD]), Found("486", "Busy here")),
    (reply([{**RECORD, "CALL_FAILED_CODE": 603, "CALL_FAILED_REASON": "<b>Decline</b>"}]),
     Found("603", "<b>Decline</b>")),
    (reply([]), NotYet()),
    (reply([{**RECORD, "CALL_ID": "another"}]), NotYet()),
    (reply([{**RECORD, "CALL_FAILED_CODE": ""}]), NotYet()),
    (reply(error="insufficient_scope", status=401), GaveUp("no_scope")),
    (reply(error="expired_token", status=401), GaveUp("auth")),
    (reply(error="NO_AUTH_FOUND", status=401), GaveUp("auth")),
    (reply(error="INTERNAL_SERVER_ERROR", status=500), NotYet()),
    ((502, "<html>Bad gateway</html>"), NotYet()),
    ((200, "<html>login</html>"), GaveUp("refused")),
    ((200, "[1, 2]"), GaveUp("refused")),
    ((200, '{"result": "x"}'), GaveUp("refused")),
])
def test_every_reply_shape_is_understood(answer, expected):
    assert read_reply(client.read(*answer), CALL) == expected


def test_the_request_asks_for_this_call_with_the_token():
    url, body = client.request("https://portal.example/rest/", TOKEN, statistics.METHOD,
                               statistics.params(CALL))
    assert url == "https://portal.example/rest/voximplant.statistic.get.json"
    assert parse_qs(body) == {"FILTER[CALL_ID]": [CALL], "auth": [TOKEN]}


def test_retries_last_about_fifteen_seconds():
    assert 10_000 <= sum(statistics.DELAYS_MS) <= 16_000


class Portal:
    """Answers the card's REST calls from a script of replies."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    async def __call__(self, url, body):
        self.asked.append((url, body))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def play(portal, *events, connected=False):
    """A call that ends as idle without a code; returns the card and its root after the lookup."""
    document = FakeDocument()
    root = document.createElement("section")
    tasks = []

    async def instant(seconds):
        await asyncio.sleep(0)

    card = Card(CardView(document, root), lambda: 50_000.0, http=portal, spawn=tasks.append,
                sleep=instant)
    opened = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": "connecting"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    if connected:
        card.receive("CallCard::CallStateChanged", '["connected"]', 5_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', 9_000)
    for event in events:
        card.receive(*event)
    assert len(tasks) <= 1

    async def run():
        await asyncio.gather(*tasks)

    # A loop of its own, in its own thread: Playwright's sync API keeps one running in this
    # thread for the whole test session.
    worker = threading.Thread(target=asyncio.run, args=(run(),))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    return card, root


def test_missing_code_is_completed_from_call_statistics():
    portal = Portal(reply([]), reply([]), reply([RECORD]))
    card, root = play(portal)
    assert card.timeline.outcome is Outcome.FAILED
    assert root.find("failure-code").textContent == "486 · Busy"
    assert root.find("failure-source").textContent == "Code from the portal's call statistics: Busy here"
    assert root.find_all("entry")[-1].find("detail").textContent == "486 · Busy (from call statistics)"
    assert len(portal.asked) == 3
    assert portal.asked[0][0] == "https://portal.example/rest/voximplant.statistic.get.json"


@pytest.mark.parametrize(("answers", "why", "words"), [
    ([reply([])], "no_record", "have no record of this call"),
    ([reply(error="insufficient_scope", status=401)], "no_scope", "telephony scope is missing"),
    ([reply(error="expired_token", status=401)], "auth", "did not accept the app's authorisation"),
    ([OSError("network down")], "unreachable", "could not be reached"),
])
def test_a_lookup_that_cannot_tell_leaves_the_entry_honest(answers, why, words):
    card, root = play(Portal(*answers))
    assert card.timeline.outcome is Outcome.NOT_ANSWERED and card.timeline.lookup == why
    assert root.find("failure-code").textContent == "Reason not reported"
    assert words in root.find("failure-source").textContent
    assert "Next step" in root.find("failure-next").textContent


def test_gives_up_at_once_on_a_missing_scope():
    portal = Portal(reply(error="insufficient_scope", status=401))
    play(portal)
    assert len(portal.asked) == 1


def test_no_record_is_asked_for_every_try_then_given_up():
    portal = Portal(reply([]))
    play(portal)
    assert len(portal.asked) == len(statistics.DELAYS_MS)


def test_an_answered_call_gets_the_success_code_and_stays_answered():
    card, _ = play(Portal(reply([{**RECORD, "CALL_FAILED_CODE": "200", "CALL_FAILED_REASON": "OK"}])),
                   connected=True)
    assert card.timeline.outcome is Outcome.ANSWERED and card.timeline.failed_code == "200"


def test_a_new_attempt_during_the_lookup_stops_it():
    portal = Portal(reply([RECORD]))
    card, _ = play(portal, ("CallCard::CallStateChanged", '["connecting"]', 10_000))
    assert card.timeline.outcome is Outcome.RINGING and card.timeline.failed_code is None
    assert portal.asked == []


def test_a_code_on_the_wire_needs_no_lookup():
    portal = Portal(reply([RECORD]))
    document = FakeDocument()
    tasks = []
    card = Card(CardView(document, document.createElement("section")), lambda: 0.0, http=portal,
                spawn=tasks.append)
    card.receive("app:opened", json.dumps([{"DOMAIN": "p.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
                                            "PLACEMENT_OPTIONS": {"CALL_ID": CALL}}]), 0)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 1)
    card.receive("CallCard::CallStateChanged", '[["idle", {"failedCode": "486"}]]', 2)
    assert tasks == []


def test_a_portal_address_that_is_not_a_host_is_never_called():
    document = FakeDocument()
    tasks = []
    card = Card(CardView(document, document.createElement("section")), lambda: 0.0,
                http=Portal(reply([])), spawn=tasks.append)
    for domain in ("evil.example/x?", "a b", "", None, "javascript:alert(1)"):
        card.receive("app:opened", json.dumps([{"DOMAIN": domain, "PROTOCOL": 1, "AUTH_ID": TOKEN,
                                                "PLACEMENT_OPTIONS": {"CALL_ID": CALL}}]), 0)
    card.receive("CallCard::CallStateChanged", '["connecting"]', 1)
    card.receive("CallCard::CallStateChanged", '["idle"]', 2)
    assert tasks == [] and card.portal is None
