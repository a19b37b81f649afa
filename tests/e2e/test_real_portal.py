"""The card on a real portal's terms (the README's "On a real portal"), in Chromium.

The emulated portal ends calls as the portal's own code does: only the state
crosses the frame; a failed call's card is destroyed in the same task as its
``idle`` unless the app held auto-close before; a held card closes 65 s after
the portal's auto-close unless renewed, and at once on ``enableAutoClose``;
external calls send no state at all; a tab can open after its call ended.
Every test here runs on the emulator's defaults and the app's default
settings.  The portal's timers run on Playwright's clock where a test moves
time; the card's Python, in a worker that clock does not reach, on a
:class:`WorkerClock`.
"""

from __future__ import annotations

from emulator.driver import CallCard, WorkerClock, wait_for
from placement_app.card.keep_open import FAILED_SHOW_MS

BUSY_HINT = "Next step: Try again in a few minutes or book a callback."
#: The page lets go by itself when Python is not live this long after the end (static/hold.js).
SAFETY_MS = 10_000


def held_at_bind(call: CallCard) -> None:
    """The card held the portal's auto-close as soon as it bound its events, before any end."""
    commands = call.commands()
    assert "disableAutoClose" in commands, commands
    binds = [index for index, name in enumerate(commands) if name == "placementBindEvent"]
    assert binds and commands.index("disableAutoClose") == binds[-1] + 1, commands


def test_a_failed_call_shows_its_code_from_statistics_then_closes_by_itself(call: CallCard) -> None:
    worker = WorkerClock(call.page.context)
    call.open("idle")
    call.wait_for_python()
    held_at_bind(call)
    call.state("connecting")
    call.end("failed", "486")  # idle (the state alone on the wire), then the portal's auto-close
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".outcome") == "Busy"
    assert call.read(".failure-code") == "Code 486"
    assert call.read(".failure-source") == "Code from the portal's call statistics"
    assert call.read(".failure-next") == BUSY_HINT
    assert call.closed() == [] and call.page.evaluate("emulator.call.autoClose") is False
    assert call.card.locator(".hold").is_visible()
    call.sync_with_portal()
    assert "enableAutoClose" not in call.commands()
    worker.advance(call.frame, FAILED_SHOW_MS)  # the admin's time (the default) is up
    assert call.wait_closed() == "enableAutoClose"


def test_an_answered_call_ended_by_the_portals_auto_close_is_let_go_by_the_card(call: CallCard) -> None:
    call.open("idle")
    call.wait_for_python()
    held_at_bind(call)
    call.state("connecting")
    call.state("connected")
    call.end("disconnected")  # the client hung up: idle, then auto-close, held by the card
    # Closed by the card's own enableAutoClose: not by the portal's timer 65 s on, not unheld.
    assert call.wait_closed() == "enableAutoClose"


def test_an_external_call_finished_busy_shows_busy(call: CallCard) -> None:
    call.open(external=True)  # a PBX's call: the card opens connected, and no state follows
    call.wait_for_python()
    assert call.rows() == ["Talking (since the card opened)"]
    call.end("finish", "486")  # telephony.externalCall.finish writes the record, then auto-close
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".outcome") == "Busy"
    assert call.read(".failure-code") == "Code 486"
    assert call.rows() == ["Talking (since the card opened)", "Call ended",
                           "Kept open so you can read the outcome"]
    assert call.closed() == []


def test_a_card_opened_after_its_call_ended_shows_the_outcome(call: CallCard) -> None:
    call.open(endedWith="486")  # the tab was shown only after the call: idle, its record written
    call.wait_for_python()
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".outcome") == "Busy"
    assert call.read(".failure-code") == "Code 486"
    assert call.rows() == ["Call ended"]  # over before the tab opened


def test_a_card_opened_before_its_call_waits_for_it(call: CallCard, servers: object) -> None:
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")  # asked once at the start, found nothing, and waited
    wait_for(call.card.locator(".entry.state-connecting"))
    assert call.read(".state") == "Ringing" and not call.card.locator(".outcome").is_visible()


def test_a_card_whose_python_never_starts_holds_then_lets_go_after_the_end(call: CallCard) -> None:
    call.page.clock.install()
    call.hold_python()  # the runtime never arrives
    call.open("connecting")
    held_at_bind(call)
    call.end("failed", "486")
    wait_for(call.card.locator("#quick-state.state-idle"))  # the quick view shows the end
    assert call.engine() == "loading"
    call.page.clock.run_for(SAFETY_MS // 2)
    call.sync_with_portal()
    assert "enableAutoClose" not in call.commands() and call.closed() == []
    call.page.clock.run_for(SAFETY_MS // 2)  # ten seconds after the end, and still no Python
    assert call.wait_closed() == "enableAutoClose"


def test_a_call_longer_than_65_s_is_still_held_at_its_end(call: CallCard) -> None:
    call.page.clock.install()
    call.open("connecting")
    call.wait_for_python()
    call.page.clock.run_for(70_000)  # a long ring (a queue), on the portal's clock
    call.end("failed", "480")
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.closed() == []
    assert call.page.evaluate("emulator.call.closesIn") > 0  # the portal's timer runs from the end


def test_the_operators_hang_up_closes_the_card_whatever_it_holds(call: CallCard) -> None:
    call.open("connecting")
    call.wait_for_python()
    call.state("connected")
    call.end("hangup")
    assert call.wait_closed() == "the operator hung up"


def test_a_browser_call_failure_leaves_the_card_which_shows_the_outcome_and_lets_go(call: CallCard) -> None:
    worker = WorkerClock(call.page.context)
    call.open("connecting")
    call.wait_for_python()
    call.end("webrtc", "486")  # idle without a code, the portal's error screen, no auto-close
    wait_for(call.card.locator(".outcome-failed"), timeout=20_000)
    assert call.read(".failure-code") == "Code 486"
    worker.advance(call.frame, FAILED_SHOW_MS)
    call.page.wait_for_function("emulator.commands.some(c => c.command === 'enableAutoClose')")
    assert call.closed() == []  # the portal's timer never ran: letting go closes nothing
