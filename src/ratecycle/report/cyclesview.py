"""The cutting cycles as known on the as-of date (detected from cut data, or a calendar clipped at the date)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from .context import Context, analysis


def clip_cycle(cycle: Any, as_of: pd.Timestamp) -> Any | None:
    """A cycle as it looked on ``as_of``: moves after it dropped, a pause ending after it still underway."""
    if cycle.start > as_of:
        return None
    moves = tuple(m for m in cycle.moves if m.announced <= as_of)
    changes: dict[str, Any] = {}
    if len(moves) != len(cycle.moves):
        changes["moves"] = moves
    cal_end = getattr(cycle, "calendar_end", None)
    if cal_end is not None and cal_end > as_of:
        changes["calendar_end"] = moves[-1].announced if moves else cycle.start
        changes["ongoing"] = True
    if cycle.pause is not None and cycle.pause.end > as_of:
        changes.update(pause=None, pauses=(), ongoing=True)
    elif any(p.end > as_of for p in cycle.pauses):
        changes["pauses"] = tuple(p for p in cycle.pauses if p.end <= as_of)
    if not changes:
        return cycle
    if not changes.get("moves", moves) and getattr(cycle, "calendar_start", None) is None:
        return None
    return replace(cycle, **changes)


def cutting_cycles(ctx: Context) -> list[Any]:
    """Cutting cycles from the as-of view of the data (computed once per report, kept in ``ctx.facts``)."""
    if "cycles" not in ctx.facts:
        cycles_mod = analysis("cycles")
        found = cycles_mod.cycles_from_source(ctx.data, rules=ctx.rules, direction="cut", preset=ctx.preset)
        clipped = [c for c in (clip_cycle(c, ctx.as_of) for c in found) if c is not None]
        ctx.facts["cycles"] = clipped
    return list(ctx.facts["cycles"])


def cycle_name(cycle: Any) -> str:
    """Short label of a cycle for tables and chart axes, e.g. 'cut 2019-07'."""
    return str(cycle.label)
