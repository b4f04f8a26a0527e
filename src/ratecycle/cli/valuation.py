"""``ratecycle valuation SERIES``: a multiple against its trailing mean, sigma bands and full history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import (
    dated_records,
    emit,
    print_csv,
    print_json,
)
from .options import DataOptions, data_command

if TYPE_CHECKING:
    import pandas as pd

FIELDS = ["series", "observation_date", "released", "age_months", "value", "mean", "std", "zscore", "lower2",
          "lower1", "upper1", "upper2", "percentile", "window_start", "window_count", "history_start", "history_count"]
PE_NOW = "pe_sp500"
"""The series whose headline reading is price-updated: the close on the as-of date / the latest published earnings."""
SHARED_FIELDS = ["mean", "std", "lower2", "lower1", "upper1", "upper2", "window_start", "window_count",
                 "history_start", "history_count"]
"""Window statistics the price-updated and the month-end P/E share (the same monthly history)."""


@data_command
def valuation_command(
    series: Annotated[str, typer.Argument(
        help="Multiple to value: pe_sp500, shiller:CAPE, bm_small_big, pe_russell2000, ...")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use only data published by this date.")] = None,
    years: Annotated[float, typer.Option("--years", help="Trailing window in years.")] = 5.0,
    vs: Annotated[str | None, typer.Option("--vs", help="Value SERIES relative to this one (A's / B's).")] = None,
    show_bands: Annotated[bool, typer.Option("--bands", help="Print the band series instead of one row.")] = False,
    opts: DataOptions = DataOptions(),
) -> None:
    """Value SERIES on --as-of: z-score against its trailing --years window, +-1/+-2 sigma bands, percentile."""
    from .. import valuation as val
    from .._typing import to_timestamp
    from ..data.asof import as_of as gate
    from ..data.asof import released
    from ..data.catalog import get_spec

    ds = gate(opts.source(), to_timestamp(as_of))  # only what was released by the close of --as-of
    names = [series] if vs is None else [series, vs]
    for name in names:
        get_spec(name)  # unknown names are a one-line error, not a 'missing' result
        if not ds.has(name):
            hint = "" if vs is None else f", so {series}/{vs} cannot be computed"
            gone = val.missing(name, f"series {name} is not available in this data source{hint}")
            _print_missing(gone.to_dict(), as_json=opts.as_json, as_csv=opts.as_csv)
            return
    result: val.Valuation | val.PriceUpdatedPE
    if vs is None:
        data = ds.load(series)
        known_from: pd.Series | None = released(ds, series)
        if series == PE_NOW:
            result = _pe_now(ds, data, val, as_of=as_of, years=years)
            as_of = as_of if as_of is not None else _iso(result.as_of)  # the last close dates a price-updated P/E
        else:
            result = val.valuation(data, name=series, as_of=as_of, years=years, released=known_from)
    else:
        data = val.relative_series(ds.load(series), ds.load(vs), released_a=released(ds, series),
                                   released_b=released(ds, vs), name=f"{series}/{vs}")
        known_from = None
        result = val.relative_valuation(ds.load(series), ds.load(vs), a_name=series, b_name=vs, as_of=as_of,
                                        years=years, released_a=released(ds, series), released_b=released(ds, vs))
    doc = result.to_dict()
    if isinstance(result, val.PriceUpdatedPE):
        doc["basis"] = result.basis()
    if show_bands:
        frame = val.bands(val.known_at(data, as_of, known_from), years=years)
        rows = dated_records(frame)
        opts.emit(rows, document={"valuation": doc, "bands": rows},
                  columns=["date", "value", "mean", "zscore", "lower2", "lower1", "upper1", "upper2"],
                  title=f"{result.series}: {years:g}-year trailing bands")
        return
    if isinstance(result, val.PriceUpdatedPE):
        _print_pe_now(result, doc, as_json=opts.as_json, as_csv=opts.as_csv)
    elif opts.as_json:
        print_json(doc)
    elif opts.as_csv:
        print_csv([doc], [*FIELDS, "window_years", "as_of", "note"])
    else:
        rows = [{"field": key, "value": doc[key]} for key in FIELDS]
        lag_note = f"observations counted from their release: {_rule(series if vs is None else None)}"
        if result.note:
            lag_note = f"{result.note}; {lag_note}"
        if result.age_months is not None:
            lag_note += f"; the latest value is {result.age_months} months old on {doc['as_of']}"
        emit(rows, as_json=False, as_csv=False, columns=["field", "value"],
             title=f"{result.description} (as of {doc['as_of'] or 'latest'})", caption=lag_note)


def _pe_now(ds: Any, pe: Any, val: Any, *, as_of: str | None, years: float) -> Any:
    """The S&P 500 P/E: price-updated when the close and the earnings load, else month-end with a note why."""
    from ..data.asof import released

    inputs = [ds.load(name) if ds.has(name) else None for name in ("sp500", "shiller:E")]
    earnings = released(ds, "shiller:E") if inputs[1] is not None else None
    return val.PEData.build(*inputs, pe, earnings_released=earnings, pe_released=released(ds, PE_NOW)).reading(
        as_of, years=years)


def _rule(series: str | None) -> str:
    """A series' release rule in words (a ratio of two series: each side from its own release)."""
    from ..data.catalog import get_spec

    rule = get_spec(series).release if series is not None else None
    return rule.describe() if rule is not None else "each side from its own release, on month ends"


def _iso(value: Any) -> str:
    return str(value.date().isoformat())


def _print_pe_now(result: Any, doc: dict[str, Any], *, as_json: bool, as_csv: bool) -> None:
    """Price-updated P/E first; the month-end (lagged) reading beside it, so the two can be compared."""
    if as_json:
        print_json(doc)
        return
    if as_csv:
        print_csv([doc])
        return
    month_end = {"basis": (f"average price of {result.lagged_month:%Y-%m} / trailing earnings to "
                           f"{result.lagged_month:%Y-%m} (published by {_iso(result.lagged_released)})"),
                 "value": result.lagged_value, "zscore": result.lagged_zscore,
                 "percentile": result.lagged_percentile, "price_date": f"{result.lagged_month:%Y-%m} average",
                 "earnings_month": f"{result.lagged_month:%Y-%m}", "earnings_released": doc["lagged_released"],
                 **{key: doc[key] for key in SHARED_FIELDS}}
    doc = {**doc, "earnings_month": f"{result.earnings_month:%Y-%m}"}
    keys = ["basis", "value", "zscore", "percentile", "price_date", "price", "earnings_month", "earnings_released",
            "earnings", *SHARED_FIELDS]
    rows = [{"field": key, "price-updated": doc[key], "month-end (lagged)": month_end.get(key)} for key in keys]
    emit(rows, as_json=False, as_csv=False, columns=["field", "price-updated", "month-end (lagged)"],
         title=f"S&P 500 trailing P/E on {doc['as_of']}: {doc['basis']}",
         caption=(f"price-updated: the close on or before the as-of date / the latest trailing 12-month earnings "
                  f"published by then ({_rule('shiller:E')}); month-end: Shiller's "
                  f"average price of the latest published month, as the lagged monthly series shows it"))


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
