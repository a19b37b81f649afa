"""The portal's REST limits and the emulator's cost model: what a busy portal makes an app wait for.

Sources: Bitrix24's REST docs, ``limits.md`` (``bitrix-tools/b24-rest-docs``; the same text in
``settings/performance/limits.md``), its system errors (``_includes/system-errors.md``), and the
official SDK's defaults (``bitrix24/b24jssdk``, ``packages/jssdk/src/core/http/limiters/
params-factory.ts``: ``burstLimit`` 50, ``drainRate`` 2, ``windowMs`` 600 000, ``limitMs``
480 000), which agree:

- **Request rate**: a leaky bucket per portal (and source IP).  Each request adds one to a
  counter that drains by ``rate`` a second; when the counter is above ``bucket``, the request is
  refused with HTTP 503 ``QUERY_LIMIT_EXCEEDED`` ("Too many requests").  The plans: Enterprise
  5 a second and 250, every other plan 2 and 50; the emulator models the other plans
  (:data:`ENTERPRISE` is there for a bench that wants the larger one).  A ``batch`` is one
  request.  Whether a refused request adds to the counter is not documented; here it does not
  (a guess).
- **Operating time**: each method's execution time, per app, is summed in 10 one-minute slots;
  a slot counts from the first call in its minute and leaves the sum 10 minutes later
  (``operating_reset_at`` is when the oldest leaves).  The sum is checked before each call: over
  the budget (480 s, the docs' example and the SDK's default), the call is refused with HTTP 429
  ``OPERATION_TIME_LIMIT`` ("Method is blocked due to operation time limit"); the call that went
  over completes.  The outer ``batch`` is not counted; its commands are, each to its method.
  Every answer's ``time`` carries ``operating`` and ``operating_reset_at`` (the docs' examples).
- **Server time of a page of records**: not published.  The emulator charges
  ``page_cost_s`` (0.1 s, **a guess**) for a page of 50 records, in proportion to the records
  listed (so a lookup that finds one record costs 2 ms, and an empty one nothing: also a guess),
  and really spends it (sleeps) so that a browser and the bench see it.  Requests on several
  connections are served in parallel, as a portal's web servers serve them: the emulator does not
  cap that (a browser opens at most six connections to a host, and the bucket bounds the rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: The refusals, in the docs' words (system errors).
QUERY_LIMIT = {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
OPERATION_LIMIT = {"error": "OPERATION_TIME_LIMIT",
                   "error_description": "Method is blocked due to operation time limit"}


@dataclass(frozen=True)
class Limits:
    """The limits the emulated portal enforces and what its work costs (defaults: see the module)."""

    #: Requests the bucket drains a second (``Y`` in the docs' table).
    rate: float = 2.0
    #: Requests the bucket holds before it refuses (``X``).
    bucket: float = 50.0
    #: A method's operating time allowed within the window, in seconds.
    operating_budget_s: float = 480.0
    #: How long a slot's time counts, and how many slots the window has.
    operating_window_s: float = 600.0
    operating_slots: int = 10
    #: Server time of a page of records (a guess: not published), and the page's size.
    page_cost_s: float = 0.1
    page_size: int = 50

    def cost(self, records: int) -> float:
        """The server time charged for listing ``records`` records."""
        return self.page_cost_s * records / self.page_size


#: The Enterprise plan's bucket (limits.md).
ENTERPRISE = Limits(rate=5.0, bucket=250.0)
#: No limits and no cost: for tests about something else.
UNLIMITED = Limits(rate=math.inf, bucket=math.inf, operating_budget_s=math.inf, page_cost_s=0.0)


@dataclass
class _Slot:
    first: float
    total: float


@dataclass
class Meter:
    """The portal's account of an app's requests: the bucket, and each method's operating time.

    Not thread-safe: the portal calls it under its lock.  ``now`` is the wall clock (s).
    """

    limits: Limits
    level: float = 0.0
    drained_at: float = 0.0
    slots: dict[str, dict[int, _Slot]] = field(default_factory=dict)

    def admit(self, now: float) -> bool:
        """One request: whether the bucket lets it through (and counts it, when it does)."""
        if self.drained_at:
            self.level = max(0.0, self.level - (now - self.drained_at) * self.limits.rate)
        self.drained_at = now
        if self.level > self.limits.bucket:  # "when the counter exceeds X, the next is blocked"
            return False
        self.level += 1
        return True

    def _current(self, method: str, now: float) -> dict[int, _Slot]:
        slots = self.slots.setdefault(method, {})
        for minute in [m for m, slot in slots.items() if slot.first + self.limits.operating_window_s <= now]:
            del slots[minute]
        return slots

    def operating(self, method: str, now: float) -> tuple[float, int]:
        """``method``'s operating time now, and when the oldest slot leaves it (a timestamp, s)."""
        slots = self._current(method, now)
        oldest = min((slot.first for slot in slots.values()), default=now)
        return sum(slot.total for slot in slots.values()), math.ceil(oldest + self.limits.operating_window_s)

    def blocked(self, method: str, now: float) -> bool:
        """Whether ``method`` is over its budget (checked before each call)."""
        return self.operating(method, now)[0] > self.limits.operating_budget_s

    def charge(self, method: str, started: float, seconds: float) -> None:
        """Count a call of ``method`` begun at ``started`` that took ``seconds``."""
        length = self.limits.operating_window_s / self.limits.operating_slots
        slots = self._current(method, started)
        slot = slots.setdefault(int(started // length), _Slot(started, 0.0))
        slot.total += seconds

    def time_block(self, method: str, now: float) -> dict[str, float | int]:
        """The ``operating`` keys of an answer's ``time``."""
        operating, reset_at = self.operating(method, now)
        return {"operating_reset_at": reset_at, "operating": operating}
