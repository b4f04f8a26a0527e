"""ALFRED vintages as a release rule: with FRED_API_KEY, `data fetch core_pce` stores each month's first vintage
date, and the as-of gate dates core PCE by it (a local server speaks FRED's JSON API and ALFRED)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ratecycle.data.asof import as_of, released
from ratecycle.data.catalog import CATALOG
from ratecycle.data.cut import cut_snapshot
from ratecycle.data.providers import fred
from ratecycle.data.snapshot_io import export_store, import_snapshot
from ratecycle.data.source import DataSource
from ratecycle.data.store import Store
from ratecycle.data.update import ProviderPool, update_series
from wire import alfred_json, fred_json, fred_rows

FIRST_OUT = {"2025-06-01": "2025-07-31", "2025-07-01": "2025-08-29", "2025-08-01": "2025-09-26"}
"""First publication day of three months of core PCE (BEA's release days; the rest follow the fallback)."""


def _server(httpserver: HTTPServer, snapshot_dir: Path) -> list[tuple[str, str, str, str]]:
    """Answer observations (latest values of fred/PCEPILFE.csv to 2025-08), vintage dates and ALFRED vintages:
    each of the three months first out on its FIRST_OUT day with a value 0.1 lower, revised a month later."""
    rows = fred_rows(snapshot_dir, "PCEPILFE", "2024-01-01", "2025-08-01")
    vintages = []
    for day, value in rows:
        if day in FIRST_OUT:
            out = pd.Timestamp(FIRST_OUT[day])
            revised = (out + pd.DateOffset(months=1)).strftime("%Y-%m-%d")
            end = (pd.Timestamp(revised) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
            vintages += [(out.strftime("%Y-%m-%d"), end, day, f"{float(value) - 0.1:.3f}"),
                         (revised, "9999-12-31", day, value)]
    starts = sorted({v[0] for v in vintages})

    def answer(request: Request) -> Response:
        if request.path.endswith("/vintagedates"):
            body = json.dumps({"count": len(starts), "offset": 0, "limit": 10000, "vintage_dates": starts})
            return Response(body, content_type="application/json")
        assert request.args["api_key"] == "k"
        if request.args.get("output_type") == "1":
            start = request.args.get("observation_start", "")
            return Response(alfred_json([v for v in vintages if v[2] >= start]), content_type="application/json")
        return Response(fred_json(rows), content_type="application/json")

    httpserver.expect_request("/fred/series/observations").respond_with_handler(answer)
    httpserver.expect_request("/fred/series/vintagedates").respond_with_handler(answer)
    return vintages


def _pool(httpserver: HTTPServer, key: str | None) -> ProviderPool:
    provider = fred.Provider(base_url=httpserver.url_for("/"), api_url=httpserver.url_for("/").rstrip("/"),
                             api_key=key, sleep=lambda _: None, retries=1)
    return ProviderPool({"fred": provider}, only_injected=True)


def test_fetch_stores_first_vintage_dates_and_the_gate_uses_them(httpserver: HTTPServer, snapshot_dir: Path,
                                                                 tmp_path: Path) -> None:
    _server(httpserver, snapshot_dir)
    store = Store(tmp_path / "s.duckdb")
    result = update_series(CATALOG["core_pce"], store, providers=_pool(httpserver, "k"))
    assert result.ok and result.last == "2025-08-01", result.message
    stored = store.releases("core_pce")
    assert stored is not None
    assert {d.strftime("%Y-%m-%d"): r.strftime("%Y-%m-%d") for d, r in stored.items()} == FIRST_OUT
    ds = DataSource(store_path=store.path)
    days = released(ds, "core_pce")
    assert days["2025-08-01"] == pd.Timestamp("2025-09-26")  # ALFRED: four days before the fallback's 30 Sep
    assert days["2025-05-01"] == pd.Timestamp("2025-06-30")  # no stored date: the end of month M+1
    assert as_of(ds, "2025-09-25").load("core_pce").index[-1] == pd.Timestamp("2025-07-01")
    assert as_of(ds, "2025-09-26").load("core_pce").index[-1] == pd.Timestamp("2025-08-01")
    assert as_of(ds, "2025-08-28").load("core_pce").index[-1] == pd.Timestamp("2025-06-01")
    assert CATALOG["core_pce"].release is not None and "ALFRED" in CATALOG["core_pce"].release.describe()


def test_release_dates_travel_through_export_cut_and_import(httpserver: HTTPServer, snapshot_dir: Path,
                                                            tmp_path: Path) -> None:
    _server(httpserver, snapshot_dir)
    store = Store(tmp_path / "s.duckdb")
    assert update_series(CATALOG["core_pce"], store, providers=_pool(httpserver, "k")).ok
    export_store(store, tmp_path / "export", ["core_pce"])
    header = (tmp_path / "export" / "series" / "core_pce.csv").read_text().splitlines()
    assert header[0] == "date,value,released" and header[-1].endswith(",2025-09-26")
    exported = DataSource(snapshot=tmp_path / "export")
    assert as_of(exported, "2025-09-26").load("core_pce").index[-1] == pd.Timestamp("2025-08-01")
    cut_snapshot(DataSource(store_path=store.path), pd.Timestamp("2025-09-26"), tmp_path / "cut")
    on_cut = DataSource(snapshot=tmp_path / "cut")
    assert on_cut.load("core_pce").index[-1] == pd.Timestamp("2025-08-01")
    assert released(on_cut, "core_pce")["2025-08-01"] == pd.Timestamp("2025-09-26")
    again = Store(tmp_path / "again.duckdb")
    import_snapshot(tmp_path / "export", again)
    assert again.releases("core_pce") is not None
    assert again.releases("core_pce").equals(store.releases("core_pce"))  # type: ignore[union-attr]


def test_without_a_key_no_dates_are_stored_and_the_fallback_applies(httpserver: HTTPServer, snapshot_dir: Path,
                                                                   tmp_path: Path) -> None:
    rows = fred_rows(snapshot_dir, "PCEPILFE", "2024-01-01", "2025-08-01")
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(
        "observation_date,PCEPILFE\n" + "".join(f"{d},{v}\n" for d, v in rows), content_type="text/csv")
    store = Store(tmp_path / "s.duckdb")
    assert update_series(CATALOG["core_pce"], store, providers=_pool(httpserver, None)).ok
    assert store.releases("core_pce") is None
    ds = DataSource(store_path=store.path)
    assert as_of(ds, "2025-09-26").load("core_pce").index[-1] == pd.Timestamp("2025-07-01")
    assert released(ds, "core_pce")["2025-08-01"] == pd.Timestamp("2025-09-30")


def test_a_failed_vintage_request_keeps_the_values_and_says_so(httpserver: HTTPServer, snapshot_dir: Path,
                                                               tmp_path: Path) -> None:
    rows = fred_rows(snapshot_dir, "PCEPILFE", "2024-01-01", "2025-08-01")
    httpserver.expect_request("/fred/series/vintagedates").respond_with_json({"error_message": "Bad Request."},
                                                                            status=400)
    httpserver.expect_request("/fred/series/observations").respond_with_data(fred_json(rows),
                                                                             content_type="application/json")
    store = Store(tmp_path / "s.duckdb")
    result = update_series(CATALOG["core_pce"], store, providers=_pool(httpserver, "k"))
    assert result.ok and result.last == "2025-08-01"
    assert "release dates not updated (ALFRED)" in result.message
    assert store.releases("core_pce") is None


@pytest.mark.parametrize("day", ["2025-09-26", "2025-09-30"])
def test_stored_rule_equals_fallback_without_dates(ds: DataSource, day: str) -> None:
    """On the raw snapshot (no stored dates) the rule is the end of month M+1, whatever the day."""
    got = as_of(ds, day).load("core_pce").index[-1]
    assert got == (pd.Timestamp("2025-08-01") if day == "2025-09-30" else pd.Timestamp("2025-07-01"))
