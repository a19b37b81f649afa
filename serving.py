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
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
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


#: From this nginx on, HTTP/2 is a directive of its own (``http2 on;``); before it, a ``listen``
#: parameter (``listen … http2``), which later versions still take, with a warning.
HTTP2_DIRECTIVE_SINCE = (1, 25, 1)


@dataclass(frozen=True)
class NginxVersion:
    """The nginx a block is written for (``None``: not known), and how the build knows it."""

    number: tuple[int, int, int] | None
    known_from: str

    @classmethod
    def stated(cls, text: str) -> NginxVersion:
        """The version an admin states (``--nginx-version 1.22.1``)."""
        match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text.strip())
        if not match:
            raise SystemExit(f"--nginx-version {text!r}: give a version such as 1.22.1")
        return cls((int(match[1]), int(match[2]), int(match[3])), "--nginx-version")

    @classmethod
    def installed(cls) -> NginxVersion:
        """The version of this machine's nginx (``nginx -v``), if it has one."""
        binary = nginx_binary()
        if binary is None:
            return cls(None, "no nginx on the build machine")
        result = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)
        match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", result.stderr + result.stdout)
        if not match:
            return cls(None, f"{binary} -v named no version")
        return cls((int(match[1]), int(match[2]), int(match[3])), "nginx -v on the build machine")

    @property
    def http2_directive(self) -> bool:
        """``http2 on;`` rather than ``listen … http2``; the older form when the version is not known."""
        return self.number is not None and self.number >= HTTP2_DIRECTIVE_SINCE

    @property
    def described(self) -> str:
        """What the block's comment says of the form it is written in, and why."""
        if self.number is None:
            return ('in the form every nginx takes, "listen ... http2" '
                    f"({self.known_from}; from 1.25.1 nginx warns that the form is deprecated: "
                    "--nginx-version states the server's)")
        version = ".".join(map(str, self.number))
        if self.http2_directive:
            return f'for nginx {version} ({self.known_from}): "http2 on;", as nginx takes it from 1.25.1'
        return f'for nginx {version} ({self.known_from}): "listen ... http2", as nginx takes it up to 1.25.0'


def nginx_binary() -> str | None:
    """This machine's nginx (Debian's lives in ``/usr/sbin``, which a user's ``PATH`` may lack)."""
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if Path(path).exists()), None)


@dataclass(frozen=True)
class Listen:
    """Where nginx listens (``--listen``): an address, then ``listen`` parameters.

    A bare port (``443``) means every address: IPv4 and IPv6 (a second
    line, ``[::]:443``).  An address with its port (``127.0.0.1:8443``,
    ``[::1]:8443``, ``0.0.0.0:443``) means that address alone.
    """

    address: str
    parameters: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, option: str = "--listen") -> Listen:
        words = text.split()
        if not words or any(nginx_word(word) != word for word in words):
            raise SystemExit(f"{option} {text!r}: give a port (443) or an address and port "
                             "(127.0.0.1:8443), then listen parameters if any")
        return cls(words[0], tuple(words[1:]))

    @property
    def port(self) -> int | None:
        """The port; ``None`` for a UNIX socket.  nginx's default is 80."""
        if self.address.startswith("unix:"):
            return None
        if self.address.isdigit():
            return int(self.address)
        _, colon, port = self.address.rpartition(":")
        return int(port) if colon and port.isdigit() else 80

    def lines(self, *more: str) -> list[str]:
        """The ``listen`` lines' words, with ``more`` parameters: one line, two for a bare port."""
        parameters = "".join(f" {word}" for word in dict.fromkeys((*self.parameters, *more)))
        addresses = [self.address, f"[::]:{self.address}"] if self.address.isdigit() else [self.address]
        return [address + parameters for address in addresses]


def nginx_server(root: PurePath, portals: Sequence[str], listen: str = "443 ssl", server_name: str = "_",
                 tls: tuple[PurePath, PurePath] | None = None, redirect_from: str | None = "80",
                 nginx: NginxVersion | None = None) -> str:
    """An nginx ``server`` block that serves the site at ``root`` as the development server does.

    Its headers come from :func:`site_headers`, the function the
    development server calls, so the two cannot differ.  Bitrix24 opens the
    card and the app's pages with a POST: nginx's static files refuse POST
    with 405, which is turned into the same file, as for a GET.

    With TLS (``tls``, or ``ssl`` in ``listen``) it speaks HTTP/2, written
    as ``nginx`` takes it (by default the installed one, :meth:`NginxVersion.installed`),
    and a second block answers plain HTTP at ``redirect_from`` (``None``:
    none) with a redirect to HTTPS: 308, which keeps the POST a POST.
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["word"] = nginx_word
    where = Listen.parse(listen)
    # http2 is written per version below; ssl follows from the certificate.
    where = Listen(where.address, tuple(word for word in where.parameters if word != "http2")
                   + (("ssl",) if tls and "ssl" not in where.parameters else ()))
    secure = "ssl" in where.parameters
    http2 = (nginx or NginxVersion.installed()) if secure else None
    redirect = None
    if secure and redirect_from is not None:
        port = "" if where.port in (443, None) else f":{where.port}"
        redirect = {"listen": Listen.parse(redirect_from, "--redirect-from").lines(),
                    "target": f"https://$host{port}$request_uri"}
    locations = [(f"^~ {prefix}", site_headers(prefix, portals)) for prefix in IMMUTABLE_PREFIXES]
    locations.append(("/", site_headers("/", portals)))
    return env.get_template("nginx.conf.j2").render(
        listen=where.lines(*(["http2"] if http2 and not http2.http2_directive else [])),
        http2=http2, server_name=server_name, tls=tls, root=root, redirect=redirect,
        types=[(mime.split(";")[0], suffix[1:]) for suffix, mime in TYPES.items()],
        locations=locations)
