"""The package's layering holds, as each subpackage's docstring states it.

Read from the source with ``ast`` (nothing is imported), so a new import
that breaks the architecture fails here, named, before it can rot.  The
rules, from the docstrings of ``placement_app`` and its subpackages:

- the package's own ``__init__`` names the model's API: it imports ``core`` only;
- ``core``'s modules import only those below them (``core/__init__``'s order);
- ``portal`` and ``browser`` import ``core``; ``card`` and ``admin`` import
  ``core`` and ``portal``, and ``browser`` only inside their ``main()``;
  ``admin.report`` imports ``core`` only;
- ``browser.bridge`` is the one module that imports ``js`` / ``pyodide``, and
  the browser's other modules import nothing of the app but the page protocol
  (``browser.protocol``, which imports nothing itself);
- nothing of the package imports a tool (the build, the emulator, tests,
  bench, the translators' tools);
- every import is where a reader looks for it: at the top of the module or
  inside a function, never in a module-level ``if``/``try``/``with``/class
  body, and never by a name computed at run time.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "placement_app"

#: The core, bottom-up: each module may import only those before it.
CORE_ORDER = ("untrusted", "events", "timeline", "i18n", "codes", "settings")
#: What each part may import anywhere in its modules (besides itself); "" is the package's ``__init__``.
ALLOWED = {
    "": {"core"},
    "core": set(),
    "portal": {"core"},
    "browser": {"core"},
    "card": {"core", "portal"},
    "admin": {"core", "portal"},
}
#: Modules that may import less than their layer: the report's numbers (``admin.report``) are pure,
#: the same code wherever the report runs, so they import only the core.
NARROWER = {"placement_app.admin.report": {"core"}}
#: What it may import inside its ``main()`` only: the one function that meets the browser.
ALLOWED_IN_MAIN = {"card": {"browser"}, "admin": {"browser"}}
#: The browser's one module that may import the app, ``js`` and ``pyodide``; its other modules import
#: nothing of the app.
BRIDGE = "placement_app.browser.bridge"
#: The messages between a page and its worker: the one module of the app the browser's helpers share.
PROTOCOL = "placement_app.browser.protocol"
BROWSER_ONLY = ("js", "pyodide")
#: Top-level modules and folders of the project that are tools around the product, never part of it.
TOOLS = ("build", "serving", "hatch_build", "emulator", "tests", "bench", "tools")
#: Files of the build side, which may import the package but no tool (the README's "What is where").
BUILD_SIDE = ("build.py", "serving.py", "hatch_build.py")
#: Folders of the package that hold data, not code: the gettext catalogues.
DATA = {"locales"}
#: Calls that import a module by a name computed at run time: the checker cannot read what they import.
RUN_TIME_IMPORTS = ("__import__", "import_module")


@dataclass(frozen=True)
class Import:
    """One import statement's module, absolute, and where in its module it runs."""

    module: str
    #: ``top``: a statement of the module body; ``main``: inside the module's ``def main``;
    #: ``function``: inside any other function; ``hidden``: at import time, inside a
    #: module-level compound statement (``if``, ``try``, ``with``, a class body, ...).
    where: str
    line: int


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _where(top: ast.stmt, inside: list[ast.AST]) -> str:
    """Where an import runs, from the module-level statement it sits in and the nodes between."""
    if not inside:
        return "top"
    functions = [node for node in (top, *inside) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not functions:
        return "function" if any(isinstance(node, ast.Lambda) for node in inside) else "hidden"
    return "main" if functions[0] is top and functions[0].name == "main" else "function"


def read_imports(source: str, name: str, is_package: bool) -> tuple[list[Import], list[str]]:
    """Every module ``source`` (the module ``name``) imports, and the imports it hides at run time."""
    tree = ast.parse(source)
    here = name.split(".")
    package = here if is_package else here[:-1]
    found: list[Import] = []
    dynamic: list[str] = []

    def visit(node: ast.AST, top: ast.stmt, inside: list[ast.AST]) -> None:
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            modules = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in RUN_TIME_IMPORTS:
                dynamic.append(f"{name} line {node.lineno}: {called}() imports a module the checker"
                               " cannot read")
        for module in modules:
            found.append(Import(module, _where(top, inside), getattr(node, "lineno", 0)))
        for child in ast.iter_child_nodes(node):
            visit(child, top, [*inside, child])

    for statement in tree.body:
        visit(statement, statement, [])
    return found, dynamic


def violations(source: str, name: str, is_package: bool = False) -> list[str]:
    """What in ``source``, the module ``name`` of the package, breaks the package's rules."""
    parts = name.split(".")
    layer = parts[1] if len(parts) > 1 else ""
    found, problems = read_imports(source, name, is_package)
    for imported in found:
        target = imported.module.split(".")
        at = f"{name} line {imported.line}: {imported.module}"
        if imported.where == "hidden":
            problems.append(f"{at} is imported inside a module-level compound statement: "
                            "imports go at the top of the module or inside a function")
        if target[0] in BROWSER_ONLY and name != BRIDGE:
            problems.append(f"{at}: only {BRIDGE} may import {target[0]}")
        if target[0] in TOOLS:
            problems.append(f"{at} is a tool: the product never imports one")
        if target[0] != "placement_app" or len(target) < 2:
            continue
        other = target[1]
        if layer == "browser" and name != BRIDGE and not (imported.module == PROTOCOL and name != PROTOCOL):
            problems.append(f"{at}: the browser's helpers import nothing of the app (only {BRIDGE} may)")
            continue
        if other == layer:
            if layer == "core" and len(target) > 2 and len(parts) > 2 and parts[2] in CORE_ORDER:
                mine, theirs = CORE_ORDER.index(parts[2]), CORE_ORDER.index(target[2])
                if theirs >= mine:
                    problems.append(f"{at} is not below {name} in the core")
            continue
        allowed = ALLOWED[layer] | (ALLOWED_IN_MAIN.get(layer, set()) if imported.where == "main" else set())
        if name in NARROWER and other not in NARROWER[name]:
            problems.append(f"{at}: {name} may import only {sorted(NARROWER[name])}")
            continue
        if other not in allowed:
            where = {"top": "at module level", "main": "inside main()", "function": "inside a function",
                     "hidden": "at module level"}[imported.where]
            may = f"{layer or 'the package'} may import {sorted(ALLOWED[layer])}"
            if layer in ALLOWED_IN_MAIN:
                may += f", and {sorted(ALLOWED_IN_MAIN[layer])} only inside main()"
            problems.append(f"{at} {where}: {may}")
    return problems


def module_violations(path: Path, root: Path = ROOT) -> list[str]:
    return violations(path.read_text(encoding="utf-8"), module_name(path, root), path.name == "__init__.py")


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    loose = [module_name(p) for p in SOURCES if p.parent == PACKAGE and p.name != "__init__.py"]
    assert loose == [], "modules outside a subpackage"
    core = {p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__"}
    assert core == set(CORE_ORDER)
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(ALLOWED) - {""} | DATA
    assert [p for folder in DATA for p in (PACKAGE / folder).rglob("*.py")] == [], "code in a data folder"


@pytest.mark.parametrize("path", SOURCES, ids=module_name)
def test_module_imports_only_what_its_layer_may(path: Path) -> None:
    assert module_violations(path) == []


def test_events_depend_on_nothing_of_the_app_but_the_rules_for_untrusted_values() -> None:
    path = PACKAGE / "core" / "events.py"
    found, _ = read_imports(path.read_text(encoding="utf-8"), module_name(path), False)
    app = {imported.module for imported in found if imported.module.startswith("placement_app")}
    assert app <= {"placement_app.core.untrusted"}


@pytest.mark.parametrize("name", BUILD_SIDE)
def test_the_build_does_not_import_its_tools(name: str) -> None:
    found, _ = read_imports((ROOT / name).read_text(encoding="utf-8"), name.removesuffix(".py"), False)
    assert {i.module.split(".")[0] for i in found} & {"emulator", "tests", "bench", "tools"} == set()


# --- the checker catches what breaks each rule: source text fed to it as a module of the package ---

CARD_APP = "placement_app.card.app"
INSTALL_PAGE = "placement_app.admin.install_page"
MIRROR = "placement_app.browser.frame_requests"
HIDDEN = "inside a module-level compound statement"
UNREADABLE = "imports a module the checker cannot read"
HELPERS = "the browser's helpers import nothing of the app"

BROKEN = {
    # the browser outside main(): at module level, in another function, in a method, in a hidden main
    "browser at module level": ("from ..browser import bridge", CARD_APP,
                                "placement_app.browser at module level"),
    "browser in a function": ("def start():\n    from ..browser import bridge", CARD_APP,
                              "placement_app.browser inside a function"),
    "browser in a function named like main": ("def main_loop():\n    from ..browser import bridge", CARD_APP,
                                              "inside a function"),
    "browser in a method main": ("class Page:\n    def main(self):\n        from ..browser import bridge",
                                 CARD_APP, "inside a function"),
    "browser in a main under an if": ("if True:\n    def main():\n        from ..browser import bridge",
                                      INSTALL_PAGE, "inside a function"),
    # an import in a module-level compound statement, whatever it imports
    "try": ("try:\n    from ..browser import bridge\nexcept ImportError:\n    bridge = None",
            CARD_APP, HIDDEN),
    "if TYPE_CHECKING": ("import typing\nif typing.TYPE_CHECKING:\n    from ..core import i18n",
                         CARD_APP, HIDDEN),
    "with": ("with open(__file__):\n    import json", "placement_app.core.i18n", HIDDEN),
    "class body": ("class View:\n    import json", "placement_app.card.view", HIDDEN),
    # an import by a name computed at run time
    "import_module": ("import importlib\ndef main():\n    importlib.import_module('placement_app.card')",
                      CARD_APP, f"import_module() {UNREADABLE}"),
    "__import__": ("def main():\n    __import__('js')", CARD_APP, f"__import__() {UNREADABLE}"),
    # the browser's helpers
    "a helper imports the core": ("from ..core import untrusted", MIRROR, HELPERS),
    "a helper imports another helper": ("from . import remote_dom", MIRROR, HELPERS),
    "a helper imports in a function": ("def main():\n    from ..core import i18n",
                                       "placement_app.browser.frame_requests", HELPERS),
    # the rest of the layers
    "core imports the card": ("from ..card import view", "placement_app.core.timeline", "core may import []"),
    "core imports upwards": ("from .settings import Settings", "placement_app.core.events",
                             "is not below placement_app.core.events"),
    "card imports admin": ("from ..admin import page", CARD_APP, "card may import ['core', 'portal']"),
    "admin imports the card in main": ("def main():\n    from ..card import app", INSTALL_PAGE,
                                       "placement_app.card inside main(): admin may import"),
    "js outside the bridge": ("import js", CARD_APP, "only placement_app.browser.bridge may import js"),
    "pyodide outside the bridge": ("from pyodide.ffi import to_js", MIRROR, "may import pyodide"),
    "a tool": ("import emulator.driver", CARD_APP, "emulator.driver is a tool"),
    "the report's numbers import the portal": ("from ..portal import client", "placement_app.admin.report",
                                               "placement_app.admin.report may import only ['core']"),
    "the package imports the card": ("from .card import app", "placement_app",
                                     "the package may import ['core']"),
}


@pytest.mark.parametrize(("source", "name", "named"), BROKEN.values(), ids=BROKEN.keys())
def test_the_checker_names_an_import_that_breaks_a_rule(source: str, name: str, named: str) -> None:
    problems = violations(source + "\n", name, is_package=name == "placement_app")
    assert any(named in problem for problem in problems), problems


ALLOWED_SOURCES = {
    "browser in main": ("def main():\n    from ..browser import bridge", CARD_APP),
    "browser in a function inside main": (
        "async def main():\n    def later():\n        from ..browser import bridge", CARD_APP),
    "core and the standard library at the top": (
        "from __future__ import annotations\nimport json\nfrom ..core import i18n", CARD_APP),
    "a third-party import in a function": (
        "def compile_po():\n    from babel.messages.pofile import read_po", "placement_app.core.i18n"),
    "the bridge imports the core and js": ("from ..core.i18n import DAY_LOCALE\nimport js", BRIDGE),
    "the core imports downwards": ("from .untrusted import clip", "placement_app.core.events"),
}


@pytest.mark.parametrize(("source", "name"), ALLOWED_SOURCES.values(), ids=ALLOWED_SOURCES.keys())
def test_the_checker_lets_through_what_the_rules_allow(source: str, name: str) -> None:
    assert violations(source + "\n", name) == []


def test_a_wrong_import_in_a_copy_of_a_real_module_is_caught(tmp_path: Path) -> None:
    """The check run as on the package: a real module with one import that breaks its layer."""
    source = (PACKAGE / "core" / "timeline.py").read_text(encoding="utf-8") + "\nfrom ..card import view\n"
    copy = tmp_path / "placement_app" / "core" / "timeline.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(source, encoding="utf-8")
    line = source.count("\n")
    assert module_violations(copy, tmp_path) == [
        f"placement_app.core.timeline line {line}: placement_app.card at module level: core may import []"]
