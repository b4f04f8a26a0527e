"""Inflation risk monitor on core PCE: the rates the Fed watches, the recent low, and a plain pause-pressure flag.

Point in time: the release day of each month comes from the catalog's release rule through the data layer
(``ratecycle.data.asof.released``; core PCE for month M at the end of month M+1, as BEA releases it near the end
of the following month). This is an offline approximation of ALFRED vintages: the values themselves are the
latest vintage, i.e. revised, so an as-of reading can differ slightly from what was printed then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._typing import DateLike, to_timestamp
from .data.vintages import published_on
from .errors import DataError
from .valuation import known_at, release_index

TARGET = 2.0
"""The Fed's inflation target, percent (stated for headline PCE; core is the usual guide to the trend)."""
VINTAGE_NOTE = ("each month counted from its release day (the catalog's release rule); an offline approximation "
                "of ALFRED vintages: values are the latest (revised) vintage")

Flag = Literal["pressure", "watch", "calm"]


def inflation_rates(index: pd.Series) -> pd.DataFrame:
    """Year-on-year, month-on-month annualised, 3- and 6-month annualised rates (percent) of a monthly index."""
    clean = index.dropna().sort_index()
    months = pd.DatetimeIndex(clean.index).to_period("M")
    if len(months) > 1 and not (np.diff(months.asi8) == 1).all():
        raise DataError("inflation rates need consecutive monthly observations (a month is missing)")
    level = clean.to_numpy(dtype="float64")
    frame = pd.DataFrame({"index": level}, index=clean.index)
    for name, lag, power in (("yoy", 12, 1), ("mom_ann", 1, 12), ("ann3", 3, 4), ("ann6", 6, 2)):
        frame[name] = ((frame["index"] / frame["index"].shift(lag)) ** power - 1.0) * 100.0
    return frame


@dataclass(frozen=True)
class InflationReading:
    """Core PCE as known on a date: rates, distance from target, the recent low, and the pause-pressure flag."""

    as_of: pd.Timestamp | None
    month: pd.Timestamp
    released: pd.Timestamp | None
    """Assumed publication day of ``month`` (None for a vintage reading, where publication is exact)."""
    index_level: float
    yoy: float
    mom_ann: float
    ann3: float
    ann6: float
    target: float
    gap_to_target: float
    low_month: pd.Timestamp
    low_yoy: float
    months_since_low: int
    months_rising_since_low: int
    flag: Flag
    reason: str
    note: str = VINTAGE_NOTE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates, months as YYYY-MM)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, pd.Timestamp):
                out[key] = value.strftime("%Y-%m") if key in {"month", "low_month"} else value.date().isoformat()
            elif isinstance(value, (float, np.floating)):
                out[key] = float(value)
            else:
                out[key] = value
        return out


def recent_low(yoy: pd.Series, lookback: int = 12) -> tuple[pd.Timestamp, float, int, int]:
    """(month, value) of the lowest YoY in the last ``lookback`` months (latest if tied), months since, rises since."""
    window = yoy.dropna().iloc[-lookback:]
    if window.empty:
        raise DataError("no year-on-year rate to find a low in (need 13 months of the index)")
    low_value = float(window.min())
    low_month = pd.Timestamp(window[window == low_value].index[-1])
    after = yoy.dropna()[yoy.dropna().index >= low_month]
    rises = int((after.diff().iloc[1:] > 0).sum())
    return low_month, low_value, len(after) - 1, rises


def classify(yoy: float, ann3: float, months_since_low: int, rises: int, *, target: float = TARGET,
             margin: float = 0.5) -> tuple[Flag, str]:
    """The plain flag: 'pressure' when YoY is over target+margin and the trend is up, 'watch' for one, else 'calm'.

    The trend is up when the 3-month annualised rate is at or above YoY, or when YoY rose in most of at least two
    months since its recent low.
    """
    above = yoy > target + margin
    momentum = ann3 >= yoy
    climbing = months_since_low >= 2 and rises * 2 > months_since_low
    trend_up = momentum or climbing
    parts = [f"YoY {yoy:.2f}% is {'above' if above else 'within'} {target + margin:.1f}%"]
    parts.append(f"3-month annualised {ann3:.2f}% {'at or above' if momentum else 'below'} YoY")
    parts.append(f"YoY rose in {rises} of {months_since_low} months since its recent low")
    if above and trend_up:
        return "pressure", "; ".join(parts)
    if above or (trend_up and yoy > target):
        return "watch", "; ".join(parts)
    return "calm", "; ".join(parts)


def inflation_monitor(core_pce: pd.Series, as_of: DateLike | None = None, *, released: pd.Series | None,
                      target: float = TARGET, margin: float = 0.5, low_lookback: int = 12,
                      note: str = VINTAGE_NOTE) -> InflationReading:
    """The inflation risk reading from the core PCE index as published by ``as_of`` (all data when None).

    ``released`` gives each month's release day (``ratecycle.data.asof.released``); None means the series is
    already exactly what was published on ``as_of`` (a vintage).
    """
    known = known_at(core_pce, as_of, released) if released is not None else core_pce.dropna().sort_index()
    if len(known) < 19:
        when = to_timestamp(as_of)
        raise DataError(f"core PCE: need at least 19 published months, have {len(known)}"
                        + (f" by {when.date()}" if when is not None else ""))
    rates = inflation_rates(known)
    last = rates.iloc[-1]
    month = pd.Timestamp(rates.index[-1])
    low_month, low_yoy, since, rises = recent_low(rates["yoy"], low_lookback)
    flag, reason = classify(float(last["yoy"]), float(last["ann3"]), since, rises, target=target, margin=margin)
    published = release_index(known, released)[-1] if released is not None else None
    return InflationReading(
        as_of=to_timestamp(as_of), month=month, released=pd.Timestamp(published) if published is not None else None,
        index_level=float(last["index"]), yoy=float(last["yoy"]), mom_ann=float(last["mom_ann"]),
        ann3=float(last["ann3"]), ann6=float(last["ann6"]), target=target,
        gap_to_target=float(last["yoy"]) - target, low_month=low_month, low_yoy=low_yoy,
        months_since_low=since, months_rising_since_low=rises, flag=flag, reason=reason, note=note,
    )


def inflation_from_vintages(vintages: pd.DataFrame, as_of: DateLike, *, target: float = TARGET, margin: float = 0.5,
                            low_lookback: int = 12) -> InflationReading:
    """True point in time: the reading from the core PCE vintage in force on ``as_of`` (ALFRED rows with
    columns date, value, realtime_start, realtime_end, e.g. from the FRED provider's ``fetch_vintages``)."""
    when = to_timestamp(as_of)
    if when is None:
        raise DataError("a vintage reading needs an as-of date")
    series = published_on(vintages, when)
    if series.empty:
        raise DataError(f"no core PCE vintage was in force on {when.date()}")
    return inflation_monitor(series, when, released=None,
                             note=f"ALFRED vintage in force on {when.date()}: values as published that day",
                             target=target, margin=margin, low_lookback=low_lookback)


@dataclass(frozen=True)
class InflationView:
    """A reading with the recent months' rates behind it (what ``ratecycle inflation`` shows)."""

    reading: InflationReading
    recent: pd.DataFrame
    """The last months' index level and rates (columns index, yoy, mom_ann, ann3, ann6), by month."""


def inflation_view(core_pce: pd.Series, as_of: DateLike | None = None, *, released: pd.Series | None,
                   months: int = 12, target: float = TARGET) -> InflationView:
    """The reading from the index as published by ``as_of`` (each month from its ``released`` day) and its recent
    rates."""
    rates = inflation_rates(known_at(core_pce, as_of, released))
    return InflationView(inflation_monitor(core_pce, as_of, released=released, target=target),
                         rates.iloc[-max(months, 1):])


def vintage_view(vintages: pd.DataFrame, as_of: DateLike, *, months: int = 12, target: float = TARGET) -> InflationView:
    """The reading and recent rates from the ALFRED vintage in force on ``as_of`` (values as published that day)."""
    rates = inflation_rates(published_on(vintages, as_of))
    return InflationView(inflation_from_vintages(vintages, as_of, target=target), rates.iloc[-max(months, 1):])
