"""No log line carries a secret: every error is described with its secrets hidden."""

from __future__ import annotations

import json

import pytest
from fakedom import FakeDocument
from fakepage import FakePage

from placement_app.admin.page import AdminPage
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import settings
from placement_app.core.untrusted import describe_error

TOKEN = "t0ken-5ecret-4f9a"


def test_an_error_is_its_type_and_its_message_with_the_secrets_hidden() -> None:
    assert describe_error(KeyError({"AUTH_ID": TOKEN})) == "KeyError: {'AUTH_ID': '(hidden)'}"
    assert describe_error(ValueError(f"bad form refresh_token={TOKEN}&x=1")) == (
        "ValueError: bad form refresh_token=(hidden)&x=1")
    assert describe_error(RuntimeError()) == "RuntimeError"
    assert len(describe_error(ValueError("x" * 1000))) < 140


def test_a_failing_handler_of_the_card_logs_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(options: object) -> object:
        raise ValueError(f"cannot read {json.dumps(options)}")

    monkeypatch.setattr(settings, "load", broken)
    document = FakeDocument()
    page = FakePage()
    logged = page.warnings
    card = Card(CardView(document, document.createElement("section")), page)
    init = {"AUTH_ID": TOKEN, "APP_OPTIONS": {"auth": TOKEN, "member_id": TOKEN}, "REFRESH_ID": TOKEN,
            "PLACEMENT_OPTIONS": {"CALL_ID": "c1"}}
    card.receive("app:opened", json.dumps([init]), 1)
    assert logged and "ValueError" in logged[0]
    assert not [line for line in logged if TOKEN in line]


def test_a_failing_handler_of_a_page_logs_no_secret() -> None:
    logged: list[str] = []

    class Page(AdminPage):
        def on_opened(self, init: object = None, _unused: object = None) -> None:
            raise ValueError(repr(init))

    page = Page(lambda message: None, lambda name, params: None, logged.append)
    page.receive("page:opened", json.dumps([{"AUTH_ID": TOKEN, "member_id": TOKEN}]))
    assert logged and not [line for line in logged if TOKEN in line]
