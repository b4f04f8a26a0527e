"""Valuation bands: where a multiple (P/E, CAPE, a ratio of two P/Es) sits against its own trailing history.

Point in time: an observation counts only once it was published. The release day of each observation comes from
the catalog's release rule through the data layer (``ratecycle.data.asof.released``) and is passed in as
``released`` (a Series of release days indexed by observation date); without it an observation is taken as
known on its own date. Monthly Shiller-based series (``pe_sp500``, ``shiller:CAPE``), for example, are dated on
the first day of month M and released at the end of month M+3.

Lagging the monthly ratio also lags its price, so the headline S&P 500 P/E on a date is price-updated
(``price_updated_pe``): the last index close on or before the date over the latest trailing 12-month earnings
published by then, judged against the same trailing window of monthly P/E values as ``valuation``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._typing import DateLike, to_timestamp
from .errors import DataError

IMPORT_COMMANDS: dict[str, str] = {
    "pe_russell2000": "ratecycle data import-series pe_russell2000 FILE.csv",
}
DESCRIPTIONS: dict[str, str] = {
    "pe_sp500": "S&P 500 trailing P/E: Shiller monthly average price / trailing 12-month reported earnings",
    "shiller:CAPE": "S&P 500 cyclically adjusted P/E (Shiller CAPE: real price / 10-year average real earnings)",
    "pe_russell2000": "Russell 2000 P/E, user-supplied",
    "bm_small_big": "Small over big book-to-market (BE/ME, not a P/E; higher = small caps cheaper)",
}


def release_index(series: pd.Series, released: pd.Series | None) -> pd.DatetimeIndex:
    """The release day of each observation of ``series`` (its own date where ``released`` has none)."""
    index = pd.DatetimeIndex(series.index)
    if released is None:
        return index
    rel = released[~released.index.duplicated(keep="last")].reindex(index)
    return pd.DatetimeIndex(rel.where(rel.notna(), index.to_series(index=index)).to_numpy(dtype="datetime64[ns]"))


def known_at(series: pd.Series, as_of: DateLike | None, released: pd.Series | None = None) -> pd.Series:
    """The observations of ``series`` already published on ``as_of`` (all of them when ``as_of`` is None)."""
    clean = series.dropna().sort_index()
    when = to_timestamp(as_of)
    if when is None:
        return clean
    return clean[np.asarray(release_index(clean, released) <= when)]


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


@dataclass(frozen=True, kw_only=True)
class WindowStats:
    """A trailing window's mean and sample standard deviation, the value's z-score and the +-1/+-2 sigma bands."""

    mean: float
    std: float
    zscore: float
    lower2: float
    lower1: float
    upper1: float
    upper2: float


@dataclass(frozen=True, kw_only=True)
class TrailingReading(WindowStats):
    """The fields every valuation reading has: the value, its trailing window's statistics and its history."""

    series: str
    description: str
    value: float
    window_years: float
    window_start: pd.Timestamp
    window_count: int
    percentile: float
    history_start: pd.Timestamp
    history_count: int
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates, plain floats): every field, flat."""
        return {key: _plain(val) for key, val in self.__dict__.items()}


@dataclass(frozen=True, kw_only=True)
class Valuation(TrailingReading):
    """A multiple on a date against its trailing window and its whole history up to that date."""

    as_of: pd.Timestamp | None
    observation_date: pd.Timestamp
    released: pd.Timestamp
    note: str = ""
    """Why this reading is shown instead of a better one (e.g. the price-updated P/E could not be formed)."""

    @property
    def age_months(self) -> int | None:
        """Whole months from the observed month to the as-of date's month: how old the latest value is then."""
        if self.as_of is None:
            return None
        return (self.as_of.year - self.observation_date.year) * 12 + self.as_of.month - self.observation_date.month

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates, plain floats), with the latest value's age in months."""
        return super().to_dict() | {"age_months": self.age_months}


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
    released: pd.Series | None = None,
    min_obs: int = 12,
) -> Valuation:
    """Value, trailing mean/std, z-score, bands and full-history percentile of a multiple as known on ``as_of``
    (``released``: each observation's release day, from ``ratecycle.data.asof.released``)."""
    label = name or str(series.name or "series")
    known = known_at(series, as_of, released)
    if known.empty:
        raise DataError(f"no observation of {label} published by {to_timestamp(as_of).date()}"
                        if as_of is not None else f"series {label} has no observations")
    last = pd.Timestamp(known.index[-1])
    value = float(known.iloc[-1])
    start = _window_offset(years)
    window_start = last - start
    window = known[known.index > window_start]
    if len(window) < max(min_obs, 2):
        raise DataError(f"series {label}: only {len(window)} observations in the {years}-year window to "
                        f"{last.date()} (need {max(min_obs, 2)})")
    published = release_index(known, released)[-1]
    return Valuation(
        series=label, description=DESCRIPTIONS.get(label, label), as_of=to_timestamp(as_of),
        observation_date=last, released=pd.Timestamp(published), value=value, window_years=float(years),
        window_start=pd.Timestamp(window.index[0]), window_count=len(window),
        **_window_stats(window.to_numpy(dtype="float64"), value),
        percentile=percentile_in_history(known, value), history_start=pd.Timestamp(known.index[0]),
        history_count=len(known),
    )


def relative_series(a: pd.Series, b: pd.Series, *, released_a: pd.Series | None = None,
                    released_b: pd.Series | None = None, name: str | None = None) -> pd.Series:
    """A's multiple divided by B's, on month ends, each side using its latest value already published then."""
    def monthly(series: pd.Series, released: pd.Series | None) -> pd.Series:
        clean = series.dropna().sort_index()
        by_release = pd.Series(clean.to_numpy(dtype="float64"), index=release_index(clean, released))
        by_release = by_release.sort_index(kind="stable")
        by_release = by_release[~by_release.index.duplicated(keep="last")]
        return by_release.resample("ME").last()

    left, right = monthly(a, released_a), monthly(b, released_b)
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
                       years: float = 5, min_obs: int = 12, released_a: pd.Series | None = None,
                       released_b: pd.Series | None = None) -> Valuation:
    """Relative valuation: A's multiple / B's on month ends, valued like any multiple (each side from its release)."""
    ratio = relative_series(a, b, released_a=released_a, released_b=released_b, name=f"{a_name}/{b_name}")
    # The ratio is indexed by the month end on which both inputs were already published: known on its own date.
    return valuation(ratio, name=f"{a_name}/{b_name}", as_of=as_of, years=years, min_obs=min_obs)


PRICE_STALE_DAYS = 7
"""The price-updated P/E needs an index close at most this many days before the as-of date (weekends, holidays)."""
PRICE_UPDATED_DESCRIPTION = ("S&P 500 trailing P/E on the as-of date: last close / latest published trailing "
                             "12-month reported earnings (Shiller)")


class PriceUpdateUnavailable(DataError):
    """The price-updated P/E cannot be formed on a date: no recent close, or no positive published earnings."""


@dataclass(frozen=True, kw_only=True)
class PriceUpdatedPE(TrailingReading):
    """Trailing P/E on a date from that date's close and the latest published earnings, against monthly history."""

    as_of: pd.Timestamp
    price: float
    price_date: pd.Timestamp
    earnings: float
    earnings_month: pd.Timestamp
    earnings_released: pd.Timestamp
    lagged_month: pd.Timestamp
    """The month-end P/E the lagged method shows on the same date (its month's average price / its earnings)."""
    lagged_released: pd.Timestamp
    lagged_value: float
    lagged_zscore: float
    lagged_percentile: float
    method: str = "price_updated"

    @property
    def observation_date(self) -> pd.Timestamp:
        """The month of the earnings used (the newest month in the reading)."""
        return self.earnings_month

    def basis(self) -> str:
        """'price of D / trailing earnings to M (published by R)' with ISO dates: what the P/E is made of."""
        return (f"price of {self.price_date.date().isoformat()} / trailing earnings to "
                f"{self.earnings_month.strftime('%Y-%m')} (published by {self.earnings_released.date().isoformat()})")



def _ns(values: pd.Index) -> np.ndarray:
    """Nanoseconds since the epoch of a date index (one unit, whatever the index's resolution)."""
    return pd.DatetimeIndex(values).as_unit("ns").asi8


def _ts(ns: np.integer | int) -> pd.Timestamp:
    return pd.Timestamp(int(ns))


@dataclass(frozen=True)
class PEData:
    """Index closes, trailing earnings and the monthly P/E as sorted numpy arrays with their release dates.

    Built once from pandas (``build``); a reading on a date is then a few binary searches, so the outlook can
    evaluate many past dates cheaply. Release dates come from the data layer (Shiller earnings: the end of M+3).
    """

    price_dates: np.ndarray
    price_values: np.ndarray
    earnings_months: np.ndarray
    earnings_released: np.ndarray
    earnings_values: np.ndarray
    pe_months: np.ndarray
    pe_released: np.ndarray
    pe_values: np.ndarray
    name: str = "pe_sp500"
    absent: tuple[str, ...] = ()
    """Inputs of the price update not supplied at all (e.g. 'sp500', 'shiller:E')."""

    @classmethod
    def build(cls, prices: pd.Series | None, earnings: pd.Series | None, pe: pd.Series, *,
              earnings_released: pd.Series | None, pe_released: pd.Series | None,
              name: str = "pe_sp500") -> PEData:
        """Arrays from the daily closes, the monthly trailing earnings and the monthly P/E (None: not available),
        with the release day of each monthly observation (``ratecycle.data.asof.released``; None: its own date)."""
        def monthly(series: pd.Series | None, released: pd.Series | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            clean = pd.Series(dtype="float64") if series is None else series.dropna().sort_index()
            index = pd.DatetimeIndex(clean.index)
            return _ns(index), _ns(release_index(clean, released)), clean.to_numpy(dtype="float64")

        closes = pd.Series(dtype="float64") if prices is None else prices.dropna().sort_index()
        e_months, e_released, e_values = monthly(earnings, earnings_released)
        p_months, p_released, p_values = monthly(pe, pe_released)
        absent = tuple(label for label, series in (("sp500", prices), ("shiller:E", earnings)) if series is None)
        return cls(price_dates=_ns(pd.DatetimeIndex(closes.index)), price_values=closes.to_numpy(dtype="float64"),
                   earnings_months=e_months, earnings_released=e_released, earnings_values=e_values,
                   pe_months=p_months, pe_released=p_released, pe_values=p_values, name=name, absent=absent)

    def _when(self, as_of: DateLike | None) -> pd.Timestamp | None:
        """The as-of date; without one, the last close (the price-updated reading needs a date)."""
        when = to_timestamp(as_of)
        if when is None and self.price_dates.size:
            return _ts(self.price_dates[-1])
        return when

    def _window(self, t: int, when: pd.Timestamp | None, years: float, min_obs: int) -> tuple[int, int]:
        """(first, end) positions of the trailing window of monthly P/E known at ``t``: values[first:end]."""
        end = int(np.searchsorted(self.pe_released, t, side="right"))
        if end == 0:
            raise DataError(f"no observation of {self.name} published by {when.date()}" if when is not None
                            else f"series {self.name} has no observations")
        last = _ts(self.pe_months[end - 1])
        first = int(np.searchsorted(self.pe_months, (last - _window_offset(years)).as_unit("ns").value, side="right"))
        if end - first < max(min_obs, 2):
            raise DataError(f"series {self.name}: only {end - first} observations in the {years}-year window to "
                            f"{last.date()} (need {max(min_obs, 2)})")
        return first, end

    def price_updated(self, as_of: DateLike | None = None, *, years: float = 5, min_obs: int = 12,
                      max_price_age_days: int = PRICE_STALE_DAYS) -> PriceUpdatedPE:
        """The price-updated P/E on ``as_of`` (default: last close); PriceUpdateUnavailable if it cannot be formed."""
        when = self._when(as_of)
        if when is None:
            raise PriceUpdateUnavailable("no S&P 500 closes are available")
        t = when.as_unit("ns").value
        if self.absent:
            raise PriceUpdateUnavailable(f"{' and '.join(self.absent)} not available in this data source")
        i = int(np.searchsorted(self.price_dates, t, side="right"))
        if i == 0:
            raise PriceUpdateUnavailable(f"no S&P 500 close on or before {when.date()}")
        price_date, price = _ts(self.price_dates[i - 1]), float(self.price_values[i - 1])
        if (when - price_date).days > max_price_age_days:
            raise PriceUpdateUnavailable(f"the last S&P 500 close ({price_date.date()}) is more than "
                                         f"{max_price_age_days} days before {when.date()}")
        j = int(np.searchsorted(self.earnings_released, t, side="right"))
        if j == 0:
            raise PriceUpdateUnavailable(f"no trailing earnings published by {when.date()}")
        earnings, earnings_month = float(self.earnings_values[j - 1]), _ts(self.earnings_months[j - 1])
        if not earnings > 0:
            raise PriceUpdateUnavailable(f"trailing earnings to {earnings_month:%Y-%m} are not positive ({earnings:g})")
        first, end = self._window(t, when, years, min_obs)
        window = self.pe_values[first:end]
        known = self.pe_values[:end]
        value = price / earnings
        lagged = float(self.pe_values[end - 1])
        stats = _window_stats(window, value)
        return PriceUpdatedPE(
            series=self.name, description=PRICE_UPDATED_DESCRIPTION, as_of=when, price=price, price_date=price_date,
            earnings=earnings, earnings_month=earnings_month, earnings_released=_ts(self.earnings_released[j - 1]),
            value=value, window_years=float(years), window_start=_ts(self.pe_months[first]),
            window_count=end - first, **stats,
            percentile=float((known <= value).mean() * 100.0), history_start=_ts(self.pe_months[0]),
            history_count=end, lagged_month=_ts(self.pe_months[end - 1]),
            lagged_released=_ts(self.pe_released[end - 1]), lagged_value=lagged,
            lagged_zscore=_z(lagged, stats["mean"], stats["std"]),
            lagged_percentile=float((known <= lagged).mean() * 100.0),
        )

    def lagged(self, as_of: DateLike | None = None, *, years: float = 5, min_obs: int = 12,
               note: str = "") -> Valuation:
        """The month-end reading ``valuation`` gives (latest monthly P/E published by ``as_of``), from the arrays."""
        when = to_timestamp(as_of)
        t = np.iinfo(np.int64).max if when is None else when.as_unit("ns").value
        first, end = self._window(t, when, years, min_obs)
        value = float(self.pe_values[end - 1])
        return Valuation(
            series=self.name, description=DESCRIPTIONS.get(self.name, self.name), as_of=when,
            observation_date=_ts(self.pe_months[end - 1]), released=_ts(self.pe_released[end - 1]), value=value,
            window_years=float(years), window_start=_ts(self.pe_months[first]), window_count=end - first,
            **_window_stats(self.pe_values[first:end], value),
            percentile=float((self.pe_values[:end] <= value).mean() * 100.0),
            history_start=_ts(self.pe_months[0]), history_count=end, note=note,
        )

    def reading(self, as_of: DateLike | None = None, *, years: float = 5, min_obs: int = 12,
                max_price_age_days: int = PRICE_STALE_DAYS) -> PriceUpdatedPE | Valuation:
        """The headline P/E: price-updated when it can be formed, else the month-end reading with a note saying why."""
        try:
            return self.price_updated(as_of, years=years, min_obs=min_obs, max_price_age_days=max_price_age_days)
        except PriceUpdateUnavailable as exc:
            note = f"price-updated P/E not available ({exc}); the month-end P/E is shown instead"
            return self.lagged(as_of, years=years, min_obs=min_obs, note=note)


def price_updated_pe(prices: pd.Series, earnings: pd.Series, pe: pd.Series, *, earnings_released: pd.Series | None,
                     pe_released: pd.Series | None, as_of: DateLike | None = None, years: float = 5,
                     min_obs: int = 12, max_price_age_days: int = PRICE_STALE_DAYS) -> PriceUpdatedPE:
    """Close on or before ``as_of`` / latest trailing earnings published by then, against the monthly P/E's window."""
    data = PEData.build(prices, earnings, pe, earnings_released=earnings_released, pe_released=pe_released)
    return data.price_updated(as_of, years=years, min_obs=min_obs, max_price_age_days=max_price_age_days)


def pe_reading(prices: pd.Series | None, earnings: pd.Series | None, pe: pd.Series, *,
               earnings_released: pd.Series | None, pe_released: pd.Series | None,
               as_of: DateLike | None = None, years: float = 5, min_obs: int = 12) -> PriceUpdatedPE | Valuation:
    """The headline S&P 500 P/E: ``price_updated_pe`` when prices and earnings allow, else the month-end reading."""
    data = PEData.build(prices, earnings, pe, earnings_released=earnings_released, pe_released=pe_released)
    return data.reading(as_of, years=years, min_obs=min_obs)


def _z(value: float, mean: float, std: float) -> float:
    return (value - mean) / std if std > 0 else float("nan")


def _window_stats(window: np.ndarray, value: float) -> dict[str, Any]:
    """Mean, sample standard deviation, the value's z-score and the +-1/+-2 sigma bands of a trailing window: the
    ``WindowStats`` fields of a reading, as keyword arguments."""
    mean, std = float(window.mean()), float(window.std(ddof=1))
    return asdict(WindowStats(mean=mean, std=std, zscore=_z(value, mean, std), lower2=mean - 2 * std,
                              lower1=mean - std, upper1=mean + std, upper2=mean + 2 * std))


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    return value
