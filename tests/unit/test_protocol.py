"""The pages' protocol: Python defines it once, the build exports it, every page reads it.

The build writes the export beside the pages' modules (``protocol.json``);
``tests/js`` asks Python for the same export (``tests/js/rules.mjs``), so the
page's modules are tested with the data they read in the browser.  Python's
side of each page must post only what the protocol says that page takes, and
ask only for the commands it names for it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Mapping
from typing import Any

from own_loop import run_in_own_loop

import build
from placement_app.admin.install import Progress
from placement_app.admin.install_page import InstallPage
from placement_app.admin.settings_page import SettingsPage
from placement_app.browser.frame_requests import TIMEOUT_S, FrameRequests
from placement_app.browser.protocol import PAGES, REPLY_TIMEOUT_MS, ToPage, ToWorker
from placement_app.core import settings

SETTINGS, INSTALL = "placement_app.admin.settings_page", "placement_app.admin.install_page"


def test_the_export_names_every_message_by_its_member() -> None:
    written = json.loads(build.generated_static()[build.PROTOCOL_FILE])
    assert written["toPage"] == {member.name: member.value for member in ToPage}
    assert written["toWorker"] == {member.name: member.value for member in ToWorker}
    assert written["pages"][SETTINGS]["commands"] == ["setAppOption"]


def test_every_page_is_a_module_with_a_main_and_takes_the_engines_messages() -> None:
    for entry, page in PAGES.items():
        assert callable(importlib.import_module(entry).main), entry
        assert {ToPage.MARK, ToPage.LIVE, ToPage.DROPPED, ToPage.FRAME} <= page.messages
        assert ToPage.FAILED not in page.messages  # the loader's (static/python.js), not the page's


class Recorder:
    """What a page posts, and the commands it asks for."""

    def __init__(self) -> None:
        self.types: list[str] = []
        self.commands: list[str] = []

    def post(self, message: Mapping[str, Any]) -> None:
        self.types.append(message["type"])

    def frame_command(self, name: str, params: Mapping[str, Any]) -> None:
        self.types.append(ToPage.FRAME)
        self.commands.append(name)


def test_the_settings_page_posts_only_what_the_protocol_says_it_takes() -> None:
    seen = Recorder()
    for admin in ("Y", "N"):
        page = SettingsPage(seen.post, seen.frame_command)
        page.on_opened({"LANG": "de", "IS_ADMIN": admin, "APP_OPTIONS": {}})
        page.on_reset()
        page.on_submit({"keep_open_minutes": "many"})
        page.on_submit(settings.to_form(settings.DEFAULTS))
        page.on_reply({"command": "setAppOption", "ok": True, "value": True})
        page.on_opened(None)
    assert {ToPage.FORM, ToPage.SUMMARY, ToPage.ERRORS, ToPage.SAVED, ToPage.FRAME} <= set(seen.types)
    assert set(seen.types) <= PAGES[SETTINGS].messages
    assert set(seen.commands) == set(PAGES[SETTINGS].commands)


def test_the_install_page_posts_only_what_the_protocol_says_it_takes() -> None:
    seen = Recorder()
    started: list[object] = []
    page = InstallPage(seen.post, seen.frame_command, http=None, spawn=started.append)  # type: ignore[arg-type]
    page.on_opened({"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": "1", "AUTH_ID": "token",
                    "INSTALL": "Y"}, "https://app.example/")
    page.progress(Progress((("check", "active"),)))
    page.on_opened(None)
    for coroutine in started:
        coroutine.close()  # type: ignore[attr-defined]
    assert ToPage.PROGRESS in seen.types
    assert set(seen.types) <= PAGES[INSTALL].messages
    assert set(seen.commands) <= set(PAGES[INSTALL].commands)


def test_a_request_the_worker_waits_for_carries_its_params_and_outwaits_the_page() -> None:
    posted: list[Mapping[str, Any]] = []
    requests = FrameRequests(posted.append)

    async def ask() -> object:
        asking = asyncio.ensure_future(requests.ask("refreshAuth", {"why": "expired"}))
        await asyncio.sleep(0)
        requests.take({"id": posted[0]["id"], "ok": True, "value": {"access_token": "new"}})
        return await asking

    assert run_in_own_loop(ask()) == {"access_token": "new"}
    assert posted[0]["type"] == ToPage.FRAME and json.loads(posted[0]["params"]) == {"why": "expired"}
    assert "refreshAuth" in PAGES["placement_app.card.app"].commands
    assert TIMEOUT_S > REPLY_TIMEOUT_MS / 1000



def test_the_engine_is_handed_pythons_types_bound_and_kinds_in_every_pages_boot_data() -> None:
    from placement_app.browser.protocol import QUEUE_BOUND
    from placement_app.core.events import CARD_OPENED, EVENTS_DROPPED, PAGE_OPENED

    rules = build.engine_rules()
    assert rules["toPage"] == {member.name: member.value for member in ToPage}
    assert rules["toWorker"] == {member.name: member.value for member in ToWorker}
    assert (rules["queueBound"], rules["kept"], rules["dropped"]) == (
        QUEUE_BOUND, [CARD_OPENED, PAGE_OPENED], EVENTS_DROPPED)
