"""Release rules in the catalog and the as-of gate of ratecycle.data, checked against the raw snapshot files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pit_by_hand import raw_rows, target_release
from ratecycle.data.asof import AsOfSource, as_of, released
from ratecycle.data.catalog import CATALOG
from ratecycle.data.release import ANNUAL_NEXT_YEAR, month_end_lag
from ratecycle.data.source import DataSource


def test_every_catalog_series_has_a_release_rule() -> None:
    missing = [name for name, spec in CATALOG.items() if spec.release is None]
    assert missing == []
    assert all(spec.release.describe() for spec in CATALOG.values() if spec.release is not None)


@pytest.mark.parametrize("fred_id", ["DFEDTAR", "DFEDTARU", "DFEDTARL"])
def test_target_release_days_match_the_rule_worked_by_hand(ds: DataSource, snapshot_dir: Path, fred_id: str) -> None:
    """Every row of each target file: a change at its meeting day (0-3 days before it takes effect), else its date."""
    name = "fed_target_upper" if fred_id != "DFEDTARL" else "fed_target_lower"
    by_hand = {d: r for d, _, r in target_release(snapshot_dir, fred_id)}
    got = released(ds, name)
    mine = {d.date().isoformat(): r.date().isoformat() for d, r in got.items() if d.date().isoformat() in by_hand}
    # the splice day starts a new file, so its first row counts as a change in the spliced series only
    mine.pop("2008-12-16", None)
    by_hand.pop("2008-12-16", None)
    assert mine == {d: r for d, r in by_hand.items() if d in mine} and len(mine) > 1000


@pytest.mark.parametrize(("day", "last_upper"), [("2025-09-17", ("2025-09-18", 4.25)),
                                                 ("2025-09-16", ("2025-09-16", 4.5)),
                                                 ("2020-03-03", ("2020-03-04", 1.25)),
                                                 ("2008-10-08", ("2008-10-08", 1.5))])
def test_a_target_change_is_known_at_the_close_of_its_announcement_day(ds: DataSource, snapshot_dir: Path,
                                                                       day: str, last_upper: tuple[str, float]) -> None:
    fred_id = "DFEDTARU" if day >= "2008-12-16" else "DFEDTAR"
    rows = [(d, float(v)) for d, v, r in target_release(snapshot_dir, fred_id) if r <= day]
    assert rows[-1] == last_upper
    frame = as_of(ds, day).frame("fed_target_upper")
    assert (frame["date"].iloc[-1].date().isoformat(), float(frame["value"].iloc[-1])) == last_upper


def test_monthly_and_lagged_rules(ds: DataSource, snapshot_dir: Path) -> None:
    """Core PCE for July 2025 is public at the end of August; Shiller earnings three months late; DFF next day."""
    pce = [d for d, _ in raw_rows(snapshot_dir / "fred" / "PCEPILFE.csv")]
    assert "2025-07-01" in pce and "2025-08-01" in pce
    assert as_of(ds, "2025-08-31").frame("core_pce")["date"].iloc[-1] == pd.Timestamp("2025-07-01")
    assert as_of(ds, "2025-08-30").frame("core_pce")["date"].iloc[-1] == pd.Timestamp("2025-06-01")
    assert as_of(ds, "2025-09-17").frame("shiller:E")["date"].iloc[-1] == pd.Timestamp("2025-05-01")
    assert as_of(ds, "2025-09-17").frame("shiller:P")["date"].iloc[-1] == pd.Timestamp("2025-08-01")
    dff = [d for d, _ in raw_rows(snapshot_dir / "fred" / "DFF.csv")]
    assert {"2025-09-11", "2025-09-12", "2025-09-13", "2025-09-14"} <= set(dff)
    # FRED has weekend rows too: Friday's to Sunday's rates are published on Monday
    assert as_of(ds, "2025-09-14").frame("fed_effective")["date"].iloc[-1] == pd.Timestamp("2025-09-11")
    assert as_of(ds, "2025-09-15").frame("fed_effective")["date"].iloc[-1] == pd.Timestamp("2025-09-14")


def test_rule_arithmetic() -> None:
    months = pd.DatetimeIndex(["2025-07-01", "2025-12-01"])
    assert list(month_end_lag(1).dates(months)) == [pd.Timestamp("2025-08-31"), pd.Timestamp("2026-01-31")]
    assert list(month_end_lag(3).dates(months)) == [pd.Timestamp("2025-10-31"), pd.Timestamp("2026-03-31")]
    assert list(ANNUAL_NEXT_YEAR.dates(pd.DatetimeIndex(["2024-01-01"]))) == [pd.Timestamp("2025-01-31")]


def test_the_gate_is_idempotent_and_nests(ds: DataSource) -> None:
    late = as_of(ds, "2025-09-17")
    early = as_of(late, "2020-03-03")
    assert isinstance(early, AsOfSource) and early.base is ds
    for name in ("fed_target_upper", "core_pce", "pe_sp500"):
        assert early.frame(name).equals(as_of(ds, "2020-03-03").frame(name))
