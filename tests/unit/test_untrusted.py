"""Values from outside reach the operator as harmless text: printable, within their length, and
without secrets (not on screen, not in the saved timeline, not in a log)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placement_app.core.events import Unrecognised, parse_event, parse_wire
from placement_app.core.untrusted import SECRET_KEYS, clip, preview

TOKEN = "t0ken-5ecret-4f9a"
INIT = {"DOMAIN": "portal.example", "PROTOCOL": 1, "LANG": "en", "AUTH_ID": TOKEN,
        "REFRESH_ID": TOKEN + "r", "member_id": TOKEN + "m", "APP_SID": TOKEN + "s",
        "PLACEMENT_OPTIONS": {"CALL_ID": "c1", "auth": {"access_token": TOKEN}}}


def test_init_data_that_fails_to_parse_is_previewed_without_its_tokens(monkeypatch: object) -> None:
    import placement_app.core.events as events

    def broken(args: object, at: float) -> events.Event:
        raise ValueError("a parser bug")

    monkeypatch.setitem(events._PARSERS, events.CARD_OPENED, broken)  # type: ignore[attr-defined]
    event = parse_event(events.CARD_OPENED, [INIT], 1.0)
    assert isinstance(event, Unrecognised)
    assert "portal.example" in event.preview  # the preview still says what came
    assert TOKEN not in event.preview


def test_a_payload_that_is_not_json_is_previewed_without_its_tokens() -> None:
    raw = '{"AUTH_ID": "' + TOKEN + '", "REFRESH_ID":"' + TOKEN + '" '  # cut off: not JSON
    event = parse_wire("app:opened", raw, 1.0, now=2.0)
    assert isinstance(event, Unrecognised)
    assert event.reason == "payload is not JSON"
    assert TOKEN not in event.preview
    assert "AUTH_ID" in event.preview


@given(st.sampled_from(sorted(SECRET_KEYS)), st.booleans(), st.integers(0, 5))
def test_a_secret_under_any_key_case_and_depth_is_hidden(key: str, upper: bool, depth: int) -> None:
    value: object = {key.upper() if upper else key: TOKEN}
    for _ in range(depth):
        value = [{"nested": value}]
    assert TOKEN not in preview(value, 10_000)
    assert TOKEN not in preview(json.dumps(value), 10_000)


@pytest.mark.parametrize("character", ["\u202e", "\u200f", "\u200d", "\u2028", "\ufeff", "\u0000", "\x1b",
                                       "\t", "\n"])
def test_a_control_or_format_character_from_outside_becomes_a_space(character: str) -> None:
    """A right-to-left override, a zero-width joiner or a control could reorder or hide what the
    operator reads around it: in a text each takes one space, so nothing else moves; inside a value
    the preview writes as JSON it is escaped or a space."""
    assert clip(f"486{character}603") == "486 603"
    shown = preview({"reason": f"a{character}b"})
    assert shown.isprintable() and shown.startswith('{"reason": "a') and shown.endswith('b"}')


def test_printable_text_from_outside_is_kept_as_it_is() -> None:
    assert clip("занято 📞 <b>486</b>") == "занято 📞 <b>486</b>"


@given(st.text(), st.integers(1, 200))
def test_any_text_from_outside_becomes_printable_text_within_its_limit(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert clipped.isprintable() and len(clipped) <= limit
    assert clipped == text or len(text) > limit or not text.isprintable()
