"""The emulator is a local tool, not an open door: another site's page cannot drive it.

The two servers run in this process, on loopback; requests are made the way
a browser would make them from the emulator's page, from the card, and from
some other site.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from emulator import seed
from emulator.limits import UNLIMITED
from emulator.server import MAX_BODY, Servers
from placement_app.core import i18n

EVIL = "http://evil.example"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    running = Servers(tmp_path, 0, 0, state_path=tmp_path / "portal.json", installed=True).start()
    yield running
    running.stop()


def request(url: str, method: str, path: str, body: bytes = b"",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def installed(servers: Servers) -> bool:
    status, _, body = request(servers.emulator_url, "GET", "/emulator/state")
    assert status == 200
    state: dict[str, object] = json.loads(body)
    return state["installed"] is True


def own_origin(servers: Servers) -> str:
    return servers.emulator_url.rstrip("/")


def test_a_simple_post_from_another_site_cannot_reset_the_portal(servers: Servers) -> None:
    # What a form or a fetch without a preflight from any web page would send.
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        status, _, _ = request(servers.emulator_url, "POST", "/emulator/reset", b"{}",
                               {"Content-Type": content_type, "Origin": EVIL})
        assert status == 415
    assert installed(servers)


def test_json_from_another_origin_is_refused_and_from_the_emulator_page_obeyed(servers: Servers) -> None:
    json_headers = {"Content-Type": "application/json"}
    status, _, _ = request(servers.emulator_url, "POST", "/emulator/reset", b"{}",
                           {**json_headers, "Origin": EVIL})
    assert status == 403
    assert installed(servers)
    status, _, _ = request(servers.emulator_url, "POST", "/emulator/reset", b"{}",
                           {**json_headers, "Origin": own_origin(servers)})
    assert status == 200
    assert not installed(servers)


def test_only_the_card_may_read_the_portals_rest_answers(servers: Servers) -> None:
    card = servers.app_url.rstrip("/")
    _, headers, _ = request(servers.emulator_url, "GET", "/rest/placement.get.json?auth=x",
                            headers={"Origin": card})
    assert headers.get("access-control-allow-origin") == card
    for origin in (EVIL, own_origin(servers) + "0"):
        _, headers, _ = request(servers.emulator_url, "GET", "/rest/placement.get.json?auth=x",
                                headers={"Origin": origin})
        assert "access-control-allow-origin" not in headers
    _, headers, _ = request(servers.emulator_url, "OPTIONS", "/rest/placement.get.json",
                            headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize("url", ["emulator_url", "app_url"])
def test_a_body_length_that_cannot_be_trusted_is_refused_before_reading(servers: Servers, url: str) -> None:
    base = getattr(servers, url)
    too_long = {"Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)}
    status, _, _ = request(base, "POST", "/emulator/calls" if url == "emulator_url" else "/", b"",
                           too_long)
    assert status == 413
    status, _, _ = request(base, "POST", "/", b"", {"Content-Length": "-5"})
    assert status == 400


def test_the_emulated_portal_offers_every_language_the_card_speaks() -> None:
    """Anyone playing a call can pick each of Bitrix24's language codes the card knows."""
    page = (Path(__file__).parents[2] / "emulator" / "web" / "index.html").read_text(encoding="utf-8")
    select = re.search(r'<select id="lang">(.*?)</select>', page, re.S)
    assert select
    offered = set(re.findall(r'<option value="([a-z]+)">', select.group(1)))
    assert offered == set(i18n.SUPPORTED) | set(i18n.ALIASES)


def test_a_seeded_portal_answers_its_call_statistics_over_http(tmp_path: Path) -> None:
    """``Servers(calls=...)`` seeds the store; JSON lists reach the filter as sets, a form's
    ``batch`` commands arrive encoded twice (as the docs' batch page says), and the rights
    control is the emulator page's."""
    now = datetime(2026, 12, 6, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    running = Servers(tmp_path, 0, 0, calls=300, days=7, now=now, limits=UNLIMITED).start()
    try:
        records = seed.generate(300, 7, now=now)
        json_headers = {"Content-Type": "application/json", "Origin": own_origin(running)}
        session = b'{"auth": "t", "admin": true}'
        request(running.emulator_url, "POST", "/emulator/session", session, json_headers)
        number = records[0]["PHONE_NUMBER"]
        forms = [number, number.lstrip("+")]
        body = json.dumps({"auth": "t", "FILTER": {"PHONE_NUMBER": forms}}).encode()
        status, _, answer = request(running.emulator_url, "POST", "/rest/voximplant.statistic.get.json", body,
                                    {"Content-Type": "application/json"})
        assert status == 200
        assert json.loads(answer)["total"] == sum(r["PHONE_NUMBER"] in forms for r in records) > 0
        command = quote("voximplant.statistic.get?" + urlencode({"FILTER[>ID]": "295", "start": "-1"}))
        status, _, answer = request(running.emulator_url, "POST", "/rest/batch.json",
                                    f"auth=t&halt=0&cmd%5Blast%5D={command}".encode(),
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        assert [row["ID"] for row in json.loads(answer)["result"]["result"]["last"]] == [
            "296", "297", "298", "299", "300"]
        rights = json.dumps({"auth": "t", "statistics": "none"}).encode()
        assert request(running.emulator_url, "POST", "/emulator/rights", rights, json_headers)[0] == 200
        assert request(running.emulator_url, "POST", "/emulator/rights", rights,
                       {**json_headers, "Origin": EVIL})[0] == 403
        status, _, answer = request(running.emulator_url, "GET", "/rest/voximplant.statistic.get.json?auth=t")
        assert (status, json.loads(answer)["error"]) == (403, "ACCESS_DENIED")
    finally:
        running.stop()
