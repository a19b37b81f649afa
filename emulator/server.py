"""The development servers: the card's built site, and the emulated portal beside it.

Two origins on loopback, as in production, where the portal and the app are
different sites: the card's site (static files, answering POST like GET,
with the headers :func:`serving.site_headers` names) and the emulated
Bitrix24 portal (its call-card page, its files and its REST API).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import serving

from .limits import Limits
from .portal import Portal, rest_params
from .seed import PORTAL_OFFSET, generate

WEB = Path(__file__).resolve().parent / "web"
#: Longest request body either server reads; a larger one is refused.
MAX_BODY = 1 << 20


class StaticHandler(SimpleHTTPRequestHandler):
    """Static files, answering POST like GET (Bitrix24 opens the handler with POST)."""

    quiet = True

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return serving.TYPES.get(Path(path).suffix) or super().guess_type(path)

    def read_body(self) -> str | None:
        """The request's body as text; ``None`` (and the error sent) when its length is unusable.

        ``Content-Length`` is the client's word, so it is checked: a value that
        is not a number is refused with 400, and more than :data:`MAX_BODY`
        with 413, before anything is read.
        """
        raw = self.headers.get("Content-Length") or "0"
        if not raw.isdigit():
            self.send_error(400, "Content-Length is not a number")
            return None
        if int(raw) > MAX_BODY:
            self.close_connection = True
            self.send_error(413, f"a request body may have at most {MAX_BODY} bytes")
            return None
        return self.rfile.read(int(raw)).decode("utf-8", "replace")

    def do_POST(self) -> None:
        if self.read_body() is not None:
            self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class SiteHandler(StaticHandler):
    """The card's site, with the headers every host of it must send."""

    portals: ClassVar[list[str]] = []

    def end_headers(self) -> None:
        for name, value in serving.site_headers(self.path.split("?")[0], self.portals).items():
            self.send_header(name, value)
        super().end_headers()


class EmulatorHandler(StaticHandler):
    """The emulated Bitrix24 portal: its call-card page, its files and its REST API."""

    app_url = ""
    portal = Portal()

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path in ("/", "/index.html"):
            self._send_page()
        elif path == "/emulator/state":
            self._send_json(200, self.portal.state())
        elif path.startswith("/rest/"):
            self._rest(path, rest_params("", query))
        else:
            super().do_GET()

    def do_POST(self) -> None:
        path = self.path.partition("?")[0]
        body = self.read_body()
        if body is None:
            return
        if path.startswith("/emulator/"):
            if not self._from_the_emulator_page():
                return
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if path == "/emulator/calls":
                self._send_json(*self.portal.report(data))
            else:
                self._send_json(*self.portal.control(path.removeprefix("/emulator/"), data))
        elif path.startswith("/rest/"):
            self._rest(path, rest_params(self.headers.get("Content-Type", ""), body))
        else:
            self.send_error(405)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.end_headers()

    def _cors(self) -> None:
        """Let the card (and only the card) read the portal's answers, as a portal lets its apps."""
        origin = self.headers.get("Origin")
        if origin and origin == self.app_url.rstrip("/"):
            self.send_header("Access-Control-Allow-Origin", origin)
        self.send_header("Vary", "Origin")

    def _from_the_emulator_page(self) -> bool:
        """Whether a request to the emulator's own controls may act; refuses (and answers) if not.

        Only the emulator's page may reset or configure it: such a request is
        JSON, which another site's page cannot send without the browser asking
        first (and being refused), and it carries no foreign ``Origin``.
        """
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._send_json(415, {"error": "the emulator's controls take application/json"})
            return False
        origin = self.headers.get("Origin")
        own = f"http://{self.headers.get('Host', '')}"
        if origin is not None and origin != own:
            self._send_json(403, {"error": "only the emulator's own page may do that"})
            return False
        return True

    def _rest(self, path: str, params: dict[str, str]) -> None:
        method = path.removeprefix("/rest/").removesuffix(".json")
        if self.portal.install_fault == "unreachable" and method.startswith("placement."):
            self.close_connection = True  # no answer at all: the app sees a network failure
            return
        self._send_json(*self.portal.rest(method, params))

    def _send_json(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self._cors()
        self.end_headers()
        self.wfile.write(data)

    def _send_page(self) -> None:
        import jinja2

        address = self.server.server_address
        assert isinstance(address, tuple)  # an IP server, never a Unix socket
        config = {"appUrl": self.app_url, "domain": f"{address[0]}:{address[1]}"}
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB), autoescape=True)
        body = env.get_template("index.html").render(config=config).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a browser drops a connection.

    Frames are closed and reloaded mid-transfer all the time in the emulator;
    that is not an error worth a newcomer's alarm.
    """

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Servers:
    """The card's site and the emulator, each on its own port (so cross-origin).

    ``app_url`` points the emulated portal at the card served elsewhere (by
    nginx, say) instead of at the site server started here; ``app_host``
    names the card's server by another host name (``localhost``), so that the
    card and the portal are different sites, as in production.  ``calls`` records of ``days``
    days ending ``now`` (default: the moment they start) are seeded into the portal's call
    statistics (:func:`emulator.seed.generate`, with ``seed``); ``limits`` are the portal's REST
    limits and cost model (:class:`emulator.limits.Limits`; default the documented ones).
    """

    def __init__(self, site: Path, port: int = 8000, emulator_port: int = 8001,
                 host: str = "127.0.0.1", portals: tuple[str, ...] = (),
                 state_path: Path | None = None, installed: bool = False, app_url: str | None = None,
                 app_host: str | None = None, calls: int = 0, days: int = 30, seed: int = 1,
                 now: datetime | None = None, limits: Limits | None = None):
        card: type[SiteHandler] = type("Card", (SiteHandler,), {})
        self.site = QuietServer((host, port), partial(card, directory=str(site)))
        self.app_url = app_url or f"http://{app_host or host}:{self.site.server_address[1]}/"
        self.portal = Portal(state_path=state_path, app_origin=self.app_url.rstrip("/"),
                             limits=limits or Limits())
        #: The moment the seeded records end at (the portal's local time): tests count from it.
        self.now = now or datetime.now(PORTAL_OFFSET)
        if calls > 0:
            self.portal.statistics.seed(generate(calls, days, seed=seed, now=self.now))
        if installed:
            self.install_app()
        handler = type("Emulator", (EmulatorHandler,), {"app_url": self.app_url, "portal": self.portal})
        self.emulator = QuietServer((host, emulator_port), partial(handler, directory=str(WEB)))
        self.emulator_url = f"http://{host}:{self.emulator.server_address[1]}/"
        card.portals = [*portals, self.emulator_url.rstrip("/")]
        # A short poll, so that stop() returns at once (tests start and stop many).
        self.threads = [threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
                        for server in (self.site, self.emulator)]

    def install_app(self) -> None:
        """The app as its install page leaves it: the call-card tab bound, with its titles."""
        from placement_app.admin import install
        from placement_app.portal import client

        self.portal.install_for_tests(self.app_url, dict(client.flatten(install.titles())))

    def start(self) -> Servers:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in (self.site, self.emulator):
            server.shutdown()
            server.server_close()
