"""Computations behind derived catalog series that are more than a ratio of two inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .._typing import DateLike
from ..errors import DataError

if TYPE_CHECKING:
    from .source import DataSource

SMALL = ("small_lobm", "small_medbm", "small_hibm")
BIG = ("big_lobm", "big_medbm", "big_hibm")


def bm_small_big(bm: pd.DataFrame, firms: pd.DataFrame, mcap: pd.DataFrame) -> pd.Series:
    """Market-value-weighted BE/ME of the three small portfolios over that of the three big ones, monthly.

    Each argument has one column per portfolio (``small_lobm`` ... ``big_hibm``); a portfolio's weight is its
    total market value, number of firms x average market cap. Months missing any input are left out.
    """
    for name, frame in (("BE/ME", bm), ("number of firms", firms), ("average market cap", mcap)):
        absent = [c for c in (*SMALL, *BIG) if c not in frame.columns]
        if absent:
            raise DataError(f"bm_small_big: {name} lacks portfolios {', '.join(absent)}")
    columns = [*SMALL, *BIG]
    joined = pd.concat({"bm": bm[columns], "weight": firms[columns] * mcap[columns]}, axis=1).dropna()
    weight = pd.DataFrame(joined["weight"])  # one level of a two-level column index: a frame
    weighted = pd.DataFrame(joined["bm"]) * weight

    def side(names: tuple[str, ...]) -> pd.Series:
        return weighted[list(names)].sum(axis=1) / weight[list(names)].sum(axis=1)

    big = side(BIG)
    ratio = side(SMALL) / big
    return ratio[big > 0].rename("bm_small_big")


def spread_series(ust10y2y: pd.Series | None = None, ust10y: pd.Series | None = None,
                  ust2y: pd.Series | None = None) -> pd.Series:
    """The 10y-2y spread in percentage points: T10Y2Y if given, else DGS10 - DGS2 on their common dates."""
    if ust10y2y is not None and (not ust10y2y.dropna().empty or ust10y is None or ust2y is None):
        out = ust10y2y.dropna().sort_index().astype("float64")
    elif ust10y is not None and ust2y is not None:
        both = pd.concat([ust10y.rename("l"), ust2y.rename("s")], axis=1, join="inner", sort=True).dropna()
        out = (both["l"] - both["s"]).round(10)
    else:
        raise DataError("the yield curve needs ust10y2y, or both ust10y and ust2y")
    if out.empty:
        raise DataError("the 10y-2y spread has no observations in the dates asked for (T10Y2Y starts 1976-06-01)")
    out.name = "ust10y2y"
    return out


SPREAD_INPUTS = ("ust10y2y", "ust10y", "ust2y")
"""The 10y-2y spread series, then the two yields it can be computed from."""


def treasury_spread(ds: DataSource, end: DateLike | None = None) -> pd.Series:
    """The 10y-2y spread up to ``end``: ust10y2y when the source holds it, else ust10y - ust2y (one rule everywhere)."""
    if ds.has("ust10y2y"):
        return spread_series(ds.load("ust10y2y", end=end))
    if ds.has("ust10y") and ds.has("ust2y"):
        return spread_series(ust10y=ds.load("ust10y", end=end), ust2y=ds.load("ust2y", end=end))
    raise DataError("the yield curve needs ust10y2y, or both ust10y and ust2y")
