"""The backtest engine: simulation against a plain loop, timing of positions, costs, benchmarks by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ratecycle.backtest import STRATEGIES, parse_strategy, positions, run_backtest, simulate
from ratecycle.backtest.strategies import phases_from_labels
from ratecycle.errors import RatecycleError


def _loop_simulation(r: np.ndarray, targets: np.ndarray, rebalance: np.ndarray, cost_bps: float,  # type: ignore[no-untyped-def]
                     cash_r: np.ndarray | None = None):
    """Reference: holdings in currency units, traded explicitly day by day; cash earns ``cash_r``."""
    n, k = r.shape
    cash_r = np.zeros(n) if cash_r is None else cash_r
    equity = 1.0
    units = np.zeros(k)  # currency value of each position
    cash = 1.0
    nets, traded_all, held_all = [], [], []
    for t in range(n):
        held = units / equity
        traded = 0.0
        if rebalance[t] or t == 0:
            traded = float(np.abs(targets[t] - held).sum())
            units = targets[t] * equity
            cash = equity - units.sum()
            held = targets[t].copy()
        gross = float((held * r[t]).sum()) + cash / equity * cash_r[t]
        units = units * (1 + r[t])
        cash = cash * (1 + cash_r[t])
        new_equity = cash + units.sum()
        assert new_equity == pytest.approx(equity * (1 + gross))
        net = gross - traded * cost_bps / 1e4
        # costs are booked against cash so the next day's weights follow the drifted positions
        equity = new_equity
        nets.append(net)
        traded_all.append(traded)
        held_all.append(held)
    return np.array(nets), np.array(traded_all), np.array(held_all)


def test_simulate_equals_a_plain_loop() -> None:
    rng = np.random.default_rng(7)
    n = 300
    r = rng.normal(0.0004, 0.012, size=(n, 2))
    targets = np.zeros((n, 2))
    regime = (np.arange(n) // 37) % 3
    targets[regime == 0] = [1.0, 0.0]
    targets[regime == 1] = [1.0, -1.0]
    targets[regime == 2] = [0.5, 0.5]
    rebalance = np.zeros(n, dtype=bool)
    rebalance[1:] = np.any(targets[1:] != targets[:-1], axis=1)
    rebalance[::21] = True
    sim = simulate(r, targets, rebalance, cost_bps=10)
    net, traded, held = _loop_simulation(r, targets, rebalance, 10)
    np.testing.assert_allclose(sim.net, net, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sim.traded, traded, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sim.held, held, rtol=0, atol=1e-12)
    cash_r = rng.uniform(0, 0.0003, size=n)
    sim_cash = simulate(r, targets, rebalance, cost_bps=10, cash_returns=cash_r)
    net_c, traded_c, held_c = _loop_simulation(r, targets, rebalance, 10, cash_r)
    np.testing.assert_allclose(sim_cash.net, net_c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sim_cash.traded, traded_c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sim_cash.held, held_c, rtol=0, atol=1e-12)


def _closes() -> tuple[pd.Series, pd.Series]:
    idx = pd.bdate_range("2024-01-01", "2024-03-29")
    rng = np.random.default_rng(3)
    a = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, len(idx))), index=idx, name="a")
    b = pd.Series(50 * np.cumprod(1 + rng.normal(0, 0.01, len(idx))), index=idx, name="b")
    return a, b


def test_positions_follow_the_phase_known_lag_days_earlier() -> None:
    days = pd.bdate_range("2024-01-01", periods=8)
    phases = pd.Series(["none", "none", "cut_later", "cut_later", "none", "none", "none", "none"], index=days)
    pos = positions(phases, days, STRATEGIES["later-phase"], lag=1)
    assert list(pos["a"].iloc[1:]) == [0, 0, 1, 1, 0, 0, 0]
    assert np.isnan(pos["a"].iloc[0])
    pos2 = positions(phases, days, STRATEGIES["later-phase"], lag=2)
    assert list(pos2["a"].iloc[2:]) == [0, 0, 1, 1, 0, 0]
    pos0 = positions(phases, days, STRATEGIES["later-phase"], lag=0)
    assert list(pos0["a"]) == [0, 0, 1, 1, 0, 0, 0, 0]


def test_positions_use_weekend_labels_on_the_next_trading_day() -> None:
    calendar = pd.date_range("2020-03-13", "2020-03-18")  # Friday .. Wednesday; a Sunday move on 2020-03-15
    phases = pd.Series(["none", "none", "cut_later", "cut_later", "cut_later", "cut_later"], index=calendar)
    trading = pd.DatetimeIndex(["2020-03-13", "2020-03-16", "2020-03-17", "2020-03-18"])
    pos = positions(phases, trading, STRATEGIES["later-phase"], lag=1)
    # Monday's close knows Sunday's move, so Tuesday is the first day held in A
    assert list(pos["a"].iloc[1:]) == [0, 1, 1]


def test_backtest_returns_by_hand() -> None:
    a, b = _closes()
    phases = pd.Series("none", index=pd.date_range("2023-12-01", "2024-03-29"), dtype=object)
    phases["2024-02-01":"2024-02-15"] = "cut_later"
    result = run_backtest(a, b, phases, STRATEGIES["later-phase"], lag=1, cost_bps=5, pair=("a", "b"))
    ra, rb = a.pct_change(), b.pct_change()
    day_phase = phases.reindex(a.index).shift(1)
    expected = np.where(day_phase == "cut_later", ra, rb)[1:]
    switches = (day_phase != day_phase.shift(1)).to_numpy()[1:].copy()
    switches[0] = True
    expected = expected - np.where(switches, np.where(np.arange(len(switches)) == 0, 1.0, 2.0), 0.0) * 5e-4
    np.testing.assert_allclose(result.returns["strategy"].to_numpy(), expected, atol=1e-12)
    # buy and hold A: growth equals the close ratio, with one entry cost taken from the first day's return
    growth = float((1 + result.returns["buy_hold_a"]).prod())
    first = float(a.iloc[1] / a.iloc[0])
    assert growth == pytest.approx(float(a.iloc[-1] / a.iloc[1]) * (first - 5e-4), rel=1e-12)
    assert result.base_date == a.index[0]
    assert result.to_dict()["rebalances"] == 3


def test_fifty_fifty_rebalances_monthly() -> None:
    a, b = _closes()
    phases = pd.Series("none", index=pd.date_range("2023-12-01", "2024-03-29"), dtype=object)
    result = run_backtest(a, b, phases, STRATEGIES["later-phase"], lag=1, cost_bps=0, pair=("a", "b"))
    # independently: inside each month the 50/50 book is half A and half B by value, compounded from month start
    daily = result.returns["fifty_fifty"]
    closes = pd.concat([a, b], axis=1)
    for _month, block in closes.groupby(closes.index.to_period("M")):
        prev = closes.index.get_loc(block.index[0]) - 1
        if prev < 0:
            continue
        base = closes.iloc[prev]
        expected = 0.5 * block.iloc[-1, 0] / base.iloc[0] + 0.5 * block.iloc[-1, 1] / base.iloc[1]
        got = float((1 + daily[block.index]).prod())
        assert got == pytest.approx(expected, rel=1e-12)


def test_long_short_and_custom_strategies() -> None:
    a, b = _closes()
    phases = pd.Series("cut_later", index=pd.date_range("2023-12-01", "2024-03-29"), dtype=object)
    result = run_backtest(a, b, phases, STRATEGIES["later-long-short"], lag=1, cost_bps=0, pair=("a", "b"))
    # one rebalance at the start, then drift: equity = 1 + (A growth - 1) - (B growth - 1)
    growth = float((1 + result.returns["strategy"]).prod())
    assert growth == pytest.approx(1 + (a.iloc[-1] / a.iloc[0] - 1) - (b.iloc[-1] / b.iloc[0] - 1), rel=1e-12)
    custom = parse_strategy("cut_later=0.25,0.75;default=0,0")
    assert custom.weight_for("cut_later") == (0.25, 0.75) and custom.weight_for("none") == (0.0, 0.0)
    with pytest.raises(RatecycleError, match="unknown phase"):
        parse_strategy("later=1,0")
    with pytest.raises(RatecycleError, match="unknown strategy"):
        parse_strategy("nonsense")


def test_phases_from_labels() -> None:
    idx = pd.date_range("2024-01-01", periods=5)
    labels = pd.DataFrame({"in_cycle": [False, True, True, True, True],
                           "direction": [None, "cut", "cut", "cut", "hike"],
                           "pause_underway": [False, False, True, False, False],
                           "later_phase_started": [False, False, False, True, False]}, index=idx)
    assert list(phases_from_labels(labels)) == ["none", "cut_early", "cut_pause", "cut_later", "hike_early"]


def test_stints_by_hand() -> None:
    a, b = _closes()
    phases = pd.Series("none", index=pd.date_range("2023-12-01", "2024-03-29"), dtype=object)
    phases["2024-02-01":"2024-02-15"] = "cut_later"
    result = run_backtest(a, b, phases, STRATEGIES["later-phase"], lag=1, cost_bps=0, pair=("a", "b"))
    table = result.stints()
    assert list(table["target_a"]) == [0.0, 1.0, 0.0]
    assert list(table["open"]) == [False, False, True]
    held = table.iloc[1]
    # held in A over the returns of 2024-02-02 .. 2024-02-16 (phase known at the close of 02-01 .. 02-15)
    assert (held["start"], held["end"]) == (pd.Timestamp("2024-02-02"), pd.Timestamp("2024-02-16"))
    ra = a["2024-02-16"] / a["2024-02-01"] - 1
    rb = b["2024-02-16"] / b["2024-02-01"] - 1
    assert held["return_a"] == pytest.approx(ra, rel=1e-12)
    assert held["return_b"] == pytest.approx(rb, rel=1e-12)
    assert held["return_strategy"] == pytest.approx(ra, rel=1e-12)
    assert result.stint_hit_rate() == (1.0 if ra > rb else 0.0)
    assert table["days"].sum() == len(result.returns)
    doc = result.to_dict()
    assert len(doc["stints_in_a"]) == 1 and doc["stints_in_a"][0]["start"] == "2024-02-02"


def test_cash_rate_known_at_the_previous_close_actual_360() -> None:
    from ratecycle.backtest.engine import cash_returns

    rate = pd.Series([5.0, 4.0, 3.0], index=pd.DatetimeIndex(["2024-01-04", "2024-01-05", "2024-01-08"]))
    closes = pd.DatetimeIndex(["2024-01-05", "2024-01-08", "2024-01-09"])
    # Friday 01-05 -> Monday 01-08: 3 days at the 4% known on 01-05; 01-08 -> 01-09: 1 day at 3%
    np.testing.assert_allclose(cash_returns(rate, closes), [0.04 * 3 / 360, 0.03 / 360])
    a, b = _closes()
    phases = pd.Series("none", index=pd.date_range("2023-12-01", "2024-03-29"), dtype=object)
    flat = parse_strategy("default=0,0")
    daily = pd.Series(2.0, index=pd.date_range("2023-12-01", "2024-03-29"))
    result = run_backtest(a, b, phases, flat, cost_bps=0, cash_rate=daily)
    # flat book: equity grows only by the cash rate, 2% actual/360 over each gap between closes
    assert float((1 + result.returns["strategy"]).prod()) == pytest.approx(
        np.prod(1 + 0.02 * np.diff(a.index).astype("timedelta64[D]").astype(float) / 360), rel=1e-12)
    plain = run_backtest(a, b, phases, STRATEGIES["later-phase"], cost_bps=0)
    with_cash = run_backtest(a, b, phases, STRATEGIES["later-phase"], cost_bps=0, cash_rate=daily)
    np.testing.assert_allclose(plain.returns["buy_hold_b"], with_cash.returns["buy_hold_b"], atol=1e-15)
