"""Events at any moment of start-up are all shown, once each, in order, with their arrival times."""

from __future__ import annotations

import pytest
import races


RUNS = 200


@pytest.mark.timeout(40 * 60)  # 200 cold starts of the app
def test_random_boot_races(call):
    def card():
        return call.frame

    report = races.play(call.page, card, RUNS, seed=20261125)
    assert report.failures == [], "\n".join(report.failures[:20])
    assert report.runs == RUNS
    print(f"\n{report.runs} runs, {report.events} events; arrivals by phase: {report.phases}")
    for name in races.PHASES:
        assert report.phases[name] > 0, f"no event arrived {name}: {report.phases}"
