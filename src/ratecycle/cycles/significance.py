"""Which runs of moves are cycles: at least ``min_moves`` moves adding up to at least ``min_total_bps``.

A run that falls short (a lone 12.5 bp cut in 1987, two 6.25 bp hikes in 1986) is noise: it is taken out and
the runs around it are grouped again, so noise neither forms a cycle nor ends one. The smallest noise run is
removed first and the grouping redone, until every run qualifies. The last run is kept while it may still
grow (the data end within ``max_gap`` days of its last move): a fresh first cut is a cycle in the making.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .model import Move
from .rules import CycleRules

_EPS = 1e-9
_DAY_NS = 86_400 * 10**9


def qualifies(group: Sequence[Move], rules: CycleRules) -> bool:
    """True when a run has enough moves and basis points to be a cycle."""
    total = abs(sum(m.change_bps for m in group))
    return len(group) >= rules.min_moves and total >= rules.min_total_bps - _EPS


def significant_groups(moves: Sequence[Move], rules: CycleRules,
                       data_end: pd.Timestamp | None = None) -> list[list[Move]]:
    """Runs of moves that qualify as cycles, each with every same-direction move between its ends.

    The runs are regrouped on arrays of announcement times (``group_moves``' rule: same direction, no gap of
    more than ``max_gap`` whole days), so a sweep over many rules does not rebuild lists of moves each round.
    """
    if not moves:
        return []
    stamps = np.array([m.announced.value for m in moves], dtype="int64")
    cut = np.array([m.change_bps < 0 for m in moves], dtype=bool)
    change = [float(m.change_bps) for m in moves]
    end = None if data_end is None else pd.Timestamp(data_end).value
    kept = np.arange(len(moves))
    while kept.size:
        at, way = stamps[kept], cut[kept]
        new = np.ones(kept.size, dtype=bool)
        new[1:] = (way[1:] != way[:-1]) | (np.diff(at) // _DAY_NS > rules.max_gap)
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], kept.size)
        totals = [abs(sum(change[i] for i in kept[a:b])) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        noise = [i for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True))
                 if not (b - a >= rules.min_moves and totals[i] >= rules.min_total_bps - _EPS)]
        if noise and end is not None and noise[-1] == starts.size - 1 and (end - at[-1]) // _DAY_NS <= rules.max_gap:
            noise.pop()  # the last run may still grow
        if not noise:
            break
        drop = min(noise, key=lambda i: (totals[i], i))
        kept = np.delete(kept, np.arange(starts[drop], ends[drop]))
    if not kept.size:
        return []
    out = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        lo, hi, way_cut = stamps[kept[a]], stamps[kept[b - 1]], cut[kept[a]]
        inner = np.flatnonzero((stamps >= lo) & (stamps <= hi) & (cut == way_cut))
        out.append([moves[i] for i in inner.tolist()])
    return out


def opposite_moves(group: Sequence[Move], moves: Sequence[Move]) -> int:
    """Moves the other way announced between a run's first and last move (noise inside the cycle)."""
    lo, hi, way = group[0].announced, group[-1].announced, group[0].direction
    return sum(1 for m in moves if lo <= m.announced <= hi and m.direction != way)
