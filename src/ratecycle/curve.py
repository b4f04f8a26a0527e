"""Yield curve: the 10-year minus 2-year Treasury spread, its level and how it moved over a cutting cycle.

Rate cuts pull short yields down faster than long ones, so the curve usually steepens during a cycle; a steeper
curve is one of the arguments for small caps. Levels use the last observation on or before a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._typing import DateLike, to_timestamp
from .cycles.model import Cycle
from .data.derived import spread_series as spread_series
from .errors import DataError

STEEPENING_THRESHOLD = 0.10
"""Percentage points: a change larger than this counts as steepening (smaller than minus this, flattening)."""
MIN_CYCLE_DAYS = 90
"""A cycle younger than this is measured over the fallback look-back instead (too little time to read a trend)."""
FALLBACK_MONTHS = 6


def level_on(spread: pd.Series, when: pd.Timestamp) -> tuple[pd.Timestamp, float]:
    """(date, value) of the last observation on or before ``when``."""
    before = spread[spread.index <= when]
    if before.empty:
        raise DataError(f"no 10y-2y spread observation on or before {when.date()}")
    return pd.Timestamp(before.index[-1]), float(before.iloc[-1])


def trend(change: float, threshold: float = STEEPENING_THRESHOLD) -> int:
    """+1 steepening, -1 flattening, 0 little changed (within +-threshold percentage points)."""
    if not threshold >= 0:
        raise DataError(f"the steepening threshold must be >= 0 percentage points, got {threshold}")
    if change > threshold:
        return 1
    if change < -threshold:
        return -1
    return 0


@dataclass(frozen=True)
class CurveReading:
    """The spread on a date and its change since the cycle start (or a fixed look-back outside a cycle)."""

    as_of: pd.Timestamp
    date: pd.Timestamp
    level: float
    inverted: bool
    since: pd.Timestamp
    since_basis: str
    """'cycle start' or 'N months' (the fallback look-back)."""
    level_then: float
    change: float
    direction: int
    """+1 steepening, -1 flattening, 0 little changed."""
    threshold: float
    cycle_start: pd.Timestamp | None = None
    cycle_end: pd.Timestamp | None = None
    level_at_end: float | None = None
    change_start_to_end: float | None = None

    @property
    def steepening(self) -> bool:
        """True when the change exceeds the threshold."""
        return self.direction > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, pd.Timestamp):
                out[key] = value.date().isoformat()
            elif isinstance(value, (float, np.floating)):
                out[key] = float(value)
            else:
                out[key] = value
        out["steepening"] = self.steepening
        return out


def curve_reading(spread: pd.Series, as_of: DateLike | None = None, *, cycle_start: DateLike | None = None,
                  cycle_end: DateLike | None = None, threshold: float = STEEPENING_THRESHOLD,
                  min_cycle_days: int = MIN_CYCLE_DAYS, fallback_months: int = FALLBACK_MONTHS) -> CurveReading:
    """Level on ``as_of`` and change since ``cycle_start`` (or ``fallback_months`` when no/too young a cycle).

    With ``cycle_end`` (a finished cycle, before ``as_of``) the change from start to end is reported as well.
    """
    clean = spread.dropna().sort_index()
    when = to_timestamp(as_of) or pd.Timestamp(clean.index[-1])
    date, level = level_on(clean, when)
    start = to_timestamp(cycle_start)
    if start is not None and start > when:
        raise DataError(f"cycle start {start.date()} is after the as-of date {when.date()}")
    if start is not None and (when - start).days >= min_cycle_days:
        since, basis = start, "cycle start"
    else:
        since, basis = when - pd.DateOffset(months=fallback_months), f"{fallback_months} months"
    _, then = level_on(clean, since)
    change = level - then
    end = to_timestamp(cycle_end)
    level_end = change_end = None
    if start is not None and end is not None:
        if end > when:
            raise DataError(f"cycle end {end.date()} is after the as-of date {when.date()}")
        _, level_end = level_on(clean, end)
        change_end = level_end - level_on(clean, start)[1]
    return CurveReading(as_of=when, date=date, level=level, inverted=level < 0, since=pd.Timestamp(since),
                        since_basis=basis, level_then=then, change=change, direction=trend(change, threshold),
                        threshold=threshold, cycle_start=start, cycle_end=end, level_at_end=level_end,
                        change_start_to_end=change_end)


def curve_over_cycles(spread: pd.Series, cycles: Sequence[Cycle], as_of: DateLike | None = None,
                      threshold: float = STEEPENING_THRESHOLD) -> pd.DataFrame:
    """One row per cycle: spread at its start and at its end (or ``as_of`` if still running), change, trend."""
    clean = spread.dropna().sort_index()
    when = to_timestamp(as_of) or pd.Timestamp(clean.index[-1])
    rows = []
    for cycle in cycles:
        if cycle.start > when or cycle.start < clean.index[0]:
            continue
        end = min(cycle.end, when) if not cycle.ongoing else when
        _, at_start = level_on(clean, cycle.start)
        _, at_end = level_on(clean, end)
        rows.append({"cycle": cycle.label, "direction": cycle.direction, "start": cycle.start, "end": end,
                     "ongoing": bool(cycle.ongoing), "level_start": at_start, "level_end": at_end,
                     "change": at_end - at_start, "trend": trend(at_end - at_start, threshold)})
    return pd.DataFrame(rows, columns=["cycle", "direction", "start", "end", "ongoing", "level_start", "level_end",
                                       "change", "trend"])
