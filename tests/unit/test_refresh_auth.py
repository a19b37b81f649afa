"""An expired token: refreshed through the frame once, the call tried again, and only then refused.

Under CPython with fakes: the portal's HTTP endpoint, the frame's
``refreshAuth`` (an async callable, as the bridge gives it), the page's
replies to the worker, and the emulated portal's ``expire`` control.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Mapping
from typing import Any
from urllib.parse import parse_qs

import pytest
from fakedom import FakeDocument
from fakepage import FakePage
from own_loop import run_in_own_loop

from emulator.portal import Portal as EmulatedPortal
from placement_app.admin.install import Installer, Progress
from placement_app.browser.frame_requests import FrameRequests
from placement_app.card.app import Card
from placement_app.card.lookup import PortalAccess
from placement_app.card.view import CardView
from placement_app.core.timeline import Outcome
from placement_app.portal import client

REST = "https://portal.example/rest/"
OLD, NEW = "old-token", "new-token"
CALL = "5B1D1A3E.1764900000.1"
EXPIRED = (401, json.dumps({"error": "expired_token",
                            "error_description": "The access token provided has expired."}))
RECORD = {"CALL_ID": CALL, "CALL_FAILED_CODE": "486", "CALL_FAILED_REASON": "Busy here"}


class Portal:
    """Answers REST calls: ``expired_token`` to the tokens in ``expired``, else ``result``."""

    def __init__(self, result: object, expired: set[str]) -> None:
        self.result = result
        self.expired = expired
        self.tokens: list[str] = []

    async def __call__(self, url: str, body: str) -> tuple[int, str]:
        token = parse_qs(body)["auth"][0]
        self.tokens.append(token)
        if token in self.expired:
            return EXPIRED
        return 200, json.dumps({"result": self.result})


class Frame:
    """``refreshAuth`` as the bridge offers it: each call gives the next answer."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def __call__(self) -> object:
        self.asked += 1
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer


def renewed(token: str = NEW) -> dict[str, object]:
    return {"AUTH_ID": token, "REFRESH_ID": "refresh", "AUTH_EXPIRES": 3600}


def test_only_expired_token_is_an_expiry() -> None:
    assert client.read(*EXPIRED).expired  # type: ignore[union-attr]
    for error in ("invalid_token", "NO_AUTH_FOUND", "insufficient_scope"):
        failed = client.read(401, json.dumps({"error": error}))
        assert isinstance(failed, client.Failed) and not failed.expired
    assert client.read(*EXPIRED).kind == "auth"  # type: ignore[union-attr]


@pytest.mark.parametrize(("reply", "token"), [
    (renewed(), NEW),
    ({"AUTH_ID": "has spaces"}, None),
    ({"AUTH_ID": 5}, None),
    ({"REFRESH_ID": "only"}, None),
    ("AUTH_ID=x", None),
    (None, None),
])
def test_the_refresh_reply_gives_a_token_only_if_it_looks_like_one(reply: object, token: str | None) -> None:
    assert client.read_refresh(reply) == token


def test_an_expired_token_is_refreshed_once_and_the_call_tried_again() -> None:
    portal = Portal(["ok"], {OLD})
    frame = Frame(renewed())
    session = client.Session(portal, REST, OLD, frame)
    reply = run_in_own_loop(session.call("placement.get", {}))
    assert reply == client.Ok(["ok"])
    assert portal.tokens == [OLD, NEW] and frame.asked == 1
    assert session.auth == NEW  # kept for the next call
    assert run_in_own_loop(session.call("placement.get", {})) == client.Ok(["ok"])
    assert portal.tokens == [OLD, NEW, NEW] and frame.asked == 1
    assert NEW not in repr(session) and OLD not in repr(session)


@pytest.mark.parametrize("answer", [None, {"AUTH_ID": ""}, RuntimeError("the page went away")],
                         ids=["no answer", "no token", "failed"])
def test_without_a_new_token_the_expiry_stands(answer: object) -> None:
    portal = Portal(["ok"], {OLD})
    session = client.Session(portal, REST, OLD, Frame(answer))
    reply = run_in_own_loop(session.call("placement.get", {}))
    assert isinstance(reply, client.Failed) and reply.expired
    assert portal.tokens == [OLD]


def test_a_new_token_that_is_refused_too_is_refused_and_not_refreshed_again() -> None:
    portal = Portal(["ok"], {OLD, NEW})
    frame = Frame(renewed(), renewed("third"))
    reply = run_in_own_loop(client.Session(portal, REST, OLD, frame).call("placement.get", {}))
    assert isinstance(reply, client.Failed) and reply.kind == "auth"
    assert portal.tokens == [OLD, NEW] and frame.asked == 1


def test_other_refusals_are_not_refreshed() -> None:
    async def no_scope(url: str, body: str) -> tuple[int, str]:
        return 401, json.dumps({"error": "insufficient_scope"})

    frame = Frame(renewed())
    reply = run_in_own_loop(client.Session(no_scope, REST, OLD, frame).call("placement.get", {}))
    assert isinstance(reply, client.Failed) and reply.kind == "no_scope" and frame.asked == 0


def look_up(portal: Portal, frame: Frame) -> Card:
    """A call that ends without a code; the card looks it up (no real waits)."""
    document = FakeDocument()
    tasks: list[Coroutine[Any, Any, Any]] = []
    page = FakePage(lambda: 5_000.0)

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    card = Card(CardView(document, document.createElement("section")), page,
                portal=PortalAccess(portal, tasks.append, no_wait, frame))
    opened = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": OLD,
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": "connecting"}}
    card.receive("app:opened", json.dumps([opened]), 1_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', 2_000)
    assert len(tasks) == 1

    async def run() -> None:
        await asyncio.gather(*tasks)

    run_in_own_loop(run())
    assert not [warning for warning in page.warnings if OLD in warning or NEW in warning]
    return card


def test_the_card_finds_the_code_with_a_refreshed_token() -> None:
    portal = Portal([RECORD], {OLD})
    frame = Frame(renewed())
    card = look_up(portal, frame)
    assert card.timeline.outcome is Outcome.FAILED and card.timeline.failed_code == "486"
    assert portal.tokens == [OLD, NEW] and frame.asked == 1


@pytest.mark.parametrize(("answers", "expired"), [((None,), {OLD}), ((renewed(),), {OLD, NEW})],
                         ids=["refresh failed", "refused again"])
def test_the_card_says_the_authorisation_was_refused_only_after_a_refresh(
        answers: tuple[object, ...], expired: set[str]) -> None:
    portal = Portal([RECORD], expired)
    frame = Frame(*answers)
    card = look_up(portal, frame)
    assert card.timeline.lookup == "auth" and frame.asked == 1
    assert card.timeline.outcome is Outcome.NOT_ANSWERED


def install(portal: EmulatedPortal, frame: Frame) -> tuple[bool, list[Progress]]:
    seen: list[Progress] = []

    async def http(url: str, body: str) -> tuple[int, str]:
        from emulator.portal import rest_params

        method = url.removeprefix(REST).removesuffix(".json")
        status, answer = portal.rest(method, rest_params("", body))
        return status, json.dumps(answer)

    installer = Installer(http, REST, OLD, "https://app.example/", True, "en", seen.append, lambda: None,
                          refresh=frame)
    return run_in_own_loop(installer.run()), seen


def test_the_install_refreshes_an_expired_token_against_the_emulated_portal() -> None:
    portal = EmulatedPortal(app_origin="https://app.example")
    for token in (OLD, NEW):
        portal.control("session", {"auth": token, "admin": True})
    assert portal.control("expire", {"auth": OLD}) == (200, {"ok": True})
    done, seen = install(portal, Frame(renewed()))
    assert done and seen[-1].tone == "ok"
    assert [entry["params"]["auth"] for entry in portal.rest_log] == [OLD, NEW, NEW]
    assert len(portal.state()["placements"]) == 1


def test_the_install_says_the_authorisation_was_refused_when_no_token_comes() -> None:
    portal = EmulatedPortal(app_origin="https://app.example")
    portal.control("session", {"auth": OLD, "admin": True})
    portal.control("expire", {"auth": OLD})
    done, seen = install(portal, Frame(None))
    assert not done and seen[-1].retry
    assert "did not accept the app's authorisation" in seen[-1].message


def test_the_emulated_portal_expires_a_token_for_every_method() -> None:
    portal = EmulatedPortal()
    portal.control("session", {"auth": OLD, "admin": True})
    portal.report({"callId": CALL, "auth": OLD})
    assert portal.rest("placement.get", {"auth": OLD})[0] == 200
    assert portal.control("expire", {"auth": ""})[0] == 400
    portal.control("expire", {"auth": OLD})
    for method in ("placement.get", "voximplant.statistic.get"):
        assert portal.rest(method, {"auth": OLD}) == (401, {
            "error": "expired_token", "error_description": "The access token provided has expired."})


def test_a_reply_completes_its_own_request_only() -> None:
    posted: list[Mapping[str, Any]] = []
    requests = FrameRequests(posted.append, timeout_s=5)

    async def scenario() -> tuple[object, list[bool]]:
        asking = asyncio.ensure_future(requests.refresh_auth())
        await asyncio.sleep(0)
        [message] = posted
        assert message["type"] == "frame" and message["command"] == "refreshAuth"
        taken = [requests.take({"id": "someone-else", "ok": True, "value": renewed("x")}),
                 requests.take("nonsense"),
                 requests.take({"id": message["id"], "ok": True, "value": renewed()})]
        answer = await asking
        taken.append(requests.take({"id": message["id"], "ok": True, "value": renewed("late")}))
        return answer, taken

    answer, taken = run_in_own_loop(scenario())
    assert answer == renewed() and taken == [False, False, True, False]
    assert requests.pending == {}


def test_a_request_without_a_reply_gives_none_in_time() -> None:
    requests = FrameRequests(lambda message: None, timeout_s=0.01)
    assert run_in_own_loop(requests.refresh_auth()) is None
    assert requests.pending == {}


def test_a_refused_command_gives_none() -> None:
    posted: list[Mapping[str, Any]] = []
    requests = FrameRequests(posted.append)

    async def scenario() -> object:
        asking = asyncio.ensure_future(requests.ask("refreshAuth"))
        await asyncio.sleep(0)
        requests.take({"id": posted[0]["id"], "ok": False, "value": None})
        return await asking

    assert run_in_own_loop(scenario()) is None
