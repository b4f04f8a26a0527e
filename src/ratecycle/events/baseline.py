"""The unconditional baseline: every N-month spread over the pair's whole common history.

One window starts in every calendar month (anchor = the 1st of the month, then the study's convention
maps it to a close), so consecutive windows overlap by N-1 months. Only windows that lie entirely inside
the common history of both series count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Convention
from ..errors import DataError
from .pair import Prices, as_prices, pair_windows, row_records
from .resample import percentile_of_score
from .windows import check_convention, horizon_dates


@dataclass(frozen=True)
class Baseline:
    """All overlapping N-month windows of a pair; ``rows`` has the pair-window columns plus ``anchor``."""

    name_a: str
    name_b: str
    months: int
    convention: Convention
    rows: pd.DataFrame

    @property
    def spreads(self) -> np.ndarray:
        """The spreads (A minus B, fractions) of every baseline window."""
        return self.rows["spread"].to_numpy(dtype="float64")

    @property
    def n(self) -> int:
        """Number of windows."""
        return len(self.rows)

    def percentile(self, values: np.ndarray | float) -> np.ndarray:
        """Share of baseline spreads at or below each value (0..1); NaN for NaN values."""
        vals = np.atleast_1d(np.asarray(values, dtype="float64"))
        out = np.full(vals.shape, np.nan)
        ok = np.isfinite(vals)
        if ok.any() and self.n:
            out[ok] = percentile_of_score(self.spreads, vals[ok]) / 100.0
        return out

    def to_dict(self, with_rows: bool = False) -> dict[str, Any]:
        """Summary (and optionally every window) as plain JSON types."""
        s = self.spreads
        doc: dict[str, Any] = {
            "series_a": self.name_a, "series_b": self.name_b, "months": self.months, "convention": self.convention,
            "n": self.n, "overlapping": True,
            "first_window_start": None if not self.n else self.rows["start_a"].iloc[0].date().isoformat(),
            "last_window_end": None if not self.n else self.rows["end_a"].iloc[-1].date().isoformat(),
            "mean": float(np.mean(s)) if self.n else None,
            "median": float(np.median(s)) if self.n else None,
            "hit_rate": float(np.mean(s > 0)) if self.n else None,
        }
        if with_rows:
            doc["rows"] = row_records(self.rows[["anchor", "start_a", "end_a", "return_a", "return_b", "spread"]])
        return doc


def baseline(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, *, months: int = 12,
             convention: Convention = "month_end") -> Baseline:
    """Every N-month window (one per calendar month) inside the common history of A and B."""
    check_convention(convention)
    if months < 1:
        raise DataError(f"months must be at least 1, got {months}")
    a, b = as_prices(prices_a), as_prices(prices_b)
    first, last = max(a.first, b.first), min(a.last, b.last)
    if first >= last:
        raise DataError(f"series {a.name} and {b.name} have no common history")
    anchors = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1).astype("datetime64[D]")
    starts, ends = horizon_dates(anchors, months, convention)
    keep = (starts >= first) & (ends <= last)
    frame = pair_windows(a, b, starts[keep], ends[keep], drawdown=False)
    frame = frame[~frame["before_data"] & ~frame["incomplete"]]
    frame.insert(0, "anchor", pd.DatetimeIndex(anchors[keep].astype("datetime64[ns]"))[frame.index])
    return Baseline(a.name, b.name, int(months), convention, frame.reset_index(drop=True))
