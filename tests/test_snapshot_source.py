"""The snapshot DataSource against independent reads of the raw files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import ratecycle
from ratecycle.errors import DataError, UnknownSeriesError


def _raw(path: Path, column: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return {row["date"]: row[column] for row in csv.DictReader(fh)}


def test_russell_close_matches_file(ds, snapshot_dir: Path) -> None:
    raw = _raw(snapshot_dir / "market" / "RUT_daily.csv", "close")
    series = ds.load("russell2000", "2025-09-15", "2025-09-19")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2025-09-15", "2025-09-16", "2025-09-17",
                                                       "2025-09-18", "2025-09-19"]
    for day, value in series.items():
        assert value == float(raw[day.strftime("%Y-%m-%d")])
    assert series["2025-09-17"] == 2407.34


def test_target_splice_no_gap_no_overlap(ds, snapshot_dir: Path) -> None:
    upper = ds.load("fed_target_upper")
    lower = ds.load("fed_target_lower")
    old = _raw(snapshot_dir / "fred" / "DFEDTAR.csv", "DFEDTAR")
    new_u = _raw(snapshot_dir / "fred" / "DFEDTARU.csv", "DFEDTARU")
    assert upper.index.is_unique and upper.index.is_monotonic_increasing
    days = pd.date_range(upper.index[0], upper.index[-1], freq="D")
    assert len(days) == len(upper) == len(old) + len(new_u)
    assert upper["2008-12-15"] == float(old["2008-12-15"]) == 1.0
    assert upper["2008-12-16"] == 0.25 and lower["2008-12-16"] == 0.0
    assert upper["2025-09-18"] == float(new_u["2025-09-18"]) == 4.25
    assert (upper[:"2008-12-15"] == lower[:"2008-12-15"]).all()


def test_etf_uses_adjusted_close(ds, snapshot_dir: Path) -> None:
    raw = _raw(snapshot_dir / "market" / "IWM_daily.csv", "adj_close")
    assert ds.load("iwm")["2026-08-21"] == float(raw["2026-08-21"])


def test_groups_and_derived(ds, snapshot_dir: Path) -> None:
    ff = ds.load_group("ff_factors")
    assert list(ff.columns) == ["Mkt-RF", "SMB", "HML", "RF"]
    assert ff.loc["2026-02-01", "SMB"] == 0.14
    shiller = _raw(snapshot_dir / "market" / "shiller_ie_data_monthly.csv", "P")
    earnings = _raw(snapshot_dir / "market" / "shiller_ie_data_monthly.csv", "E")
    pe = ds.load("pe_sp500")
    assert pe["2025-09-01"] == pytest.approx(float(shiller["2025-09"]) / float(earnings["2025-09"]))


def test_unknown_and_missing_series(ds) -> None:
    with pytest.raises(UnknownSeriesError, match="russell2000"):
        ds.load("russel2000")
    with pytest.raises(DataError, match="pe_russell2000"):
        ds.load("pe_russell2000")


def test_public_load_api(snapshot_dir: Path) -> None:
    series = ratecycle.load("sp500", start="2025-09-17", end="2025-09-17", snapshot=str(snapshot_dir))
    assert isinstance(series.index, pd.DatetimeIndex)
    assert series.iloc[0] == float(_raw(snapshot_dir / "market" / "GSPC_daily.csv", "close")["2025-09-17"])


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ratecycle.cli.main", *args], capture_output=True, text=True,
                          check=False)


def test_cli_show_json(snapshot_dir: Path) -> None:
    out = _cli("data", "show", "russell2000", "--start", "2025-09-15", "--end", "2025-09-19", "--json",
               "--snapshot", str(snapshot_dir))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [o["value"] for o in doc["observations"]] == [2405.13, 2403.03, 2407.34, 2467.7, 2448.77]


def test_cli_error_is_one_line(snapshot_dir: Path) -> None:
    out = _cli("data", "show", "nope", "--snapshot", str(snapshot_dir))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "unknown series" in out.stderr
    assert "Traceback" not in out.stderr


def test_bad_csv_error_names_file_series_row(tmp_path: Path) -> None:
    from ratecycle.data.frames import read_date_value_csv

    bad = tmp_path / "x.csv"
    bad.write_text("date,value\n2020-01-01,1.0\n2020-01-02,abc\n")
    with pytest.raises(DataError, match=r"file .*x\.csv, series foo, row 3"):
        read_date_value_csv(bad, series="foo")


@pytest.mark.parametrize("relative, column", [
    ("market/GSPC_daily.csv", "close"), ("market/IWM_daily.csv", "adj_close"), ("market/IWM_daily.csv", "close"),
    ("market/shiller_ie_data_monthly.csv", "E"), ("market/ff3_factors_monthly.csv", "SMB"), ("fred/DGS10.csv", "DGS10"),
])
def test_fast_path_equals_row_by_row(snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch, relative: str,
                                     column: str) -> None:
    from ratecycle.data import frames

    path = snapshot_dir / relative
    fast = frames.read_date_value_csv(path, series="x", date_column="date", value_column=column)
    monkeypatch.setattr(frames, "_fast_build", lambda *_, **__: None)
    slow = frames.read_date_value_csv(path, series="x", date_column="date", value_column=column)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert len(fast) > 100


@pytest.mark.parametrize("body", [
    "date,value\n2020-01-02,1.5\n2020-01-03,2.25\n",  # plain: split by the C parser
    "date,value\r\n2020-01-02,1.5\r\n\r\n2020-01-03, 2.25 \r\n",  # CRLF and an empty line
    "date,value,note\n2020-01-02,1.5,a\n,,\n2020-01-03,.,b\n2020-01-06,3,c",  # a row of empty cells, no final newline
    'date,value\n2020-01-02,"1.5"\n2020-01-03,2\n',  # quotes: the csv module
    "date,value\n2020-01-02,1.5,extra\n2020-01-03,2\n",  # ragged rows: the csv module
    "date,value\n2020-01,1.5\n2020-02,2\n",  # months
])
def test_plain_cells_equal_the_csv_module(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ratecycle.data import frames

    fast = frames.read_date_value_csv(body.encode(), series="x")
    monkeypatch.setattr(frames, "_plain_cells", lambda *_, **__: None)
    monkeypatch.setattr(frames, "_fast_build", lambda *_, **__: None)
    slow = frames.read_date_value_csv(body.encode(), series="x")
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert len(fast) >= 2


def test_plain_cells_only_for_plain_files() -> None:
    from ratecycle.data.frames import _plain_cells

    dates, values = _plain_cells("date,value\n2020-01-02,1.5\n\n2020-01-03, 2\n", 2, 0, 1) or ((), ())
    assert list(dates) == ["2020-01-02", "2020-01-03"] and list(values) == ["1.5", " 2"]
    assert _plain_cells('date,value\n2020-01-02,"1.5"\n', 2, 0, 1) is None
    assert _plain_cells("date,value\n2020-01-02,1.5,x\n", 2, 0, 1) is None
    assert _plain_cells("date,value\r2020-01-02,1.5\r", 2, 0, 1) is None


def test_fast_path_still_rejects_bad_date_on_missing_value(tmp_path: Path) -> None:
    from ratecycle.data.frames import read_date_value_csv

    bad = tmp_path / "y.csv"
    bad.write_text("date,value\n2020-01-01,1.0\n2020-13-01,.\n")
    with pytest.raises(DataError, match=r"bad date '2020-13-01' \(file .*y\.csv, series s, row 3\)"):
        read_date_value_csv(bad, series="s")
