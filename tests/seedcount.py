"""Counts made straight from the seed's records: what a correct failure report must show.

Written on its own, so that a test comparing the report with these counts checks something: it
reads the records as ``emulator.seed.generate`` returns them and uses neither the product's
aggregation (``placement_app``) nor the emulator's query code (``emulator.statistics``).

A record's day is the date its ``CALL_START_DATE`` names: the portal writes it in its own offset,
so the first ten characters are the portal's local date.  A failed call is any code but ``200``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Tally:
    """Calls and failed calls."""

    total: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Counts:
    """The period's counts: every date of the period is in ``by_day``, even without calls."""

    total: int
    failed: int
    #: Calls by CALL_FAILED_CODE, 200 included.
    by_code: dict[str, int]
    by_day: dict[str, Tally]
    by_line: dict[str, Tally]
    by_operator: dict[str, Tally]

    @property
    def failed_share(self) -> float:
        return self.failed / self.total if self.total else 0.0


def period(today: str, days: int) -> list[str]:
    """The ``days`` local dates ending ``today``, oldest first."""
    last = date.fromisoformat(today)
    return [(last - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]


def _tallies(pairs: Iterable[tuple[str, bool]]) -> dict[str, Tally]:
    totals: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for key, failed in pairs:
        totals[key] += 1
        failures[key] += failed
    return {key: Tally(totals[key], failures[key]) for key in totals}


def count(records: Iterable[Mapping[str, str]], *, today: str, days: int) -> Counts:
    """The counts of the records whose local date is one of the ``days`` dates ending ``today``."""
    dates = period(today, days)
    wanted = set(dates)
    kept = [record for record in records if record["CALL_START_DATE"][:10] in wanted]
    failed = [record["CALL_FAILED_CODE"] != "200" for record in kept]
    def by(name: str) -> dict[str, Tally]:
        return _tallies((record[name], bad) for record, bad in zip(kept, failed, strict=True))
    by_day = _tallies((record["CALL_START_DATE"][:10], bad) for record, bad in zip(kept, failed, strict=True))
    return Counts(
        total=len(kept), failed=sum(failed),
        by_code=dict(Counter(record["CALL_FAILED_CODE"] for record in kept)),
        by_day={day: by_day.get(day, Tally()) for day in dates},
        by_line=by("PORTAL_NUMBER"), by_operator=by("PORTAL_USER_ID"),
    )
