"""Start-up, CPU, memory, bytes and event latency of the card, against bare Pyodide, in Debian's Chromium.

    ./dev bench [--runs 5] [--events 1000]

Prints figures beside the card's speed targets and writes them to
build/bench.json; asserts nothing.  Each run opens new call cards in the
emulator, as a portal does for every call, with the card on ``localhost``
and the portal on 127.0.0.1 (two sites, so the card has a renderer process
of its own, as under a real portal): "cold" is the first card in a fresh
browser profile, "warm" the next card in the same profile (its HTTP cache
and compiled-code cache filled, as for an operator's second call).  Bare
``loadPyodide`` of the same runtime from the same site (bench/bare.html) is
measured in the same run, in a fresh profile of its own, and each ratio is
taken within its run.  Times are from the frame's navigation start.  How
each figure is taken is in bench/instrument.py.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import instrument  # noqa: E402  (beside this file)

import build  # noqa: E402
from emulator.driver import CHROMIUM_FLAGS, chromium_path, cross_site_servers  # noqa: E402
from emulator.server import Servers  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright

JSON_PATH = ROOT / "build" / "bench.json"
ENTRY = "placement_app.card.app"
KB = 1024

# Start-up as consecutive segments: each ends at its checkpoint (a mark of the worker or of
# the runtime, or ``page:`` a mark of the card's page) and starts at the previous checkpoint
# that was reached, so that the segments add up to "Python live".  A path that skips a step
# (a runtime restored from a snapshot installs no wheel) shows it as "-".  Bare Pyodide has
# the runtime's checkpoints, then "bare:live".
SEGMENTS = (
    ("worker started (HTML, shim, engine.js)", "worker-start"),
    ("pyodide.mjs imported (boot message)", "runtime-module"),
    ("pyodide.asm.mjs loaded (1.2 MB of JS)", "wasm-start:pyodide.asm.wasm"),
    ("wasm fetch + compile + instantiate", "wasm-done:pyodide.asm.wasm"),
    ("stdlib in place (python_stdlib.zip)", "fs-ready"),
    ("Python init, bootstrap, micropip+packaging", "loadPyodide-done"),
    ("runtime handed over (snapshot: reseed, checks)", "load-done"),
    ("micropip import", "import:micropip-done"),
    ("wheel install (micropip)", "install-done"),
    ("app import", f"import:{ENTRY}-done"),
    ("first draw (the app's main())", "main-done"),
    ("hand-over (queued events)", "live"),
    ("'live' reaches the page", "page:python-live"),
    ("bare: loadPyodide returns to the page", "bare:live"),
)
# Spans that overlap the segments above: (name, start mark, end mark).  (Not the wheels that
# loadPyodide fetches: their responses reach the worker only when Python's start-up lets go
# of its thread, so their span would time the thread, not the network.)
SPANS = (
    ("  of which: wasm response headers", "fetch-start:pyodide.asm.wasm", "fetch-headers:pyodide.asm.wasm"),
    ("  of which: stdlib fetch", "fetch-start:python_stdlib.zip", "fetch-body:python_stdlib.zip"),
    ("  of which: lock file fetch", "fetch-start:pyodide-lock.json", "fetch-body:pyodide-lock.json"),
    ("  of which: snapshot fetch", "fetch-start:*.snapshot", "fetch-body:*.snapshot"),
)

TARGETS = {
    "live_ratio": 1.10, "live_ratio_warm_stretch": 0.30, "first_paint_warm_ms": 100.0,
    "first_paint_cold_ms": 150.0, "event_p50_ms": 2.0, "event_p99_ms": 10.0, "bytes_allowance": 150 * KB,
}


def mark(frame: Frame, name: str, timeout: float = 90_000) -> float:
    # Predicates as functions: the card's CSP refuses the eval of string predicates.
    frame.wait_for_function("name => performance.getEntriesByName(name).length > 0", arg=name,
                            timeout=timeout)
    return float(frame.evaluate("name => performance.getEntriesByName(name)[0].startTime", name))


def open_card(page: Page, url: str | None = None, state: str = "connecting") -> Frame:
    options = {"state": state, **({"url": url} if url else {})}
    page.evaluate("options => emulator.openCard(options)", options)
    page.wait_for_function("document.querySelector('#frame-slot iframe')?.contentWindow != null")
    return page.frames[-1]


@dataclass
class Load:
    """One page load: times in ms from the frame's navigation start, and what it cost."""

    marks: dict[str, float] = field(default_factory=dict)
    files: list[tuple[str, int, int]] = field(default_factory=list)
    cpu_ms: float | None = None
    main_thread_cpu_ms: float | None = None
    heap_page: int | None = None
    heap_worker: int | None = None
    buffers_worker: int | None = None
    wasm_memory: int | None = None
    fresh_process: bool = True
    cpu_at_attach_ms: float = 0.0

    @property
    def raw(self) -> int:
        return sum(raw for _, raw, _ in self.files)

    @property
    def gz(self) -> int:
        return sum(gz for _, _, gz in self.files)


def measure(context: BrowserContext, page: Page, servers: Servers, counter: instrument.ByteCounter,
            processes: instrument.Processes, bare: bool) -> Load:
    """Open a card (or the bare page) in the emulator, measure it, close it, wait for its process to go."""
    counter.take()
    frame = open_card(page, f"{servers.app_url}bench/bare.html?runtime={build.RUNTIME}" if bare else None)
    frame.wait_for_url(servers.app_url + "**", wait_until="commit")
    probe = instrument.FrameProbe(context, page, frame)
    load = Load()
    load.cpu_at_attach_ms = probe.metrics().get("ProcessTime", 0.0) * 1000
    load.fresh_process = load.cpu_at_attach_ms < 500
    if bare:
        load.marks["bare:live"] = mark(frame, "bare:live")
    else:
        load.marks["page:first-state"] = mark(frame, "call-timeline:first-state")
        load.marks["page:python-live"] = mark(frame, "call-timeline:python-live")
    metrics = probe.metrics()
    pid = processes.renderer_near(metrics.get("ProcessTime", 0.0))
    load.cpu_ms = metrics.get("ProcessTime", 0.0) * 1000
    load.main_thread_cpu_ms = metrics.get("ThreadTime", 0.0) * 1000
    # Memory as retained: after a forced garbage collection (after the CPU time is read).
    probe.session.send("HeapProfiler.collectGarbage")
    load.heap_page = probe.page_heap()
    origin = float(frame.evaluate("performance.timeOrigin"))
    if bare:
        seen = frame.evaluate(instrument.READ) or {}
    else:
        probe.attach_worker()
        probe.worker("HeapProfiler.collectGarbage")
        heap = probe.worker("Runtime.getHeapUsage") or {}
        load.heap_worker = int(heap["usedSize"]) if "usedSize" in heap else None
        load.buffers_worker = int(heap["backingStorageSize"]) if "backingStorageSize" in heap else None
        seen = probe.worker_value(f"({instrument.READ})()") or {}
    load.wasm_memory = seen.get("wasm")
    for name, at in (seen.get("marks") or {}).items():
        load.marks[name] = float(at) - origin
    probe.close()
    page.evaluate("emulator.closeCard()")
    processes.wait_gone(page, pid)
    load.files = counter.take()
    return load


def start_ups(playwright: Playwright, servers: Servers, counter: instrument.ByteCounter,
              runs: int) -> list[dict[str, Load]]:
    """Per run: bare and card, cold and warm, each kind in a fresh profile of its own."""
    results = []
    for number in range(runs):
        run: dict[str, Load] = {}
        for kind in ("bare", "card"):
            profile = tempfile.TemporaryDirectory(prefix="bench-profile-")
            context = playwright.chromium.launch_persistent_context(
                profile.name, executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            processes = instrument.Processes(context)
            page = context.new_page()
            page.goto(servers.emulator_url + "?autostart=0")
            for temperature in ("cold", "warm"):
                run[f"{kind}_{temperature}"] = measure(context, page, servers, counter, processes,
                                                       bare=kind == "bare")
            context.close()
            profile.cleanup()
        print(f"[bench] run {number + 1}/{runs}: live cold {run['card_cold'].marks['page:python-live']:.0f}"
              f" ms, warm {run['card_warm'].marks['page:python-live']:.0f} ms; bare cold"
              f" {run['bare_cold'].marks['bare:live']:.0f}, warm {run['bare_warm'].marks['bare:live']:.0f}",
              flush=True)
        results.append(run)
    return results


# --- event -> DOM ------------------------------------------------------------------------

# In the emulator's page and in the card's frame, before their own scripts: a ping-pong that
# tells the offset between the two pages' clocks (two renderer processes when cross-site).
CLOCKS = r"""(() => {
  const now = () => performance.timeOrigin + performance.now();
  const isPing = (data) => data && typeof data === 'object' && 'benchPing' in data;
  const isPong = (data) => data && typeof data === 'object' && 'benchPong' in data;
  if (window === window.top) {
    const waiting = new Map();
    window.addEventListener('message', (event) => {
      if (!isPong(event.data)) return;
      event.stopImmediatePropagation();
      const resolve = waiting.get(event.data.benchPong);
      if (resolve) resolve([event.data.at, now()]);
    });
    window.benchPing = (frame, id) => new Promise((resolve) => {
      waiting.set(id, resolve);
      frame.postMessage({benchPing: id}, '*');
    });
  } else {
    // When each of the portal's messages reached the card's page, before the card's own
    // listener: the part of event -> DOM that is the hop between the two processes.
    window.__arrived = [];
    // (The portal's call events only: "<callback>:<the state as an array>", not its replies.)
    const isEvent = (data) => typeof data === 'string' && /^[^:]*:\["(connecting|connected|idle)"/.test(data);
    window.addEventListener('message', (event) => {
      if (event.source === window.parent && isEvent(event.data)) window.__arrived.push(now());
    });
    window.addEventListener('message', (event) => {
      if (!isPing(event.data)) return;
      event.stopImmediatePropagation();
      event.source.postMessage({benchPong: event.data.benchPing, at: now()}, '*');
    });
  }
})();"""

# The card's clock minus the portal's, from the ping with the shortest round trip.
CALIBRATE = """async (count) => {
  const frame = document.querySelector('#frame-slot iframe').contentWindow;
  let best = null;
  for (let i = 0; i < count; i++) {
    const sent = performance.timeOrigin + performance.now();
    const [at, back] = await window.benchPing(frame, i);
    const trip = back - sent;
    if (!best || trip < best.trip) best = {trip, offset: at - (sent + back) / 2};
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return best;
}"""

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


@dataclass
class Latency:
    """Per event, ms: portal's send -> the card's DOM, and the part until the card's page had it."""

    to_dom: list[float]
    to_page: list[float]
    clock_trip: float  # the round trip of the best clock ping (the bound on the clocks' alignment)


def latencies(browser: Browser, servers: Servers, count: int) -> Latency:
    """Milliseconds from the portal sending each event to the card's DOM showing it."""
    context = browser.new_context()
    context.add_init_script(CLOCKS)
    page = context.new_page()
    page.goto(servers.emulator_url + "?autostart=0")
    frame = open_card(page, state="idle")
    mark(frame, "call-timeline:python-live")
    page.wait_for_timeout(300)  # not a wait for anything: the first timer ticks pass before measuring
    clocks = page.evaluate(CALIBRATE, 40)
    base = frame.evaluate(OBSERVE)
    frame.evaluate("window.__arrived = []")
    sent = page.evaluate(LATENCY, {"count": count, "gap": 12})
    frame.wait_for_function(  # every event drawn
        "count => Number(document.getElementById('timeline').dataset.events || 0) >= count",
        arg=base + count, timeout=60_000)
    drawn = frame.evaluate("window.__drawn")
    arrived = frame.evaluate("window.__arrived")
    context.close()
    result, index = [], 0
    for number, start in enumerate(sent, base + 1):
        while index < len(drawn) and drawn[index][0] < number:
            index += 1
        if index < len(drawn):
            result.append(drawn[index][1] - clocks["offset"] - start)
    # One message per event while they are fired (the card sends the portal nothing to answer).
    to_page = [at - clocks["offset"] - start for at, start in zip(arrived, sent, strict=False)]
    return Latency(result, to_page if len(arrived) == len(sent) else [], float(clocks["trip"]))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- the table ---------------------------------------------------------------------------

def median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def segments(load: Load) -> dict[str, float]:
    """The start-up segments of one card load (ms), those whose checkpoint was reached."""
    result, previous = {}, 0.0
    for name, checkpoint in SEGMENTS:
        if checkpoint in load.marks:
            result[name] = load.marks[checkpoint] - previous
            previous = load.marks[checkpoint]
    for name, start, end in SPANS:
        began = [at for mark_name, at in load.marks.items() if fnmatch.fnmatchcase(mark_name, start)]
        ended = [at for mark_name, at in load.marks.items() if fnmatch.fnmatchcase(mark_name, end)]
        if began and ended:
            result[name] = max(ended) - min(began)
    return result


def fmt(value: float | None, digits: int = 0, unit: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def verdict(value: float | None, target: float) -> str:
    return "" if value is None else ("met" if value <= target else "missed")


def summarise(runs: list[dict[str, Load]], cross: Latency, same: Latency, events: int,
              fine: bool) -> dict[str, Any]:
    def each(key: str, read: Callable[[Load], float | None]) -> float | None:
        return median([read(run[key]) for run in runs])

    table: dict[str, Any] = {"runs": len(runs)}
    for temperature in ("cold", "warm"):
        card, bare = f"card_{temperature}", f"bare_{temperature}"
        table[f"bare_live_{temperature}_ms"] = each(bare, lambda load: load.marks["bare:live"])
        table[f"first_paint_{temperature}_ms"] = each(card, lambda load: load.marks["page:first-state"])
        table[f"live_{temperature}_ms"] = each(card, lambda load: load.marks["page:python-live"])
        table[f"live_ratio_{temperature}"] = median([
            run[card].marks["page:python-live"] / run[bare].marks["bare:live"] for run in runs])
        table[f"card_cpu_{temperature}_ms"] = each(card, lambda load: load.cpu_ms)
        table[f"card_main_thread_cpu_{temperature}_ms"] = each(card, lambda load: load.main_thread_cpu_ms)
        table[f"bare_cpu_{temperature}_ms"] = each(bare, lambda load: load.cpu_ms)
        table[f"heap_page_{temperature}_bytes"] = each(card, lambda load: load.heap_page)
        table[f"heap_worker_{temperature}_bytes"] = each(card, lambda load: load.heap_worker)
        table[f"buffers_worker_{temperature}_bytes"] = each(card, lambda load: load.buffers_worker)
        table[f"wasm_memory_{temperature}_bytes"] = each(card, lambda load: load.wasm_memory)
        table[f"{temperature}_bytes"] = each(card, lambda load: load.raw)
        table[f"{temperature}_bytes_gz"] = each(card, lambda load: load.gz)
        table[f"bare_{temperature}_bytes"] = each(bare, lambda load: load.raw)
        table[f"bare_{temperature}_bytes_gz"] = each(bare, lambda load: load.gz)
        for kind in ("card", "bare"):
            table[f"breakdown_{kind}_{temperature}_ms"] = {
                name.strip(): median([segments(run[f"{kind}_{temperature}"]).get(name) for run in runs])
                for name in [name for name, _ in SEGMENTS] + [name for name, _, _ in SPANS]}
    snapshots = [(raw, gz) for path, raw, gz in runs[0]["card_cold"].files if path.endswith(".snapshot")]
    table["snapshot_bytes"] = sum(raw for raw, _ in snapshots)
    table["snapshot_bytes_gz"] = sum(gz for _, gz in snapshots)
    table["card_cpu_ms"] = table["card_cpu_warm_ms"]  # every call after an operator's first is warm
    table["fresh_processes"] = all(load.fresh_process for run in runs for load in run.values())
    for name, latency in (("", cross), ("_same_site", same)):
        delays, trip, hops = latency.to_dom, latency.clock_trip, latency.to_page
        table[f"event_to_page_p50{name}_ms"] = percentile(hops, 0.5) if hops else None
        table[f"event_to_page_p99{name}_ms"] = percentile(hops, 0.99) if hops else None
        table[f"event_p50{name}_ms"] = percentile(delays, 0.5) if delays else None
        table[f"event_p95{name}_ms"] = percentile(delays, 0.95) if delays else None
        table[f"event_p99{name}_ms"] = percentile(delays, 0.99) if delays else None
        table[f"event_max{name}_ms"] = max(delays) if delays else None
        table[f"event_seen{name}"] = len(delays)
        table[f"event_clock_ping{name}_ms"] = trip
    table["events"] = events
    table["fine_phases"] = fine
    table["samples"] = [{key: {"marks": {name: round(at, 1) for name, at in load.marks.items()},
                               "cpu_ms": load.cpu_ms, "cpu_at_attach_ms": load.cpu_at_attach_ms,
                               "files": load.files} for key, load in run.items()} for run in runs]
    return table


def report(table: dict[str, Any], runs: list[dict[str, Load]]) -> None:
    t = table
    print(f"\nCall Timeline bench: median of {t['runs']} runs; ms from the frame's navigation start;"
          " card on localhost, portal on 127.0.0.1")
    print(f"{'':46}{'cold':>10}{'warm':>10}   target")
    print(f"{'bare loadPyodide (same run, own profile)':46}{fmt(t['bare_live_cold_ms']):>10}"
          f"{fmt(t['bare_live_warm_ms']):>10}   (reference)")
    print(f"{'card: first state painted':46}{fmt(t['first_paint_cold_ms']):>10}"
          f"{fmt(t['first_paint_warm_ms']):>10}"
          f"   <= 150 cold ({verdict(t['first_paint_cold_ms'], TARGETS['first_paint_cold_ms'])}),"
          f" <= 100 warm ({verdict(t['first_paint_warm_ms'], TARGETS['first_paint_warm_ms'])})")
    print(f"{'card: Python handlers live':46}{fmt(t['live_cold_ms']):>10}{fmt(t['live_warm_ms']):>10}")
    print(f"{'ratio live / bare (median of per-run ratios)':46}{fmt(t['live_ratio_cold'], 2):>10}"
          f"{fmt(t['live_ratio_warm'], 2):>10}   <= 1.10"
          f" ({verdict(t['live_ratio_cold'], TARGETS['live_ratio'])}"
          f" / {verdict(t['live_ratio_warm'], TARGETS['live_ratio'])}), then <= 0.30 warm"
          f" ({verdict(t['live_ratio_warm'], TARGETS['live_ratio_warm_stretch'])})")

    print("\nwhere the time goes (ms; consecutive segments, each a median;")
    print(f"  'of which' lines overlap them){'':24}{'card cold':>10}{'warm':>8}{'bare cold':>11}{'warm':>8}")
    for name, *_ in (*SEGMENTS, *SPANS):
        key = name.strip()
        figures = [t[f"breakdown_{kind}_{temperature}_ms"].get(key)
                   for kind in ("card", "bare") for temperature in ("cold", "warm")]
        print(f"  {name:52}{fmt(figures[0]):>10}{fmt(figures[1]):>8}"
              f"{fmt(figures[2]):>11}{fmt(figures[3]):>8}")
    if not t["fine_phases"]:
        print("  (engine.js hands createEngine no loadRuntime here: micropip, wheel, app import and"
              " first draw are not split)")

    mib = 1024 * 1024
    print(f"\nCPU and memory at 'live' (memory after a GC){'':2}{'cold':>10}{'warm':>10}")
    print(f"{'card: renderer process CPU, ms':46}{fmt(t['card_cpu_cold_ms']):>10}"
          f"{fmt(t['card_cpu_warm_ms']):>10}"
          "   all its threads: page, worker, compile, GC")
    print(f"{'  of which its main thread, ms':46}{fmt(t['card_main_thread_cpu_cold_ms']):>10}"
          f"{fmt(t['card_main_thread_cpu_warm_ms']):>10}")
    print(f"{'bare page: renderer process CPU, ms':46}{fmt(t['bare_cpu_cold_ms']):>10}"
          f"{fmt(t['bare_cpu_warm_ms']):>10}   (reference)")
    for label, key in (("card: JS heap used, page, MiB", "heap_page"),
                       ("card: JS heap used, worker, MiB", "heap_worker"),
                       ("card: ArrayBuffers outside the heap, worker, MiB", "buffers_worker"),
                       ("card: wasm memory (Pyodide's heap), MiB", "wasm_memory")):
        cold, warm = t[f"{key}_cold_bytes"], t[f"{key}_warm_bytes"]
        print(f"{label:46}{fmt(cold and cold / mib, 1):>10}{fmt(warm and warm / mib, 1):>10}")
    if not t["fresh_processes"]:
        print("  (some load reused a renderer process that had run before: its CPU time includes that)")

    allowance = TARGETS["bytes_allowance"]
    cold_target = (t["bare_cold_bytes"] or 0) + allowance + t["snapshot_bytes"]
    cold_target_gz = (t["bare_cold_bytes_gz"] or 0) + allowance + t["snapshot_bytes_gz"]
    plus = " + snapshot" if t["snapshot_bytes"] else ""
    print(f"\nbytes sent (KiB of file bodies){'':15}{'raw':>10}{'gzip':>10}   target")
    print(f"{'bare page (Pyodide core), cold':46}{fmt(t['bare_cold_bytes'] / KB):>10}"
          f"{fmt(t['bare_cold_bytes_gz'] / KB):>10}   (reference)")
    print(f"{'card, cold':46}{fmt(t['cold_bytes'] / KB):>10}{fmt(t['cold_bytes_gz'] / KB):>10}"
          f"   <= bare{plus} + 150 KiB = {cold_target / KB:.0f} / {cold_target_gz / KB:.0f}"
          f" ({verdict(t['cold_bytes'], cold_target)} / {verdict(t['cold_bytes_gz'], cold_target_gz)})")
    print(f"{'card, warm':46}{fmt(t['warm_bytes'] / KB, 1):>10}{fmt(t['warm_bytes_gz'] / KB, 1):>10}"
          f"   nothing re-downloaded ({verdict(t['warm_bytes'], 0)})")
    warm_files = sorted({path for run in runs for path, raw, _ in run["card_warm"].files if raw})
    if warm_files:
        print(f"  sent again warm: {', '.join(warm_files)}")
    bare_files = {path for run in runs for path, _, _ in run["bare_cold"].files}
    extra: dict[str, int] = {}
    for run in runs[:1]:
        for path, raw, _ in run["card_cold"].files:
            if path not in bare_files:
                extra[path.rsplit("/", 1)[-1]] = raw
    if extra:
        largest = sorted(extra.items(), key=lambda item: -item[1])
        print("  the card's cold bytes beyond the core (KiB): "
              + ", ".join(f"{name} {raw / KB:.0f}" for name, raw in largest))
    if t.get("aborted_transfers"):
        print(f"  transfers the browser let go of (not counted): {len(t['aborted_transfers'])}")

    print(f"\nevent -> DOM over {t['events']} events, ms (p50 / p95 / p99 / max)"
          "   target p50 <= 2, p99 <= 10")
    for label, name in (("cross-site (card in its own process)", ""), ("same-site", "_same_site")):
        if not t[f"event_seen{name}"]:
            print(f"  {label:40}no DOM change was observed")
            continue
        print(f"  {label:40}{t[f'event_p50{name}_ms']:.2f} / {t[f'event_p95{name}_ms']:.2f} /"
              f" {t[f'event_p99{name}_ms']:.2f} / {t[f'event_max{name}_ms']:.2f}"
              f"   ({verdict(t[f'event_p50{name}_ms'], TARGETS['event_p50_ms'])}"
              f" / {verdict(t[f'event_p99{name}_ms'], TARGETS['event_p99_ms'])});"
              f" clocks aligned within {t[f'event_clock_ping{name}_ms'] / 2:.2f} ms")
        if t[f"event_to_page_p50{name}_ms"] is not None:
            hop = f"{t[f'event_to_page_p50{name}_ms']:.2f} / {t[f'event_to_page_p99{name}_ms']:.2f}"
            print(f"    {'of which portal -> card page (p50 / p99)':38}{hop}"
                  "   (the rest: page -> worker -> Python -> DOM)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=JSON_PATH,
                        help="where to write the table (default build/bench.json)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = build.build()
    scratch = tempfile.TemporaryDirectory(prefix="bench-site-")
    served = Path(scratch.name) / "site"
    fine = instrument.bench_site(site, served)
    servers = cross_site_servers(served)
    same_site = Servers(served, 0, 0, installed=True).start()
    counter = instrument.ByteCounter(servers, site, served)
    try:
        with sync_playwright() as playwright:
            runs = start_ups(playwright, servers, counter, args.runs)
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            cross = latencies(browser, servers, args.events)
            same = latencies(browser, same_site, args.events)
            browser.close()
    finally:
        servers.stop()
        same_site.stop()
        scratch.cleanup()
    table = summarise(runs, cross, same, args.events, fine)
    table["aborted_transfers"] = counter.aborted
    report(table, runs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    print(f"\n[bench] the table: {args.json}")


if __name__ == "__main__":
    main()
