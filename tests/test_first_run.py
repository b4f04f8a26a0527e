"""The first run on a fresh machine: ``ratecycle report`` on an empty store fetches what it needs and writes the note;
offline it prints one line saying what to run. The services are fakes serving the snapshot in today's formats."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cli_run import cli
from fed_pages import calendar_page, calendar_row, historical_heading, historical_page
from ratecycle.data.providers import fomc, shiller
from ratecycle.data.store import Store
from service_pages import YahooFake
from wire import fred_graph_csv, read_rows, shiller_xls, zip_bytes

YAHOO_FILES = {"^RUT": "RUT", "^GSPC": "GSPC", "^SP500TR": "SP500TR"}
CALENDAR_YEARS = range(2022, 2027)
"""The years the fake current calendar page shows (the real one shows about five); older years have their own page."""
FUTURE_2026 = [("September", "15-16*"), ("October", "27-28"), ("December", "8-9*")]
"""Scheduled meetings after the day the first run is dated (2026-08-20): listed on the page, never stored."""
KENFRENCH_FILES = {"F-F_Research_Data_Factors": "F-F_Research_Data_Factors.CSV",
                   "6_Portfolios_2x3": "6_Portfolios_2x3_202412.csv",
                   "Portfolios_Formed_on_ME": "Portfolios_Formed_on_ME_202602.csv"}


class Services:
    """FRED graph CSV, Yahoo (cookie, chart), the Ken French zips and a Shiller workbook on one local server."""

    def __init__(self, snapshot: Path) -> None:
        self.snapshot = snapshot
        self.yahoo: dict[str, YahooFake] = {}
        self.paths: list[str] = []
        dates = [dt.date.fromisoformat(r["date"]) for r in read_rows(snapshot / "fred" / "fomc_meeting_dates.csv")]
        self.meetings = [d for d in dates if d.year >= fomc.FIRST_YEAR]

    def __call__(self, request: Request) -> Response:
        self.paths.append(request.path)
        if request.path == "/fred/graph/fredgraph.csv":
            series_id = request.args["id"]
            rows = [(r["date"], r[series_id]) for r in read_rows(self.snapshot / "fred" / f"{series_id}.csv")]
            return Response(fred_graph_csv(rows, series_id), content_type="text/csv")
        if request.path.startswith("/yahoo"):
            symbol = request.path.rsplit("/", 1)[1] if "/chart/" in request.path else "^RUT"
            if symbol not in self.yahoo:
                stem = YAHOO_FILES.get(symbol, symbol)
                self.yahoo[symbol] = YahooFake(read_rows(self.snapshot / "market" / f"{stem}_daily.csv"), symbol)
            request.path = request.path.removeprefix("/yahoo") or "/"  # type: ignore[misc]
            return self.yahoo[symbol](request)
        if request.path.startswith("/kenfrench/"):
            name = request.path.rsplit("/", 1)[1].removesuffix("_CSV.zip")
            raw = (self.snapshot / "market" / KENFRENCH_FILES[name]).read_bytes()
            body = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            return Response(zip_bytes({f"{name}.CSV": body}), content_type="application/x-zip-compressed")
        if request.path == "/shiller/ie_data.xls":
            rows = read_rows(self.snapshot / "market" / "shiller_ie_data_monthly.csv")
            return Response(shiller_xls(rows), content_type="application/vnd.ms-excel")
        if request.path == "/fomc/monetarypolicy/fomccalendars.htm":
            years = {y: [calendar_row(d) for d in self.meetings if d.year == y] for y in CALENDAR_YEARS}
            years[2026] += FUTURE_2026
            return Response(calendar_page(years), content_type="text/html; charset=utf-8")
        found = re.fullmatch(r"/fomc/monetarypolicy/fomchistorical(\d{4})\.htm", request.path)
        if found:
            year = int(found.group(1))
            headings = [historical_heading(d) for d in self.meetings if d.year == year]
            return Response(historical_page(year, headings, bare=year < 2011), content_type="text/html")
        return Response("not found", status=404)


def _point_providers(monkeypatch: pytest.MonkeyPatch, root: str) -> None:
    monkeypatch.setenv("RATECYCLE_FRED_URL", f"{root}/fred")
    monkeypatch.setenv("RATECYCLE_YAHOO_URL", f"{root}/yahoo")
    monkeypatch.setenv("RATECYCLE_YAHOO_COOKIE_URL", f"{root}/yahoo/")
    monkeypatch.setenv("RATECYCLE_KENFRENCH_URL", f"{root}/kenfrench")
    monkeypatch.setenv("RATECYCLE_SHILLER_URL", f"{root}/shiller/ie_data.xls")
    monkeypatch.setenv("RATECYCLE_STOOQ_URL", f"{root}/stooq")
    monkeypatch.setenv("RATECYCLE_FOMC_URL", f"{root}/fomc")


def test_report_on_an_empty_store_fetches_and_writes_the_note(
        httpserver: HTTPServer, snapshot_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    services = Services(snapshot_dir)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(services)
    _point_providers(monkeypatch, httpserver.url_for("/").rstrip("/"))
    # the workbook in the snapshot ends 2026-07: judge its freshness as a download made in 2026-08
    monkeypatch.setattr(shiller, "today", lambda: dt.date(2026, 8, 20))
    monkeypatch.setattr(fomc, "today", lambda: dt.date(2026, 8, 20))
    store = tmp_path / "fresh.duckdb"
    out = tmp_path / "report"
    code, _, err = cli(monkeypatch, capsys, "report", "--store", str(store), "--out", str(out))
    assert code == 0, err[-3000:]

    assert re.search(r"fred: 10 series to fetch \(10 new, about \d+\.\d MB\)", err)
    assert re.search(r"yahoo: \d+ series to fetch", err) and "fetched " in err
    assert re.search(r"fomc: 1 series to fetch \(1 new, about \d+\.\d MB\)", err)
    doc = json.loads((out / "report.json").read_text())
    gspc = {r["date"]: float(r["close"]) for r in read_rows(snapshot_dir / "market" / "GSPC_daily.csv") if r["close"]}
    rut = {r["date"]: float(r["close"]) for r in read_rows(snapshot_dir / "market" / "RUT_daily.csv") if r["close"]}
    assert doc["as_of"] == max(set(gspc) & set(rut))  # the last date both fetched index series share
    held = Store(store)
    stored = held.read("russell2000")
    assert stored is not None and dict(zip(stored["date"].dt.strftime("%Y-%m-%d"), stored["value"],
                                           strict=True)) == rut
    assert held.metadata("russell2000").source.startswith(httpserver.url_for("/yahoo").rstrip("/"))  # type: ignore[union-attr]
    assert (out / "report.html").stat().st_size > 0 and (out / "report.md").stat().st_size > 0
    available = {section["key"]: section["available"] for section in doc["sections"]}
    assert available["calendar"] and available["phases"] and available["significance"]  # the cycle sections
    meetings = held.read("fomc_meetings")  # the snapshot's dates from 1982 on, read back through the Fed's pages
    assert meetings is not None and list(meetings["date"].dt.date) == services.meetings
    assert held.metadata("fomc_meetings").source.startswith(httpserver.url_for("/fomc").rstrip("/"))  # type: ignore[union-attr]


def test_report_offline_on_an_empty_store_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("FRED", "YAHOO", "KENFRENCH", "SHILLER", "STOOQ", "FOMC"):
        monkeypatch.setenv(f"RATECYCLE_{name}_URL", "http://127.0.0.1:9")  # nothing listens there
    store = tmp_path / "empty.duckdb"
    code, out, err = cli(monkeypatch, capsys, "report", "--store", str(store), "--out", str(tmp_path / "r"))
    assert code == 2 and out == "" and err.strip().count("\n") == 0
    assert f"the store {store} lacks" in err
    assert "run 'ratecycle data fetch' on a connected machine, or read a snapshot with --snapshot DIR" in err
    assert not store.exists() and not (tmp_path / "r").exists()
