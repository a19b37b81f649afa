"""The card's "Earlier" line: a number's earlier calls, from the portal's call statistics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage
from own_loop import run_in_own_loop

from placement_app.card import earlier
from placement_app.card.app import Card
from placement_app.card.earlier import Earlier, EarlierCall, Formats, Status
from placement_app.card.lookup import PortalAccess
from placement_app.card.view import CardView, code_line
from placement_app.core import i18n, settings
from placement_app.core.settings import Settings
from placement_app.portal import client

CALL = "5B1D1A3E.1764900000.7"
TOKEN = "token123"
#: The card's clock: 2026-12-06 10:30 UTC.
NOW = datetime(2026, 12, 6, 10, 30, tzinfo=UTC).timestamp() * 1000
DAY = earlier.DAY_MS
NUMBER = "74951234567"


def iso(day: int, hour: int, minute: int, month: int = 12) -> str:
    """A start at ``hour``:``minute`` UTC as the portal gives it: ISO 8601 with the portal's offset
    (here Moscow's, +03:00)."""
    return f"2026-{month:02d}-{day:02d}T{hour + 3:02d}:{minute:02d}:00+03:00"


def record(call_id: str, start: str, code: str = "486", duration: str = "0",
           phone: str = "+" + NUMBER, record_id: str = "1") -> dict[str, object]:
    """A record as ``voximplant.statistic.get`` lists it (every value a string)."""
    return {"ID": record_id, "CALL_ID": call_id, "PHONE_NUMBER": phone, "CALL_START_DATE": start,
            "CALL_DURATION": duration, "CALL_FAILED_CODE": code, "CALL_FAILED_REASON": "",
            "PORTAL_USER_ID": "1"}


def reply(result: object = None, error: str | None = None, status: int = 200) -> tuple[int, str]:
    body = {"error": error, "error_description": "..."} if error else {"result": result}
    return status, json.dumps(body)


# --- what is asked ------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["+74951234567", "74951234567", "+7 (495) 123-45-67"])
def test_a_number_with_or_without_plus_asks_for_both_spellings_in_one_request(given: str) -> None:
    """The portal keeps its own calls' numbers without ``+`` and a PBX's as sent: the card asks for
    the digits as a substring and the period's calls, newest first, without its own call."""
    number = earlier.digits(given)
    assert number == NUMBER
    since = NOW - 30 * DAY
    _, body = client.request("https://portal.example/rest/", TOKEN, earlier.METHOD,
                             earlier.params(number, CALL, since))
    assert parse_qs(body) == {
        "FILTER[%PHONE_NUMBER]": [NUMBER],
        "FILTER[>=CALL_START_DATE]": ["2026-11-06T10:30:00+00:00"],
        "FILTER[!CALL_ID]": [CALL],
        "SORT": ["CALL_START_DATE"], "ORDER": ["DESC"],
        "start": ["-1"],  # the first 50, and the portal need not count every match
        "auth": [TOKEN]}


@pytest.mark.parametrize("given", [None, "", "hidden", "HIDDEN", "unknown", "12", "Anonymous"])
def test_a_number_the_card_does_not_know_asks_nothing(given: str | None) -> None:
    assert earlier.digits(given) is None


# --- what the reply means -----------------------------------------------------------------------


def read(answer: tuple[int, str], days: int = 30) -> Earlier:
    got = client.read(*answer)
    if isinstance(got, client.Failed):
        got = client.Failed(got.error, got.description, got.status, earlier.METHOD)
    return earlier.read_reply(got, NUMBER, CALL, NOW - days * DAY, NOW, days)


def test_the_numbers_calls_are_kept_in_either_spelling_newest_first_and_the_cards_own_is_left_out() -> None:
    shown = read(reply([
        record("old", iso(1, 9, 0), "304"),
        record("b", iso(6, 7, 15), phone=NUMBER),  # the portal's own telephony: no "+"
        record(CALL, iso(6, 10, 20), "603"),  # the card's own call, had the portal not filtered it
        record("a", iso(6, 7, 2)),
        record("c", iso(3, 12, 0), "200", "252"),
    ]))
    assert shown.status is Status.SHOWN
    assert [call.call_id for call in shown.calls] == ["b", "a", "c", "old"]
    started = datetime(2026, 12, 3, 12, tzinfo=UTC).timestamp() * 1000
    assert shown.calls[2] == EarlierCall("c", started, 252, "200", 1)


def test_of_calls_begun_in_the_same_second_the_one_written_later_is_the_later() -> None:
    shown = read(reply([record("first", iso(6, 9, 0), record_id="1001"),
                        record("second", iso(6, 9, 0), "200", record_id="1002")]))
    assert [call.call_id for call in shown.calls] == ["second", "first"]


@pytest.mark.parametrize("bad", [
    "not a record", None, [1], {},
    {**record("x", iso(6, 9, 0)), "CALL_ID": 7},
    {**record("x", iso(6, 9, 0)), "PHONE_NUMBER": "+174951234567"},  # another number holding the digits
    {**record("x", iso(6, 9, 0)), "PHONE_NUMBER": None},
    {**record("x", iso(6, 9, 0)), "CALL_START_DATE": "yesterday"},
    {**record("x", iso(6, 9, 0)), "CALL_START_DATE": "2026-12-06T09:00:00"},  # no offset: whose clock?
    {**record("x", iso(6, 9, 0)), "CALL_START_DATE": "2026-10-01T09:00:00+03:00"},  # before the period
    {**record("x", iso(6, 9, 0)), "CALL_START_DATE": "2027-01-01T09:00:00+03:00"},  # not yet
    {**record("x", iso(6, 9, 0)), "CALL_DURATION": "-3"},
    {**record("x", iso(6, 9, 0)), "CALL_DURATION": "1e9"},
    {**record("x", iso(6, 9, 0)), "CALL_FAILED_CODE": ""},
    {**record("x", iso(6, 9, 0)), "CALL_FAILED_CODE": "486\u202e"},
])
def test_a_record_that_cannot_be_read_is_left_out_and_the_rest_kept(bad: object) -> None:
    shown = read(reply([bad, record("good", iso(6, 9, 30))]))
    assert shown.status is Status.SHOWN and [call.call_id for call in shown.calls] == ["good"]


@pytest.mark.parametrize(("answer", "status"), [
    (reply([]), Status.SHOWN),
    (reply(error="ACCESS_DENIED", status=403), Status.DENIED),  # no "Call statistics: view"
    (reply(error="insufficient_scope", status=401), Status.FAILED),
    (reply(error="INTERNAL_SERVER_ERROR", status=500), Status.FAILED),
    ((200, "<html>login</html>"), Status.FAILED),
    ((200, '{"result": {"0": {}}}'), Status.FAILED),
])
def test_every_reply_shape_is_understood(answer: tuple[int, str], status: Status) -> None:
    got = read(answer)
    assert got.status is status and got.calls == ()


# --- the line's words ---------------------------------------------------------------------------

FORMATS = Formats(i18n.plain_day(), i18n.plain_short(), "en", None)


def words(state: Earlier, lang: str = "en", chosen: Settings = settings.DEFAULTS) -> str:
    def label(code: str) -> str:
        return code_line(code, lang, chosen)[0].label
    return earlier.line(state, lang, label, FORMATS)


def calls(*rows: tuple[str, str, str, str]) -> Earlier:
    return read(reply([record(call_id, start, code, duration) for call_id, start, code, duration in rows]))


def six_days() -> list[tuple[str, str, str, str]]:
    """A call on each of the last six days, busy and unavailable by turns."""
    return [(f"c{day}", iso(day, 9, 0), "480" if day % 2 else "486", "0") for day in range(1, 7)]


def test_the_line_names_each_day_once_and_groups_its_calls_by_outcome_newest_first() -> None:
    state = calls(("a", iso(6, 10, 2), "486", "0"), ("b", iso(6, 10, 15), "486", "0"),
                  ("c", iso(3, 12, 0), "200", "252"), ("d", iso(1, 9, 0), "304", "0"),
                  ("e", iso(5, 18, 0), "200", "0"))
    assert words(state) == ("Earlier calls you can see: Today: Busy ×2 (10:15, 10:02) · Yesterday: Answered"
                            " · 3 Dec: Answered 4:12 · 1 Dec: Missed")
    # Outcomes taking turns on one day: all the busy calls together, each group where its newest falls.
    state = calls(("a", iso(6, 9, 21), "486", "0"), ("b", iso(6, 9, 19), "486", "0"),
                  ("c", iso(6, 9, 18), "200", "15"), ("d", iso(6, 9, 16), "480", "0"),
                  ("e", iso(6, 9, 15), "200", "11"), ("f", iso(6, 9, 14), "486", "0"),
                  ("g", iso(6, 9, 10), "486", "0"), ("h", iso(3, 12, 0), "200", "252"),
                  ("i", iso(3, 11, 0), "200", "30"), ("j", iso(3, 10, 0), "486", "0"))
    assert words(state) == ("Earlier calls you can see: Today: Busy ×4 (09:21, 09:19, 09:14, …), "
                            "Answered ×2 (09:18, 09:15), Temporarily unavailable (09:16)"
                            " · 3 Dec: Answered ×2 · and 1 more call")


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", ["и ещё 1 звонок", "и ещё 3 звонка", "и ещё 5 звонков"]),
    ("ua", ["і ще 1 дзвінок", "і ще 3 дзвінки", "і ще 5 дзвінків"]),
    ("pl", ["i jeszcze 1 połączenie", "i jeszcze 3 połączenia", "i jeszcze 5 połączeń"]),
])
def test_the_calls_without_room_are_counted_with_the_languages_three_plural_forms(
        lang: str, expected: list[str]) -> None:
    named = [(f"n{day}", iso(day, 9, 0), "486", "0") for day in range(3, 7)]  # four groups: the most named
    for more, said in zip((1, 3, 5), expected, strict=True):
        rest = [(f"r{index}", iso(2, 9, index), "480", "0") for index in range(more)]
        assert words(calls(*named, *rest), lang).endswith(" · " + said)


def test_the_line_speaks_of_calls_you_can_see_and_counts_what_it_has_no_room_for() -> None:
    state = calls(*six_days())
    said = words(state)
    assert said.startswith("Earlier calls you can see: Today: Busy (09:00) · Yesterday: Temporarily "
                           "unavailable")
    assert said.endswith(" · and 2 more calls")
    assert "all calls" not in said.lower()
    assert words(calls(*((f"c{day}", iso(day, 9, 0), "480" if day % 2 else "486", "0")
                         for day in range(2, 7)))).endswith(" · and 1 more call")


def test_the_line_takes_the_admins_own_words_for_a_code() -> None:
    own = Settings(overrides=(settings.Override("486", "Line busy", ""),))
    assert words(calls(("a", iso(4, 9, 0), "486", "0")), chosen=own) \
        == "Earlier calls you can see: 4 Dec: Line busy"


@pytest.mark.parametrize(("days", "expected"), [
    (1, "Нет прошлых звонков, доступных вам, за последний 1 день"),
    (3, "Нет прошлых звонков, доступных вам, за последние 3 дня"),
    (30, "Нет прошлых звонков, доступных вам, за последние 30 дней"),
    (21, "Нет прошлых звонков, доступных вам, за последний 21 день"),
])
def test_no_earlier_calls_is_said_with_the_languages_plural_of_the_days(days: int, expected: str) -> None:
    assert words(read(reply([]), days), "ru") == expected
    assert words(read(reply([]), days), "en").startswith("No earlier calls you can see in the last")


def test_the_line_is_in_the_cards_language_with_its_plurals() -> None:
    state = calls(*six_days())
    said = words(state, "ru")
    assert said.startswith("Прошлые звонки, доступные вам: Сегодня: Занято (09:00) · Вчера: Временно "
                           "недоступен")
    assert said.endswith(" · и ещё 2 звонка")
    many = calls(*six_days(),
                 *((f"d{day}", iso(day, 8, 0), "603", "0") for day in range(1, 5)))
    assert words(many, "ru").endswith(" · и ещё 6 звонков")
    assert words(read(reply(error="ACCESS_DENIED", status=403)), "de") \
        == i18n.text("earlier.denied", "de")


# --- when it is asked, and what else it changes ---------------------------------------------------


class Portal:
    """Answers the card's REST calls by what they ask; records what was asked, in order."""

    def __init__(self, earlier_reply: tuple[int, str], lookup_reply: tuple[int, str] | None = None) -> None:
        self.earlier_reply = earlier_reply
        self.lookup_reply = lookup_reply or reply([{**record(CALL, iso(6, 10, 20), "486")}])
        self.asked: list[str] = []
        #: While set, a question about earlier calls waits for it before it is answered.
        self.hold: asyncio.Event | None = None
        #: Other numbers' answers, by the digits asked for; the numbers asked for, in order.
        self.by_number: dict[str, tuple[int, str]] = {}
        self.numbers: list[str] = []

    async def __call__(self, url: str, body: str) -> tuple[int, str]:
        params = parse_qs(body)
        kind = "earlier" if "FILTER[%PHONE_NUMBER]" in params else "lookup"
        self.asked.append(kind)
        number = params.get("FILTER[%PHONE_NUMBER]", [""])[0]
        if kind == "earlier":
            self.numbers.append(number)
        if kind == "earlier" and self.hold is not None:
            await self.hold.wait()
            self.asked.append("earlier answered")
        return self.by_number.get(number, self.earlier_reply) if kind == "earlier" else self.lookup_reply


def opened(state: str = "connecting", phone: str | None = "+" + NUMBER,
           options: Mapping[str, object] | None = None) -> str:
    placement: dict[str, object] = {"CALL_ID": CALL, "CALL_STATE": state}
    if phone is not None:
        placement["PHONE_NUMBER"] = phone
    data: dict[str, object] = {"LANG": "en", "DOMAIN": "portal.example", "PROTOCOL": 1, "AUTH_ID": TOKEN,
                               "PLACEMENT_OPTIONS": placement}
    if options is not None:
        data["APP_OPTIONS"] = options
    return json.dumps([data])


Tasks = list[Coroutine[Any, Any, Any]]


def card_with(portal: Portal, page: FakePage | None = None) -> tuple[Card, FakeElement, Tasks]:
    document = FakeDocument()
    root = document.createElement("section")
    tasks: list[Coroutine[Any, Any, Any]] = []
    card = Card(CardView(document, root), page or FakePage(lambda: NOW),
                portal=PortalAccess(portal, tasks.append))
    return card, root, tasks


def run(tasks: list[Coroutine[Any, Any, Any]]) -> None:
    async def everything() -> None:
        while tasks:
            await asyncio.gather(*[tasks.pop(0) for _ in range(len(tasks))])

    run_in_own_loop(everything())


def test_the_line_is_asked_for_only_once_python_is_live_and_its_place_kept_until_it_comes() -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    line = root.find("earlier")
    assert tasks == []  # the events of the start-up ask nothing
    # ... but the line's place is kept from the first drawing: the frame is sized once.
    assert not line.hidden and line.textContent == "Earlier calls: looking them up…"
    card.tick()  # the page's timer: it runs only once Python is live
    assert len(tasks) == 1
    run(tasks)
    assert line.textContent == "Earlier calls you can see: Today: Busy (09:00)"
    card.tick()
    card.tick()
    assert tasks == [] and portal.asked == ["earlier"]  # once per card


def test_when_the_call_ended_without_a_code_the_end_lookup_goes_first() -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', NOW - 1_000)
    assert len(tasks) == 1  # the end-of-call lookup, at once
    card.tick()
    assert len(tasks) == 1 and not root.find("earlier").hidden  # its place is kept, nothing is asked
    run(tasks)
    assert card.timeline.failed_code == "486"
    card.tick()
    run(tasks)
    assert portal.asked == ["lookup", "earlier"]
    assert root.find("earlier").textContent.startswith("Earlier calls you can see: Today: Busy")


def test_the_line_and_the_end_lookup_never_ask_the_portal_at_once() -> None:
    """The call ends while the line's question is on its way: the lookup waits for its answer."""
    portal = Portal(reply([]))
    card, _, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()

    async def scenario() -> None:
        portal.hold = asyncio.Event()
        asking = asyncio.ensure_future(tasks.pop())
        for _ in range(20):
            await asyncio.sleep(0)
        assert portal.asked == ["earlier"]  # on its way, unanswered
        card.receive("CallCard::CallStateChanged", '["idle"]', NOW - 1_000)
        looking = asyncio.ensure_future(tasks.pop())
        for _ in range(20):
            await asyncio.sleep(0)
        assert portal.asked == ["earlier"]  # the lookup waits its turn
        portal.hold.set()
        await asyncio.gather(asking, looking)

    run_in_own_loop(scenario())
    assert portal.asked == ["earlier", "earlier answered", "lookup"]
    assert card.timeline.failed_code == "486"


def test_turned_off_by_the_admin_the_line_asks_and_shows_nothing() -> None:
    options = {settings.OPTION_NAME: settings.dumps(Settings(earlier_calls=False))}
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(options=options), NOW - 5_000)
    card.tick()
    card.tick()
    assert tasks == [] and portal.asked == [] and root.find("earlier").hidden


@pytest.mark.parametrize("phone", [None, "hidden"])
def test_without_the_clients_number_nothing_is_asked(phone: str | None) -> None:
    portal = Portal(reply([]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(phone=phone), NOW - 5_000)
    card.tick()
    assert tasks == [] and root.find("earlier").hidden


def test_a_number_learned_from_a_client_change_is_asked_for() -> None:
    portal = Portal(reply([]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(phone=None), NOW - 5_000)
    card.receive("CallCard::EntityChanged", json.dumps([{"PHONE_NUMBER": "+" + NUMBER}]), NOW - 4_000)
    card.tick()
    run(tasks)
    assert portal.asked == ["earlier"]
    assert root.find("earlier").textContent == "No earlier calls you can see in the last 30 days"


OTHER = "491701234567"


def changed_to(phone: str | None) -> str:
    return json.dumps([{"PHONE_NUMBER": phone} if phone is not None else {}])


def test_after_a_client_change_the_line_follows_the_number_the_card_shows() -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    portal.by_number[OTHER] = reply([record("b", iso(3, 12, 0), "200", "252", phone="+" + OTHER)])
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    run(tasks)
    line = root.find("earlier")
    assert line.textContent == "Earlier calls you can see: Today: Busy (09:00)"
    card.receive("CallCard::EntityChanged", changed_to("+" + OTHER), NOW - 3_000)
    # The first client's calls are gone at once, their space kept; nothing is asked from the event.
    assert not line.hidden and line.textContent == "Earlier calls: looking them up…"
    assert tasks == []
    card.receive("CallCard::EntityChanged", changed_to(OTHER), NOW - 2_000)  # the same number again
    card.tick()
    run(tasks)
    assert portal.numbers == [NUMBER, OTHER]
    assert line.textContent == "Earlier calls you can see: 3 Dec: Answered 4:12"
    card.tick()
    assert tasks == []  # once per number


@pytest.mark.parametrize("phone", [None, "hidden", "unknown"])
def test_a_client_change_to_no_number_hides_the_calls(phone: str | None) -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    run(tasks)
    card.receive("CallCard::EntityChanged", changed_to(phone), NOW - 3_000)
    card.tick()
    assert tasks == [] and root.find("earlier").hidden and "Busy" not in root.visible_text()


def test_an_answer_about_a_number_no_longer_shown_is_dropped() -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    portal.by_number[OTHER] = reply([])
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    line = root.find("earlier")

    async def scenario() -> None:
        portal.hold = asyncio.Event()
        asking = asyncio.ensure_future(tasks.pop())
        for _ in range(20):
            await asyncio.sleep(0)
        assert portal.asked == ["earlier"]  # the first number's question, unanswered
        card.receive("CallCard::EntityChanged", changed_to("+" + OTHER), NOW - 3_000)
        card.tick()
        again = asyncio.ensure_future(tasks.pop())
        for _ in range(20):
            await asyncio.sleep(0)
        assert portal.numbers == [NUMBER]  # the new question waits its turn
        portal.hold.set()
        portal.hold = second = asyncio.Event()  # the new number's answer is awaited in its turn
        await asking
        for _ in range(20):
            await asyncio.sleep(0)
        assert portal.numbers == [NUMBER, OTHER]
        assert line.textContent == "Earlier calls: looking them up…"  # not the first number's calls
        second.set()
        await again

    run_in_own_loop(scenario())
    assert portal.numbers == [NUMBER, OTHER]
    assert line.textContent == "No earlier calls you can see in the last 30 days"


def test_a_new_number_waits_for_the_end_lookup_like_the_first() -> None:
    portal = Portal(reply([record("a", iso(6, 9, 0))]))
    card, _, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    run(tasks)
    card.receive("CallCard::CallStateChanged", '["idle"]', NOW - 2_000)
    card.receive("CallCard::EntityChanged", changed_to("+" + OTHER), NOW - 1_000)
    card.tick()
    assert len(tasks) == 1  # the end-of-call lookup only
    run(tasks)
    card.tick()
    run(tasks)
    assert portal.asked == ["earlier", "lookup", "earlier"] and portal.numbers == [NUMBER, OTHER]


@pytest.mark.parametrize(("answer", "said"), [
    (reply(error="ACCESS_DENIED", status=403),
     "Earlier calls are not shown: your Bitrix24 user may not view call statistics."),
    (reply(error="INTERNAL_SERVER_ERROR", status=500), "Earlier calls could not be loaded."),
])
def test_a_failed_lookup_says_so_once_quietly_and_changes_nothing_else(answer: tuple[int, str],
                                                                       said: str) -> None:
    page = FakePage(lambda: NOW)
    portal = Portal(answer)
    card, root, tasks = card_with(portal, page)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    others = ("state", "failure", "entries", "outcome")
    before = [root.find(name).textContent for name in others]
    run(tasks)
    card.tick()
    card.tick()
    assert tasks == [] and portal.asked == ["earlier"]  # never asked again
    assert root.find("earlier").textContent == said
    assert root.visible_text().count(said) == 1
    assert [root.find(name).textContent for name in others] == before
    assert root.find("failure").hidden and card.timeline.failed_code is None
    assert len([warning for warning in page.warnings if "earlier calls" in warning]) == 1
    if "ACCESS_DENIED" in answer[1]:
        assert 'permission "Call statistics: view"' in page.warnings[-1]  # what the admin must give


def test_stored_days_that_are_not_a_whole_number_in_range_are_not_half_used() -> None:
    stored = {**json.loads(settings.dumps(settings.DEFAULTS)), "earlier_days": 0}
    loaded = settings.load({settings.OPTION_NAME: json.dumps(stored)})
    assert loaded.problem is settings.Problem.CORRUPT and loaded.settings == settings.DEFAULTS
    older = json.loads(settings.dumps(settings.DEFAULTS))
    del older["earlier_calls"], older["earlier_days"]  # stored before the line existed
    assert settings.load({settings.OPTION_NAME: json.dumps(older)}) == settings.Loaded(settings.DEFAULTS)


def test_the_settings_form_checks_the_days_like_every_field() -> None:
    form = settings.to_form(Settings(earlier_days=14))
    assert form["earlier_calls"] is True and form["earlier_days"] == "14"
    assert settings.from_form(form) == Settings(earlier_days=14)
    errors = settings.from_form({**form, "earlier_days": "91"})
    assert not isinstance(errors, Settings)
    assert [i18n.text(error.key, "en", **dict(error.values)) for error in errors["earlier_days"]] \
        == ["Enter a whole number of days from 1 to 90."]
    # Switched off, the days cannot be corrected in the form (it disables them): the default is kept.
    assert settings.from_form({**form, "earlier_calls": False, "earlier_days": "x"}) \
        == Settings(earlier_calls=False)
    assert not isinstance(settings.from_form({**form, "earlier_calls": "yes"}), Settings)


def test_after_the_end_lookup_was_refused_the_permission_the_line_says_so_without_asking() -> None:
    portal = Portal(reply([]), lookup_reply=reply(error="ACCESS_DENIED", status=403))
    card, root, tasks = card_with(portal)
    card.receive("app:opened", opened(), NOW - 5_000)
    card.receive("CallCard::CallStateChanged", '["idle"]', NOW - 1_000)
    run(tasks)
    card.tick()
    assert tasks == [] and portal.asked == ["lookup"]  # the same question would be refused the same way
    assert root.find("earlier").textContent == i18n.text("earlier.denied", "en")


def test_the_line_never_asks_the_portal_for_a_new_token_of_its_own() -> None:
    page = FakePage(lambda: NOW)
    portal = Portal(reply(error="expired_token", status=401))
    refreshed: list[str] = []

    async def refresh() -> object:
        refreshed.append("refreshAuth")
        return {"AUTH_ID": "fresh"}

    document = FakeDocument()
    root = document.createElement("section")
    tasks: Tasks = []
    card = Card(CardView(document, root), page, portal=PortalAccess(portal, tasks.append, refresh=refresh))
    card.receive("app:opened", opened(), NOW - 5_000)
    card.tick()
    run(tasks)
    assert refreshed == [] and root.find("earlier").textContent == "Earlier calls could not be loaded."
