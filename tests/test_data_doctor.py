"""``ratecycle data doctor`` against fakes of today's services: each provider's verdict, and offline at once."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cli_run import cli
from fed_pages import calendar_page, calendar_row
from service_pages import ISHARES_PRODUCT_PAGE, STOOQ_KEY_PAGE, YahooFake
from wire import fred_graph_csv, fred_rows, kenfrench_zip, market_rows, read_rows

PROVIDERS = ("fred", "yahoo", "stooq", "kenfrench", "shiller", "ishares", "fomc")
CALENDAR_PATH = "/fomc/monetarypolicy/fomccalendars.htm"


def fed_calendar(today: dt.date) -> tuple[bytes, str]:
    """A calendar page as the Fed writes it around ``today`` (two meetings held, one cancelled, one ahead) and the
    doctor's detail for it, written out by hand."""
    held = [today - dt.timedelta(days=100), today - dt.timedelta(days=40)]
    ahead = today + dt.timedelta(days=45)
    cancelled = today - dt.timedelta(days=10)
    years: dict[int, list[tuple[str, str]]] = {}
    for day in sorted([*held, ahead]):
        years.setdefault(day.year, []).append(calendar_row(day))
    years.setdefault(cancelled.year, []).append((cancelled.strftime("%B"), f"{cancelled.day} (cancelled)"))
    return calendar_page(years), (f"3 meetings listed for {held[0].year}-{ahead.year}, "
                                  f"latest decision {held[-1]:%Y-%m-%d}")


def test_doctor_reports_each_provider(httpserver: HTTPServer, snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    rows = market_rows(snapshot_dir, "GSPC", "2026-01-05", "2026-01-09")
    refusing = YahooFake(rows, "^GSPC", need_crumb=True, crumb_answer=(429, b"Too Many Requests\r\n"))
    dff = fred_rows(snapshot_dir, "DFF", "1954-07-01", "9999-12-31")
    calendar, calendar_detail = fed_calendar(dt.date.today())

    def route(request: Request) -> Response:
        path = request.path
        if path == "/fred/graph/fredgraph.csv":
            return Response(fred_graph_csv(dff, "DFF"), content_type="text/csv")
        if path.startswith("/yahoo"):
            request.path = path.removeprefix("/yahoo") or "/"  # type: ignore[misc]
            return refusing(request)
        if path == "/stooq/q/d/l/":
            return Response(STOOQ_KEY_PAGE, content_type="text/html")
        if path == "/kenfrench/F-F_Research_Data_Factors_CSV.zip":
            return Response(kenfrench_zip(snapshot_dir), content_type="application/x-zip-compressed")
        if path == "/shiller":
            return Response(b"<html><title>Online Data</title><p>Moved</p></html>", content_type="text/html")
        if path.startswith("/ishares/"):
            return Response(ISHARES_PRODUCT_PAGE, content_type="text/html")
        if path == CALENDAR_PATH:
            return Response(calendar, content_type="text/html; charset=utf-8")
        return Response("not found", status=404)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(route)
    root = httpserver.url_for("/").rstrip("/")
    for name in PROVIDERS:
        monkeypatch.setenv(f"RATECYCLE_{name.upper()}_URL", f"{root}/{name}")
    monkeypatch.setenv("RATECYCLE_YAHOO_COOKIE_URL", f"{root}/yahoo/")
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "--json")
    assert code == 0, err
    found = {r["provider"]: r for r in json.loads(out)["providers"]}
    assert [found[p]["verdict"] for p in PROVIDERS] == [
        "reachable", "refused", "refused", "reachable", "changed format", "changed format", "reachable"]
    last_ff = read_rows(snapshot_dir / "market" / "ff3_factors_monthly.csv")[-1]["date"]
    assert found["kenfrench"]["detail"] == f"monthly factors to {last_ff}"
    assert "HTTP 429" in found["yahoo"]["detail"] and "rate-limiting" in found["yahoo"]["detail"]
    assert "Stooq now requires an API key" in found["stooq"]["detail"]
    assert found["stooq"]["request"] == "^spx close, last two weeks"  # named also when refused
    assert "no link to ie_data.xls" in found["shiller"]["detail"]
    assert "got an HTML page ('iShares Russell 2000 ETF | IWM')" in found["ishares"]["detail"]
    assert found["fomc"]["detail"] == calendar_detail
    assert found["fomc"]["request"] == "the Fed's meeting calendar page (recent years)"
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "stooq")
    assert code == 0 and "refused" in out and "not usable now: stooq" in err


def test_doctor_offline_at_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in PROVIDERS:
        monkeypatch.setenv(f"RATECYCLE_{name.upper()}_URL", "http://127.0.0.1:9")  # nothing listens there
    started = time.monotonic()
    code, out, err = cli(monkeypatch, capsys, "data", "doctor")
    assert time.monotonic() - started < 5.0
    assert code == 2 and out == "" and err.strip().count("\n") == 0
    assert "offline: no data service can be reached (cannot connect to 127.0.0.1:9" in err
    assert "read a snapshot with --snapshot DIR" in err


@pytest.mark.parametrize(("body", "status", "verdict", "expected"), [
    (b"<!DOCTYPE html><html><head><title>Meeting calendars and information</title></head><body><table>"
     b"<tr><th>2026</th></tr><tr><td>January 27-28</td></tr></table></body></html>", 200, "changed format",
     "fomc (federalreserve.gov): the page layout changed: no 'YYYY FOMC Meetings' panels (page title 'Meeting "
     "calendars and information'); read the meeting list from a snapshot ('ratecycle data import DIR')"),
    (b"<html><head><title>Access Denied</title></head><body>You don't have permission</body></html>", 403,
     "refused", "fomc calendar: HTTP 403"),
])
def test_doctor_fomc_when_the_calendar_page_changed_or_refuses(
        httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        body: bytes, status: int, verdict: str, expected: str) -> None:
    httpserver.expect_request(CALENDAR_PATH).respond_with_data(body, status=status, content_type="text/html")
    monkeypatch.setenv("RATECYCLE_FOMC_URL", httpserver.url_for("/fomc"))
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "fomc", "--json")
    assert code == 0, err
    (found,) = json.loads(out)["providers"]
    assert found["provider"] == "fomc" and found["verdict"] == verdict
    assert expected in found["detail"] and "\n" not in found["detail"]
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "fomc")
    assert code == 0 and verdict in out
    assert err.strip() == "not usable now: fomc (see docs/providers.md for what each needs)"
