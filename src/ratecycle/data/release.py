"""Release rules: when each observation of a series became public, so data can be read as known on a date.

Every catalog series carries one ``ReleaseRule``. ``ReleaseRule.dates`` turns a series' observation dates (and, for
the Fed target, its values and the FOMC meeting dates) into the day each observation was public at the close.
An observation is known as of day D when its release date is on or before D; ``ratecycle.data.asof`` applies
that gate, and nothing else in ratecycle applies a publication lag by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

ReleaseKind = Literal["same_day", "next_business_day", "target_announcement", "month_over", "month_end_lag",
                      "annual_next_year", "stored_release"]

TARGET_MEETING_WINDOW_DAYS = 3
"""A target change effective on day E was decided at a meeting held on E or at most this many days before it."""

_EPS = 1e-9


@dataclass(frozen=True)
class ReleaseRule:
    """When an observation dated t becomes public: ``kind`` plus a lag in months for the monthly rules."""

    kind: ReleaseKind
    months: int = 0
    """For ``month_end_lag`` (and ``stored_release`` without a stored date): month M is public on the last day of
    month M+``months``."""

    def describe(self) -> str:
        """One line for ``docs/data.md``, ``data list`` and the report's methods appendix."""
        if self.kind == "same_day":
            return "on its own date, at the close"
        if self.kind == "next_business_day":
            return "the next business day"
        if self.kind == "target_announcement":
            return ("a change effective on day E at the close of its announcement day: the FOMC meeting held on E "
                    f"or up to {TARGET_MEETING_WINDOW_DAYS} days before it, else E itself; other rows on their date")
        if self.kind == "month_over":
            return "once its month is over (the first day of the next month)"
        if self.kind == "month_end_lag":
            return f"month M at the end of month M+{self.months}"
        if self.kind == "stored_release":
            return ("on the release date stored with the observation (ALFRED's first vintage date, fetched with "
                    f"FRED_API_KEY); without one, month M at the end of month M+{self.months}")
        return "the end of January of the following year"

    def dates(self, dates: pd.DatetimeIndex, values: np.ndarray | None = None,
              meetings: pd.DatetimeIndex | None = None, stored: pd.Series | None = None) -> pd.DatetimeIndex:
        """The release day of each observation dated ``dates`` (values and meetings only for the Fed target;
        ``stored``, release days by observation date, only for ``stored_release``)."""
        index = pd.DatetimeIndex(dates).normalize()
        if self.kind == "stored_release":
            fallback = month_end_lag(self.months).dates(index)
            if stored is None or stored.empty:
                return fallback
            known = pd.DatetimeIndex(stored.reindex(index).to_numpy(dtype="datetime64[ns]"))
            return pd.DatetimeIndex(np.where(known.isna(), fallback.to_numpy(), known.to_numpy()))
        if self.kind == "same_day":
            return index
        if self.kind == "next_business_day":
            return index + pd.offsets.BDay(1)
        if self.kind == "target_announcement":
            return target_release_dates(index, values, meetings)
        month_start = index.to_period("M").to_timestamp(how="start")
        if self.kind == "month_over":
            return month_start + pd.offsets.MonthBegin(1)
        if self.kind == "month_end_lag":
            return month_start + pd.offsets.MonthEnd(self.months + 1)
        return index.to_period("Y").to_timestamp(how="start") + pd.DateOffset(years=1) + pd.offsets.MonthEnd(1)


SAME_DAY = ReleaseRule("same_day")
NEXT_BUSINESS_DAY = ReleaseRule("next_business_day")
TARGET_ANNOUNCEMENT = ReleaseRule("target_announcement")
MONTH_OVER = ReleaseRule("month_over")
ANNUAL_NEXT_YEAR = ReleaseRule("annual_next_year")


def month_end_lag(months: int) -> ReleaseRule:
    """Month M public on the last day of month M+``months`` (Shiller earnings: 3)."""
    return ReleaseRule("month_end_lag", months)


def stored_release(fallback_months: int) -> ReleaseRule:
    """Each observation on the release date stored with it (ALFRED vintages); without one, month M at the end of
    month M+``fallback_months`` (core PCE and PCE: 1)."""
    return ReleaseRule("stored_release", fallback_months)


def announcement_day(effective: pd.Timestamp, meetings: np.ndarray,
                     window_days: int = TARGET_MEETING_WINDOW_DAYS) -> pd.Timestamp | None:
    """The latest meeting (sorted datetime64 array) on ``effective`` or at most ``window_days`` before it, or None."""
    eff = pd.Timestamp(effective).normalize().to_datetime64()
    pos = int(np.searchsorted(meetings, eff, side="right")) - 1
    if pos >= 0 and meetings[pos] >= eff - np.timedelta64(int(window_days), "D"):
        return pd.Timestamp(meetings[pos])
    return None


def target_release_dates(dates: pd.DatetimeIndex, values: np.ndarray | None,
                         meetings: pd.DatetimeIndex | None) -> pd.DatetimeIndex:
    """Release days of Fed target rows: a change row at its announcement day, every other row on its own date."""
    index = pd.DatetimeIndex(dates).normalize()
    if values is None or len(index) < 2:
        return index
    vals = np.asarray(values, dtype="float64")
    changed = np.flatnonzero(np.abs(np.diff(vals)) > _EPS) + 1
    meets = (pd.DatetimeIndex([]) if meetings is None else pd.DatetimeIndex(meetings).normalize().unique()
             .sort_values()).to_numpy(dtype="datetime64[ns]")
    out = index.to_numpy(dtype="datetime64[ns]").copy()
    for k in changed:
        day = announcement_day(pd.Timestamp(out[k]), meets)
        if day is not None:
            out[k] = day.to_datetime64()
    return pd.DatetimeIndex(out)
