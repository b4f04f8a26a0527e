"""Backtest from a DataSource: load the pair and the target series, label each day point in time, run."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

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
    labels: str = "point-in-time",
) -> BacktestResult:
    """Run ``strategy`` on ``pair`` with phases from ``released_labels`` (each day's label from the moves the as-of
    gate had released by its close: no look-ahead in the signal);
    ``cash`` names a rate series in annual percent (e.g. ``fed_effective``) earned on uninvested cash.
    ``labels='ex-post'`` uses the hindsight labels instead: not tradable, only to show what hindsight adds."""
    from ..cycles import CycleRules, load_targets
    from ..cycles.loader import released_labels
    from ..errors import RatecycleError

    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)
    if labels == "point-in-time":
        frame = released_labels(ds, rules)
    elif labels == "ex-post":
        frame = _ex_post(upper, lower, meetings, rules)
    else:
        raise RatecycleError(f"--labels must be point-in-time or ex-post, got {labels!r}")
    phases = phases_from_labels(frame)
    a, b = ds.load(pair[0]), ds.load(pair[1])
    result = run_backtest(a.rename(pair[0]), b.rename(pair[1]), phases, strategy, lag=lag, cost_bps=cost_bps,
                        start=to_timestamp(start), end=to_timestamp(end), pair=pair,
                        total_return_series=(is_total_return(pair[0]), is_total_return(pair[1])),
                        cash_rate=ds.load(cash) if cash else None, cash_name=cash or "cash")
    if labels == "point-in-time":
        return result
    warning = ("EX POST: phases judged with hindsight (cycle ends, pauses and later phases as detected later); "
               "not a tradable signal, shown only for comparison with the point-in-time run.")
    return dataclasses.replace(result, labels=labels, notes=(warning, *result.notes))


def _ex_post(upper: pd.Series, lower: pd.Series, meetings: pd.Series, rules: CycleRules) -> pd.DataFrame:
    """Hindsight labels for every calendar day of the target data."""
    from ..cycles import cycles_from_moves, policy_moves
    from ..cycles.moves import aligned_targets
    from ..cycles.pit import ex_post_labels

    targets = aligned_targets(upper, lower)
    first, last = targets.index[0].normalize(), targets.index[-1].normalize()
    cycles = cycles_from_moves(policy_moves(upper, lower, meetings, rules.meeting_window), rules, last)
    return ex_post_labels(cycles, pd.date_range(first, last, freq="D"), rules)
