"""Loading the portal's call records for the report: newest first, in parallel batches, within its limits.

The portal's limits, from Bitrix24's REST docs (``bitrix-tools/b24-rest-docs``):

- a page of ``voximplant.statistic.get`` holds 50 records, ``start`` picks it
  and the answer carries ``total`` (``voximplant-statistic-get.md``);
- ``batch`` carries up to 50 calls and runs them one after another
  (``settings/how-to-call-rest-api/batch.md``);
- requests fill a leaky bucket per portal: over ``X`` (50; 250 on Enterprise)
  a request answers 503 ``QUERY_LIMIT_EXCEEDED``, and it drains ``Y`` a second
  (2; 5): "slow down, retry with a growing delay, and do not run several series
  of requests in parallel" (``limits.md``);
- each method's run time is summed over ten one-minute baskets (``operating``
  in every answer's ``time``, with ``operating_reset_at``); over the limit
  (480 s in the docs' example) the method answers 429 ``OPERATION_TIME_LIMIT``
  until a basket drops out.  ``batch`` itself is not counted, its calls are;
- a page asked by ``start`` makes the portal count ``total`` too, which is
  slow over a large table (``settings/performance/huge-data.md``, which pages
  by ``>ID`` with ``start=-1`` instead).  That way is a chain: each page's
  filter needs the last ID of the one before, so pages cannot be asked in
  parallel.  Here the pages are asked by ``start`` of a fixed, filtered set
  (``ID`` between the cache's highest and the first page's lowest, from
  ``since``), so that several batches can run at once and the progress has
  its total; on the emulated portal a page costs the same either way.

The plan (:func:`load`): a first page of the newest records (``ID`` above the
cache's highest, ``known``) says how many there are and which is the lowest
ID already seen; every other record lies below it, a fixed set that new calls
cannot shift, so its pages are planned at once and asked for in batches, a few
in flight together (the browser opens at most six connections to a host), the
newest pages first and in small batches at first so that the last day arrives
early.  Pages reach ``on_calls`` in order, newest first, whatever order the
batches finish in.  "Newer" is by ID, not date: a record is written when its
call ends, and a long call starts early.

``sleep`` and ``clock`` are given, so tests drive the back-off without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..core.untrusted import clip
from ..portal import client
from ..portal.client import Command, Failed, FailureKind, Ok
from .report import Call, record_id, take

METHOD = "voximplant.statistic.get"
#: The user method that names operators (``user/user-get.md``; scope ``user``, ``user_brief`` or
#: ``user_basic``).
USER_METHOD = "user.get"
#: Records a page (``voximplant-statistic-get.md``).
PAGE = 50
#: Batches in flight at once: Chromium opens six connections to a host over HTTP/1.1, so more
#: would only wait in the browser.
IN_FLIGHT = 6
#: Pages of each of the first batches, small so that the newest records come early; each round of
#: batches doubles it, up to ``client.MAX_BATCH``.
FIRST_BATCH = 8
#: The bucket as this loader counts its own requests: the docs' ``X`` and ``Y`` for a portal that
#: is not Enterprise, with room left for the other tabs of the app.
BUCKET_SIZE = 50
BUCKET_ROOM = 10
BUCKET_RATE = 2.0
#: A method's operating time (s in ten minutes) past which the portal refuses it (``limits.md``'s
#: example; the portal's own figure is its configuration), and the length of one basket.
OPERATING_LIMIT = 480.0
BASKET = 60.0
#: Waits after ``QUERY_LIMIT_EXCEEDED`` or a passing failure: doubling from the first, at most the last.
FIRST_DELAY = 1.0
MAX_DELAY = 32.0
#: Passing failures (5xx, no answer) in a row before the load gives up.
MAX_TRIES = 6

#: Failures the loader waits out; any other stops it (``ACCESS_DENIED``, no scope, a refused token...).
SLOW_DOWN = (FailureKind.QUERY_LIMIT, FailureKind.OPERATION_LIMIT, FailureKind.TRANSIENT,
             FailureKind.UNREACHABLE)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class LoadResult:
    """How a load ended.

    ``highest`` is the ID the cache may call known from now on: the newest
    record's when every record above ``known`` came, else ``known`` still
    (the next load asks again for what is missing).  ``stopped`` says why a
    load ended early (its ``kind`` names the admin's words), ``None`` when
    it did not.
    """

    highest: int
    loaded: int
    total: int
    complete: bool
    stopped: Failed | None = None
    requests: int = 0
    #: Records the portal sent that could not be read (left out).
    unreadable: int = 0


def page_params(known: int, since: str, below: int | None, start: int) -> dict[str, object]:
    """One page of the records with ``ID`` above ``known`` (and below ``below``), started from
    ``since`` (ISO 8601 with the offset), newest ID first."""
    where: dict[str, object] = {">ID": known, ">=CALL_START_DATE": since}
    if below is not None:
        where["<ID"] = below
    return {"FILTER": where, "SORT": "ID", "ORDER": "DESC", "start": start}


@dataclass
class _Limits:
    """What the loader knows of the portal's limits as it goes (on its own ``clock``)."""

    clock: Clock
    bucket: float = 0.0
    bucket_at: float = 0.0
    delay: float = 0.0
    resume_at: float = 0.0
    #: The method's operating time as last reported (by the answer that finished last), and when (on
    #: ``clock``) its oldest basket drops out; ``stale`` once that moment passed: the next call (one
    #: alone) learns the new figure.
    operating: float = 0.0
    operating_finish: float = 0.0
    eases_at: float | None = None
    stale: bool = False
    #: The limit as this loader believes it: the docs' figure, or less once the portal refused sooner.
    operating_limit: float = OPERATING_LIMIT
    #: The mean run time of one call, as the answers tell it.
    per_call: float = 0.1
    calls_timed: int = 0
    in_flight_calls: int = 0
    parallel: int = IN_FLIGHT
    requests: int = 0
    tries: int = 0

    def room(self) -> int:
        """Calls that may go now within the method's operating time, besides those in flight."""
        if self.stale:
            return 0 if self.in_flight_calls else 1
        fits = int((self.operating_limit - self.operating) / max(self.per_call, 1e-3)) - self.in_flight_calls
        return max(0, fits)

    def wait_for(self, calls: int) -> float:
        """Seconds to wait before a request of ``calls`` calls may go (the bucket, a back-off, and
        with nothing in flight and no room, the oldest basket's drop)."""
        now = self.clock()
        self.bucket = max(0.0, self.bucket - (now - self.bucket_at) * BUCKET_RATE)
        self.bucket_at = now
        wait = max(0.0, self.resume_at - now)
        over = self.bucket + 1 - (BUCKET_SIZE - BUCKET_ROOM)
        if over > 0:
            wait = max(wait, over / BUCKET_RATE)
        if calls and self.room() < 1 and not self.in_flight_calls:
            eases = self.eases_at if self.eases_at is not None and self.eases_at > now else now + BASKET
            wait = max(wait, eases - now)
            self.eases_at, self.stale = eases, True
        return wait

    def sent(self, calls: int) -> None:
        self.bucket += 1
        self.requests += 1
        self.in_flight_calls += calls

    def answered(self, calls: int) -> None:
        self.in_flight_calls -= calls

    def timed(self, timing: client.Timing | None) -> None:
        """A call's ``time``: its run time, and the method's operating time and reset."""
        if timing is None:
            return
        self.calls_timed += 1
        self.per_call += (timing.duration - self.per_call) / self.calls_timed
        if timing.operating is not None and timing.finish >= self.operating_finish:
            # The latest figure wins: answers of batches in flight together come in any order.
            self.operating, self.operating_finish, self.stale = timing.operating, timing.finish, False
            self.eases_at = (self.clock() + max(0.0, timing.operating_reset_at - timing.finish)
                             if timing.operating_reset_at is not None else None)

    def ok(self) -> None:
        self.delay = 0.0
        self.tries = 0
        self.parallel = min(IN_FLIGHT, self.parallel + 1)

    def slow_down(self, failure: Failed) -> bool:
        """Wait before the next request as the failure asks; ``False`` when it is no longer worth it."""
        now = self.clock()
        self.delay = min(MAX_DELAY, self.delay * 2 if self.delay else FIRST_DELAY)
        if failure.kind is FailureKind.OPERATION_LIMIT:
            # The docs: first wait for ``operating_reset_at`` of the last good answer, then for the
            # next basket to drop out.  The portal's limit is at most what it last reported.
            eases = self.eases_at if self.eases_at is not None and self.eases_at > now else now + BASKET
            self.operating_limit = min(self.operating_limit, max(self.operating, self.per_call))
            self.resume_at = max(self.resume_at, eases)
            self.eases_at, self.stale = None, True
            return True
        if failure.kind is FailureKind.QUERY_LIMIT:
            # The portal's bucket is full: wait for it to drain below this loader's share, and longer
            # each time in a row (someone else fills it too), one series at a time until the portal
            # answers again (limits.md).
            self.parallel = 1
            self.bucket = float(BUCKET_SIZE)
            self.bucket_at = now + self.delay
            return True
        self.tries += 1
        if self.tries >= MAX_TRIES:
            return False
        self.resume_at = max(self.resume_at, now + self.delay)
        return True


@dataclass
class _Pages:
    """Pages of records by their place, newest first, handed on in that order as they come."""

    on_calls: Callable[[list[Call]], None]
    on_progress: Callable[[int, int], None]
    total: int = 0
    arrived: dict[int, list[Call]] = field(default_factory=dict)
    handed: int = 0
    loaded: int = 0
    unreadable: int = 0

    def put(self, place: int, records: list[object]) -> None:
        calls = [call for call in map(take, records) if call is not None]
        self.unreadable += len(records) - len(calls)
        self.arrived[place] = calls
        while self.handed in self.arrived:
            page = self.arrived.pop(self.handed)
            self.handed += 1
            self.loaded += len(page)
            if page:
                self.on_calls(page)
            self.on_progress(min(self.loaded, self.total), self.total)


def _records(result: object) -> list[object] | None:
    return result if isinstance(result, list) else None


def _ids(records: Iterable[object]) -> list[int]:
    """The records' IDs, read ones or not: the next pages' bound must leave out every record seen."""
    ids = (record_id(record.get("ID")) for record in records if isinstance(record, Mapping))
    return [found for found in ids if found is not None]


async def _first_page(session: client.Session, params: Mapping[str, object], limits: _Limits,
                      sleep: Sleep) -> Ok | Failed:
    """The first page, asked again while the portal says to slow down."""
    while True:
        wait = limits.wait_for(1)
        if wait > 0:
            await sleep(wait)
        limits.sent(1)
        reply = await session.call(METHOD, params)
        limits.answered(1)
        if isinstance(reply, Ok):
            limits.ok()
            limits.timed(reply.time)
            return reply
        if reply.kind not in SLOW_DOWN or not limits.slow_down(reply):
            return reply


async def load(session: client.Session, *, known: int, since: str,
               on_calls: Callable[[list[Call]], None], on_progress: Callable[[int, int], None],
               sleep: Sleep = asyncio.sleep, clock: Clock = time.monotonic,
               in_flight: int = IN_FLIGHT) -> LoadResult:
    """Load every record with ``ID`` above ``known`` started from ``since``; see the module's plan.

    ``on_calls`` gets each page's calls, newest page first; ``on_progress``
    gets (records handed on, records in all) after each page.
    """
    limits = _Limits(clock, bucket_at=clock(), parallel=in_flight)
    pages = _Pages(on_calls, on_progress)
    first = await _first_page(session, page_params(known, since, None, 0), limits, sleep)
    if isinstance(first, Failed):
        return LoadResult(known, 0, 0, False, first, limits.requests)
    records = _records(first.result)
    if records is None:
        return LoadResult(known, 0, 0, False, Failed("", "not a list of call records", method=METHOD),
                          limits.requests)
    ids = _ids(records)
    pages.total = max(first.total or 0, len(records))
    pages.put(0, records)
    if not ids or pages.total <= len(records):
        return LoadResult(max(ids, default=known), pages.loaded, pages.total, True, None, limits.requests,
                          pages.unreadable)
    highest, lowest = max(ids), min(ids)
    # The rest lies below the lowest ID seen: a set new records cannot shift.
    remaining = pages.total - len(records)
    planned = -(-remaining // PAGE)
    todo: deque[int] = deque(range(planned))
    running: dict[asyncio.Task[client.BatchReply | Failed], list[int]] = {}
    stopped: Failed | None = None
    sent_batches = 0

    def command(page: int) -> Command:
        return Command(METHOD, page_params(known, since, lowest, page * PAGE))

    try:
        while (todo or running) and stopped is None:
            while todo and len(running) < min(in_flight, limits.parallel):
                free = max(1, min(in_flight, limits.parallel) - len(running))
                ramp = FIRST_BATCH << min(3, sent_batches // in_flight)
                # At the end, what is left is shared out, so that the last batches end together.
                size = max(1, min(ramp, client.MAX_BATCH, -(-len(todo) // free)))
                if limits.room() < 1 and running:
                    break  # the method's time is spoken for: an answer will say how much is left
                wait = limits.wait_for(size)
                if wait > 0:
                    if running:
                        break  # let an answer come first: it may be what the wait was for
                    await sleep(wait)
                    continue
                size = max(1, min(size, limits.room()))
                batch = [todo.popleft() for _ in range(min(size, len(todo)))]
                limits.sent(len(batch))
                sent_batches += 1
                task = asyncio.ensure_future(session.batch({f"p{page}": command(page) for page in batch}))
                running[task] = batch
            if not running:
                continue
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=lambda finished: running[finished][0]):  # in the pages' order
                batch = running.pop(task)
                limits.answered(len(batch))
                answer = task.result()
                if isinstance(answer, Failed):
                    todo.extendleft(reversed(batch))
                    if answer.kind not in SLOW_DOWN or not limits.slow_down(answer):
                        stopped = answer
                    continue
                redo: list[int] = []
                for page in batch:
                    reply = answer.replies.get(f"p{page}")
                    if isinstance(reply, Ok) and _records(reply.result) is not None:
                        limits.timed(reply.time)
                        got = _records(reply.result) or []
                        if reply.total is not None and reply.total > remaining and page == planned - 1:
                            # More than counted (records came back into view): plan their pages too.
                            more = -(-(reply.total - remaining) // PAGE)
                            todo.extend(range(planned, planned + more))
                            planned += more
                            remaining = reply.total
                            pages.total = remaining + len(records)
                        pages.put(page + 1, got)
                        continue
                    failure = reply if isinstance(reply, Failed) else Failed(
                        "", "not a list of call records", method=METHOD)
                    redo.append(page)
                    if failure.kind not in SLOW_DOWN or not limits.slow_down(failure):
                        stopped = stopped or failure
                if redo:
                    todo.extendleft(reversed(redo))
                else:
                    limits.ok()
    finally:
        for task in running:
            task.cancel()
    complete = stopped is None and not todo
    return LoadResult(highest if complete else known, pages.loaded, pages.total, complete, stopped,
                      limits.requests, pages.unreadable)


async def _batch_until_answered(session: client.Session, commands: Mapping[str, Command], limits: _Limits,
                                sleep: Sleep) -> client.BatchReply | Failed:
    """A batch every call of which answered, asked again while the portal says to slow down; or the
    failure that stops it."""
    while True:
        wait = limits.wait_for(0)
        if wait > 0:
            await sleep(wait)
        limits.sent(0)
        answer = await session.batch(commands)
        failure = answer if isinstance(answer, Failed) else next(
            (reply for reply in answer.replies.values() if isinstance(reply, Failed)), None)
        if failure is None:
            return answer
        if failure.kind not in SLOW_DOWN or not limits.slow_down(failure):
            return failure


def _name(user: object) -> tuple[str, str] | None:
    if not isinstance(user, Mapping):
        return None
    user_id = user.get("ID")
    user_id = str(user_id) if isinstance(user_id, int | str) and str(user_id).isdigit() else None
    if user_id is None:
        return None
    parts = [user.get(key) for key in ("NAME", "LAST_NAME")]
    name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return (user_id, clip(name, 80)) if name else None


async def names(session: client.Session, ids: Iterable[str], *, sleep: Sleep = asyncio.sleep,
                clock: Clock = time.monotonic) -> dict[str, str] | Failed:
    """Operators' names by user ID (``user.get``, a page of 50 IDs a call, up to 50 calls a batch).

    ``Failed`` when the portal refuses (no ``user`` scope: the page then
    shows IDs and says why); a slow-down is waited out like the records'.
    """
    wanted = sorted({user_id for user_id in ids if user_id.isdigit()}, key=int)
    found: dict[str, str] = {}
    limits = _Limits(clock, bucket_at=clock())
    chunks = [wanted[at:at + PAGE] for at in range(0, len(wanted), PAGE)]
    for at in range(0, len(chunks), client.MAX_BATCH):
        commands = {f"u{at + index}": Command(USER_METHOD, {"FILTER": {"ID": chunk}})
                    for index, chunk in enumerate(chunks[at:at + client.MAX_BATCH])}
        answer = await _batch_until_answered(session, commands, limits, sleep)
        if isinstance(answer, Failed):
            return answer
        for reply in answer.replies.values():
            users = reply.result if isinstance(reply, Ok) and isinstance(reply.result, list) else []
            found.update(pair for pair in map(_name, users) if pair is not None)
    return found
