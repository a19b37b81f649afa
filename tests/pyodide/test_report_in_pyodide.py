"""The report's pure Python in real Pyodide: the same records give the same report as under CPython,
and the loading plan's parallel batches run on Pyodide's own event loop."""

import asyncio
import json
from pathlib import Path
from typing import Any

from test_in_pyodide import run_in_pyodide

SCENARIO = '''
import asyncio, json
from urllib.parse import parse_qsl
from placement_app.admin import records, report
from placement_app.portal import client

RAW = [{"ID": str(1001 + n), "CALL_START_DATE": "2026-11-%02dT%02d:%02d:00%s" % (
            1 + n * 30 // 700, n % 24, n % 60, "+03:00" if n % 5 else "-05:00"),
        "CALL_DURATION": str(n * 7 % 600), "CALL_FAILED_CODE": ["200", "486", "304", "603-S", "200"][n % 5],
        "PORTAL_NUMBER": ["reg1", "reg2", "=1+1"][n % 3], "PORTAL_USER_ID": str(n % 7),
        "PHONE_NUMBER": "+7999%04d" % n, "CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": str(n)}
       for n in range(700)]

async def http(url, body):
    await asyncio.sleep(0)
    form = dict(parse_qsl(body))
    def page(params):
        rows = [r for r in RAW if int(r["ID"]) > int(params["FILTER[>ID]"])
                and int(r["ID"]) < int(params.get("FILTER[<ID]", "99999999"))]
        rows.sort(key=lambda r: -int(r["ID"]))
        start = int(params["start"])
        return {"result": rows[start:start + 50], "total": len(rows)}
    if url.endswith("/batch.json"):
        parts = {name[4:-1]: page(dict(parse_qsl(cmd.partition("?")[2])))
                 for name, cmd in form.items() if name.startswith("cmd[")}
        return 200, json.dumps({"result": {"result": {n: p["result"] for n, p in parts.items()},
                                           "result_error": [], "result_next": [], "result_time": [],
                                           "result_total": {n: p["total"] for n, p in parts.items()}}})
    return 200, json.dumps(page(form))

async def main():
    pages = []
    async def no_wait(seconds):
        await asyncio.sleep(0)
    loaded = await records.load(client.Session(http, "https://p.example/rest/", "t"), known=1100,
                                since="2026-11-01T00:00:00+03:00", on_calls=pages.append,
                                on_progress=lambda done, total: None, sleep=no_wait)
    calls = [call for page in pages for call in page]
    rows = json.loads(json.dumps([report.to_row(call) for call in calls]))
    back = [report.from_row(row) for row in rows]
    made = report.aggregate(back, today="2026-11-30", days=30)
    listed = report.calls_with(back, "486", today="2026-11-30", days=7)
    words = report.CsvWords("Time", "Number", "Operator", "Duration", "Code", "CRM", {"CONTACT": "Contact"})
    return {"complete": loaded.complete, "highest": loaded.highest, "ids": [call.id for call in calls],
            "same": back == calls, "total": made.total, "failed": made.failed, "by_code": made.by_code,
            "by_day": [[t.key, t.total, t.failed] for t in made.by_day],
            "by_line": [[t.key, t.total, t.failed] for t in made.by_line],
            "listed": [call.id for call in listed],
            "csv": report.csv_text(listed, names={"3": "Anna"}, words=words)}
'''


def in_cpython() -> dict[str, Any]:
    space: dict[str, Any] = {}
    exec(SCENARIO, space)  # the same source, run here
    result = asyncio.run(space["main"]())
    value = json.loads(json.dumps(result))
    assert isinstance(value, dict)
    return value


def test_the_report_is_the_same_in_pyodide_and_the_load_runs_on_its_loop(site: Path, tmp_path: Path) -> None:
    there = run_in_pyodide(site, tmp_path, SCENARIO + "\njson.dumps(await main())\n")
    here = in_cpython()
    assert there["complete"] and there["highest"] == 1700 and there["same"]
    assert there["ids"] == list(range(1700, 1100, -1))  # newest first, only above the cache's highest
    assert there["total"] > 0 and there["listed"] and "'+7999" in there["csv"]
    assert there == here
