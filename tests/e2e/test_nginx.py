"""Hosting for real: the site behind Debian's nginx, with the server block build.py writes.

nginx serves ``build/site`` on a loopback port with the generated
configuration; the emulated portal frames the card from there.  The checks
are what a real portal needs of the host: the handler answers POST, the
headers are the development server's, ``.wasm`` has its type, compressed
copies are served, and an operator's next call re-downloads nothing.

The same block with TLS, as ``build.py --tls`` writes it, runs with a real
self-signed certificate (made by the ``openssl`` command): it speaks HTTP/2
as the installed nginx takes it, sends plain HTTP to HTTPS, and sends the
same headers over TLS.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Browser

import build
import serving
from emulator.driver import CHROMIUM_FLAGS, CallCard, chromium_path, wait_for
from emulator.server import Servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Nginx:
    """Debian's nginx, run in the foreground as a child of the test, logging every request.

    It serves ``server`` (one or more ``server`` blocks), and is ready once
    every one of ``ports`` on loopback takes connections; the first is the
    site's.
    """

    def __init__(self, workdir: Path, server: str, ports: Sequence[int], scheme: str = "http") -> None:
        self.port = ports[0]
        self.url = f"{scheme}://127.0.0.1:{self.port}/"
        self.log = workdir / "access.log"
        self.server = server
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
        binary = serving.nginx_binary()
        if binary is None:
            pytest.fail("Debian's nginx is needed to test hosting (apt-get install nginx)")
        #: What ``nginx -t`` said of the configuration (its warnings; it passed).
        self.checked = subprocess.run([binary, "-t", "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                                      check=True, capture_output=True, text=True).stderr
        self.process = subprocess.Popen([binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                                        stderr=subprocess.PIPE)
        for port in ports:
            self._wait_until_listening(port)

    def _wait_until_listening(self, port: int) -> None:
        while True:
            if self.process.poll() is not None:
                errors = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(f"nginx stopped: {errors!r}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
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
    server = serving.nginx_server(site.resolve(), [servers.emulator_url.rstrip("/")], f"127.0.0.1:{port}")
    nginx = Nginx(tmp_path_factory.mktemp("nginx"), server, [port])
    yield servers, nginx
    nginx.stop()
    servers.stop()


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None,
          context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=b"PLACEMENT=CALL_CARD&AUTH_ID=x" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30, context=context) as response:
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
        hosted: tuple[Servers, Nginx], browser: Browser, tmp_path: Path) -> None:
    servers, nginx = hosted
    # A profile of its own, as an operator's browser has: its HTTP cache on disk, and no request
    # routing (which would turn the cache off).  An incognito context keeps its cache in memory,
    # which keeps no entry past about 6.5 MB (measured: a 6.42 MB gzip snapshot was kept, a
    # 6.57 MB one fetched again by every card), and the start-up snapshot is about that size.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_path(), args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 760})
    try:
        call = CallCard(context.new_page(), servers)
        call.open("connecting")
        call.wait_for_python()
        call.state("idle", "486", wire="array")
        wait_for(call.card.locator(".failure"))
        assert call.read(".failure-code") == "Code 486"
        first = len(nginx.requests())
        assert any(path.endswith("pyodide.asm.wasm") and status == 200
                   for _, path, status in nginx.requests())

        call.open("connecting")  # the operator's next call: a new card in the same browser
        call.wait_for_python()
        call.state("idle", "486", wire="array")
        wait_for(call.card.locator(".failure"))
        again = nginx.requests()[first:]
        assert again, "the second card made no request at all"
        downloaded = [(method, path, status) for method, path, status in again
                      if status == 200 and method != "POST"]
        assert downloaded == [], "a warm card downloaded files again"
    finally:
        context.close()


# --- with TLS, as build.py --tls writes it ---------------------------------------

PORTAL = "https://company.bitrix24.com"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A real certificate for 127.0.0.1 and its key, made by the ``openssl`` command."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to test TLS (apt-get install openssl)")
    certificate, key = folder / "timeline.pem", folder / "timeline.key"
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2",
                    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    return certificate, key


class Secure:
    """nginx with the block ``build.py --tls`` writes: the site on one loopback port over TLS, and
    a plain port that redirects to it."""

    def __init__(self, site: Path, workdir: Path) -> None:
        self.certificate, key = self_signed(workdir)
        self.port, self.plain = free_port(), free_port()
        options = ["--site", str(site), "--portal", PORTAL, "--tls", str(self.certificate), str(key),
                   "--listen", f"127.0.0.1:{self.port}", "--redirect-from", f"127.0.0.1:{self.plain}"]
        self.nginx = Nginx(workdir, build.server_block(build.arguments().parse_args(options)),
                           [self.port, self.plain], scheme="https")
        #: Trusts the test's certificate (and speaks HTTP/1.1, as urllib does).
        self.context = ssl.create_default_context(cafile=str(self.certificate))


@pytest.fixture(scope="module")
def secure(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secure]:
    hosting = Secure(site, tmp_path_factory.mktemp("nginx-tls"))
    yield hosting
    hosting.nginx.stop()


def listens(server: str) -> list[str]:
    return [line.strip() for line in server.splitlines() if line.strip().startswith("listen ")]


def test_with_tls_nginx_listens_with_ssl_and_speaks_http2_as_the_installed_version_takes_it(
        secure: Secure) -> None:
    redirect, site = secure.nginx.server.split("\nserver {")[1:]
    installed = serving.NginxVersion.installed()
    assert installed.number is not None, installed
    if installed.http2_directive:
        assert listens(site) == [f"listen 127.0.0.1:{secure.port} ssl;"]
        assert "\n    http2 on;\n" in site
    else:
        assert listens(site) == [f"listen 127.0.0.1:{secure.port} ssl http2;"]
        assert "http2 on;" not in site
    # A loopback address is that address alone: no IPv6 line beside it.
    assert listens(redirect) == [f"listen 127.0.0.1:{secure.plain};"]
    assert f"# HTTP/2 {installed.described}." in secure.nginx.server
    assert [line for line in secure.nginx.checked.splitlines() if "[warn]" in line and "http2" in line] == []
    browser_like = ssl.create_default_context(cafile=str(secure.certificate))
    browser_like.set_alpn_protocols(["h2", "http/1.1"])  # HTTP/2 first, as a browser asks
    with socket.create_connection(("127.0.0.1", secure.port), timeout=30) as raw, \
            browser_like.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.selected_alpn_protocol() == "h2"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_plain_http_is_redirected_to_the_same_address_over_https(secure: Secure, method: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", secure.plain, timeout=30)
    try:
        connection.request(method, "/settings.html?DOMAIN=company.bitrix24.com",
                           body=b"AUTH_ID=x" if method == "POST" else None)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 308
    target = f"https://127.0.0.1:{secure.port}/settings.html?DOMAIN=company.bitrix24.com"
    assert response.getheader("Location") == target
    status, headers, _ = fetch(target, method, context=secure.context)
    assert status == 200
    assert headers["content-type"].startswith("text/html")


def test_over_tls_the_headers_are_the_development_servers_and_compressed_copies_vary(secure: Secure) -> None:
    status, headers, _ = fetch(secure.nginx.url, "POST", {"Accept-Encoding": "gzip"}, secure.context)
    assert status == 200
    for name, value in serving.site_headers("/", [PORTAL]).items():
        assert headers[name.lower()] == value, name
    assert f"frame-ancestors {PORTAL}" in headers["content-security-policy"]
    assert headers.get("content-encoding") == "gzip"
    assert headers.get("vary") == "Accept-Encoding"
    boot = boot_data(fetch(secure.nginx.url, context=secure.context)[2])
    wasm = f"{secure.nginx.url}{boot['pyodide']}pyodide.asm.wasm"
    status, headers, _ = fetch(wasm, headers={"Accept-Encoding": "gzip"}, context=secure.context)
    assert status == 200
    assert headers["content-type"] == "application/wasm"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"
    assert headers.get("vary") == "Accept-Encoding"
