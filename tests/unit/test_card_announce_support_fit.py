"""What the card tells beyond its drawing: the live region, "Copy for support", fitting the frame.

The live region hears state changes and the outcome, never a timer tick;
the support text holds the call's facts and every step, never a token; the
portal is asked to fit the frame when the card changes shape, never for a tick.
"""

from __future__ import annotations

import json
from dataclasses import replace

import intl_clock
from fakedom import FakeDocument
from fakepage import FakePage

from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import settings

TOKEN = "d41d8cd98f00b204e9800998ecf8427e"
REFRESH = "0cc175b9c0f1b6a831c399e269772661"
OPENED = {"LANG": "en", "AUTH_ID": TOKEN, "REFRESH_ID": REFRESH, "DOMAIN": "portal.example",
          "PROTOCOL": 1, "PATH": "/rest", "MEMBER_ID": "member-secret-value",
          "PLACEMENT_OPTIONS": {"CALL_ID": "5B1D1A3E.1764900000.42", "PHONE_NUMBER": "+49301234567",
                                "CALL_DIRECTION": "outgoing", "CALL_STATE": "idle"}}


def make_card(time_zone: str = "Europe/Berlin") -> tuple[Card, FakePage, dict[str, float]]:
    """A card whose times and days are written as the browser's ``Intl`` writes them in ``time_zone``."""
    document = FakeDocument()
    clock = {"now": 0.0}
    told = FakePage(lambda: clock["now"])  # everything the card told the page, in order
    view = CardView(document, document.createElement("section"), intl_clock.clock(time_zone),
                    intl_clock.day(time_zone))
    card = Card(view, told)
    return card, told, clock


def send(card: Card, clock: dict[str, float], kind: str, *args: object, at: float) -> None:
    clock["now"] = at
    card.receive(kind, json.dumps(list(args)), at)


def busy_call() -> tuple[Card, FakePage, dict[str, float]]:
    card, told, clock = make_card()
    send(card, clock, "app:opened", OPENED, at=1_000)
    send(card, clock, "CallCard::CallStateChanged", "connecting", at=2_000)
    send(card, clock, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=9_000)
    return card, told, clock


def test_the_live_region_hears_each_state_and_the_outcome_once() -> None:
    told = busy_call()[1]
    assert told.said == ["Waiting for the call", "Ringing", "Declined after 0:07 of ringing"]


def test_timer_ticks_say_nothing_and_ask_no_fit() -> None:
    card, told, clock = make_card()
    send(card, clock, "app:opened", OPENED, at=1_000)
    send(card, clock, "CallCard::CallStateChanged", "connecting", at=2_000)
    said, fits = list(told.said), told.fits
    for step in range(1, 41):  # ten seconds of ticks
        clock["now"] = 2_000 + step * 250
        card.tick()
    assert told.said == said
    assert told.fits == fits


def test_the_portal_is_asked_to_fit_the_frame_as_the_timeline_grows() -> None:
    card, told, clock = make_card()
    send(card, clock, "app:opened", OPENED, at=1_000)
    before = told.fits
    send(card, clock, "CallCard::CallStateChanged", "connecting", at=2_000)
    send(card, clock, "CallCard::CallStateChanged", "connected", at=3_000)
    assert told.fits == before + 2
    send(card, clock, "CallCard::EntityChanged", {"PHONE_NUMBER": "+49301234567"}, at=4_000)
    assert told.fits == before + 3


def test_support_text_has_the_call_its_steps_times_and_codes() -> None:
    told = busy_call()[1]
    text = told.summaries[-1]
    lines = text.replace("\u202f", " ").splitlines()  # Intl may put a narrow space before AM
    assert "Call ID: 5B1D1A3E.1764900000.42" in lines
    assert "Number: +49301234567" in lines
    assert "Direction: Outgoing" in lines
    assert "Date: 1970-01-01 (UTC+01:00)" in lines
    assert "Outcome: Declined after 0:07 of ringing (Code 486)" in lines
    assert "Ring time: 0:07" in lines
    # Each step at its time in Berlin, as the card's rows write it (English: 12 hours); the end of
    # the call, and the wait before it, have no length, as in the card.
    assert "1:00:01 AM  Waiting for the call (since the card opened)" in lines
    assert "1:00:02 AM  Ringing  0:07" in lines
    assert "1:00:09 AM  Call ended  486 · Declined" in lines
    assert told.words[-1]["copy"] == "Copy for support"


def test_support_text_in_german_has_no_raw_value_and_the_client_the_card_shows() -> None:
    """A translated card's support text says the direction and the client in its language: never
    ``outgoing``, ``unknown`` or ``LEAD``, and the number after a client change, not before it."""
    card, told, clock = make_card()
    send(card, clock, "app:opened", {**OPENED, "LANG": "de"}, at=1_000)
    send(card, clock, "CallCard::EntityChanged",
         {"PHONE_NUMBER": "+4930999", "CRM_ENTITY_TYPE": "LEAD", "CRM_ENTITY_ID": 204}, at=2_000)
    send(card, clock, "CallCard::EntityChanged", {"PHONE_NUMBER": "unknown"}, at=3_000)
    text = told.summaries[-1]
    for raw in ("outgoing", "unknown", "LEAD", "+49301234567"):
        assert raw not in text, raw
    assert "Richtung: Ausgehend" in text.splitlines()
    assert "Nummer: keine Nummer" in text.splitlines()
    assert "Lead #204" in text


def test_a_busy_signal_says_busy_before_any_ringing_and_declined_after_it() -> None:
    """A 486 without ringing is *Busy*; after ringing, the client declined, as Bitrix24's own call
    view words it (PhoneCallsController#onCallFailed), and the headline says how long it rang."""
    from placement_app.card.view import headline
    from placement_app.core.events import CallState
    from placement_app.core.timeline import Timeline

    ended = Timeline(call_state=CallState.IDLE, ended_at=9_400.0, failed_code="486")
    assert headline(ended, "en") == ("failed", "Busy")
    assert headline(replace(ended, ringing_at=2_600.0), "en") == ("failed", "Declined after 0:07 of ringing")
    # A ring the card would write as 0:00 is none it can vouch for: busy, not declined.
    assert headline(replace(ended, ringing_at=9_100.0), "en") == ("failed", "Busy")
    assert headline(replace(ended, failed_code=None, ringing_at=2_600.0), "en") == (
        "not_answered", "Not answered after 0:07 of ringing")


def test_support_date_is_the_operators_day_at_the_zones_offset_then() -> None:
    """The date and offset by the time zone's rules: summer time in Berlin, and a New York evening
    that is already the next day in UTC."""
    summer = 1_782_900_000_000  # 2026-07-01 10:00 UTC
    for zone, at, date in (("Europe/Berlin", summer, "Date: 2026-07-01 (UTC+02:00)"),
                           ("America/New_York", summer - 12 * 3_600_000, "Date: 2026-06-30 (UTC-04:00)"),
                           ("Asia/Kolkata", summer, "Date: 2026-07-01 (UTC+05:30)")):
        card, told, clock = make_card(zone)
        send(card, clock, "app:opened", OPENED, at=at)
        assert date in told.summaries[-1].splitlines(), zone


def test_support_times_follow_the_card_language_and_the_admins_hours() -> None:
    card, told, clock = make_card()
    stored = settings.dumps(settings.Settings(clock="24h"))
    send(card, clock, "app:opened", {**OPENED, "LANG": "de", "APP_OPTIONS": {settings.OPTION_NAME: stored}},
         at=1_000)
    assert any(line.startswith("01:00:01  ") for line in told.summaries[-1].splitlines())


def test_support_text_never_holds_a_token() -> None:
    card, told, clock = busy_call()
    send(card, clock, "CallCard::EntityChanged", {"PHONE_NUMBER": "1", "AUTH_ID": TOKEN}, at=12_000)
    send(card, clock, "CallCard::CallStateChanged", ["idle", {"failedCode": 1, "auth": TOKEN}], at=13_000)
    clock["now"] = 20_000
    card.tick()
    assert told.summaries
    for text in told.summaries:
        assert TOKEN not in text and REFRESH not in text and "member-secret-value" not in text


def test_support_text_follows_the_card_language() -> None:
    card, told, clock = make_card()
    send(card, clock, "app:opened", {**OPENED, "LANG": "ru"}, at=1_000)
    send(card, clock, "CallCard::CallStateChanged", ["idle", {"failedCode": "603"}], at=2_000)
    assert "ID звонка: 5B1D1A3E.1764900000.42" in told.summaries[-1]
    assert told.words[-1]["copy"] == "Копировать для поддержки"


def test_a_burst_is_summarised_at_most_once_a_second_and_the_tick_catches_up() -> None:
    card, told, clock = make_card()
    send(card, clock, "app:opened", OPENED, at=1_000)
    count = len(told.summaries)
    for index in range(50):
        send(card, clock, "CallCard::EntityChanged", {"PHONE_NUMBER": str(index)}, at=1_001 + index)
    assert len(told.summaries) == count
    clock["now"] = 1_300
    card.tick()
    assert len(told.summaries) == count + 1 and "  49" in told.summaries[-1].splitlines()[-1]


def test_the_support_text_has_the_outcome_as_soon_as_the_call_ends_even_in_a_burst() -> None:
    card, told, clock = make_card()
    send(card, clock, "app:opened", OPENED, at=1_000)
    send(card, clock, "CallCard::CallStateChanged", "connecting", at=1_100)
    send(card, clock, "CallCard::CallStateChanged", ["idle", {"failedCode": "603"}], at=1_200)
    assert "Outcome: Declined (Code 603)" in told.summaries[-1].splitlines()
