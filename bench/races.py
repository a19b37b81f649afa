"""Random boot races: events sent at random moments of the card's start-up, checked against the card.

Used by bench/boot_races.py (run by hand, any number of runs); the test suite
holds each phase open instead (tests/e2e/test_boot_phases.py).  Each run opens
a new call card in the emulator (a cold start of the app, as for every call),
sends a random sequence of events at random delays (some before the frame
library has its init data, some while Pyodide loads, while the wheel installs,
around the hand-over, after it), then compares the card's timeline with what
was sent: every event once, in order, with its arrival time within
``ARRIVAL_TOLERANCE_MS`` of its sending.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.driver import (
    ALL_EVENTS,
    BEFORE_CLOSE,
    ENTITY_CHANGED,
    PHASES,
    STATE_CHANGED,
    STATE_ROWS,
    Sent,
    check_timeline,
    read_timeline,
)

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

# Plays one schedule from the emulator's page: each event at its delay after binding,
# stamped with Date.now() (the clock of the card's arrival times) as it is sent.
RUN = """async ({schedule, initDelayMs, events}) => {
  const opened = Date.now();
  emulator.openCard({state: 'idle', initDelayMs});
  await new Promise((resolve) => {
    const wait = () => (events.every((name) => emulator.bound(name) === 1) ? resolve() : setTimeout(wait, 1));
    wait();
  });
  const sent = [];
  const start = performance.now();
  for (const step of schedule) {
    const due = start + step.delay - performance.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    sent.push(Date.now());
    emulator.fire(step.event, ...(step.value === null ? [] : [step.value]));
  }
  return {opened, sent};
}"""

@dataclass
class Report:
    runs: int = 0
    events: int = 0
    phases: dict[str, int] = field(default_factory=lambda: dict.fromkeys((name for name, _ in PHASES), 0))
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    delay: float
    event: str
    value: Any
    row: str
    detail: str | None = None


def schedule(rng: random.Random, boot_ms: float) -> list[Step]:
    """A random event sequence: distinct successive states, unique clients, maybe a close.

    The events cluster around a random moment of the expected start-up
    (``boot_ms``, measured on earlier runs), so that across runs they land in
    every phase, the short ones included.
    """
    early = rng.random() < 0.2
    focus = rng.uniform(0, 300) if early else rng.uniform(0, 1.1 * boot_ms)
    spread = 150 if early else boot_ms / 8
    count = rng.randint(3, 12)
    delays = sorted(max(0.0, rng.gauss(focus, spread)) for _ in range(count))
    steps, state, talked = [], "idle", False
    for index, delay in enumerate(delays):
        if rng.random() < 0.65:
            previous, state = state, rng.choice([s for s in STATE_ROWS if s != state])
            talked = (talked and previous != "idle") or state == "connected"
            code = rng.choice(["", "486", "603-S"]) if state == "idle" else ""
            value = [state, {"failedCode": code} if code else {}] if rng.random() < 0.5 else state
            steps.append(Step(delay, STATE_CHANGED, value, STATE_ROWS[state]))
        else:
            phone = f"+7{rng.randrange(10**9):09d}{index:02d}"
            steps.append(Step(delay, ENTITY_CHANGED, {"PHONE_NUMBER": phone}, "Client", phone))
    if state == "idle" and rng.random() < 0.3:
        # The portal's auto-close after an idle: the card held from bind lets an answered call go
        # at once (this is then the real close), and holds any other.
        row = "Card closing" if talked else "Kept open so you can read the outcome"
        steps.append(Step(delays[-1] + rng.uniform(0, 200), BEFORE_CLOSE, None, row))
    return steps


def play(page: Page, card: Callable[[], Frame], runs: int, seed: int, report: Report | None = None) -> Report:
    """Play ``runs`` random boot races in the emulator open in ``page``."""
    report = report or Report()
    rng = random.Random(seed)
    boots = [4000.0]
    for run in range(runs):
        steps = schedule(rng, statistics.median(boots[-5:]))
        init_delay = rng.choice([0, 0, 0, rng.uniform(100, 500)])
        played = page.evaluate(RUN, {"schedule": [step.__dict__ for step in steps],
                                     "initDelayMs": init_delay, "events": list(ALL_EVENTS)})
        frame = card()
        frame.wait_for_function("() => document.documentElement.dataset.engine === 'python'",
                                timeout=60_000)
        frame.wait_for_function(
            "count => Number(document.getElementById('timeline').dataset.events) >= count",
            arg=len(steps), timeout=10_000)
        seen = read_timeline(frame)
        if "python-live" in seen.marks:
            boots.append(seen.marks["python-live"] - played["opened"])
        sent = [Sent(step.event, step.row, step.detail, at)
                for step, at in zip(steps, played["sent"], strict=True)]
        for problem in check_timeline(sent, seen):
            report.failures.append(f"run {run} (seed {seed}): {problem}")
        for row in seen.rows:
            report.phases[seen.phase(row.at)] += 1
        report.runs += 1
        report.events += len(steps)
    return report
