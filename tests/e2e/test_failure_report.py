"""End to end: the failure report in Chromium, on an emulated portal seeded with a few thousand calls.

The counts shown are checked against ``tests/seedcount.py``, which counts the seed's own records
without the product's aggregation or the emulator's query code.  One seeded portal serves the
module; each test opens the report as an admin does: the app's main page, then its link.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import seedcount
from playwright.sync_api import Frame, Page, expect

from build import ROOT
from emulator.driver import CallCard, app_frame
from emulator.seed import generate
from emulator.server import Servers
from placement_app.core import codes, i18n, settings

CALLS, DAYS = 3000, 90
ARTIFACTS = ROOT / "build" / "artifacts"
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
STATISTICS = "voximplant.statistic.get"
#: The admin's own label for one of the seed's commonest failures.
OWN_CODE, OWN_LABEL = "486", "Besetzt – bitte später zurückrufen (eigener Text)"


@pytest.fixture(scope="module")
def portal(site: Path) -> Iterator[Servers]:
    running = Servers(site, 0, 0, installed=True, calls=CALLS, days=DAYS).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def records(portal: Servers) -> list[dict[str, str]]:
    """The seed's records, made again from the same arguments (the generator is deterministic)."""
    return generate(CALLS, DAYS, now=portal.now)


def counts(portal: Servers, records: list[dict[str, str]], days: int) -> seedcount.Counts:
    return seedcount.count(records, today=portal.now.date().isoformat(), days=days)


def open_report(page: Page, portal: Servers, *, lang: str = "en", rights: dict[str, Any] | None = None,
                wait_for: str = "complete") -> Frame:
    """The report, opened from the app's main page as an admin does, once loading is ``wait_for``."""
    page.goto(portal.emulator_url + "?autostart=0")
    page.evaluate("options => emulator.openPage('settings', options)", {"admin": True, "lang": lang})
    frame = app_frame(page)
    frame.locator("#settings[data-ready=editable]").wait_for(timeout=60_000)
    if rights is not None:
        token = list(portal.portal.sessions)[-1]  # the page just opened
        assert portal.portal.control("rights", {"auth": token, **rights})[0] == 200
    frame.locator("a[href='report.html']").click()
    frame.wait_for_url(re.compile(r"report\.html$"))
    frame.locator(f".report-content[data-loaded={wait_for}]").wait_for(timeout=90_000)
    return frame


def shown_share(frame: Frame) -> tuple[int, int]:
    line = frame.locator(".report-content .report-share")
    return int(line.get_attribute("data-failed") or -1), int(line.get_attribute("data-total") or -1)


def table(frame: Frame, section: str) -> list[list[str]]:
    """The rows of a section's table as text, each cell stripped."""
    rows: list[list[str]] = frame.eval_on_selector_all(
        f".report-content [data-section={section}] tbody tr",
        "rows => rows.map((row) => [...row.cells].map((cell) => cell.textContent.trim()))")
    return rows


def days(frame: Frame) -> dict[str, tuple[str, int, int]]:
    """The by-day table: each row's date (its ``data-day``) to the text shown, its calls and failures."""
    rows: list[list[str]] = frame.eval_on_selector_all(
        ".report-content [data-section=day] tbody tr",
        "rows => rows.map((row) => [row.cells[0].dataset.day,"
        " ...[...row.cells].map((cell) => cell.textContent.trim())])")
    return {row[0]: (row[1], int(row[2]), int(row[3])) for row in rows}


def written(frame: Frame, day: str, lang: str) -> str:
    """``day`` as the browser's own Intl writes a short date in ``lang`` (the chart's and the table's)."""
    text: str = frame.evaluate(
        "([day, lang]) => new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short' })"
        ".format(new Date(`${day}T12:00:00Z`))", [day, lang])
    return text


def statistics_requests(portal: Servers, since: int) -> list[dict[str, Any]]:
    return [entry for entry in portal.portal.rest_log[since:] if entry["method"] == STATISTICS]


def shot(page: Page, name: str) -> None:
    """The report's frame as the portal shows it, kept in ``build/artifacts/<name>.png`` (the README's
    pictures are these)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    frame = page.locator("#frame-slot iframe")
    # As an app page opens in the portal (wide), and as tall as the report, so that the picture
    # shows it from its top (the emulator's slot is the call card's, 460 by 520 px).
    frame.evaluate("element => { element.closest('.card').style.flex = '0 0 960px'; }")
    height = app_frame(page).evaluate("() => { scrollTo(0, 0); return document.body.scrollHeight; }")
    frame.evaluate("(element, height) => { element.style.height = `${height}px`; }", min(int(height), 1800))
    frame.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    frame.evaluate("element => { element.closest('.card').style.flex = ''; element.style.height = ''; }")


def axe(frame: Frame) -> list[str]:
    if not frame.evaluate("() => typeof axe === 'object'"):
        frame.evaluate(AXE)
    result: dict[str, Any] = frame.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"]]


def test_the_report_counts_lists_downloads_and_reopens_from_its_cache(
        page: Page, portal: Servers, records: list[dict[str, str]]) -> None:
    frame = open_report(page, portal)
    expected = counts(portal, records, 30)
    assert shown_share(frame) == (expected.failed, expected.total)
    by_code = {row[0]: int(row[2]) for row in table(frame, "code")}
    assert by_code == {code: n for code, n in expected.by_code.items() if code != "200"}
    shown_days = days(frame)
    assert {day: (total, failed) for day, (_, total, failed) in shown_days.items()} == {
        day: (tally.total, tally.failed) for day, tally in expected.by_day.items()}
    assert all(text == written(frame, day, "en") for day, (text, _, _) in shown_days.items())
    # The chart has its key, in the page's words.
    expect(frame.locator(".chart-legend")).to_have_text(re.compile("Calls.*Failed"))
    assert {row[0]: (int(row[1]), int(row[2])) for row in table(frame, "line")} == {
        line: (tally.total, tally.failed) for line, tally in expected.by_line.items()}
    operators = {row[0]: (int(row[1]), int(row[2])) for row in table(frame, "operator")}
    assert sorted(operators.values()) == sorted((t.total, t.failed) for t in expected.by_operator.values())
    assert not any(name.isdigit() for name in operators), "operators are named through user.get"
    # The catalogue's words beside each code.
    meaning = {row[0]: row[1] for row in table(frame, "code")}
    assert meaning["486"] == codes.describe("486", "en").label
    # The chart is drawn (uPlot's canvas) beside its table, under the site's CSP and Trusted Types.
    expect(frame.locator("[data-chart=days] canvas").first).to_be_visible()
    refused = frame.evaluate("""() => {
      try { document.createElement('div').innerHTML = '<b>x</b>'; return 'allowed'; }
      catch (error) { return error.name; }
    }""")
    assert refused == "TypeError", "Trusted Types are in force on the report's page"
    assert axe(frame) == []

    # A code's calls, and the CSV of exactly those rows.
    frame.locator("button[data-code='486']").click()
    listing = frame.locator("[data-section=calls][data-code='486']")
    listing.wait_for()
    # Drawn right under the codes and brought into view; the code's button keeps the focus.
    expect(listing).to_be_in_viewport()
    expect(frame.locator("button[data-code='486']")).to_be_focused()
    rows = table(frame, "calls")
    assert len(rows) == expected.by_code["486"]
    with page.expect_download() as download:
        frame.locator("button[data-action=download]").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [(line[0], line[1].lstrip("'")) for line in lines[1:]] == [(row[0], row[1]) for row in rows]
    assert frame.locator("[data-section=calls] a[href*='/crm/']").count() > 0
    assert axe(frame) == []
    shot(page, "report")

    # Seven days: the counts follow.
    frame.locator("#period").select_option("7")
    week = counts(portal, records, 7)
    expect(frame.locator(".report-content .report-share")).to_have_attribute("data-total", str(week.total))
    assert shown_share(frame) == (week.failed, week.total)

    # Reopened: drawn from the cache, and only records above the cache's highest ID are asked for.
    highest = max(int(record["ID"]) for record in records)
    before = len(portal.portal.rest_log)
    frame.locator("a[href='settings.html']").click()
    frame.locator("#settings[data-ready=editable]").wait_for(timeout=60_000)
    frame.locator("a[href='report.html']").click()
    frame.wait_for_url(re.compile(r"report\.html$"))
    frame.locator(".report-content[data-loaded=complete]").wait_for(timeout=60_000)
    assert shown_share(frame) == (expected.failed, expected.total)
    # Nothing new to load: the progress bar is full, not empty.
    assert frame.evaluate("(bar => bar.value === bar.max)(document.getElementById('loaded'))")
    asked = statistics_requests(portal, before)
    assert asked, "the reopened report asked the portal for new records"
    assert {entry["params"].get("FILTER[>ID]") for entry in asked} == {str(highest)}


def test_german_words_the_admins_own_text_and_the_dark_theme(
        page: Page, portal: Servers, records: list[dict[str, str]]) -> None:
    own = settings.Settings(overrides=(settings.Override(OWN_CODE, OWN_LABEL),))
    with portal.portal.lock:
        portal.portal.app_options[settings.OPTION_NAME] = settings.dumps(own)
    page.emulate_media(color_scheme="dark")
    try:
        frame = open_report(page, portal, lang="de")
    finally:
        with portal.portal.lock:
            portal.portal.app_options.pop(settings.OPTION_NAME, None)
    assert frame.evaluate("document.documentElement.lang") == "de"
    expected = counts(portal, records, 30)
    share = frame.locator(".report-content .report-share").inner_text()
    assert share.startswith(i18n.text("report.share", "de", failed=expected.failed, total=expected.total,
                                      share="")[:20])
    expect(frame.locator("h1")).to_have_text(i18n.text("report.heading", "de"))
    meaning = {row[0]: row[1] for row in table(frame, "code")}
    assert meaning[OWN_CODE] == OWN_LABEL
    other = next(code for code in meaning if code != OWN_CODE and code in codes.CATALOGUE)
    assert meaning[other] == codes.describe(other, "de").label
    # Dates as German writes them ("6. Dez."), not as a database does.
    day, (text, _, _) = next(iter(days(frame).items()))
    assert text == written(frame, day, "de") and text != day
    # Dark: the page's ground is dark and its ink light.
    ground = frame.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert ground in ("rgb(0, 0, 0)",) or sum(map(int, re.findall(r"\d+", ground)[:3])) < 150, ground
    shot(page, "report-dark-de")
    assert axe(frame) == []


def test_access_denied_is_said_plainly(page: Page, portal: Servers) -> None:
    frame = open_report(page, portal, rights={"statistics": "none"}, wait_for="stopped")
    status = frame.locator("#status[data-tone=error]")
    expect(status).to_have_text(i18n.text("report.denied", "en"))


def test_without_the_user_scope_operators_are_ids_with_a_line_saying_why(page: Page, portal: Servers) -> None:
    frame = open_report(page, portal, rights={"scopes": ["placement", "telephony"]})
    expect(frame.locator(".report-note")).to_have_text(i18n.text("report.names.no_scope", "en"))
    assert all(row[0].isdigit() for row in table(frame, "operator"))


def test_query_limit_exceeded_waits_says_so_and_goes_on(
        page: Page, portal: Servers, records: list[dict[str, str]]) -> None:
    with portal.portal.lock:  # the bucket full: the portal refuses for a few seconds
        portal.portal.meter.level = portal.portal.limits.bucket + 6
        portal.portal.meter.drained_at = time.time()
    page.goto(portal.emulator_url + "?autostart=0")
    page.evaluate("options => emulator.openPage('settings', options)", {"admin": True, "lang": "en"})
    frame = app_frame(page)
    frame.locator("a[href='report.html']").click()
    waiting = i18n.text("report.waiting", "en", seconds=0).split(":")[0]
    expect(frame.locator("#status[data-tone=busy]")).to_contain_text(waiting, timeout=60_000)
    frame.locator(".report-content[data-loaded=complete]").wait_for(timeout=90_000)
    expected = counts(portal, records, 30)
    assert shown_share(frame) == (expected.failed, expected.total)


def test_the_card_loads_nothing_of_the_report(call: CallCard, requests_seen: Any) -> None:
    call.open()
    call.wait_for_python()
    report_files = ("report", "uplot", "idb.js")
    assert [url for url in requests_seen.urls if any(name in url for name in report_files)] == []
