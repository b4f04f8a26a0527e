"""Long history: the Fama-French size factor SMB after each cycle anchor, back to the 1950s.

SMB (small minus big) is the monthly return of a portfolio long small US stocks and short big ones,
in percent. It is a *different measure* from Russell 2000 minus S&P 500: broader, rebalanced yearly,
long-short. Here it is compounded into an index dated at each month's end and measured with the same
window kernel as prices, so "cumulative SMB over N months" is that index's N-month return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Anchor, Convention
from ..cycles.model import Cycle
from ..errors import DataError, RatecycleError
from .pair import Prices, row_records
from .resample import percentile_of_score
from .stats import DEFAULT_REPS, DEFAULT_SEED, SpreadStats, summarize
from .study import anchor_date, check_anchor
from .windows import as_days, check_convention, horizon_dates, month_end, prior_month_end, window_returns

MEASURE = "Fama-French SMB (small minus big), cumulative over the window: a different measure than R2000 minus S&P"
MONTHLY_CONVENTIONS = ("month_end", "prior_month_end")


def factor_index(monthly_percent: pd.Series, name: str = "SMB") -> Prices:
    """Compound monthly percent returns into an index (1 before the first month) dated at month ends.

    The return of month M is known at the end of M, so the index value for M carries M's last calendar day.
    """
    clean = monthly_percent.dropna().sort_index()
    if clean.empty:
        raise DataError(f"series {name} has no observations")
    months = as_days(clean.index)
    gaps = np.diff(months.astype("datetime64[M]")).astype(int)
    if bool(np.any(gaps != 1)):
        bad = int(np.argmax(gaps != 1))
        raise DataError(f"series {name} skips a month after {months[bad].astype('datetime64[M]')}")
    values = np.cumprod(1.0 + clean.to_numpy(dtype="float64") / 100.0)
    dates = np.concatenate([prior_month_end(months[:1]), month_end(months)])
    return Prices(name, dates, np.concatenate([[1.0], values]))


@dataclass(frozen=True)
class LongHistoryResult:
    """Cumulative SMB after each anchor, with hit rate, baseline percentiles and the random-window test."""

    measure: str
    anchor: Anchor
    months: int
    convention: Convention
    rows: pd.DataFrame
    summary: SpreadStats
    baseline_n: int
    skipped: tuple[dict[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle study --long-history --json``."""
        return {"measure": self.measure, "anchor": self.anchor, "months": self.months,
                "convention": self.convention, "ex_post": True, "rows": row_records(self.rows),
                "summary": self.summary.to_dict(), "baseline_n": self.baseline_n, "skipped": list(self.skipped)}


def smb_study(smb_percent: pd.Series, cycles: Sequence[Cycle], *, anchor: Anchor = "later_start", months: int = 12,
              convention: Convention = "month_end", reps: int = DEFAULT_REPS,
              seed: int = DEFAULT_SEED) -> LongHistoryResult:
    """Cumulative SMB over ``months`` after each cycle's anchor, against every N-month SMB window."""
    check_anchor(anchor)
    check_convention(convention)
    if convention not in MONTHLY_CONVENTIONS:
        raise RatecycleError(f"SMB is monthly: use convention month_end or prior_month_end, not {convention}")
    if months < 1:
        raise RatecycleError(f"months must be at least 1, got {months}")
    index = factor_index(smb_percent)
    kept, skipped = [], []
    for cycle in cycles:
        if anchor_date(cycle, anchor) is None:
            skipped.append({"cycle": cycle.label, "reason": f"no pause, so no {anchor} anchor"})
        else:
            kept.append(cycle)
    anchors = as_days([anchor_date(c, anchor) for c in kept]) if kept else np.array([], dtype="datetime64[D]")
    starts, ends = horizon_dates(anchors, months, convention)
    win = window_returns(index.dates, index.closes, starts, ends)
    # the baseline: one window per calendar month of the factor history
    all_months = np.arange(index.first.astype("datetime64[M]"), index.last.astype("datetime64[M]") + 1)
    b_starts, b_ends = horizon_dates(all_months.astype("datetime64[D]"), months, convention)
    keep = (b_starts >= index.first) & (b_ends <= index.last)
    base = window_returns(index.dates, index.closes, b_starts[keep], b_ends[keep]).returns
    finite = np.isfinite(win.returns)
    pct = np.full(len(win), np.nan)
    if finite.any():
        pct[finite] = percentile_of_score(base, win.returns[finite]) / 100.0
    rows = pd.DataFrame({
        "cycle": [c.label for c in kept],
        "cycle_start": pd.DatetimeIndex([c.start for c in kept], dtype="datetime64[ns]"),
        "anchor": _ts(anchors), "window_start": _ts(starts), "window_end": _ts(ends),
        "start": _ts(win.start_date), "end": _ts(win.end_date), "index_start": win.start_close,
        "index_end": win.end_close, "cumulative_smb": win.returns, "incomplete": win.incomplete,
        "before_data": win.before_data, "baseline_percentile": pct, "convention": convention,
    })
    usable = ~win.incomplete & ~win.before_data
    summary = summarize(win.returns[usable], excluded=int((~usable).sum()), baseline=base, reps=reps, seed=seed)
    return LongHistoryResult(MEASURE, anchor, int(months), convention, rows, summary, int(base.size), tuple(skipped))


def _ts(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(days).astype("datetime64[ns]"))
