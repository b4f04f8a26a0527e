"""localcsv provider: any date,value CSV on disk, through the provider registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ratecycle.data.catalog import Segment
from ratecycle.data.providers.base import get_provider
from ratecycle.errors import DataError
from wire import read_rows


def test_snapshot_fred_file_as_local_csv(snapshot_dir: Path) -> None:
    path = snapshot_dir / "fred" / "DFEDTARU.csv"
    raw = {r["date"]: float(r["DFEDTARU"]) for r in read_rows(path)}
    provider = get_provider("localcsv", base_url="ignored", retries=3)
    frame = provider.fetch(Segment("localcsv", str(path)), "fed_target_upper", pd.Timestamp("2025-12-09"),
                           pd.Timestamp("2025-12-12"))
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-09", "2025-12-10", "2025-12-11", "2025-12-12"]
    assert frame["value"].tolist() == [raw[d] for d in frame["date"].dt.strftime("%Y-%m-%d")]
    assert frame["value"].tolist() == [4.0, 4.0, 3.75, 3.75]


def test_named_column_and_errors(tmp_path: Path, snapshot_dir: Path) -> None:
    prices = snapshot_dir / "market" / "SPY_daily.csv"
    raw = {r["date"]: float(r["adj_close"]) for r in read_rows(prices)}
    provider = get_provider("localcsv")
    frame = provider.fetch(Segment("localcsv", str(prices), "adj_close"), "spy", pd.Timestamp("2026-08-21"))
    assert frame["value"].tolist() == [raw["2026-08-21"]]
    bad = tmp_path / "pe.csv"
    bad.write_text("date,pe\n2024-01-31,14.2\n2024-02-29,n/a?\n")
    with pytest.raises(DataError, match=r"bad value 'n/a\?' \(file .*pe\.csv, series pe_russell2000, row 3\)"):
        provider.fetch(Segment("localcsv", str(bad)), "pe_russell2000")
    with pytest.raises(DataError, match="cannot read"):
        provider.fetch(Segment("localcsv", str(tmp_path / "missing.csv")), "x")
