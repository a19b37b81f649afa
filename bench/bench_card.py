"""Start-up and event latency of the card, against bare Pyodide, in Debian's Chromium.

    ./dev bench [--runs 5] [--events 1000]

Prints figures; asserts nothing.  Each run opens a new call card in the
emulator, as a portal does for every call: "cold" is the first card in a
fresh browser profile, "warm" the next card in the same profile (its disk
cache and compiled-code cache filled, as for an operator's second call).
Times are from the frame's navigation start.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from emulator.driver import CHROMIUM_FLAGS, chromium_path, cross_site_servers  # noqa: E402
from emulator.server import Servers  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page, Playwright

BENCH = Path(__file__).resolve().parent
TARGETS = {"first": 100.0, "ratio": 1.10, "p99": 10.0}


def mark(frame: Frame, name: str, timeout: float = 60_000) -> float:
    # Predicates as functions: the card's CSP refuses the eval of string predicates.
    frame.wait_for_function("name => performance.getEntriesByName(name).length > 0", arg=name,
                            timeout=timeout)
    return float(frame.evaluate("name => performance.getEntriesByName(name)[0].startTime", name))


def open_card(page: Page, url: str | None = None, state: str = "connecting") -> Frame:
    options = {"state": state, **({"url": url} if url else {})}
    page.evaluate("options => emulator.openCard(options)", options)
    page.wait_for_function("document.querySelector('iframe')?.contentWindow != null")
    frame = page.frames[-1]
    return frame


def start_ups(playwright: Playwright, servers: Servers, runs: int) -> dict[str, list[float]]:
    bare_url = servers.app_url + "bench/bare.html"
    figures: dict[str, list[float]] = {key: [] for key in (
        "bare_cold", "bare_warm", "first_cold", "first_warm", "live_cold", "live_warm")}
    for _ in range(runs):
        for kind in ("bare", "card"):
            profile = tempfile.TemporaryDirectory(prefix="bench-profile-")
            context = playwright.chromium.launch_persistent_context(
                profile.name, executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            context.route(lambda url: url.startswith(bare_url),
                          lambda route: route.fulfill(path=str(BENCH / "bare.html")))
            context.route(servers.app_url + "bench/bare.js",
                          lambda route: route.fulfill(path=str(BENCH / "bare.js"),
                                                      content_type="text/javascript"))
            page = context.new_page()
            page.goto(servers.emulator_url + "?autostart=0&autoclose=0")
            for temperature in ("cold", "warm"):
                if kind == "bare":
                    frame = open_card(page, f"{bare_url}?runtime={build.RUNTIME}")
                    figures[f"bare_{temperature}"].append(mark(frame, "bare:live"))
                else:
                    frame = open_card(page)
                    figures[f"first_{temperature}"].append(mark(frame, "call-timeline:first-state"))
                    figures[f"live_{temperature}"].append(mark(frame, "call-timeline:python-live"))
            context.close()
            profile.cleanup()
    return figures


LATENCY = """async ({count, gap}) => {
  const sent = [];
  const states = ['connecting', 'connected'];
  for (let i = 0; i < count; i++) {
    const value = i % 10 === 9 ? ['idle', {failedCode: '486'}] : [states[i % 2], {}];
    sent.push(performance.timeOrigin + performance.now());
    emulator.fire('CallCard::CallStateChanged', value);
    await new Promise(r => setTimeout(r, gap));
  }
  return sent;
}"""

# The card counts the call events it has drawn in data-events on #timeline: the first
# change that shows count n is event n on screen.
OBSERVE = """() => {
  const root = document.getElementById('timeline');
  window.__drawn = [];
  new MutationObserver(() => window.__drawn.push(
      [Number(root.dataset.events || 0), performance.timeOrigin + performance.now()]))
    .observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  return Number(root.dataset.events || 0);
}"""


def latencies(browser: Browser, servers: Servers, count: int) -> list[float]:
    """Milliseconds from the portal sending each event to the card's DOM showing it."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(servers.emulator_url + "?autostart=0&autoclose=0")
    frame = open_card(page, state="idle")
    mark(frame, "call-timeline:python-live")
    page.wait_for_timeout(300)  # not a wait for anything: the first timer ticks pass before measuring
    base = frame.evaluate(OBSERVE)
    sent = page.evaluate(LATENCY, {"count": count, "gap": 12})
    frame.wait_for_function(  # every event drawn
        "count => Number(document.getElementById('timeline').dataset.events || 0) >= count",
        arg=base + count, timeout=30_000)
    drawn = frame.evaluate("window.__drawn")
    context.close()
    result, index = [], 0
    for number, start in enumerate(sent, base + 1):
        while index < len(drawn) and drawn[index][0] < number:
            index += 1
        if index < len(drawn):
            result.append(drawn[index][1] - start)
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = build.build()
    servers = cross_site_servers(site)
    try:
        with sync_playwright() as playwright:
            figures = start_ups(playwright, servers, args.runs)
            # The card on localhost, the portal on 127.0.0.1: a process each, as in production.
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            delays = latencies(browser, servers, args.events)
            browser.close()
    finally:
        servers.stop()
    med = {key: statistics.median(values) for key, values in figures.items()}
    print(f"\nCall Timeline bench: median of {args.runs} runs, ms from the frame's navigation start")
    print(f"{'':28}{'cold':>10}{'warm':>10}")
    print(f"{'bare loadPyodide':28}{med['bare_cold']:>10.0f}{med['bare_warm']:>10.0f}")
    print(f"{'card: first state painted':28}{med['first_cold']:>10.0f}{med['first_warm']:>10.0f}"
          f"   target <= {TARGETS['first']:.0f} warm")
    print(f"{'card: Python handlers live':28}{med['live_cold']:>10.0f}{med['live_warm']:>10.0f}")
    ratio_cold = med["live_cold"] / med["bare_cold"]
    ratio_warm = med["live_warm"] / med["bare_warm"]
    print(f"{'ratio live / bare':28}{ratio_cold:>10.2f}{ratio_warm:>10.2f}"
          f"   target <= {TARGETS['ratio']:.2f}")
    if delays:
        print(f"\nevent -> DOM, {len(delays)} of {args.events} events through the emulator:"
              f" p50 {percentile(delays, 0.5):.2f} ms, p95 {percentile(delays, 0.95):.2f} ms,"
              f" p99 {percentile(delays, 0.99):.2f} ms, max {max(delays):.2f} ms"
              f"   target p99 <= {TARGETS['p99']:.0f} ms")
    else:
        print("\nevent -> DOM: no DOM change was observed")


if __name__ == "__main__":
    main()
