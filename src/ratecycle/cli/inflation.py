"""``ratecycle inflation``: the core PCE risk monitor (rates, recent low, distance from 2%, pause-pressure flag)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    dated_records,
    print_csv,
    print_json,
    print_table,
)
from .options import DataOptions, data_command

SUMMARY = ["month", "released", "yoy", "mom_ann", "ann3", "ann6", "gap_to_target", "low_month", "low_yoy",
           "months_since_low", "months_rising_since_low", "flag"]
RATE_COLUMNS = ["month", "index", "yoy", "mom_ann", "ann3", "ann6"]


@data_command
def inflation_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use only months published by this date.")] = None,
    months: Annotated[int, typer.Option("--months", help="Recent months to list.")] = 12,
    target: Annotated[float, typer.Option("--target", help="Inflation target, percent.")] = 2.0,
    vintages: Annotated[bool, typer.Option("--vintages", help="Use ALFRED vintages (live, needs FRED_API_KEY): "
                                                              "the data exactly as published on --as-of.")] = False,
    opts: DataOptions = DataOptions(),
) -> None:
    """Core PCE: YoY, MoM and 3/6-month annualised rates, the recent YoY low and a plain pause-pressure flag."""
    from .._typing import to_timestamp
    from ..data.asof import as_of as gate
    from ..data.asof import released
    from ..inflation import inflation_view, vintage_view

    if vintages:
        import datetime as dt

        from ..data.vintages import CORE_PCE_SYMBOL, fetch_vintages

        day = as_of or dt.date.today().isoformat()
        view = vintage_view(fetch_vintages(CORE_PCE_SYMBOL), day, months=months, target=target)
        provenance: dict[str, object] = {"source": f"ALFRED vintages of {CORE_PCE_SYMBOL}", "vintage_in_force_on": day}
    else:
        ds = gate(opts.source(), to_timestamp(as_of))  # only months released by the close of --as-of
        view = inflation_view(ds.load("core_pce"), as_of, released=released(ds, "core_pce"), months=months,
                              target=target)
        provenance = ds.meta("core_pce").to_dict()
    reading = view.reading
    recent = dated_records(view.recent[list(RATE_COLUMNS[1:])].astype("float64"), key="month", fmt="%Y-%m")
    doc = reading.to_dict()
    if opts.as_json:
        print_json({"reading": doc, "recent": recent, "provenance": provenance})
    elif opts.as_csv:
        print_csv(recent, RATE_COLUMNS)
    else:
        print_table([{"measure": k, "value": doc[k]} for k in SUMMARY], ["measure", "value"],
                    title=f"Core PCE inflation risk (as of {doc['as_of'] or 'latest data'})")
        typer.echo(f"Flag {reading.flag}: {reading.reason}.")
        typer.echo(f"Rates in percent; {reading.note}.")
        print_table(recent, RATE_COLUMNS, title="Recent months (percent)")


def register(app: typer.Typer) -> None:
    """Add the ``inflation`` command."""
    app.command("inflation")(inflation_command)
