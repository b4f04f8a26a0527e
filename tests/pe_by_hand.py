"""The price-updated S&P 500 P/E computed by hand from the raw snapshot CSVs (csv and statistics only).

Independent of ratecycle: the close is the last GSPC row dated on or before the as-of date; earnings and P/E of
month M count from the last day of month M+3; the window is the 60 monthly P/E values ending at the newest one.
"""

from __future__ import annotations

import bisect
import calendar
import csv
import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path

LAG = 3


@dataclass(frozen=True)
class HandPE:
    """The numbers a price-updated P/E reading must reproduce."""

    price_date: str
    price: float
    earnings_month: str
    earnings_released: str
    earnings: float
    value: float
    mean: float
    std: float
    zscore: float
    bands: tuple[float, float, float, float]
    percentile: float
    window: tuple[str, str, int]
    lagged_month: str
    lagged_value: float
    history_count: int


def closes(snapshot_dir: Path) -> list[tuple[str, float]]:
    """(date, close) rows of GSPC_daily.csv in date order."""
    with (snapshot_dir / "market" / "GSPC_daily.csv").open(newline="", encoding="utf-8-sig") as fh:
        return sorted((r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["close"])


def shiller(snapshot_dir: Path) -> dict[str, tuple[float | None, float | None]]:
    """Month 'YYYY-MM' -> (P, E) from shiller_ie_data_monthly.csv, None where a cell is empty."""
    out: dict[str, tuple[float | None, float | None]] = {}
    with (snapshot_dir / "market" / "shiller_ie_data_monthly.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["date"]] = (float(row["P"]) if row["P"] else None, float(row["E"]) if row["E"] else None)
    return out


def released(month: str, lag: int = LAG) -> str:
    """ISO date of the last day of month M+lag for month 'YYYY-MM'."""
    year, mon = int(month[:4]), int(month[5:7]) + lag
    year, mon = year + (mon - 1) // 12, (mon - 1) % 12 + 1
    return dt.date(year, mon, calendar.monthrange(year, mon)[1]).isoformat()


def months_between(a: str, b: str) -> int:
    """Number of months from 'YYYY-MM' a to b."""
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def price_updated(snapshot_dir: Path, as_of: str, years: int = 5) -> HandPE:
    """The reading on ``as_of`` from the raw files."""
    rows = closes(snapshot_dir)
    pos = bisect.bisect_right([d for d, _ in rows], as_of)
    price_date, price = rows[pos - 1]
    table = shiller(snapshot_dir)
    published = sorted(m for m in table if released(m) <= as_of)
    earnings_month = max(m for m in published if table[m][1] is not None)
    earnings = table[earnings_month][1]
    assert earnings is not None
    pe = {m: table[m][0] / table[m][1] for m in published  # type: ignore[operator]
          if table[m][0] is not None and table[m][1] is not None and table[m][1] > 0}
    last = max(pe)
    window = [pe[m] for m in sorted(pe) if 0 <= months_between(m, last) < 12 * years]
    mean, std = statistics.fmean(window), statistics.stdev(window)
    value = price / earnings
    history = list(pe.values())
    first = min(m for m in pe if months_between(m, last) < 12 * years)
    return HandPE(price_date=price_date, price=price, earnings_month=earnings_month,
                  earnings_released=released(earnings_month), earnings=earnings, value=value, mean=mean, std=std,
                  zscore=(value - mean) / std, bands=(mean - 2 * std, mean - std, mean + std, mean + 2 * std),
                  percentile=100 * sum(v <= value for v in history) / len(history),
                  window=(first, last, len(window)), lagged_month=last, lagged_value=pe[last],
                  history_count=len(history))
