#!/usr/bin/env python3
"""Build the Call Timeline site, and serve it beside the local Bitrix24 call card.

    python build.py            build build/site/ (fetching pinned runtimes it lacks)
    python build.py serve      build, then serve the card and the emulator on 127.0.0.1

The site is static and self-contained: the Pyodide core from the pinned npm
package, micropip and packaging as pinned wheels, the app's own wheel, and the
pages rendered with Jinja2.  Nothing in it loads from another origin.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from portal_emulator import Portal, rest_params

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "build" / "site"
CACHE = ROOT / ".cache" / "wheels"
EMULATOR = ROOT / "emulator"
NODE_MODULES = ROOT / "node_modules"

PYODIDE_VERSION = "314.0.7"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                 "python_stdlib.zip", "pyodide-lock.json")
#: Loaded by URL in this order (micropip needs packaging); hashes are PyPI's files.
PINNED_WHEELS = {
    "packaging-26.1-py3-none-any.whl":
        "5d9c0669c6285e491e0ced2eee587eaf67b670d94a19e94e3984a481aba6802f",
    "micropip-0.11.1-py3-none-any.whl":
        "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3",
}
#: The card (the CALL_CARD handler), the app's main page (its settings) and its install page.
PAGES = ("index.html", "settings.html", "install.html")
#: Versioned, so that its files can be cached for good (see SiteHandler).
RUNTIME = f"pyodide/{PYODIDE_VERSION}"


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_node_modules() -> Path:
    """The pinned Pyodide npm package, installed from the lockfile if missing."""
    package = NODE_MODULES / "pyodide"
    manifest = package / "package.json"
    if not manifest.exists() or json.loads(manifest.read_text())["version"] != PYODIDE_VERSION:
        say(f"installing pyodide@{PYODIDE_VERSION} and the emulator's npm packages (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    return package


def ensure_wheels() -> list[Path]:
    """micropip and packaging, downloaded once from PyPI and checked against their pins."""
    CACHE.mkdir(parents=True, exist_ok=True)
    missing = [name for name, digest in PINNED_WHEELS.items()
               if not (CACHE / name).exists() or sha256(CACHE / name) != digest]
    if missing:
        say(f"downloading {', '.join(missing)}")
        specs = [name.split("-")[0] + "==" + name.split("-")[1] for name in missing]
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--python-version", "3.14", "-d", str(CACHE),
                        *specs], check=True)
    for name, digest in PINNED_WHEELS.items():
        if sha256(CACHE / name) != digest:
            raise SystemExit(f"{name}: sha256 does not match its pin; refusing to use it")
    return [CACHE / name for name in PINNED_WHEELS]


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def build_wheel(dest: Path) -> Path:
    """placement_app as a pure-Python wheel, byte-for-byte reproducible."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist_info = f"{name}-{version}.dist-info"
    files: dict[str, bytes] = {
        f"placement_app/{path.name}": path.read_bytes()
        for path in sorted((ROOT / "placement_app").glob("*.py"))
    }
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        f"Summary: {project['description']}\nRequires-Python: {project['requires-python']}\n"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: call-timeline-build\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return wheel


def _copy(source: Path, target: Path) -> None:
    """Copy unless an identical-looking file is already there (keeps rebuilds fast)."""
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def catalogue() -> dict[str, object]:
    """The Python catalogue and strings, for the JS fallback view (one source of truth)."""
    sys.path.insert(0, str(ROOT))
    from placement_app import codes, i18n

    return {**codes.export(), "strings": i18n.export(), "aliases": i18n.ALIASES}


def render_pages(site: Path, boot: dict[str, object]) -> None:
    import jinja2

    from placement_app import i18n

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    context = {"boot": boot, "catalogue": catalogue(), "title": i18n.text("title"),
               "waiting": i18n.text("state.unknown"), "t": i18n.page_texts(None)}
    for page in PAGES:
        (site / page).write_text(env.get_template(page).render(context), encoding="utf-8")


def build(site: Path = SITE) -> Path:
    """Lay out the whole static site in ``site``; returns it."""
    say(f"building {site.relative_to(ROOT) if site.is_relative_to(ROOT) else site}")
    pyodide = ensure_node_modules()
    wheels = ensure_wheels()
    for name in PYODIDE_FILES:
        _copy(pyodide / name, site / RUNTIME / name)
    for wheel in wheels:
        _copy(wheel, site / "wheels" / wheel.name)
    app_wheel = build_wheel(site / "wheels")
    for path in (ROOT / "static").rglob("*"):
        if path.is_file():
            _copy(path, site / "static" / path.relative_to(ROOT / "static"))
    boot = {
        "pyodide": f"{RUNTIME}/",
        "wheels": [f"wheels/{wheel.name}" for wheel in wheels],
        "appWheel": f"wheels/{app_wheel.name}",
    }
    render_pages(site, boot)
    say(f"done: {site / 'index.html'}")
    return site


# --- serving -----------------------------------------------------------------

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
         ".css": "text/css", ".html": "text/html; charset=utf-8", ".png": "image/png"}


class StaticHandler(SimpleHTTPRequestHandler):
    """Static files, answering POST like GET (Bitrix24 opens the handler with POST)."""

    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}
    quiet = True

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        if length:
            self.rfile.read(length)
        self.do_GET()

    def end_headers(self) -> None:
        # Pinned runtime files never change under their name; everything else
        # is revalidated so that a rebuilt card is picked up at once.
        path = self.path.split("?")[0]
        pinned = path.startswith(f"/{RUNTIME}/") or path.removeprefix("/wheels/") in PINNED_WHEELS
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if pinned else "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def content_security_policy(portals: list[str]) -> str:
    """The tightest policy under which the card works.

    Scripts only from the site (``wasm-unsafe-eval`` lets WebAssembly
    compile; plain ``unsafe-eval`` is not granted), data only from the site
    and the portal's REST endpoint, and only the portal may frame the card.
    """
    origins = " ".join(portals)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {origins}".strip(),
        f"frame-ancestors {origins or chr(39) + 'none' + chr(39)}",
        "base-uri 'none'",
        "form-action 'none'",
    ])


class SiteHandler(StaticHandler):
    """The card's site: static files under a strict Content-Security-Policy."""

    policy = content_security_policy([])

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
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
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if path == "/emulator/calls":
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            self._send_json(*self.portal.report(data))
        elif path.startswith("/emulator/"):
            try:
                data = json.loads(body)
            except ValueError:
                data = None
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
        self.send_header("Access-Control-Allow-Origin", "*")

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

        host, port = self.server.server_address[:2]
        config = {"appUrl": self.app_url, "domain": f"{host}:{port}"}
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(EMULATOR), autoescape=True)
        body = env.get_template("index.html").render(config=config).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Servers:
    """The card's site and the emulator, each on its own port (so cross-origin)."""

    def __init__(self, site: Path, port: int = 8000, emulator_port: int = 8001,
                 host: str = "127.0.0.1", portals: tuple[str, ...] = (),
                 state_path: Path | None = None, installed: bool = False):
        card = type("Card", (SiteHandler,), {})
        self.site = ThreadingHTTPServer((host, port), partial(card, directory=str(site)))
        self.app_url = f"http://{host}:{self.site.server_address[1]}/"
        self.portal = Portal(state_path=state_path, app_origin=self.app_url.rstrip("/"))
        if installed:
            self.install_app()
        handler = type("Emulator", (EmulatorHandler,), {"app_url": self.app_url, "portal": self.portal})
        self.emulator = ThreadingHTTPServer((host, emulator_port),
                                            partial(handler, directory=str(EMULATOR)))
        self.emulator_url = f"http://{host}:{self.emulator.server_address[1]}/"
        card.policy = content_security_policy([*portals, self.emulator_url.rstrip("/")])
        self.threads = [threading.Thread(target=server.serve_forever, daemon=True)
                        for server in (self.site, self.emulator)]

    def install_app(self) -> None:
        """The app as its install page leaves it: the call-card tab bound, with its titles."""
        sys.path.insert(0, str(ROOT))
        from placement_app import install, rest

        self.portal.install_for_tests(self.app_url, dict(rest.flatten(install.titles())))

    def start(self) -> Servers:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in (self.site, self.emulator):
            server.shutdown()
            server.server_close()


def portal_origin(text: str) -> str:
    """``https://host[:port]`` from what the admin typed; refuses anything else."""
    parts = urlsplit(text.strip())
    try:
        valid = (parts.scheme in ("http", "https") and parts.port != 0
                 and re.fullmatch(r"[a-z0-9.-]{1,253}", parts.hostname or "") is not None
                 and parts.path in ("", "/") and not (parts.query or parts.fragment or parts.username))
    except ValueError:
        valid = False
    if not valid:
        raise SystemExit(f"--portal {text!r}: give an origin such as https://company.bitrix24.com")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("build", "serve"), default="build")
    parser.add_argument("--port", type=int, default=8000, help="the card's port (default 8000)")
    parser.add_argument("--emulator-port", type=int, default=8001,
                        help="the emulated portal's port (default 8001)")
    parser.add_argument("--portal", action="append", default=[], metavar="ORIGIN",
                        help="a Bitrix24 portal allowed to frame the card and to answer its REST "
                             "calls, e.g. https://company.bitrix24.com (repeatable)")
    parser.add_argument("--emulator-state", type=Path, default=EMULATOR / "portal-state.json",
                        metavar="FILE", help="where the emulated portal keeps the app's installation "
                                             "and options (default emulator/portal-state.json)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    site = build()
    if args.command == "build":
        return
    SiteHandler.quiet = not args.verbose
    try:
        servers = Servers(site, args.port, args.emulator_port,
                          portals=tuple(portal_origin(p) for p in args.portal),
                          state_path=args.emulator_state).start()
    except OSError as error:
        raise SystemExit(f"cannot listen ({error}); choose other ports with "
                         "--port and --emulator-port") from error
    print(f"\nCall Timeline card:   {servers.app_url}  (answers POST like GET)")
    print(f"Emulated call card:   {servers.emulator_url}  <- open this and play a call")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        servers.stop()


if __name__ == "__main__":
    main()
