"""``voximplant.statistic.get`` on a seeded portal: filters, sorting and pages, as the docs describe."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from emulator import seed
from emulator.limits import UNLIMITED
from emulator.portal import Portal
from emulator.statistics import Store

NOW = datetime(2026, 12, 6, 15, 30, tzinfo=timezone(timedelta(hours=3)))
RECORDS = seed.generate(3000, 10, now=NOW)


def portal() -> Portal:
    seeded = Portal(limits=UNLIMITED)
    seeded.statistics.seed(RECORDS)
    seeded.control("session", {"auth": "admin", "admin": True})
    return seeded


PORTAL = portal()


def ask(**params: str) -> dict[str, Any]:
    status, body = PORTAL.rest("voximplant.statistic.get", {"auth": "admin", **params})
    assert status == 200, body
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [int(row["ID"]) for row in body["result"]]


def test_each_filter_operator_and_an_unknown_field_dropped() -> None:
    assert ids(ask(**{"FILTER[>ID]": "2990"})) == list(range(2991, 3001))
    assert ids(ask(**{"FILTER[>=ID]": "2990"})) == list(range(2990, 3001))
    assert ids(ask(**{"FILTER[<ID]": "4"})) == [1, 2, 3]
    assert ids(ask(**{"FILTER[<=ID]": "4", "FILTER[NO_SUCH_FIELD]": "x"})) == [1, 2, 3, 4]
    assert ask(**{"FILTER[>CALL_DURATION]": "0"})["total"] == sum(r["CALL_DURATION"] != "0" for r in RECORDS)
    assert ask(**{"FILTER[<CALL_TYPE]": "2"})["total"] == sum(r["CALL_TYPE"] == "1" for r in RECORDS)
    assert ids(ask(**{"FILTER[ID]": "7"})) == ids(ask(**{"FILTER[=ID]": "7"})) == [7]
    assert ask(**{"FILTER[!CALL_FAILED_CODE]": "200"})["total"] == sum(
        r["CALL_FAILED_CODE"] != "200" for r in RECORDS)
    assert ask(**{"FILTER[CALL_FAILED_CODE]": "603-S"})["total"] == sum(
        r["CALL_FAILED_CODE"] == "603-S" for r in RECORDS)
    # Integers compare as numbers, not text: "90" < "100".
    long_calls = sum(int(r["CALL_DURATION"]) >= 100 for r in RECORDS)
    assert ask(**{"FILTER[>=CALL_DURATION]": "100"})["total"] == long_calls
    # Dates compare by instant, whatever the offset the filter is written in.
    since = "2026-12-06T00:00:00+03:00"
    today = sum(r["CALL_START_DATE"] >= since for r in RECORDS)
    assert ask(**{"FILTER[>=CALL_START_DATE]": since})["total"] == today > 0
    assert ask(**{"FILTER[>=CALL_START_DATE]": "2026-12-05T21:00:00+00:00"})["total"] == today
    # Lists are sets (the docs' "ID": [1, 7]).
    assert ids(ask(**{"FILTER[ID][0]": "1", "FILTER[ID][1]": "7"})) == [1, 7]


def test_a_number_is_matched_as_text_so_both_forms_are_asked_for() -> None:
    external = {name for name, _, is_external in seed.LINES if is_external}
    digits = next(r["PHONE_NUMBER"] for r in RECORDS if r["PORTAL_NUMBER"] in external)
    plus = "+" + digits
    both = [r for r in RECORDS if r["PHONE_NUMBER"] in (digits, plus)]
    for number in (digits, plus):
        exact = sum(r["PHONE_NUMBER"] == number for r in RECORDS)
        assert ask(**{"FILTER[PHONE_NUMBER]": number})["total"] == exact
    assert ask(**{"FILTER[PHONE_NUMBER][0]": plus, "FILTER[PHONE_NUMBER][1]": digits})["total"] == len(both)


def test_sort_and_order() -> None:
    by_start = ask(SORT="CALL_START_DATE", ORDER="DESC")
    starts = [datetime.fromisoformat(row["CALL_START_DATE"]) for row in by_start["result"]]
    assert starts == sorted(starts, reverse=True) and starts[0] == max(
        datetime.fromisoformat(r["CALL_START_DATE"]) for r in RECORDS)
    assert ids(ask(ORDER="DESC", SORT="ID"))[:3] == [3000, 2999, 2998]
    assert ids(ask(SORT="NO_SUCH_FIELD"))[:3] == [1, 2, 3]  # an unknown field: by ID


def test_pages_give_every_record_once_with_total_and_next() -> None:
    seen: list[int] = []
    start = "0"
    while True:
        body = ask(**{"FILTER[CALL_FAILED_CODE]": "200", "SORT": "ID", "ORDER": "DESC", "start": start})
        assert body["total"] == sum(r["CALL_FAILED_CODE"] == "200" for r in RECORDS)
        seen += ids(body)
        if "next" not in body:
            break
        assert len(body["result"]) == 50
        start = str(body["next"])
    assert seen == sorted((int(r["ID"]) for r in RECORDS if r["CALL_FAILED_CODE"] == "200"), reverse=True)


def test_start_minus_one_lists_a_page_without_counting() -> None:
    """settings/performance/huge-data.md: by ``>ID`` of the last one seen, ``start=-1``."""
    seen: list[int] = []
    last = "0"
    while True:
        body = ask(**{"FILTER[>ID]": last, "FILTER[CALL_TYPE]": "1", "SORT": "ID", "ORDER": "ASC",
                      "start": "-1"})
        assert "next" not in body and body["total"] == 0
        seen += ids(body)
        if len(body["result"]) < 50:
            break
        last = body["result"][-1]["ID"]
    assert seen == [int(r["ID"]) for r in RECORDS if r["CALL_TYPE"] == "1"]


def test_a_record_gets_its_id_when_it_is_written() -> None:
    store = Store()
    store.seed(RECORDS[:10])
    store.add(5.0, "slow", "200")  # written later, though its call ended first
    store.add(1.0, "quick", "486")
    rows = store.query({"FILTER[>ID]": "10"}, 6.0)["result"]
    assert [(row["CALL_ID"], row["ID"]) for row in rows] == [("quick", "1001"), ("slow", "1002")]
    store.add(9.0, "later", "200")
    assert [row["CALL_ID"] for row in store.query({"FILTER[>ID]": "1001"}, 8.0)["result"]] == ["slow"]


def test_a_day_is_listed_whole_though_long_calls_are_written_late() -> None:
    """The date range is cut by bisection on ID order; a call that started the day before and was
    written today, or started at the day's end, is still placed by its start."""
    for day in ("2026-11-28", "2026-12-05", "2026-12-06"):
        since, until = f"{day}T00:00:00+03:00", f"{day}T23:59:59+03:00"
        expected = [int(r["ID"]) for r in RECORDS if since <= r["CALL_START_DATE"] <= until]
        seen: list[int] = []
        last = "0"
        while True:
            body = ask(**{"FILTER[>ID]": last, "FILTER[>=CALL_START_DATE]": since,
                          "FILTER[<=CALL_START_DATE]": until, "start": "-1"})
            seen += ids(body)
            if len(body["result"]) < 50:
                break
            last = body["result"][-1]["ID"]
        assert seen == expected and expected
        assert ask(**{"FILTER[>=CALL_START_DATE]": since, "FILTER[<CALL_START_DATE]": until})["total"] == sum(
            since <= r["CALL_START_DATE"] < until for r in RECORDS)


def test_start_minus_one_newest_first() -> None:
    seen: list[int] = []
    ask_for = {"FILTER[CALL_FAILED_CODE]": "486", "SORT": "ID", "ORDER": "DESC", "start": "-1"}
    while True:
        body = ask(**ask_for)
        seen += ids(body)
        if len(body["result"]) < 50:
            break
        ask_for["FILTER[<ID]"] = body["result"][-1]["ID"]
    assert seen == [int(r["ID"]) for r in reversed(RECORDS) if r["CALL_FAILED_CODE"] == "486"]


def test_a_long_call_written_after_midnight_is_listed_on_the_day_it_started() -> None:
    def call(record_id: int, start: str, phone: str = "+79990000000") -> dict[str, Any]:
        return {**RECORDS[0], "ID": str(record_id), "CALL_START_DATE": start, "PHONE_NUMBER": phone}
    # By ID, as written: the long call that started at 23:00 is written at 01:00 the next day.
    written = [call(1, "2026-12-04T22:00:00+03:00", "+79991112233"), call(2, "2026-12-05T00:30:00+03:00"),
               call(3, "2026-12-04T23:00:00+03:00"), call(4, "2026-12-05T02:00:00+03:00")]

    def listed(count: int, **params: str) -> list[int]:
        store = Store()
        store.seed(written[:count])
        return ids(store.query(params, 0.0))
    assert listed(4, **{"FILTER[>=CALL_START_DATE]": "2026-12-05T00:00:00+03:00"}) == [2, 4]
    for count in (3, 4):
        assert listed(count, **{"FILTER[<=CALL_START_DATE]": "2026-12-04T23:59:59+03:00"}) == [1, 3]
        before = {"FILTER[<CALL_START_DATE]": "2026-12-05T00:00:00+03:00", "start": "-1"}
        assert listed(count, **before) == [1, 3]
    assert listed(4, **{"FILTER[PHONE_NUMBER]": "+79991112233"}) == [1]
