"""Relative momentum (the rotation trace) against returns computed from the raw index files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.momentum import relative_momentum


def _closes(path: Path) -> dict[str, float]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}


def test_momentum_on_2025_09_17_matches_raw_closes(ds, snapshot_dir: Path) -> None:
    rut = _closes(snapshot_dir / "market" / "RUT_daily.csv")
    spx = _closes(snapshot_dir / "market" / "GSPC_daily.csv")
    result = relative_momentum(ds.load("russell2000"), ds.load("sp500"), "2025-09-17", a_name="russell2000",
                               b_name="sp500")
    # 3 months before 2025-09-17 is 2025-06-17, a trading day; 1 month back is Sunday 2025-08-17 -> Friday 08-15.
    three = result.horizon(3)
    assert three.start == pd.Timestamp("2025-06-17") and three.end == pd.Timestamp("2025-09-17")
    ra = rut["2025-09-17"] / rut["2025-06-17"] - 1
    rb = spx["2025-09-17"] / spx["2025-06-17"] - 1
    assert three.return_a == pytest.approx(ra) and three.return_b == pytest.approx(rb)
    assert three.relative == pytest.approx((1 + ra) / (1 + rb) - 1)
    one = result.horizon(1)
    assert one.start == pd.Timestamp("2025-08-15")
    assert one.return_a == pytest.approx(rut["2025-09-17"] / rut["2025-08-15"] - 1)
    assert result.signal == 1


def test_momentum_ignores_data_after_as_of(ds) -> None:
    full = relative_momentum(ds.load("russell2000"), ds.load("sp500"), "2025-09-17")
    cut = relative_momentum(ds.load("russell2000", end="2025-09-17"), ds.load("sp500", end="2025-09-17"), "2025-09-17")
    assert full.to_dict() == cut.to_dict()


def test_momentum_signal_is_majority() -> None:
    index = pd.bdate_range("2024-01-01", "2024-08-01")
    a = pd.Series(100.0, index=index)
    b = pd.Series(100.0, index=index)
    a.loc["2024-07-15":] = 110.0  # A jumps in the last month: +10% over every horizon
    b.loc["2024-03-01":] = 120.0  # B jumped 5 months ago: B beats A over 6 months only
    result = relative_momentum(a, b, "2024-08-01")
    signs = [h.sign for h in result.horizons]
    assert signs == [1, 1, -1]
    assert result.signal == 1


def test_momentum_unsorted_gaps_and_duplicates() -> None:
    """Unsorted input, missing and non-positive closes are handled; a repeated date is a clear error."""
    from ratecycle.errors import DataError

    index = pd.bdate_range("2024-01-01", "2024-08-01")
    a = pd.Series(range(100, 100 + len(index)), index=index, dtype="float64", name="a")
    b = pd.Series(200.0, index=index, name="b")
    a.iloc[-1] = float("nan")  # A's last day is missing: the common end is the day before
    b.iloc[5] = 0.0
    shuffled = relative_momentum(a.sample(frac=1, random_state=1), b.sample(frac=1, random_state=2), "2024-08-01")
    ordered = relative_momentum(a, b, "2024-08-01")
    assert shuffled.to_dict() == ordered.to_dict()
    assert ordered.horizon(1).end == index[-2]
    assert ordered.horizon(1).return_a == pytest.approx(a.iloc[-2] / a[a.index <= index[-2] - pd.DateOffset(months=1)]
                                                        .iloc[-1] - 1)
    with pytest.raises(DataError, match="duplicate dates"):
        relative_momentum(pd.concat([a, a.iloc[:1]]), b, "2024-08-01")
    with pytest.raises(DataError, match="no common closes"):
        relative_momentum(a, b, "2023-06-01")


def test_cli_momentum_json(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["momentum", "--as-of", "2025-09-17", "--pair", "russell2000,sp500",
                                      "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [h["months"] for h in doc["horizons"]] == [1, 3, 6]
    assert doc["horizons"][1]["start"] == "2025-06-17"
