"""Computations behind derived catalog series that are more than a ratio of two inputs."""

from __future__ import annotations

import pandas as pd

from ..errors import DataError

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
