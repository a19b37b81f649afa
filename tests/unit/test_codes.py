"""The failure-code catalogue an operator reads."""

import pytest

from placement_app.core import codes, i18n
from placement_app.core.codes import CodeKind, describe

CONTRACT_CODES = ["200", "304", "603", "603-S", "403", "404", "486", "484", "503", "480", "402",
                  "423", "OTHER", "408", "487", "488", "500", "502", "504", "600", "604"]


@pytest.mark.parametrize("code", CONTRACT_CODES)
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_contract_code_has_label_reason_and_next_step(code: str, lang: str) -> None:
    info = describe(code, lang)
    assert info.kind is CodeKind.KNOWN and info.code == code
    assert info.label and info.reason and info.next_step


def test_busy_is_explained_with_a_next_step() -> None:
    info = describe("486", "en")
    assert info.label == "Busy"
    assert "busy" in info.reason.lower()
    assert "callback" in info.next_step.lower()


def test_a_busy_signal_after_ringing_is_a_declined_call() -> None:
    """As Bitrix24's own call view words it (PhoneCallsController#onCallFailed)."""
    info = describe("486", "en", rang=True)
    assert (info.code, info.label) == ("486", "Declined")
    assert describe("486", "en").label == "Busy"
    assert describe("487", "en", rang=True).label == describe("487", "en").label


def test_russian_portal_gets_russian_words() -> None:
    assert describe("486", "ru").label == "Занято"
    assert describe("486", "by").label == "Занято"


def test_unknown_language_falls_back_to_english() -> None:
    assert describe("486", "xx").label == describe("486", "en").label
    assert describe("486", None).label == "Busy"


@pytest.mark.parametrize(("code", "fragment"), [("499", "refused to put the call through (code 499)"),
                                                 ("599", "could not complete the call (code 599)"),
                                                 ("699", "refused the call on every phone (code 699)")])
def test_unlisted_sip_codes_are_described_by_class(code: str, fragment: str) -> None:
    info = describe(code, "en")
    assert info.kind is CodeKind.CLASS and fragment in info.reason


@pytest.mark.parametrize("code", ["<img src=x onerror=alert(1)>", "abc", "999", "42", "486x"])
def test_implausible_codes_stay_text(code: str) -> None:
    info = describe(code, "en")
    assert info.kind is CodeKind.UNRECOGNISED and info.code == code


def test_plausibility() -> None:
    assert codes.is_plausible("486") and codes.is_plausible("603-S") and codes.is_plausible("OTHER")
    assert not codes.is_plausible("<b>") and not codes.is_plausible("")
