"""What the card tells the page besides its drawing, each thing once and at a pace the page can use.

Three channels: the live region (a screen reader reads every change in it),
the "Copy for support" text (the page must hold it before the click), and
fitting the frame (each ``resizeWindow`` is a message to the portal).  None
of them may follow the timers, which change four times a second.
"""

from __future__ import annotations

from ..core import i18n
from ..core.settings import Settings
from ..core.timeline import Outcome, Timeline
from .announce import announcement
from .page import Page
from .support import CallFacts, summary
from .view import CardView

#: In a burst of events, the support text goes at most this often (the rest with the next tick).
SUPPORT_EVERY_MS = 1000


class Teller:
    """Remembers what the page was last told, so that nothing is said twice or said for a timer."""

    def __init__(self, page: Page, view: CardView):
        self.page = page
        self.view = view
        self.announced = ""
        #: What the last support text was made of, when, and the call's outcome then.
        self.summarised: tuple[object, ...] | None = None
        self.summarised_at = float("-inf")
        self.summarised_outcome: Outcome | None = None
        self.shape: tuple[object, ...] | None = None

    def announce(self, timeline: Timeline, settings: Settings) -> None:
        """The live region hears the state and the outcome when they change, never the timers."""
        said = announcement(timeline, self.view.lang, settings)
        if said and said != self.announced:
            self.announced = said
            self.page.announce(said)

    def publish(self, timeline: Timeline, facts: CallFacts, settings: Settings, now: float,
                throttle: bool) -> None:
        """Hand the page the "Copy for support" text when the call changed.

        The page must hold it before the operator clicks (a clipboard write
        needs the click's own moment), so it goes with the event; in a burst
        at most once a second (``throttle``), the rest with the next tick.  A
        new outcome (the call ended) goes at once: that is when the operator
        copies.
        """
        lang = self.view.lang
        key = (timeline, facts, lang, settings)
        settled = timeline.outcome is self.summarised_outcome
        if key == self.summarised or (throttle and settled and now - self.summarised_at < SUPPORT_EVERY_MS):
            return
        if timeline.call_id is None and not timeline.entries:
            return
        self.summarised = key
        self.summarised_at = now
        self.summarised_outcome = timeline.outcome
        words = {word: i18n.text(f"support.{word}", lang) for word in ("copy", "copied", "copy_failed")}
        self.page.support(summary(timeline, facts, now, lang, settings, self.view.clock, self.view.day),
                          words)

    def fit(self, timeline: Timeline, holding: bool) -> None:
        """Ask the portal to fit the frame's height when the card grew or shrank.

        Only when what is shown changed shape (a row, the failure, the hold,
        a notice), never for a timer: the page measures, this only says when.
        """
        shape = (len(timeline.entries), timeline.dropped > 0, timeline.lost > 0, timeline.outcome,
                 timeline.lookup, timeline.failure_reason, holding, self.view.lang,
                 self.view.problem, self.summarised is not None, self.view.earlier.shown)
        if shape != self.shape:
            self.shape = shape
            self.page.fit()
