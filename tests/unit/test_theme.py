"""The pages' look comes from Bitrix24's UI kit, read at build time, and stays readable.

The tokens are read from the pinned ``@bitrix24/b24style`` package in
``node_modules`` (never copied by hand), written to ``tokens.css``, which
counts in the static folder's name; the pages' CSS uses only those
variables for colours, type sizes and radii; every text colour holds 4.5:1
on every background of its theme, light and dark.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

import build

CSS_FILES = ("card.css", "page.css")
#: Colour roles that are text (the rest are backgrounds, lines, buttons).
TEXT_ROLES = ("ink", "muted", "idle", "ringing", "talking", "failed", "notice")
#: Declarations of type sizes and radii, and of colours: (property, value).
SIZES = r"(?<![\w-])(font-size|border-radius|font-family|line-height)\s*:\s*([^;}]+)"
COLOURS = r"(?<![\w-])(color|background|background-color|border-color)\s*:\s*([^;}]+)"


@pytest.fixture(scope="module")
def theme() -> dict[str, Any]:
    return build.read_b24style()


def declared(css: str, selector: str = ":root") -> dict[str, str]:
    """The custom properties the first ``selector { ... }`` block of ``css`` declares."""
    block = css[css.index(selector + " {"):]
    block = block[:block.index("}")]
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", block))


def themes(theme: dict[str, Any]) -> dict[str, dict[str, str]]:
    css = build.tokens_css(theme)
    light = declared(css)
    dark = {**light, **declared(css[css.index("@media (prefers-color-scheme: dark)"):])}
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_tokens_are_the_ui_kits_own_values(theme: dict[str, Any]) -> None:
    installed = json.loads((build.B24STYLE / "package.json").read_text())["version"]
    pinned = json.loads((build.ROOT / "package.json").read_text())["devDependencies"]["@bitrix24/b24style"]
    assert installed == pinned == theme["version"]
    colours = theme["colors"]
    light = themes(theme)["light"]
    assert light["failed"] == colours["red"]["800"]
    assert light["ink"] == colours["base"]["master"]
    assert light["text-md"] == theme["fontSize"]["md"][0]
    assert light["radius-xs"] == theme["borderRadius"]["2xs"]
    assert light["font"].startswith("system-ui")


def test_a_token_changed_in_the_kit_changes_the_css_and_the_static_folder(theme: dict[str, Any]) -> None:
    changed = copy.deepcopy(theme)
    changed["colors"]["red"]["800"] = "#aa0000"
    assert themes(changed)["light"]["failed"] == "#aa0000"
    others = build.generated_static()
    before = build.static_folder(generated={**others, "tokens.css": build.tokens_css(theme).encode()})
    after = build.static_folder(generated={**others, "tokens.css": build.tokens_css(changed).encode()})
    assert before != after
    assert build.static_folder() == before  # the build's own folder counts the generated tokens


def test_a_token_the_kit_lacks_stops_the_build(theme: dict[str, Any]) -> None:
    changed = copy.deepcopy(theme)
    del changed["colors"]["red"]["800"]
    with pytest.raises(SystemExit, match=r"red\.800"):
        build.tokens_css(changed)


@pytest.mark.parametrize("name", CSS_FILES)
def test_the_pages_css_takes_colours_type_and_radii_from_the_tokens(name: str, theme: dict[str, Any]) -> None:
    css = (build.ROOT / "static" / name).read_text()
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", css), "a colour written by hand"
    for prop, value in re.findall(SIZES, css):
        tokens = value.split()
        assert all(part == "0" or part.startswith("var(--") for part in tokens), f"{name}: {prop}: {value}"
    for prop, value in re.findall(COLOURS, css):
        assert value.strip().startswith(("var(--", "transparent", "inherit")), f"{name}: {prop}: {value}"
    known = set(themes(theme)["light"])
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    assert used <= known, f"{name} uses variables tokens.css does not define: {used - known}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_is_readable_on_every_background(scheme: str, theme: dict[str, Any]) -> None:
    colours = themes(theme)[scheme]
    weak = [f"{text} on {ground}: {contrast(colours[text], colours[ground]):.2f}"
            for text in TEXT_ROLES for ground in build.BACKGROUND_ROLES
            if contrast(colours[text], colours[ground]) < 4.5]
    weak += [f"button-ink on {ground}: {contrast(colours['button-ink'], colours[ground]):.2f}"
             for ground in ("button", "button-hover")
             if contrast(colours["button-ink"], colours[ground]) < 4.5]
    assert not weak, weak
