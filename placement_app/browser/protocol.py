"""What a page and its worker say to each other: the one definition of their messages.

Each page (the card, the settings page, the install page) runs Python in a
Web Worker (``static/engine.js``), and the two talk by messages only,
``{type, ...}`` objects.  Their types, which of them each page takes, the
portal commands each page sends for Python, and how long it waits for the
portal's reply are defined here, once: the bridge builds its messages from
them, and the build exports them (:func:`export`) into the JSON beside the
pages' modules, which the page reads as data (``static/protocol.js``).

Plain Python that imports nothing of the app, so that the build and CPython
tests read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ToPage(StrEnum):
    """The types of what the worker posts to a page."""

    #: A moment of Python's start-up (``{name}``); the engine's own (static/engine.js).
    MARK = "mark"
    #: Python took over: every event so far is in (the engine's own).
    LIVE = "live"
    #: Python could not start (``{reason}``); the loader (``static/python.js``) takes it,
    #: never the page's protocol: the page then runs without Python.
    FAILED = "failed"
    #: The engine dropped the oldest early events (``{count}``), past its queue's bound.
    DROPPED = "dropped"
    #: Send a portal command for Python (``{command, params, id?}``); see :data:`PAGES`.
    FRAME = "frame"
    #: The card: a batch of the view's DOM operations (``{ops}``, a JSON text).
    DOM = "dom"
    #: The card: a write to the page's storage (``{op, key, value?}``).
    STORAGE = "storage"
    #: The settings page: the settings are stored.
    SAVED = "saved"
    #: The card: an event it made itself, for the call's event log (``{kind, payload, at}``,
    #: ``card.replay``).
    LOG = "log"
    #: The card: what its one live region says (``{text}``).
    ANNOUNCE = "announce"
    #: The card: the *Copy for support* text and its button's words (``{text, words}``).
    SUPPORT = "support"
    #: The quick view's table in the card's language (``{table}``: JSON, ``card.quick``).
    WORDS = "words"
    #: An admin page: every label in the admin's language (``{texts, lang}``).
    TEXTS = "texts"
    #: An admin page: its status line (``{text, tone}``).
    STATUS = "status"
    #: The settings page: the form for an admin.
    FORM = "form"
    #: The settings page: the settings as text, for anyone else.
    SUMMARY = "summary"
    #: The settings page: the messages beside each field.
    ERRORS = "errors"
    #: The settings page: the notice above the form.
    NOTICE = "notice"
    #: The install page: its steps, each with its state, and what to say.
    PROGRESS = "progress"
    #: The report page: a request to its record cache in IndexedDB (``{op, key, ...}``,
    #: ``admin.report_page``): read it, add rows, note how far it is complete.
    CACHE = "cache"
    #: The report page: a chart's series and words (``{chart, ...}``), drawn by the charting library.
    CHART = "chart"
    #: The report page: how much is loaded (``{done, total, text}``).
    LOADED = "loaded"
    #: The report page: the CSV of the rows shown (``{name, text}``), for its download button.
    CSV = "csv"


class ToWorker(StrEnum):
    """The types of what a page posts to its worker."""

    #: Start Python: the page's entry, where the runtime is, the page's data.
    BOOT = "boot"
    #: One event, in the order it came (``{kind, payload, at, seq?}``).
    EVENT = "event"
    #: The portal's reply to a command Python waits for (``{id, ok, value}``).
    REPLY = "reply"


#: The most events that wait in a page's worker while Python starts; past it the oldest go, never
#: what the page was opened with, and Python is told how many (``static/engine.js``).
QUEUE_BOUND = 2000

#: How long a page waits for the portal's reply to a command it sends for Python (Bitrix24's
#: own library gives ``refreshAuth`` 10 s); a command not answered by then has no reply.
REPLY_TIMEOUT_MS = 10_000

#: What every page takes from its worker, whatever the page.
_EVERY_PAGE = frozenset({ToPage.MARK, ToPage.LIVE, ToPage.DROPPED, ToPage.FRAME})


@dataclass(frozen=True)
class Page:
    """What one page takes from its worker, and the portal commands it sends for Python."""

    messages: frozenset[ToPage]
    commands: tuple[str, ...]


def _page(messages: set[ToPage], commands: tuple[str, ...]) -> Page:
    return Page(_EVERY_PAGE | messages, commands)


#: Each page by the Python module its worker runs (its ``main()``, static/engine.js ENTRIES).
#: A command not named for its page is not sent: a page sends the portal only what it needs.
PAGES: dict[str, Page] = {
    "placement_app.card.app": _page(
        {ToPage.DOM, ToPage.STORAGE, ToPage.LOG, ToPage.ANNOUNCE, ToPage.SUPPORT, ToPage.WORDS},
        ("disableAutoClose", "enableAutoClose", "refreshAuth", "resizeWindow")),
    "placement_app.admin.settings_page": _page(
        {ToPage.TEXTS, ToPage.STATUS, ToPage.FORM, ToPage.SUMMARY, ToPage.ERRORS, ToPage.NOTICE,
         ToPage.SAVED},
        ("setAppOption",)),
    "placement_app.admin.report_page": _page(
        {ToPage.TEXTS, ToPage.STATUS, ToPage.DOM, ToPage.CACHE, ToPage.CHART, ToPage.LOADED, ToPage.CSV},
        ("refreshAuth",)),
    "placement_app.admin.install_page": _page(
        {ToPage.TEXTS, ToPage.STATUS, ToPage.PROGRESS},
        ("setInstall", "setInstallFinish", "refreshAuth")),
}


def export() -> dict[str, object]:
    """The protocol as the page reads it (JSON): each type by its member's name, and the pages.

    The page names a type by its member (``FRAME``) and reads its value from
    here, so a type's value is written only in this module.
    """
    return {
        "toPage": {member.name: member.value for member in ToPage},
        "toWorker": {member.name: member.value for member in ToWorker},
        "pages": {entry: {"messages": sorted(page.messages), "commands": list(page.commands)}
                  for entry, page in PAGES.items()},
        "replyTimeoutMs": REPLY_TIMEOUT_MS,
    }
