"""The report's as-of gate: daily series end on the as-of date, monthly values count once their month is over,
and source lines name the newest month published under each documented lag."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.data.asof import AsOfSource
from ratecycle.data.source import DataSource
from ratecycle.report.build import ReportOptions, make_context


def _raw_dates(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [r[0] for r in rows[1:] if len(r) > 1 and r[1].strip() not in {"", "."}]


@pytest.mark.parametrize(("as_of", "last_month"), [("2025-09-17", "2025-08-01"), ("2025-08-31", "2025-07-01"),
                                                   ("2025-09-01", "2025-08-01")])
def test_monthly_values_count_once_their_month_is_over(ds: DataSource, snapshot_dir: Path, as_of: str,
                                                      last_month: str) -> None:
    view = AsOfSource(base=ds, as_of=pd.Timestamp(as_of))
    raw = [d for d in _raw_dates(snapshot_dir / "fred" / "FEDFUNDS.csv") if d <= last_month]
    frame = view.frame("fed_funds_monthly")
    assert frame["date"].iloc[-1] == pd.Timestamp(last_month) and len(frame) == len(raw)
    assert view.frame("sp500")["date"].iloc[-1] <= pd.Timestamp(as_of)  # daily: up to the day itself
    assert view.meta("fed_funds_monthly").last == last_month


def test_source_lines_name_the_newest_published_month(ds: DataSource) -> None:
    ctx = make_context(ds, ReportOptions(as_of="2025-09-17"))
    # core PCE: month M counts from the end of M+1, so July 2025 (out 31 Aug) is the newest on 17 Sep 2025
    assert "latest month published by 17 Sep 2025: Jul 2025 (month M counts from the end of M+1)" \
        in ctx.full_source("core_pce")
    # Shiller earnings three months late: May 2025 counts from 31 Aug, June only from 30 Sep
    assert "published by 17 Sep 2025: May 2025" in ctx.latest_known("pe_sp500")
    assert ctx.latest_known("fed_funds_monthly") == "latest month Aug 2025"
    assert ctx.latest_known("sp500") == "last observation 17 Sep 2025"
    late = make_context(ds, ReportOptions(as_of="2025-09-30"))
    assert "Jun 2025" in late.latest_known("pe_sp500") and "Aug 2025" in late.latest_known("core_pce")


def test_what_happened_next_marks_a_cut_window_partial_everywhere(ds: DataSource, snapshot_dir: Path) -> None:
    """The ex-post appendix ends at the last common close; its JSON must not call that window complete."""
    from ratecycle.report.next import what_happened_next

    ctx = make_context(ds, ReportOptions(as_of="2025-09-17"))
    _, data = what_happened_next(ctx)
    last_rut = _raw_dates(snapshot_dir / "market" / "RUT_daily.csv")[-1]
    assert data["partial"] is True and data["realised"]["incomplete"] is True
    assert data["realised"]["end_a"] <= last_rut < data["horizon"]


def test_fama_french_source_line_uses_its_lag(ds: DataSource) -> None:
    """SMB for month M counts from the end of M+1, in the source line as in the section that uses it."""
    ctx = make_context(ds, ReportOptions(as_of="2008-10-09"))
    assert ctx.latest_known("ff_factors:SMB") == ("latest month published by 9 Oct 2008: Aug 2008 "
                                                  "(month M counts from the end of M+1)")


def test_holdings_through_the_as_of_view_stop_at_the_date(ds: DataSource) -> None:
    """Each IWM download is seen from its own date on, never before it."""
    dates = sorted(pd.Timestamp(p.stem.rsplit("_", 1)[1])
                   for p in (Path(ds.snapshot) / "market").glob("IWM_holdings_*.csv"))
    assert pd.Timestamp("2026-05-05") in dates
    for day in dates:
        seen = [h.as_of for h in AsOfSource(base=ds, as_of=day).holdings("IWM")]
        assert seen == [d for d in dates if d <= day] and seen[-1] == day
        before = [h.as_of for h in AsOfSource(base=ds, as_of=day - pd.Timedelta(days=1)).holdings("iwm")]
        assert before == [d for d in dates if d < day]
