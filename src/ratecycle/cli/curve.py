"""``ratecycle curve``: the 10y-2y spread now, its change over the current cutting cycle, and past cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    print_csv,
    print_json,
    print_table,
    records,
)
from .options import DataOptions, data_command

if TYPE_CHECKING:

    pass

SUMMARY = ["date", "level", "inverted", "cycle_start", "since", "since_basis", "level_then", "change", "steepening"]


@data_command
def curve_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use only data released by this date's close.")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Change (pp) that counts as steepening.")] = 0.10,
    opts: DataOptions = DataOptions(),
) -> None:
    """10y-2y Treasury spread: level on --as-of, change since the current cutting cycle began, past cycles."""
    from .._typing import to_timestamp
    from ..curve import curve_over_cycles, curve_reading
    from ..cycles import detect_cycles, rules_text
    from ..data.asof import as_of as gate
    from ..data.derived import treasury_spread

    ds = gate(opts.source(), to_timestamp(as_of))  # only what was released by the close of --as-of
    cycles = detect_cycles(ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings"),
                           direction="cut")
    current = cycles[-1] if cycles and cycles[-1].ongoing else None
    spread = treasury_spread(ds, as_of)
    reading = curve_reading(spread, as_of, cycle_start=current.start if current else None, threshold=threshold)
    history = curve_over_cycles(spread, cycles, as_of, threshold)
    rows = [{k: (v.date().isoformat() if hasattr(v, "date") else v) for k, v in rec.items()}
            for rec in records(history)]
    doc = reading.to_dict()
    note = (f"cycles are cutting cycles detected from target data on or before the as-of date ({rules_text()}, the "
            "default rules)")
    if opts.as_json:
        print_json({"reading": doc, "cycles": rows, "note": note})
    elif opts.as_csv:
        print_csv(rows, list(history.columns))
    else:
        print_table([{"measure": k, "value": doc.get(k)} for k in SUMMARY], ["measure", "value"],
                    title=f"10y-2y Treasury spread, percentage points (as of {doc['as_of']})")
        print_table(rows, ["cycle", "start", "end", "ongoing", "level_start", "level_end", "change", "trend"],
                    title="Cutting cycles: spread at start and end (trend +1 steepened, -1 flattened)", caption=note)


def register(app: typer.Typer) -> None:
    """Add the ``curve`` command."""
    app.command("curve")(curve_command)
