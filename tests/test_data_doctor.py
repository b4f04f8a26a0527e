"""``ratecycle data doctor`` against fakes of today's services: each provider's verdict, and offline at once."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cli_run import cli
from service_pages import ISHARES_PRODUCT_PAGE, STOOQ_KEY_PAGE, YahooFake
from wire import fred_graph_csv, fred_rows, kenfrench_zip, market_rows, read_rows


def test_doctor_reports_each_provider(httpserver: HTTPServer, snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    rows = market_rows(snapshot_dir, "GSPC", "2026-01-05", "2026-01-09")
    refusing = YahooFake(rows, "^GSPC", need_crumb=True, crumb_answer=(429, b"Too Many Requests\r\n"))
    dff = fred_rows(snapshot_dir, "DFF", "1954-07-01", "9999-12-31")

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
        return Response("not found", status=404)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(route)
    root = httpserver.url_for("/").rstrip("/")
    for name in ("fred", "yahoo", "stooq", "kenfrench", "shiller", "ishares"):
        monkeypatch.setenv(f"RATECYCLE_{name.upper()}_URL", f"{root}/{name}")
    monkeypatch.setenv("RATECYCLE_YAHOO_COOKIE_URL", f"{root}/yahoo/")
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "--json")
    assert code == 0, err
    found = {r["provider"]: r for r in json.loads(out)["providers"]}
    assert [found[p]["verdict"] for p in ("fred", "yahoo", "stooq", "kenfrench", "shiller", "ishares")] == [
        "reachable", "refused", "refused", "reachable", "changed format", "changed format"]
    last_ff = read_rows(snapshot_dir / "market" / "ff3_factors_monthly.csv")[-1]["date"]
    assert found["kenfrench"]["detail"] == f"monthly factors to {last_ff}"
    assert "HTTP 429" in found["yahoo"]["detail"] and "rate-limiting" in found["yahoo"]["detail"]
    assert "Stooq now requires an API key" in found["stooq"]["detail"]
    assert found["stooq"]["request"] == "^spx close, last two weeks"  # named also when refused
    assert "no link to ie_data.xls" in found["shiller"]["detail"]
    assert "got an HTML page ('iShares Russell 2000 ETF | IWM')" in found["ishares"]["detail"]
    code, out, err = cli(monkeypatch, capsys, "data", "doctor", "stooq")
    assert code == 0 and "refused" in out and "not usable now: stooq" in err


def test_doctor_offline_at_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("fred", "yahoo", "stooq", "kenfrench", "shiller", "ishares"):
        monkeypatch.setenv(f"RATECYCLE_{name.upper()}_URL", "http://127.0.0.1:9")  # nothing listens there
    started = time.monotonic()
    code, out, err = cli(monkeypatch, capsys, "data", "doctor")
    assert time.monotonic() - started < 5.0
    assert code == 2 and out == "" and err.strip().count("\n") == 0
    assert "offline: no data service can be reached (cannot connect to 127.0.0.1:9" in err
    assert "read a snapshot with --snapshot DIR" in err
