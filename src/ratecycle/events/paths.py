"""Rotation windows and rebased paths: two series from one date to another, rebased to 100, for charts.

``compare_window`` answers "how did A and B do from DATE to DATE" with the closes used shown;
``rebased_paths`` gives both paths rebased at any date plus each cycle's phase intervals for shading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Convention, DateLike, to_timestamp
from ..cycles.model import Cycle
from ..errors import RatecycleError
from .pair import Prices, as_prices, pair_windows, row_records
from .study import phase_bounds
from .windows import as_days, check_convention, reference_dates


@dataclass(frozen=True)
class RebasedPaths:
    """Both series rebased to 100 at ``base_date``'s close (each its own close on or before it)."""

    series_a: str
    series_b: str
    base_date: pd.Timestamp
    base_a: pd.Timestamp
    base_b: pd.Timestamp
    """Dates of the closes each series was rebased on."""
    path: pd.DataFrame
    """Columns: date, a, b (NaN where a series has no close that day)."""
    phases: tuple[dict[str, Any], ...] = ()
    """Shading intervals: cycle label, phase name (early, pause, later), start, end."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form; the path as a list of {date, a, b}."""
        return {"series_a": self.series_a, "series_b": self.series_b, "base_date": _iso(self.base_date),
                "base_a": _iso(self.base_a), "base_b": _iso(self.base_b),
                "path": row_records(self.path), "phases": [dict(p) for p in self.phases]}


def phase_intervals(cycles: Sequence[Cycle]) -> tuple[dict[str, Any], ...]:
    """Each cycle's early phase, pause and later phase as date intervals (for shading charts)."""
    out = []
    for cycle in cycles:
        for phase, (first, last) in phase_bounds(cycle).items():
            out.append({"cycle": cycle.label, "phase": phase, "start": _iso(first), "end": _iso(last),
                        "open": last is None})
    return tuple(out)


def rebased_paths(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, base_date: DateLike, *,
                  start: DateLike | None = None, end: DateLike | None = None,
                  cycles: Sequence[Cycle] = ()) -> RebasedPaths:
    """A and B divided by their close on (or last before) ``base_date``, times 100, on [start, end]."""
    a, b = as_prices(prices_a), as_prices(prices_b)
    base = to_timestamp(base_date)
    lo = to_timestamp(start) if start is not None else base
    hi = to_timestamp(end)
    assert base is not None and lo is not None
    sa, sb = a.series(), b.series()
    base_a, base_b = sa[:base], sb[:base]
    if base_a.empty or base_b.empty:
        missing = a.name if base_a.empty else b.name
        raise RatecycleError(f"series {missing} has no close on or before the base date {base.date()}")
    joined = pd.concat({"a": sa / base_a.iloc[-1] * 100.0, "b": sb / base_b.iloc[-1] * 100.0}, axis=1, sort=True)
    joined = joined[joined.index >= lo]
    if hi is not None:
        joined = joined[joined.index <= hi]
    frame = joined.rename_axis("date").reset_index()
    return RebasedPaths(a.name, b.name, base, base_a.index[-1], base_b.index[-1], frame, phase_intervals(cycles))


@dataclass(frozen=True)
class CompareResult:
    """A and B over one window: closes used, returns, spread, growth ratio and the rebased path."""

    series_a: str
    series_b: str
    convention: Convention
    requested_start: pd.Timestamp
    requested_end: pd.Timestamp
    row: dict[str, Any]
    """The pair-window row (dates and closes used for both series, returns, spread, flags)."""
    paths: RebasedPaths

    @property
    def return_a(self) -> float:
        """Return of A over the window (fraction)."""
        return float(self.row["return_a"])

    @property
    def return_b(self) -> float:
        """Return of B over the window (fraction)."""
        return float(self.row["return_b"])

    @property
    def spread(self) -> float:
        """Return of A minus return of B (fraction)."""
        return float(self.row["spread"])

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle compare --json``."""
        row = self.row
        return {
            "series_a": self.series_a, "series_b": self.series_b, "convention": self.convention,
            "requested_start": _iso(self.requested_start), "requested_end": _iso(self.requested_end),
            "start": row["start_a"], "end": row["end_a"],
            "return_a": row["return_a"], "return_b": row["return_b"], "spread": row["spread"],
            "ratio": row["ratio"], **{k: v for k, v in row.items() if k not in {"return_a", "return_b", "spread",
                                                                                   "ratio"}},
            "path": row_records(self.paths.path),
        }


def compare_window(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, start: DateLike, end: DateLike, *,
                   convention: Convention = "daily", strict: bool = False) -> CompareResult:
    """Returns of A and B from the close standing for ``start`` to the close standing for ``end``.

    Under ``daily`` that is each series' last close on or before each date; ``month_end`` /
    ``prior_month_end`` move both dates to a month's last close first.
    """
    check_convention(convention)
    a, b = as_prices(prices_a), as_prices(prices_b)
    lo, hi = to_timestamp(start), to_timestamp(end)
    assert lo is not None and hi is not None
    if hi <= lo:
        raise RatecycleError(f"end {hi.date()} must be after start {lo.date()}")
    refs = reference_dates(as_days([lo, hi]), convention)
    frame = pair_windows(a, b, refs[:1], refs[1:])
    row = row_records(frame)[0]
    if row["before_data"]:
        raise RatecycleError(f"start {refs[0]} is before the data ({a.name} from {a.first}, {b.name} from {b.first})")
    if refs[0] > min(a.last, b.last):
        raise RatecycleError(f"start {refs[0]} is after the pair's last common date ({a.name} to {a.last}, "
                             f"{b.name} to {b.last})")
    if row["incomplete"] and strict:
        raise RatecycleError(f"end {refs[1]} runs past the data (last date used {row['last_date_used']})")
    base = pd.Timestamp(refs[0])
    paths = rebased_paths(a, b, base, start=min(pd.Timestamp(str(row["start_a"])), pd.Timestamp(str(row["start_b"]))),
                          end=pd.Timestamp(refs[1]))
    return CompareResult(a.name, b.name, convention, lo, hi, row, paths)


def _iso(ts: pd.Timestamp | np.datetime64 | None) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()
