"""The page the card runs in, as the card needs it: one object, not a dozen callables.

The card runs in the page's worker and reaches the page by messages only.
:func:`.app.main` hands in the browser's page (``browser.bridge.CardPage``);
the tests hand in a fake that records what it is told, so that the whole
card runs under CPython.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Page(Protocol):
    """The page's clock and console, and everything the card tells the page besides its drawing."""

    def now(self) -> float:
        """The time in ms since the epoch: the wall clock the page stamps each event with."""
        ...

    def warn(self, message: str) -> None:
        """Log ``message`` to the console (for the admin; the operator never reads it)."""
        ...

    def send_drawing(self) -> None:
        """Hand the page what the view drew since the last call, as one batch."""
        ...

    def command(self, name: str) -> None:
        """Send one placement command to the portal (``disableAutoClose``, ``enableAutoClose``)."""
        ...

    def keep(self, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` in the page's storage (the worker has none)."""
        ...

    def log(self, kind: str, payload: str, at: float) -> None:
        """Add an event the card made itself to the call's event log (``card.replay``)."""
        ...

    def announce(self, text: str) -> None:
        """Have the page's one live region say ``text``."""
        ...

    def support(self, text: str, words: Mapping[str, str]) -> None:
        """The "Copy for support" text, and its button's words (``copy``, ``copied``, ``copy_failed``)."""
        ...

    def fit(self) -> None:
        """Ask the portal to fit the frame to the card's height (``resizeWindow``)."""
        ...

    def quick_table(self, table: Mapping[str, object]) -> None:
        """The quick view's table in the card's language (``card.quick``): the page's title and
        notices follow it, also a language the admin forces."""
        ...
