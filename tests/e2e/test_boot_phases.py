"""Events in every phase of the card's start-up are all shown, once each, in order, on time.

One cold start of the card, framed cross-site as on a portal, each phase
held open for as long as the test needs it: the portal's init data held back, then the Python runtime's
WebAssembly, then the app's wheel; events are fired inside each, then
while the wheel is released until Python is live (the hand-over), then
after.  The card's own performance marks prove that each event arrived in
the phase it was fired for.  The random version of this race, at any
scale, is ``bench/boot_races.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

import build
from emulator.driver import (
    APP_WHEEL,
    BEFORE_CLOSE,
    ENTITY_CHANGED,
    PHASES,
    RUNTIME,
    SNAPSHOT,
    START_PATHS,
    STATE_CHANGED,
    STATE_ROWS,
    WAITING_ROW,
    CallCard,
    Sent,
    check_timeline,
    cross_site_servers,
    wait_for,
)
from emulator.server import Servers

ARTIFACTS = build.ROOT / "build" / "artifacts"
BEFORE_INIT_DATA, RUNTIME_LOADS, WHEEL_INSTALLS, HAND_OVER, AFTER = (name for name, _ in PHASES)
#: The most events fired at the hand-over (the card keeps 200 rows).
MAX_HAND_OVER_EVENTS = 150
STAGE = """() => [performance.getEntriesByName('call-timeline:wheel-installed').length > 0,
                  document.documentElement.dataset.engine]"""


@pytest.fixture(scope="module", params=START_PATHS)
def start_path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def cross_site(start_path: str, request: pytest.FixtureRequest) -> Iterator[Servers]:
    """The card on localhost, the portal on 127.0.0.1: a main thread each, as on a portal."""
    site = request.getfixturevalue("site" if start_path == "snapshot" else "site_without_snapshot")
    running = cross_site_servers(site)
    yield running
    running.stop()


@pytest.fixture
def call(browser: Browser, cross_site: Servers, request: pytest.FixtureRequest) -> Iterator[CallCard]:
    """The emulator on 127.0.0.1 framing the card from localhost, in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"), lambda route: route.abort())
    page = context.new_page()
    yield CallCard(page, cross_site)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    finally:
        context.close()


class Player:
    """Fires events at the card and remembers, for each, what it was meant to test."""

    def __init__(self, call: CallCard) -> None:
        self.call = call
        self.sent: list[Sent] = []
        self.meant: list[str] = []
        self.state = "idle"
        self.called = False  # whether the call rang or talked yet (an idle row's word depends on it)
        self.phones = 0

    def state_change(self, phase: str, state: str, code: str = "", wire: str = "state") -> None:
        value = state if wire == "state" else [state, {"failedCode": code} if code else {}]
        detail = "486 · Busy" if code == "486" else None
        word = STATE_ROWS[state] if state != "idle" or self.called else WAITING_ROW
        self._fire(phase, STATE_CHANGED, value, word, detail)
        self.state = state
        self.called = self.called or state != "idle"

    def next_state(self, phase: str, wire: str) -> None:
        """A state other than the current one (the portal never repeats one)."""
        self.state_change(phase, "connected" if self.state == "connecting" else "connecting", wire=wire)

    def client(self, phase: str) -> None:
        self.phones += 1
        phone = f"+7495000{self.phones:04d}"
        self._fire(phase, ENTITY_CHANGED, {"PHONE_NUMBER": phone}, "Client", phone)

    def close_attempt(self, phase: str) -> None:
        """The portal's auto-close right after an ``idle``, as its code sends it.  The call was
        answered, so the card lets go at once, and this close is the real one."""
        self._fire(phase, BEFORE_CLOSE, None, "Card closing", None)

    def _fire(self, phase: str, event: str, value: object, row: str, detail: str | None) -> None:
        at = self.call.fire(event) if value is None else self.call.fire(event, value)
        self.sent.append(Sent(event, row, detail, at))
        self.meant.append(phase)


def test_events_in_every_phase_of_start_up_are_shown_once_in_order_on_time(call: CallCard,
                                                                           start_path: str) -> None:
    play = Player(call)
    # From the snapshot, the app comes with the runtime: no wheel to install, no phase for it.
    from_snapshot = start_path == "snapshot"
    release_init_data = call.hold_init_data()
    runtime = call.hold(RUNTIME)
    snapshot = call.hold(SNAPSHOT)
    wheel = call.hold(APP_WHEEL)
    call.open("idle")
    call.init_data_asked()

    # Bound, but the portal has not answered getInitData yet.
    play.state_change(BEFORE_INIT_DATA, "connecting")
    play.client(BEFORE_INIT_DATA)
    play.state_change(BEFORE_INIT_DATA, "connected", wire="array")
    wait_for(call.card.locator("#quick-state.state-connected"))  # the quick view, at once
    release_init_data()
    call.wait_for_mark("init-data")

    # The runtime's WebAssembly is on its way.
    play.state_change(RUNTIME_LOADS, "idle", "486", wire="array")
    play.close_attempt(RUNTIME_LOADS)
    play.state_change(RUNTIME_LOADS, "connecting", wire="array")
    runtime.release()
    snapshot.release()
    call.wait_for_mark("pyodide-ready")
    assert call.start_path() == start_path

    if not from_snapshot:
        # Python runs; the app's wheel is on its way.
        play.state_change(WHEEL_INSTALLS, "idle", wire="state")
        play.client(WHEEL_INSTALLS)
        play.state_change(WHEEL_INSTALLS, "connecting", wire="array")
        wheel.release()
        play.state_change(WHEEL_INSTALLS, "connected", wire="state")
    else:
        wheel.release()

    # The hand-over: from the moment the card marks the wheel installed, fire without
    # pause until Python is live.
    frame = call.frame
    fired = 0
    while fired < MAX_HAND_OVER_EVENTS:
        installed, engine = frame.evaluate(STAGE)
        if engine == "python":
            break
        if installed:
            if fired % 3 == 2:
                play.client(HAND_OVER)
            else:
                play.next_state(HAND_OVER, wire="array" if fired % 2 else "state")
            fired += 1
    call.wait_for_python()

    # Python is live.
    play.state_change(AFTER, "idle", "486", wire="array")
    play.client(AFTER)

    call.wait_for_events(len(play.sent))
    seen = call.timeline()
    problems = check_timeline(play.sent, seen)
    assert problems == [], "\n".join(problems)

    # Each event arrived in the phase it was fired for (the last ones fired for the
    # hand-over may come after it), and some came inside each phase.
    landed = [seen.phase(row.at) for row in seen.rows]
    for meant, phase, step in zip(play.meant, landed, play.sent, strict=True):
        allowed = {HAND_OVER, AFTER} if meant == HAND_OVER else {meant}
        assert phase in allowed, f"{step.row} fired {meant!r} arrived {phase!r} ({seen.marks})"
    for name, _ in PHASES:
        # From the snapshot the hand-over takes a few ms (no app import): an event may miss it.
        if not (from_snapshot and name in (WHEEL_INSTALLS, HAND_OVER)):
            assert name in landed, f"no event arrived {name}: {landed}"
    print(f"\n{len(play.sent)} events; by phase: "
          + ", ".join(f"{name} {landed.count(name)}" for name, _ in PHASES))
