"""The install page: reads the init data, then lets :mod:`install` do the work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from ..core import i18n
from ..core.untrusted import flag, rest_base, valid_token
from ..portal import client
from ..portal.client import Spawn
from .install import Installer, Progress
from .page import AdminPage


def handler_url(value: object) -> str | None:
    """The card's address as the page worked it out: an absolute http(s) URL, or ``None``."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment or parts.username:
        return None
    return value


class InstallPage(AdminPage):
    def __init__(self, post: Any, frame_command: Any, http: client.Http, spawn: Spawn,
                 warn: Callable[[str], None] = lambda message: None,
                 refresh: client.Refresh | None = None):
        super().__init__(post, frame_command, warn)
        self.http = http
        self.spawn = spawn
        self.refresh = refresh
        self.installer: Installer | None = None

    def on_opened(self, init: object = None, handler: object = None) -> None:
        """The init data and the card's address: start installing."""
        if isinstance(init, Mapping) and isinstance(init.get("LANG"), str):
            self.lang = init["LANG"]
        self.texts()
        url = rest_base(init.get("DOMAIN"), init.get("PROTOCOL")) if isinstance(init, Mapping) else None
        auth = valid_token(init.get("AUTH_ID")) if isinstance(init, Mapping) else None
        card = handler_url(handler)
        if not isinstance(init, Mapping) or url is None or auth is None or card is None:
            self.status(i18n.text("page.no_portal", self.lang), "error")
            return
        finish = flag(init.get("INSTALL")) or flag(init.get("FIRST_RUN"))
        if finish:
            self.frame_command("setInstall", {"install": True})  # as Bitrix24's own library does
        self.installer = Installer(self.http, url, auth, card, finish, self.lang, self.progress,
                                   lambda: self.frame_command("setInstallFinish", {}), self.refresh)
        self.spawn(self.installer.run())

    def on_retry(self, *_: object) -> None:
        if self.installer is not None:
            self.spawn(self.installer.run())

    def progress(self, progress: Progress) -> None:
        labels = {step: i18n.text(f"install.step.{step}", self.lang) for step, _ in progress.steps}
        self.post({"type": "progress", **asdict(progress), "labels": labels})


def main(boot_json: str = "{}") -> object:
    """Start the install page in the worker; return the function the engine forwards events to."""
    from ..browser import bridge

    page = InstallPage(bridge.post, bridge.frame_command, bridge.post_form, asyncio.ensure_future,
                       bridge.warn, refresh=bridge.refresh_auth)
    return bridge.export(page.receive)
