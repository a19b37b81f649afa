"""The package's layering holds: a lower layer never imports a higher one.

Read from the source with ``ast`` (nothing is imported), so a new import
that breaks the architecture fails here, named, before it can rot.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "placement_app"

#: The core, bottom-up: each module may import only those before it.
CORE_ORDER = ("untrusted", "events", "timeline", "i18n", "codes", "settings")
#: What each subpackage may import at module level (besides itself).
ALLOWED = {
    "core": set(),
    "portal": {"core"},
    "browser": {"core"},
    "card": {"core", "portal"},
    "admin": {"core", "portal"},
}
#: What it may import inside a function only (its ``main()`` meets the browser).
ALLOWED_LATE = {"card": {"browser"}, "admin": {"browser"}}
BROWSER_ONLY = ("js", "pyodide")
#: Folders of the package that hold data, not code: the gettext catalogues.
DATA = {"locales"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, absolute, with whether it is at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[tuple[str, bool]] = []
    top_level = set(map(id, tree.body))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        for name in names:
            found.append((name, id(node) in top_level))
    return found


def violations(path: Path, root: Path = ROOT) -> list[str]:
    name = module_name(path, root)
    parts = name.split(".")
    layer = parts[1] if len(parts) > 1 else ""
    problems = []
    for imported, top in imports(path, root):
        target = imported.split(".")
        if target[0] in BROWSER_ONLY and name != "placement_app.browser.bridge":
            problems.append(f"{name} imports {imported}: only placement_app.browser.bridge may")
        if target[0] != "placement_app" or len(target) < 2 or layer == "":
            if target[0] in ("build", "emulator", "tests", "bench"):
                problems.append(f"{name} imports the tool {imported}")
            continue
        other = target[1]
        if other == layer:
            if layer == "core" and len(target) > 2 and len(parts) > 2 and parts[2] in CORE_ORDER:
                mine, theirs = CORE_ORDER.index(parts[2]), CORE_ORDER.index(target[2])
                if theirs >= mine:
                    problems.append(f"{name} imports {imported}, which is not below it in the core")
            continue
        allowed = ALLOWED[layer] | (set() if top else ALLOWED_LATE.get(layer, set()))
        if other not in allowed:
            where = "at module level" if top else "inside a function"
            problems.append(f"{name} imports {imported} {where}; {layer} may import {sorted(allowed)}")
    return problems


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    loose = [module_name(p) for p in SOURCES if p.parent == PACKAGE and p.name != "__init__.py"]
    assert loose == [], "modules outside a subpackage"
    core = {p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__"}
    assert core == set(CORE_ORDER)
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(ALLOWED) | DATA
    assert [p for folder in DATA for p in (PACKAGE / folder).rglob("*.py")] == [], "code in a data folder"


@pytest.mark.parametrize("path", SOURCES, ids=module_name)
def test_module_imports_only_what_its_layer_may(path: Path) -> None:
    assert violations(path) == []


def test_events_depend_on_nothing_of_the_app_but_the_rules_for_untrusted_values() -> None:
    app_imports = {name for name, _ in imports(PACKAGE / "core" / "events.py")
                   if name.startswith("placement_app")}
    assert app_imports <= {"placement_app.core.untrusted"}


def test_the_build_does_not_import_its_tools() -> None:
    names = {name.split(".")[0] for name, _ in imports(ROOT / "build.py")}
    assert not names & {"emulator", "tests", "bench"}


def test_a_wrong_import_is_caught(tmp_path: Path) -> None:
    """The check itself can fail: a core module importing the card is named."""
    fake = PACKAGE / "core" / "timeline.py"
    source = fake.read_text(encoding="utf-8") + "\nfrom ..card import view\n"
    copy = tmp_path / "placement_app" / "core" / "timeline.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(source, encoding="utf-8")
    assert violations(copy, tmp_path) == [
        "placement_app.core.timeline imports placement_app.card at module level; core may import []"]
