"""Point-in-time cycle labels: what an observer knew on each day, using only moves announced by then.

A move is known on its announcement day. On day t the current cycle is the run of same-direction moves
ending at the last known move; it is live while no more than ``max_gap`` days have passed since that move.
A pause is underway once ``min_pause`` days have passed without a move; the later phase has started once a
move follows such a pause. In real time the longest gap of a cycle cannot be known, so both pause rules
give the same point-in-time label (the first qualifying pause); ``label_differences`` shows where the
ex-post view (``detect_cycles``) disagrees, and for how long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._typing import DateLike, Direction, to_timestamp
from ..errors import RatecycleError
from .detect import cycles_from_moves
from .model import Cycle, Move, _iso
from .moves import aligned_targets, moves_from_frame, policy_moves
from .rules import CycleRules

LABEL_FIELDS = ("in_cycle", "direction", "cycle_start", "pause_underway", "later_phase_started")


@dataclass(frozen=True)
class PointInTimeLabel:
    """The cycle state on ``date`` as known at the end of that day."""

    date: pd.Timestamp
    in_cycle: bool
    direction: Direction | None
    cycle_start: pd.Timestamp | None
    last_move: pd.Timestamp | None
    days_since_last_move: int | None
    moves_in_cycle: int
    pause_underway: bool
    pause_start: pd.Timestamp | None
    later_phase_started: bool
    later_phase_start: pd.Timestamp | None

    @property
    def phase(self) -> str:
        """'none', 'early', 'pause' or 'later' (a pause inside the later phase reads 'later, pause')."""
        if not self.in_cycle:
            return "none"
        if self.later_phase_started:
            return "later, pause" if self.pause_underway else "later"
        return "pause" if self.pause_underway else "early"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates, null when not applicable)."""
        def day(ts: pd.Timestamp | None) -> str | None:
            return None if ts is None else _iso(ts)

        return {"date": day(self.date), "in_cycle": self.in_cycle, "direction": self.direction,
                "phase": self.phase, "cycle_start": day(self.cycle_start), "last_move": day(self.last_move),
                "days_since_last_move": self.days_since_last_move, "moves_in_cycle": self.moves_in_cycle,
                "pause_underway": self.pause_underway, "pause_start": day(self.pause_start),
                "later_phase_started": self.later_phase_started, "later_phase_start": day(self.later_phase_start)}


def walk_labels(moves: Sequence[Move], days: Sequence[pd.Timestamp], rules: CycleRules) -> list[PointInTimeLabel]:
    """Labels for sorted ``days``, each built only from the moves announced on or before it."""
    ordered = sorted(moves, key=lambda m: (m.announced, m.effective))
    labels = []
    k = 0
    group: list[Move] = []
    later_start: pd.Timestamp | None = None
    for t in days:
        while k < len(ordered) and ordered[k].announced <= t:
            move = ordered[k]
            if group and move.direction == group[-1].direction and \
                    (move.announced - group[-1].announced).days <= rules.max_gap:
                if later_start is None and (move.announced - group[-1].announced).days >= rules.min_pause:
                    later_start = move.announced
                group.append(move)
            else:
                group, later_start = [move], None
            k += 1
        labels.append(_label(t, group, later_start, rules))
    return labels


def _label(t: pd.Timestamp, group: list[Move], later_start: pd.Timestamp | None,
           rules: CycleRules) -> PointInTimeLabel:
    if not group:
        return PointInTimeLabel(t, False, None, None, None, None, 0, False, None, False, None)
    last = group[-1].announced
    silent = int((t - last).days)
    live = silent <= rules.max_gap
    pausing = live and silent >= rules.min_pause
    return PointInTimeLabel(
        date=t, in_cycle=live, direction=group[0].direction if live else None,
        cycle_start=group[0].announced if live else None, last_move=last, days_since_last_move=silent,
        moves_in_cycle=len(group) if live else 0, pause_underway=pausing, pause_start=last if pausing else None,
        later_phase_started=live and later_start is not None, later_phase_start=later_start if live else None)


def _data_range(upper: pd.Series, lower: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    frame = aligned_targets(upper, lower)
    if frame.empty:
        raise RatecycleError("series fed_target_upper/fed_target_lower have no common dates")
    return frame.index[0].normalize(), frame.index[-1].normalize()


def point_in_time(
    date: DateLike,
    upper: pd.Series,
    lower: pd.Series,
    meetings: pd.Series | pd.DatetimeIndex | None,
    rules: CycleRules | None = None,
) -> PointInTimeLabel:
    """The cycle label on ``date`` from the moves announced by that day (no later data is used)."""
    rules = rules or CycleRules()
    t = to_timestamp(date)
    assert t is not None
    frame = aligned_targets(upper, lower)
    if frame.empty:
        raise RatecycleError("series fed_target_upper/fed_target_lower have no common dates")
    first, last = frame.index[0].normalize(), frame.index[-1].normalize()
    if not first <= t <= last:
        raise RatecycleError(f"date {t.date()} is outside the target data ({first.date()} to {last.date()})")
    moves = moves_from_frame(frame, meetings, rules.meeting_window)
    return walk_labels(moves, [t], rules)[0]


def labels_frame(labels: Sequence[PointInTimeLabel]) -> pd.DataFrame:
    """Labels as a DataFrame indexed by date."""
    index = pd.DatetimeIndex([lab.date for lab in labels], name="date")
    return pd.DataFrame({
        "in_cycle": [lab.in_cycle for lab in labels],
        "direction": pd.Series([lab.direction for lab in labels], dtype="object").to_numpy(),
        "phase": [lab.phase for lab in labels],
        "days_since_last_move": pd.array([lab.days_since_last_move for lab in labels], dtype="Int64"),
        "pause_underway": [lab.pause_underway for lab in labels],
        "later_phase_started": [lab.later_phase_started for lab in labels],
        "cycle_start": pd.to_datetime(pd.Series([lab.cycle_start for lab in labels], dtype="object")).to_numpy(),
    }, index=index)


def point_in_time_labels(
    upper: pd.Series,
    lower: pd.Series,
    meetings: pd.Series | pd.DatetimeIndex | None,
    rules: CycleRules | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """One row per calendar day (default: the whole target history), each computed without look-ahead."""
    rules = rules or CycleRules()
    first, last = _data_range(upper, lower)
    lo, hi = to_timestamp(start) or first, to_timestamp(end) or last
    days = pd.date_range(max(lo, first), min(hi, last), freq="D")
    moves = policy_moves(upper, lower, meetings, rules.meeting_window)
    return labels_frame(walk_labels(moves, list(days), rules))


def ex_post_labels(cycles: Sequence[Cycle], days: pd.DatetimeIndex, rules: CycleRules) -> pd.DataFrame:
    """The same labels judged with hindsight from detected cycles (cycle, pause and later phase as known later)."""
    n = len(days)
    stamps = days.to_numpy(dtype="datetime64[ns]")
    in_cycle = np.zeros(n, dtype=bool)
    direction = np.full(n, None, dtype=object)
    cycle_start = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    pause_underway = np.zeros(n, dtype=bool)
    later = np.zeros(n, dtype=bool)
    for cycle in cycles:
        stop = days[-1] if cycle.ongoing else cycle.end
        lo, hi = days.searchsorted(cycle.start), days.searchsorted(stop, side="right")
        part = stamps[lo:hi]
        in_cycle[lo:hi], direction[lo:hi], cycle_start[lo:hi] = True, cycle.direction, cycle.start.to_datetime64()
        for pause in cycle.pauses:
            pause_underway[lo:hi] |= (part > pause.start.to_datetime64()) & (part < pause.end.to_datetime64())
        if cycle.open_pause is not None:
            pause_underway[lo:hi] |= part > cycle.end.to_datetime64()
        if cycle.pause is not None:
            later[lo:hi] = part >= cycle.pause.end.to_datetime64()
    return pd.DataFrame({"in_cycle": in_cycle, "direction": direction, "pause_underway": pause_underway,
                         "later_phase_started": later, "cycle_start": cycle_start}, index=days)


def label_differences(
    upper: pd.Series,
    lower: pd.Series,
    meetings: pd.Series | pd.DatetimeIndex | None,
    rules: CycleRules | None = None,
) -> pd.DataFrame:
    """Every run of days where the point-in-time label differs from the ex-post one, by cycle and field."""
    rules = rules or CycleRules()
    first, last = _data_range(upper, lower)
    moves = policy_moves(upper, lower, meetings, rules.meeting_window)
    cycles = cycles_from_moves(moves, rules, last)
    days = pd.date_range(first, last, freq="D")
    pit = labels_frame(walk_labels(moves, list(days), rules))
    post = ex_post_labels(cycles, days, rules)
    owner = _owners(cycles, days)
    stamps = days.to_numpy(dtype="datetime64[ns]")
    rows: list[dict[str, Any]] = []
    for fld in LABEL_FIELDS:
        a, b = _comparable(pit[fld]), _comparable(post[fld])
        if fld in ("direction", "cycle_start"):  # only meaningful when both views say a cycle is live
            both = pit["in_cycle"].to_numpy() & post["in_cycle"].to_numpy()
            differ = both & (a != b)
        else:
            differ = a != b
        differ &= owner >= 0
        idx = np.flatnonzero(differ)
        if not len(idx):
            continue
        prev = idx[:-1]
        cont = (idx[1:] == prev + 1) & (owner[idx[1:]] == owner[prev]) & (a[idx[1:]] == a[prev]) & (
            b[idx[1:]] == b[prev])
        starts = np.concatenate(([0], np.flatnonzero(~cont) + 1))
        stops = np.concatenate((starts[1:], [len(idx)])) - 1
        for first, last in zip(idx[starts], idx[stops], strict=True):
            cycle = cycles[owner[first]]
            rows.append({"cycle": cycle.label, "direction": cycle.direction, "cycle_start": cycle.start,
                         "cycle_end": cycle.end, "field": fld, "start": pd.Timestamp(stamps[first]),
                         "end": pd.Timestamp(stamps[last]), "days": int(last - first + 1),
                         "point_in_time": _shown(pit[fld].iloc[first]), "ex_post": _shown(post[fld].iloc[first])})
    columns = ["cycle", "direction", "cycle_start", "cycle_end", "field", "start", "end", "days",
               "point_in_time", "ex_post"]
    frame = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
    return frame.sort_values(["cycle_start", "start", "field"], kind="stable").reset_index(drop=True)


def difference_summary(differences: pd.DataFrame, cycles: Sequence[Cycle]) -> pd.DataFrame:
    """One row per cycle: days on which each label field differed between real time and hindsight (0 if never)."""
    totals = differences.groupby(["cycle_start", "field"])["days"].sum() if len(differences) else pd.Series()
    rows = []
    for cycle in cycles:
        row: dict[str, Any] = {"cycle": cycle.label, "direction": cycle.direction, "start": cycle.start,
                               "end": cycle.end}
        for fld in LABEL_FIELDS:
            row[f"{fld}_days"] = int(totals.get((cycle.start, fld), 0))
        rows.append(row)
    return pd.DataFrame(rows)


def _owners(cycles: Sequence[Cycle], days: pd.DatetimeIndex) -> np.ndarray:
    """For each day, the index of the latest cycle started on or before it (-1 before the first)."""
    starts = pd.DatetimeIndex([c.start for c in cycles])
    return np.asarray(starts.searchsorted(days, side="right") - 1)


def _comparable(column: pd.Series) -> np.ndarray:
    """A column as a numpy array where equal labels compare equal (missing values included)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.to_numpy(dtype="datetime64[ns]").astype("int64")
    if pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=bool)
    return column.astype("object").where(column.notna(), "").to_numpy(dtype=object).astype(str)


def _shown(value: Any) -> Any:
    """A label value for tables and JSON (None for missing, Timestamp for dates)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value
