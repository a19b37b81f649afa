"""The page hides the same secrets as Python, by the same rule.

``static/secrets.js`` is handed its keys, and the words that stand for a
hidden value, in the pages' protocol that the build exports from
:mod:`placement_app.core.untrusted`; ``tests/js/secrets.test.mjs`` runs the
table of cases through the page's rule with that export (asked of Python,
``tests/js/rules.mjs``), and this holds the export to Python's list, and
Python's ``redact`` to the same table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import build
from placement_app.core.untrusted import HIDDEN, MAX_DEPTH, SECRET_IN_TEXT, SECRET_KEYS, redact

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "js" / "redaction_cases.json"
TABLE: dict[str, Any] = json.loads(CASES.read_text(encoding="utf-8"))


def test_the_page_is_handed_every_secret_key_python_knows() -> None:
    secrets = json.loads(build.generated_static()[build.PROTOCOL_FILE])["secrets"]
    assert set(secrets["keys"]) == SECRET_KEYS
    assert (secrets["hidden"], secrets["maxDepth"]) == (HIDDEN, MAX_DEPTH)
    assert secrets["inText"] == SECRET_IN_TEXT  # the page finds a secret in a text by Python's pattern


@pytest.mark.parametrize("case", TABLE["cases"], ids=[case["case"] for case in TABLE["cases"]])
def test_python_hides_what_the_table_says(case: dict[str, Any]) -> None:
    assert redact(case["value"]) == case["expected"]
