"""significant_groups on arrays gives exactly the runs of the plain list algorithm it replaced (written out here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ratecycle.cycles import CycleRules, Move, group_moves, moves_from_source
from ratecycle.cycles.significance import qualifies, significant_groups


def _plain(moves: list[Move], rules: CycleRules, data_end: pd.Timestamp | None) -> list[list[Move]]:
    """Group, drop the smallest noise run (the last run is kept while it may grow), group again."""
    kept = list(moves)
    while True:
        groups = group_moves(kept, rules.max_gap)
        noise = [i for i, g in enumerate(groups) if not qualifies(g, rules)
                 and not (i == len(groups) - 1 and data_end is not None
                          and (data_end - g[-1].announced).days <= rules.max_gap)]
        if not noise:
            break
        drop = min(noise, key=lambda i: (abs(sum(m.change_bps for m in groups[i])), i))
        gone = {id(m) for m in groups[drop]}
        kept = [m for m in kept if id(m) not in gone]
    return [[m for m in moves if g[0].announced <= m.announced <= g[-1].announced
             and m.direction == g[0].direction] for g in groups]


def _random_moves(rng: np.random.Generator, n: int) -> list[Move]:
    days = np.cumsum(rng.integers(1, 200, size=n))
    out = []
    for d in days:
        when = pd.Timestamp("1980-01-01") + pd.Timedelta(days=int(d))
        size = float(rng.choice([-50.0, -25.0, -12.5, -6.25, 6.25, 12.5, 25.0, 50.0]))
        out.append(Move(when, when, size, 1.0, 1.25))
    return out


@pytest.mark.parametrize("max_gap", [200, 300, 370, 400])
@pytest.mark.parametrize("min_moves, min_total", [(1, 0.0), (2, 50.0), (3, 75.0)])
def test_real_moves(ds, max_gap: int, min_moves: int, min_total: float) -> None:  # type: ignore[no-untyped-def]
    moves, data_end = moves_from_source(ds)
    rules = CycleRules(max_gap=max_gap, min_moves=min_moves, min_total_bps=min_total)
    for end in (data_end, None, moves[-1].announced + pd.Timedelta(days=max_gap + 1)):
        assert significant_groups(moves, rules, end) == _plain(moves, rules, end)


def test_random_moves() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        moves = _random_moves(rng, int(rng.integers(0, 60)))
        rules = CycleRules(max_gap=int(rng.integers(30, 400)), min_pause=1, min_moves=int(rng.integers(1, 4)),
                           min_total_bps=float(rng.choice([0.0, 25.0, 50.0, 100.0])))
        end = moves[-1].announced + pd.Timedelta(days=int(rng.integers(0, 500))) if moves else None
        assert significant_groups(moves, rules, end) == _plain(moves, rules, end)
