"""Valuation bands against hand computations from the raw Shiller file."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle import valuation as val
from ratecycle.cli.main import app
from ratecycle.errors import DataError, RatecycleError


def _raw_pe(snapshot_dir: Path) -> dict[str, float]:
    """Trailing P/E per month ('YYYY-MM') straight from the Shiller CSV: P / E where both are present."""
    out: dict[str, float] = {}
    with (snapshot_dir / "market" / "shiller_ie_data_monthly.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["P"] and row["E"] and float(row["E"]) > 0:
                out[row["date"]] = float(row["P"]) / float(row["E"])
    return out


def test_pe_as_of_uses_only_published_earnings(ds, snapshot_dir: Path) -> None:
    raw = _raw_pe(snapshot_dir)
    months = sorted(raw)
    # As of 2025-09-17 the newest month whose earnings were out (month M known at the end of M+3) is 2025-05.
    result = val.valuation(ds.load("pe_sp500"), name="pe_sp500", as_of="2025-09-17", lag_months=3)
    assert result.observation_date == pd.Timestamp("2025-05-01")
    assert result.released == pd.Timestamp("2025-08-31")
    assert result.value == pytest.approx(raw["2025-05"])
    window = [raw[m] for m in months if "2020-06" <= m <= "2025-05"]
    assert len(window) == 60 == result.window_count
    mean, std = statistics.fmean(window), statistics.stdev(window)
    assert result.mean == pytest.approx(mean, rel=1e-12)
    assert result.std == pytest.approx(std, rel=1e-12)
    assert result.zscore == pytest.approx((raw["2025-05"] - mean) / std, rel=1e-9)
    assert result.upper2 == pytest.approx(mean + 2 * std) and result.lower1 == pytest.approx(mean - std)
    history = [raw[m] for m in months if m <= "2025-05"]
    assert result.history_count == len(history)
    assert result.percentile == pytest.approx(100 * sum(v <= raw["2025-05"] for v in history) / len(history))
    # One month-end later, June's earnings count as published.
    later = val.valuation(ds.load("pe_sp500"), name="pe_sp500", as_of="2025-09-30", lag_months=3)
    assert later.observation_date == pd.Timestamp("2025-06-01")
    assert later.value == pytest.approx(raw["2025-06"])


def test_as_of_result_ignores_later_data(ds) -> None:
    full = ds.load("shiller:CAPE")
    cut = full[:"2025-05-01"]
    a = val.valuation(full, name="shiller:CAPE", as_of="2025-09-17", lag_months=3)
    b = val.valuation(cut, name="shiller:CAPE", as_of="2025-09-17", lag_months=3)
    assert a.to_dict() == b.to_dict()


def test_bands_match_independent_rolling_stats() -> None:
    index = pd.date_range("2010-01-01", periods=120, freq="MS")
    values = 15 + np.sin(np.arange(120) / 7.0) * 3 + np.arange(120) * 0.05
    series = pd.Series(values, index=index)
    frame = val.bands(series, years=2, min_obs=12)
    # 2-year window at month i holds the 24 months ending at i.
    for i in (30, 77, 119):
        window = list(values[i - 23: i + 1])
        mean, std = statistics.fmean(window), statistics.stdev(window)
        row = frame.iloc[i]
        assert row["count"] == 24
        assert row["mean"] == pytest.approx(mean, rel=1e-12)
        assert row["upper1"] == pytest.approx(mean + std, rel=1e-12)
        assert row["lower2"] == pytest.approx(mean - 2 * std, rel=1e-12)
        assert row["zscore"] == pytest.approx((values[i] - mean) / std, rel=1e-9)
    assert frame["mean"].iloc[:11].isna().all() and not np.isnan(frame["mean"].iloc[11])


def test_bands_on_irregular_daily_dates_use_calendar_window() -> None:
    index = pd.DatetimeIndex(["2020-01-01", "2020-06-01", "2020-12-31", "2021-01-01", "2021-01-02"])
    series = pd.Series([1.0, 2.0, 4.0, 8.0, 16.0], index=index)
    frame = val.bands(series, years=1, min_obs=2)
    # Window at 2021-01-01 is (2020-01-01, 2021-01-01]: 2.0, 4.0, 8.0.
    assert frame.loc["2021-01-01", "count"] == 3
    assert frame.loc["2021-01-01", "mean"] == pytest.approx(14 / 3)


def test_relative_series_respects_each_lag() -> None:
    a = pd.Series([10.0, 11.0, 12.0], index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    b = pd.Series([20.0, 22.0, 30.0], index=pd.to_datetime(["2024-01-15", "2024-02-15", "2024-06-15"]))
    ratio = val.relative_series(a, b, lag_a=1, lag_b=None, name="a/b")
    # a's January value is known on 2024-02-29; b is known on its date.
    assert ratio.index[0] == pd.Timestamp("2024-02-29")
    assert ratio.loc["2024-02-29"] == pytest.approx(10.0 / 22.0)
    assert ratio.loc["2024-03-31"] == pytest.approx(11.0 / 22.0)
    assert ratio.loc["2024-06-30"] == pytest.approx(12.0 / 30.0)


def test_too_short_history_is_an_error() -> None:
    series = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="MS"))
    with pytest.raises(DataError, match="only 2 observations"):
        val.valuation(series, name="x", years=5)
    with pytest.raises(DataError, match="no observation of x published by 2023-01-01"):
        val.valuation(series, name="x", as_of="2023-01-01")


def _export_snapshot(tmp_path: Path, ds) -> Path:
    """An export-layout snapshot holding CAPE and a user-supplied pe_russell2000 (synthetic for the test)."""
    root = tmp_path / "snap"
    (root / "series").mkdir(parents=True)
    cape = ds.load("shiller:CAPE")["2010-01-01":]
    user = (ds.load("pe_sp500")["2010-01-01":] * 0.7).round(4)
    series_doc = {}
    for name, data in (("shiller:CAPE", cape), ("pe_russell2000", user)):
        lines = ["date,value"] + [f"{d.date().isoformat()},{v!r}" for d, v in data.items()]
        (root / "series" / f"{name.replace(':', '__')}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        series_doc[name] = {"provider": "test", "symbol": name}
    (root / "manifest.json").write_text(json.dumps({"series": series_doc}), encoding="utf-8")
    return root


def test_cli_missing_series_says_so(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["valuation", "pe_russell2000", "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] == "missing"
    assert doc["import_command"] == "ratecycle data import-series pe_russell2000 FILE.csv"
    assert "value" not in doc


def test_cli_relative_valuation_with_user_series(tmp_path: Path, ds) -> None:
    root = _export_snapshot(tmp_path, ds)
    result = CliRunner().invoke(app, ["valuation", "pe_russell2000", "--vs", "shiller:CAPE", "--as-of", "2025-09-17",
                                      "--snapshot", str(root), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    # The user series is known on its own date (2025-09-01), CAPE only to 2025-05 (three-month earnings lag).
    pe, cape = ds.load("pe_sp500"), ds.load("shiller:CAPE")
    assert doc["series"] == "pe_russell2000/shiller:CAPE"
    assert doc["observation_date"] == "2025-08-31"
    assert doc["value"] == pytest.approx(round(pe["2025-08-01"] * 0.7, 4) / cape["2025-05-01"])


def test_cli_valuation_json_matches_api(snapshot_dir: Path, ds) -> None:
    result = CliRunner().invoke(app, ["valuation", "shiller:CAPE", "--as-of", "2024-12-31", "--years", "10",
                                      "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = val.valuation(ds.load("shiller:CAPE"), name="shiller:CAPE", as_of="2024-12-31", years=10,
                             lag_months=3)
    assert doc == json.loads(json.dumps(expected.to_dict()))
    assert doc["window_count"] == 120 and doc["observation_date"] == "2024-09-01"


def test_cli_json_and_csv_together_is_an_error(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["valuation", "pe_sp500", "--snapshot", str(snapshot_dir), "--json", "--csv"])
    assert result.exit_code != 0 and isinstance(result.exception, RatecycleError)
    assert str(result.exception) == "choose one of --json and --csv"
