"""Shared fixtures: the built site, its servers, and Debian's Chromium; one marker per kind.

Every test is marked by the folder it lives in: ``unit`` (plain CPython),
``pyodide`` (the wheel in real Pyodide, in Node.js) or ``e2e`` (Chromium
through the emulated portal), so ``pytest -m unit`` runs in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

import build
from emulator.driver import CHROMIUM_FLAGS, START_PATHS, CallCard, chromium_path
from emulator.server import Servers

if TYPE_CHECKING:  # Playwright is imported only when a browser test runs
    from playwright.sync_api import Browser, Page

KINDS = ("unit", "pyodide", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts[0]
        if kind not in KINDS:
            raise pytest.UsageError(f"{item.nodeid}: a test lives in tests/unit, tests/pyodide or tests/e2e")
        item.add_marker(getattr(pytest.mark, kind))


ARTIFACTS = build.ROOT / "build" / "artifacts"


@pytest.fixture(scope="session")
def site() -> Path:
    return build.build()


@pytest.fixture(scope="session")
def site_without_snapshot() -> Path:
    """The same site built without the start-up snapshot: the worker starts the normal way."""
    return build.build(build.ROOT / "build" / "site-normal", snapshot=False)


@pytest.fixture(scope="session")
def servers(site: Path) -> Iterator[Servers]:
    running = Servers(site, 0, 0, installed=True).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def normal_servers(site_without_snapshot: Path) -> Iterator[Servers]:
    running = Servers(site_without_snapshot, 0, 0, installed=True).start()
    yield running
    running.stop()


@pytest.fixture
def fresh_portal(site: Path, tmp_path: Path) -> Iterator[Servers]:
    """A portal of the test's own where the app is not installed yet, kept in a file of its own."""
    running = Servers(site, 0, 0, state_path=tmp_path / "portal.json").start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    try:
        executable = chromium_path()
    except FileNotFoundError as missing:
        pytest.fail(str(missing))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Requests:
    """Every request the page and its frames made, and the ones that left 127.0.0.1."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    @property
    def outside(self) -> list[str]:
        return [url for url in self.urls
                if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, requests_seen: Requests) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    context.on("request", lambda r: requests_seen.urls.append(r.url))
    # Anything not on loopback is cut off, and still counted above.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        # The page as the test left it; a JPEG takes half the time of a PNG, and every test takes one.
        tab.screenshot(path=str(ARTIFACTS / f"{name}.jpg"), type="jpeg")
    finally:
        context.close()


@pytest.fixture
def call(page: Page, servers: Servers) -> CallCard:
    """The emulator open in a fresh browser context, ready to play a call."""
    return CallCard(page, servers)


@pytest.fixture(params=START_PATHS)
def call_on_each_start_path(page: Page, request: pytest.FixtureRequest) -> Iterator[CallCard]:
    """As ``call``, once for each start-up path; if Python started, it took that path."""
    path = request.param
    card = CallCard(page, request.getfixturevalue("servers" if path == "snapshot" else "normal_servers"))
    yield card
    started = card.start_path() if page.locator("#frame-slot iframe").count() else None
    assert started in (None, path), f"meant to start from {path}, started {started}"
