"""Installing the app: the call-card tab bound once, then the portal told it is done.

Re-running the install page is safe: the tab is looked up with
``placement.get`` first and bound only if this handler is not bound yet, so a
second run never adds a second tab.  Every failure becomes a message an
admin can act on.  Pure: REST goes through the ``http`` given, and the
progress is reported through ``report``, so it is tested under CPython.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core import i18n
from ..core.untrusted import clip
from ..portal import client

PLACEMENT = "CALL_CARD"
STEPS = ("check", "bind", "finish")
#: How a portal refuses a second bind of the same handler (another admin's install got there first).
ALREADY_BOUND = "handler already binded"


@dataclass(frozen=True)
class Progress:
    """Where the install is: each step's state, and a closing message when it ended."""

    steps: tuple[tuple[str, str], ...]  # (step, "pending" | "active" | "done" | "skipped" | "failed")
    message: str = ""
    tone: str = ""  # "", "ok" or "error"
    retry: bool = False


def titles() -> dict[str, object]:
    """The tab's title in every language the card speaks (``TITLE`` and ``LANG_ALL``)."""
    return {
        "TITLE": i18n.text("title", "en"),
        "LANG_ALL": {lang: {"TITLE": i18n.text("title", lang)} for lang in i18n.LANGUAGES},
    }


def is_bound(result: object, handler: str) -> bool:
    """Whether ``placement.get``'s result lists this handler on the call card."""
    if not isinstance(result, list):
        return False
    return any(isinstance(item, dict) and str(item.get("placement", "")).upper() == PLACEMENT
               and str(item.get("handler", "")).strip() == handler for item in result)


def is_already_bound(failure: client.Failed) -> bool:
    """Whether ``placement.bind`` failed only because this very tab is bound already."""
    return ALREADY_BOUND in failure.description.lower()


def explain(failure: client.Failed, lang: str | None) -> str:
    """What the admin reads (``install.error.<kind>``), with the portal's own words as the detail."""
    kind = failure.kind
    explained = ("no_scope", "not_admin", "auth", "no_telephony", "argument", "unreachable")
    key = kind if kind in explained else "other"
    detail = ": ".join(part for part in (failure.error, failure.description) if part) or "?"
    return i18n.text(f"install.error.{key}", lang, detail=clip(detail, 200))


class Installer:
    """Runs the install once per call of :meth:`run`; the page may run it again after an error.

    REST goes through one :class:`client.Session`: a token that expired is
    refreshed through the frame (``refresh``) and the step tried again, so
    that a refused authorisation is reported only when it really was refused.
    """

    def __init__(self, http: client.Http, rest_url: str, auth: str, handler: str, finish: bool,
                 lang: str | None, report: Callable[[Progress], None],
                 finish_install: Callable[[], None], refresh: client.Refresh | None = None):
        self.session = client.Session(http, rest_url, auth, refresh)
        self.handler = handler
        self.finish = finish
        self.lang = lang
        self.report = report
        self.finish_install = finish_install
        self.running = False

    def _show(self, states: dict[str, str], message: str = "", tone: str = "", retry: bool = False) -> None:
        self.report(Progress(tuple((step, states[step]) for step in STEPS), message, tone, retry))

    async def run(self) -> bool:
        """Bind the tab unless it is bound, then finish; ``True`` when installed."""
        if self.running:
            return False
        self.running = True
        try:
            return await self._run()
        finally:
            self.running = False

    async def _run(self) -> bool:
        states = dict.fromkeys(STEPS, "pending")
        states["check"] = "active"
        self._show(states)
        found = await self.session.call("placement.get", {})
        if isinstance(found, client.Failed):
            states["check"] = "failed"
            self._show(states, explain(found, self.lang), "error", retry=True)
            return False
        already = is_bound(found.result, self.handler)
        states["check"] = "done"
        if already:
            states["bind"] = "skipped"
        else:
            states["bind"] = "active"
            self._show(states)
            bound = await self.session.call("placement.bind",
                                            {"PLACEMENT": PLACEMENT, "HANDLER": self.handler, **titles()})
            if isinstance(bound, client.Failed) and is_already_bound(bound):
                already = True  # bound between our look-up and our bind: the tab is in place
            elif isinstance(bound, client.Failed):
                states["bind"] = "failed"
                self._show(states, explain(bound, self.lang), "error", retry=True)
                return False
            states["bind"] = "skipped" if already else "done"
        if self.finish:
            self.finish_install()
            states["finish"] = "done"
        else:
            states["finish"] = "skipped"
        message = "install.already" if already else "install.done"
        if not self.finish and already:
            message = "install.installed"
        self._show(states, i18n.text(message, self.lang), "ok")
        return True
