"""``ratecycle valuation SERIES``: a multiple against its trailing mean, sigma bands and full history."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, check_output_flags, emit, print_csv, print_json, source

FIELDS = ["series", "observation_date", "released", "value", "mean", "std", "zscore", "lower2", "lower1",
          "upper1", "upper2", "percentile", "window_start", "window_count", "history_start", "history_count"]


def valuation_command(
    series: Annotated[str, typer.Argument(help="Multiple to value: pe_sp500, shiller:CAPE, pe_russell2000, ...")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use only data published by this date.")] = None,
    years: Annotated[float, typer.Option("--years", help="Trailing window in years.")] = 5.0,
    vs: Annotated[str | None, typer.Option("--vs", help="Value SERIES relative to this one (A's / B's).")] = None,
    show_bands: Annotated[bool, typer.Option("--bands", help="Print the band series instead of one row.")] = False,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Value SERIES on --as-of: z-score against its trailing --years window, +-1/+-2 sigma bands, percentile."""
    from .. import valuation as val
    from ..data.catalog import get_spec

    check_output_flags(as_json, as_csv)
    ds = source(snapshot, store)
    names = [series] if vs is None else [series, vs]
    for name in names:
        get_spec(name)  # unknown names are a one-line error, not a 'missing' result
        if not ds.has(name):
            hint = "" if vs is None else f", so {series}/{vs} cannot be computed"
            result = val.missing(name, f"series {name} is not available in this data source{hint}")
            _print_missing(result.to_dict(), as_json=as_json, as_csv=as_csv)
            return
    if vs is None:
        data = ds.load(series)
        lag = val.PUBLICATION_LAG_MONTHS.get(series)
        result = val.valuation(data, name=series, as_of=as_of, years=years, lag_months=lag)
    else:
        data = val.relative_series(ds.load(series), ds.load(vs), lag_a=val.PUBLICATION_LAG_MONTHS.get(series),
                                   lag_b=val.PUBLICATION_LAG_MONTHS.get(vs), name=f"{series}/{vs}")
        lag = None
        result = val.relative_valuation(ds.load(series), ds.load(vs), a_name=series, b_name=vs, as_of=as_of,
                                        years=years)
    doc = result.to_dict()
    if show_bands:
        frame = val.bands(val.known_at(data, as_of, lag), years=years)
        rows = [{"date": ts.date().isoformat(), **{k: row[k] for k in frame.columns}} for ts, row in frame.iterrows()]
        emit(rows, as_json=as_json, as_csv=as_csv, document={"valuation": doc, "bands": rows},
             columns=["date", "value", "mean", "zscore", "lower2", "lower1", "upper1", "upper2"],
             title=f"{result.series}: {years:g}-year trailing bands")
        return
    if as_json:
        print_json(doc)
    elif as_csv:
        print_csv([doc], [*FIELDS, "window_years", "lag_months", "as_of"])
    else:
        rows = [{"field": key, "value": doc[key]} for key in FIELDS]
        lag_note = (f"observation of month M assumed published at the end of month M+{result.lag_months}"
                    if result.lag_months is not None else "observations taken as known on their own date")
        emit(rows, as_json=False, as_csv=False, columns=["field", "value"],
             title=f"{result.description} (as of {doc['as_of'] or 'latest'})", caption=lag_note)


def _print_missing(doc: dict[str, Any], *, as_json: bool, as_csv: bool) -> None:
    if as_json:
        print_json(doc)
    elif as_csv:
        print_csv([doc])
    else:
        command = f" Import it with: {doc['import_command']}" if doc["import_command"] else ""
        typer.echo(f"{doc['series']}: missing, {doc['reason']}; no value is shown.{command}")


def register(app: typer.Typer) -> None:
    """Add the ``valuation`` command."""
    app.command("valuation")(valuation_command)
