"""Long history from monthly FEDFUNDS: turning points by hand, and agreement with the target-based cycles."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ratecycle.cycles import (
    CycleRules,
    compare_with_target,
    cycles_from_source,
    long_history_cycles,
    turning_points,
)


def test_turning_points_by_hand() -> None:
    values = pd.Series([1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0])
    assert turning_points(values, 1.5) == [("trough", 0), ("peak", 2), ("trough", 4), ("peak", 6)]
    assert turning_points(values, 2.5) == []  # never moves 2.5 points away from an extreme
    assert turning_points(pd.Series([5.0, 4.0, 4.5, 3.0]), 1.0) == [("peak", 0), ("trough", 3)]


def test_synthetic_monthly_cycle() -> None:
    index = pd.date_range("1960-01-01", periods=24, freq="MS")
    # flat at 4, hikes of 0.5 for 4 months, flat 6 months, then cuts of 0.5 for 3 months, a 4-month gap, one more
    levels = [4.0] * 3 + [4.5, 5.0, 5.5, 6.0] + [6.0] * 6 + [5.5, 5.0, 4.5] + [4.5] * 4 + [4.0] * 4
    cycles = long_history_cycles(pd.Series(levels, index=index), rules=CycleRules(min_pause=52, max_gap=300),
                                 min_amplitude=1.0, smooth=1)
    assert [(c.direction, f"{c.start:%Y-%m}", f"{c.end:%Y-%m}") for c in cycles] == [
        ("hike", "1960-04", "1960-07"), ("cut", "1961-02", "1961-09")]
    cut = cycles[1]
    assert cut.confidence == "low" and cut.source == "fedfunds" and cut.total_change_bps == -200.0
    assert cut.pause is not None and (f"{cut.pause.start:%Y-%m}", f"{cut.pause.end:%Y-%m}") == ("1961-04", "1961-09")
    assert cut.ongoing  # the data end within max_gap of the last monthly move


def _fedfunds(snapshot_dir: Path) -> dict[str, float]:
    with open(snapshot_dir / "fred" / "FEDFUNDS.csv", newline="") as fh:
        return {r["date"][:7]: float(r["FEDFUNDS"]) for r in csv.DictReader(fh)}


def test_long_history_on_snapshot(ds, snapshot_dir: Path) -> None:
    monthly = long_history_cycles(ds.load("fed_funds_monthly"))
    raw = _fedfunds(snapshot_dir)
    # the 1974 peak of the monthly rate (found here from the raw file) starts a cutting cycle the month after
    peak = max((m for m in raw if m.startswith("1974")), key=lambda m: raw[m])
    after = (pd.Period(peak, "M") + 1).strftime("%Y-%m")
    assert any(c.direction == "cut" and f"{c.start:%Y-%m}" == after for c in monthly)
    assert all(c.confidence == "low" and c.source == "fedfunds" for c in monthly)
    assert monthly[0].start.year == 1954
    # where the target exists, the monthly method finds the note's cutting cycles within a quarter
    target = cycles_from_source(ds)
    for start in ("2001-01-03", "2007-09-18", "2019-07-31", "2024-09-18"):
        assert any(c.direction == "cut" and abs((c.start - pd.Timestamp(start)).days) <= 92 for c in monthly)
    agreement = compare_with_target(monthly, target)
    assert agreement.target_cycles == sum(abs(c.total_change_bps) >= 75 for c in target)
    # the figures quoted in docs/cycles.md
    assert (agreement.target_cycles, agreement.matched, agreement.long_cycles, agreement.long_matched) == (
        18, 14, 16, 14)
    assert agreement.median_start_offset_days == -15.0 and round(agreement.month_agreement, 2) == 0.93
