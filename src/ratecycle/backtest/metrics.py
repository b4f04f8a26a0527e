"""Performance metrics as pure functions of a daily return series (fractions, DatetimeIndex).

Conventions (also in docs/backtest.md): CAGR uses elapsed calendar days / 365.25; volatility, Sharpe and
Sortino are annualised with sqrt(252) trading days; Sharpe and Sortino use returns in excess of a cash return
series when one is given (else raw returns); drawdowns are measured on the equity curve that starts at 1
before the first return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._result import PlainResult

TRADING_DAYS = 252
DAYS_PER_YEAR = 365.25


def _values(returns: pd.Series) -> np.ndarray:
    return np.asarray(returns, dtype="float64")


def years_elapsed(returns: pd.Series, start: pd.Timestamp | None = None) -> float:
    """Calendar years from ``start`` (default: the first date) to the last date of ``returns``."""
    if len(returns) == 0:
        return 0.0
    first = pd.Timestamp(start) if start is not None else pd.Timestamp(returns.index[0])
    return float((pd.Timestamp(returns.index[-1]) - first).days) / DAYS_PER_YEAR


def equity_curve(returns: pd.Series) -> pd.Series:
    """Growth of 1 invested before the first return: cumulative product of (1 + r)."""
    return pd.Series(np.cumprod(1.0 + _values(returns)), index=returns.index, name=returns.name)


def total_return(returns: pd.Series) -> float:
    """Compounded return over the whole series."""
    values = _values(returns)
    return float(np.prod(1.0 + values) - 1.0) if values.size else float("nan")


def cagr(returns: pd.Series, start: pd.Timestamp | None = None) -> float:
    """Compound annual growth rate over elapsed calendar time (days / 365.25).

    ``start`` is the date of the base close the first return is measured from (default: the first date).
    """
    years = years_elapsed(returns, start)
    if years <= 0:
        return float("nan")
    wealth = 1.0 + total_return(returns)
    if wealth <= 0:
        return -1.0
    return float(wealth ** (1.0 / years) - 1.0)


def volatility(returns: pd.Series, periods: int = TRADING_DAYS) -> float:
    """Annualised standard deviation (ddof=1) of the periodic returns."""
    values = _values(returns)
    if values.size < 2:
        return float("nan")
    return float(np.std(values, ddof=1) * np.sqrt(periods))


def _excess(returns: pd.Series, rf: pd.Series | np.ndarray | None) -> np.ndarray:
    values = _values(returns)
    return values if rf is None else values - np.asarray(rf, dtype="float64")


def sharpe(returns: pd.Series, periods: int = TRADING_DAYS, rf: pd.Series | np.ndarray | None = None) -> float:
    """Annualised Sharpe ratio of returns in excess of ``rf`` (per-period cash returns; None = zero):
    mean / std (ddof=1) * sqrt(periods)."""
    values = _excess(returns, rf)
    if values.size < 2:
        return float("nan")
    std = float(np.std(values, ddof=1))
    return float(np.mean(values) / std * np.sqrt(periods)) if std > 0 else float("nan")


def sortino(returns: pd.Series, periods: int = TRADING_DAYS, rf: pd.Series | np.ndarray | None = None) -> float:
    """Annualised Sortino ratio of returns in excess of ``rf`` (None = zero):
    mean / sqrt(sum of squared negative excess returns / n) * sqrt(periods)."""
    values = _excess(returns, rf)
    if values.size == 0:
        return float("nan")
    downside = float(np.sqrt(np.sum(np.minimum(values, 0.0) ** 2) / values.size))
    return float(np.mean(values) / downside * np.sqrt(periods)) if downside > 0 else float("nan")


def drawdown_series(returns: pd.Series) -> pd.Series:
    """Equity relative to its running peak minus 1 (the peak includes the starting value 1)."""
    equity = np.cumprod(1.0 + _values(returns))
    peak = np.maximum.accumulate(np.concatenate([[1.0], equity]))[1:]
    return pd.Series(equity / peak - 1.0, index=returns.index, name=returns.name)


def max_drawdown(returns: pd.Series) -> float:
    """Worst peak-to-trough fall of the equity curve, as a negative fraction (0 when it never falls)."""
    if len(returns) == 0:
        return float("nan")
    return float(min(0.0, drawdown_series(returns).min()))


def calmar(returns: pd.Series, start: pd.Timestamp | None = None) -> float:
    """CAGR divided by the absolute maximum drawdown."""
    mdd = max_drawdown(returns)
    return cagr(returns, start) / abs(mdd) if mdd < 0 else float("nan")


def _aggregate(returns: pd.Series, freq: str | None) -> pd.Series:
    """Compound daily returns into calendar periods ('ME' months, 'QE' quarters, 'YE' years); None keeps days."""
    if freq is None:
        return returns
    ordered = returns.sort_index()
    index = pd.DatetimeIndex(ordered.index)
    years = index.year.to_numpy(dtype="int64")
    if freq == "ME":
        codes = years * 12 + index.month.to_numpy(dtype="int64")
    elif freq == "QE":
        codes = years * 4 + index.quarter.to_numpy(dtype="int64")
    elif freq == "YE":
        codes = years
    else:
        from ..errors import RatecycleError

        raise RatecycleError(f"unknown hit-rate period {freq!r} (use ME, QE or YE)")
    if codes.size == 0:
        return pd.Series([], dtype="float64")
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    compounded = np.multiply.reduceat(1.0 + _values(ordered), starts) - 1.0
    return pd.Series(compounded, index=codes[starts])


def hit_rate(returns: pd.Series, freq: str | None = None) -> float:
    """Share of periods with a positive return among periods with a non-zero return (days unless ``freq``)."""
    values = _values(_aggregate(returns, freq))
    nonzero = values[values != 0]
    return float(np.mean(nonzero > 0)) if nonzero.size else float("nan")


def hit_rate_vs(returns: pd.Series, benchmark: pd.Series, freq: str | None = None) -> float:
    """Share of periods (days unless ``freq``) in which ``returns`` beat ``benchmark``, ties excluded."""
    ours = _values(_aggregate(returns, freq))
    theirs = _values(_aggregate(benchmark, freq))
    diff = ours - theirs
    decided = diff[diff != 0]
    return float(np.mean(decided > 0)) if decided.size else float("nan")


def turnover(weights: pd.DataFrame | np.ndarray, traded: np.ndarray | None = None,
             years: float | None = None) -> float:
    """Annualised one-way turnover: sum over days of sum |weight change| per year.

    ``traded`` (per-day traded fraction) is used directly when given; otherwise it is the absolute change of
    ``weights`` from day to day, counting the first day's entry from cash.
    """
    if traded is None:
        w = np.asarray(weights, dtype="float64")
        w = w.reshape(len(w), -1)
        previous = np.vstack([np.zeros((1, w.shape[1])), w[:-1]])
        traded = np.abs(w - previous).sum(axis=1)
    total = float(np.sum(traded))
    if years is None:
        years = len(traded) / TRADING_DAYS
    return total / years if years > 0 else float("nan")


def time_in_market(weights: pd.DataFrame | np.ndarray) -> float:
    """Share of days with any non-zero position."""
    w = np.asarray(weights, dtype="float64")
    w = w.reshape(len(w), -1)
    return float(np.mean(np.any(w != 0, axis=1))) if len(w) else float("nan")


@dataclass(frozen=True)
class Metrics(PlainResult):
    """The headline metrics of one return stream over one period."""

    name: str
    start: str
    end: str
    days: int
    total_return: float
    cagr: float
    volatility: float
    sharpe: float
    sortino: float
    max_drawdown: float
    calmar: float
    turnover: float
    time_in_market: float
    hit_rate_days: float
    hit_rate_months: float
    beat_b_months: float
    """Share of calendar months in which this stream beat buy-and-hold B (ties excluded)."""



def summarize(
    name: str,
    returns: pd.Series,
    weights: pd.DataFrame | np.ndarray,
    traded: np.ndarray | None,
    base_date: pd.Timestamp,
    benchmark_b: pd.Series,
    rf: pd.Series | np.ndarray | None = None,
) -> Metrics:
    """Every metric of one stream; ``base_date`` is the close the first return is measured from, ``rf`` the
    daily cash return Sharpe and Sortino are measured against (None: zero)."""
    years = years_elapsed(returns, base_date)
    return Metrics(
        name=name,
        start=pd.Timestamp(base_date).date().isoformat(),
        end=pd.Timestamp(returns.index[-1]).date().isoformat(),
        days=len(returns),
        total_return=total_return(returns),
        cagr=cagr(returns, base_date),
        volatility=volatility(returns),
        sharpe=sharpe(returns, rf=rf),
        sortino=sortino(returns, rf=rf),
        max_drawdown=max_drawdown(returns),
        calmar=calmar(returns, base_date),
        turnover=turnover(weights, traded, years),
        time_in_market=time_in_market(weights),
        hit_rate_days=hit_rate(returns),
        hit_rate_months=hit_rate(returns, "ME"),
        beat_b_months=hit_rate_vs(returns, benchmark_b, "ME"),
    )
