"""The cutting cycles as known on the as-of date, detected from the target data with the report's rules."""

from __future__ import annotations

from typing import Any

from ..cycles import Cycle, cycles_from_source
from ..outlook.drivers import clip_cycles, known_cuts
from .context import Context

__all__ = ["clip_cycles", "cutting_cycles", "cycle_name", "known_cuts", "mark_running_phase"]


def cutting_cycles(ctx: Context) -> list[Cycle]:
    """Cutting cycles detected from the as-of view of the data with the report's rules (a calendar preset never
    replaces them; it is shown beside). Computed once per report, kept in ``ctx.facts``."""
    if ctx.facts.cycles is None:
        found = cycles_from_source(ctx.data, rules=ctx.rules, direction="cut")
        ctx.facts.cycles = clip_cycles(found, ctx.as_of, ctx.rules)
    return list(ctx.facts.cycles)


def cycle_name(cycle: Any) -> str:
    """Short label of a cycle for tables and chart axes, e.g. 'cut 2019-07'."""
    return str(cycle.label)


def mark_running_phase(rows: list[dict[str, Any]], cycles: list[Any], phase_windows: set[str]) -> None:
    """Flag as incomplete the latest phase row of every cycle still under way: later cuts may extend it."""
    for cycle in cycles:
        if not cycle.ongoing:
            continue
        mine = [r for r in rows if r["cycle"] == cycle.label and r["window"] in phase_windows]
        if mine:
            mine[-1]["incomplete"] = True
