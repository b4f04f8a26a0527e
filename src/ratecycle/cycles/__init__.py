"""Policy-rate cycles: moves, cutting/hiking cycles, pauses, early/later phases, point-in-time labels."""

from .calendar import CalendarEntry, load_calendar, preset, preset_names
from .detect import cycles_from_moves, detect_cycles, filter_cycles, find_pauses, group_moves
from .history import HistoryAgreement, compare_with_target, long_history_cycles, turning_points
from .loader import cycles_from_source, load_targets, moves_from_source
from .model import Cycle, Move, Pause, Phase
from .moves import policy_moves
from .pit import (
    PointInTimeLabel,
    difference_summary,
    ex_post_labels,
    label_differences,
    point_in_time,
    point_in_time_labels,
)
from .rules import CycleRules, rules_from_options, rules_text

__all__ = [
    "CalendarEntry",
    "Cycle",
    "CycleRules",
    "HistoryAgreement",
    "Move",
    "Pause",
    "Phase",
    "PointInTimeLabel",
    "compare_with_target",
    "cycles_from_moves",
    "cycles_from_source",
    "detect_cycles",
    "difference_summary",
    "ex_post_labels",
    "filter_cycles",
    "find_pauses",
    "group_moves",
    "label_differences",
    "load_calendar",
    "load_targets",
    "long_history_cycles",
    "moves_from_source",
    "point_in_time",
    "point_in_time_labels",
    "policy_moves",
    "preset",
    "preset_names",
    "rules_from_options",
    "rules_text",
    "turning_points",
]
