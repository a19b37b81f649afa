"""A stand-in for the page the card runs in (``placement_app.card.page.Page``).

It keeps, in order, everything the card tells the page, so that tests read
what the page would have done with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class FakePage:
    """The page, on a clock the test moves (``clock``), recording what the card tells it."""

    def __init__(self, clock: Callable[[], float] = lambda: 0.0) -> None:
        self.clock = clock
        self.warnings: list[str] = []
        #: The placement commands sent to the portal, each with the clock's time then.
        self.commands: list[tuple[float, str]] = []
        #: The page's numbers the card confirmed as saved.
        self.confirmed: list[int] = []
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

    def saved(self, seq: int) -> None:
        self.confirmed.append(seq)

    def announce(self, text: str) -> None:
        self.said.append(text)

    def support(self, text: str, words: Mapping[str, str]) -> None:
        self.summaries.append(text)
        self.words.append(dict(words))

    def fit(self) -> None:
        self.fits += 1

    def quick_table(self, table: Mapping[str, object]) -> None:
        self.tables.append(table)
