"""Which runs of moves are cycles: at least ``min_moves`` moves adding up to at least ``min_total_bps``.

A run that falls short (a lone 12.5 bp cut in 1987, two 6.25 bp hikes in 1986) is noise: it is taken out and
the runs around it are grouped again, so noise neither forms a cycle nor ends one. The smallest noise run is
removed first and the grouping redone, until every run qualifies. The last run is kept while it may still
grow (the data end within ``max_gap`` days of its last move): a fresh first cut is a cycle in the making.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .model import Move
from .rules import CycleRules

_EPS = 1e-9


def qualifies(group: Sequence[Move], rules: CycleRules) -> bool:
    """True when a run has enough moves and basis points to be a cycle."""
    total = abs(sum(m.change_bps for m in group))
    return len(group) >= rules.min_moves and total >= rules.min_total_bps - _EPS


def significant_groups(moves: Sequence[Move], rules: CycleRules,
                       data_end: pd.Timestamp | None = None) -> list[list[Move]]:
    """Runs of moves that qualify as cycles, each with every same-direction move between its ends."""
    from .detect import group_moves

    kept = list(moves)
    while True:
        groups = group_moves(kept, rules.max_gap)
        noise = [i for i, g in enumerate(groups) if not qualifies(g, rules)
                 and not _may_grow(i, groups, data_end, rules)]
        if not noise:
            break
        drop = min(noise, key=lambda i: (abs(sum(m.change_bps for m in groups[i])), i))
        dropped = {id(m) for m in groups[drop]}
        kept = [m for m in kept if id(m) not in dropped]
    return [_with_inner_moves(g, moves) for g in groups]


def opposite_moves(group: Sequence[Move], moves: Sequence[Move]) -> int:
    """Moves the other way announced between a run's first and last move (noise inside the cycle)."""
    lo, hi, way = group[0].announced, group[-1].announced, group[0].direction
    return sum(1 for m in moves if lo <= m.announced <= hi and m.direction != way)


def _may_grow(i: int, groups: list[list[Move]], data_end: pd.Timestamp | None, rules: CycleRules) -> bool:
    """The last run is still open when the data end within max_gap days of its last move."""
    return (i == len(groups) - 1 and data_end is not None
            and (data_end - groups[i][-1].announced).days <= rules.max_gap)


def _with_inner_moves(group: list[Move], moves: Sequence[Move]) -> list[Move]:
    """The run plus noise moves of its direction that fall between its first and last move."""
    lo, hi, way = group[0].announced, group[-1].announced, group[0].direction
    return [m for m in moves if lo <= m.announced <= hi and m.direction == way]
