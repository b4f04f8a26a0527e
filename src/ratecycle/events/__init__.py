"""Event studies: returns of a pair of series over cycle phases and windows, with statistics.

The kernel is :func:`window_returns` (numpy ``searchsorted`` over many windows at once); everything else
builds windows, calls it and summarises. Results are frozen dataclasses with ``to_dict()``.
"""

from .baseline import Baseline, baseline
from .headtohead import HeadToHead, PairHeadToHead, WindowTally, head_to_head
from .longhistory import LongHistoryResult, factor_index, smb_study
from .notecheck import NOTE_2025_CLAIMS, NOTE_2025_EARLY_CLAIMS, NoteCheckResult, note_check
from .pair import Prices, pair_windows
from .paths import CompareResult, RebasedPaths, compare_window, phase_intervals, rebased_paths
from .sizeportfolios import SIZE_MEASURES, SizeMeasure, SizePortfolioStudy, size_portfolio_study
from .stats import RandomWindowTest, SpreadStats, bootstrap_ci, random_window_test, summarize
from .study import ANCHORS, EventStudyResult, PhaseReturnsResult, anchor_date, event_study, phase_returns
from .windows import CONVENTIONS, WindowReturns, horizon_dates, reference_dates, window_returns

__all__ = [
    "ANCHORS",
    "CONVENTIONS",
    "NOTE_2025_CLAIMS",
    "NOTE_2025_EARLY_CLAIMS",
    "SIZE_MEASURES",
    "Baseline",
    "CompareResult",
    "EventStudyResult",
    "HeadToHead",
    "LongHistoryResult",
    "NoteCheckResult",
    "PairHeadToHead",
    "PhaseReturnsResult",
    "Prices",
    "RandomWindowTest",
    "RebasedPaths",
    "SizeMeasure",
    "SizePortfolioStudy",
    "SpreadStats",
    "WindowReturns",
    "WindowTally",
    "anchor_date",
    "baseline",
    "bootstrap_ci",
    "compare_window",
    "event_study",
    "factor_index",
    "head_to_head",
    "horizon_dates",
    "note_check",
    "pair_windows",
    "phase_intervals",
    "phase_returns",
    "random_window_test",
    "rebased_paths",
    "reference_dates",
    "size_portfolio_study",
    "smb_study",
    "summarize",
    "window_returns",
]
