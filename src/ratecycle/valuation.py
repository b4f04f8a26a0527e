"""Valuation bands: where a multiple (P/E, CAPE, a ratio of two P/Es) sits against its own trailing history.

Point in time: an observation counts only once it would have been published. Monthly Shiller-based series
(``pe_sp500``, ``shiller:CAPE``) are dated on the first day of month M; month M's earnings are assumed known on
the last day of month M+3 (Shiller's earnings trail by about one quarter). Other series (for example the
user-supplied ``pe_russell2000``) are taken as known on their own date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._typing import DateLike, to_timestamp
from .errors import DataError

PUBLICATION_LAG_MONTHS: dict[str, int] = {"pe_sp500": 3, "shiller:CAPE": 3, "shiller:E": 3}
"""Months after the end of the observed month before a monthly observation is known (Shiller earnings lag)."""

IMPORT_COMMANDS: dict[str, str] = {
    "pe_russell2000": "ratecycle data import-series pe_russell2000 FILE.csv",
}
DESCRIPTIONS: dict[str, str] = {
    "pe_sp500": "S&P 500 trailing P/E: Shiller monthly average price / trailing 12-month reported earnings",
    "shiller:CAPE": "S&P 500 cyclically adjusted P/E (Shiller CAPE: real price / 10-year average real earnings)",
    "pe_russell2000": "Russell 2000 P/E, user-supplied",
}


def release_dates(index: pd.DatetimeIndex, lag_months: int | None) -> pd.DatetimeIndex:
    """The date each observation becomes known: its own date when ``lag_months`` is None, else month end + lag."""
    if lag_months is None:
        return pd.DatetimeIndex(index)
    return pd.DatetimeIndex(index).to_period("M").to_timestamp(how="start") + pd.offsets.MonthEnd(lag_months + 1)


def known_at(series: pd.Series, as_of: DateLike | None, lag_months: int | None) -> pd.Series:
    """The observations of ``series`` already published on ``as_of`` (all of them when ``as_of`` is None)."""
    clean = series.dropna().sort_index()
    when = to_timestamp(as_of)
    if when is None:
        return clean
    released = release_dates(pd.DatetimeIndex(clean.index), lag_months)
    return clean[np.asarray(released <= when)]


def _window_offset(years: float) -> pd.DateOffset:
    months = round(years * 12)
    if months < 1:
        raise DataError(f"valuation window must be at least one month, got {years} years")
    return pd.DateOffset(months=months)


def _window_starts(index: pd.DatetimeIndex, years: float) -> np.ndarray:
    """Position of the first observation inside the trailing window (t - years, t] for every t."""
    bounds = index - _window_offset(years)  # vectorised calendar-month shift, clipped to month end; same unit
    return np.searchsorted(index.asi8, bounds.asi8, side="right")


def bands(series: pd.Series, years: float = 5, min_obs: int = 12) -> pd.DataFrame:
    """Trailing mean, standard deviation, z-score and +-1/+-2 sigma bands for every date (chart-ready).

    The window at date t is (t - years, t]; rows with fewer than ``min_obs`` observations in it are NaN.
    """
    clean = series.dropna().sort_index()
    index = pd.DatetimeIndex(clean.index)
    values = clean.to_numpy(dtype="float64")
    starts = _window_starts(index, years)
    n = len(values)
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    count = np.zeros(n, dtype="int64")
    for i in range(n):
        window = values[starts[i]: i + 1]
        count[i] = window.size
        if window.size >= max(min_obs, 2):
            mean[i] = window.mean()
            std[i] = window.std(ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, (values - mean) / std, np.nan)
    return pd.DataFrame(
        {"value": values, "mean": mean, "std": std, "zscore": z, "count": count,
         "lower2": mean - 2 * std, "lower1": mean - std, "upper1": mean + std, "upper2": mean + 2 * std},
        index=index,
    )


def percentile_in_history(history: pd.Series, value: float) -> float:
    """Percent of observations in ``history`` at or below ``value`` (0-100)."""
    clean = history.dropna().to_numpy(dtype="float64")
    if clean.size == 0:
        raise DataError("percentile needs at least one observation")
    return float((clean <= value).mean() * 100.0)


@dataclass(frozen=True)
class Valuation:
    """A multiple on a date against its trailing window and its whole history up to that date."""

    series: str
    description: str
    as_of: pd.Timestamp | None
    observation_date: pd.Timestamp
    released: pd.Timestamp
    value: float
    window_years: float
    window_start: pd.Timestamp
    window_count: int
    mean: float
    std: float
    zscore: float
    lower2: float
    lower1: float
    upper1: float
    upper2: float
    percentile: float
    history_start: pd.Timestamp
    history_count: int
    lag_months: int | None
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates, plain floats)."""
        out: dict[str, Any] = {}
        for key, val in self.__dict__.items():
            out[key] = _plain(val)
        return out


@dataclass(frozen=True)
class ValuationMissing:
    """The series cannot be valued because its data is not available; says how to supply it."""

    series: str
    reason: str
    import_command: str | None
    status: str = "missing"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"series": self.series, "status": self.status, "reason": self.reason,
                "import_command": self.import_command}


def valuation(
    series: pd.Series,
    *,
    name: str | None = None,
    as_of: DateLike | None = None,
    years: float = 5,
    lag_months: int | None = None,
    min_obs: int = 12,
) -> Valuation:
    """Value, trailing mean/std, z-score, bands and full-history percentile of a multiple as known on ``as_of``."""
    label = name or str(series.name or "series")
    known = known_at(series, as_of, lag_months)
    if known.empty:
        raise DataError(f"no observation of {label} published by {to_timestamp(as_of).date()}"  # type: ignore[union-attr]
                        if as_of is not None else f"series {label} has no observations")
    last = pd.Timestamp(known.index[-1])
    value = float(known.iloc[-1])
    start = _window_offset(years)
    window_start = last - start
    window = known[known.index > window_start]
    if len(window) < max(min_obs, 2):
        raise DataError(f"series {label}: only {len(window)} observations in the {years}-year window to "
                        f"{last.date()} (need {max(min_obs, 2)})")
    mean = float(window.mean())
    std = float(window.std(ddof=1))
    z = (value - mean) / std if std > 0 else float("nan")
    released = release_dates(pd.DatetimeIndex([last]), lag_months)[0]
    return Valuation(
        series=label, description=DESCRIPTIONS.get(label, label), as_of=to_timestamp(as_of),
        observation_date=last, released=pd.Timestamp(released), value=value, window_years=float(years),
        window_start=pd.Timestamp(window.index[0]), window_count=len(window), mean=mean, std=std, zscore=z,
        lower2=mean - 2 * std, lower1=mean - std, upper1=mean + std, upper2=mean + 2 * std,
        percentile=percentile_in_history(known, value), history_start=pd.Timestamp(known.index[0]),
        history_count=len(known), lag_months=lag_months,
    )


def relative_series(a: pd.Series, b: pd.Series, *, lag_a: int | None = None, lag_b: int | None = None,
                    name: str | None = None) -> pd.Series:
    """A's multiple divided by B's, on month ends, each side using its latest value already published then."""
    def monthly(series: pd.Series, lag: int | None) -> pd.Series:
        clean = series.dropna().sort_index()
        released = pd.Series(clean.to_numpy(dtype="float64"),
                             index=release_dates(pd.DatetimeIndex(clean.index), lag))
        released = released[~released.index.duplicated(keep="last")]
        return released.resample("ME").last()

    left, right = monthly(a, lag_a), monthly(b, lag_b)
    joined = pd.concat([left, right], axis=1, join="outer", sort=True).ffill().dropna()
    joined = joined[joined.iloc[:, 1] > 0]
    ratio = joined.iloc[:, 0] / joined.iloc[:, 1]
    ratio.name = name or f"{a.name}/{b.name}"
    ratio.index.name = "date"
    return ratio


def missing(series: str, reason: str) -> ValuationMissing:
    """The typed 'cannot value' answer for a series that is not available, with the import command if any."""
    return ValuationMissing(series=series, reason=reason, import_command=IMPORT_COMMANDS.get(series))


def relative_valuation(a: pd.Series, b: pd.Series, *, a_name: str, b_name: str, as_of: DateLike | None = None,
                       years: float = 5, min_obs: int = 12) -> Valuation:
    """Relative valuation: A's multiple / B's on month ends, valued like any multiple (publication lags applied)."""
    ratio = relative_series(a, b, lag_a=PUBLICATION_LAG_MONTHS.get(a_name), lag_b=PUBLICATION_LAG_MONTHS.get(b_name),
                            name=f"{a_name}/{b_name}")
    # The ratio is indexed by the month end on which both inputs were already published: no further lag.
    return valuation(ratio, name=f"{a_name}/{b_name}", as_of=as_of, years=years, lag_months=None, min_obs=min_obs)


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    return value
