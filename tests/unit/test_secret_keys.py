"""The page hides the same secrets as Python, by the same rule.

``static/secrets.js`` keeps its own copy of the secret keys (the page needs
them before anything else is readable); this holds it to
:data:`placement_app.core.untrusted.SECRET_KEYS`, and Python's ``redact`` to
the table of cases that ``tests/js/secrets.test.mjs`` runs through the
page's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from placement_app.core.untrusted import SECRET_KEYS, redact

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "js" / "redaction_cases.json"
TABLE: dict[str, Any] = json.loads(CASES.read_text(encoding="utf-8"))


def test_the_page_knows_every_secret_key_python_knows() -> None:
    source = (ROOT / "static" / "secrets.js").read_text(encoding="utf-8")
    found = re.search(r"export const SECRET_KEYS = \[([^\]]*)\]", source)
    assert found is not None
    assert set(re.findall(r"'([^']+)'", found.group(1))) == SECRET_KEYS


@pytest.mark.parametrize("case", TABLE["cases"], ids=[case["case"] for case in TABLE["cases"]])
def test_python_hides_what_the_table_says(case: dict[str, Any]) -> None:
    assert redact(case["value"]) == case["expected"]
