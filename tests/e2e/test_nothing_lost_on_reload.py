"""A reload of the tab loses no event: not in a burst just before it, not while Python starts.

The worker may never run again once the page goes, so the page writes every
event to the call's log the moment it comes (``static/call-log.js``), and the
reloaded card rebuilds the call from the log (``placement_app/card/replay.py``).
"""

from __future__ import annotations

from emulator.driver import ALL_EVENTS, CallCard, wait_for

BURST_THEN_RELOAD = """() => {
  emulator.setCallState('connected', '', 'state');
  emulator.changeClient();
  emulator.setCallState('idle', '486', 'array');
  emulator.setCallState('connecting', '', 'state');
  emulator.changeClient();
  emulator.setCallState('idle', '603', 'array');
  emulator.reloadCard();
}"""


def reloaded(call: CallCard) -> None:
    call.page.wait_for_function("names => names.every(name => emulator.bound(name) === 1)",
                                arg=list(ALL_EVENTS))


def test_a_burst_then_an_immediate_reload_keeps_every_event(call: CallCard) -> None:
    call.open("idle")
    call.wait_for_python()
    call.state("connecting")
    wait_for(call.card.locator(".entry.state-connecting"))
    call.page.evaluate(BURST_THEN_RELOAD)
    reloaded(call)
    call.wait_for_python()
    wait_for(call.card.locator(".entries .entry").nth(7))
    assert call.rows() == ["Waiting for the call (since the card opened)", "Ringing", "Talking", "Client",
                           "Call ended", "Ringing", "Client", "Call ended"]
    assert call.read(".failure-code") == "Code 603"
    assert call.card.locator(".entry.state-idle .detail").last.inner_text() == "603 · Declined"


def test_events_that_came_while_python_started_survive_a_reload(call: CallCard) -> None:
    release = call.hold_python()
    call.open("idle")
    call.state("connecting")
    call.state("connected")
    wait_for(call.frame.locator("#quick-log li").nth(1))  # the page has them; Python never will
    call.page.evaluate("emulator.reloadCard()")
    reloaded(call)
    release()
    call.wait_for_python()
    wait_for(call.card.locator(".entries .entry").nth(2))
    assert call.rows() == ["Waiting for the call (since the card opened)", "Ringing", "Talking"]
    call.state("idle")
    wait_for(call.card.locator(".outcome-answered"))
    calls = call.frame.evaluate("""Object.keys(localStorage).filter(key => key.includes(':log:'))
        .map(key => JSON.parse(localStorage.getItem(key))).filter(value => !Array.isArray(value))
        .map(head => head.call_id)""")
    assert len(calls) == 1  # one call, one log, whatever the pages
