"""Measures of small against large: a daily price pair, or the Ken French size portfolios as monthly indexes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._typing import Convention
from ..errors import DataError
from ..events.pair import Prices, as_prices
from ..events.windows import CONVENTIONS

MONTHLY_CONVENTIONS: tuple[Convention, ...] = ("month_end", "prior_month_end")


@dataclass(frozen=True)
class Measure:
    """Two price paths (small, large), their family and the window conventions that make sense for them."""

    name: str
    family: str
    a: Prices
    b: Prices
    frequency: str
    """'daily' (pseudo-events on trading days) or 'monthly' (pseudo-events on the first of a month)."""
    conventions: tuple[Convention, ...]


def pair_measure(a: pd.Series, b: pd.Series, name: str, family: str = "market") -> Measure:
    """A daily pair of price (or total-return) series, under every window convention."""
    return Measure(name, family, as_prices(a), as_prices(b), "daily", CONVENTIONS)


def returns_index(returns_pct: pd.Series, name: str) -> pd.Series:
    """A monthly return series in percent (dated the 1st) as an index level at each month's last day."""
    r = returns_pct.dropna().sort_index().astype("float64")
    if r.empty:
        raise DataError(f"series {name} has no returns")
    dates = pd.DatetimeIndex(r.index)
    ends = dates.to_period("M").to_timestamp(how="end").normalize()
    first = (dates[0].to_period("M") - 1).to_timestamp(how="end").normalize()
    level = np.concatenate([[1.0], np.cumprod(1.0 + r.to_numpy() / 100.0)])
    return pd.Series(level, index=pd.DatetimeIndex([first, *ends]), name=name)


def long_history_measure(small_pct: pd.Series, large_pct: pd.Series,
                         name: str = "ff_size:lo30-hi30") -> Measure:
    """Ken French small (bottom 30%) against big (top 30%) value-weighted returns, month-end conventions only."""
    a = as_prices(returns_index(small_pct, "ff_size:lo30"), "ff_size:lo30")
    b = as_prices(returns_index(large_pct, "ff_size:hi30"), "ff_size:hi30")
    return Measure(name, "long_history", a, b, "monthly", MONTHLY_CONVENTIONS)
