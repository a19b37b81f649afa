"""Random boot races: events sent at random moments of the card's start-up, checked against the card.

Shared by tests/test_boot_races.py (200 runs) and bench/boot_races.py (any number).
Each run opens a new call card in the emulator (a cold start of the app, as
for every call), sends a random sequence of events at random delays (some
before the frame library has its init data, some while Pyodide loads, while
the wheel installs, around the hand-over, after it), then compares the card's
timeline with what was sent: every event once, in order, with its arrival time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

PHASES = ("before init data", "while Pyodide loads", "while the wheel installs",
          "during hand-over", "right after hand-over", "later")

STATE_NAMES = {"idle": "No connection", "connecting": "Ringing", "connected": "Talking"}

RUN = """async ({schedule, initDelayMs}) => {
  const opened = performance.timeOrigin + performance.now();
  emulator.openCard({state: 'idle', initDelayMs});
  const sent = [];
  const start = performance.now();
  await new Promise((resolve) => {
    const wait = () => {
      if (['CallCard::CallStateChanged', 'CallCard::EntityChanged', 'CallCard::BeforeClose']
          .every((name) => emulator.bound(name) === 1)) resolve();
      else setTimeout(wait, 1);
    };
    wait();
  });
  for (const step of schedule) {
    const due = start + step.delay - performance.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    sent.push(performance.timeOrigin + performance.now());
    emulator.fire(step.event, step.value);
  }
  return {opened, sent};
}"""

READ = """() => {
  const marks = {};
  for (const mark of performance.getEntriesByType('mark')) {
    marks[mark.name.split(':')[1]] = performance.timeOrigin + mark.startTime;
  }
  return {
    events: Number(document.getElementById('timeline').dataset.events || 0),
    rows: [...document.querySelectorAll('#timeline .entry')].map((row) => ({
      what: row.querySelector('.what').textContent,
      detail: row.querySelector('.detail').textContent,
      at: row.querySelector('.clock').getAttribute('datetime'),
    })),
    marks,
  };
}"""


@dataclass
class Report:
    runs: int = 0
    events: int = 0
    phases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PHASES, 0))
    failures: list[str] = field(default_factory=list)


def schedule(rng: random.Random, boot_ms: float) -> list[dict]:
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
    steps, state = [], "idle"
    for index, delay in enumerate(delays):
        if rng.random() < 0.65:
            state = rng.choice([s for s in STATE_NAMES if s != state])
            code = rng.choice(["", "486", "603-S"]) if state == "idle" else ""
            value = [state, {"failedCode": code} if code else {}] if rng.random() < 0.5 else state
            steps.append({"delay": delay, "event": "CallCard::CallStateChanged", "value": value,
                          "row": STATE_NAMES[state]})
        else:
            phone = f"+7{rng.randrange(10**9):09d}{index:02d}"
            steps.append({"delay": delay, "event": "CallCard::EntityChanged",
                          "value": {"PHONE_NUMBER": phone}, "row": "Client", "detail": phone})
    if rng.random() < 0.3:
        steps.append({"delay": delays[-1] + rng.uniform(0, 200), "event": "CallCard::BeforeClose",
                      "value": None, "row": "Card closing"})
    return steps


def epoch_ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def phase(arrived: float, marks: dict[str, float]) -> str:
    for name, mark in (("before init data", "init-data"), ("while Pyodide loads", "pyodide-ready"),
                       ("while the wheel installs", "wheel-installed"),
                       ("during hand-over", "python-live")):
        if mark in marks and arrived < marks[mark]:
            return name
    return "right after hand-over" if arrived < marks.get("python-live", 0) + 150 else "later"


def check_run(steps: list[dict], sent: list[float], seen: dict) -> list[str]:
    """What is wrong with the card's timeline for this run (empty when all is right)."""
    problems = []
    if seen["events"] != len(steps):
        problems.append(f"the card took in {seen['events']} events, {len(steps)} were sent")
    rows = [row for row in seen["rows"] if "(since the card opened)" not in row["what"]]
    wanted = [step["row"] for step in steps]
    got = [row["what"] for row in rows]
    if got != wanted:
        problems.append(f"rows {got} != sent {wanted}")
        return problems
    for step, sent_at, row in zip(steps, sent, rows, strict=True):
        arrived = epoch_ms(row["at"])
        if not sent_at - 2 <= arrived <= sent_at + 1500:
            problems.append(f"{step['row']} sent at {sent_at:.0f}, shown as arriving at {arrived:.0f}")
        if "detail" in step and row["detail"] != step["detail"]:
            problems.append(f"client {row['detail']!r} != {step['detail']!r}")
    arrivals = [epoch_ms(row["at"]) for row in rows]
    if arrivals != sorted(arrivals):
        problems.append("arrival times out of order")
    return problems


def play(page, card, runs: int, seed: int, report: Report | None = None) -> Report:
    """Play ``runs`` random boot races in the emulator open in ``page``."""
    report = report or Report()
    rng = random.Random(seed)
    boots = [4000.0]
    for run in range(runs):
        steps = schedule(rng, sorted(boots[-5:])[len(boots[-5:]) // 2])
        init_delay = rng.choice([0, 0, 0, rng.uniform(100, 500)])
        played = page.evaluate(RUN, {"schedule": steps, "initDelayMs": init_delay})
        sent = played["sent"]
        frame = card()
        frame.wait_for_function("() => document.documentElement.dataset.engine === 'python'",
                                timeout=60_000)
        frame.wait_for_function(
            "count => Number(document.getElementById('timeline').dataset.events) >= count",
            arg=len(steps), timeout=10_000)
        seen = frame.evaluate(READ)
        if "python-live" in seen["marks"]:
            boots.append(seen["marks"]["python-live"] - played["opened"])
        for problem in check_run(steps, sent, seen):
            report.failures.append(f"run {run} (seed {seed}): {problem}")
        rows = [r for r in seen["rows"] if "(since the card opened)" not in r["what"]]
        for row in rows:
            report.phases[phase(epoch_ms(row["at"]), seen["marks"])] += 1
        report.runs += 1
        report.events += len(steps)
    return report
