"""The rules the quick view shares with Python, held to one table of cases.

``tests/cases/quick_view_rules.json`` lists texts and wire values with what
Python makes of them; ``tests/js/quick_view_rules.test.mjs`` runs the same
table through ``static/fallback.js``, so neither side can drift alone.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from placement_app.core.events import normalise_failed_code
from placement_app.core.untrusted import clip, preview

TABLE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "cases" / "quick_view_rules.json").read_text(encoding="utf-8")
)


def cases(section: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", TABLE[section], ids=[case["case"] for case in TABLE[section]])


@cases("clip")
def test_clip_keeps_printable_text_and_marks_the_cut(case: dict[str, Any]) -> None:
    assert clip(case["text"], case["limit"]) == case["expected"]


@cases("preview")
def test_preview_writes_any_value_as_short_printable_text(case: dict[str, Any]) -> None:
    assert preview(case["value"], case["limit"]) == case["expected"]


@cases("failed_code")
def test_failed_code_is_read_the_same_way_as_the_quick_view_reads_it(case: dict[str, Any]) -> None:
    assert normalise_failed_code(case["value"]) == case["expected"]

