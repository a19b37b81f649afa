"""Shared fixtures: the built site, its servers, and Debian's Chromium; one marker per kind.

Every test is marked by the folder it lives in: ``unit`` (plain CPython),
``pyodide`` (the wheel in real Pyodide, in Node.js) or ``e2e`` (Chromium
through the emulated portal), so ``pytest -m unit`` runs in seconds.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import build
from emulator.server import Servers

KINDS = ("unit", "pyodide", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts[0]
        if kind not in KINDS:
            raise pytest.UsageError(f"{item.nodeid}: a test lives in tests/unit, tests/pyodide or tests/e2e")
        item.add_marker(getattr(pytest.mark, kind))

ARTIFACTS = build.ROOT / "build" / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is needed for the browser tests (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def site() -> Path:
    return build.build()


@pytest.fixture(scope="session")
def servers(site):
    running = Servers(site, 0, 0, installed=True).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
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
def page(browser, request, requests_seen):
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    context.on("request", lambda r: requests_seen.urls.append(r.url))
    # Anything not on loopback is cut off, and still counted above.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    finally:
        context.close()


@pytest.fixture
def call(page, servers):
    """The emulator open in a fresh browser context, ready to play a call."""
    from emulator.driver import CallCard

    return CallCard(page, servers)
