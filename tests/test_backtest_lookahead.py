"""No look-ahead: the backtest's position on day t is the same when every input is read through the as-of gate at t."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ratecycle.backtest import STRATEGIES, phases_from_labels, run_backtest
from ratecycle.backtest.run import backtest_from_source
from ratecycle.cycles import CycleRules, cycles_from_moves, load_targets, policy_moves
from ratecycle.cycles.pit import point_in_time_labels
from ratecycle.data.asof import as_of

RULES = CycleRules()


@pytest.fixture(scope="module")
def full(ds):  # type: ignore[no-untyped-def]
    upper, lower, meetings = load_targets(ds)
    result = backtest_from_source(ds, ("russell2000", "sp500"), STRATEGIES["later-phase"], rules=RULES, lag=1,
                                  cost_bps=5)
    return upper, lower, meetings, ds, result


def _test_days(upper: pd.Series, lower: pd.Series, meetings: pd.Series, trading: pd.DatetimeIndex) -> list:  # type: ignore[type-arg]
    """Trading days around each cycle's first and last cut, every pause becoming visible, every later-phase
    start and every cycle's end, plus all cuts of 2019-20 and 2024-25 and a few random days."""
    moves = policy_moves(upper, lower, meetings, RULES.meeting_window)
    cycles = [c for c in cycles_from_moves(moves, RULES, upper.index[-1]) if c.direction == "cut"
              and c.start >= pd.Timestamp("2001-01-01")]
    marks: list[pd.Timestamp] = []
    for cycle in cycles:
        marks += [cycle.moves[0].announced, cycle.moves[-1].announced]
        if cycle.start.year in (2019, 2024):
            marks += [m.announced for m in cycle.moves]
        marks += [cycle.end + pd.Timedelta(days=RULES.min_pause), cycle.end + pd.Timedelta(days=RULES.max_gap)]
        for pause in cycle.pauses:
            marks += [pause.start + pd.Timedelta(days=RULES.min_pause), pause.end]
    days: set[pd.Timestamp] = set()
    for mark in marks:
        i = trading.searchsorted(mark)
        days.update(trading[i:min(i + 2, len(trading))])  # the first trading day on/after the mark and the next
    rng = np.random.default_rng(5)
    days.update(trading[rng.choice(np.flatnonzero(trading >= "1990-01-01"), size=6, replace=False)])
    return sorted(days)


def test_positions_identical_on_gated_data(full) -> None:  # type: ignore[no-untyped-def]
    """The full-history run's position on t equals a run on what the as-of gate released by the close of t
    (prices to t, meetings to t, a target change from its announcement day), labelled by the plain walk."""
    upper, lower, meetings, ds, result = full
    weights = result.weights
    days = _test_days(upper, lower, meetings, weights.index)
    assert len(days) > 40
    seen_phases = set()
    for t in days:
        known = as_of(ds, t)
        labels = point_in_time_labels(*load_targets(known), RULES, start=t - pd.Timedelta(days=20), end=t)
        since = t - pd.Timedelta(days=40)
        a, b = known.load("russell2000", start=since), known.load("sp500", start=since)
        assert a.index[-1] <= t and b.index[-1] <= t
        short = run_backtest(a, b, phases_from_labels(labels), STRATEGIES["later-phase"], lag=1, cost_bps=5)
        got = short.weights.loc[t]
        want = weights.loc[t]
        assert (got["a"], got["b"], got["phase"]) == (want["a"], want["b"], want["phase"]), t
        seen_phases.add(want["phase"])
    assert {"none", "cut_early", "cut_pause", "cut_later"} <= seen_phases


def test_a_move_changes_the_position_only_from_the_next_day(full) -> None:  # type: ignore[no-untyped-def]
    """2020-03-03 (intermeeting cut after the 2019-20 pause): later phase known that close, held from 03-04."""
    *_, result = full
    w = result.weights
    assert w.loc["2020-03-03", "phase"] == "cut_pause" and w.loc["2020-03-03", "a"] == 0.0
    assert w.loc["2020-03-04", "phase"] == "cut_later" and w.loc["2020-03-04", "a"] == 1.0
