"""Parameters of cycle detection: how pauses are chosen and how long a silence ends a cycle.

The defaults are chosen from the 1982-2026 target history; docs/cycles.md explains each number.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._result import PlainResult
from .._typing import PAUSE_RULES, PauseRule, choose
from ..errors import RatecycleError

DEFAULT_MIN_PAUSE = 52
"""Days without a move that count as a pause: longer than the usual six-to-seven week spacing of meetings."""
DEFAULT_MAX_GAP = 370
"""Days without a move after which a cycle is over (keeps 2001-03, 2015-18 and 2024-25 whole; docs/cycles.md)."""
DEFAULT_MIN_MOVES = 2
"""Moves a run needs to count as a cycle: one isolated move is a fine-tuning step, not a cycle."""
DEFAULT_MIN_TOTAL_BPS = 50.0
"""Basis points a run needs in total: two quarter-point moves; bites only on the 1980s' 6.25-18.75 bp steps."""
DEFAULT_MEETING_WINDOW = 3
"""A move belongs to the latest FOMC meeting at most this many days before its effective date."""


@dataclass(frozen=True)
class CycleRules(PlainResult):
    """How moves are grouped into cycles and which gap inside a cycle is its pause."""

    rule: PauseRule = "longest"
    """'longest': the longest gap between moves, if >= min_pause; 'threshold': every gap >= min_pause."""
    min_pause: int = DEFAULT_MIN_PAUSE
    max_gap: int = DEFAULT_MAX_GAP
    meeting_window: int = DEFAULT_MEETING_WINDOW
    min_moves: int = DEFAULT_MIN_MOVES
    """A run of moves with fewer moves than this is noise: it neither forms a cycle nor ends one."""
    min_total_bps: float = DEFAULT_MIN_TOTAL_BPS
    """A run whose moves add up to less than this (absolute, bp) is noise too."""

    def __post_init__(self) -> None:
        if self.rule not in ("longest", "threshold"):
            raise RatecycleError(f"unknown pause rule {self.rule!r} (use longest or threshold)")
        if self.min_pause < 1:
            raise RatecycleError(f"min_pause must be at least 1 day, got {self.min_pause}")
        if self.max_gap < 1:
            raise RatecycleError(f"max_gap must be at least 1 day, got {self.max_gap}")
        if self.meeting_window < 0:
            raise RatecycleError(f"meeting_window must be >= 0 days, got {self.meeting_window}")
        if self.min_moves < 1:
            raise RatecycleError(f"min_moves must be at least 1, got {self.min_moves}")
        if not self.min_total_bps >= 0:
            raise RatecycleError(f"min_total_bps must be >= 0, got {self.min_total_bps}")
        if self.min_pause > self.max_gap:
            raise RatecycleError(f"min_pause ({self.min_pause}) cannot exceed max_gap ({self.max_gap})")



def rules_text(rules: CycleRules | None = None) -> str:
    """The rules in words for a caption or a report ('pause rule longest, min pause 52 days, ...'); None: defaults."""
    r = rules or CycleRules()
    return (f"pause rule {r.rule}, min pause {r.min_pause} days, max gap {r.max_gap} days, at least {r.min_moves} "
            f"moves and {r.min_total_bps:g} bp")


def rules_from_options(rule: str | None = None, min_pause: int | None = None, max_gap: int | None = None,
                       meeting_window: int | None = None, min_moves: int | None = None,
                       min_total: float | None = None) -> CycleRules:
    """CycleRules from a user's options as typed (None: the default): the one way every command builds them."""
    base = CycleRules()
    return CycleRules(
        rule=base.rule if rule is None else choose(rule.strip().lower(), PAUSE_RULES, "pause rule"),
        min_pause=base.min_pause if min_pause is None else min_pause,
        max_gap=base.max_gap if max_gap is None else max_gap,
        meeting_window=base.meeting_window if meeting_window is None else meeting_window,
        min_moves=base.min_moves if min_moves is None else min_moves,
        min_total_bps=base.min_total_bps if min_total is None else float(min_total),
    )
