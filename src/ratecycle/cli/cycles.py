"""``ratecycle cycles``, ``ratecycle phase DATE`` and ``ratecycle pit-diff``: the cycle engine on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import RatecycleError
from .common import AsOfOpt, records
from .options import DataOptions, data_command, rule_options

if TYPE_CHECKING:
    from .._typing import Direction
    from ..cycles import Cycle, CycleRules

DirectionOpt = Annotated[str | None, typer.Option("--direction", help="Only 'cut' or 'hike' cycles.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only cycles starting in or after this year (or date).")]

TABLE_COLUMNS = ["cycle", "start", "end", "moves", "bps", "pause", "later_start", "status", "note"]


def parse_direction(value: str | None) -> Direction | None:
    """The --direction option as a Direction (None: both); anything else is a one-line error."""
    from .._typing import DIRECTIONS, choose

    if value is None:
        return None
    try:
        return choose(value.strip().lower(), DIRECTIONS, "direction")
    except RatecycleError:
        raise RatecycleError(f"--direction must be cut or hike, got {value.strip().lower()!r}") from None


def cycle_note(cycle: Cycle, rules: CycleRules) -> str:
    """Plain words on the pause status of a cycle (why there is no later phase, an open pause, the source)."""
    parts = []
    if cycle.pause is None:
        if cycle.source == "detected" or cycle.source == "fedfunds":
            parts.append(f"no pause (no gap of {rules.min_pause}+ d), no later phase")
        else:
            parts.append("no pause in calendar, no later phase")
    elif len(cycle.pauses) > 1:
        parts.append(f"{len(cycle.pauses)} pauses; phases use the first")
    if cycle.open_pause is not None:
        parts.append(f"no move in the last {cycle.open_pause.days_so_far} d of data")
    if cycle.confidence == "low":
        parts.append("low confidence (monthly FEDFUNDS)")
    if cycle.source != "detected" and cycle.source != "fedfunds" and not cycle.moves_known:
        parts.append("no target data: moves unknown")
    return "; ".join(parts)


def cycle_row(cycle: Cycle, rules: CycleRules) -> dict[str, Any]:
    """One table/CSV row for a cycle."""
    later = cycle.later_phase
    status = "ongoing" if cycle.ongoing else "ended"
    return {"cycle": cycle.name or cycle.label, "direction": cycle.direction,
            "start": cycle.start.date().isoformat(), "end": cycle.end.date().isoformat(), "moves": len(cycle.moves),
            "change_bps": round(cycle.total_change_bps, 2),
            "pause_start": cycle.pause.start.date().isoformat() if cycle.pause else None,
            "pause_end": cycle.pause.end.date().isoformat() if cycle.pause else None,
            "pause_days": cycle.pause.days if cycle.pause else None,
            "later_start": later.start.date().isoformat() if later else None, "status": status,
            "note": cycle_note(cycle, rules), "source": cycle.source, "confidence": cycle.confidence}


def _display(row: dict[str, Any]) -> dict[str, Any]:
    """A compact table row: pause as 'start..end (N d)'."""
    pause = f"{row['pause_start']}..{row['pause_end']} ({row['pause_days']} d)" if row["pause_start"] else None
    return row | {"pause": pause, "bps": row["change_bps"]}


@data_command
@rule_options
def cycles_command(
    direction: DirectionOpt = None,
    calendar: Annotated[Path | None, typer.Option("--calendar", help="Cycle calendar file (TOML or CSV).")] = None,
    preset: Annotated[str | None, typer.Option("--preset", help="Built-in calendar, e.g. note-2025.")] = None,
    since: SinceOpt = None,
    long_history: Annotated[bool, typer.Option(
        "--long-history", help="Add cycles before 1982 from the monthly effective rate (low confidence).")] = False,
    as_of: AsOfOpt = None,
    *,
    cycle_rules: CycleRules,
    opts: DataOptions = DataOptions(),
) -> None:
    """List cutting and hiking cycles with their pauses and early/later phases."""
    from ..cycles import cycles_from_source, filter_cycles
    from ..cycles.history import long_history_cycles

    ds = opts.source_as_of(as_of, "fed_target_upper")  # only moves released by the close of --as-of
    way = parse_direction(direction)
    cycles = cycles_from_source(ds, rules=cycle_rules, direction=way, since=since, calendar=calendar, preset=preset)
    agreement = None
    if long_history:
        from ..cycles import cycles_from_moves, moves_from_source
        from ..cycles.history import compare_with_target

        first_target = ds.load("fed_target_upper").index[0]
        monthly = long_history_cycles(ds.load("fed_funds_monthly"), rules=cycle_rules)
        moves, data_end = moves_from_source(ds, cycle_rules)
        agreement = compare_with_target(monthly, cycles_from_moves(moves, cycle_rules, data_end)).to_dict()
        cycles = filter_cycles([c for c in monthly if c.end < first_target], way, since) + cycles
    rows = [cycle_row(c, cycle_rules) for c in cycles]
    if not (opts.as_json or opts.as_csv):
        rows = [_display(r) for r in rows]
    origin = f"preset {preset}" if preset else (f"calendar {calendar}" if calendar else "detected from the target")
    doc = {"rules": cycle_rules.to_dict(), "cycles_from": origin, "long_history": long_history,
           "long_history_agreement": agreement,
           "cycles": [c.to_dict() | {"note": cycle_note(c, cycle_rules)} for c in cycles]}
    caption = (f"rule {cycle_rules.rule}, min pause {cycle_rules.min_pause} d, max gap {cycle_rules.max_gap} d, "
               f"at least {cycle_rules.min_moves} moves and {cycle_rules.min_total_bps:g} bp; "
               "dates are announcement dates; ex post (a cycle's end is known only max gap days later)")
    if agreement:
        caption += (f"; before 1982 from monthly FEDFUNDS: {agreement['matched']} of {agreement['target_cycles']} "
                    f"target cycles since 1982 matched, same label in {agreement['month_agreement']:.0%} of months")
    opts.emit(rows, document=doc,
              columns=None if opts.as_csv else TABLE_COLUMNS, title=f"Fed rate cycles ({origin})", caption=caption)


@data_command
@rule_options
def phase_command(
    date: Annotated[str, typer.Argument(help="Day to label (YYYY-MM-DD).")],
    *,
    cycle_rules: CycleRules,
    opts: DataOptions = DataOptions(),
) -> None:
    """The cycle phase on DATE as known that day (moves announced by DATE only), next to the hindsight view."""
    from ..cycles.views import phase_on

    view = phase_on(opts.source(), date, cycle_rules)
    rows = [{"field": k, "value": v} for k, v in view.label.to_dict().items()]
    inside = f"inside {view.hindsight.label}" if view.hindsight else "no cycle"
    opts.emit(rows, document=view.to_dict(), columns=["field", "value"],
              title=f"Cycle phase on {view.label.date.date()} as known that day",
              caption=f"hindsight (data to {view.data_end.date()}): {inside}")


@data_command
@rule_options
def pit_diff_command(
    direction: DirectionOpt = None,
    since: SinceOpt = None,
    as_of: AsOfOpt = None,
    *,
    cycle_rules: CycleRules,
    opts: DataOptions = DataOptions(),
) -> None:
    """Where the real-time label of each cycle differed from the hindsight label, and for how many days."""
    from ..cycles.views import pit_differences

    ds = opts.source_as_of(as_of, "fed_target_upper")
    result = pit_differences(ds, cycle_rules, parse_direction(direction), since)
    rows = [{k: _plain(v) for k, v in rec.items()} for rec in records(result.differences)]
    doc = {"rules": cycle_rules.to_dict(), "differences": rows,
           "by_cycle": [{k: _plain(v) for k, v in rec.items()} for rec in records(result.by_cycle)]}
    opts.emit(rows, document=doc,
              columns=["cycle", "field", "start", "end", "days", "point_in_time", "ex_post"],
              title="Point-in-time vs hindsight cycle labels",
              caption="point_in_time uses moves announced by each day; ex_post uses the whole history")


def _plain(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is None or value is pd.NaT:
        return None
    return value


def register(app: typer.Typer) -> None:
    """Add the ``cycles``, ``phase`` and ``pit-diff`` commands."""
    app.command("cycles")(cycles_command)
    app.command("phase")(phase_command)
    app.command("pit-diff")(pit_diff_command)
