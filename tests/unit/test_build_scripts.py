"""The build's own JavaScript (``buildjs/``) is checked as the product's is: ESLint and tsc see it.

``./dev test lint`` runs ``npm run lint`` (ESLint over the whole tree, less
what its config ignores) and ``npm run typecheck`` (tsc over each project the
script names); a script left out of either would escape both without a word.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import build


def node_tool(name: str, *args: str) -> str:
    """What one of the pinned JavaScript tools prints (it may exit non-zero when it finds problems)."""
    return subprocess.run([str(build.NODE_MODULES / ".bin" / name), *args], cwd=build.ROOT,
                          capture_output=True, text=True).stdout


def type_checked() -> set[Path]:
    """Every file that ``npm run typecheck`` checks."""
    script = json.loads((build.ROOT / "package.json").read_text())["scripts"]["typecheck"]
    projects = re.findall(r"tsc --noEmit -p (\S+)", script)
    assert projects, script
    return {Path(line) for project in projects
            for line in node_tool("tsc", "-p", project, "--listFilesOnly").splitlines()}


def test_every_script_the_build_runs_is_linted_and_type_checked() -> None:
    scripts = sorted(build.BUILDJS.glob("*.mjs"))
    assert {script.name for script in scripts} >= {"snapshot.mjs", "tokens.mjs"}
    assert set(scripts) <= type_checked()
    # Linted with Node.js's globals (a browser's would leave `process` undefined), and clean.
    linted = json.loads(node_tool("eslint", "--format", "json", *map(str, scripts)))
    assert {Path(result["filePath"]): result["messages"] for result in linted} == {
        script: [] for script in scripts}
