#!/usr/bin/env python3
"""Build the Call Timeline site: ``python build.py`` lays out ``build/site/``.

The site is static and self-contained: the Pyodide core from the pinned npm
package, micropip and packaging as pinned wheels, the app's own wheel (built
by the standard backend named in ``pyproject.toml``), and the pages rendered
with Jinja2.  Nothing in it loads from another origin.

How the site must be served is ``serving.py``'s (the headers every server
of it sends, the development one included); this module writes its nginx
block beside the site.  It knows nothing of the emulator: the emulator
imports it, never the other way round.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from serving import NginxVersion, nginx_server, portal_origin, unreadable

if TYPE_CHECKING:
    import jinja2

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "build" / "site"
CACHE = ROOT / ".cache" / "wheels"
NODE_MODULES = ROOT / "node_modules"
#: The build's own Node.js scripts (the snapshot, the design tokens): build-side, never shipped.
BUILDJS = ROOT / "buildjs"

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
#: The card's page (the CALL_CARD handler): its template is at the top level (see page_environment).
CARD_PAGE = "index.html"
#: The card, the app's main page (its settings), its install page and its failure report.
PAGES = (CARD_PAGE, "settings.html", "install.html", "report.html")
#: Versioned, so that its files can be cached for good (see SiteHandler).
RUNTIME = f"pyodide/{PYODIDE_VERSION}"
#: Where the start-up snapshot goes (see :func:`make_snapshot`); its name says what it was made of.
SNAPSHOTS = "snapshots"
#: The app's module that marks the snapshot with its key and checks a restored runtime (the worker
#: imports it after a restore: static/engine.js RESTORED).
RESTORED = "placement_app.browser.restored"
#: What the snapshot has imported: every page's entry (static/engine.js ENTRIES), the module
#: they import inside main(), and RESTORED.  A restored runtime has no files of the app (a
#: snapshot keeps memory only), so nothing the app imports later may be missing from this
#: list's closure.
SNAPSHOT_IMPORTS = ("placement_app.card.app", "placement_app.admin.settings_page",
                    "placement_app.admin.install_page", "placement_app.admin.report_page",
                    "placement_app.browser.bridge", RESTORED)


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_node_modules() -> Path:
    """The pinned npm packages, installed from the lockfile whenever it changed (``npm ci``)."""
    lock = ROOT / "package-lock.json"
    stamp = NODE_MODULES / ".installed-lock-sha256"
    want = sha256(lock)
    if not stamp.exists() or stamp.read_text() != want:
        say(f"installing the pinned npm packages (npm ci): pyodide@{PYODIDE_VERSION} and the dev tools")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        stamp.write_text(want)
    package = NODE_MODULES / "pyodide"
    if json.loads((package / "package.json").read_text())["version"] != PYODIDE_VERSION:
        raise SystemExit(f"package-lock.json does not pin pyodide@{PYODIDE_VERSION}")
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


def build_wheel(dest: Path) -> Path:
    """The app's wheel, built by the standard backend that ``pyproject.toml`` names.

    The backend's PEP 517 hook is called directly, in a fresh interpreter run
    from the project folder; ``SOURCE_DATE_EPOCH`` makes the archive
    byte-for-byte reproducible.  The wheel lands in a folder named by its
    own hash, so that its URL changes exactly when its content does, and a
    browser may keep it for good.
    """
    staging = ROOT / "build" / "wheel"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    hook = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}  # 1980-01-01, the zip format's first day
    name = subprocess.run([sys.executable, "-c", hook, str(staging)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    wheel = staging / name
    folder = dest / sha256(wheel)[:16]
    shutil.rmtree(dest, ignore_errors=True)
    folder.mkdir(parents=True)
    return Path(shutil.copy2(wheel, folder / name))


def make_snapshot(site: Path, wheels: list[Path], app_wheel: Path) -> dict[str, str] | None:
    """A Pyodide memory snapshot with the app imported, for the worker to start from.

    Made in Node.js (``buildjs/snapshot.mjs``) from the site's own runtime and
    wheels, named by the Pyodide version and the app wheel's hash (so a
    browser may keep it for good, and a page never names one of another
    build), and restored and checked once, as the worker does, before it is
    kept.  Kept across builds while its name fits.  If it cannot be made, the
    site is built without it and the worker starts the normal way.
    """
    key = f"{PYODIDE_VERSION}-{app_wheel.parent.name}"
    target = site / SNAPSHOTS / f"{key}.snapshot"
    if not target.exists():
        shutil.rmtree(site / SNAPSHOTS, ignore_errors=True)
        target.parent.mkdir(parents=True)
        partial = target.with_suffix(".partial")
        result = subprocess.run(
            ["node", str(BUILDJS / "snapshot.mjs"), str((site / RUNTIME).resolve()), str(partial), key,
             str(app_wheel.resolve()), RESTORED, ",".join(SNAPSHOT_IMPORTS),
             *[str(wheel.resolve()) for wheel in wheels]],
            # time.timezone and time.tzname are fixed in the snapshot: UTC, not the build machine's
            # zone (time.localtime() and datetime's astimezone() stay live; the card uses neither).
            capture_output=True, text=True, env={**os.environ, "TZ": "UTC"})
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            last = (result.stderr.strip().splitlines() or ["node failed"])[-1]
            say(f"WARNING: no start-up snapshot ({last}); the card starts the normal way")
            return None
        partial.rename(target)
        say(f"start-up snapshot: {result.stdout.strip().splitlines()[-1]}")
    return {"url": target.relative_to(site).as_posix(), "key": key, "pyodide": PYODIDE_VERSION}


def _copy(source: Path, target: Path) -> None:
    """Copy unless an identical-looking file is already there (keeps rebuilds fast)."""
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


#: What the page must know before Python runs, beside the card's modules: cached for good with
#: them, so that a warm card's page (which the portal POSTs, and no browser caches) carries none of it.
RULES_FILE = "rules.json"


def rules() -> dict[str, object]:
    """What the page must know before Python runs, made by Python (nothing of it retyped in JS):
    the quick view's tables of words and the shapes it looks codes up with."""
    sys.path.insert(0, str(ROOT))
    from placement_app.card import quick

    return {"quick": quick.export()}


#: What every page must know before Python runs, to talk to it and to hide the portal's secrets:
#: the messages (placement_app.browser.protocol) and the secret keys (placement_app.core.untrusted).
#: A file apart from the quick view's tables (``RULES_FILE``): the admin's pages need none of them,
#: and a card whose tables cannot be read still hands over to Python.
PROTOCOL_FILE = "protocol.json"


def page_protocol() -> dict[str, object]:
    """The page↔worker protocol, the rule that hides secrets, and how the card's page writes a
    call's event log, for every page's JavaScript."""
    sys.path.insert(0, str(ROOT))
    from placement_app.browser import protocol
    from placement_app.card import replay
    from placement_app.core import untrusted
    from placement_app.core.events import CallState

    secrets = {"keys": sorted(untrusted.SECRET_KEYS), "hidden": untrusted.HIDDEN,
               "maxDepth": untrusted.MAX_DEPTH, "inText": untrusted.SECRET_IN_TEXT}
    return {**protocol.export(), "log": replay.export(), "callStates": [state.value for state in CallState],
            "secrets": secrets}


def engine_rules() -> dict[str, object]:
    """What a page's worker (``static/engine.js``) and its starter (``static/python.js``) must know
    before Python runs, made by Python: the messages' types, how many events wait for Python while
    it starts, the kinds that never go, and the kind that tells Python of a drop.  It goes in the
    pages' boot data, which the worker gets with its first message."""
    sys.path.insert(0, str(ROOT))
    from placement_app.browser import protocol
    from placement_app.core import events

    return {"toPage": {member.name: member.value for member in protocol.ToPage},
            "toWorker": {member.name: member.value for member in protocol.ToWorker},
            "queueBound": protocol.QUEUE_BOUND, "kept": [events.CARD_OPENED, events.PAGE_OPENED],
            "dropped": events.EVENTS_DROPPED}


def awaiting_translation() -> list[str]:
    """The supported languages not offered yet, each with how many messages it lacks."""
    sys.path.insert(0, str(ROOT))
    from placement_app.core import i18n

    return [f"{i18n.SUPPORTED[code].locale}.po ({len(problems)} to translate)"
            for code, problems in i18n.PROBLEMS.items() if problems]


def static_folder(source: Path = ROOT / "static", generated: Mapping[str, bytes] | None = None) -> str:
    """``static/<hash>``: where the pages' scripts, styles and icon go, named by their content.

    One name for the whole folder, since the modules import each other by
    relative paths; any change to any file gives a new name, so the browser
    may keep every file for good and a warm card asks for none of them.  The
    files the build writes there itself (``generated``; by default
    :func:`generated_static`, the design tokens) count as much as the
    sources: a new token renames the folder too.
    """
    files = {path.relative_to(source).as_posix(): path.read_bytes()
             for path in source.rglob("*") if path.is_file()}
    files.update(generated_static() if generated is None else generated)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return f"static/{digest.hexdigest()[:16]}"


# --- Bitrix24's design tokens --------------------------------------------------

#: Bitrix24's own UI kit on npm (pinned in package.json): its Tailwind presets hold the tokens.
B24STYLE = NODE_MODULES / "@bitrix24" / "b24style"
#: Every colour role the pages use: the token for the light theme and the one for the dark,
#: each a path in the kit's ``colors`` (``red.800``). Text roles hold 4.5:1 or more on every
#: background role of their theme (tests/unit/test_theme.py).
COLOUR_ROLES: dict[str, tuple[str, str]] = {
    "bg": ("white", "base.dark"),
    "surface": ("base.30", "base.master"),
    "line": ("base.250", "base.900"),
    "ink": ("base.master", "base.20"),
    "muted": ("base.850", "base.400"),
    "idle": ("base.850", "base.400"),
    "ringing": ("blue.850", "blue.400"),
    "talking": ("green.900", "green.400"),
    "failed": ("red.800", "red.400"),
    "notice": ("orange.900", "orange.400"),
    "failed-bg": ("red.100", "base.master"),
    "notice-bg": ("orange.100", "base.master"),
    "button": ("green.450", "green.450"),
    "button-hover": ("green.430", "green.430"),
    "button-ink": ("base.master", "base.master"),
    "button-line": ("base.330", "base.800"),
}
#: Roles that are written on (the rest are written with): see tests/unit/test_theme.py.
BACKGROUND_ROLES = ("bg", "surface", "failed-bg", "notice-bg")
#: The type scale, radii and families the pages use: variable, token path in the kit's theme.
SCALE: dict[str, str] = {
    "font": "fontFamily.b24-system",
    "font-mono": "fontFamily.b24-system-mono",
    "text-xs": "fontSize.xs",
    "text-sm": "fontSize.sm",
    "text-md": "fontSize.md",
    "text-xl": "fontSize.xl",
    "text-2xl": "fontSize.2xl",
    "leading": "lineHeight.md",
    "weight-strong": "fontWeight.semibold",
    "radius-xs": "borderRadius.2xs",
    "radius-sm": "borderRadius.xs",
    "radius-md": "borderRadius.sm",
}


def read_b24style(package: Path = B24STYLE) -> dict[str, Any]:
    """The kit's theme (colours, fonts, radii) as Node.js reads it from the installed package
    (``buildjs/tokens.mjs``)."""
    plugins = (package / "dist" / "plugins").resolve()
    result = subprocess.run(["node", str(BUILDJS / "tokens.mjs"), str(plugins)],
                            capture_output=True, text=True, check=True)
    theme: dict[str, Any] = json.loads(result.stdout)
    theme["version"] = json.loads((package / "package.json").read_text())["version"]
    return theme


def _token(tree: Mapping[str, Any], path: str) -> Any:
    """The token at ``path`` (``red.800``); a group's ``DEFAULT`` for a group; a font size's size."""
    value: Any = tree
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise SystemExit(f"@bitrix24/b24style has no token {path!r}")
        value = value[key]
    if isinstance(value, Mapping):
        value = value["DEFAULT"]
    if path.startswith("fontFamily."):
        return ", ".join(value)
    if isinstance(value, list):  # a font size: [size, {lineHeight}]
        value = value[0]
    return str(value)


def tokens_css(theme: Mapping[str, Any]) -> str:
    """``tokens.css``: the kit's tokens the pages use, as custom properties, light and dark.

    Dark follows the operator's system (``prefers-color-scheme``): the
    portal's frame protocol says nothing of its theme.  Each value names its
    token, so a reviewer can follow it back to the kit.
    """
    def declarations(pairs: list[tuple[str, str, str]]) -> str:
        return "".join(f"  --{name}: {value}; /* {path} */\n" for name, value, path in pairs)

    colours = theme["colors"]
    scale = [(name, _token(theme, path), path) for name, path in SCALE.items()]
    light = [(name, _token(colours, pair[0]), pair[0]) for name, pair in COLOUR_ROLES.items()]
    dark = [(name, _token(colours, pair[1]), pair[1]) for name, pair in COLOUR_ROLES.items()]
    return (f"/* Generated by build.py from @bitrix24/b24style {theme['version']}: do not edit. */\n"
            ":root {\n  color-scheme: light dark;\n"
            f"{declarations(scale)}{declarations(light)}}}\n"
            "@media (prefers-color-scheme: dark) {\n:root {\n"
            f"{declarations(dark)}}}\n}}\n")


#: The report page's npm libraries (pinned in package.json), copied beside the pages' modules under
#: the names those import them by (static/report.js), so that the site serves them itself and the
#: static folder's name follows their content.  Their types are beside the modules (``*.d.ts``),
#: for tsc alone.
VENDOR_FILES = {
    "uplot.js": NODE_MODULES / "uplot" / "dist" / "uPlot.esm.js",
    "uplot.css": NODE_MODULES / "uplot" / "dist" / "uPlot.min.css",
    "idb.js": NODE_MODULES / "idb" / "build" / "index.js",
}


def generated_static() -> dict[str, bytes]:
    """The files the build writes into the static folder itself: the design tokens, what the
    pages must know before Python runs (out of the POSTed page, which no browser caches): the
    protocol, and the quick view's tables; and the report's libraries (:data:`VENDOR_FILES`)."""
    return {**{name: path.read_bytes() for name, path in VENDOR_FILES.items()},
            "tokens.css": tokens_css(read_b24style()).encode(),
            RULES_FILE: json.dumps(rules(), ensure_ascii=False, sort_keys=True,
                                   separators=(",", ":")).encode(),
            PROTOCOL_FILE: json.dumps(page_protocol(), ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode()}


#: A static ``import … from './name.js'`` at the start of a line of a page's module.
IMPORT = re.compile(r"""^import\b[^'"]*['"]\./([\w.-]+\.js)['"]""", re.MULTILINE)


def module_imports(entry: str, source: Path = ROOT / "static") -> list[str]:
    """Every module ``entry`` imports, directly or not, in the order first seen.

    The pages name them in ``<link rel="modulepreload">``, so that a cold
    browser fetches them all at once with the entry instead of one level of
    imports after another.
    """
    seen: list[str] = []
    todo = [entry]
    while todo:
        for name in IMPORT.findall((source / todo.pop(0)).read_text(encoding="utf-8")):
            if name not in seen and name != entry:
                seen.append(name)
                if (source / name).is_file():  # not a library the build copies in (VENDOR_FILES)
                    todo.append(name)
    return seen


#: The admin's pages and what they share (the card's page alone is at the top level).
TEMPLATES = ROOT / "templates"


def page_environment() -> jinja2.Environment:
    """The pages' Jinja environment: the card's page and ``templates/``, and no other file.

    The card's page is at the top level, where the project's layout shows it
    first; it is named there alone, so that no other file of the top level
    (``build.py``, ``README.md``, ...) is a template.
    """
    import jinja2

    def card_page(name: str) -> tuple[str, str, None] | None:
        path = ROOT / CARD_PAGE
        return (path.read_text(encoding="utf-8"), str(path), None) if name == CARD_PAGE else None

    loader = jinja2.ChoiceLoader([jinja2.FunctionLoader(card_page), jinja2.FileSystemLoader(TEMPLATES)])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["imports"] = module_imports
    return env


def render_pages(site: Path, boot: Mapping[str, object], static: str) -> None:
    from placement_app.core import i18n

    env = page_environment()
    context = {"boot": boot, "static": static, "rules_file": RULES_FILE, "protocol_file": PROTOCOL_FILE,
               "title": i18n.text("title"),
               "waiting": i18n.text("state.unknown"), "t": i18n.page_texts(None),
               # The languages offered, each by its own name (the same in every language of the page).
               "languages": [i18n.SUPPORTED[code] for code in i18n.LANGUAGES]}
    for page in PAGES:
        (site / page).write_text(env.get_template(page).render(context), encoding="utf-8")


def build(site: Path = SITE, snapshot: bool = True) -> Path:
    """Lay out the whole static site in ``site``; returns it.

    With ``snapshot=False`` the site has no start-up snapshot, and the worker
    always starts the normal way (Pyodide, then micropip installs the wheel):
    the tests run their hardening on both paths.
    """
    say(f"building {site.relative_to(ROOT) if site.is_relative_to(ROOT) else site}")
    pyodide = ensure_node_modules()
    wheels = ensure_wheels()
    for name in PYODIDE_FILES:
        _copy(pyodide / name, site / RUNTIME / name)
    for stale in (site / "wheels").glob("*.whl"):
        if stale.name not in PINNED_WHEELS:
            stale.unlink()  # an app wheel of an older build, from before its content-named folder
    for wheel in wheels:
        _copy(wheel, site / "wheels" / wheel.name)
    app_wheel = build_wheel(site / "wheels" / "app")
    generated = generated_static()
    static = static_folder(generated=generated)
    if (site / "static").is_dir():
        for old in (site / "static").iterdir():
            if old != site / static:  # an older build's folder, or files from before the folders
                shutil.rmtree(old) if old.is_dir() else old.unlink()
    for path in (ROOT / "static").rglob("*"):
        if path.is_file() and not path.name.endswith(".d.ts"):  # types are for tsc alone
            _copy(path, site / static / path.relative_to(ROOT / "static"))
    for name, content in generated.items():
        (site / static / name).write_bytes(content)
    boot: dict[str, object] = {
        "pyodide": f"{RUNTIME}/",
        "wheels": [f"wheels/{wheel.name}" for wheel in wheels],
        "appWheel": app_wheel.relative_to(site).as_posix(),
        "engine": engine_rules(),
    }
    made = make_snapshot(site, wheels, app_wheel) if snapshot else None
    if made:
        boot["snapshot"] = made
    else:
        shutil.rmtree(site / SNAPSHOTS, ignore_errors=True)
    render_pages(site, boot, static)
    waiting = awaiting_translation()
    if waiting:
        say(f"not offered until translated (tools/po_sync.py, then translate): {', '.join(waiting)}")
    precompress(site)
    say(f"done: {site / 'index.html'}")
    return site


# --- compressed copies, for servers that send them ------------------------------

#: Files worth sending compressed; each gets a ``.gz`` beside it for servers that serve those.
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".wasm", ".zip", ".snapshot")


def precompress(site: Path) -> list[Path]:
    """A ``.gz`` beside every compressible file of the site, reproducible (no time stamp in it)."""
    written = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE:
            continue
        target = path.with_name(path.name + ".gz")
        if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            continue
        data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        if len(data) < path.stat().st_size:
            target.write_bytes(data)
            written.append(target)
    return written


def arguments() -> argparse.ArgumentParser:
    """The build's options: where the site goes, and what its nginx block says."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE, metavar="DIR",
                        help="where to lay out the site (default build/site); the nginx block, "
                             "nginx.conf, is written beside it")
    parser.add_argument("--root", type=PurePosixPath, metavar="PATH",
                        help="where the site will be on the server, for nginx's root, when that is "
                             "not where it is built (default: --site, resolved)")
    parser.add_argument("--portal", action="append", default=[], metavar="ORIGIN",
                        help="a Bitrix24 portal that may frame the card and answer its REST calls, "
                             "for build/nginx.conf (repeatable), e.g. https://company.bitrix24.com")
    parser.add_argument("--server-name", default="_", help="the host name nginx answers for")
    parser.add_argument("--listen", default="443 ssl", metavar="ADDRESS",
                        help="where nginx listens: a port, on IPv4 and IPv6 (443), or an address and "
                             "port, that one alone (127.0.0.1:8443), then listen parameters if any "
                             "(default: 443 ssl; --tls adds ssl, and http2 is written as --nginx-version "
                             "wants)")
    parser.add_argument("--tls", nargs=2, type=Path, metavar=("CERT", "KEY"),
                        help="the certificate and key files, for an nginx that terminates HTTPS; "
                             "refused unless both can be read here (with --root, only warned about)")
    parser.add_argument("--redirect-from", default="80", metavar="ADDRESS",
                        help="with TLS, where plain HTTP is answered with a redirect to HTTPS, "
                             "as --listen reads it (default: 80; off for none)")
    parser.add_argument("--nginx-version", type=NginxVersion.stated, metavar="X.Y.Z",
                        help="the server's nginx, for how HTTP/2 is written (default: this machine's, "
                             "by nginx -v; without one, the form every nginx takes)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="build without the start-up snapshot (the card then starts the normal way)")
    return parser


def server_block(args: argparse.Namespace) -> str:
    """The nginx block the options ask for; refuses (``SystemExit``) what cannot work, before any build.

    The ``--tls`` files must exist and be readable: nginx would refuse to
    start without them.  With ``--root`` the block is for a server
    elsewhere, whose files this machine may not have: a missing one is then
    only warned about.
    """
    root = args.root or PurePosixPath(args.site.resolve())
    if not root.is_absolute():
        raise SystemExit(f"--root {str(root)!r}: give the absolute path of the site on the server")
    files = dict(zip(("certificate", "key"), args.tls, strict=True)) if args.tls else {}
    for what, path in files.items():
        if args.root and not path.is_absolute():
            raise SystemExit(f"--tls: the {what} {path}: give its absolute path on the server")
        problem = unreadable(path)
        if problem and args.root:
            say(f"WARNING: --tls: the {what} {path} {problem} here; it must be readable on the server")
        elif problem:
            raise SystemExit(f"--tls: the {what} {path} {problem}; nothing was built.\n"
                             "(For another machine, name the site's path there with --root: "
                             "files missing here are then only warned about.)")
    # absolute(), not resolve(): a linked certificate (Let's Encrypt's live/) must stay the link.
    tls = (files["certificate"].absolute(), files["key"].absolute()) if files else None
    return nginx_server(root, [portal_origin(p) for p in args.portal], args.listen, args.server_name, tls,
                        None if args.redirect_from == "off" else args.redirect_from, args.nginx_version)


def main(argv: list[str] | None = None) -> None:
    args = arguments().parse_args(argv)
    block = server_block(args)
    site = build(args.site.resolve(), snapshot=not args.no_snapshot)
    conf = site.parent / "nginx.conf"
    conf.write_text(block)
    say(f"nginx server block: {conf}")


if __name__ == "__main__":
    main()
