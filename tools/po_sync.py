#!/usr/bin/env python3
"""Keep every language's ``.po`` file in step with ``en.po``, the source catalogue.

``python tools/po_sync.py`` rewrites each ``placement_app/locales/*.po`` so that
it holds exactly ``en.po``'s messages, in its order: a new message arrives
with an empty ``msgstr`` (untranslated, so the language is not offered until
someone translates it), a message whose English changed keeps its old
translation marked fuzzy with the old English beside it (``#| msgid``), as
``msgmerge`` does, and a message ``en.po`` no longer has is dropped.

``--strings FILE`` first adds to ``en.po`` and ``ru.po`` every key of a
``STRINGS = {"en": {...}, "ru": {...}}`` literal in FILE that they lack: the
way to bring words added to ``placement_app/core/i18n.py`` on a branch from
before the catalogues moved to ``.po`` files, e.g.::

    git show OTHER:placement_app/core/i18n.py > /tmp/i18n.py && \\
        .venv/bin/python tools/po_sync.py --strings /tmp/i18n.py

A tool, never imported by the product: it needs Babel, which the browser
does not have.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "placement_app" / "locales"
SOURCE = "en"
#: Names a brace placeholder (``{count}``), which Poedit and Weblate check when the message says so.
PLACEHOLDER = re.compile(r"\{(\w+)\}")
BRACE_FLAG = "python-brace-format"
#: Keys a ``STRINGS`` literal may hold that are not messages: each language is offered by its own
#: name (``i18n.SUPPORTED``), the same in every language.
RETIRED = {"settings.language.en", "settings.language.ru"}


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, include_previous=True)


def flags(text: str) -> set[str]:
    return {BRACE_FLAG} if PLACEHOLDER.search(text) else set()


def add_strings(file: Path) -> list[str]:
    """Add the keys of FILE's ``STRINGS`` literal that ``en.po`` lacks to ``en.po`` and ``ru.po``."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    strings: dict[str, dict[str, str]] | None = None
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == "STRINGS" and getattr(node, "value", None):
            strings = ast.literal_eval(node.value)  # type: ignore[attr-defined]
    if strings is None:
        raise SystemExit(f"{file}: no STRINGS = {{...}} literal in it")
    english = read(LOCALES / "en.po")
    russian = read(LOCALES / "ru.po")
    known = {message.context for message in english if message.id}
    added = []
    for key, text in strings.get(SOURCE, {}).items():
        if key in known or key in RETIRED:
            continue
        english.add(text, text, context=key, flags=flags(text))
        translated = strings.get("ru", {}).get(key, "")
        russian.add(text, translated, context=key, flags=flags(text))
        added.append(key)
    write(LOCALES / "en.po", english)
    write(LOCALES / "ru.po", russian)
    return added


def sync(catalog: Catalog, source: Catalog) -> Catalog:
    """``catalog`` with exactly ``source``'s messages, in its order; translations kept where they fit.

    A plural message (``msgid_plural``) gets as many empty forms as the language's
    ``Plural-Forms`` has; one that was singular before keeps nothing (its forms differ).
    """
    by_key: dict[str, Message] = {message.context: message for message in catalog
                                  if message.id and message.context}
    synced = Catalog(locale=catalog.locale, project=catalog.project, version=catalog.version,
                     creation_date=catalog.creation_date, revision_date=catalog.revision_date,
                     last_translator=catalog.last_translator, language_team=catalog.language_team,
                     msgid_bugs_address=catalog.msgid_bugs_address, fuzzy=False)
    synced.header_comment = catalog.header_comment
    for message in source:
        if not message.id:
            continue
        english = message.id
        plural = isinstance(english, (list, tuple))
        shown = str(english[-1] if isinstance(english, (list, tuple)) else english)
        empty: str | tuple[str, ...] = ("",) * catalog.num_plurals if plural else ""
        old = by_key.get(message.context or "")
        same_shape = old is not None and isinstance(old.id, (list, tuple)) == plural
        if old is not None and same_shape and _same(old.id, english):
            synced.add(english, old.string, context=message.context, flags=flags(shown) | (
                {"fuzzy"} if old.fuzzy else set()), auto_comments=message.auto_comments,
                user_comments=old.user_comments, previous_id=old.previous_id if old.fuzzy else ())
        elif old is not None and same_shape and _translated(old.string):
            synced.add(english, old.string, context=message.context, flags=flags(shown) | {"fuzzy"},
                       auto_comments=message.auto_comments, previous_id=old.id)
        else:
            synced.add(english, empty, context=message.context, flags=flags(shown),
                       auto_comments=message.auto_comments)
    return synced


def _same(one: object, other: object) -> bool:
    """Whether two msgids (a string, or a plural message's forms) are the same English."""
    if isinstance(one, (list, tuple)) and isinstance(other, (list, tuple)):
        return tuple(one) == tuple(other)
    return one == other


def _translated(string: object) -> bool:
    """Whether a msgstr (or every form of a plural one) holds a translation."""
    if isinstance(string, (list, tuple)):
        return all(string)
    return bool(string)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--strings", type=Path, metavar="FILE",
                        help="first add the keys of FILE's STRINGS literal to en.po and ru.po")
    args = parser.parse_args(argv)
    if args.strings:
        added = add_strings(args.strings)
        print(f"en.po, ru.po: {len(added)} keys added" + (f" ({', '.join(added)})" if added else ""))
    source = read(LOCALES / f"{SOURCE}.po")
    write(LOCALES / f"{SOURCE}.po", source)  # in Babel's own layout, as every other file
    report = []
    for path in sorted(LOCALES.glob("*.po")):
        if path.stem == SOURCE:
            continue
        catalog = sync(read(path), source)
        write(path, catalog)
        empty = sum(1 for message in catalog
                    if message.id and (not _translated(message.string) or message.fuzzy))
        report.append(f"{path.name}: {len(catalog)} messages, {empty} to translate")
    print("\n".join(report))


if __name__ == "__main__":
    main()
