"""FRED provider against a local server speaking FRED's graph CSV and JSON API, built from the snapshot files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import fred
from ratecycle.data.providers.base import get_provider
from ratecycle.errors import DataError, ProviderError
from wire import alfred_json, fred_graph_csv, fred_json, fred_rows

DFF = Segment("fred", "DFF")


def _provider(server: HTTPServer, **kw: object) -> fred.Provider:
    return fred.Provider(base_url=server.url_for("/"), api_url=server.url_for("/"), sleep=lambda _: None,
                         retries=2, **kw)  # type: ignore[arg-type]


def _expect(frame: pd.DataFrame, rows: list[tuple[str, str]]) -> None:
    kept = [(d, v) for d, v in rows if v != "."]
    assert [d.strftime("%Y-%m-%d") for d in frame["date"]] == [d for d, _ in kept]
    assert frame["value"].tolist() == [float(v) for _, v in kept]
    assert str(frame["date"].dtype) == "datetime64[ns]" and str(frame["value"].dtype) == "float64"


def test_graph_csv_range_equals_snapshot(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = fred_rows(snapshot_dir, "DFF", "2024-09-01", "2024-10-15")
    httpserver.expect_request("/graph/fredgraph.csv",
                              query_string={"id": "DFF", "cosd": "2024-09-01", "coed": "2024-10-15"}
                              ).respond_with_data(fred_graph_csv(rows, "DFF"), content_type="text/csv")
    frame = _provider(httpserver).fetch(DFF, "fed_effective", pd.Timestamp("2024-09-01"), pd.Timestamp("2024-10-15"))
    _expect(frame, rows)
    assert len(frame) == 45
    assert frame.set_index("date").loc["2024-09-19", "value"] == 4.83  # the day after the 50bp cut


def test_graph_csv_old_header_dots_and_crlf(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = fred_rows(snapshot_dir, "DGS10", "2025-06-30", "2025-07-10")
    with_holiday = sorted([*rows, ("2025-07-04", ".")])
    body = fred_graph_csv(with_holiday, "DGS10", date_header="DATE", crlf=True)
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(body, content_type="text/csv")
    frame = _provider(httpserver).fetch(Segment("fred", "DGS10"), "ust10y")
    _expect(frame, with_holiday)
    assert pd.Timestamp("2025-07-04") not in set(frame["date"])


def test_graph_csv_wrong_series_header(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(b"observation_date,DGS2\n2020-01-02,1.58\n")
    with pytest.raises(DataError, match=r"unexpected header 'observation_date,DGS2', expected 'observation_date,DFF'"):
        _provider(httpserver).fetch(DFF, "fed_effective")


def test_graph_csv_malformed_row_names_row(httpserver: HTTPServer) -> None:
    body = b"observation_date,DFF\n2020-01-02,1.55\n2020-01-03,1.55x\n"
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(body)
    with pytest.raises(DataError, match=r"bad value '1.55x' \(file .*fredgraph\.csv.*series fed_effective, row 3\)"):
        _provider(httpserver).fetch(DFF, "fed_effective")


def test_env_var_overrides_service_url(httpserver: HTTPServer, snapshot_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rows = fred_rows(snapshot_dir, "FEDFUNDS", "2025-01-01", "2025-06-01")
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(fred_graph_csv(rows, "FEDFUNDS"))
    monkeypatch.setenv("RATECYCLE_FRED_URL", httpserver.url_for("/"))
    provider = get_provider("fred", sleep=lambda _: None)
    _expect(provider.fetch(Segment("fred", "FEDFUNDS"), "fed_funds_monthly"), rows)


def test_json_api_with_key_pages_and_hides_key(httpserver: HTTPServer, snapshot_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rows = fred_rows(snapshot_dir, "PCEPILFE", "2024-01-01", "2026-06-01")
    monkeypatch.setenv("FRED_API_KEY", "secret123")
    first, second = rows[:20], rows[20:]
    common = {"series_id": "PCEPILFE", "api_key": "secret123", "file_type": "json",
              "observation_start": "2024-01-01"}
    httpserver.expect_request("/fred/series/observations", query_string={**common, "offset": "0"}) \
        .respond_with_data(fred_json(first, count=len(rows), limit=20), content_type="application/json")
    httpserver.expect_request("/fred/series/observations", query_string={**common, "offset": "20"}) \
        .respond_with_data(fred_json(second, count=len(rows), offset=20, limit=20), content_type="application/json")
    provider = _provider(httpserver)
    frame = provider.fetch(Segment("fred", "PCEPILFE"), "core_pce", pd.Timestamp("2024-01-01"))
    _expect(frame, rows)
    assert frame.set_index("date").loc["2026-06-01", "value"] == 130.266  # the value in fred/PCEPILFE.csv

    httpserver.clear()
    httpserver.expect_request("/fred/series/observations").respond_with_json(
        {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}, status=400)
    with pytest.raises(ProviderError) as info:
        provider.fetch(Segment("fred", "NOPE"), "x")
    message = str(info.value)
    assert "The series does not exist" in message and "not retried" in message
    assert "secret123" not in message and "api_key=***" in message


def test_vintages_need_a_key(httpserver: HTTPServer) -> None:
    with pytest.raises(ProviderError, match=r"fred PCEPILFE: vintages \(ALFRED\) need a FRED API key"):
        _provider(httpserver).fetch_vintages("PCEPILFE")


def test_vintages_point_in_time(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    latest = dict(fred_rows(snapshot_dir, "PCEPILFE", "2026-01-01", "2026-03-01"))
    early = {d: f"{float(v) - 0.05:.3f}" for d, v in latest.items()}
    vintages = [
        ("2026-02-27", "2026-03-26", "2026-01-01", early["2026-01-01"]),
        ("2026-03-27", "9999-12-31", "2026-01-01", latest["2026-01-01"]),
        ("2026-03-27", "2026-04-29", "2026-02-01", early["2026-02-01"]),
        ("2026-04-30", "9999-12-31", "2026-02-01", latest["2026-02-01"]),
        ("2026-01-30", "2026-02-26", "2026-03-01", "."),
        ("2026-04-30", "9999-12-31", "2026-03-01", latest["2026-03-01"]),
    ]
    starts = sorted({s for s, _, _, _ in vintages})
    httpserver.expect_request("/fred/series/vintagedates").respond_with_data(json.dumps(
        {"count": len(starts), "offset": 0, "limit": 10000, "vintage_dates": starts}))
    httpserver.expect_request("/fred/series/observations", query_string={
        "series_id": "PCEPILFE", "api_key": "k", "file_type": "json", "realtime_start": "1776-07-04",
        "realtime_end": "9999-12-31", "output_type": "1", "offset": "0"}).respond_with_data(alfred_json(vintages))
    table = _provider(httpserver, api_key="k").fetch_vintages("PCEPILFE")
    assert list(table.columns) == ["date", "value", "realtime_start", "realtime_end"]
    assert len(table) == 5 and table["realtime_end"].isna().sum() == 3
    on_april_1 = fred.known_on(table, "2026-04-01")
    assert on_april_1["value"].tolist() == [float(latest["2026-01-01"]), float(early["2026-02-01"])]
    on_may_1 = fred.known_on(table, "2026-05-01")
    assert on_may_1["value"].tolist() == [float(latest[d]) for d in sorted(latest)]
    firsts = fred.first_release(table)
    assert firsts["value"].tolist() == [float(early["2026-01-01"]), float(early["2026-02-01"]),
                                        float(latest["2026-03-01"])]
    assert firsts["realtime_start"].dt.strftime("%Y-%m-%d").tolist() == ["2026-02-27", "2026-03-27", "2026-04-30"]


def test_vintage_rows_are_validated() -> None:
    bad = alfred_json([("2026-03-01", "2026-02-01", "2026-01-01", "1.0")])
    with pytest.raises(DataError, match="realtime_end 2026-02-01 before realtime_start 2026-03-01"):
        fred.parse_vintages_json(bad, series="X")
    dup = alfred_json([("2026-03-01", "9999-12-31", "2026-01-01", "1.0")] * 2)
    with pytest.raises(DataError, match="duplicate vintage"):
        fred.parse_vintages_json(dup, series="X")
    with pytest.raises(DataError, match="no 'observations' list"):
        fred.parse_observations_json(json.dumps({"x": 1}).encode(), series="X")


def test_source_label_names_interface_not_key() -> None:
    plain = fred.Provider(base_url="http://127.0.0.1:9")
    assert plain.source_label("DFF") == "http://127.0.0.1:9/graph/fredgraph.csv?id=DFF"
    keyed = fred.Provider(api_url="http://127.0.0.1:9", api_key="secret123")
    assert keyed.source_label("DFF") == "http://127.0.0.1:9/fred/series/observations?series_id=DFF"


def test_vintage_date_beyond_nanosecond_range_is_a_data_error() -> None:
    from ratecycle.data.providers.fred import parse_vintages_json
    from ratecycle.errors import DataError

    body = json.dumps({"observations": [{"date": "2300-01-01", "value": "1.0", "realtime_start": "2020-01-01",
                                         "realtime_end": "9999-12-31"}]}).encode()
    with pytest.raises(DataError, match=r"date out of range '2300-01-01'.*row 1"):
        parse_vintages_json(body, series="core_pce", source="alfred")
