"""Yahoo chart JSON and Stooq CSV providers against a local server, with responses built from the snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import stooq, yahoo
from ratecycle.errors import DataError, ProviderError
from wire import market_rows, stooq_csv, yahoo_chart_json, yahoo_error_json


def _values(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["date"].dt.strftime("%Y-%m-%d"), frame["value"].tolist(), strict=True))


def _yahoo(server: HTTPServer) -> yahoo.Provider:
    return yahoo.Provider(base_url=server.url_for("/"), sleep=lambda _: None, retries=2)


def test_yahoo_rut_close_equals_snapshot(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "RUT", "2025-09-10", "2025-09-24")
    start, end = pd.Timestamp("2025-09-15"), pd.Timestamp("2025-09-19")
    httpserver.expect_request("/v8/finance/chart/^RUT", query_string={
        "period1": str(int(start.tz_localize("UTC").timestamp()) - 86400),
        "period2": str(int(end.tz_localize("UTC").timestamp()) + 2 * 86400),
        "interval": "1d", "events": "div|split", "includeAdjustedClose": "true",
    }).respond_with_data(yahoo_chart_json(rows, "^RUT"), content_type="application/json")
    frame = _yahoo(httpserver).fetch(Segment("yahoo", "^RUT", "close"), "russell2000", start, end)
    expected = {r["date"]: float(r["close"]) for r in rows if "2025-09-15" <= r["date"] <= "2025-09-19"}
    assert _values(frame) == expected
    assert _values(frame)["2025-09-17"] == 2407.34


def test_yahoo_iwm_adj_close_skips_nulls(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    # IWM's raw close is empty after 2025-09-25 in the snapshot, so the chart carries nulls there
    rows = market_rows(snapshot_dir, "IWM", "2025-09-22", "2025-10-03")
    httpserver.expect_request("/v8/finance/chart/IWM").respond_with_data(yahoo_chart_json(rows, "IWM"))
    provider = _yahoo(httpserver)
    adj = provider.fetch(Segment("yahoo", "IWM", "adj_close"), "iwm")
    assert _values(adj) == {r["date"]: float(r["adj_close"]) for r in rows}
    close = provider.fetch(Segment("yahoo", "IWM", "close"), "iwm")
    assert _values(close) == {r["date"]: float(r["close"]) for r in rows if r["close"]}
    assert max(_values(close)) == "2025-09-25" and max(_values(adj)) == "2025-10-03"


def test_yahoo_local_date_from_gmtoffset_and_late_bars(snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "GSPC", "2026-01-05", "2026-01-09")
    # bars stamped at 23:00 New York time are still that day's session, not the next UTC day
    doc = json.loads(yahoo_chart_json(rows, "^GSPC", open_hour=23, open_minute=0))
    del doc["chart"]["result"][0]["meta"]["exchangeTimezoneName"]
    frame = yahoo.parse_chart(json.dumps(doc).encode(), "close", symbol="^GSPC", series="sp500")
    assert _values(frame) == {r["date"]: float(r["close"]) for r in rows}


def test_yahoo_unknown_symbol_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v8/finance/chart/NOPE").respond_with_data(
        yahoo_error_json("Not Found", "No data found, symbol may be delisted"), status=404,
        content_type="application/json")
    with pytest.raises(ProviderError, match=r"yahoo NOPE: HTTP 404 NOT FOUND: No data found, symbol may be delisted"):
        _yahoo(httpserver).fetch(Segment("yahoo", "NOPE", "close"), "x")
    body = yahoo_error_json("Bad Request", "Invalid input - start date cannot be after end date")
    with pytest.raises(ProviderError, match=r"yahoo X: Invalid input - start date cannot be after end date"):
        yahoo.parse_chart(body, "close", symbol="X", series="x")


def test_yahoo_shape_errors() -> None:
    good = json.loads(yahoo_chart_json([{"date": "2026-01-05", "open": "1", "high": "2", "low": "0.5",
                                         "close": "1.5", "adj_close": "1.5", "volume": "10"}], "X"))
    good["chart"]["result"][0]["indicators"]["quote"][0]["close"] = [1.5, 2.0]
    with pytest.raises(DataError, match="1 timestamps but 2 close values"):
        yahoo.parse_chart(json.dumps(good).encode(), "close", symbol="X", series="x")
    good["chart"]["result"][0]["indicators"]["quote"][0]["close"] = ["abc"]
    with pytest.raises(DataError, match=r"bad value 'abc' \(file yahoo chart, series x, row 1\)"):
        yahoo.parse_chart(json.dumps(good).encode(), "close", symbol="X", series="x")
    del good["chart"]["result"][0]["indicators"]["adjclose"]
    with pytest.raises(DataError, match="no adj_close values"):
        yahoo.parse_chart(json.dumps(good).encode(), "adj_close", symbol="X", series="x")
    del good["chart"]["result"][0]["timestamp"]
    assert yahoo.parse_chart(json.dumps(good).encode(), "close", symbol="X", series="x").empty


def _stooq(server: HTTPServer) -> stooq.Provider:
    return stooq.Provider(base_url=server.url_for("/"), sleep=lambda _: None, retries=2)


def test_stooq_spx_close_equals_snapshot(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "GSPC", "2024-09-16", "2024-09-27")
    httpserver.expect_request("/q/d/l/", query_string={"s": "^spx", "i": "d", "d1": "20240916", "d2": "20240927"}) \
        .respond_with_data(stooq_csv(rows), content_type="text/csv")
    frame = _stooq(httpserver).fetch(Segment("stooq", "^spx", "close"), "sp500", pd.Timestamp("2024-09-16"),
                                     pd.Timestamp("2024-09-27"))
    assert _values(frame) == {r["date"]: float(r["close"]) for r in rows}
    assert len(frame) == 10


def test_stooq_index_without_volume_and_open(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "RUT", "2026-08-17", "2026-08-21")
    httpserver.expect_request("/q/d/l/").respond_with_data(stooq_csv(rows, volume=False))
    frame = _stooq(httpserver).fetch(Segment("stooq", "^rut", "open"), "russell2000")
    assert _values(frame) == {r["date"]: float(r["open"]) for r in rows}


def test_stooq_no_data_and_notices(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/q/d/l/").respond_with_data("No data")
    with pytest.raises(ProviderError, match=r"stooq zzz.us: no data \(unknown symbol or empty range\)"):
        _stooq(httpserver).fetch(Segment("stooq", "zzz.us", "close"), "x")
    with pytest.raises(ProviderError, match="stooq a: unexpected answer 'Exceeded the daily hits limit'"):
        stooq.parse_csv(b"Exceeded the daily hits limit", "close", symbol="a", series="x")
    with pytest.raises(DataError, match="stooq has no field 'adj_close'"):
        _stooq(httpserver).fetch(Segment("stooq", "iwm.us", "adj_close"), "iwm")
