"""Cycles from a DataSource: loads the target series and meetings, then detects or applies a calendar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._typing import DateLike, Direction
from ..errors import RatecycleError
from .calendar import calendar_cycles, read_calendar, read_preset
from .detect import cycles_from_moves, filter_cycles
from .model import Cycle, Move
from .moves import aligned_targets, policy_moves
from .rules import CycleRules

if TYPE_CHECKING:
    from ..data.source import DataSource

TARGET_SERIES = ("fed_target_upper", "fed_target_lower", "fomc_meetings")


def load_targets(ds: DataSource) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The spliced target upper and lower bounds and the FOMC meeting dates."""
    return ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings")


def moves_from_source(ds: DataSource, rules: CycleRules | None = None) -> tuple[list[Move], pd.Timestamp]:
    """All policy moves of the source and the last date of the target data."""
    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)
    frame = aligned_targets(upper, lower)
    if frame.empty:
        raise RatecycleError("series fed_target_upper/fed_target_lower have no common dates")
    return policy_moves(upper, lower, meetings, rules.meeting_window), frame.index[-1].normalize()


def released_moves(ds: DataSource, rules: CycleRules | None = None) -> list[Move]:
    """Policy moves of the source, each dated no earlier than the day the as-of gate releases its target row
    (``ratecycle.data.asof.released``): with the default meeting window that is its announcement day."""
    from dataclasses import replace

    from ..data.asof import released

    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)
    known = pd.concat([released(ds, TARGET_SERIES[0]), released(ds, TARGET_SERIES[1])], axis=1).max(axis=1)
    out = []
    for move in policy_moves(upper, lower, meetings, rules.meeting_window):
        day = pd.Timestamp(known.get(move.effective, move.effective))
        out.append(move if day <= move.announced else replace(move, announced=day))
    return out


def released_labels(ds: DataSource, rules: CycleRules | None = None, start: DateLike | None = None,
                    end: DateLike | None = None) -> pd.DataFrame:
    """Point-in-time labels for every calendar day of the target data, each from the moves the as-of gate had
    released by that day's close: the label of day t equals the one read through ``as_of(ds, t)``."""
    from .._typing import to_timestamp
    from .pit import labels_frame, walk_labels

    rules = rules or CycleRules()
    upper, lower, _ = load_targets(ds)
    frame = aligned_targets(upper, lower)
    if frame.empty:
        raise RatecycleError("series fed_target_upper/fed_target_lower have no common dates")
    first, last = frame.index[0].normalize(), frame.index[-1].normalize()
    lo, hi = to_timestamp(start) or first, to_timestamp(end) or last
    days = pd.date_range(max(lo, first), min(hi, last), freq="D")
    return labels_frame(walk_labels(released_moves(ds, rules), list(days), rules))


def cycles_from_source(
    ds: DataSource,
    rules: CycleRules | None = None,
    direction: Direction | None = None,
    since: DateLike | int | None = None,
    calendar: str | Path | None = None,
    preset: str | None = None,
) -> list[Cycle]:
    """Cycles from a DataSource: detected from the target series, or a user calendar / preset with real moves."""
    if calendar is not None and preset is not None:
        raise RatecycleError("give either a calendar file or a preset, not both")
    rules = rules or CycleRules()
    if calendar is None and preset is None:
        moves, data_end = moves_from_source(ds, rules)
        cycles = cycles_from_moves(moves, rules, data_end)
    else:
        entries = read_calendar(calendar) if calendar is not None else read_preset(str(preset))
        source = "calendar" if calendar is not None else f"preset:{preset}"
        if all(ds.has(name) for name in TARGET_SERIES[:2]):
            moves, data_end = moves_from_source(ds, rules)
            data_start = ds.load(TARGET_SERIES[0]).index[0].normalize()
            cycles = calendar_cycles(entries, moves, source, data_end, data_start)
        else:
            cycles = calendar_cycles(entries, None, source)
    return filter_cycles(cycles, direction, since)
