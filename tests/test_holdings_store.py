"""Holdings downloads in the store: import, export round trip, live fetch, DataSource and the store-mode report.

Expected values come from the raw iShares CSV read with the csv module (no ratecycle parsing code).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from cli_run import cli
from ratecycle.composition import sector_weights
from ratecycle.data.snapshot_io import export_store, import_snapshot
from ratecycle.data.source import DataSource
from ratecycle.data.store import HoldingsFile, Store
from ratecycle.data.update import ProviderPool, update_holdings
from ratecycle.errors import DataError
from ratecycle.report import ReportOptions, build_report
from wire import http_response, raw_server

HOLDINGS = "IWM_holdings_2026-05-05.csv"
AJAX = "/239710/ishares-russell-2000-etf/1467271812596.ajax"
LATEST = "/239710/ishares-russell-2000-etf/latest-holdings.csv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot_holdings_dates(snapshot_dir: Path, fund: str = "IWM") -> list[str]:
    """The dates of the fund's holdings downloads in the snapshot, from the file names (sorted)."""
    return sorted(p.stem.rsplit("_", 1)[1] for p in (snapshot_dir / "market").glob(f"{fund}_holdings_*.csv"))


def raw_sector_weights(path: Path) -> dict[str, float]:
    """Sector -> share of equity market value, from the CSV rows after the 'Ticker,...' header (csv module)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    values: list[tuple[str, float]] = []
    for row in csv.DictReader(lines[header:]):
        if row.get("Asset Class") == "Equity":
            values.append((row["Sector"], float(row["Market Value"].replace(",", ""))))
    total = sum(v for _, v in values)
    out: dict[str, float] = {}
    for sector, value in values:
        out[sector] = out.get(sector, 0.0) + value / total
    return out


@pytest.fixture
def raw_file(snapshot_dir: Path) -> Path:
    return snapshot_dir / "market" / HOLDINGS


# -- import ------------------------------------------------------------------------------------------------------
def test_import_stores_the_file_byte_for_byte(imported: Path, raw_file: Path, snapshot_dir: Path) -> None:
    store = Store(imported)
    listed = store.holdings_list()
    assert [m.as_of for m in listed] == snapshot_holdings_dates(snapshot_dir)
    (meta,) = [m for m in listed if m.as_of == "2026-05-05"]
    assert (meta.fund, meta.as_of) == ("IWM", "2026-05-05")
    data = raw_file.read_bytes()
    lines = raw_file.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    end = next(i for i in range(header, len(lines)) if not lines[i].strip())  # the blank (no-break space) line
    assert (meta.fund, meta.as_of, meta.file_name, meta.provider) == ("IWM", "2026-05-05", HOLDINGS, "ishares")
    assert meta.sha256 == hashlib.sha256(data).hexdigest() and meta.bytes == len(data)
    assert meta.rows == len(list(csv.DictReader(lines[header:end]))) == 1929
    (content,) = [c for m, c in store.holdings_content("IWM") if m.as_of == "2026-05-05"]
    assert content == data
    assert store.holdings("IWN") == [] and meta in store.holdings_list("iwm")


def test_stored_holdings_give_the_raw_sector_weights(imported: Path, raw_file: Path) -> None:
    (stored,) = [h for h in Store(imported).holdings("IWM") if h.as_of.date().isoformat() == "2026-05-05"]
    expected = raw_sector_weights(raw_file)
    got = dict(zip(sector_weights(stored)["sector"], sector_weights(stored)["weight"], strict=True))
    assert set(got) == set(expected) and len(expected) == 11
    for sector, weight in expected.items():
        assert got[sector] == pytest.approx(weight, rel=1e-12)
    assert got["Industrials"] == pytest.approx(0.19541, abs=5e-6)


def test_bulk_series_read_ignores_holdings(imported: Path) -> None:
    entries = Store(imported).entries_within(10_000_000)
    assert entries is not None and not any("holdings" in name for name in entries)
    assert "russell2000" in entries


# -- export -> import ----------------------------------------------------------------------------------------------
def test_export_import_round_trip_is_byte_identical(imported: Path, raw_file: Path, tmp_path: Path,
                                                    snapshot_dir: Path) -> None:
    result = export_store(Store(imported), tmp_path / "exp")
    written = tmp_path / "exp" / "holdings" / HOLDINGS
    n_files = len(snapshot_holdings_dates(snapshot_dir))
    assert [h.fund for h in result.holdings] == ["IWM"] * n_files
    assert written.read_bytes() == raw_file.read_bytes()
    manifest = json.loads((tmp_path / "exp" / "manifest.json").read_text())
    entry = manifest["holdings"][HOLDINGS]
    assert entry["file"] == f"holdings/{HOLDINGS}" and entry["sha256"] == sha256(raw_file)
    again = Store(tmp_path / "again.duckdb")
    back = import_snapshot(tmp_path / "exp", again)
    assert back.layout == "export" and len(back.holdings) == n_files
    for (meta, content), original in zip(again.holdings_content(), Store(imported).holdings_content(), strict=True):
        assert meta == original[0] and content == original[1]  # bytes and provenance travel through the manifest
    assert any(content == raw_file.read_bytes() for _, content in again.holdings_content())
    # and out again: the second export's file is the same bytes
    export_store(again, tmp_path / "exp2")
    assert (tmp_path / "exp2" / "holdings" / HOLDINGS).read_bytes() == raw_file.read_bytes()


def test_export_file_not_matching_manifest_is_rejected(imported: Path, tmp_path: Path) -> None:
    export_store(Store(imported), tmp_path / "exp", names=["fed_funds_monthly"])
    path = tmp_path / "exp" / "holdings" / HOLDINGS
    path.write_bytes(path.read_bytes().replace(b'"1.93"', b'"1.94"', 1))
    target = Store(tmp_path / "t.duckdb")
    with pytest.raises(DataError, match=rf"does not match its manifest sha256 \(file .*{HOLDINGS}\)"):
        import_snapshot(tmp_path / "exp", target)
    assert not target.exists()


# -- a bad holdings file: one-line error naming it, nothing written ------------------------------------------------
@pytest.mark.parametrize(("edit", "message"), [
    (lambda b: b.replace(b'"1,532,594,919.50"', b'"1,5x2"', 1), r"bad number '1,5x2' in column 'Market Value'"),
    (lambda b: b.replace(b"Fund Holdings as of", b"Fund Holdings on", 1), "missing preamble"),
    (lambda b: b"", "empty holdings file"),
    # cut off at a line end inside the table: it still parses, but the closing blank line and text are missing
    (lambda b: b"\n".join(b.split(b"\n")[:500]) + b"\n", "ends inside its table"),
])
def test_corrupt_holdings_file_fails_the_whole_import(store_copy: Store, snapshot_dir: Path, raw_file: Path,
                                                      tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    snap = tmp_path / "snap"
    (snap / "fred").mkdir(parents=True)
    (snap / "market").mkdir()
    shutil.copyfile(snapshot_dir / "fred" / "DFF.csv", snap / "fred" / "DFF.csv")
    (snap / "market" / "IWM_holdings_2026-06-01.csv").write_bytes(edit(raw_file.read_bytes()))
    before = sha256(store_copy.path)
    with pytest.raises(DataError, match=message) as info:
        import_snapshot(snap, store_copy)
    text = str(info.value)
    assert "\n" not in text and "IWM_holdings_2026-06-01.csv" in text
    assert sha256(store_copy.path) == before  # the good DFF series was not written either
    fresh = Store(tmp_path / "fresh.duckdb")
    with pytest.raises(DataError, match=message):
        import_snapshot(snap, fresh)
    assert not fresh.exists()


def test_cli_import_reports_holdings_and_corrupt_file_error(
        imported: Path, snapshot_dir: Path, raw_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "snap"
    (snap / "fred").mkdir(parents=True)
    (snap / "market").mkdir()
    shutil.copyfile(snapshot_dir / "fred" / "DFF.csv", snap / "fred" / "DFF.csv")
    shutil.copyfile(raw_file, snap / "market" / HOLDINGS)
    store = tmp_path / "cli.duckdb"
    code, out, err = cli(monkeypatch, capsys, "data", "import", str(snap), "--store", str(store), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["holdings_files"] == 1 and doc["holdings"][0]["as_of"] == "2026-05-05"
    code, out, _ = cli(monkeypatch, capsys, "data", "status", "--store", str(store), "--json")
    (row,) = json.loads(out)["holdings"]
    (meta,) = [m for m in Store(imported).holdings_list() if m.as_of == "2026-05-05"]
    assert (row["fund"], row["as_of"], row["rows"]) == ("IWM", "2026-05-05", meta.rows)
    code, out, _ = cli(monkeypatch, capsys, "holdings", "store", "--store", str(store), "--fund", "IWM", "--json")
    assert code == 0 and json.loads(out)["holdings"]["as_of"] == "2026-05-05"
    top = json.loads(out)["sectors"][0]
    assert top["weight"] == pytest.approx(raw_sector_weights(raw_file)["Industrials"], rel=1e-12)
    before = sha256(store)
    bad = raw_file.read_bytes().replace(b'"BE","BLOOM', b'"BE","BLOOM","extra', 1)
    (snap / "market" / HOLDINGS).write_bytes(bad)
    code, _, err = cli(monkeypatch, capsys, "data", "import", str(snap), "--store", str(store))
    assert code == 2 and err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"market/{HOLDINGS}, row 11" in err and "16 fields, the header has 15" in err
    assert sha256(store) == before


# -- DataSource and the report -------------------------------------------------------------------------------------
def test_datasource_holdings_in_both_modes(imported: Path, snapshot_dir: Path, raw_file: Path) -> None:
    from_store = DataSource(store_path=imported).holdings("iwm")
    from_snapshot = DataSource(snapshot=snapshot_dir).holdings("IWM")
    assert [h.as_of.date().isoformat() for h in from_store] == snapshot_holdings_dates(snapshot_dir)
    assert [h.as_of for h in from_snapshot] == [h.as_of for h in from_store]
    assert from_store[0].rows.equals(from_snapshot[0].rows)
    assert DataSource(store_path=imported).holdings("IVV") == []


def _sector_figure(report_doc: dict) -> dict:
    section = next(s for s in report_doc["sections"] if s["key"] == "rebalancing")
    (figure,) = [b for b in section["blocks"] if b["type"] == "figure"]
    return figure


def test_store_report_shows_the_snapshot_reports_sector_weights(imported: Path, ds: DataSource,
                                                                raw_file: Path) -> None:
    in_store = build_report(DataSource(store_path=imported), ReportOptions()).to_dict()
    in_snapshot = build_report(ds, ReportOptions()).to_dict()
    assert in_store["as_of"] == in_snapshot["as_of"] == "2026-08-21"
    store_trace = _sector_figure(in_store)["traces"][0]
    assert store_trace["x"] == _sector_figure(in_snapshot)["traces"][0]["x"]
    assert store_trace["y"] == _sector_figure(in_snapshot)["traces"][0]["y"]
    expected = raw_sector_weights(raw_file)
    assert dict(zip(store_trace["x"], store_trace["y"], strict=True)) == {k: round(v, 5) for k, v in expected.items()}
    assert "in store" in _sector_figure(in_store)["source"]


def test_store_report_before_the_holdings_date_shows_none(imported: Path, snapshot_dir: Path) -> None:
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_macro_parts import rebalancing_section

    day_before = dt.date.fromisoformat(snapshot_holdings_dates(snapshot_dir)[0]) - dt.timedelta(days=1)
    options = ReportOptions(as_of=day_before.isoformat())
    section = rebalancing_section(make_context(DataSource(store_path=imported), options))
    assert section.blocks[0] == ("Sector weights and concentration are not shown: no IWM holdings download dated on "
                                 f"or before {day_before.day} {day_before:%B %Y} is available.")
    assert not any(type(b).__name__ == "Figure" for b in section.blocks)
    on_the_day = rebalancing_section(make_context(DataSource(store_path=imported), ReportOptions(as_of="2026-05-05")))
    assert str(on_the_day.blocks[0]).startswith("Holdings (5 May 2026):")


def test_store_without_holdings_table_reads_empty_and_upgrades(raw_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a schema-1 store: the series tables only
    con.execute("CREATE TABLE observations (series VARCHAR NOT NULL, date DATE NOT NULL, value DOUBLE NOT NULL,"
                " PRIMARY KEY (series, date))")
    con.execute("CREATE TABLE series_meta (name VARCHAR PRIMARY KEY, provider VARCHAR, symbol VARCHAR,"
                " source VARCHAR, fetched_at VARCHAR, first DATE, last DATE, rows BIGINT, content_hash VARCHAR)")
    con.close()
    store = Store(path)
    assert store.holdings_list() == [] and DataSource(store_path=path).holdings("IWM") == []
    assert store.releases("core_pce") is None
    (written,) = store.write_holdings([HoldingsFile("iwm", HOLDINGS, raw_file.read_bytes(), "ishares", "test",
                                                    "2026-05-06T00:00:00+00:00")])
    assert written.fund == "IWM" and store.holdings_list() == [written]
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM store_info WHERE key = 'schema_version'").fetchone() == ("3",)
    assert con.execute("SELECT count(*) FROM releases").fetchone() == (0,)
    con.close()


def test_two_files_stating_the_same_date_are_refused(raw_file: Path, tmp_path: Path) -> None:
    data = raw_file.read_bytes()
    files = [HoldingsFile("IWM", name, data, "ishares", "test", "t", origin=name)
             for name in ("IWM_holdings_2026-05-05.csv", "IWM_holdings_2026-05-06.csv")]
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(DataError, match="two holdings files of IWM state the same date 2026-05-05"):
        store.write_holdings(files)
    assert not store.exists()


# -- live download against a local server --------------------------------------------------------------------------
def _pool(url: str) -> ProviderPool:
    return ProviderPool(options={"ishares": {"base_url": url, "sleep": lambda _s: None, "retries": 2}})


def test_live_fetch_stores_the_file(httpserver: HTTPServer, raw_file: Path, tmp_path: Path) -> None:
    data = raw_file.read_bytes()
    httpserver.expect_request(LATEST).respond_with_data(data, content_type="text/csv")
    store = Store(tmp_path / "s.duckdb")
    now = dt.datetime(2026, 5, 6, 12, tzinfo=dt.UTC)
    result = update_holdings("iwm", store, providers=_pool(httpserver.url_for("/")), now=now)
    assert (result.status, result.as_of, result.fetched_at) == ("added", "2026-05-05", "2026-05-06T12:00:00+00:00")
    ((meta, content),) = store.holdings_content("IWM")
    assert content == data and meta.source.startswith("http://127.0.0.1") and meta.provider == "ishares"
    assert meta.file_name == HOLDINGS
    before = sha256(store.path)
    again = update_holdings("IWM", store, providers=_pool(httpserver.url_for("/")))
    assert again.status == "unchanged" and sha256(store.path) == before


def test_live_fetch_as_of_a_date(httpserver: HTTPServer, raw_file: Path, tmp_path: Path) -> None:
    for day in ("20260505", "20260504"):
        httpserver.expect_request(AJAX, query_string={"fileType": "csv", "fileName": "IWM_holdings",
                                                      "dataType": "fund", "asOfDate": day}).respond_with_data(
            raw_file.read_bytes(), content_type="text/csv")
    store = Store(tmp_path / "s.duckdb")
    early = update_holdings("IWM", store, as_of=dt.date(2026, 5, 4), providers=_pool(httpserver.url_for("/")))
    assert early.status == "failed"
    assert "asked for holdings as of 2026-05-04, the file states 2026-05-05" in early.message
    assert not store.exists()
    ok = update_holdings("IWM", store, as_of=dt.date(2026, 5, 5), providers=_pool(httpserver.url_for("/")))
    assert ok.status == "added" and [h.as_of for h in store.holdings_list()] == ["2026-05-05"]


@pytest.mark.parametrize("answer", ["500", "cut_at_line_end", "cut_mid_row"])
def test_live_fetch_failure_stores_nothing(httpserver: HTTPServer, raw_file: Path, store_copy: Store,
                                           answer: str) -> None:
    data = raw_file.read_bytes()
    rows_end = data.index(b"\n\xc2\xa0\n", data.index(b"Ticker,"))  # the (no-break space) line closing the table
    body = {"500": b"busy", "cut_at_line_end": data[:data.rindex(b"\n", 0, rows_end // 2) + 1],
            "cut_mid_row": data[:rows_end // 2]}[answer]
    httpserver.expect_request(LATEST).respond_with_data(body, status=500 if answer == "500" else 200,
                                                      content_type="text/csv")
    before = sha256(store_copy.path)
    result = update_holdings("IWM", store_copy, providers=_pool(httpserver.url_for("/")))
    expected = {"500": r"HTTP 500 .* after 2 attempts", "cut_at_line_end": "the download is cut off",
                "cut_mid_row": "fields, the header has 15"}[answer]
    assert result.status == "failed" and "\n" not in result.message
    assert re.search(expected, result.message), result.message
    assert sha256(store_copy.path) == before


def test_live_truncated_body_stores_nothing(raw_file: Path, store_copy: Store) -> None:
    data = raw_file.read_bytes()
    cut = http_response(200, data[: len(data) // 2], content_type="text/csv", content_length=len(data))
    before = sha256(store_copy.path)
    listed_before = store_copy.holdings_list()
    with raw_server([cut] * 4) as (url, received):
        result = update_holdings("IWM", store_copy, providers=_pool(url))
    assert len(received) == 4  # latest-holdings.csv twice, then the .ajax fallback twice
    assert b"latest-holdings.csv" in received[0] and b".ajax" in received[2]
    assert result.status == "failed"
    assert "incomplete response" in result.message and "after 2 attempts" in result.message
    assert sha256(store_copy.path) == before
    assert store_copy.holdings_list() == listed_before


def test_cli_fetch_holdings_against_local_server(httpserver: HTTPServer, raw_file: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RATECYCLE_ISHARES_URL", httpserver.url_for("/").rstrip("/"))
    httpserver.expect_request(LATEST).respond_with_data(raw_file.read_bytes(), content_type="text/csv")
    store = tmp_path / "cli.duckdb"
    code, out, err = cli(monkeypatch, capsys, "data", "fetch-holdings", "IWM", "--store", str(store), "--json")
    assert code == 0, err
    (row,) = json.loads(out)["results"]
    assert (row["fund"], row["status"], row["as_of"]) == ("IWM", "added", "2026-05-05")
    assert Store(store).holdings_content("IWM")[0][1] == raw_file.read_bytes()
    code, _, err = cli(monkeypatch, capsys, "data", "fetch-holdings", "XYZ", "--store", str(store))
    assert code == 2 and err.strip().count("\n") == 0
    assert "holdings download failed for XYZ" in err


def test_holdings_in_force_on_a_date_and_the_change_between_two(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str],
                                                               snapshot_dir: Path) -> None:
    """holdings --as-of picks the newest download on or before the date and states its age; --compare DATE gives
    the sector weight changes, each checked against the raw CSVs read with the csv module."""
    dates = snapshot_holdings_dates(snapshot_dir)
    as_of = "2025-09-17"
    first = max(d for d in dates if d <= as_of)
    later = [d for d in dates if d > first]
    args = ["holdings", "snapshot", "--as-of", as_of, "--snapshot", str(snapshot_dir), "--json"]
    if later:
        args += ["--compare", later[-1]]
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["as_of"] == as_of and doc["holdings"]["as_of"] == first
    assert doc["age_days"] == (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(first)).days
    left = raw_sector_weights(snapshot_dir / "market" / f"IWM_holdings_{first}.csv")
    assert {s["sector"]: s["weight"] for s in doc["sectors"]} == pytest.approx(left, abs=1e-12)
    if later:
        right = raw_sector_weights(snapshot_dir / "market" / f"IWM_holdings_{later[-1]}.csv")
        changes = {s["sector"]: s["difference"] for s in doc["compare"]["sectors"]}
        for sector in set(left) | set(right):
            assert changes[sector] == pytest.approx(right.get(sector, 0.0) - left.get(sector, 0.0), abs=1e-12)
    # a date as FILE means the same download; a date before every download is a one-line error
    code, out, _ = cli(monkeypatch, capsys, "holdings", as_of, "--snapshot", str(snapshot_dir), "--json")
    assert code == 0 and json.loads(out)["holdings"]["as_of"] == first
    code, _, err = cli(monkeypatch, capsys, "holdings", "snapshot", "--as-of", "2000-01-03", "--snapshot",
                       str(snapshot_dir))
    assert code == 2 and err.count("\n") == 1 and "no IWM holdings download dated on or before 2000-01-03" in err


def test_report_shows_the_age_and_the_change_from_the_previous_download(ds: DataSource, snapshot_dir: Path) -> None:
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_macro_parts import rebalancing_section

    dates = snapshot_holdings_dates(snapshot_dir)
    last = dates[-1]
    section = rebalancing_section(make_context(ds, ReportOptions(as_of="2026-08-21")))
    age = (dt.date(2026, 8, 21) - dt.date.fromisoformat(last)).days
    assert f"This is the newest IWM download on or before 21 Aug 2026: {age} days old then." in str(section.blocks[0])
    if len(dates) < 2:
        return
    (table,) = [b for b in section.blocks if type(b).__name__ == "Table" and b.title.startswith("IWM sector weights, ")]
    before = raw_sector_weights(snapshot_dir / "market" / f"IWM_holdings_{dates[-2]}.csv")
    after = raw_sector_weights(snapshot_dir / "market" / f"IWM_holdings_{last}.csv")
    for row in table.rows:
        assert row["before"] == pytest.approx(before.get(row["sector"], 0.0), abs=1e-12)
        assert row["change"] == pytest.approx(after.get(row["sector"], 0.0) - before.get(row["sector"], 0.0),
                                              abs=1e-12)
