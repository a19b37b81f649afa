"""Each rule of the card is written once, in Python: the page's JavaScript has no twin of it.

The page draws what Python gives it (the quick view's tables, ``card.quick``); a function of
``static/`` named after one of ``placement_app``'s, or after Python's own text rules
(``str.isprintable``, ``str.strip``, the way ``json.dumps`` writes a float), is a second copy
of a rule, which only a table of cases could keep in step.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = sorted((ROOT / "static").glob("*.js"))
#: A definition in a module: ``function name(``, ``const name = (…) =>`` or ``= function``, or a
#: method (``name(…) {`` at the start of a line, ``get name()``).
DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*\("
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)"
    r"|^\s+(?:static\s+)?(?:async\s+)?(?:get\s+|set\s+)?(\w+)\s*\([^)]*\)\s*\{",
    re.MULTILINE)
#: Python's text rules, by the words a twin of one would be named with.
TEXT_RULES = re.compile(r"isprintable|printable|strip|pythonjson|pythonnumber|floatrepr|formatfloat|"
                        r"reprfloat|jsondumps|pythonfloat", re.IGNORECASE)
#: Names both sides use for things that are not the same rule, each with why.
SAME_NAME_OTHER_THING = {
    # The page's end of a message Python sends (browser.protocol names them): it shows what it is sent.
    "announce": "the live region says Python's words",
    "support": "the *Copy for support* button takes Python's text",
    "mark": "a moment of Python's start-up, marked for the bench",
    "status": "the admin page's status line shows Python's words",
    "texts": "the admin page's labels take Python's words",
    "take": "call-events.js takes an event in; Python's takes a portal's reply",
    "apply": "dom-ops.js applies Python's drawing operations; Python's apply is the timeline's reducer",
    "call": "frame.js sends a portal command; Python's call is a REST call",
    "callState": "the quick view draws a state change (an event's name); Python's call_state is a field",
    "command": "the page sends the portal command Python asked for; Python's asks for it",
    "opened": "the init data arrived (an event); Python's reads what it says",
    "clock": "each writes a time through the browser's Intl with the options Python gives",
    "failed": "the page was told Python cannot start; Python's failed is a REST failure",
    "fit": "the page measures the card and asks the portal; Python only says when",
    "handle": "the engine hands an event to Python; Python's handle applies it",
    "live": "the hold hears that Python is live",
    "post": "frame.js posts to the portal's window; Python's post sends the page a message",
    "progress": "the install page's progress bar",
    "receive": "frame.js reads the portal's reply; Python's receive takes an event",
    "render": "the quick view draws its table's words",
    "say": "a notice, or the live region, speaks words it was given",
    "step": "the start-up progress bar",
    "warn": "a console warning",
    "redact": "the page must hide the secrets Python names (the export's keys) before it stores, shows or "
              "forwards an event, while Python may not run yet",
    "redactText": "as redact",
    "names": "protocol.js checks a message table's names; Python's are operators' names (admin.records)",
}


def python_functions() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "placement_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("__"):
                names.add(node.name.lstrip("_"))
    return names


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def js_functions(source: str) -> set[str]:
    return {next(group for group in match.groups() if group) for match in DEFINITION.finditer(source)}


@pytest.mark.parametrize("path", STATIC, ids=lambda path: path.name)
def test_no_function_of_the_page_is_named_after_a_python_text_rule(path: Path) -> None:
    twins = sorted(name for name in js_functions(path.read_text(encoding="utf-8")) if TEXT_RULES.search(name))
    assert not twins, f"{path.name} writes Python's text rules again: {twins}"


@pytest.mark.parametrize("path", STATIC, ids=lambda path: path.name)
def test_no_function_of_the_page_is_a_twin_of_one_of_placement_apps(path: Path) -> None:
    python = {camel(name) for name in python_functions()} | python_functions()
    twins = sorted(js_functions(path.read_text(encoding="utf-8")) & python - set(SAME_NAME_OTHER_THING))
    assert not twins, f"{path.name} defines {twins}, named as placement_app's: write the rule once, in Python"


@pytest.mark.parametrize("source, found", [
    ("function pythonStrip(text) {", {"pythonStrip"}),
    ("export function isPrintable(c) {", {"isPrintable"}),
    ("const pythonNumber = (n) => String(n);", {"pythonNumber"}),
    ("  formatDuration(ms) {\n", {"formatDuration"}),
    ("const readSettings = function (options) {", {"readSettings"}),
    ("  get table() {", {"table"}),
])
def test_the_scan_sees_each_way_a_module_defines_a_function(source: str, found: set[str]) -> None:
    assert js_functions(source) == found
