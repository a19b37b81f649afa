"""How the site that ``build.py`` lays out must be served, by any server of it.

The headers (:func:`site_headers`), the content types (:data:`TYPES`) and
which files may be cached for good (:func:`is_immutable`) are stated once,
here: the development server (``emulator/server.py``) calls these functions
for every response, and :func:`nginx_server` writes them into the nginx
block (``templates/nginx.conf.j2``) that ``build.py`` puts beside the site,
so the two cannot differ.

Build-side only: it sits beside ``build.py``, not in ``placement_app``
(which ships to the browser), and imports nothing of the build, the
emulator or the tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePath
from urllib.parse import urlsplit

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Content types the site needs; ``.wasm`` above all (streaming compilation needs it).
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
         ".css": "text/css", ".html": "text/html; charset=utf-8", ".png": "image/png",
         ".svg": "image/svg+xml", ".snapshot": "application/octet-stream"}

#: The site's one Trusted Types policy (``static/python.js`` creates it, for the worker's URL).
TRUSTED_TYPES_POLICY = "call-timeline"

#: URL prefixes whose files never change under their name (see :func:`is_immutable`): every
#: runtime lives in a folder of its version (``pyodide/<version>/``), so the whole of ``pyodide/``.
IMMUTABLE_PREFIXES = ("/pyodide/", "/wheels/", "/snapshots/", "/static/")


def content_security_policy(portals: Sequence[str]) -> str:
    """The tightest policy under which the card works.

    Scripts only from the site (``wasm-unsafe-eval`` lets WebAssembly
    compile; plain ``unsafe-eval`` is not granted), data only from the site
    and the portal's REST endpoint, and only the portal may frame the card.
    Trusted Types are required for every script sink (no HTML or script URL
    from a string), with one policy, :data:`TRUSTED_TYPES_POLICY`, which
    ``static/python.js`` uses for the worker's URL and nothing else.
    """
    origins = " ".join(portals)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "require-trusted-types-for 'script'",
        f"trusted-types {TRUSTED_TYPES_POLICY}",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {origins}".strip(),
        f"frame-ancestors {origins or chr(39) + 'none' + chr(39)}",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def is_immutable(path: str) -> bool:
    """Whether the file at URL ``path`` never changes under its name (so it may be cached for good).

    The pinned runtime lives under a versioned folder; wheels are named by
    version and kept in a folder named by their content hash, as are the
    pages' own files (``build.static_folder``) and the snapshot.
    """
    return path.startswith(IMMUTABLE_PREFIXES)


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


def site_headers(path: str, portals: Sequence[str]) -> dict[str, str]:
    """The headers every response of the site carries, whatever server sends it."""
    return {
        "Content-Security-Policy": content_security_policy(portals),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "public, max-age=31536000, immutable" if is_immutable(path) else "no-cache",
    }


def unreadable(path: Path) -> str | None:
    """Why the file at ``path`` cannot be read here (``"does not exist"``, ...), or ``None``.

    The file is opened, not only looked at, so that a key only another
    user may read is caught as well as a missing one or a folder.
    """
    try:
        with path.open("rb"):
            return None
    except (FileNotFoundError, NotADirectoryError):
        return "does not exist"
    except IsADirectoryError:
        return "is a folder, not a file"
    except PermissionError:
        return "is not readable by this user (permission denied)"
    except OSError as error:
        return f"is not readable ({error.strerror})"


def nginx_word(value: object) -> str:
    """``value`` as one word of nginx's configuration: quoted when it holds a space, a quote or
    one of ``;{}#``; refused when nginx would read a variable (``$``) or a line break in it."""
    text = str(value)
    if "$" in text or any(ord(character) < 32 for character in text):
        raise SystemExit(f"{text!r}: nginx cannot take this literally (a $ or a control character)")
    if re.fullmatch(r"[^\s\"'\\;{}#]+", text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_server(root: PurePath, portals: Sequence[str], listen: str = "443 ssl", server_name: str = "_",
                 tls: tuple[PurePath, PurePath] | None = None) -> str:
    """An nginx ``server`` block that serves the site at ``root`` as the development server does.

    Its headers come from :func:`site_headers`, the function the
    development server calls, so the two cannot differ.  Bitrix24 opens the
    card and the app's pages with a POST: nginx's static files refuse POST
    with 405, which is turned into the same file, as for a GET.
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["word"] = nginx_word
    locations = [(f"^~ {prefix}", site_headers(prefix, portals)) for prefix in IMMUTABLE_PREFIXES]
    locations.append(("/", site_headers("/", portals)))
    return env.get_template("nginx.conf.j2").render(
        listen=listen, server_name=server_name, tls=tls, root=root,
        types=[(mime.split(";")[0], suffix[1:]) for suffix, mime in TYPES.items()],
        locations=locations)
