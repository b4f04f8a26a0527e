"""What the cycle commands show, computed from a DataSource: a day's label beside hindsight, and where they differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._typing import DateLike, Direction, to_timestamp
from ..errors import RatecycleError
from .detect import cycles_from_moves, filter_cycles, since_timestamp
from .loader import load_targets
from .model import Cycle
from .moves import policy_moves
from .pit import PointInTimeLabel, difference_summary, label_differences, point_in_time
from .rules import CycleRules

if TYPE_CHECKING:
    from ..data.source import DataSource


@dataclass(frozen=True)
class PhaseOnDate:
    """A day's cycle label as known that day, beside the cycle hindsight (all the target data) puts the day in."""

    label: PointInTimeLabel
    hindsight: Cycle | None
    data_end: pd.Timestamp
    rules: CycleRules

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle phase --json``."""
        return {"point_in_time": self.label.to_dict(), "rules": self.rules.to_dict(),
                "ex_post_cycle": self.hindsight.to_dict() if self.hindsight else None,
                "data_end": self.data_end.date().isoformat()}


def phase_on(ds: DataSource, date: DateLike, rules: CycleRules | None = None) -> PhaseOnDate:
    """The label of ``date`` from moves announced by then, and the hindsight cycle containing it (if any)."""
    from ..data.asof import as_of

    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)  # the hindsight view reads everything
    day = to_timestamp(date)
    known = as_of(ds, day)  # the label reads only what was released by the close of the day
    if day is None or not known.has("fed_target_upper"):
        raise RatecycleError(f"date {date} is outside the target data ({upper.index[0].date()} to "
                             f"{upper.index[-1].date()})")
    label = point_in_time(day, *load_targets(known), rules)
    data_end = min(upper.index[-1], lower.index[-1])
    cycles = cycles_from_moves(policy_moves(upper, lower, meetings, rules.meeting_window), rules, data_end)
    hindsight = next((c for c in cycles if c.start <= label.date <= (data_end if c.ongoing else c.end)), None)
    return PhaseOnDate(label, hindsight, data_end, rules)


@dataclass(frozen=True)
class LabelDifferences:
    """Where the real-time label differed from the hindsight label: each stretch, and the days per cycle."""

    rules: CycleRules
    differences: pd.DataFrame
    """One row per stretch: cycle, field, start, end, days, point_in_time and ex_post values."""
    by_cycle: pd.DataFrame
    """One row per cycle: days on which each label field differed (0 if never)."""


def pit_differences(ds: DataSource, rules: CycleRules | None = None, direction: Direction | None = None,
                    since: DateLike | int | None = None) -> LabelDifferences:
    """Real-time against hindsight labels over the whole target history, for cycles of ``direction`` since ``since``."""
    rules = rules or CycleRules()
    upper, lower, meetings = load_targets(ds)
    frame = label_differences(upper, lower, meetings, rules)
    if direction is not None:
        frame = frame[frame["direction"] == direction]
    lo = since_timestamp(since)
    if lo is not None:
        frame = frame[frame["cycle_start"] >= lo]
    data_end = min(upper.index[-1], lower.index[-1])
    cycles = filter_cycles(cycles_from_moves(policy_moves(upper, lower, meetings, rules.meeting_window), rules,
                                             data_end), direction, since)
    return LabelDifferences(rules, frame, difference_summary(frame, cycles))
