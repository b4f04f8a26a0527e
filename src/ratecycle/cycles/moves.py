"""Policy moves from the target series: each change of the target with its announcement date.

FRED dates the target by the day it takes effect (since 2008 usually the day after the decision), so each
change is matched to the latest FOMC meeting at most ``meeting_window`` days before it; a change with no
such meeting is an intermeeting (or unmatched) move announced on its effective date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .model import Move

_EPS_BPS = 1e-6


def meeting_dates(meetings: pd.Series | pd.DatetimeIndex | None) -> pd.DatetimeIndex:
    """Sorted, unique, normalised meeting dates from a meetings series (dates on the index) or an index."""
    if meetings is None:
        return pd.DatetimeIndex([])
    index = meetings if isinstance(meetings, pd.DatetimeIndex) else meetings.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataError("series fomc_meetings must have a date index")
    return pd.DatetimeIndex(index).normalize().unique().sort_values()


def aligned_targets(upper: pd.Series, lower: pd.Series) -> pd.DataFrame:
    """Upper and lower bound on their common dates, sorted, without missing values."""
    for name, series in (("fed_target_upper", upper), ("fed_target_lower", lower)):
        if not isinstance(series.index, pd.DatetimeIndex):
            raise DataError(f"series {name} must have a date index")
        if series.index.has_duplicates:
            dup = series.index[series.index.duplicated()][0]
            raise DataError(f"series {name} has a duplicate date {dup.date()}")
    if not upper.index.equals(lower.index):
        common = upper.index.intersection(lower.index)
        upper, lower = upper.reindex(common), lower.reindex(common)
    up = upper.to_numpy(dtype="float64", na_value=np.nan)
    lo = lower.to_numpy(dtype="float64", na_value=np.nan)
    keep = ~(np.isnan(up) | np.isnan(lo))
    frame = pd.DataFrame({"upper": up[keep], "lower": lo[keep]}, index=upper.index[keep])
    return frame if frame.index.is_monotonic_increasing else frame.sort_index()


def policy_moves(
    upper: pd.Series,
    lower: pd.Series,
    meetings: pd.Series | pd.DatetimeIndex | None,
    meeting_window: int = 3,
) -> list[Move]:
    """Every change of the target (size from the upper bound, lower bound kept), oldest first."""
    return moves_from_frame(aligned_targets(upper, lower), meetings, meeting_window)


def moves_from_frame(frame: pd.DataFrame, meetings: pd.Series | pd.DatetimeIndex | None,
                     meeting_window: int = 3) -> list[Move]:
    """Policy moves from an ``aligned_targets`` frame (columns upper, lower on a sorted date index)."""
    if len(frame) < 2:
        return []
    meets = meeting_dates(meetings).to_numpy(dtype="datetime64[ns]")
    up = frame["upper"].to_numpy()
    lo = frame["lower"].to_numpy()
    d_up = np.round(np.diff(up) * 100.0, 6)
    d_lo = np.round(np.diff(lo) * 100.0, 6)
    changed = np.flatnonzero((np.abs(d_up) > _EPS_BPS) | (np.abs(d_lo) > _EPS_BPS))
    dates = frame.index
    window = np.timedelta64(int(meeting_window), "D")
    moves = []
    for k in changed:
        effective = pd.Timestamp(dates[int(k) + 1]).normalize()
        change = float(d_up[k]) if abs(d_up[k]) > _EPS_BPS else float(d_lo[k])
        announced = _announcement(effective, meets, window)
        moves.append(Move(
            announced=announced if announced is not None else effective,
            effective=effective,
            change_bps=change,
            lower=float(lo[k + 1]),
            upper=float(up[k + 1]),
            intermeeting=announced is None,
        ))
    return moves


def _announcement(effective: pd.Timestamp, meets: np.ndarray, window: np.timedelta64) -> pd.Timestamp | None:
    """The latest meeting in [effective - window, effective], or None."""
    eff = effective.to_datetime64()
    pos = int(np.searchsorted(meets, eff, side="right")) - 1
    if pos >= 0 and meets[pos] >= eff - window:
        return pd.Timestamp(meets[pos])
    return None
