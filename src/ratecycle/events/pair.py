"""Two price series measured over the same windows, each with its own closes (the pair alignment rule).

Alignment rule: for every window date each series uses its **own** last close on or before that date.
When the two series picked different days (a holiday on one exchange, a missing row, a series that ends
earlier) the row is flagged ``dates_differ``; nothing is shifted silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import DataError, RatecycleError
from .windows import DrawdownTree, WindowReturns, as_days, checked_window_returns, drawdown_tree, max_drawdowns


@dataclass(frozen=True, eq=False)
class Prices:
    """A named price (or wealth-index) series as sorted date and close arrays.

    The arrays are checked once, when the object is made (days strictly increasing, one float close each), and
    the drawdown tree is built once on first use, so many studies over one series repeat neither.
    """

    name: str
    dates: npt.NDArray[np.datetime64]
    closes: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        dates, closes = as_days(self.dates), np.asarray(self.closes, dtype="float64")
        if dates.shape != closes.shape:
            raise RatecycleError(f"dates and closes differ in length ({dates.shape[0]} vs {closes.shape[0]})")
        if dates.size == 0:
            raise RatecycleError("no prices to compute window returns from")
        if dates.size > 1 and not bool(np.all(dates[1:] > dates[:-1])):
            raise RatecycleError("price dates must be strictly increasing")
        object.__setattr__(self, "dates", dates)  # frozen: the checked arrays replace the given ones once
        object.__setattr__(self, "closes", closes)

    @cached_property
    def drawdown_tree(self) -> DrawdownTree:
        """The segment tree over the closes that answers any window's maximum drawdown (built on first use)."""
        return drawdown_tree(self.closes)

    def windows(self, starts: np.ndarray, ends: np.ndarray) -> WindowReturns:
        """Returns over many windows (``datetime64[D]`` start and end dates), without re-checking the arrays."""
        return checked_window_returns(self.dates, self.closes, starts, ends)

    def drawdowns(self, start_index: np.ndarray, end_index: np.ndarray) -> np.ndarray:
        """Maximum drawdown inside each window given by close positions, from the cached tree."""
        return max_drawdowns(self.closes, start_index, end_index, tree=self.drawdown_tree)

    @classmethod
    def from_series(cls, series: pd.Series, name: str | None = None) -> Prices:
        """Build from a pandas Series on a DatetimeIndex; NaN rows are dropped, duplicates are an error."""
        label = str(name or series.name or "series")
        clean = series.dropna().sort_index()
        if clean.empty:
            raise DataError(f"series {label} has no observations")
        if clean.index.has_duplicates:
            dup = clean.index[clean.index.duplicated()][0]
            raise DataError(f"series {label} has duplicate dates, e.g. {dup.date()}")
        closes = clean.to_numpy(dtype="float64")
        if bool(np.any(closes <= 0)):
            bad = clean.index[closes <= 0][0]
            raise DataError(f"series {label} has a non-positive price on {bad.date()}; returns need prices > 0")
        return cls(label, as_days(clean.index), closes)

    @property
    def first(self) -> np.datetime64:
        """First observation date."""
        return np.datetime64(self.dates[0], "D")

    @property
    def last(self) -> np.datetime64:
        """Last observation date."""
        return np.datetime64(self.dates[-1], "D")

    def series(self) -> pd.Series:
        """Back to a pandas Series (for charts and reports)."""
        return pd.Series(self.closes, index=pd.DatetimeIndex(self.dates.astype("datetime64[ns]"), name="date"),
                         name=self.name)


def as_prices(value: pd.Series | Prices, name: str | None = None) -> Prices:
    """Accept either a pandas Series or a ready Prices object."""
    return value if isinstance(value, Prices) else Prices.from_series(value, name)


PAIR_COLUMNS = (
    "window_start", "window_end",
    "start_a", "end_a", "close_start_a", "close_end_a", "return_a",
    "start_b", "end_b", "close_start_b", "close_end_b", "return_b",
    "spread", "ratio", "max_drawdown_a", "max_drawdown_b",
    "incomplete", "last_date_used", "before_data", "dates_differ",
)


def pair_windows(a: Prices, b: Prices, starts: np.ndarray, ends: np.ndarray, *, drawdown: bool = True) -> pd.DataFrame:
    """One row per window: dates and closes used for both series, returns, spread (A-B) and growth ratio
    (the columns of :func:`pair_columns`, in ``PAIR_COLUMNS`` order)."""
    return pd.DataFrame(pair_columns(a, b, starts, ends, drawdown=drawdown))


def pair_columns(a: Prices, b: Prices, starts: np.ndarray, ends: np.ndarray, *,
                 drawdown: bool = True) -> dict[str, np.ndarray]:
    """The columns of :func:`pair_windows` as numpy arrays (dates as ``datetime64[ns]``), one entry per window.

    ``incomplete``: a series ends before the window does; both series then end at the pair's last common date
    (``last_date_used``), and a window starting after that date gets NaN returns;
    ``before_data``: a series has no close on or before the window start (returns are NaN).
    """
    starts, ends = as_days(starts), as_days(ends)
    # A window that runs past either series stops at the pair's last common date for BOTH series, so a partial
    # window still compares the same days; a window that starts after that date has no common data (NaN).
    common_last = min(a.last, b.last)
    incomplete = ends > common_last
    no_overlap = starts > common_last
    used_ends = np.maximum(np.minimum(ends, common_last), starts)
    wa, wb = a.windows(starts, used_ends), b.windows(starts, used_ends)
    for w in (wa, wb):
        w.returns[no_overlap] = np.nan
    before = wa.before_data | wb.before_data
    differ = (wa.start_date != wb.start_date) | (wa.end_date != wb.end_date)
    last_used = np.where(incomplete, np.minimum(wa.end_date, wb.end_date), np.datetime64("NaT", "D"))
    nan = np.full(len(wa), np.nan)
    dd_a = a.drawdowns(wa.start_index, wa.end_index) if drawdown else nan
    dd_b = b.drawdowns(wb.start_index, wb.end_index) if drawdown else nan
    if drawdown:
        dd_a[no_overlap] = np.nan
        dd_b[no_overlap] = np.nan
    return {
        "window_start": _ns(starts), "window_end": _ns(ends),
        "start_a": _ns(wa.start_date), "end_a": _ns(wa.end_date), "close_start_a": wa.start_close,
        "close_end_a": wa.end_close, "return_a": wa.returns,
        "start_b": _ns(wb.start_date), "end_b": _ns(wb.end_date), "close_start_b": wb.start_close,
        "close_end_b": wb.end_close, "return_b": wb.returns,
        "spread": wa.returns - wb.returns, "ratio": (1.0 + wa.returns) / (1.0 + wb.returns),
        "max_drawdown_a": dd_a, "max_drawdown_b": dd_b,
        "incomplete": incomplete, "last_date_used": _ns(last_used), "before_data": before,
        "dates_differ": differ & ~before,
    }


def _ns(days: np.ndarray) -> np.ndarray:
    return np.asarray(days).astype("datetime64[ns]")


def row_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts: dates ISO strings (None for NaT), floats (None for NaN), flags bool.

    Converted column by column (one numpy pass each), then zipped into rows.
    """
    columns = [_plain_column(frame[key]) for key in frame.columns]
    keys = [str(key) for key in frame.columns]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)] if keys else \
        [{} for _ in range(len(frame))]


def _plain_column(column: pd.Series) -> list[object]:
    """One column as JSON-ready Python values (see :func:`row_records`)."""
    if not isinstance(column.dtype, np.dtype):  # nullable and other extension dtypes: cell by cell, NA -> None
        return [_plain_value(v) for v in column.astype(object).tolist()]
    values = column.to_numpy()
    kind = values.dtype.kind
    if kind == "M":
        text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D")
        return [None if missing else day for day, missing in zip(text.tolist(), np.isnat(values).tolist(),
                                                                   strict=True)]
    if kind == "f":
        return [None if not ok else v for v, ok in zip(values.astype("float64").tolist(),
                                                       np.isfinite(values).tolist(), strict=True)]
    if kind in "biu":
        return values.tolist()
    return [_plain_value(v) for v in values.tolist()]


def _plain_value(value: object) -> object:
    """An object-column cell as a JSON-ready value."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return value
