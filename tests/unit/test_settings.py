"""The admin's settings: one model, validated the same way from the form and from storage."""

import json

from hypothesis import given
from hypothesis import strategies as st

from placement_app.core import i18n, settings
from placement_app.core.settings import DEFAULTS, OPTION_NAME, Override, Problem, Settings

FORM = {"language": "ru", "keep_open": True, "keep_open_minutes": "7",
        "overrides": "486 | Line busy | Book a callback in the CRM\n\n603-s | | Ask for a better time",
        "expected_codes": "487; 603-S,  OTHER", "show_client_changes": False, "clock": "12h"}


def messages(result, field, lang="en"):
    return [i18n.text(error.key, lang, **dict(error.values)) for error in result[field]]


def test_a_valid_form_becomes_settings():
    result = settings.from_form(FORM)
    assert result == Settings(
        language="ru", keep_open=True, keep_open_minutes=7,
        overrides=(Override("486", "Line busy", "Book a callback in the CRM"),
                   Override("603-S", "", "Ask for a better time")),
        expected_codes=frozenset({"487", "603-S", "OTHER"}), show_client_changes=False, clock="12h")


def test_saved_settings_load_back_the_same():
    saved = settings.from_form(FORM)
    assert settings.load({OPTION_NAME: settings.dumps(saved)}) == settings.Loaded(saved)
    assert settings.from_form(settings.to_form(saved)) == saved
    # The form shows them as the admin would type them.
    assert settings.to_form(saved)["overrides"] == (
        "486 | Line busy | Book a callback in the CRM\n603-S | | Ask for a better time")


def test_overrides_and_expected_codes_answer_for_any_spelling_of_a_code():
    saved = settings.from_form(FORM)
    assert saved.override(" 603-s ").next_step == "Ask for a better time"
    assert saved.override("480") is None
    assert saved.is_expected("603-s") and not saved.is_expected("486") and not saved.is_expected(None)
    assert saved.language_for("en") == "ru"
    assert DEFAULTS.language_for("de") == "de"


def test_every_bad_field_gets_its_own_message_and_nothing_is_returned():
    result = settings.from_form({"language": "fr", "keep_open": "yes", "keep_open_minutes": "61",
                                 "overrides": "48 | x\n486\n486 | a | b | c\n404 | \u0007bell",
                                 "expected_codes": "487 <b>", "show_client_changes": 1, "clock": "25h"})
    assert set(result) == {"language", "keep_open", "keep_open_minutes", "overrides", "expected_codes",
                           "show_client_changes", "clock"}
    assert messages(result, "keep_open_minutes") == ["Enter a whole number of minutes from 1 to 60."]
    assert messages(result, "overrides") == [
        "Line 1: “48” is not a failure code (three digits such as 486, or 603-S, or OTHER).",
        "Line 2: write a label or a next step for 486.",
        "Line 3: use at most two “|”: code | label | next step.",
        "Line 4: control characters (tabs, invisible characters) are not allowed.",
    ]
    assert messages(result, "expected_codes", "ru") == [
        "«<b>» — не код ошибки (три цифры, например 487, или 603-S, или OTHER)."]


def test_limits_on_overrides_are_enforced():
    many = "\n".join(f"{400 + n} | label" for n in range(51))
    result = settings.from_form({**FORM, "overrides": many})
    assert messages(result, "overrides") == ["At most 50 codes can have their own texts."]
    long_step = settings.from_form({**FORM, "overrides": "486 | | " + "x" * 201})
    assert messages(long_step, "overrides") == ["Line 1: the next step is longer than 200 characters."]


def test_nothing_stored_is_a_fresh_install_without_a_notice():
    assert settings.load({}) == settings.Loaded(DEFAULTS)
    assert settings.load(None) == settings.Loaded(DEFAULTS)
    assert settings.load({OPTION_NAME: ""}) == settings.Loaded(DEFAULTS)


def test_unusable_stored_settings_are_defaults_with_the_reason():
    good = json.loads(settings.dumps(settings.from_form(FORM)))
    cases = {
        "{not json": Problem.CORRUPT,
        json.dumps([1, 2]): Problem.CORRUPT,
        json.dumps({"language": "ru"}): Problem.OLDER,
        json.dumps({**good, "version": 0}): Problem.OLDER,
        json.dumps({**good, "version": 2}): Problem.NEWER,
        json.dumps({**good, "version": "1"}): Problem.CORRUPT,
        json.dumps({**good, "clock": "13h"}): Problem.CORRUPT,
        json.dumps({**good, "overrides": [{"code": "486", "label": "<b>x</b>\n"}]}): Problem.CORRUPT,
        json.dumps({**good, "overrides": [{"code": "abc", "label": "x"}]}): Problem.CORRUPT,
        json.dumps({**good, "expected_codes": "487"}): Problem.CORRUPT,
        "x" * 40_000: Problem.CORRUPT,
    }
    for stored, problem in cases.items():
        assert settings.load({OPTION_NAME: stored}) == settings.Loaded(DEFAULTS, problem), stored


def test_a_portal_that_sends_the_option_as_an_object_is_understood():
    stored = json.loads(settings.dumps(Settings(clock="12h")))
    assert settings.load({OPTION_NAME: stored}).settings.clock == "12h"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                           lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)


@given(st.dictionaries(st.sampled_from([*settings.to_form(DEFAULTS), "version", "other"]), json_values))
def test_loading_never_raises_and_never_half_trusts(stored):
    for value in (stored, json.dumps(stored)):
        loaded = settings.load({OPTION_NAME: value})
        assert isinstance(loaded.settings, Settings)
        round_trip = settings.from_form(settings.to_form(loaded.settings))
        assert loaded.problem is not None or loaded.settings == round_trip


@given(st.dictionaries(st.sampled_from(list(settings.to_form(DEFAULTS))), json_values))
def test_the_form_never_raises(form):
    assert isinstance(settings.from_form(form), Settings | dict)
