"""Backtest from a DataSource: load the pair and the target series, label each day point in time, run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._typing import DateLike, to_timestamp
from .engine import BacktestResult, is_total_return, run_backtest
from .strategies import Strategy, phases_from_labels

if TYPE_CHECKING:
    from ..cycles import CycleRules
    from ..data.source import DataSource


def backtest_from_source(
    ds: DataSource,
    pair: tuple[str, str],
    strategy: Strategy,
    *,
    rules: CycleRules | None = None,
    lag: int = 1,
    cost_bps: float = 5.0,
    start: DateLike | None = None,
    end: DateLike | None = None,
    cash: str | None = None,
) -> BacktestResult:
    """Run ``strategy`` on ``pair`` with phases from ``point_in_time_labels`` (no look-ahead in the signal);
    ``cash`` names a rate series in annual percent (e.g. ``fed_effective``) earned on uninvested cash."""
    from ..cycles import CycleRules, load_targets
    from ..cycles.pit import point_in_time_labels

    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)
    labels = point_in_time_labels(upper, lower, meetings, rules)
    phases = phases_from_labels(labels)
    a, b = ds.load(pair[0]), ds.load(pair[1])
    return run_backtest(a.rename(pair[0]), b.rename(pair[1]), phases, strategy, lag=lag, cost_bps=cost_bps,
                        start=to_timestamp(start), end=to_timestamp(end), pair=pair,
                        total_return_series=(is_total_return(pair[0]), is_total_return(pair[1])),
                        cash_rate=ds.load(cash) if cash else None, cash_name=cash or "cash")
