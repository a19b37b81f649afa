"""Hosting for real: the site behind Debian's nginx, with the server block build.py writes.

nginx serves ``build/site`` on a loopback port with the generated
configuration; the emulated portal frames the card from there.  The checks
are what a real portal needs of the host: the handler answers POST, the
headers are the development server's, ``.wasm`` has its type, compressed
copies are served, and an operator's next call re-downloads nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

import build
import serving
from emulator.driver import CallCard
from emulator.server import Servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Nginx:
    """Debian's nginx, run in the foreground as a child of the test, logging every request."""

    def __init__(self, site: Path, workdir: Path, portals: list[str], port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = workdir / "access.log"
        server = serving.nginx_server(site.resolve(), portals, f"127.0.0.1:{self.port}")
        (workdir / "server.conf").write_text(server)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read a checkout under /root
        (workdir / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {workdir}/nginx.pid;\n"
            f"error_log {workdir}/error.log;\nevents {{}}\n"
            "http {\n"
            f"    access_log {self.log} combined;\n"
            f"    client_body_temp_path {workdir}/body;\n    proxy_temp_path {workdir}/proxy;\n"
            f"    fastcgi_temp_path {workdir}/fastcgi;\n    uwsgi_temp_path {workdir}/uwsgi;\n"
            f"    scgi_temp_path {workdir}/scgi;\n"
            f"    include {workdir}/server.conf;\n"
            "}\n")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            pytest.fail("Debian's nginx is needed to test hosting (apt-get install nginx)")
        subprocess.run([binary, "-t", "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                       check=True, capture_output=True)
        self.process = subprocess.Popen([binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                                        stderr=subprocess.PIPE)
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        while True:
            if self.process.poll() is not None:
                errors = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(f"nginx stopped: {errors!r}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                continue

    def requests(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request logged so far."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        found = []
        for line in lines:
            match = re.search(r'"(\w+) (\S+) HTTP/[\d.]+" (\d{3})', line)
            if match:
                found.append((match.group(1), match.group(2), int(match.group(3))))
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def hosted(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Servers, Nginx]]:
    """The emulated portal, framing the card that nginx serves (the portal's origin in its CSP)."""
    port = free_port()
    servers = Servers(site, 0, 0, installed=True, app_url=f"http://127.0.0.1:{port}/").start()
    nginx = Nginx(site, tmp_path_factory.mktemp("nginx"), [servers.emulator_url.rstrip("/")], port)
    yield servers, nginx
    nginx.stop()
    servers.stop()


def fetch(url: str, method: str = "GET",
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=b"PLACEMENT=CALL_CARD&AUTH_ID=x" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def boot_data(page: bytes) -> dict[str, object]:
    import json

    text = page.decode()
    data: dict[str, object] = json.loads(text.split('id="boot">')[1].split("</script>")[0])
    return data


def test_the_handler_answers_post_with_the_card_and_the_development_servers_headers(
        hosted: tuple[Servers, Nginx]) -> None:
    servers, nginx = hosted
    status, headers, body = fetch(nginx.url, "POST")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b'id="timeline"' in body
    expected = serving.site_headers("/", [servers.emulator_url.rstrip("/")])
    for name, value in expected.items():
        assert headers[name.lower()] == value, name
    assert "frame-ancestors " + servers.emulator_url.rstrip("/") in headers["content-security-policy"]
    for page in ("settings.html", "install.html"):
        assert fetch(nginx.url + page, "POST")[0] == 200


def test_runtime_files_have_their_types_compressed_copies_and_are_cached_for_good(
        hosted: tuple[Servers, Nginx]) -> None:
    _, nginx = hosted
    boot = boot_data(fetch(nginx.url)[2])
    wasm = f"{nginx.url}{boot['pyodide']}pyodide.asm.wasm"
    status, headers, body = fetch(wasm, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-type"] == "application/wasm"
    assert headers.get("content-encoding") == "gzip"
    assert len(body) < (Path(build.SITE) / str(boot["pyodide"]) / "pyodide.asm.wasm").stat().st_size
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"
    wheel = fetch(nginx.url + str(boot["appWheel"]))[1]
    assert wheel["cache-control"] == "public, max-age=31536000, immutable"
    shim = fetch(nginx.url + f"{build.static_folder()}/shim.js")[1]
    assert shim["content-type"].startswith("text/javascript")
    assert shim["cache-control"] == "public, max-age=31536000, immutable"
    assert fetch(nginx.url)[1]["cache-control"] == "no-cache"


def test_a_call_through_nginx_and_the_next_call_downloads_nothing_again(
        hosted: tuple[Servers, Nginx], browser: Browser) -> None:
    servers, nginx = hosted
    # A context of its own, without request routing: routing would turn the HTTP cache off.
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    try:
        call = CallCard(context.new_page(), servers)
        call.open("connecting")
        call.wait_for_python()
        call.state("idle", "486", wire="array")
        call.card.locator(".failure").wait_for()
        assert call.read(".failure-code") == "486 · Busy"
        first = len(nginx.requests())
        assert any(path.endswith("pyodide.asm.wasm") and status == 200
                   for _, path, status in nginx.requests())

        call.open("connecting")  # the operator's next call: a new card in the same browser
        call.wait_for_python()
        call.state("idle", "486", wire="array")
        call.card.locator(".failure").wait_for()
        again = nginx.requests()[first:]
        assert again, "the second card made no request at all"
        downloaded = [(method, path, status) for method, path, status in again
                      if status == 200 and method != "POST"]
        assert downloaded == [], "a warm card downloaded files again"
    finally:
        context.close()
