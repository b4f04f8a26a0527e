"""Vectorised window arithmetic: event dates to price dates, and many window returns at once.

Every other module of ``ratecycle.events`` goes through :func:`window_returns`, so a study of five
cycles and a sweep of thousands of variants use the same numpy ``searchsorted`` kernel.

Rule for picking a close: a window date uses the series' own **last close on or before** that date.
Nothing is ever taken from after the date, so no window peeks ahead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._typing import CONVENTIONS as CONVENTION_NAMES
from .._typing import Convention, choose
from ..errors import RatecycleError

CONVENTIONS = CONVENTION_NAMES
DAY = np.timedelta64(1, "D")
DEFAULT_CONVENTION: Convention = "daily"
"""The one default of study, outlook, sweep and report: from the close of the announcement day to the close N
months later. It is the only convention that starts at the event itself (month_end starts up to a month after
it, prior_month_end up to a month before), and both index series are daily. Monthly measures (Ken French,
SMB) can only use month ends; their outputs say so."""
DEFAULT_CONVENTION_TEXT = "daily closes: announcement day to the close N months later"


def as_days(values: object) -> np.ndarray:
    """Dates (Index, Series, list of dates/strings, datetime64 array) as a ``datetime64[D]`` array."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    # casting to days floors every timestamp to its calendar date (also before 1970), like normalize()
    return np.atleast_1d(np.asarray(values, dtype="datetime64[ns]")).astype("datetime64[D]")


def check_convention(convention: str) -> Convention:
    """Return ``convention`` if known, else raise a one-line error listing the choices."""
    return choose(convention, CONVENTIONS, "window convention")


def month_end(days: np.ndarray) -> np.ndarray:
    """Last calendar day of each date's month."""
    return ((days.astype("datetime64[M]") + 1).astype("datetime64[D]") - DAY).astype("datetime64[D]")


def prior_month_end(days: np.ndarray) -> np.ndarray:
    """Last calendar day of the month before each date's month."""
    return (days.astype("datetime64[M]").astype("datetime64[D]") - DAY).astype("datetime64[D]")


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Same day ``months`` calendar months later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month = days.astype("datetime64[M]")
    offset = days - month.astype("datetime64[D]")
    target_month = month + int(months)
    first = target_month.astype("datetime64[D]")
    last = (target_month + 1).astype("datetime64[D]") - DAY
    return np.asarray(np.minimum(first + offset, last), dtype="datetime64[D]")


def reference_dates(days: np.ndarray, convention: Convention) -> np.ndarray:
    """The calendar date whose close stands for an event under a convention.

    ``daily``: the event day itself; ``month_end``: the last day of its month; ``prior_month_end``:
    the last day of the month before. The close used is the last one on or before that date.
    """
    check_convention(convention)
    days = as_days(days)
    if convention == "daily":
        return days
    if convention == "month_end":
        return month_end(days)
    return prior_month_end(days)


def horizon_dates(anchors: np.ndarray, months: int, convention: Convention) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) reference dates of the window that runs ``months`` months after each anchor."""
    anchors = as_days(anchors)
    start = reference_dates(anchors, convention)
    end = reference_dates(add_months(anchors, months), convention)
    return start, end


@dataclass(frozen=True)
class WindowReturns:
    """Many windows of one series, as parallel arrays (one entry per window).

    Index -1 means the series has no close on or before the window date; the return is then NaN.
    """

    start_index: np.ndarray
    end_index: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray
    start_close: np.ndarray
    end_close: np.ndarray
    returns: np.ndarray
    incomplete: np.ndarray
    """True where the window's end date lies after the series' last observation."""
    before_data: np.ndarray
    """True where the window starts before the series' first observation (no close to start from)."""

    def __len__(self) -> int:
        return int(self.returns.shape[0])


def locate(dates: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the last date on or before each target (-1 when the target precedes every date)."""
    return np.searchsorted(dates, targets, side="right") - 1


def window_returns(dates: np.ndarray, closes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> WindowReturns:
    """Simple returns close(end)/close(start) - 1 for many windows of one series at once.

    ``dates`` must be sorted ``datetime64`` values (one per close); ``starts``/``ends`` are window dates.
    Each side uses the last close on or before its date; windows ending after the data are flagged
    ``incomplete`` (the last close is used), windows starting before the data get NaN and ``before_data``.
    """
    dates = as_days(dates)
    closes = np.asarray(closes, dtype="float64")
    starts, ends = as_days(starts), as_days(ends)
    if dates.shape != closes.shape:
        raise RatecycleError(f"dates and closes differ in length ({dates.shape[0]} vs {closes.shape[0]})")
    if starts.shape != ends.shape:
        raise RatecycleError(f"window starts and ends differ in length ({starts.shape[0]} vs {ends.shape[0]})")
    if dates.size == 0:
        raise RatecycleError("no prices to compute window returns from")
    if dates.size > 1 and not bool(np.all(dates[1:] > dates[:-1])):
        raise RatecycleError("price dates must be strictly increasing")
    return checked_window_returns(dates, closes, starts, ends)


def checked_window_returns(dates: np.ndarray, closes: np.ndarray, starts: np.ndarray,
                           ends: np.ndarray) -> WindowReturns:
    """:func:`window_returns` for inputs already checked: ``datetime64[D]`` dates strictly increasing with one
    float64 close each (a ``Prices`` object's arrays), window dates as ``datetime64[D]``."""
    if bool(np.any(ends < starts)):
        bad = int(np.argmax(ends < starts))
        raise RatecycleError(f"window ends before it starts ({starts[bad]} to {ends[bad]})")
    i0 = locate(dates, starts)
    i1 = locate(dates, ends)
    before = i0 < 0
    safe0, safe1 = np.where(before, 0, i0), np.where(i1 < 0, 0, i1)
    c0 = np.where(before, np.nan, closes[safe0])
    c1 = np.where(i1 < 0, np.nan, closes[safe1])
    nat = np.datetime64("NaT", "D")
    d0 = np.where(before, nat, dates[safe0])
    d1 = np.where(i1 < 0, nat, dates[safe1])
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = c1 / c0 - 1.0
    return WindowReturns(i0, i1, d0, d1, c0, c1, ret, ends > dates[-1], before)


def max_drawdowns(closes: np.ndarray, start_index: np.ndarray, end_index: np.ndarray,
                  tree: DrawdownTree | None = None) -> np.ndarray:
    """Worst peak-to-trough fall (a negative fraction, 0 if none) of the closes inside each window.

    All windows are answered at once from a segment tree over the closes. Each node keeps the highest and lowest
    close of its span and ``best``, the lowest close/earlier-peak ratio inside it; two neighbours combine as
    best = min(best_left, best_right, lowest_right / highest_left). A window folds its O(log n) nodes left to
    right, vectorised across windows. Because correctly rounded division is monotone, the result equals a
    per-window running-peak loop bit for bit, and overlapping windows cost no more than disjoint ones.
    ``tree`` is the tree of these closes when the caller keeps one (``Prices.drawdown_tree``); else it is built.
    """
    closes = np.asarray(closes, dtype="float64")
    start_index = np.asarray(start_index, dtype="int64")
    end_index = np.asarray(end_index, dtype="int64")
    out = np.full(len(start_index), np.nan)
    valid = (start_index >= 0) & (end_index >= start_index)
    if not valid.any():
        return out
    if int(end_index[valid].max()) >= closes.size:
        raise IndexError(f"window end index {int(end_index[valid].max())} is past the last close ({closes.size - 1})")
    size, high, low, best = tree if tree is not None else drawdown_tree(closes)
    left = start_index[valid] + size  # half-open [left, right) over the tree's leaves
    right = end_index[valid] + 1 + size
    empty_high = np.nextafter(0.0, 1.0)  # a peak no close can be below, so lowest / peak overflows to +inf
    prefix_high = np.full(left.size, empty_high)  # the folded part left of the window's remaining nodes
    prefix_best = np.full(left.size, np.inf)
    suffix_low = np.full(left.size, np.inf)  # the folded part right of them
    suffix_best = np.full(left.size, np.inf)
    with np.errstate(over="ignore"):
        while True:
            active = left < right
            if not active.any():
                break
            take = active & (left & 1).astype(bool)  # a left boundary node joins the prefix on its right
            node = left[take]
            prefix_best[take] = np.minimum(np.minimum(prefix_best[take], best[node]), low[node] / prefix_high[take])
            prefix_high[take] = np.maximum(prefix_high[take], high[node])
            left = left + take
            take = active & (right & 1).astype(bool)  # a right boundary node joins the suffix on its left
            right = right - take
            node = right[take]
            suffix_best[take] = np.minimum(np.minimum(best[node], suffix_best[take]), suffix_low[take] / high[node])
            suffix_low[take] = np.minimum(low[node], suffix_low[take])
            left, right = left >> 1, right >> 1
        ratio = np.minimum(np.minimum(prefix_best, suffix_best), suffix_low / prefix_high)
    # x - 1 is monotone in floating point too, so subtracting 1 after the minimum gives the same number
    out[valid] = np.minimum(ratio - 1.0, 0.0)
    return out


DrawdownTree = tuple[int, np.ndarray, np.ndarray, np.ndarray]
"""(leaves, highest, lowest, best ratio) of every node of the segment tree :func:`max_drawdowns` folds."""


def drawdown_tree(closes: np.ndarray) -> DrawdownTree:
    """The segment tree of :func:`max_drawdowns` over ``closes``, built level by level (once per series).

    Leaves past the data are neutral: highest = the smallest positive float, lowest = best = +inf.
    """
    closes = np.asarray(closes, dtype="float64")
    size = 1 << max(1, int(closes.size - 1).bit_length())
    high = np.full(2 * size, np.nextafter(0.0, 1.0))
    low = np.full(2 * size, np.inf)
    best = np.full(2 * size, np.inf)
    high[size:size + closes.size] = closes
    low[size:size + closes.size] = closes
    best[size:size + closes.size] = 1.0  # a close against itself
    width = size
    with np.errstate(over="ignore"):
        while width > 1:
            parent = np.arange(width // 2, width)
            left, right = 2 * parent, 2 * parent + 1
            high[parent] = np.maximum(high[left], high[right])
            low[parent] = np.minimum(low[left], low[right])
            best[parent] = np.minimum(np.minimum(best[left], best[right]), low[right] / high[left])
            width //= 2
    return size, high, low, best
