"""The daily backtest engine: point-in-time phases -> lagged target weights -> net returns after costs.

Timing: the phase known at the close of trading day t sets the weights held over the return of day
t + lag (default lag 1, so a label never trades on its own day's return). Positions drift with prices and are
traded back to target only when the target changes (or on the benchmark's schedule); each trade costs
``cost_bps`` basis points of the traded fraction of equity, taken from that day's return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, RatecycleError
from .metrics import Metrics, summarize
from .strategies import Strategy, weights_for_phases


@dataclass(frozen=True)
class Simulation:
    """Arrays of one simulated portfolio: net and gross returns, weights held each day, fraction traded."""

    net: np.ndarray
    gross: np.ndarray
    held: np.ndarray
    traded: np.ndarray


def simulate(asset_returns: np.ndarray, targets: np.ndarray, rebalance: np.ndarray,
             cost_bps: float = 0.0, cash_returns: np.ndarray | None = None) -> Simulation:
    """Vectorised drift-and-rebalance simulation.

    ``asset_returns`` and ``targets`` are (days, assets); on days where ``rebalance`` is true (always on day 0)
    holdings are traded to ``targets`` before that day's return; in between they drift with prices. The
    remainder of equity (1 - sum of weights, short proceeds included) is cash earning ``cash_returns``
    (nothing when None); moving money in or out of cash is not a trade.
    """
    r = np.asarray(asset_returns, dtype="float64")
    w_target = np.asarray(targets, dtype="float64")
    n, k = r.shape
    if w_target.shape != (n, k):
        raise RatecycleError(f"targets shape {w_target.shape} does not match returns shape {(n, k)}")
    if cash_returns is not None:
        rc = np.asarray(cash_returns, dtype="float64").reshape(n, 1)
        inner = simulate(np.hstack([r, rc]), np.hstack([w_target, 1.0 - w_target.sum(axis=1, keepdims=True)]),
                         rebalance, 0.0)
        drifted_traded = np.where(np.asarray(rebalance, dtype=bool) | (np.arange(n) == 0),
                                  _traded(w_target, inner.held[:, :k], r, inner.gross), 0.0)
        net = inner.gross - drifted_traded * cost_bps / 10_000.0
        return Simulation(net=net, gross=inner.gross, held=inner.held[:, :k], traded=drifted_traded)
    if n == 0:
        empty = np.zeros(0)
        return Simulation(empty, empty, np.zeros((0, k)), empty)
    flags = np.asarray(rebalance, dtype=bool).copy()
    flags[0] = True
    segment = np.cumsum(flags) - 1
    seg_start = np.flatnonzero(flags)[segment]
    growth = np.vstack([np.ones((1, k)), np.cumprod(1.0 + r, axis=0)[:-1]])  # growth before day t
    seg_weights = w_target[seg_start]
    positions = seg_weights * growth / growth[seg_start]
    cash = 1.0 - seg_weights.sum(axis=1)
    value = cash + positions.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        held = positions / value[:, None]
    gross = np.sum(held * r, axis=1)
    traded = np.where(flags, _traded(w_target, held, r, gross), 0.0)
    net = gross - traded * cost_bps / 10_000.0
    return Simulation(net=net, gross=gross, held=held, traded=traded)


def _traded(targets: np.ndarray, held: np.ndarray, r: np.ndarray, gross: np.ndarray) -> np.ndarray:
    """Fraction of equity traded if each day's holdings were reset to ``targets`` (from drifted weights)."""
    drifted = np.zeros_like(held)
    with np.errstate(divide="ignore", invalid="ignore"):
        drifted[1:] = held[:-1] * (1.0 + r[:-1]) / (1.0 + gross[:-1])[:, None]
    return np.asarray(np.abs(targets - drifted).sum(axis=1), dtype="float64")


def align_prices(prices_a: pd.Series, prices_b: pd.Series) -> pd.DataFrame:
    """Both closes on the dates they share (inner join), columns ``a`` and ``b``; no filling."""
    frame = pd.concat([prices_a.rename("a"), prices_b.rename("b")], axis=1, join="inner").dropna()
    if (frame <= 0).to_numpy().any():
        bad = frame.index[(frame <= 0).any(axis=1)][0]
        raise DataError(f"non-positive close on {bad.date()} ({prices_a.name} / {prices_b.name})")
    return frame


def positions(phases: pd.Series, trading_days: pd.DatetimeIndex, strategy: Strategy, lag: int = 1) -> pd.DataFrame:
    """Target weights held over each trading day's return: the weights of the phase known ``lag`` trading
    days earlier (NaN where no phase was known yet)."""
    if lag < 0:
        raise RatecycleError(f"--lag must be >= 0, got {lag}")
    days = pd.DatetimeIndex(trading_days)
    known = phases.sort_index()
    # a trading day's phase is the last label dated on or before it (labels are point in time)
    pos = np.searchsorted(known.index.to_numpy(dtype="datetime64[ns]"), days.to_numpy(dtype="datetime64[ns]"),
                          side="right") - 1
    phase_names = known.to_numpy(dtype=object)[np.maximum(pos, 0)]
    phase_names[pos < 0] = None  # a day before the first label has no phase
    day_phase = pd.Series(phase_names, index=days, dtype=object)
    targets = weights_for_phases(day_phase.fillna("none"), strategy)
    targets[day_phase.isna().to_numpy()] = np.nan
    shifted = targets.shift(lag)
    shifted["phase"] = day_phase.shift(lag)
    return shifted


def _month_starts(index: pd.DatetimeIndex) -> np.ndarray:
    """True on the first trading day of each calendar month."""
    periods = index.to_period("M")
    first = np.ones(len(index), dtype=bool)
    first[1:] = periods[1:] != periods[:-1]
    return first


@dataclass(frozen=True)
class BacktestResult:
    """Daily returns, weights and metrics of a phase-rotation strategy and its three benchmarks."""

    strategy: Strategy
    pair: tuple[str, str]
    lag: int
    cost_bps: float
    base_date: pd.Timestamp
    returns: pd.DataFrame
    """Net daily returns, columns: strategy, buy_hold_a, buy_hold_b, fifty_fifty."""
    weights: pd.DataFrame
    """Weights of A and B held over each day's return by the strategy (after drift), plus the phase used."""
    metrics: tuple[Metrics, ...]
    total_return_series: tuple[bool, bool]
    notes: tuple[str, ...] = field(default_factory=tuple)
    asset_returns: pd.DataFrame | None = None
    """Daily returns of A and B themselves (columns ``a``, ``b``), before any cost."""
    labels: str = "point-in-time"
    """Which phase labels drove it: 'point-in-time' (tradable) or 'ex-post' (hindsight, for comparison)."""

    @property
    def start(self) -> pd.Timestamp:
        """The base close (first returns are measured from it)."""
        return self.base_date

    @property
    def end(self) -> pd.Timestamp:
        """The last return date."""
        return pd.Timestamp(self.returns.index[-1])

    def equity(self) -> pd.DataFrame:
        """Growth of 1 for each stream, starting at 1 on the base date."""
        curve = (1.0 + self.returns).cumprod()
        base = pd.DataFrame([[1.0] * curve.shape[1]], columns=curve.columns, index=[self.base_date])
        return pd.concat([base, curve])

    def metrics_table(self) -> pd.DataFrame:
        """One row per stream with every metric."""
        return pd.DataFrame([m.to_dict() for m in self.metrics]).set_index("name")

    def stints(self) -> pd.DataFrame:
        """One row per stretch of days with unchanged target weights: dates, phase, weights, the strategy's
        return and A's and B's own returns over it, whether A beat B, and ``open`` when it runs to the last day."""
        if self.asset_returns is None:
            raise RatecycleError("this backtest result has no asset returns")
        targets = self.weights[["target_a", "target_b"]].to_numpy()
        change = np.ones(len(targets), dtype=bool)
        change[1:] = np.any(targets[1:] != targets[:-1], axis=1)
        run_id = np.cumsum(change)
        frame = pd.DataFrame({"run": run_id, "date": self.returns.index, "phase": self.weights["phase"].to_numpy(),
                              "target_a": targets[:, 0], "target_b": targets[:, 1],
                              "g_strategy": 1.0 + self.returns["strategy"].to_numpy(),
                              "g_a": 1.0 + self.asset_returns["a"].to_numpy(),
                              "g_b": 1.0 + self.asset_returns["b"].to_numpy()})
        grouped = frame.groupby("run", sort=True)
        out = grouped.agg(start=("date", "first"), end=("date", "last"), days=("date", "size"),
                          phase=("phase", "first"), target_a=("target_a", "first"), target_b=("target_b", "first"),
                          return_strategy=("g_strategy", "prod"), return_a=("g_a", "prod"), return_b=("g_b", "prod"))
        for col in ("return_strategy", "return_a", "return_b"):
            out[col] = out[col] - 1.0
        out["spread"] = out["return_a"] - out["return_b"]
        out["a_beat_b"] = out["spread"] > 0
        out["open"] = out["end"] == self.returns.index[-1]
        return out.reset_index(drop=True)

    def stint_hit_rate(self) -> float:
        """Share of stints tilted to A (target A above target B) in which A's return beat B's."""
        table = self.stints()
        tilted = table[table["target_a"] > table["target_b"]]
        return float(tilted["a_beat_b"].mean()) if len(tilted) else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: parameters, metrics per stream, stints in A, notes (no daily series)."""
        phase_share = self.weights["phase"].value_counts(normalize=True).sort_index()
        return {
            "strategy": self.strategy.to_dict(),
            "labels": self.labels,
            "ex_post": self.labels != "point-in-time",
            "pair": {"a": self.pair[0], "b": self.pair[1]},
            "total_return_series": {"a": self.total_return_series[0], "b": self.total_return_series[1]},
            "lag_days": self.lag,
            "cost_bps": self.cost_bps,
            "start": self.base_date.date().isoformat(),
            "end": self.end.date().isoformat(),
            "trading_days": len(self.returns),
            "rebalances": int((self.weights["traded"] > 0).sum()),
            "phase_share": {str(k): float(v) for k, v in phase_share.items()},
            "metrics": [m.to_dict() for m in self.metrics],
            "stints_in_a": self._stints_in_a(),
            "stint_hit_rate": self.stint_hit_rate() if self.asset_returns is not None else None,
            "notes": list(self.notes),
        }

    def _stints_in_a(self) -> list[dict[str, Any]] | None:
        if self.asset_returns is None:
            return None
        table = self.stints()
        tilted = table[table["target_a"] > table["target_b"]]
        return [{"start": r["start"].date().isoformat(), "end": r["end"].date().isoformat(), "days": int(r["days"]),
                 "phase": r["phase"], "return_strategy": float(r["return_strategy"]),
                 "return_a": float(r["return_a"]), "return_b": float(r["return_b"]), "spread": float(r["spread"]),
                 "a_beat_b": bool(r["a_beat_b"]), "open": bool(r["open"])}
                for r in tilted.to_dict(orient="records")]


def run_backtest(
    prices_a: pd.Series,
    prices_b: pd.Series,
    phases: pd.Series,
    strategy: Strategy,
    *,
    lag: int = 1,
    cost_bps: float = 5.0,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    pair: tuple[str, str] = ("A", "B"),
    total_return_series: tuple[bool, bool] = (False, False),
    cash_rate: pd.Series | None = None,
    cash_name: str = "cash",
) -> BacktestResult:
    """Backtest ``strategy`` on the pair's closes using point-in-time ``phases`` (one label per date).

    The evaluation runs from the first common close on or after ``start`` that already has a lagged phase
    (the base date) to ``end``; it stops at the last phase date, never carrying a label past its data.
    ``cash_rate`` (annual percent, e.g. the effective fed funds rate) is earned on uninvested cash and is the
    benchmark of Sharpe and Sortino; without it cash earns nothing.
    """
    if cost_bps < 0:
        raise RatecycleError(f"--cost-bps must be >= 0, got {cost_bps}")
    closes = align_prices(prices_a, prices_b)
    if len(phases):
        closes = closes[closes.index <= phases.index.max()]
    if end is not None:
        closes = closes[closes.index <= pd.Timestamp(end)]
    target = positions(phases, pd.DatetimeIndex(closes.index), strategy, lag)
    has_target = target["a"].notna().to_numpy()
    # candidate base closes: on/after start, with a known target for the next day's return
    candidate = np.zeros(len(closes), dtype=bool)
    candidate[:-1] = has_target[1:]
    if start is not None:
        candidate &= closes.index >= pd.Timestamp(start)
    base = int(np.argmax(candidate)) if candidate.any() else len(closes)
    closes = closes.iloc[base:]
    target = target.iloc[base:]
    if len(closes) < 3:
        raise DataError(f"fewer than 3 common closes for {pair[0]} and {pair[1]} with a known phase in the period")
    asset_r = closes.pct_change().iloc[1:]
    target = target.iloc[1:]
    r = asset_r[["a", "b"]].to_numpy()
    w = target[["a", "b"]].to_numpy()
    changed = np.ones(len(w), dtype=bool)
    changed[1:] = np.any(w[1:] != w[:-1], axis=1)
    index = pd.DatetimeIndex(asset_r.index)
    rc = None if cash_rate is None else cash_returns(cash_rate, pd.DatetimeIndex(closes.index), cash_name)
    strat = simulate(r, w, changed, cost_bps, rc)
    n = len(r)
    bh_a = simulate(r, np.tile([1.0, 0.0], (n, 1)), np.zeros(n, dtype=bool), cost_bps, rc)
    bh_b = simulate(r, np.tile([0.0, 1.0], (n, 1)), np.zeros(n, dtype=bool), cost_bps, rc)
    mix = simulate(r, np.tile([0.5, 0.5], (n, 1)), _month_starts(index), cost_bps, rc)
    returns = pd.DataFrame({"strategy": strat.net, "buy_hold_a": bh_a.net, "buy_hold_b": bh_b.net,
                            "fifty_fifty": mix.net}, index=index)
    held = pd.DataFrame({"a": strat.held[:, 0], "b": strat.held[:, 1], "traded": strat.traded,
                         "phase": target["phase"].to_numpy(), "target_a": w[:, 0], "target_b": w[:, 1]}, index=index)
    base_date = pd.Timestamp(closes.index[0])
    sims = {"strategy": strat, "buy_hold_a": bh_a, "buy_hold_b": bh_b, "fifty_fifty": mix}
    metrics = tuple(summarize(name, returns[name], sim.held, sim.traded, base_date, returns["buy_hold_b"], rc)
                    for name, sim in sims.items())
    return BacktestResult(strategy=strategy, pair=pair, lag=lag, cost_bps=float(cost_bps), base_date=base_date,
                          returns=returns, weights=held, metrics=metrics, total_return_series=total_return_series,
                          notes=_notes(pair, total_return_series, lag, cost_bps,
                                       None if cash_rate is None else cash_name),
                          asset_returns=asset_r[["a", "b"]].set_axis(index))


def cash_returns(rate: pd.Series, closes_index: pd.DatetimeIndex, name: str = "cash") -> np.ndarray:
    """Daily cash return for each return day after the first close: the annual percent rate dated on the
    previous close (last value on or before it) x calendar days since that close / 360."""
    known = rate.dropna().sort_index()
    days = closes_index.to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(known.index.to_numpy(dtype="datetime64[ns]"), days[:-1], side="right") - 1
    if len(pos) and pos[0] < 0:
        raise DataError(f"series {name} starts after the backtest's first close {closes_index[0].date()}")
    gap = np.diff(days).astype("timedelta64[D]").astype("float64")
    return np.asarray(known.to_numpy(dtype="float64")[pos] / 100.0 * gap / 360.0, dtype="float64")


def _notes(pair: tuple[str, str], total: tuple[bool, bool], lag: int, cost_bps: float,
           cash: str | None = None) -> tuple[str, ...]:
    cash_note = (f"Cash earns {cash} (the rate dated on the previous close, actual/360); Sharpe and Sortino use "
                 f"returns in excess of it." if cash else
                 "Cash earns nothing and Sharpe and Sortino use a zero risk-free rate.")
    notes = [f"Signal lag {lag} trading day(s): the phase known at the close of day t sets the position for "
             f"day t+{lag}'s return.",
             f"Costs: {cost_bps:g} bp per unit of equity traded, charged on the trade day.",
             "fifty_fifty holds 50% A / 50% B, rebalanced on the first trading day of each month.",
             cash_note, "CAGR uses calendar days / 365.25."]
    for name, is_total in zip(pair, total, strict=True):
        if not is_total:
            notes.append(f"{name} is a price index: dividends are not included, so its return is understated "
                         "by roughly its dividend yield.")
    return tuple(notes)


TOTAL_RETURN_SERIES = frozenset({"iwm", "spy", "iwn", "iwo", "vtwo", "vtwg", "vtwv", "sp500_tr"})


def is_total_return(name: str) -> bool:
    """True for catalog series that include reinvested dividends (adjusted ETF closes, ^SP500TR)."""
    return name in TOTAL_RETURN_SERIES
