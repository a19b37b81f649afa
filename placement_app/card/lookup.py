"""The statistics lookup as a conversation with the portal: ask, wait, ask again.

:mod:`.statistics` says what to ask and what each reply means; this module
holds the conversation, which runs in the background beside the card.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from ..core.events import (
    CardOpened,
    Event,
    LookupFailure,
    StatisticsFound,
    StatisticsRequested,
    StatisticsUnavailable,
)
from ..core.timeline import LookupState, Timeline, may_have_ended, needs_lookup
from ..portal import client
from ..portal.client import Http, Refresh, Spawn
from . import statistics
from .page import Page


@dataclass(frozen=True)
class PortalAccess:
    """How the card reaches the portal's REST API, and how a conversation with it runs.

    In the browser (:func:`.app.main`): ``fetch``, ``asyncio.ensure_future``,
    ``asyncio.sleep`` and ``refreshAuth`` through the frame; in tests, a fake
    portal, tasks run when the test says, and simulated time.
    """

    http: Http
    spawn: Spawn
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    #: Asks the portal for a new token when it says the old one expired (see :class:`client.Session`).
    refresh: Refresh | None = None


class Owner(Protocol):
    """The card, as its lookup needs it: the call as it stands, and where the lookup's news goes."""

    @property
    def page(self) -> Page: ...

    @property
    def timeline(self) -> Timeline: ...

    def handle(self, event: Event) -> None: ...

    def redraw(self) -> None: ...


class Turns:
    """The card's requests to the portal, one at a time, in the order they asked.

    The end-of-call lookup and the "Earlier" line (:mod:`.earlier`) both
    ask call statistics, and the portal counts every request against one
    limit: sent together they could spend it at once.  ``async with turns:``
    waits for the request before it to be answered.  A waiter's future is
    made in the loop it waits in, when it waits.
    """

    def __init__(self) -> None:
        self.taken = False
        self.waiting: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> None:
        if not self.taken:
            self.taken = True
            return
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await turn  # handed over by the request before: still taken
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                await self.__aexit__()  # handed over, then cancelled: pass the turn on
            raise

    async def __aexit__(self, *_: object) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():  # a cancelled waiter has no turn to take
                turn.set_result(None)
                return
        self.taken = False


async def _ask(session: client.Session, call_id: str, turns: Turns) -> statistics.Reply:
    """One question to the call statistics, in its turn, and what its reply means."""
    async with turns:
        reply = await session.call(statistics.METHOD, statistics.params(call_id))
    return statistics.read_reply(reply, call_id)


class StatisticsLookup:
    """Finds the code the wire lost by asking the portal's call statistics, in the background.

    A class of its own because it is a conversation, not a step: it outlives
    the event that began it (up to six tries over about 13 s, and a token
    refreshed through the frame on the way), and events keep coming while it
    waits.  It tells the card what it learns only as events the card handles
    like any other, so the timeline stays the one record of what is known
    (and a reloaded card resumes from it); before each try it reads the
    timeline again, since the answer may have come another way or a new
    attempt begun.  One conversation at a time.

    The portal's address and token (a :class:`client.Session`) live here, in
    memory only.
    """

    def __init__(self, access: PortalAccess | None, owner: Owner, turns: Turns | None = None):
        self.access = access
        self.owner = owner
        #: Shared with the card's other requests to the portal (see :class:`Turns`).
        self.turns = turns or Turns()
        self.session: client.Session | None = None
        self.running = False
        #: Whether a card opened ``idle`` has asked once if its call has ended already.
        self.probed = False
        #: The try under way and how many there are, for the view: a wait of seconds must not look stuck.
        self.attempt: tuple[int, int] | None = None

    def open(self, event: CardOpened) -> None:
        """Take the portal's address and token from the init data, the only place they come from."""
        if event.rest_url and event.auth and self.access is not None:
            self.session = client.Session(self.access.http, event.rest_url, event.auth, self.access.refresh)

    @property
    def available(self) -> bool:
        """Whether the card can ask the portal's call statistics at all (REST known, a way to run it)."""
        return self.access is not None and self.session is not None

    def start_if_needed(self) -> None:
        """Begin asking if the call ended without a code, or if a card opened ``idle`` may be late.

        The conversation runs in the background (``spawn``), never on the
        path of the event that began it.
        """
        access, session, timeline = self.access, self.session, self.owner.timeline
        if self.running or access is None or session is None or timeline.call_id is None:
            return
        if needs_lookup(timeline):
            self.running = True
            access.spawn(self._look_up(timeline.call_id, session, access))
        elif may_have_ended(timeline) and not self.probed:
            self.running = self.probed = True
            access.spawn(self._probe(timeline.call_id, session))

    def _refused(self, why: LookupFailure) -> None:
        # The operator is sent to their admin; this is what the admin needs.
        self.owner.page.warn(f"Call Timeline: {statistics.METHOD} refused: {statistics.admin_detail(why)}")

    async def _probe(self, call_id: str, session: client.Session) -> None:
        """Ask once whether a card opened ``idle`` opened after its call (see ``may_have_ended``).

        A record shows that call's outcome; no record, or any refusal, leaves
        the card waiting for its call.
        """
        owner, now = self.owner, self.owner.page.now
        try:
            owner.handle(StatisticsRequested(now(), probe=True))
            if owner.timeline.lookup is not LookupState.PROBE:
                return
            reply = await _ask(session, call_id, self.turns)
            if isinstance(reply, statistics.Found):
                owner.handle(StatisticsFound(now(), reply.failed_code, reply.reason))
                return
            if isinstance(reply, statistics.GaveUp):
                self._refused(reply.why)
            owner.handle(StatisticsUnavailable(now(), reply.why))
        finally:
            self.running = False
            self.start_if_needed()  # the call may have ended while the probe ran

    async def _look_up(self, call_id: str, session: client.Session, access: PortalAccess) -> None:
        """Ask the call statistics, with backoff, until they know or it is clear they won't.

        An expired token is refreshed through the frame and the question
        asked again (see :class:`client.Session`) before "the portal did not
        accept the app's authorisation" is said.
        """
        owner, now = self.owner, self.owner.page.now
        try:
            self.attempt = None
            owner.handle(StatisticsRequested(now()))
            why = LookupFailure.NO_RECORD
            tries = len(statistics.DELAYS_MS)
            for attempt, delay in enumerate(statistics.DELAYS_MS, 1):
                if delay:
                    await access.sleep(delay / 1000)
                timeline = owner.timeline
                if timeline.call_id != call_id or timeline.lookup is not LookupState.PENDING:
                    return  # a new attempt began, or the answer came another way
                self.attempt = (attempt, tries)
                owner.redraw()
                reply = await _ask(session, call_id, self.turns)
                if isinstance(reply, statistics.Found):
                    owner.handle(StatisticsFound(now(), reply.failed_code, reply.reason))
                    return
                why = reply.why
                if isinstance(reply, statistics.GaveUp):
                    self._refused(why)
                    break
                if why is LookupFailure.UNREACHABLE:
                    owner.page.warn("Call Timeline: call statistics unreachable")
            owner.handle(StatisticsUnavailable(now(), why))
        finally:
            self.running = False
