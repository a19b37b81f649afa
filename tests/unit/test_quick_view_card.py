"""The quick view and Python's view say the same words, held to one table of cases.

``tests/cases/quick_view_card.json`` lists stored settings, clocks and whole
calls (the admin's settings, the portal's language, the operator's time
zone, the events, a saved copy after a reload) with what Python's view shows
for them: the headline, the code explained, each row's clock, words and
detail.  Both views write times with ``Intl`` (Python's worker through
``browser.bridge.intl_clock``; here Node.js's ``Intl``, asked the same, by
``intl_clock``), so the clocks are the language's custom unless the admin
forces 12 or 24 hours, in the time zone's rules.
``tests/js/quick_view_card.test.mjs`` draws the same cases through the quick
view (``static/fallback.js``, ``static/quick-card.js``), so the two views
cannot drift apart: what the operator reads in the first seconds is what
they read once Python takes over.

``python tests/unit/test_quick_view_card.py`` rewrites the table's expected
values from Python after a deliberate change of words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import intl_clock
import pytest
from fakedom import FakeDocument, FakeElement
from fakepage import FakePage

import build
from placement_app.card import storage
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import i18n, settings
from placement_app.core.events import CallState, CallStateChanged, CardOpened
from placement_app.core.timeline import replay

TABLE_PATH = Path(__file__).parents[1] / "cases" / "quick_view_card.json"
TABLE: dict[str, Any] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
CALL = "call-1"


class Backend:
    """A Web Storage holding one saved call."""

    def __init__(self, items: dict[str, str]) -> None:
        self.items = items

    def getItem(self, key: str) -> str | None:
        return self.items.get(key)

    def setItem(self, key: str, value: str) -> None:
        self.items[key] = value

    def removeItem(self, key: str) -> None:
        self.items.pop(key, None)


def saved_copy(case: dict[str, Any]) -> str | None:
    """The saved copy a reloaded tab finds: the case's earlier events, as Python saved them."""
    if "saved_events" not in case:
        return None
    opened = CardOpened(case["saved_events"][0][2] - 1_000, CALL, CallState(case["saved_opened_state"]),
                        "en", None, None)
    changes = [CallStateChanged(at, CallState(state), code) for state, code, at in case["saved_events"]]
    return storage.dumps(replay([opened, *changes]))


def shown(root: FakeElement) -> dict[str, Any]:
    """What the operator reads on Python's card, in the table's terms."""
    def visible(name: str) -> str:
        found = root.find(name)
        return "" if found.hidden or root.find("failure").hidden else found.textContent

    status = root.find("status")
    return {
        "lang": root.attributes.get("lang", ""),  # the language's BCP 47 tag, as <html lang> has it
        "headline": root.find("outcome").textContent if status.hidden else root.find("state").textContent,
        "code": visible("failure-code"),
        "reason": visible("failure-reason"),
        "next": visible("failure-next"),
        "rows": [[row.find("clock").textContent, row.find("what").textContent, row.find("detail").textContent]
                 for row in root.find_all("entry") if not row.hidden],
    }


def python_card(case: dict[str, Any]) -> dict[str, Any]:
    """Python's view after the case's init data and events."""
    document = FakeDocument()
    root = document.createElement("section")
    saved = saved_copy(case)
    backend = Backend({} if saved is None else {f"{storage.PREFIX}call:{CALL}": saved})
    now = case["events"][-1][2] if case["events"] else case["opened_at"]
    view = CardView(document, root, intl_clock.clock(case["time_zone"]), intl_clock.day(case["time_zone"]))
    card = Card(view, FakePage(lambda: now), storage.Store(backend))
    opened = {"LANG": case["lang"], "APP_OPTIONS": case["app_options"],
              "PLACEMENT_OPTIONS": {"CALL_ID": CALL, "CALL_STATE": case["opened_state"]}}
    card.receive("app:opened", json.dumps([opened]), case["opened_at"])
    for state, code, at in case["events"]:
        value = [state, {"failedCode": code}] if code is not None else state
        card.receive("CallCard::CallStateChanged", json.dumps([value]), at)
    return shown(root)


def effective(app_options: object) -> dict[str, Any]:
    """Python's reading of the stored settings, in the table's terms."""
    loaded = settings.load(app_options)
    chosen = loaded.settings
    return {"language": chosen.language, "clock": chosen.clock,
            "overrides": [[item.code, item.lang, item.label, item.next_step] for item in chosen.overrides],
            "expected": sorted(chosen.expected_codes), "show_client_changes": chosen.show_client_changes,
            "problem": loaded.problem.value if loaded.problem else None}


def cases(section: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", TABLE[section], ids=[case["case"] for case in TABLE[section]])


@cases("settings")
def test_the_stored_settings_are_read_as_the_quick_view_reads_them(case: dict[str, Any]) -> None:
    assert effective(case["app_options"]) == case["expected"]


def clock_case(case: dict[str, Any]) -> str:
    """A time as Python's worker writes it: in the card's language (its tag), the admin's hours."""
    write = intl_clock.clock(case["time_zone"])
    return write(case["epoch_ms"], i18n.locale_tag(case["lang"]), case["hour12"])


@cases("clock")
def test_clock_times_are_written_as_the_quick_view_writes_them(case: dict[str, Any]) -> None:
    assert clock_case(case) == case["expected"]


@cases("duration")
def test_durations_are_written_as_the_quick_view_writes_them(case: dict[str, Any]) -> None:
    assert i18n.format_duration(case["milliseconds"]) == case["expected"]


#: Counts whose plural form differs somewhere: one, few, many, teens, tens, hundreds, a million.
PLURAL_COUNTS = (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 122, 1_000, 1_000_000)


def plural_case(case: dict[str, Any]) -> list[str]:
    return [i18n.plural(case["key"], count, case["lang"]) for count in PLURAL_COUNTS]


@cases("plurals")
def test_counts_take_the_plural_form_the_quick_view_takes(case: dict[str, Any]) -> None:
    assert case["counts"] == list(PLURAL_COUNTS) and plural_case(case) == case["expected"]


@cases("cards")
def test_pythons_card_says_what_the_quick_view_says(case: dict[str, Any]) -> None:
    assert python_card(case) == case["expected"]


def test_the_tables_catalogue_is_the_one_the_build_exports_to_the_quick_view() -> None:
    """The JavaScript side words its cases with this copy: it must be the product's."""
    assert TABLE["catalogue"] == json.loads(json.dumps(build.catalogue(), ensure_ascii=False))


def test_the_table_covers_what_the_issue_is_about() -> None:
    names = " ".join(case["case"] for case in TABLE["cards"])
    for topic in ("override", "12-hour", "expected", "Russian", "answered", "reload", "not answered",
                  "German", "Ukrainian", "one language", "daylight saving"):
        assert topic in names, topic
    problems = {case["expected"]["problem"] for case in TABLE["settings"]}
    assert problems == {None, "corrupt", "older", "newer"}


def rewrite() -> None:
    """Fill in every expected value from Python (run by hand after a deliberate change)."""
    TABLE["catalogue"] = build.catalogue()
    for case in TABLE["settings"]:
        case["expected"] = effective(case["app_options"])
    for case in TABLE["clock"]:
        case["expected"] = clock_case(case)
    for case in TABLE["duration"]:
        case["expected"] = i18n.format_duration(case["milliseconds"])
    keys = ("engine.early_dropped", "early_dropped.detail")
    TABLE["plurals"] = [{"case": f"{lang}: {key}", "lang": lang, "key": key, "counts": list(PLURAL_COUNTS)}
                        for lang in i18n.SUPPORTED for key in keys]
    for case in TABLE["plurals"]:
        case["expected"] = plural_case(case)
    for case in TABLE["cards"]:
        case["saved"] = saved_copy(case)
        case["expected"] = python_card(case)
    TABLE_PATH.write_text(json.dumps(TABLE, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    rewrite()
