"""What the admin's pages (settings, install) share: events in, messages out.

A page's JavaScript only collects and shows; what to show, and whether a
value is acceptable, is decided here.  Events arrive as the card's do (a
name and the arguments as one JSON text) and go to the ``on_<name>`` method
of the page, so a page is a small class with one method per thing the
admin can do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..core import i18n
from ..core.untrusted import MAX_TEXT, describe_error, preview

#: Posts one message to the page's JavaScript.
Post = Callable[[Mapping[str, Any]], None]
#: Asks the page to send one command (and its parameters) to the portal.
FrameCommand = Callable[[str, Mapping[str, Any]], None]


class AdminPage:
    """Dispatches ``page:opened`` to ``on_opened``, ``settings:submit`` to ``on_submit``..."""

    def __init__(self, post: Post, frame_command: FrameCommand,
                 warn: Callable[[str], None] = lambda message: None):
        self.post = post
        self.frame_command = frame_command
        self.warn = warn
        self.lang: str | None = None

    def receive(self, kind: object, payload_json: object, at: object = 0, seq: object = None) -> None:
        name = kind.rpartition(":")[2] if isinstance(kind, str) else ""
        handler = getattr(self, f"on_{name}", None) if name.isidentifier() else None
        try:
            args = json.loads(payload_json) if isinstance(payload_json, str) else None
        except (ValueError, RecursionError):
            args = None
        if handler is None or not isinstance(args, list):
            self.warn(f"Call Timeline: the page sent something unknown ({preview(kind, 40)})")
            return
        try:
            handler(*args[:2])
        except Exception as error:  # one bad event must not leave the page dead
            self.warn(f"Call Timeline: handling {preview(kind, MAX_TEXT)} failed: {describe_error(error)}")
            self.status(i18n.text("page.failed", self.lang, reason=type(error).__name__), "error")

    def on_reply(self, reply: object = None, _unused: object = None) -> None:
        """A portal command's reply; pages that do not wait for one let it go."""

    def on_dropped(self, count: object = None, _unused: object = None) -> None:
        """The engine dropped early events (a page never has that many): only noted."""
        self.warn(f"Call Timeline: {str(count)[:20]} early events were dropped")

    def texts(self) -> None:
        """Every label of the page in the admin's language, and that language's tag for ``<html lang>``.

        The language is picked from the portal's ``LANG`` as the card's is
        (Bitrix24's codes, English unless the language is complete).
        """
        self.post({"type": "texts", "texts": i18n.page_texts(self.lang), "lang": i18n.locale_tag(self.lang)})

    def status(self, text: str, tone: str = "") -> None:
        self.post({"type": "status", "text": text, "tone": tone})
