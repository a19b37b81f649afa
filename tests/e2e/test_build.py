"""The built site and the server: self-contained, POST like GET, right types."""

from __future__ import annotations

import json
import re
import urllib.request
import zipfile
from email.message import Message
from pathlib import Path

import pytest

import build
import serving
from emulator.driver import CallCard
from emulator.server import Servers


def embedded(page: str, element_id: str) -> object:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_what_the_page_knows_before_python_is_pythons_export_beside_the_cards_modules(site: Path) -> None:
    page = (site / "index.html").read_text()
    shim = re.search(r'<script type="module" src="([^"]+)/shim\.js">', page)
    assert shim and shim.group(1) == build.static_folder()
    assert f'<link rel="preload" href="{shim.group(1)}/rules.json" as="fetch" crossorigin>' in page
    exported = json.loads((site / shim.group(1) / "rules.json").read_text(encoding="utf-8"))
    assert exported == json.loads(json.dumps(build.rules(), ensure_ascii=False))
    assert exported["quick"]["tables"]["ru"]["codes"]["486"][0][0] == "Занято"


def test_site_references_nothing_outside_itself(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix in {".html", ".js", ".css"}:
            assert not re.search(r"(src|href)=\"(https?:)?//", path.read_text()), path


def test_wheel_has_no_runtime_dependencies_and_holds_the_package(site: Path) -> None:
    boot = embedded((site / "index.html").read_text(), "boot")
    assert isinstance(boot, dict)
    with zipfile.ZipFile(site / boot["appWheel"]) as archive:  # the wheel the card installs
        names = set(archive.namelist())
        metadata = archive.read("placement_app-0.1.0.dist-info/METADATA").decode()
    package = build.ROOT / "placement_app"
    sources = {path.relative_to(build.ROOT).as_posix() for path in package.rglob("*.py")}
    assert sources and sources <= names, f"left out of the wheel: {sorted(sources - names)}"
    # Every language's catalogue, compiled (Babel is not in the browser), and none of the sources.
    locales = {path.stem for path in (package / "locales").glob("*.po")}
    assert {f"placement_app/locales/{locale}.mo" for locale in locales} <= names
    assert [name for name in names if name.endswith(".po")] == []
    # micropip installs no extras: only the development tools are listed, each behind ``extra ==``.
    needs = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert [line for line in needs if "extra ==" not in line] == []


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_server_answers_post_like_get(servers: Servers) -> None:
    form = b"DOMAIN=portal.example&PROTOCOL=1&PLACEMENT=CALL_CARD&PLACEMENT_OPTIONS=%7B%7D"
    status, _, posted = fetch(servers.app_url, "POST", form)
    assert status == 200
    _, headers, got = fetch(servers.app_url)
    assert posted == got and headers["Cache-Control"] == "no-cache"
    assert b'id="timeline"' in posted


def test_server_sends_wasm_and_modules_with_their_types(servers: Servers) -> None:
    _, headers, _ = fetch(servers.app_url + f"{build.RUNTIME}/pyodide.asm.wasm")
    assert headers["Content-Type"] == "application/wasm"
    assert "immutable" in headers["Cache-Control"]
    _, headers, _ = fetch(servers.app_url + f"{build.static_folder()}/shim.js")
    assert headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in headers["Cache-Control"]


def test_emulator_page_knows_where_the_card_is(servers: Servers) -> None:
    _, _, page = fetch(servers.emulator_url)
    config = embedded(page.decode(), "config")
    assert isinstance(config, dict)
    assert config["appUrl"] == servers.app_url
    assert config["domain"] == servers.emulator_url.split("/")[2]


def test_card_is_served_under_a_strict_content_security_policy(servers: Servers) -> None:
    _, headers, _ = fetch(servers.app_url)
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert policy["default-src"] == "'none'"
    emulator = servers.emulator_url.rstrip("/")
    assert policy["connect-src"] == f"'self' {emulator}"
    assert policy["frame-ancestors"] == emulator
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_portal_origins_are_configurable_and_checked(site: Path) -> None:
    running = Servers(site, 0, 0, portals=("https://company.bitrix24.com",)).start()
    try:
        _, headers, _ = fetch(running.app_url)
    finally:
        running.stop()
    assert "frame-ancestors https://company.bitrix24.com http://127.0.0.1:" in headers[
        "Content-Security-Policy"]
    assert serving.portal_origin("https://company.bitrix24.com/") == "https://company.bitrix24.com"
    for bad in ("company.bitrix24.com", "https://x.com/path", "javascript:alert(1)", "https://a b"):
        with pytest.raises(SystemExit):
            serving.portal_origin(bad)


#: The page's own modules the browser loaded, by file name, and those its links preload.
MODULES = """() => ({
    loaded: performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)
        .filter((path) => path.endsWith('.js')).map((path) => path.split('/').pop()),
    preloaded: [...document.querySelectorAll('link[rel=modulepreload]')]
        .map((link) => new URL(link.href).pathname.split('/').pop()),
    entry: new URL(document.querySelector('script[type=module]').src).pathname.split('/').pop(),
})"""


@pytest.mark.parametrize("name", ["index.html", "settings.html", "install.html"])
def test_each_page_preloads_every_module_it_imports(call: CallCard, name: str) -> None:
    """A cold page fetches its modules at once (``modulepreload``), not one level of imports after another."""
    call.page.goto(call.servers.app_url + name)
    call.page.wait_for_load_state("load")
    seen = call.page.evaluate(MODULES)
    imported = set(seen["loaded"]) - {seen["entry"], "engine.js"}  # engine.js: the worker's own
    assert imported, seen
    missing = imported - set(seen["preloaded"])
    assert not missing, f"imported without a preload: {missing}"
