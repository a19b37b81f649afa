"""The seeded portal looks like a working one, the same every time; the separate counter counts it."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from seedcount import Tally, count

from emulator import seed
from emulator.statistics import FIELDS

NOW = datetime(2026, 12, 6, 15, 30, tzinfo=timezone(timedelta(hours=3)))
RECORDS = seed.generate(20_000, 30, now=NOW)


def test_the_same_arguments_give_the_same_records_and_another_seed_others() -> None:
    assert seed.generate(500, 7, now=NOW) == seed.generate(500, 7, now=NOW)
    assert seed.generate(500, 7, now=NOW, seed=2) != seed.generate(500, 7, now=NOW)
    assert seed.generate(0, 30, now=NOW) == []


def test_records_are_listed_as_the_portal_lists_them() -> None:
    assert len(RECORDS) == 20_000
    for record in RECORDS[:500]:
        assert tuple(record) == FIELDS and all(isinstance(value, str) for value in record.values())
        assert re.fullmatch(r"2026-1[12]-\d\dT\d\d:\d\d:\d\d\+03:00", record["CALL_START_DATE"])
        assert record["CALL_TYPE"] in ("1", "2", "3", "4")
        assert record["CRM_ENTITY_TYPE"] in ("CONTACT", "COMPANY", "LEAD")
        assert record["CRM_ENTITY_ID"].isdigit()
    assert [int(record["ID"]) for record in RECORDS] == list(range(1, 20_001))
    dates = {record["CALL_START_DATE"][:10] for record in RECORDS}
    assert min(dates) == "2026-11-07" and max(dates) == "2026-12-06"
    assert max(datetime.fromisoformat(r["CALL_START_DATE"]) for r in RECORDS) <= NOW


def test_ids_rise_with_the_end_of_the_call_not_its_start() -> None:
    ends = [datetime.fromisoformat(r["CALL_START_DATE"]).timestamp() + int(r["CALL_DURATION"])
            for r in RECORDS]
    # Written a few seconds after the end: by ID, the ends never go back more than that.
    assert all(later > earlier - 10 for earlier, later in itertools.pairwise(ends))
    starts = [r["CALL_START_DATE"] for r in RECORDS]
    assert any(later < earlier for earlier, later in itertools.pairwise(starts))


def test_answered_calls_last_and_failed_ones_do_not() -> None:
    answered = [int(r["CALL_DURATION"]) for r in RECORDS if r["CALL_FAILED_CODE"] == "200"]
    assert min(answered) >= 1 and 60 < sorted(answered)[len(answered) // 2] < 300
    assert {r["CALL_DURATION"] for r in RECORDS if r["CALL_FAILED_CODE"] != "200"} == {"0"}


def test_codes_lines_operators_and_numbers_come_in_believable_shares() -> None:
    codes = Counter(r["CALL_FAILED_CODE"] for r in RECORDS)
    assert 0.65 < codes["200"] / len(RECORDS) < 0.8
    assert set(codes) == {"200", "304", "486", "603", "480", "404", "487", "503", "603-S", "402", "OTHER"}
    assert codes["304"] > codes["486"] > codes["404"] > codes["402"] > 0
    assert {r["CALL_FAILED_CODE"] for r in RECORDS if r["CALL_TYPE"] in ("2", "3")} >= {"304"}
    assert "304" not in {r["CALL_FAILED_CODE"] for r in RECORDS if r["CALL_TYPE"] in ("1", "4")}
    lines = Counter(r["PORTAL_NUMBER"] for r in RECORDS).most_common()
    assert 3 <= len(lines) <= 8 and lines[0][1] > 2 * lines[-1][1]
    operators = Counter(r["PORTAL_USER_ID"] for r in RECORDS).most_common()
    assert 20 <= len(operators) <= 40 and {user for user, _ in operators} <= set(seed.USERS)
    assert operators[0][1] > 3 * operators[-1][1]
    # Numbers repeat: some client is called several times on one day.
    by_day = Counter((r["PHONE_NUMBER"].lstrip("+"), r["CALL_START_DATE"][:10]) for r in RECORDS)
    assert by_day.most_common(1)[0][1] >= 3
    assert len({r["PHONE_NUMBER"] for r in RECORDS}) < len(RECORDS) / 2


def test_the_number_is_kept_as_its_line_gives_it() -> None:
    """Bitrix24's telephony keeps ``+`` and digits, the PBX's lines digits (statistics' docstring)."""
    external = {name for name, _, is_external in seed.LINES if is_external}
    for record in RECORDS[:2000]:
        if record["PORTAL_NUMBER"] in external:
            assert record["PHONE_NUMBER"].isdigit() and record["CALL_ID"].startswith("externalCall.")
        else:
            assert record["PHONE_NUMBER"].startswith("+") and record["PHONE_NUMBER"][1:].isdigit()


def test_one_line_fails_with_503_from_two_in_the_afternoon_on_one_day() -> None:
    day = seed.burst_day(30, NOW.date()).isoformat()
    failed = [r for r in RECORDS if r["CALL_FAILED_CODE"] == "503"]
    afternoons = Counter((r["PORTAL_NUMBER"], r["CALL_START_DATE"][:10]) for r in failed
                         if "14" <= r["CALL_START_DATE"][11:13] < "17").most_common()
    assert afternoons[0][0] == (seed.BURST_LINE, day) and afternoons[0][1] > 4 * afternoons[1][1]
    mornings = [r for r in failed if r["PORTAL_NUMBER"] == seed.BURST_LINE
                and r["CALL_START_DATE"][:10] == day and r["CALL_START_DATE"][11:13] < "14"]
    assert len(mornings) < afternoons[0][1] / 5


def test_the_counter_counts_a_hand_made_set() -> None:
    def call(ID: str, start: str, code: str, line: str = "a", user: str = "1") -> dict[str, str]:
        return {"ID": ID, "CALL_START_DATE": start, "CALL_FAILED_CODE": code, "PORTAL_NUMBER": line,
                "PORTAL_USER_ID": user}
    records = [
        call("1", "2026-12-01T23:59:59+03:00", "486"),  # the day before the period
        call("2", "2026-12-02T00:00:00+03:00", "200", "b"),
        call("3", "2026-12-02T10:00:00+03:00", "304", "b", "2"),
        call("4", "2026-12-04T18:00:00+03:00", "503", "a", "2"),
        call("5", "2026-12-04T18:01:00+03:00", "503"),
        call("6", "2026-12-04T19:00:00+03:00", "200"),
    ]
    counts = count(records, today="2026-12-04", days=3)
    assert (counts.total, counts.failed, counts.failed_share) == (5, 3, 0.6)
    assert counts.by_code == {"200": 2, "304": 1, "503": 2}
    assert counts.by_day == {"2026-12-02": Tally(2, 1), "2026-12-03": Tally(0, 0), "2026-12-04": Tally(3, 2)}
    assert counts.by_line == {"a": Tally(3, 2), "b": Tally(2, 1)}
    assert counts.by_operator == {"1": Tally(3, 1), "2": Tally(2, 2)}
    assert count(RECORDS, today="2026-12-06", days=30).total == len(RECORDS)


@pytest.mark.parametrize(("args", "says"), [
    (["--calls", "-3"], "a whole number of calls, 0 or more"),
    (["--calls", "many"], "a whole number of calls, 0 or more"),
    (["--days", "0"], "a whole number of days, 1 or more"),
])
def test_a_bad_seed_option_is_refused_with_why_before_anything_is_built(
        args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    from emulator.__main__ import main

    with pytest.raises(SystemExit) as refused:
        main(args)
    assert refused.value.code == 2 and says in capsys.readouterr().err
