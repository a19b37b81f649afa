"""The wheel's build hook: the gettext catalogues compiled to ``.mo`` and put in the wheel.

Hatchling runs it (``pyproject.toml`` names it) for every wheel, so the wheel
that micropip installs in the browser holds ``placement_app/locales/*.mo``
and none of the ``.po`` sources: Babel compiles them here, since it does not
exist in Pyodide.  The compiler is :func:`placement_app.core.i18n.compile_po`,
the same one the package uses when it runs from its source under CPython, so
the tests read exactly the words the browser will.  The ``.mo`` files carry
no time of their own (their headers come from the ``.po`` files), so the
wheel stays byte-for-byte reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root))
        from placement_app.core.i18n import compile_po

        target = root / "build" / "locales"
        target.mkdir(parents=True, exist_ok=True)
        for stale in target.glob("*.mo"):
            stale.unlink()
        for po in sorted((root / "placement_app" / "locales").glob("*.po")):
            mo = target / f"{po.stem}.mo"
            mo.write_bytes(compile_po(po.read_bytes()))
            build_data["force_include"][str(mo)] = f"placement_app/locales/{mo.name}"
