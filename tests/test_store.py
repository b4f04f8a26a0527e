"""The DuckDB store and snapshot import/export, checked against independent reads of the raw snapshot files."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.data import frames
from ratecycle.data.meta import SeriesMeta
from ratecycle.data.snapshot_io import export_snapshot, export_store, import_snapshot, import_user_series
from ratecycle.data.source import DataSource
from ratecycle.data.store import Replacement, Store
from ratecycle.errors import DataError, UnknownSeriesError


def raw_column(path: Path, column: str) -> dict[str, str]:
    """date -> raw text of one column of a snapshot CSV (csv module only, no ratecycle code)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return {row["date"]: row[column] for row in csv.DictReader(fh) if row[column].strip()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _meta(name: str) -> SeriesMeta:
    return SeriesMeta(name=name, provider="test", symbol="T", source="test", fetched_at="2026-11-23T00:00:00+00:00",
                      first=None, last=None, rows=0, content_hash="")


def _frame(days: list[str], values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), "value": values})


def test_import_matches_raw_files(imported: Path, snapshot_dir: Path) -> None:
    store = Store(imported)
    rut = store.read("russell2000")
    raw_rut = raw_column(snapshot_dir / "market" / "RUT_daily.csv", "close")
    assert len(rut) == len(raw_rut)
    closes = dict(zip(rut["date"].dt.strftime("%Y-%m-%d"), rut["value"], strict=True))
    assert closes["2025-09-08"] == float(raw_rut["2025-09-08"]) == 2394.89  # the patched row of the provenance note
    upper = store.read("fed_target_upper").set_index("date")["value"]
    raw_upper = raw_column(snapshot_dir / "fred" / "DFEDTARU.csv", "DFEDTARU")
    raw_old = raw_column(snapshot_dir / "fred" / "DFEDTAR.csv", "DFEDTAR")
    assert upper[pd.Timestamp("2022-03-17")] == float(raw_upper["2022-03-17"]) == 0.5
    assert upper[pd.Timestamp("2001-01-04")] == float(raw_old["2001-01-04"])
    assert len(upper) == len(raw_upper) + len(raw_old)
    pce = store.read("core_pce").set_index("date")["value"]
    raw_pce = raw_column(snapshot_dir / "fred" / "PCEPILFE.csv", "PCEPILFE")
    assert pce[pd.Timestamp("2026-06-01")] == float(raw_pce["2026-06-01"])
    assert list(pce.index.strftime("%Y-%m-%d")) == list(raw_pce)
    meta = store.metadata("core_pce")
    assert meta is not None and meta.rows == len(raw_pce) and meta.last == "2026-06-01"
    assert meta.content_hash == frames.content_hash(store.read("core_pce"))
    assert "fred/PCEPILFE.csv" in meta.source and meta.provider == "fred"


def test_import_lists_what_it_skipped(imported: Path, snapshot_dir: Path) -> None:
    names = {m.name for m in Store(imported).list()}
    assert {"russell2000", "sp500", "ff_factors:SMB", "shiller:E", "fomc_meetings"} <= names
    assert not names & {"pe_sp500", "pe_russell2000"}  # derived and user series are not imported from files
    market = Path(snapshot_dir) / "market"
    for ticker, name in {"IWO": "iwo", "VTWO": "vtwo", "VTWG": "vtwg", "VTWV": "vtwv", "IWN": "iwn"}.items():
        assert (name in names) == (market / f"{ticker}_daily.csv").exists()


def test_store_source_reads_like_snapshot(imported: Path, ds: DataSource) -> None:
    from_store = DataSource(store_path=imported)
    for name in ("fed_target_lower", "iwm", "ust10y2y", "recession"):
        pd.testing.assert_series_equal(from_store.load(name), ds.load(name))
        assert from_store.meta(name).content_hash == ds.meta(name).content_hash


def test_bulk_read_equals_per_series_reads(tmp_path: Path) -> None:
    """entries() reads all series in one unordered query; each must equal that series read on its own."""
    store = Store(tmp_path / "s.duckdb")
    written = {
        "b_series": _frame(["2020-01-03", "2020-01-01", "2020-01-02"], [3.0, 1.0, 2.0]),
        "a_series": _frame(["1999-12-31", "2001-06-30"], [-1.5, 7.25]),
        "c_series": _frame(["2020-01-05"], [4.0]),
    }
    store.replace_many([Replacement(n, f, _meta(n)) for n, f in written.items()])
    bulk = store.entries()
    assert sorted(bulk) == ["a_series", "b_series", "c_series"]
    for name, frame in written.items():
        got, meta = bulk[name]
        expected = frame.sort_values("date").reset_index(drop=True)
        assert got["date"].dt.strftime("%Y-%m-%d").tolist() == expected["date"].dt.strftime("%Y-%m-%d").tolist()
        assert got["value"].tolist() == expected["value"].tolist()
        assert meta.rows == len(frame)
        pd.testing.assert_frame_equal(got, store.read(name))
    subset = store.entries(["c_series", "b_series", "not_stored"])
    assert sorted(subset) == ["b_series", "c_series"]
    assert subset["b_series"][0]["value"].tolist() == [1.0, 2.0, 3.0]
    assert subset["c_series"][0]["value"].tolist() == [4.0]


def test_reads_never_modify_or_create(imported: Path, tmp_path: Path) -> None:
    before = sha256(imported)
    store = Store(imported)
    store.read("sp500"), store.list(), store.metadata("sp500"), store.entries(), store.log()
    DataSource(store_path=imported).load("sp500")
    assert sha256(imported) == before
    missing = Store(tmp_path / "nested" / "none.duckdb")
    assert missing.read("sp500") is None and missing.list() == [] and missing.metadata("sp500") is None
    assert not (tmp_path / "nested").exists()


def test_export_reimport_identical(imported: Path, tmp_path: Path, snapshot_dir: Path) -> None:
    store = Store(imported)
    result = export_store(store, tmp_path / "export")
    assert len(result.series) == len(store.list())
    lines = (tmp_path / "export" / "series" / "russell2000.csv").read_text().splitlines()
    assert lines[0] == "date,value"
    raw_lines = [f"{d},{v}" for d, v in raw_column(snapshot_dir / "market" / "RUT_daily.csv", "close").items()]
    assert lines[1:] == raw_lines  # shortest float text: exactly the snapshot's two-decimal closes
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["series"]["core_pce"]["content_hash"] == store.metadata("core_pce").content_hash
    again = Store(tmp_path / "again.duckdb")
    back = import_snapshot(tmp_path / "export", again)
    assert back.layout == "export"
    original, copied = store.entries(), again.entries()
    assert sorted(copied) == sorted(original)
    for name, (frame, meta) in original.items():
        assert copied[name][1] == meta  # provenance and content hash carried over
        pd.testing.assert_frame_equal(copied[name][0], frame)
    assert not list((tmp_path / "export").rglob("*.tmp"))


def test_export_snapshot_without_store(snapshot_dir: Path, tmp_path: Path, ds: DataSource) -> None:
    partial = tmp_path / "partial"  # a snapshot holding ust2y but no IWO file: iwo is skipped, not an error
    (partial / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / "fred" / "DGS2.csv", partial / "fred" / "DGS2.csv")
    result = export_snapshot(partial, tmp_path / "out", names=["ust2y", "iwo"])
    assert [m.name for m in result.series] == ["ust2y"] and [s.name for s in result.skipped] == ["iwo"]
    assert not (tmp_path / "store.duckdb").exists()
    reread = DataSource(snapshot=tmp_path / "out")
    pd.testing.assert_series_equal(reread.load("ust2y"), ds.load("ust2y"))


def test_tampered_export_is_rejected(imported: Path, tmp_path: Path) -> None:
    export_store(Store(imported), tmp_path / "exp", names=["core_pce", "pce"])
    path = tmp_path / "exp" / "series" / "pce.csv"
    path.write_text(path.read_text().replace("2026-03-01,", "2026-03-01,1"))
    target = Store(tmp_path / "target.duckdb")
    with pytest.raises(DataError, match=r"pce\.csv, series pce"):
        import_snapshot(tmp_path / "exp", target)
    assert not target.exists()  # all or nothing: core_pce was not written either


def test_broken_snapshot_import_changes_nothing(store_copy: Store, snapshot_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "snap"
    (broken / "fred").mkdir(parents=True)
    for name in ("DFF.csv", "DGS10.csv"):
        shutil.copyfile(snapshot_dir / "fred" / name, broken / "fred" / name)
    with (broken / "fred" / "DGS10.csv").open("a") as fh:
        fh.write("2026-08-24,oops\n")
    before = sha256(store_copy.path)
    with pytest.raises(DataError, match=r"DGS10\.csv, series ust10y, row 16146"):
        import_snapshot(broken, store_copy)
    assert sha256(store_copy.path) == before


def test_replace_many_rolls_back_midwrite(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(store_copy.path)
    calls = []
    original = Store._insert_frame

    def failing(self: Store, con, name: str, frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
        calls.append(name)
        original(self, con, name, frame)
        if len(calls) == 2:
            raise OSError("disk full (injected)")

    monkeypatch.setattr(Store, "_insert_frame", failing)
    items = [Replacement("sp500", _frame(["2026-01-02"], [1.0]), _meta("sp500")),
             Replacement("russell2000", _frame(["2026-01-02"], [2.0]), _meta("russell2000")),
             Replacement("iwm", _frame(["2026-01-02"], [3.0]), _meta("iwm"))]
    with pytest.raises(OSError, match="injected"):
        store_copy.replace_many(items, replace=True)
    assert calls == ["sp500", "russell2000"]
    assert sha256(store_copy.path) == before
    assert store_copy.metadata("sp500").rows > 20000


def test_failed_first_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: Store, con, name: str, frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("injected")

    monkeypatch.setattr(Store, "_insert_frame", failing)
    store = Store(tmp_path / "new.duckdb")
    with pytest.raises(RuntimeError):
        store.replace("sp500", _frame(["2026-01-02"], [1.0]), _meta("sp500"))
    assert not store.exists() and store.list() == []


def test_replace_validates_before_writing(store_copy: Store) -> None:
    before = sha256(store_copy.path)
    with pytest.raises(DataError, match="duplicate date 2026-01-02"):
        store_copy.replace("sp500", _frame(["2026-01-02", "2026-01-02"], [1.0, 2.0]), _meta("sp500"))
    with pytest.raises(DataError, match="non-finite"):
        store_copy.replace("sp500", _frame(["2026-01-02"], [float("nan")]), _meta("sp500"))
    assert sha256(store_copy.path) == before


def test_replace_recomputes_provenance_and_logs(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    frame = _frame(["2026-01-05", "2026-01-02"], [2.5, 1.5])
    meta = store.replace("pe_russell2000", frame, _meta("pe_russell2000"), requested_start="2026-01-01", revised=1)
    assert (meta.first, meta.last, meta.rows) == ("2026-01-02", "2026-01-05", 2)
    back = store.read("pe_russell2000")
    assert list(back["value"]) == [1.5, 2.5] and str(back["date"].dtype) == "datetime64[ns]"
    assert meta.content_hash == frames.content_hash(back)
    (entry,) = store.log("pe_russell2000")
    assert (entry.rows, entry.added, entry.revised, entry.requested_start) == (2, 2, 1, "2026-01-01")


def test_not_a_store(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("not a database")
    with pytest.raises(DataError, match=r"cannot open store .*bogus\.duckdb"):
        Store(bogus).read("sp500")


def test_import_user_series(tmp_path: Path, snapshot_dir: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    csv_file = tmp_path / "pe.csv"
    csv_file.write_text("Date,PE\n2024-01-31,25.5\n2024-02-29,26.25\n")
    meta = import_user_series("pe_russell2000", csv_file, store)
    assert (meta.provider, meta.source, meta.rows) == ("user", str(csv_file.resolve()), 2)
    values = DataSource(store_path=store.path).load("pe_russell2000")
    assert values.to_dict() == {pd.Timestamp("2024-01-31"): 25.5, pd.Timestamp("2024-02-29"): 26.25}
    # a user series is first class in snapshot mode too (read from the store)
    offline = DataSource(snapshot=snapshot_dir, store_path=store.path)
    assert offline.load("pe_russell2000").iloc[-1] == 26.25
    assert offline.meta("pe_russell2000").provider == "user"
    headerless = tmp_path / "nohead.csv"
    headerless.write_text("2024-03-28,24.0\n2024-04-30,23.5\n")
    assert import_user_series("pe_russell2000", headerless, store).rows == 2


@pytest.mark.parametrize(("text", "pattern"), [
    ("date,pe\n2024-01-31,25.5\n2024-02-29,n/a\n",
     r"bad value 'n/a' \(file .*bad\.csv, series pe_russell2000, row 3\)"),
    ("date,pe\n2024-01-31,25.5\n2024-02-30,26\n", r"bad date '2024-02-30' .*row 3"),
    ("date,pe,x\n2024-01-31,25.5,1\n", r"expected 2 columns .*row 1"),
    ("date,pe\n2024-01-31,25.5\n2024-01-31,26\n", r"duplicate date 2024-01-31 .*row 3"),
    ("date,pe\n2024-01-31,\n", r"missing value .*row 2"),
    ("date,pe\n", r"no observations"),
])
def test_import_user_series_errors(tmp_path: Path, text: str, pattern: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    store = Store(tmp_path / "store.duckdb")
    with pytest.raises(DataError, match=pattern):
        import_user_series("pe_russell2000", bad, store)
    assert not store.exists()


def test_import_user_series_refuses_provider_series(tmp_path: Path) -> None:
    good = tmp_path / "x.csv"
    good.write_text("date,value\n2024-01-31,1\n")
    with pytest.raises(DataError, match="comes from provider yahoo"):
        import_user_series("russell2000", good, Store(tmp_path / "s.duckdb"))
    with pytest.raises(UnknownSeriesError):
        import_user_series("pe_russel2000", good, Store(tmp_path / "s.duckdb"))
    with pytest.raises(DataError, match=r"cannot read .*missing\.csv"):
        import_user_series("pe_russell2000", tmp_path / "missing.csv", Store(tmp_path / "s.duckdb"))


def test_store_source_reads_a_big_store_series_by_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the bulk-read limit nothing is read whole; each series comes from its own query, same values."""
    from ratecycle.data import source as source_module

    store = Store(tmp_path / "s.duckdb")
    frame = _frame(["2020-01-01", "2020-01-02", "2020-01-03"], [1.0, 2.0, 3.0])
    store.replace_many([Replacement(n, frame, _meta(n)) for n in ("sp500", "russell2000")], allow_outliers=True)
    assert store.entries_within(6) is not None and store.entries_within(5) is None
    monkeypatch.setattr(source_module, "BULK_READ_ROWS", 5)
    calls: list[str] = []
    original = Store.entry
    monkeypatch.setattr(Store, "entry", lambda self, name: calls.append(name) or original(self, name))
    ds = DataSource(store_path=store.path)
    assert ds.load("sp500").tolist() == [1.0, 2.0, 3.0] and ds.has("russell2000") and not ds.has("iwm")
    assert calls == ["sp500", "russell2000", "iwm"]
    monkeypatch.setattr(source_module, "BULK_READ_ROWS", 6)
    calls.clear()
    whole = DataSource(store_path=store.path)
    assert whole.load("sp500").tolist() == [1.0, 2.0, 3.0] and not whole.has("iwm") and calls == []
