"""Every live provider against the same faults on 127.0.0.1: each ends in data equal to the snapshot or a one-line
ProviderError/DataError, never another exception and never partial data."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import fred, kenfrench, shiller, stooq, yahoo
from ratecycle.errors import DataError, ProviderError, RatecycleError
from wire import (
    RESET,
    STALL,
    fred_graph_csv,
    fred_json,
    fred_rows,
    http_response,
    kenfrench_zip,
    market_rows,
    raw_server,
    read_rows,
    shiller_xls,
    stooq_csv,
    yahoo_chart_json,
    zip_bytes,
)

NO_COOKIE = "http://127.0.0.1:9"
"""The discard port, closed on test machines: the cookie request fails at once and the provider goes on."""


@dataclass(frozen=True)
class Case:
    """One provider wired to a local server: how to build it, what it asks for, a good and a malformed answer."""

    make: Callable[..., Any]
    segment: Segment
    path: str
    good: bytes
    expected: list[tuple[str, float]]
    malformed: bytes
    content_type: str = "text/plain"


def _fred_csv(snap: Path) -> Case:
    rows = fred_rows(snap, "DFF", "2024-09-01", "2024-09-30")
    return Case(lambda url, **kw: fred.Provider(base_url=url, api_url=url, **kw), Segment("fred", "DFF"),
                "/graph/fredgraph.csv", fred_graph_csv(rows, "DFF"), [(d, float(v)) for d, v in rows],
                b"observation_date,DFF\n2024-09-03,5.33\n2024-09-04,oops\n", "text/csv")


def _fred_api(snap: Path) -> Case:
    rows = fred_rows(snap, "FEDFUNDS", "2023-01-01", "2025-12-01")
    bad = fred_json([("2024-01-01", "5.33"), ("2024-02-01", "n.a.")])
    return Case(lambda url, **kw: fred.Provider(base_url=url, api_url=url, api_key="k", **kw),
                Segment("fred", "FEDFUNDS"), "/fred/series/observations", fred_json(rows),
                [(d, float(v)) for d, v in rows], bad, "application/json")


def _yahoo(snap: Path) -> Case:
    rows = market_rows(snap, "RUT", "2025-09-15", "2025-09-19")
    doc = json.loads(yahoo_chart_json(rows, "^RUT"))
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"][2] = "2407.34x"
    # the session cookie comes from elsewhere (a closed port: no cookie), so each script answers the chart only
    return Case(lambda url, **kw: yahoo.Provider(base_url=url, cookie_url=NO_COOKIE, **kw),
                Segment("yahoo", "^RUT", "close"),
                "/v8/finance/chart/^RUT", yahoo_chart_json(rows, "^RUT"),
                [(r["date"], float(r["close"])) for r in rows], json.dumps(doc).encode(), "application/json")


def _stooq(snap: Path) -> Case:
    rows = market_rows(snap, "SPY", "2024-09-16", "2024-09-20")
    return Case(lambda url, **kw: stooq.Provider(base_url=url, **kw), Segment("stooq", "spy.us", "close"), "/q/d/l/",
                stooq_csv(rows), [(r["date"], float(r["close"])) for r in rows],
                b"Date,Open,High,Low,Close,Volume\n2024-09-16,1,2,0.5,zz,10\n", "text/csv")


def _kenfrench(snap: Path) -> Case:
    monthly = read_rows(snap / "market" / "ff3_factors_monthly.csv")
    bad = zip_bytes({"F-F_Research_Data_Factors.CSV": b"x\n,Mkt-RF,SMB\n202601,1.0,2.0\n202602,1.0\n"})
    return Case(lambda url, **kw: kenfrench.Provider(base_url=url, **kw),
                Segment("kenfrench", "F-F_Research_Data_Factors", "SMB"), "/F-F_Research_Data_Factors_CSV.zip",
                kenfrench_zip(snap), [(f"{r['date']}-01", float(r["SMB"])) for r in monthly], bad,
                "application/x-zip-compressed")


def _shiller(snap: Path) -> Case:
    rows = [r for r in read_rows(snap / "market" / "shiller_ie_data_monthly.csv") if r["date"] >= "2024"]
    bad = b"date,P,E\n2024-01,4700.1,199.2\n2024-02,abc,199.8\n"
    fresh = dt.date(2026, 8, 15)  # the rows end 2026-07: a download made the next month
    return Case(lambda url, **kw: shiller.Provider(base_url=f"{url}/ie_data.xls", today=fresh, **kw),
                Segment("shiller", "ie_data", "P"),
                "/ie_data.xls", shiller_xls(rows), [(f"{r['date']}-01", float(r["P"])) for r in rows if r["P"]], bad,
                "application/vnd.ms-excel")


CASES = {"fred-csv": _fred_csv, "fred-api": _fred_api, "yahoo": _yahoo, "stooq": _stooq, "kenfrench": _kenfrench,
         "shiller": _shiller}


@functools.cache
def _built(name: str, snapshot: Path) -> Case:
    return CASES[name](snapshot)


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest, snapshot_dir: Path) -> Case:
    return _built(request.param, snapshot_dir)


def _provider(case: Case, url: str, sleeps: list[float], **kw: Any) -> Any:
    options = {"sleep": sleeps.append, "retries": 2, "backoff": 0.01, "timeout": 2.0, **kw}
    return case.make(url, **options)


def _pairs(frame: Any) -> list[tuple[str, float]]:
    return list(zip(frame["date"].dt.strftime("%Y-%m-%d"), frame["value"].tolist(), strict=True))


def _one_line_failure(call: Callable[[], Any], kind: type[RatecycleError], pattern: str) -> str:
    with pytest.raises(RatecycleError) as info:
        call()
    assert isinstance(info.value, kind), f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    assert "\n" not in message
    assert re.search(pattern, message), message
    return message


def test_500_then_success(case: Case, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(case.path).respond_with_data("busy", status=500)
    httpserver.expect_ordered_request(case.path).respond_with_data(case.good, content_type=case.content_type)
    sleeps: list[float] = []
    frame = _provider(case, httpserver.url_for("/"), sleeps).fetch(case.segment, "s")
    assert _pairs(frame) == case.expected
    assert len(sleeps) == 1
    httpserver.check_assertions()


def test_429_retry_after(case: Case, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(case.path).respond_with_data("", status=429, headers={"Retry-After": "2"})
    httpserver.expect_ordered_request(case.path).respond_with_data(case.good, content_type=case.content_type)
    sleeps: list[float] = []
    frame = _provider(case, httpserver.url_for("/"), sleeps).fetch(case.segment, "s")
    assert _pairs(frame) == case.expected
    assert sleeps == [2.0]


def test_persistent_503(case: Case, httpserver: HTTPServer) -> None:
    httpserver.expect_request(case.path).respond_with_data("down", status=503)
    provider = _provider(case, httpserver.url_for("/"), [])
    _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError,
                      rf"^{provider.name} {re.escape(case.segment.symbol)}: HTTP 503 .* after 2 attempts \(http://127\.0\.0\.1")


def test_timeout(case: Case) -> None:
    with raw_server([STALL, STALL]) as (url, received):
        provider = _provider(case, url, [], timeout=0.2)
        _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError, r"read timeout \(0\.2s\) after 2")
    assert received  # the request reached the server, which then kept silent


def test_truncated_body(case: Case) -> None:
    cut = http_response(200, case.good[: len(case.good) // 2], content_type=case.content_type,
                        content_length=len(case.good))
    with raw_server([cut, cut]) as (url, _):
        provider = _provider(case, url, [])
        _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError, r"incomplete response.* after 2")


def test_connection_reset_then_data(case: Case) -> None:
    ok = http_response(200, case.good, content_type=case.content_type)
    with raw_server([RESET, ok]) as (url, _):
        sleeps: list[float] = []
        frame = _provider(case, url, sleeps).fetch(case.segment, "s")
    assert _pairs(frame) == case.expected and len(sleeps) == 1


def test_connection_reset_always(case: Case) -> None:
    with raw_server([RESET, RESET]) as (url, _):
        provider = _provider(case, url, [])
        _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError,
                          r"(connection reset|incomplete response).* after 2 attempts")


def test_html_page_with_status_200(case: Case, httpserver: HTTPServer) -> None:
    page = b"<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head><body>back soon</body></html>"
    httpserver.expect_request(case.path).respond_with_data(page, content_type="text/html")
    provider = _provider(case, httpserver.url_for("/"), [])
    _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError,
                      r"got an HTML page \('Scheduled maintenance'\) instead of data")


def test_empty_body(case: Case, httpserver: HTTPServer) -> None:
    httpserver.expect_request(case.path).respond_with_data(b"", content_type=case.content_type)
    provider = _provider(case, httpserver.url_for("/"), [])
    _one_line_failure(lambda: provider.fetch(case.segment, "s"), ProviderError, r"empty response body")


def test_malformed_rows(case: Case, httpserver: HTTPServer) -> None:
    httpserver.expect_request(case.path).respond_with_data(case.malformed, content_type=case.content_type)
    provider = _provider(case, httpserver.url_for("/"), [])
    _one_line_failure(lambda: provider.fetch(case.segment, "s"), DataError, r"(bad value|expected \d+ values)")
