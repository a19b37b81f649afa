"""The failure report's numbers: records taken at the edge, the cache's rows, counts, lists and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from placement_app.admin.report import (
    PERIODS,
    Call,
    CsvWords,
    Tally,
    aggregate,
    calls_with,
    csv_text,
    from_row,
    take,
    to_row,
)

GOOD = {"ID": "4217", "PORTAL_USER_ID": "5", "PORTAL_NUMBER": "reg1332", "PHONE_NUMBER": "+15550100",
        "CALL_ID": "x.1", "CALL_CATEGORY": "external", "CALL_DURATION": "73",
        "CALL_START_DATE": "2026-12-05T23:30:00+03:00", "CALL_FAILED_CODE": "486",
        "CALL_FAILED_REASON": "Busy here", "CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": "17", "COST": "0.0"}
CALL = Call(4217, "2026-12-05T23:30:00+03:00", "2026-12-05", 73, "486", "reg1332", "5", "+15550100",
            "CONTACT", "17")


def test_a_record_keeps_only_what_the_report_uses() -> None:
    assert take(GOOD) == CALL


@pytest.mark.parametrize(("field", "value", "kept"), [
    ("ID", 4217, 4217),  # numbers are seen as well as strings
    ("CALL_DURATION", 73, 73),
    ("CALL_DURATION", "-5", 0),
    ("CALL_DURATION", "99999999999", 0),
    ("CALL_DURATION", None, 0),
    ("CALL_FAILED_CODE", 603, "603"),
    ("CALL_FAILED_CODE", " 603-s ", "603-S"),
    ("CALL_FAILED_CODE", "Network <b>down</b> " + "x" * 100, "Network <b>down</b> xxx…"),  # 24 characters
    ("PORTAL_NUMBER", "line\u202eevil", "line evil"),  # a right-to-left override cannot reorder the page
    ("PORTAL_NUMBER", "l" * 500, "l" * 63 + "…"),
    ("PORTAL_NUMBER", None, ""),
    ("PORTAL_USER_ID", "5; DROP", ""),
    ("PORTAL_USER_ID", 12, "12"),
    ("PHONE_NUMBER", "=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),  # text here; the CSV defuses it
    ("CRM_ENTITY_TYPE", "contact", "CONTACT"),
    ("CRM_ENTITY_TYPE", "<script>", ""),
    ("CRM_ENTITY_ID", "17a", ""),
    ("CALL_START_DATE", "2026-12-05T23:30:00.123+03:00", "2026-12-05T23:30:00.123+03:00"),
    ("CALL_START_DATE", "2026-12-05T20:30:00Z", "2026-12-05T20:30:00Z"),
])
def test_each_field_is_read_by_its_rule(field: str, value: object, kept: object) -> None:
    call = take({**GOOD, field: value})
    assert call is not None
    attribute = {"ID": "id", "CALL_DURATION": "duration", "CALL_FAILED_CODE": "code", "PORTAL_NUMBER": "line",
                 "PORTAL_USER_ID": "operator", "PHONE_NUMBER": "number", "CRM_ENTITY_TYPE": "crm_type",
                 "CRM_ENTITY_ID": "crm_id", "CALL_START_DATE": "start"}[field]
    assert getattr(call, attribute) == kept


@pytest.mark.parametrize("hostile", [
    None, [], "4217", {**GOOD, "ID": "0"}, {**GOOD, "ID": "-1"}, {**GOOD, "ID": "1e3"}, {**GOOD, "ID": True},
    {**GOOD, "ID": None}, {**GOOD, "CALL_START_DATE": "2026-12-05T23:30:00"},  # no offset: no local date
    {**GOOD, "CALL_START_DATE": "2026-12-05 23:30:00+03:00"},
    {**GOOD, "CALL_START_DATE": "2026-02-30T10:00:00+03:00"}, {**GOOD, "CALL_START_DATE": 1764963000},
    {**GOOD, "CALL_START_DATE": "2026-12-05T23:30:00+03:00\n"}, {**GOOD, "CALL_FAILED_CODE": ""},
    {**GOOD, "CALL_FAILED_CODE": None}, {key: value for key, value in GOOD.items() if key != "ID"},
])
def test_a_record_that_cannot_be_read_is_none(hostile: object) -> None:
    assert take(hostile) is None


def test_a_row_is_json_and_comes_back_as_the_same_call() -> None:
    row = json.loads(json.dumps(to_row(CALL)))
    assert from_row(row) == CALL and len(row) < len(CALL)


@pytest.mark.parametrize("row", [
    None, {}, "x", [], to_row(CALL)[:-1], [*to_row(CALL), "more"], ["4217", *to_row(CALL)[1:]],
    [0, *to_row(CALL)[1:]], [True, *to_row(CALL)[1:]], [4217, "2026-12-05", *to_row(CALL)[2:]],
    [4217, CALL.start, "73", *to_row(CALL)[3:]], [*to_row(CALL)[:-1], None],
])
def test_a_row_that_is_not_one_is_none(row: object) -> None:
    assert from_row(row) is None


def call(record_id: int, start: str, code: str = "200", line: str = "reg1", operator: str = "5") -> Call:
    made = take({**GOOD, "ID": str(record_id), "CALL_START_DATE": start, "CALL_FAILED_CODE": code,
                 "PORTAL_NUMBER": line, "PORTAL_USER_ID": operator})
    assert made is not None
    return made


CALLS = [
    call(1, "2026-11-28T23:59:59+03:00", "486"),  # a day before the 7-day period
    call(2, "2026-11-29T00:00:00+03:00", "486", "reg2"),  # the period's first moment
    call(3, "2026-11-29T12:00:00+03:00"),
    call(4, "2026-12-01T09:00:00+03:00", "304", operator="7"),
    call(5, "2026-12-01T09:30:00+03:00", "486", operator="7"),
    # Late at night in the portal's zone: the next day in UTC, but the admin's day is the 4th.
    call(6, "2026-12-04T23:30:00-05:00", "603-S", "reg2", "7"),
    call(7, "2026-12-05T23:59:59+03:00", "486"),  # the period's last moment
    call(8, "2026-12-06T00:00:01+03:00", "486"),  # after it
]


def test_the_period_s_calls_are_counted_by_code_day_line_and_operator() -> None:
    report = aggregate(CALLS, today="2026-12-05", days=7)
    assert (report.first, report.total, report.failed) == ("2026-11-29", 6, 5)
    assert report.failed_share == pytest.approx(5 / 6)
    # By code: failures only, most first, a tie by code.
    assert report.by_code == (("486", 3), ("304", 1), ("603-S", 1))
    assert report.by_day == (
        Tally("2026-11-29", 2, 1), Tally("2026-11-30", 0, 0), Tally("2026-12-01", 2, 2),
        Tally("2026-12-02", 0, 0), Tally("2026-12-03", 0, 0), Tally("2026-12-04", 1, 1),
        Tally("2026-12-05", 1, 1))
    assert report.by_line == (Tally("reg1", 4, 3), Tally("reg2", 2, 2))
    assert report.by_operator == (Tally("7", 3, 3), Tally("5", 3, 2))


def test_an_outcome_the_admin_expects_is_counted_but_not_as_a_failure() -> None:
    report = aggregate(CALLS, today="2026-12-05", days=7, expected=frozenset({"603-S"}))
    assert (report.total, report.failed) == (6, 4)
    assert report.by_code == (("486", 3), ("304", 1))
    assert report.by_day[5] == Tally("2026-12-04", 1, 0)
    assert report.by_line == (Tally("reg1", 4, 3), Tally("reg2", 2, 1))


def test_every_day_of_each_period_is_there_even_without_calls() -> None:
    for days in PERIODS:
        report = aggregate([], today="2026-03-30", days=days)
        dates = [tally.key for tally in report.by_day]
        assert len(dates) == days and dates[-1] == "2026-03-30" and len(set(dates)) == days
        assert report.total == report.failed == 0 and report.failed_share == 0.0
    assert aggregate([], today="2026-03-01", days=7).by_day[0].key == "2026-02-23"


def test_the_calls_of_a_code_are_listed_newest_first_within_the_period() -> None:
    listed = calls_with(CALLS, "486", today="2026-12-05", days=7)
    assert [found.id for found in listed] == [7, 5, 2]
    # Newest by the instant, whatever the offset: 23:30 at -05:00 is later than 07:00 at +03:00 next day.
    later = call(9, "2026-12-05T07:00:00+03:00", "603-S")
    assert [found.id for found in calls_with([later, *CALLS], "603-S", today="2026-12-05", days=7)] == [6, 9]


WORDS = CsvWords("Time", "Number", "Operator", "Duration", "Code", "CRM", {"CONTACT": "Contact"})


def test_the_csv_has_the_listed_rows_quoted_as_rfc_4180_says() -> None:
    listed = [call(2, "2026-11-29T00:00:00+03:00", "486"),
              CALL._replace(number='00 "1", 2', operator="7", crm_type="COMPANY", crm_id="0")]
    text = csv_text(listed, names={"5": "Anna Smith"}, words=WORDS)
    assert text.endswith("\r\n") and text.count("\r\n") == 3
    assert list(csv.reader(io.StringIO(text))) == [
        ["Time", "Number", "Operator", "Duration", "Code", "CRM"],
        ["2026-11-29 00:00:00", "'+15550100", "Anna Smith", "73", "486", "Contact 17"],
        ["2026-12-05 23:30:00", '00 "1", 2', "7", "73", "486", ""],  # no name, no CRM entity (ID 0)
    ]
    assert '"00 ""1"", 2"' in text


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1555", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_stays_text(cell: str) -> None:
    hostile = CALL._replace(number=cell, line=cell, code=cell)
    text = csv_text([hostile], names={"5": cell}, words=CsvWords(cell, "", "", "", "", "", {}))
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_a_spoilt_cache_s_impossible_date_is_neither_counted_nor_fatal() -> None:
    spoilt = from_row([9, "2026-02-30T10:00:00+03:00", 5, "486", "reg1", "5", "", "", ""])
    assert spoilt is not None  # the shape is right: the rows are not parsed again, for speed
    report = aggregate([spoilt, CALLS[2]], today="2026-03-05", days=90)
    assert report.total == 0 and len(report.by_day) == 90
    assert calls_with([spoilt], "486", today="2026-03-05", days=90) == [spoilt]
