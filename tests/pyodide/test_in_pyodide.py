"""The built wheel, installed by micropip and run inside real Pyodide."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import build

#: What a scenario's last line gives back: untyped JSON, read by each test.
Report = dict[str, Any]

SCENARIO = '''
import json, sys
from fakedom import FakeDocument
from fakepage import FakePage
import placement_app
from placement_app.card.app import Card
from placement_app.card.view import CardView

document = FakeDocument()
root = document.createElement("section")
card = Card(CardView(document, root), FakePage(lambda: 70_000.0))
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


FAILING_HANDLER = '''
import json
from fakedom import FakeDocument
from fakepage import FakePage
from placement_app.core import timeline
from placement_app.card.app import Card
from placement_app.core.events import CallStateChanged
from placement_app.card.view import CardView

document = FakeDocument()
root = document.createElement("section")
page = FakePage(lambda: 0.0)
card = Card(CardView(document, root), page)
real = timeline.HANDLERS[CallStateChanged]

def broken(line, event):
    raise ZeroDivisionError("a bug in one handler")

timeline.HANDLERS[CallStateChanged] = broken
card.receive("CallCard::CallStateChanged", '["connecting"]', 1)
timeline.HANDLERS[CallStateChanged] = real
card.receive("CallCard::CallStateChanged", '["connected"]', 2)
card.receive("CallCard::EntityChanged", '[{"PHONE_NUMBER": "+7495"}]', 3)
json.dumps({"rows": [r.find("what").textContent for r in root.find_all("entry")],
            "warnings": page.warnings})
'''

LONG_CALL = '''
import json, tracemalloc
from fakedom import FakeDocument
from fakepage import FakePage
from placement_app.card.app import Card
from placement_app.card.view import CardView

document = FakeDocument()
root = document.createElement("section")
clock = [0.0]
card = Card(CardView(document, root), FakePage(lambda: clock[0]))
card.receive("CallCard::CallStateChanged", '["connected"]', 0)
tracemalloc.start()
sizes = []
for i in range(10_000):
    card.receive("CallCard::EntityChanged", json.dumps([{"PHONE_NUMBER": f"+7{i}"}]), i * 1_080.0)
    if i in (4_999, 9_999):
        sizes.append(tracemalloc.get_traced_memory()[0])
clock[0] = 3 * 3600 * 1000.0
card.tick()
json.dumps({"timer": root.find("timer").textContent, "rows": len(root.find_all("entry")),
            "growth": sizes[1] - sizes[0], "created": document.created})
'''


def app_wheel(site: Path) -> Path:
    """The app's wheel, as the card's boot data names it."""
    name = read_boot(site)["appWheel"]
    assert isinstance(name, str)
    return site / name


def json_object(text: str) -> Report:
    value = json.loads(text)
    assert isinstance(value, dict), text[:200]
    return value


def read_boot(site: Path) -> Report:
    page = (site / "index.html").read_text(encoding="utf-8")
    return json_object(page.split('<script type="application/json" id="boot">')[1].split("</script>")[0])


def run_in_pyodide(site: Path, tmp_path: Path, source: str) -> Report:
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed to run Pyodide outside the browser")
    scenario = tmp_path / "scenario.py"
    scenario.write_text(source)
    wheel = app_wheel(site)
    result = subprocess.run(
        ["node", str(Path(__file__).with_name("pyodide_run.mjs")), str(site / build.RUNTIME),
         str(site / "wheels"), str(wheel), str(scenario)],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return json_object(result.stdout.strip().splitlines()[-1])


def test_a_failing_handler_is_shown_and_later_events_still_render_in_pyodide(site: Path,
                                                                             tmp_path: Path) -> None:
    report = run_in_pyodide(site, tmp_path, FAILING_HANDLER)
    assert report["rows"] == ["Display error", "Talking", "Client"]
    assert "a bug in one handler" in report["warnings"][0]


def test_a_three_hour_call_stays_bounded_in_pyodide(site: Path, tmp_path: Path) -> None:
    report = run_in_pyodide(site, tmp_path, LONG_CALL)
    assert report["timer"] == "3:00:00"
    assert report["rows"] == 200
    assert report["growth"] < 200_000, report
    assert report["created"] < 6 * 220


def test_wheel_runs_a_busy_call_inside_pyodide(site: Path, tmp_path: Path) -> None:
    report = run_in_pyodide(site, tmp_path, SCENARIO)
    assert report["platform"] == "emscripten"
    assert report["python"].startswith("3.14")
    assert "site-packages/placement_app" in report["module"]
    assert report["outcome"] == "failed"
    assert report["ring"] == "0:07"
    assert "486 · Отклонён" in report["text"] and "Код 486" in report["text"]  # it rang 7 s: declined


def test_build_is_reproducible(site: Path, tmp_path: Path) -> None:
    wheel = app_wheel(site)
    again = build.build_wheel(tmp_path)
    assert again.read_bytes() == wheel.read_bytes()
    assert again.parent.name == wheel.parent.name  # the folder is named by the content


ADMIN_PAGES = '''
import json
from fakedom import FakeDocument
from fakepage import FakePage
from placement_app.core import settings
from placement_app.card.app import Card
from placement_app.admin.install import Installer
from placement_app.admin.settings_page import SettingsPage
from placement_app.card.view import CardView

posted, commands = [], []
page = SettingsPage(posted.append, lambda name, params: commands.append((name, dict(params))))
page.receive("page:opened", json.dumps([{"LANG": "en", "IS_ADMIN": True, "APP_OPTIONS": {}}]))
form = {**settings.to_form(settings.DEFAULTS), "keep_open": True, "keep_open_minutes": "0"}
page.receive("settings:submit", json.dumps([form]))
errors = [m for m in posted if m["type"] == "errors"][-1]["errors"]
busy = {"code": "486", "label": "Line busy", "next_step": "Book a callback"}
form.update(keep_open_minutes="5", overrides=[busy], clock="12h")
page.receive("settings:submit", json.dumps([form]))
stored = commands[-1][1]["value"]

document = FakeDocument()
root = document.createElement("section")
card = Card(CardView(document, root), FakePage(lambda: 2_000.0))
opened = {"LANG": "en", "APP_OPTIONS": {settings.OPTION_NAME: stored},
          "PLACEMENT_OPTIONS": {"CALL_ID": "c", "CALL_STATE": "connecting"}}
card.receive("app:opened", json.dumps([opened]), 0)
card.receive("CallCard::CallStateChanged", json.dumps([["idle", {"failedCode": "486"}]]), 400)

calls, progress = [], []
async def http(url, body):
    calls.append(url.rsplit("/", 1)[1])
    return (200, '{"result": []}') if url.endswith("placement.get.json") else (200, '{"result": true}')
installed = await Installer(http, "https://portal.example/rest/", "t", "https://app.example/", True, "ru",
                            progress.append, lambda: calls.append("finish")).run()
json.dumps({"errors": errors, "command": commands[-1][0], "code": root.find("outcome").textContent,
            "clock": root.find("clock").textContent, "installed": installed, "calls": calls,
            "message": progress[-1].message})
'''


def test_settings_and_install_logic_run_inside_pyodide(site: Path, tmp_path: Path) -> None:
    report = run_in_pyodide(site, tmp_path, ADMIN_PAGES)
    assert report["errors"] == {"keep_open_minutes": ["Enter a whole number of minutes from 1 to 60."]}
    assert report["command"] == "setAppOption"
    assert report["code"] == "Line busy"  # the admin's label for a busy 486 (no ringing)
    assert report["clock"].endswith(("AM", "PM"))
    assert report["installed"] is True
    assert report["calls"] == ["placement.get.json", "placement.bind.json", "finish"]
    assert report["message"].startswith("«Хронология звонка» установлена")


INTL = '''
import json
from placement_app.browser import bridge
from placement_app.core import i18n

cases = json.loads(CASES)
clocks = [bridge.intl_clock(case["time_zone"])(case["epoch_ms"], i18n.locale_tag(case["lang"]),
                                               case["hour12"]) for case in cases]
days = [bridge.intl_day(zone)(moment) for zone, moment in (
    ("Europe/Berlin", 1_782_900_000_000), ("America/New_York", 1_782_856_800_000), ("Asia/Kolkata", 0),
    ("UTC", 0), ("UTC", 1e20))]
json.dumps({"clocks": clocks, "days": days, "far": bridge.intl_clock("UTC")(1e20, "en", None)})
'''


def test_the_workers_intl_writes_the_shared_tables_times_inside_pyodide(site: Path, tmp_path: Path) -> None:
    """The card's own clock (``bridge.intl_clock``, ``intl_day``) in real Pyodide, through JavaScript's
    ``Intl``: the times the table of cases holds the quick view to as well, and support's days."""
    cases = json.loads((Path(__file__).parents[1] / "cases" / "clock.json").read_text())["clock"]
    report = run_in_pyodide(site, tmp_path, f"CASES = {json.dumps(json.dumps(cases))}\n{INTL}")
    assert report["clocks"] == [case["expected"] for case in cases]
    assert report["days"] == ["2026-07-01 (UTC+02:00)", "2026-06-30 (UTC-04:00)", "1970-01-01 (UTC+05:30)",
                              "1970-01-01 (UTC+00:00)", "—"]
    assert report["far"] == "—"  # a moment Intl cannot write
