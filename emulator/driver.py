"""Drives the emulated Bitrix24 call card and reads the card in it, as an operator would.

For the end-to-end tests and the benchmarks (Playwright's sync API, Debian's
Chromium).  Besides playing a call, it holds each step of the card's start-up
open for as long as a test wants (the portal's init data, the Python runtime,
the app's wheel), reads what the card shows with the moments it marks, and
moves the wall clock of the card's Python worker, which Playwright's own
clock does not reach.  Every wait here is for a condition, never for time.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Frame, FrameLocator, Locator, Page, Route

    from .server import Servers

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

STATE_CHANGED = "CallCard::CallStateChanged"
ENTITY_CHANGED = "CallCard::EntityChanged"
BEFORE_CLOSE = "CallCard::BeforeClose"
ALL_EVENTS = (STATE_CHANGED, ENTITY_CHANGED, BEFORE_CLOSE)
#: The row the card draws for each call state.
STATE_ROWS = {"idle": "Call ended", "connecting": "Ringing", "connected": "Talking"}
#: An idle step before the call rang or talked (placement_app.card.view.span_word).
WAITING_ROW = "Waiting for the call"

#: What the card's worker fetches at each step of its start-up (Playwright URL globs).
RUNTIME = "**/pyodide.asm.wasm"
APP_WHEEL = "**/wheels/app/*/placement_app-*.whl"
#: The start-up snapshot (build.py), which the worker restores instead of installing the wheel.
SNAPSHOT = "**/snapshots/*.snapshot"
#: The two ways the card's worker starts Python: restored from the build's snapshot (a site
#: built as usual), or the normal way, micropip installing the app's wheel in the browser
#: (a site built with ``build.py --no-snapshot``, or when the snapshot is refused).
START_PATHS = ("snapshot", "normal")

#: The longest an event may take from the portal's postMessage to the arrival time the card
#: shows for it, at any moment of start-up (the worker exists so that this stays small).
ARRIVAL_TOLERANCE_MS = 250

#: The card's start-up, in order: each phase ends at the performance mark the card sets
#: (``call-timeline:<mark>``); the last one has no end.
PHASES = (
    ("before the init data", "init-data"),
    ("while the runtime loads", "pyodide-ready"),
    ("while the wheel installs", "wheel-installed"),
    ("at hand-over", "python-live"),
    ("after hand-over", ""),
)


def chromium_path() -> str:
    """Debian's Chromium (or ``$CHROMIUM``): Playwright downloads no browser here."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise FileNotFoundError("Debian's chromium is needed for the browser tests"
                                " (apt-get install chromium)")
    return path


def cross_site_servers(site: Path) -> Servers:
    """The servers with the card on ``localhost`` and the portal on 127.0.0.1, started.

    Two sites, so Chromium gives the card a process (and a main thread) of its
    own, as a real portal's page and the app's are.  On one site they share a
    main thread: whatever held up the card would hold up the portal's sending
    too, and arrival times would look right.  (``--isolate-origins`` does not
    separate two ports of 127.0.0.1.)
    """
    from .server import Servers

    return Servers(site, 0, 0, installed=True, app_host="localhost").start()


class Hold:
    """Requests matching ``pattern`` wait, as on a stalled network, until :meth:`release`.

    Routes catch the fetches of the card's worker too, so this holds the
    runtime or the wheel that the worker loads.
    """

    def __init__(self, context: BrowserContext, pattern: str) -> None:
        self.context = context
        self.pattern = pattern
        self.held: list[Route] = []
        self.released = False
        context.route(pattern, self._hold)

    def _hold(self, route: Route) -> None:
        if self.released:
            route.fallback()
        else:
            self.held.append(route)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        self.context.unroute(self.pattern, self._hold)
        for route in self.held:
            route.fallback()


# A gate for the app's getInitData in the emulator's page, installed before the emulator's
# own listener (so it runs first): while held, the message is kept from the emulator,
# and on release it is handed over unchanged.
INIT_DATA_GATE = """(() => {
  if (window !== window.top) return;
  const held = [];
  let holding = false;
  window.addEventListener('message', (event) => {
    if (!holding || typeof event.data !== 'string' || !event.data.startsWith('getInitData:')) return;
    event.stopImmediatePropagation();
    held.push({data: event.data, origin: event.origin, source: event.source});
  });
  window.testInitData = {
    hold() { holding = true; },
    held: () => held.length,
    release() {
      holding = false;
      for (const message of held.splice(0)) window.dispatchEvent(new MessageEvent('message', message));
    },
  };
})();"""

# The portal's moment of sending, on the same clock as the card's arrival times (Date.now).
FIRE = """([name, ...value]) => {
  const at = Date.now();
  emulator.fire(name, ...value);
  return at;
}"""

READ = """() => {
  const root = document.getElementById('timeline');
  // Marks are on the monotonic clock; shown arrival times on Date.now: align them.
  const skew = Date.now() - (performance.timeOrigin + performance.now());
  const marks = {};
  for (const mark of performance.getEntriesByType('mark')) {
    if (mark.name.startsWith('call-timeline:')) {
      marks[mark.name.slice('call-timeline:'.length)] = performance.timeOrigin + mark.startTime + skew;
    }
  }
  return {
    events: Number(root.dataset.events || 0),
    rows: [...root.querySelectorAll('.entries .entry')].map((row) => ({
      what: row.querySelector('.what').textContent,
      detail: row.querySelector('.detail')?.textContent ?? '',
      at: row.querySelector('.clock').getAttribute('datetime'),
    })),
    marks,
  };
}"""

_probes = itertools.count(1)


def epoch_ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


@dataclass(frozen=True)
class Row:
    what: str
    detail: str
    at: float  # the arrival time the card shows, epoch ms


@dataclass(frozen=True)
class Seen:
    """The card's timeline as drawn: its rows (not the opening one), its event count, its marks."""

    events: int
    rows: list[Row]
    marks: dict[str, float]  # epoch ms, on the card's Date.now clock

    def phase(self, arrived: float) -> str:
        """The phase of start-up in which an event that arrived at ``arrived`` came."""
        for name, mark in PHASES:
            if not mark or mark not in self.marks or arrived < self.marks[mark]:
                return name
        return PHASES[-1][0]


@dataclass(frozen=True)
class Sent:
    """One event the portal sent, and the row the card should draw for it."""

    event: str
    row: str
    detail: str | None
    at: float  # epoch ms, when the portal sent it


def check_timeline(sent: Sequence[Sent], seen: Seen) -> list[str]:
    """What is wrong with the card's timeline for what was sent (empty when all is right).

    Every event once, in order, with its detail, and shown as arriving within
    :data:`ARRIVAL_TOLERANCE_MS` of the moment the portal sent it.
    """
    problems = []
    if seen.events != len(sent):
        problems.append(f"the card took in {seen.events} events, {len(sent)} were sent")
    wanted = [step.row for step in sent]
    got = [row.what for row in seen.rows]
    if got != wanted:
        return [*problems, f"rows {got} != sent {wanted}"]
    for step, row in zip(sent, seen.rows, strict=True):
        if not step.at <= row.at <= step.at + ARRIVAL_TOLERANCE_MS:
            problems.append(f"{step.row} sent at {step.at:.0f}, shown as arriving at {row.at:.0f}"
                            f" ({row.at - step.at:+.0f} ms)")
        if step.detail is not None and row.detail != step.detail:
            problems.append(f"{step.row}: detail {row.detail!r} != {step.detail!r}")
    return problems


#: The longest one look of :func:`wait_for` lasts, in ms.  Playwright's own wait for an element
#: (``retryWithProgressAndBackoff`` in its server) looks again after 20, 50, 100 and 100 ms, then
#: every 500 ms, unless the wait's whole timeout is under 2.5 s (every 100 ms) or 0.5 s (every
#: 50 ms).  A card takes longer than 270 ms to start, so a plain wait for it ends on average
#: 250 ms after what it waits for has happened.
LOOK_MS = 450


def wait_for(locator: Locator, state: Literal["attached", "detached", "visible", "hidden"] = "visible",
             timeout: float = 30_000) -> None:
    """Wait until ``locator`` is in ``state`` (``attached``, ``detached``, ``visible``, ``hidden``),
    as ``locator.wait_for`` does, but looking every 50 ms however long it takes."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    deadline = time.monotonic() + timeout / 1000
    while True:
        left = (deadline - time.monotonic()) * 1000
        try:
            locator.wait_for(state=state, timeout=max(1.0, min(left, LOOK_MS)))
            return
        except PlaywrightTimeoutError as late:
            if left <= LOOK_MS:
                raise PlaywrightTimeoutError(f"{locator} not {state} after {timeout:.0f} ms") from late


def app_frame(page: Page) -> Frame:
    """The app's frame in the emulator open in ``page`` (the card, or one of its pages)."""
    frame = page.locator("#frame-slot iframe").element_handle().content_frame()
    assert frame is not None, "the app's frame has no document"
    return frame


def sync_with_portal(page: Page) -> None:
    """Return once the portal has every message the app's frame sent before this call.

    The frame posts the portal a command no portal answers; messages from one
    window to another arrive in order, so once the emulator has logged it, it
    has logged everything the frame sent earlier.  The way to wait before
    checking that the app did *not* send something.
    """
    probe = f"probe-{next(_probes)}"
    app_frame(page).evaluate("""probe => parent.postMessage(
        `testProbe:${JSON.stringify({probe})}:${probe}:${window.name.split('|')[2]}`,
        new URL(document.referrer).origin)""", probe)
    page.wait_for_function(
        "probe => emulator.commands.some(c => c.command === 'testProbe' && c.params.probe === probe)",
        arg=probe)


def read_timeline(card: Frame) -> Seen:
    """The timeline drawn in the card's frame: rows after the opening one, event count, marks."""
    seen = card.evaluate(READ)
    rows = [Row(row["what"], row["detail"], epoch_ms(row["at"])) for row in seen["rows"]
            if "(since the card opened)" not in row["what"]]
    return Seen(int(seen["events"]), rows, {k: float(v) for k, v in seen["marks"].items()})


class WorkerClock:
    """The wall clock (``Date.now``) of the card's Python worker, moved forward at will.

    Playwright's ``page.clock`` installs itself in pages and frames but not in
    dedicated workers, and the card's Python (its keep-open limit, its timers'
    sense of now) runs in one.  This serves the Pyodide runtime's module, which
    the worker imports before Python starts, with a small clock in front; the
    product's code is otherwise the same bytes.  (Not the worker's own script:
    Chromium then refuses every cross-origin fetch of that worker, so the card
    could not reach the portal's REST API.)  Created before the card opens.
    """

    CHANNEL = "call-timeline-test-clock"
    PRELUDE = ("{ const realNow = Date.now.bind(Date); let skew = 0;"
               f" new BroadcastChannel('{CHANNEL}').onmessage = (event) => {{ skew += Number(event.data); }};"
               " Date.now = () => realNow() + skew; }\n")

    def __init__(self, context: BrowserContext) -> None:
        context.route("**/pyodide/*/pyodide.mjs", self._serve)

    def _serve(self, route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=self.PRELUDE + response.text())

    def advance(self, card: Frame, milliseconds: int) -> None:
        """Move the worker's clock ``milliseconds`` ahead (a message from the card's page)."""
        card.evaluate("([name, ms]) => new BroadcastChannel(name).postMessage(ms)",
                      [self.CHANNEL, milliseconds])


class CallCard:
    """Plays a call in the emulator and reads the card, as an operator would."""

    def __init__(self, page: Page, servers: Servers) -> None:
        self.page = page
        self.servers = servers
        page.add_init_script(INIT_DATA_GATE)
        page.goto(servers.emulator_url + "?autostart=0")
        self.card: FrameLocator = page.frame_locator("#frame-slot iframe")

    def open(self, state: str = "idle", lang: str = "en", url: str | None = None,
             events: tuple[str, ...] = ALL_EVENTS, **more: object) -> None:
        """Open a new call card and wait until the tab has bound ``events``.

        ``more``: the emulator's other opening options, e.g. ``external=True`` (a PBX's call:
        connected, no states follow) or ``endedWith="486"`` (the tab opens after its call ended).
        """
        options = {"state": state, "lang": lang, **({"url": url} if url else {}), **more}
        self.page.evaluate("options => emulator.openCard(options)", options)
        self.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                    arg=list(events))

    def hold(self, pattern: str) -> Hold:
        """Hold what the card fetches that matches ``pattern`` (e.g. :data:`RUNTIME`)."""
        return Hold(self.page.context, pattern)

    def hold_python(self) -> Callable[[], None]:
        """Keep the app's wheel and the start-up snapshot from arriving (a slow network) until release()."""
        holds = [self.hold(APP_WHEEL), self.hold(SNAPSHOT)]

        def release() -> None:
            for hold in holds:
                hold.release()

        return release

    def hold_init_data(self) -> Callable[[], None]:
        """Keep the portal's answer to the card's ``getInitData`` until the returned release().

        Call it before :meth:`open`; :meth:`init_data_asked` tells that the card is waiting.
        """
        self.page.evaluate("window.testInitData.hold()")
        return lambda: self.page.evaluate("window.testInitData.release()")

    def init_data_asked(self) -> None:
        """Wait until the card has asked for its init data (held by :meth:`hold_init_data`)."""
        self.page.wait_for_function("window.testInitData.held() === 1")

    @property
    def frame(self) -> Frame:
        return app_frame(self.page)

    def engine(self) -> str:
        return str(self.frame.evaluate("document.documentElement.dataset.engine"))

    def wait_for_python(self) -> None:
        wait_for(self.card.locator("html[data-engine=python]"), timeout=60_000)

    def wait_for_mark(self, name: str, timeout: float = 60_000) -> None:
        """Wait until the card has set the performance mark ``call-timeline:<name>``."""
        # A function, not an expression: the card's CSP refuses to eval a string predicate.
        self.frame.wait_for_function("name => performance.getEntriesByName(name).length > 0",
                                     arg=f"call-timeline:{name}", timeout=timeout)

    def start_path(self) -> str | None:
        """How the card's worker started Python: ``snapshot`` (restored from the build's
        snapshot), ``normal`` (micropip installed the wheel), or None before it has."""
        # A data attribute, not the performance marks: a test's fake clock fakes those away.
        started = self.frame.evaluate("document.documentElement.dataset.start")
        return str(started) if started else None

    def wait_for_events(self, count: int) -> None:
        """Wait until the card has taken in ``count`` call events or more (its ``data-events``)."""
        self.frame.wait_for_function(
            "count => Number(document.getElementById('timeline').dataset.events || 0) >= count",
            arg=count, timeout=10_000)

    def state(self, state: str, code: str = "", wire: str = "state") -> None:
        """Move the call to ``state``.  ``wire="state"`` is what a portal sends; ``"array"`` puts the
        code on the wire too, as the docs describe it (a variant: no portal's code does)."""
        assert self.page.evaluate("([s, c, w]) => emulator.setCallState(s, c, w)", [state, code, wire])

    def end(self, how: str, code: str = "") -> None:
        """End the call the way a portal does (``failed``, ``disconnected``, ``hangup``, ``webrtc``,
        ``finish``: see ``endCall`` in the emulator's page)."""
        assert self.page.evaluate("([how, code]) => emulator.endCall(how, code)", [how, code])

    def commands(self) -> list[str]:
        """The commands the card sent the portal, in order."""
        return [str(name) for name in self.page.evaluate("emulator.commands.map(c => c.command)")]

    def closed(self) -> list[str]:
        """Why the portal closed each card it closed, in order."""
        return [str(why) for why in self.page.evaluate("emulator.closed.map(c => c.why)")]

    def wait_closed(self) -> str:
        """Wait until the portal has closed the open card; why it did."""
        wait_for(self.page.locator("#frame-slot iframe"), state="detached")
        return self.closed()[-1]

    def fire(self, event: str, *value: Any) -> float:
        """Raise ``event`` with ``value`` on the wire (none: no value); when it was sent, epoch ms."""
        return float(self.page.evaluate(FIRE, [event, *value]))

    def sync_with_portal(self) -> None:
        """Return once the portal has every message the card sent before this call."""
        sync_with_portal(self.page)

    def timeline(self) -> Seen:
        """The card's timeline: every row after the opening one, the event count, the marks."""
        return read_timeline(self.frame)

    def text(self) -> str:
        return self.card.locator("#timeline").inner_text()

    def rows(self) -> list[str]:
        return self.card.locator(".entries .entry .what").all_inner_texts()

    def read(self, selector: str) -> str:
        return self.card.locator(f"#timeline {selector}").inner_text()
