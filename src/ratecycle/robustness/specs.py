"""The choices a specification makes: cycle rules, window convention, horizon, anchor and measure."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from .._typing import Anchor, PauseRule
from ..cycles import CycleRules

HORIZONS: tuple[int, ...] = (3, 6, 12, 18, 24)
SPEC_ANCHORS: tuple[Anchor, ...] = ("later_start", "pause_start", "cycle_start")
PAUSE_RULES: tuple[PauseRule, ...] = ("longest", "threshold")
MIN_PAUSES: tuple[int, ...] = (40, 52, 90)
MAX_GAPS: tuple[int, ...] = (300, 370)
MIN_MOVES: tuple[int, ...] = (1, 2)
"""1 move (and no minimum total) is the old single-move rule; 2 moves and 50 bp is the default."""


@dataclass(frozen=True)
class Spec:
    """One specification: which measure, which cycles (rules) and which window after which anchor."""

    measure: str
    family: str
    rules: str
    min_pause: int
    max_gap: int
    min_moves: int | None
    """None for the long history, whose monthly cycles come from turning points, not from a move count."""
    convention: str
    months: int
    anchor: str

    def to_dict(self) -> dict[str, Any]:
        """The spec fields of ``ratecycle robustness --json``."""
        return {"measure": self.measure, "family": self.family, "rules": self.rules, "min_pause": self.min_pause,
                "max_gap": self.max_gap, "min_moves": self.min_moves, "convention": self.convention,
                "months": self.months, "anchor": self.anchor}


def default_rule_sets(with_min_moves: bool = True) -> list[CycleRules]:
    """Every reasonable combination of pause rule, min pause, max gap (and min moves) in a fixed order."""
    out = []
    moves = MIN_MOVES if with_min_moves else (2,)
    for rule, min_pause, max_gap, min_moves in product(PAUSE_RULES, MIN_PAUSES, MAX_GAPS, moves):
        out.append(CycleRules(rule=rule, min_pause=min_pause, max_gap=max_gap,
                              min_moves=min_moves, min_total_bps=0.0 if min_moves == 1 else 50.0))
    return out
