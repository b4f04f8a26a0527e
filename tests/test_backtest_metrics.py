"""Backtest metrics checked against quantstats on the same real returns, with matching conventions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from ratecycle.backtest import metrics as m


@pytest.fixture(scope="module")
def returns(ds) -> pd.Series:  # type: ignore[no-untyped-def]
    """Daily Russell 2000 returns 2018-2024 from the snapshot (a real, fat-tailed sample with a crash)."""
    closes = ds.load("russell2000", "2017-12-29", "2024-12-31")
    return closes.pct_change().dropna().rename("r")


@pytest.fixture(scope="module")
def qs():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import quantstats

    return quantstats


def test_volatility_sharpe_sortino_match_quantstats(returns: pd.Series, qs) -> None:  # type: ignore[no-untyped-def]
    assert m.volatility(returns) == pytest.approx(float(qs.stats.volatility(returns, periods=252)), rel=1e-10)
    assert m.sharpe(returns) == pytest.approx(float(qs.stats.sharpe(returns, rf=0.0, periods=252)), rel=1e-10)
    assert m.sortino(returns) == pytest.approx(float(qs.stats.sortino(returns, rf=0.0, periods=252)), rel=1e-10)


def test_max_drawdown_matches_quantstats(returns: pd.Series, qs) -> None:  # type: ignore[no-untyped-def]
    ours = m.max_drawdown(returns)
    assert ours == pytest.approx(float(qs.stats.max_drawdown(returns)), rel=1e-10)
    assert -0.45 < ours < -0.35  # the 2020 crash: Russell 2000 fell about 41% peak to trough


def test_cagr_and_calmar_match_quantstats_with_calendar_years(returns: pd.Series, qs) -> None:  # type: ignore[no-untyped-def]
    base = pd.Timestamp("2017-12-29")
    years = (returns.index[-1] - base).days / 365.25
    periods_per_year = len(returns) / years  # quantstats counts years as observations / periods
    ours = m.cagr(returns, base)
    assert ours == pytest.approx(float(qs.stats.cagr(returns, periods=periods_per_year)), rel=1e-10)
    # independent: index closes on the two dates
    first, last = 1535.51, 2230.16  # ^RUT closes on 2017-12-29 and 2024-12-31 (snapshot)
    assert ours == pytest.approx((last / first) ** (1 / years) - 1, rel=1e-4)
    assert m.calmar(returns, base) == pytest.approx(
        float(qs.stats.calmar(returns, periods=periods_per_year)), rel=1e-10)


def test_hit_rates_match_quantstats_win_rate(returns: pd.Series, qs) -> None:  # type: ignore[no-untyped-def]
    assert m.hit_rate(returns) == pytest.approx(float(qs.stats.win_rate(returns)), rel=1e-12)
    assert m.hit_rate(returns, "ME") == pytest.approx(float(qs.stats.win_rate(returns, aggregate="ME")), rel=1e-12)
    monthly = (1 + returns).groupby([returns.index.year, returns.index.month]).prod() - 1
    assert len(monthly) == 84
    assert m.hit_rate(returns, "ME") == pytest.approx(float((monthly > 0).mean()))


def test_hit_rate_vs_and_turnover_by_hand() -> None:
    idx = pd.bdate_range("2024-01-01", periods=6)
    ours = pd.Series([0.01, -0.01, 0.02, 0.0, 0.01, 0.03], index=idx)
    bench = pd.Series([0.00, -0.02, 0.03, 0.0, 0.01, 0.01], index=idx)
    # beat on days 1, 2, 6; lost on day 3; ties on days 4 and 5 are excluded
    assert m.hit_rate_vs(ours, bench) == pytest.approx(3 / 4)
    weights = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 0], [1, 0]], dtype=float)
    # entry 1 + switch 2 + switch 2 = 5 units traded over 6 days = 6/252 years
    assert m.turnover(weights) == pytest.approx(5 / (6 / 252))
    assert m.time_in_market(np.array([[0, 0], [1, 0], [0, -1], [0, 0]])) == pytest.approx(0.5)


def test_drawdown_counts_a_first_day_loss() -> None:
    idx = pd.bdate_range("2024-01-01", periods=3)
    r = pd.Series([-0.10, 0.05, -0.02], index=idx)
    # equity 0.9, 0.945, 0.9261 against a peak of 1 (the starting value): the trough is the first day
    assert m.max_drawdown(r) == pytest.approx(-0.10)
    assert m.drawdown_series(r).iloc[-1] == pytest.approx(0.9261 - 1)
    assert m.total_return(r) == pytest.approx(0.9261 - 1)


def test_metrics_of_a_long_short_backtest_match_quantstats(ds, qs) -> None:  # type: ignore[no-untyped-def]
    """A strategy stream with many flat (zero-return) days: zeros are left out of the hit rates, as in quantstats."""
    from ratecycle.backtest import STRATEGIES
    from ratecycle.backtest.run import backtest_from_source

    result = backtest_from_source(ds, ("iwm", "spy"), STRATEGIES["later-long-short"], start="2001-01-01")
    r = result.returns["strategy"]
    assert (r == 0).mean() > 0.5
    assert m.hit_rate(r) == pytest.approx(float(qs.stats.win_rate(r)), rel=1e-12)
    assert m.hit_rate(r, "ME") == pytest.approx(float(qs.stats.win_rate(r, aggregate="ME")), rel=1e-12)
    assert m.sharpe(r) == pytest.approx(float(qs.stats.sharpe(r, periods=252)), rel=1e-10)
    assert m.sortino(r) == pytest.approx(float(qs.stats.sortino(r, periods=252)), rel=1e-10)
    assert m.max_drawdown(r) == pytest.approx(float(qs.stats.max_drawdown(r)), rel=1e-10)
    row = {x.name: x for x in result.metrics}["strategy"]
    assert row.time_in_market == pytest.approx(float((result.weights["target_a"] != 0).mean()))


def test_sharpe_and_sortino_over_a_cash_rate_match_quantstats(ds, qs) -> None:  # type: ignore[no-untyped-def]
    from ratecycle.backtest import STRATEGIES
    from ratecycle.backtest.engine import cash_returns
    from ratecycle.backtest.run import backtest_from_source

    result = backtest_from_source(ds, ("iwm", "spy"), STRATEGIES["later-phase"], start="2005-01-01",
                                  end="2024-12-31", cash="fed_effective")
    r = result.returns["strategy"]
    closes_index = pd.DatetimeIndex([result.base_date, *r.index])
    rf = pd.Series(cash_returns(ds.load("fed_effective"), closes_index), index=r.index)
    assert 0 < rf.mean() * 252 < 0.05
    row = {x.name: x for x in result.metrics}["strategy"]
    assert row.sharpe == pytest.approx(float(qs.stats.sharpe(r - rf, periods=252)), rel=1e-10)
    assert row.sortino == pytest.approx(float(qs.stats.sortino(r - rf, periods=252)), rel=1e-10)
    assert row.sharpe < m.sharpe(r)
