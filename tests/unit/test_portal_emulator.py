"""The emulated portal answers REST calls with Bitrix24's shapes."""

from pathlib import Path

import pytest

from emulator import portal as portal_module
from emulator.portal import Portal, rest_params


class FakeTime:
    """The emulator's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now


def portal_with_call(**settings: object) -> Portal:
    portal = Portal()
    portal.report({"callId": "c1", "auth": "t1", "state": "connecting", **settings})
    return portal


def test_record_appears_only_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(portal_module, "time", clock)
    portal = portal_with_call(delayMs=250)
    portal.report({"callId": "c1", "auth": "t1", "state": "idle", "failedCode": "486", "delayMs": 250,
                   "ended": True})
    params = {"auth": "t1", "FILTER[CALL_ID]": "c1"}
    assert portal.rest("voximplant.statistic.get", params)[1]["result"] == []
    clock.now += 0.125  # seconds, exact in binary
    assert portal.rest("voximplant.statistic.get", params)[1]["result"] == []
    clock.now += 0.125
    status, body = portal.rest("voximplant.statistic.get", params)
    assert status == 200 and body["total"] == 1 and "time" in body
    assert body["result"][0]["CALL_FAILED_CODE"] == "486"
    assert body["result"][0]["CALL_FAILED_REASON"] == "Busy here"


def test_errors_have_bitrix24_shapes() -> None:
    assert portal_with_call().rest("voximplant.statistic.get", {"auth": "wrong"}) == (
        401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"})
    status, body = portal_with_call(statistics="no-scope").rest("voximplant.statistic.get", {"auth": "t1"})
    assert (status, body["error"]) == (403, "insufficient_scope")  # as the REST docs' system errors
    status, body = portal_with_call().rest("no.such.method", {"auth": "t1"})
    assert (status, body["error"]) == (404, "ERROR_METHOD_NOT_FOUND")


def test_unanswered_call_without_code_is_recorded_as_missed() -> None:
    portal = portal_with_call(delayMs=0)
    portal.report({"callId": "c1", "auth": "t1", "state": "idle", "delayMs": 0, "ended": True})
    body = portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[CALL_ID]": "c1"})[1]
    assert body["result"][0]["CALL_FAILED_CODE"] == "304"


def test_an_answered_call_is_recorded_as_200_and_an_external_one_at_once() -> None:
    portal = portal_with_call(delayMs=60_000)
    portal.report({"callId": "c1", "auth": "t1", "state": "connected"})
    portal.report({"callId": "c1", "auth": "t1", "state": "idle", "ended": True, "delayMs": 60_000})
    assert portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[CALL_ID]": "c1"})[1]["total"] == 0
    portal.report({"callId": "externalCall.1", "auth": "t1", "state": "connected", "ended": True,
                   "immediate": True, "external": True, "duration": 12})
    found = portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[CALL_ID]": "externalCall.1"})[1]
    assert found["result"][0]["CALL_FAILED_CODE"] == "200"
    assert found["result"][0]["CALL_FAILED_REASON"] == ""  # the portal has no words for an external success
    assert found["result"][0]["CALL_DURATION"] == "12"


def test_a_call_ends_once_and_a_path_without_record_writes_none() -> None:
    portal = portal_with_call(delayMs=0)
    portal.report({"callId": "c1", "auth": "t1", "state": "idle", "ended": True, "record": False})
    portal.report({"callId": "c1", "auth": "t1", "state": "idle", "ended": True, "failedCode": "486"})
    assert portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[CALL_ID]": "c1"})[1]["total"] == 0


def seeded(count: int) -> Portal:
    """A portal whose call statistics hold ``count`` records, every third one another operator's."""
    portal = portal_with_call()
    for index in range(count):
        portal.statistics.add(0.0, f"call{index}", "486" if index % 2 else "200",
                              user_id="2" if index % 3 == 0 else "1", duration=index)
    return portal


def test_statistics_come_in_pages_of_fifty_with_total_and_next() -> None:
    portal = seeded(120)
    first = portal.rest("voximplant.statistic.get", {"auth": "t1"})[1]
    assert (len(first["result"]), first["total"], first["next"]) == (50, 120, 50)
    last = portal.rest("voximplant.statistic.get", {"auth": "t1", "start": "100"})[1]
    assert len(last["result"]) == 20 and "next" not in last
    assert all(isinstance(value, str) for value in last["result"][0].values() if value is not None)


def test_statistics_filter_with_operators_sort_and_drop_unknown_fields() -> None:
    portal = seeded(120)
    ask = {"auth": "t1", "FILTER[CALL_FAILED_CODE]": "486", "FILTER[>=CALL_DURATION]": "100",
           "FILTER[NO_SUCH_FIELD]": "x", "SORT": "CALL_DURATION", "ORDER": "DESC"}
    body = portal.rest("voximplant.statistic.get", ask)[1]
    assert [row["CALL_DURATION"] for row in body["result"]] == [str(n) for n in range(119, 99, -2)]
    assert portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[!CALL_FAILED_CODE]": "486",
                                                    "FILTER[<CALL_DURATION]": "5"})[1]["total"] == 3
    assert portal.rest("voximplant.statistic.get", {"auth": "t1", "FILTER[%CALL_ID]": "call11"})[1][
        "total"] == 11  # call11, call110..call119


def test_statistics_refuse_a_user_without_the_permission_and_limit_own_calls_silently() -> None:
    assert portal_with_call(statistics="access-denied").rest("voximplant.statistic.get", {"auth": "t1"}) == (
        403, {"error": "ACCESS_DENIED", "error_description": "Access denied!"})
    portal = seeded(30)
    portal.report({"callId": "c1", "auth": "t1", "statistics": "own-calls"})
    body = portal.rest("voximplant.statistic.get", {"auth": "t1"})[1]
    assert body["total"] == 20 and {row["PORTAL_USER_ID"] for row in body["result"]} == {"1"}
    assert set(body) == {"result", "total", "time"}  # nothing says that some were left out


def test_bad_reports_are_refused() -> None:
    portal = Portal()
    report: object
    for report in (None, [], {"callId": 1, "auth": "x"}, {"callId": "c", "auth": "t", "statistics": "x"},
                   {"callId": "c", "auth": "t", "delayMs": -1},
                   {"callId": "c", "auth": "t", "duration": "5"}):
        assert portal.report(report)[0] == 400
    assert portal.calls == {}


def test_rest_parameters_from_form_and_json() -> None:
    assert rest_params("application/x-www-form-urlencoded", "FILTER%5BCALL_ID%5D=c1&auth=t") == {
        "FILTER[CALL_ID]": "c1", "auth": "t"}
    assert rest_params("application/json", '{"FILTER": {"CALL_ID": "c1"}, "auth": "t"}') == {
        "FILTER[CALL_ID]": "c1", "auth": "t"}
    assert rest_params("application/json", "nope") == {}


def test_placements_and_app_options_outlive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "portal.json"
    portal = Portal(state_path=state, app_origin="https://app.example")
    portal.control("session", {"auth": "admin", "admin": True})
    portal.control("session", {"auth": "user", "admin": False})
    params = {"auth": "admin", "PLACEMENT": "CALL_CARD", "HANDLER": "https://app.example/",
              "TITLE": "Call timeline", "LANG_ALL[ru][TITLE]": "Хронология звонка"}
    assert portal.rest("placement.bind", params)[1]["result"] is True
    assert portal.control("app-option", {"auth": "user", "name": "x", "value": "1"})[0] == 403
    assert portal.control("app-option", {"auth": "admin", "name": "x", "value": "1"})[0] == 200
    assert portal.control("installed", {"auth": "admin"})[0] == 200
    again = Portal(state_path=state)
    assert again.state()["placements"][0]["langAll"] == {"ru": {"TITLE": "Хронология звонка"}}
    assert again.state()["appOptions"] == {"x": "1"} and again.installed
    assert again.control("reset", {})[0] == 200
    assert Portal(state_path=state).state() == {"installed": False, "placements": [], "appOptions": {},
                                                "installFault": ""}


def test_placement_methods_answer_with_bitrix24_shapes() -> None:
    portal = Portal(app_origin="https://app.example")
    portal.control("session", {"auth": "admin", "admin": True})
    portal.control("session", {"auth": "user", "admin": False})
    bind = {"PLACEMENT": "CALL_CARD", "HANDLER": "https://app.example/"}
    assert portal.rest("placement.bind", {"auth": "user", **bind})[1]["error"] == "ACCESS_DENIED"
    assert portal.rest("placement.bind", {"auth": "nobody", **bind})[1]["error"] == "NO_AUTH_FOUND"
    foreign = {**bind, "HANDLER": "https://evil.example/"}
    assert portal.rest("placement.bind", {"auth": "admin", **foreign})[1]["error"] == "ERROR_ARGUMENT"
    portal.control("fault", {"fault": "no-telephony"})
    assert portal.rest("placement.bind", {"auth": "admin", **bind})[1]["error"] == "ERROR_PLACEMENT_NOT_FOUND"
    portal.control("fault", {"fault": ""})
    assert portal.rest("placement.bind", {"auth": "admin", **bind})[0] == 200
    assert portal.rest("placement.bind", {"auth": "admin", **bind}) == (400, {
        "error": "ERROR_CORE",
        "error_description": "Unable to set placement handler: Handler already binded"})
    assert [tab["handler"] for tab in portal.rest("placement.get", {"auth": "user"})[1]["result"]] == [
        "https://app.example/"]
    assert portal.rest("placement.unbind", {"auth": "admin", "PLACEMENT": "CALL_CARD"})[1]["result"] == {
        "count": 1}
    assert portal.control("fault", {"fault": "anything"})[0] == 400


def test_an_external_call_without_duration_or_code_is_recorded_as_missed() -> None:
    """``telephony.externalCall.finish``: 200 when the call lasted, else 304; its card opened
    connected, which says nothing about an answer."""
    portal = Portal()
    opened = {"callId": "externalCall.2", "auth": "t2", "state": "connected", "external": True}
    portal.report(opened)
    portal.report({**opened, "ended": True, "immediate": True, "duration": 0})
    body = portal.rest("voximplant.statistic.get", {"auth": "t2", "FILTER[CALL_ID]": "externalCall.2"})[1]
    assert body["result"][0]["CALL_FAILED_CODE"] == "304"
