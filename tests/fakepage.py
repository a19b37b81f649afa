"""A stand-in for the page the card runs in (``placement_app.card.page.Page``).

It keeps, in order, everything the card tells the page, so that tests read
what the page would have done with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from placement_app.card.replay import VERSION


class FakePage:
    """The page, on a clock the test moves (``clock``), recording what the card tells it."""

    def __init__(self, clock: Callable[[], float] = lambda: 0.0) -> None:
        self.clock = clock
        self.warnings: list[str] = []
        #: The placement commands sent to the portal, each with the clock's time then.
        self.commands: list[tuple[float, str]] = []
        #: What the card asked the page to keep, by key (the last value).
        self.kept: dict[str, str] = {}
        #: The events the card asked the page to add to the call's log.
        self.logged: list[tuple[str, str, float]] = []
        self.said: list[str] = []
        self.summaries: list[str] = []
        self.words: list[dict[str, str]] = []
        self.drawings = 0
        self.fits = 0
        #: The quick view's tables handed to the page.
        self.tables: list[Mapping[str, object]] = []

    def now(self) -> float:
        return self.clock()

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def send_drawing(self) -> None:
        self.drawings += 1

    def command(self, name: str) -> None:
        self.commands.append((self.clock(), name))

    def keep(self, key: str, value: str) -> None:
        self.kept[key] = value

    def log(self, kind: str, payload: str, at: float) -> None:
        self.logged.append((kind, payload, at))

    def announce(self, text: str) -> None:
        self.said.append(text)

    def support(self, text: str, words: Mapping[str, str]) -> None:
        self.summaries.append(text)
        self.words.append(dict(words))

    def fit(self) -> None:
        self.fits += 1

    def quick_table(self, table: Mapping[str, object]) -> None:
        self.tables.append(table)


class PageLog:
    """The call's event log as the page writes it (``static/call-log.js``, tested in ``tests/js``):
    every event a page forwards, and every one its card asks it to add, under the page's id."""

    def __init__(self) -> None:
        self.entries: dict[str, list[list[object]]] = {}

    def text(self, call_id: str) -> str:
        return json.dumps({"version": VERSION, "call_id": call_id, "written": 0, "dropped": 0,
                           "events": self.entries.get(call_id, [])})

    def logs(self) -> dict[str, str]:
        """What a new page hands its worker at start (its boot data's ``logs``)."""
        return {call_id: self.text(call_id) for call_id in self.entries}

    def add(self, call_id: str, page: str, kind: str, payload: str, at: float) -> None:
        self.entries.setdefault(call_id, []).append([kind, payload, at, page])


class LoggedPage(FakePage):
    """A page that forwards events to its card and logs them, as the card's page does."""

    def __init__(self, log: PageLog, call_id: str, page_id: str, clock: Callable[[], float] = lambda: 0.0):
        super().__init__(clock)
        self.call_log, self.call_id, self.page_id = log, call_id, page_id

    def forward(self, card: Any, kind: str, payload: str, at: float) -> None:
        self.call_log.add(self.call_id, self.page_id, kind, payload, at)
        card.receive(kind, payload, at)

    def log(self, kind: str, payload: str, at: float) -> None:
        super().log(kind, payload, at)
        self.call_log.add(self.call_id, self.page_id, kind, payload, at)
