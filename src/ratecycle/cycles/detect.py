"""Cycle detection: group policy moves into cutting and hiking cycles and find each cycle's pause.

A cycle is a maximal run of moves in one direction; a qualifying run the other way, or a silence longer than
``max_gap`` days, ends it. Runs too small to be cycles (``significance``) are noise and end nothing.
Gaps are measured between announcement dates. This is an ex-post view: the end of a cycle is only known
once ``max_gap`` days have passed (see ``pit`` for the real-time view).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from .._typing import DateLike, Direction, to_timestamp
from ..errors import RatecycleError
from .model import Cycle, Move, OpenPause, Pause
from .moves import aligned_targets, policy_moves
from .rules import CycleRules
from .significance import opposite_moves, significant_groups


def group_moves(moves: Sequence[Move], max_gap: int) -> list[list[Move]]:
    """Split moves (oldest first) into runs of one direction with no gap longer than ``max_gap`` days."""
    groups: list[list[Move]] = []
    for move in moves:
        if groups:
            last = groups[-1][-1]
            same_way = move.direction == last.direction
            if same_way and (move.announced - last.announced).days <= max_gap:
                groups[-1].append(move)
                continue
        groups.append([move])
    return groups


def find_pauses(moves: Sequence[Move], rules: CycleRules) -> tuple[Pause, ...]:
    """Qualifying pauses between consecutive moves of one cycle under ``rules.rule`` (empty: no pause)."""
    days = [int((b.announced - a.announced).days) for a, b in pairwise(moves)]
    return tuple(Pause(moves[i].announced, moves[i + 1].announced) for i in pause_positions(days, rules))


def pause_positions(gap_days: Sequence[int], rules: CycleRules) -> tuple[int, ...]:
    """Which gaps between consecutive moves are pauses: every gap of at least ``min_pause`` days ('threshold'),
    or the longest of them, the first on a tie ('longest'). Gap i runs from move i to move i + 1."""
    qualifying = [i for i, days in enumerate(gap_days) if days >= rules.min_pause]
    if not qualifying or rules.rule == "threshold":
        return tuple(qualifying)
    longest = max(gap_days[i] for i in qualifying)
    return (next(i for i in qualifying if gap_days[i] == longest),)


def first_pauses(gaps: np.ndarray, min_pause: Sequence[int], longest: Sequence[bool]) -> np.ndarray:
    """``pause_positions(run, rules)[0]`` for many runs and rules at once (-1: no pause), for sweeps.

    ``gaps[i]`` holds the runs of rule i, one per row, their gaps in days left-aligned and padded with -1; rule i
    has ``min_pause[i]`` and is 'longest' when ``longest[i]``, else 'threshold'. The longest qualifying gap is the
    run's longest gap when that qualifies (its first position on a tie); under 'threshold' the first pause is
    the first gap of at least min_pause days.
    """
    qualifies = gaps >= np.asarray(min_pause, dtype="int64")[:, None, None]
    first = np.where(np.asarray(longest, dtype=bool)[:, None], np.argmax(gaps, axis=2), np.argmax(qualifies, axis=2))
    return np.where(qualifies.any(axis=2), first, -1)


def cycles_from_moves(moves: Sequence[Move], rules: CycleRules, data_end: pd.Timestamp | None = None) -> list[Cycle]:
    """Cycles from a list of moves; the last one is ``ongoing`` when ``data_end`` is within max_gap of its end."""
    groups = significant_groups(moves, rules, data_end)
    cycles = []
    for i, group in enumerate(groups):
        pauses = find_pauses(group, rules)
        last = group[-1].announced
        ongoing = (i == len(groups) - 1 and data_end is not None and (data_end - last).days <= rules.max_gap)
        silent = int((data_end - last).days) if ongoing and data_end is not None else 0
        cycles.append(Cycle(direction=group[0].direction, moves=tuple(group), pause=pauses[0] if pauses else None,
                            pauses=pauses, source="detected", confidence="high", ongoing=ongoing,
                            data_end=data_end if ongoing else None, opposite_moves=opposite_moves(group, moves),
                            open_pause=OpenPause(last, silent) if ongoing and silent >= rules.min_pause else None))
    return cycles


def filter_cycles(cycles: Sequence[Cycle], direction: Direction | None = None,
                  since: DateLike | int | None = None) -> list[Cycle]:
    """Keep cycles of ``direction`` (None: both) that start on or after ``since`` (a year or a date)."""
    if direction not in (None, "cut", "hike"):
        raise RatecycleError(f"unknown direction {direction!r} (use cut or hike)")
    lo = since_timestamp(since)
    return [c for c in cycles
            if (direction is None or c.direction == direction) and (lo is None or c.start >= lo)]


def since_timestamp(since: DateLike | int | None) -> pd.Timestamp | None:
    """Parse ``since``: a year (2001 or '2001') means 1 January of that year; otherwise a date."""
    if since is None:
        return None
    if isinstance(since, int) or (isinstance(since, str) and since.strip().isdigit() and len(since.strip()) == 4):
        return pd.Timestamp(year=int(since), month=1, day=1)
    return to_timestamp(since)


def detect_cycles(
    upper: pd.Series,
    lower: pd.Series,
    meetings: pd.Series | pd.DatetimeIndex | None,
    rules: CycleRules | None = None,
    direction: Direction | None = None,
    since: DateLike | int | None = None,
) -> list[Cycle]:
    """Cutting and hiking cycles of the target series, oldest first (detected on all data, then filtered)."""
    rules = rules or CycleRules()
    moves = policy_moves(upper, lower, meetings, rules.meeting_window)
    frame = aligned_targets(upper, lower)
    data_end = frame.index[-1].normalize() if len(frame) else None
    return filter_cycles(cycles_from_moves(moves, rules, data_end), direction, since)
