"""Yield-curve readings against the raw T10Y2Y / DGS10 / DGS2 files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.curve import curve_over_cycles, curve_reading, spread_series, trend
from ratecycle.cycles.model import Cycle, Move
from ratecycle.errors import DataError


def _raw(path: Path, column: str) -> dict[str, float]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["date"]: float(r[column]) for r in csv.DictReader(fh)}


def test_reading_since_cycle_start(ds, snapshot_dir: Path) -> None:
    raw = _raw(snapshot_dir / "fred" / "T10Y2Y.csv", "T10Y2Y")
    reading = curve_reading(spread_series(ds.load("ust10y2y")), "2025-09-17", cycle_start="2024-09-18")
    assert reading.level == raw["2025-09-17"]
    assert reading.level_then == raw["2024-09-18"]
    assert reading.change == pytest.approx(raw["2025-09-17"] - raw["2024-09-18"])
    assert reading.since_basis == "cycle start"
    assert reading.steepening is (raw["2025-09-17"] - raw["2024-09-18"] > 0.10)
    # A Saturday as-of uses Friday's close.
    saturday = curve_reading(spread_series(ds.load("ust10y2y")), "2025-09-20")
    assert saturday.date == pd.Timestamp("2025-09-19") and saturday.level == raw["2025-09-19"]
    assert saturday.since_basis == "6 months"


def test_young_cycle_falls_back_and_finished_cycle_reports_end(ds, snapshot_dir: Path) -> None:
    raw = _raw(snapshot_dir / "fred" / "T10Y2Y.csv", "T10Y2Y")
    spread = spread_series(ds.load("ust10y2y"))
    young = curve_reading(spread, "2024-10-18", cycle_start="2024-09-18")
    assert young.since_basis == "6 months"
    assert young.level_then == raw["2024-04-18"]
    done = curve_reading(spread, "2009-06-30", cycle_start="2007-09-18", cycle_end="2008-12-16")
    assert done.change_start_to_end == pytest.approx(raw["2008-12-16"] - raw["2007-09-18"])


def test_fallback_difference_of_yields(ds, snapshot_dir: Path) -> None:
    ten = _raw(snapshot_dir / "fred" / "DGS10.csv", "DGS10")
    two = _raw(snapshot_dir / "fred" / "DGS2.csv", "DGS2")
    spread = spread_series(ust10y=ds.load("ust10y"), ust2y=ds.load("ust2y"))
    assert spread["2025-09-17"] == pytest.approx(ten["2025-09-17"] - two["2025-09-17"])
    assert spread["1990-11-21"] == pytest.approx(ten["1990-11-21"] - two["1990-11-21"])  # FRED's T10Y2Y differs here
    with pytest.raises(DataError, match="needs ust10y2y"):
        spread_series()


def test_curve_over_cycles_and_trend() -> None:
    spread = pd.Series([0.1, 0.3, 0.9, 0.5], index=pd.to_datetime(["2020-01-01", "2020-02-03", "2020-06-01",
                                                                    "2020-09-01"]))
    move = Move(pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-03"), -25, 1.0, 1.25)
    move2 = Move(pd.Timestamp("2020-06-02"), pd.Timestamp("2020-06-03"), -25, 0.75, 1.0)
    cycle = Cycle("cut", (move, move2))
    table = curve_over_cycles(spread, [cycle], as_of="2020-12-31")
    row = table.iloc[0]
    assert row["level_start"] == 0.1 and row["level_end"] == 0.9
    assert row["change"] == pytest.approx(0.8) and row["trend"] == 1
    assert [trend(x) for x in (0.2, 0.05, -0.11)] == [1, 0, -1]


def test_curve_as_of_ignores_later_data(ds) -> None:
    full = curve_reading(spread_series(ds.load("ust10y2y")), "2025-09-17", cycle_start="2024-09-18")
    cut = curve_reading(spread_series(ds.load("ust10y2y", end="2025-09-17")), "2025-09-17", cycle_start="2024-09-18")
    assert full.to_dict() == cut.to_dict()


def test_cli_curve_json(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["curve", "--as-of", "2025-09-17", "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    raw = _raw(snapshot_dir / "fred" / "T10Y2Y.csv", "T10Y2Y")
    assert doc["reading"]["cycle_start"] == "2024-09-18"
    assert doc["reading"]["level"] == raw["2025-09-17"]
    last = doc["cycles"][-1]
    assert last["start"] == "2024-09-18" and last["ongoing"] is True
    assert all(c["start"] <= "2025-09-17" for c in doc["cycles"])
    assert "(pause rule longest, min pause 52 days, max gap 370 days, at least 2 moves and 50 bp, the default rules)" \
        in doc["note"]


def test_negative_threshold_is_refused() -> None:
    assert trend(-0.5, 0.1) == -1 and trend(0.05, 0.1) == 0
    with pytest.raises(DataError, match="threshold must be >= 0"):
        trend(-0.5, -1.0)  # a negative band would call a flattening 'steepening'
