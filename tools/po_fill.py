#!/usr/bin/env python3
"""Fill a language's ``.po`` file from a translator's JSON file, only where it still fits.

A translator's file (``{"language_name", "strings": {key: text}, "codes":
{code: [label, reason, next step]}}``) was made for the English of a source
file (``{"strings": {key: {"en": ...}}, "codes": {code: {"en": [...]}}}``).
Each of its texts goes into the ``msgstr`` of the message whose ``msgctxt``
is its key, and only when that message's English (``msgid``) is still the
English the text was translated from: a message whose English has changed
since, or a key the catalogue does not have, stays as it is, so nothing is
filled with words for another sentence.  Bitrix24's codes name the files
(``ua.json`` fills ``uk.po``); a code's words are ``code.<code>.label``,
``.reason`` and ``.next_step``, a class's ``class.4`` is ``code.4xx.*``.
Translations already in the catalogue are kept unless ``--overwrite``.
Then it lists, per language, the messages still untranslated.

    .venv/bin/python tools/po_fill.py /work/translations/source.json /work/translations/*.json

A tool, never imported by the product: it needs Babel, which the browser
does not have.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from babel.messages.catalog import Catalog  # noqa: E402
from po_sync import LOCALES, read, write  # noqa: E402

from placement_app.core import i18n  # noqa: E402

PARTS = ("label", "reason", "next_step")


def context(code: str) -> str:
    """The message prefix of a code's words: ``class.4`` is ``code.4xx``, ``OTHER`` is ``code.OTHER``."""
    return f"code.{code.removeprefix('class.')}xx" if code.startswith("class.") else f"code.{code}"


def pairs(source: Mapping[str, Any], translated: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(msgctxt, the English it was translated from, its translation) for each text of ``translated``."""
    for key, text in translated.get("strings", {}).items():
        english = source.get("strings", {}).get(key, {}).get("en")
        if isinstance(english, str) and isinstance(text, str):
            yield key, english, text
    for code, words in translated.get("codes", {}).items():
        english = source.get("codes", {}).get(code, {}).get("en")
        if isinstance(english, list) and isinstance(words, list) and len(words) == len(english) == len(PARTS):
            for part, original, text in zip(PARTS, english, words, strict=True):
                yield f"{context(code)}.{part}", original, text


def fill(catalog: Catalog, source: Mapping[str, Any], translated: Mapping[str, Any],
         overwrite: bool = False) -> tuple[int, int]:
    """Put the fitting translations in ``catalog``: (how many were filled, how many did not fit)."""
    by_key = {message.context: message for message in catalog if message.id and message.context}
    filled = skipped = 0
    for key, english, text in pairs(source, translated):
        message = by_key.get(key)
        if message is None or message.id != english or not text.strip() or (
                i18n.placeholders(text) != i18n.placeholders(english)):
            skipped += 1
            continue
        if message.string and not message.fuzzy and not overwrite:
            continue
        message.string = text
        message.flags.discard("fuzzy")
        message.previous_id = []
        filled += 1
    return filled, skipped


def untranslated(catalog: Catalog) -> list[str]:
    """The keys of the messages with no translation (or a fuzzy one), in the file's order."""
    return [str(message.context) for message in catalog
            if message.id and (not message.string or message.fuzzy)]


def locale_of(path: Path) -> str:
    """The catalogue a translator's file is for: named by Bitrix24's code (``ua.json`` -> ``uk``)."""
    code = path.stem
    if code not in i18n.SUPPORTED:
        raise SystemExit(f"{path}: {code!r} is not one of Bitrix24's codes the app supports")
    return i18n.SUPPORTED[code].locale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the English the translations were made from (source.json)")
    parser.add_argument("translations", type=Path, nargs="+", help="<Bitrix24 code>.json files")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace translations already in the catalogue")
    args = parser.parse_args(argv)
    source = json.loads(args.source.read_text(encoding="utf-8"))
    for path in args.translations:
        locale = locale_of(path)
        catalog = read(LOCALES / f"{locale}.po")
        filled, skipped = fill(catalog, source, json.loads(path.read_text(encoding="utf-8")), args.overwrite)
        write(LOCALES / f"{locale}.po", catalog)
        left = untranslated(catalog)
        print(f"{locale}.po: {filled} filled, {skipped} not fitting (English changed or no such key), "
              f"{len(left)} untranslated" + (f": {', '.join(left)}" if left else ""))


if __name__ == "__main__":
    main()
