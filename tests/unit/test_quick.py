"""The quick view's tables: Python's view's own words, and the card keeps them for the next card.

The quick view draws only what these tables hold (``tests/js/quick_view.test.mjs`` shows it),
so here each table is held to what Python's view draws for the same call.
"""

import json
import re
import string

import pytest
from fakedom import FakeDocument
from fakepage import FakePage
from hypothesis import given
from hypothesis import strategies as st
from test_view import make_card, send

from placement_app.card import quick, replay
from placement_app.card.app import Card
from placement_app.card.view import CardView
from placement_app.core import codes, i18n
from placement_app.core.events import normalise_failed_code
from placement_app.core.timeline import RANG_MS

ADMIN = {"call_timeline_settings": json.dumps({
    "version": 1, "language": "de", "clock": "12h", "keep_open": False, "keep_open_minutes": 5,
    "show_client_changes": True, "expected_codes": ["480"],
    "overrides": [{"code": "486", "lang": "", "label": "Leitung belegt", "next_step": "Rückruf planen"}]})}


def failed_call(code: str, ring_ms: float, lang: str = "en") -> dict[str, str]:
    """What Python's view shows for a call that rang ``ring_ms`` and failed with ``code``."""
    card, root, *_ = make_card()
    send(card, "app:opened", {"LANG": lang}, at=0)
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": code}], at=1_000 + ring_ms)
    rows = root.find_all("entry")
    return {"headline": root.find("outcome").textContent, "heading": root.find("failure-code").textContent,
            "reason": root.find("failure-reason").textContent, "next": root.find("failure-next").textContent,
            "detail": rows[-1].children[2].textContent}


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("code", [*codes.CODES[1:], "499", "599", "<b>x</b>"])
def test_a_codes_words_in_the_table_are_those_pythons_view_draws(code: str, lang: str) -> None:
    table = quick.table(lang)
    for ring_ms, rang in ((100.0, False), (RANG_MS + 5_000, True)):
        drawn = failed_call(code, ring_ms, lang)
        known = table["codes"].get(code)
        if known is not None:
            label, detail, heading, reason, next_line, _ = known[-1 if rang else 0]
        else:
            template = table["classes"][code[0]] if code in ("499", "599") else table["unrecognised"]
            filled = (words.replace(quick.CODE, code) for words in template)
            label, detail, heading, reason, next_line, _ = filled
        # The quick view's headline is the label; Python's adds how long it rang, if it rang.
        assert drawn["headline"] == label or (rang and drawn["headline"].startswith(label)), drawn
        box = [drawn["heading"], drawn["reason"], drawn["next"], drawn["detail"]]
        assert box == [heading, reason, next_line, detail]


def test_the_admins_settings_are_in_the_table_the_card_keeps_for_the_next_card() -> None:
    card = make_card()[0]
    send(card, "app:opened", {"LANG": "en", "APP_OPTIONS": ADMIN}, at=0)
    kept = json.loads(card.page.kept[quick.words_key("en")])  # type: ignore[attr-defined]
    assert kept["lang"] == "de"  # the admin's language, for a portal in English
    assert kept["codes"]["486"][0][0] == "Leitung belegt"
    assert "Rückruf planen" in kept["codes"]["486"][0][4]
    assert kept["codes"]["480"][0][5] == "expected"
    assert kept["time"] == i18n.time_options(True)
    assert kept == json.loads(json.dumps(quick.table("de", card.settings)))


def test_the_page_keeps_the_rows_as_pythons_view_drew_them() -> None:
    card, root, _, clock, _ = make_card()
    placement = {"CALL_ID": "c-1", "CALL_STATE": "idle"}
    send(card, "app:opened", {"LANG": "en", "PLACEMENT_OPTIONS": placement}, at=0)
    client = {"PHONE_NUMBER": "+100", "CRM_ENTITY_TYPE": "LEAD", "CRM_ENTITY_ID": 4}
    send(card, "CallCard::EntityChanged", client, at=500)
    send(card, "CallCard::CallStateChanged", "connecting", at=1_000)
    send(card, "CallCard::CallStateChanged", ["idle", {"failedCode": "486"}], at=4_000)
    clock["now"] = 5_000  # kept at most once a second: the card's next tick keeps the last rows
    card.tick()
    shown = json.loads(card.page.kept[quick.SHOWN_PREFIX + "c-1"])  # type: ignore[attr-defined]
    assert shown["call_id"] == "c-1"
    drawn = [[row.children[index].textContent for index in range(3)] for row in root.find_all("entry")
             if not row.hidden]
    assert [row[:3] for row in shown["rows"]] == drawn
    assert shown["headline"] == root.find("outcome").textContent
    box = ("failure-code", "failure-reason", "failure-next")
    assert shown["box"] == [root.find(name).textContent for name in box]
    assert shown["state"] == "idle" and shown["after_call"] is True


@given(st.text(alphabet=string.printable + "é\u00a0\u2028", max_size=130))
def test_a_code_the_quick_view_keeps_as_it_came_is_one_python_keeps_as_it_came(text: str) -> None:
    if re.fullmatch(quick.PLAIN_CODE, text):
        assert normalise_failed_code(text) == text


def test_the_export_names_every_language_and_the_storage_the_card_writes() -> None:
    exported = quick.export()
    assert set(exported["tables"]) == set(i18n.LANGUAGES)
    assert exported["storage"] == {"shown": quick.SHOWN_PREFIX, "words": quick.WORDS_PREFIX}
    assert all(prefix.startswith(replay.PREFIX) for prefix in exported["storage"].values())
    assert exported["rangMs"] == RANG_MS


def test_the_page_hears_the_card_languages_words_once_the_settings_are_read() -> None:
    page = FakePage()
    card = Card(CardView(FakeDocument(), FakeDocument().createElement("section")), page)
    card.receive("app:opened", json.dumps([{"LANG": "ru", "APP_OPTIONS": ADMIN}]), 0)
    assert [table["lang"] for table in page.tables] == ["de"]
    assert page.tables[0] == quick.table("de", card.settings)
