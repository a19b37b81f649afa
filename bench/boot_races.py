"""Random boot races at scale: ./dev bench runs the card bench; this one runs, e.g.,

    .venv/bin/python bench/boot_races.py --runs 1000

Prints how many runs and events were checked, where in start-up the events
arrived, and every mismatch between what was sent and what the card shows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import races  # noqa: E402  (beside this file)

import build  # noqa: E402
from emulator.driver import CHROMIUM_FLAGS, chromium_path, cross_site_servers  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import Frame, sync_playwright

    servers = cross_site_servers(build.build())
    started = time.monotonic()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(servers.emulator_url + "?autostart=0")

            def card() -> Frame:
                frame = page.locator("#frame-slot iframe").element_handle().content_frame()
                assert frame is not None
                return frame

            report = races.Report()
            for chunk in range(0, args.runs, 50):
                races.play(page, card, min(50, args.runs - chunk), args.seed + chunk, report)
                print(f"{report.runs} runs, {report.events} events, {len(report.failures)} mismatches",
                      flush=True)
            browser.close()
    finally:
        servers.stop()
    print(f"\n{report.runs} runs, {report.events} events in {time.monotonic() - started:.0f} s")
    print("arrivals by phase: " + ", ".join(f"{k} {v}" for k, v in report.phases.items()))
    print(f"mismatches: {len(report.failures)}")
    for failure in report.failures[:50]:
        print("  " + failure)


if __name__ == "__main__":
    main()
