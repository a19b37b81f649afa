"""The built wheel, installed by micropip and run inside real Pyodide."""

import json
import shutil
import subprocess

import pytest

import build

pytestmark = pytest.mark.pyodide

SCENARIO = '''
import json, sys
from fakedom import FakeDocument
import placement_app
from placement_app.app import Card
from placement_app.view import CardView

document = FakeDocument()
root = document.createElement("section")
card = Card(CardView(document, root), lambda: 70_000.0)
for kind, args, at in [
    ("app:opened", [{"LANG": "ru", "PLACEMENT_OPTIONS": {"CALL_STATE": "idle", "CALL_ID": "c"}}], 0),
    ("CallCard::CallStateChanged", ["connecting"], 1_000),
    ("CallCard::CallStateChanged", [["idle", {"failedCode": "486"}]], 8_000),
]:
    card.receive(kind, json.dumps(args), at)
json.dumps({
    "python": sys.version.split()[0],
    "platform": sys.platform,
    "module": placement_app.__file__,
    "outcome": card.timeline.outcome.value,
    "ring": root.find("ring").textContent,
    "text": root.visible_text(),
})
'''


@pytest.fixture(scope="module")
def site():
    return build.build()


def test_wheel_runs_a_busy_call_inside_pyodide(site, tmp_path):
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed to run Pyodide outside the browser")
    scenario = tmp_path / "scenario.py"
    scenario.write_text(SCENARIO)
    wheel = next((site / "wheels").glob("placement_app-*.whl")).name
    result = subprocess.run(
        ["node", str(build.ROOT / "tests" / "pyodide_run.mjs"), str(site / build.RUNTIME),
         str(site / "wheels"), wheel, str(scenario)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "emscripten"
    assert report["python"].startswith("3.14")
    assert "site-packages/placement_app" in report["module"]
    assert report["outcome"] == "failed"
    assert report["ring"] == "0:07"
    assert "486 · Занято" in report["text"]


def test_build_is_reproducible(site, tmp_path):
    wheel = next((site / "wheels").glob("placement_app-*.whl"))
    again = build.build_wheel(tmp_path)
    assert again.read_bytes() == wheel.read_bytes()
