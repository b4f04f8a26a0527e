"""Long history (1954 onwards): cycles from turning points of the monthly effective fed funds rate.

Before 1982 there is no target series, so cycles are read off FEDFUNDS: the series is smoothed with a
centred moving average, peaks and troughs are kept only when the rate moves at least ``min_amplitude``
percentage points away from them (a zigzag filter). Between a peak and the next trough, months whose average
fell at least ``step`` points stand in for cuts (rises between a trough and a peak for hikes); these monthly
moves are then grouped and paused by the same rules as target moves (``max_gap``, ``min_pause``). The result
is ex post (centred smoothing and confirmed turning points use later months) and marked low confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
import pandas as pd

from .._result import PlainResult
from .._typing import Direction
from ..errors import DataError
from .detect import find_pauses, group_moves
from .model import Cycle, Move
from .rules import CycleRules

DEFAULT_MIN_AMPLITUDE = 0.75
"""Percentage points the smoothed rate must move away from a peak or trough to confirm it."""
DEFAULT_STEP = 0.10
"""A month counts as a move when its average changed this many points in the cycle's direction."""
DEFAULT_SMOOTH = 3
"""Months in the centred moving average applied before turning points are found."""


def turning_points(values: pd.Series, min_amplitude: float = DEFAULT_MIN_AMPLITUDE) -> list[tuple[str, int]]:
    """Confirmed ('peak'|'trough', position) pairs of a series, alternating, by a zigzag filter."""
    x = values.to_numpy(dtype="float64")
    pivots: list[tuple[str, int]] = []
    trend: str | None = None
    hi = lo = ext = 0
    for i in range(1, len(x)):
        if trend is None:
            hi = i if x[i] > x[hi] else hi
            lo = i if x[i] < x[lo] else lo
            if x[hi] - x[lo] >= min_amplitude:
                if hi > lo:
                    pivots.append(("trough", lo))
                    trend, ext = "up", hi
                else:
                    pivots.append(("peak", hi))
                    trend, ext = "down", lo
        elif trend == "up":
            if x[i] >= x[ext]:
                ext = i
            elif x[ext] - x[i] >= min_amplitude:
                pivots.append(("peak", ext))
                trend, ext = "down", i
        else:
            if x[i] < x[ext]:
                ext = i
            elif x[i] - x[ext] >= min_amplitude:
                pivots.append(("trough", ext))
                trend, ext = "up", i
    if trend is not None:
        pivots.append(("peak" if trend == "up" else "trough", ext))  # last extreme, not yet confirmed
    return pivots


def long_history_cycles(
    fedfunds_monthly: pd.Series,
    rules: CycleRules | None = None,
    min_amplitude: float = DEFAULT_MIN_AMPLITUDE,
    step: float = DEFAULT_STEP,
    smooth: int = DEFAULT_SMOOTH,
) -> list[Cycle]:
    """Cutting and hiking cycles from the monthly effective rate (source 'fedfunds', confidence 'low')."""
    rules = rules or CycleRules()
    series = fedfunds_monthly.dropna().sort_index().astype("float64")
    if len(series) < max(3, smooth):
        raise DataError("series fed_funds_monthly is too short for turning points")
    smoothed = series.rolling(smooth, center=True, min_periods=1).mean() if smooth > 1 else series
    pivots = turning_points(smoothed, min_amplitude)
    dates = series.index
    stamps = list(dates)  # Timestamps boxed once, not per move
    levels = series.to_numpy()
    change = series.diff().to_numpy()
    data_end = dates[-1]
    cycles: list[Cycle] = []
    for (kind, a), (_, b) in pairwise(pivots):
        direction: Direction = "cut" if kind == "peak" else "hike"
        sign = -1.0 if direction == "cut" else 1.0
        moves = [Move(announced=stamps[i], effective=stamps[i], change_bps=round(float(change[i]) * 100, 4),
                      lower=float(levels[i]), upper=float(levels[i]))
                 for i in range(a + 1, b + 1) if sign * change[i] >= step - 1e-12]
        for group in group_moves(moves, rules.max_gap):
            pauses = find_pauses(group, rules)
            cycles.append(Cycle(direction=direction, moves=tuple(group), pause=pauses[0] if pauses else None,
                                pauses=pauses, source="fedfunds", confidence="low",
                                turning_point=dates[a], turning_point_level=float(smoothed.iloc[a])))
    if cycles and (data_end - cycles[-1].end).days <= rules.max_gap:
        last = cycles[-1]
        cycles[-1] = replace(last, ongoing=True, data_end=data_end)
    return cycles


@dataclass(frozen=True)
class HistoryAgreement(PlainResult):
    """How well the monthly long-history cycles reproduce the target-based cycles where both exist."""

    target_cycles: int
    """Target-based cycles in the overlap moving the rate at least ``min_change_bps``."""
    matched: int
    """Of those, how many have a long-history cycle of the same direction starting within the tolerance."""
    long_cycles: int
    long_matched: int
    """Long-history cycles in the overlap that match a sizeable target cycle (the reverse check)."""
    median_start_offset_days: float | None
    """Median of (long-history start - target start) over matched pairs."""
    month_agreement: float
    """Share of months in the overlap where both views give the same label (cut, hike or none)."""
    tolerance_days: int
    min_change_bps: float
    overlap_start: str
    overlap_end: str



def compare_with_target(long_cycles: Sequence[Cycle], target_cycles: Sequence[Cycle],
                        tolerance_days: int = 92, min_change_bps: float = 75.0) -> HistoryAgreement:
    """Agreement of long-history and target-based cycles on their common dates (ex post both)."""
    if not target_cycles:
        raise DataError("no target-based cycles to compare with")
    lo = min(c.start for c in target_cycles)
    hi = max(c.end for c in target_cycles)
    longs = [c for c in long_cycles if c.end >= lo and c.start <= hi]
    sizeable = [c for c in target_cycles if abs(c.total_change_bps) >= min_change_bps]
    offsets = []
    for tc in sizeable:
        near = [(lc.start - tc.start).days for lc in longs
                if lc.direction == tc.direction and abs((lc.start - tc.start).days) <= tolerance_days]
        if near:
            offsets.append(min(near, key=abs))
    long_matched = sum(
        any(tc.direction == lc.direction and abs((lc.start - tc.start).days) <= tolerance_days for tc in sizeable)
        for lc in longs)
    months = pd.date_range(lo.to_period("M").to_timestamp(), hi, freq="MS")
    a, b = _month_labels(longs, months), _month_labels(target_cycles, months)
    return HistoryAgreement(
        target_cycles=len(sizeable), matched=len(offsets), long_cycles=len(longs), long_matched=int(long_matched),
        median_start_offset_days=float(np.median(offsets)) if offsets else None,
        month_agreement=float(np.mean(a == b)) if len(months) else float("nan"),
        tolerance_days=tolerance_days, min_change_bps=min_change_bps,
        overlap_start=lo.date().isoformat(), overlap_end=hi.date().isoformat())


def _month_labels(cycles: Sequence[Cycle], months: pd.DatetimeIndex) -> np.ndarray:
    """'cut'/'hike'/'' for each month start, from cycles covering any day of that month."""
    out = np.array([""] * len(months), dtype=object)
    ends = months + pd.offsets.MonthEnd(0)
    for c in cycles:
        inside = (ends >= c.start) & (months <= c.end)
        out[inside] = c.direction
    return out
