"""``ratecycle data ...``: list and show catalog series (fetch/import/export/status live in data_store)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import RatecycleError
from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, dated_records, emit, source

data_app = typer.Typer(help="Series catalog, store and snapshots.", no_args_is_help=True)


@data_app.command("list")
def list_series(snapshot: SnapshotOpt = None, store: StoreOpt = None, as_json: JsonOpt = False,
                as_csv: CsvOpt = False) -> None:
    """List every catalog series with first/last date, rows and provenance."""
    from ..data.catalog import CATALOG

    ds = source(snapshot, store)
    if ds.snapshot is None:  # an unreadable store is an error, not a list of series that are "not loaded"
        from ..data.source import default_store_path
        from ..data.store import Store

        Store(ds.store_path or default_store_path()).list()
    rows = []
    for name, spec in CATALOG.items():
        row: dict[str, object] = {"name": name, "description": spec.description, "units": spec.units,
               "frequency": spec.frequency, "provider": spec.provider, "symbol": spec.symbol}
        if ds.has(name):
            meta = ds.meta(name)
            row.update(first=meta.first, last=meta.last, rows=meta.rows, source=meta.source,
                       fetched_at=meta.fetched_at, available=True)
        else:
            row.update(first=None, last=None, rows=0, source=spec.note or "not loaded",
                       fetched_at=None, available=False)
        rows.append(row)
    emit(rows, as_json=as_json, as_csv=as_csv,
         columns=["name", "provider", "symbol", "first", "last", "rows", "source"] if not (as_json or as_csv)
         else None,
         title=f"ratecycle series ({ds.mode}: {ds.snapshot or ds.store_path})")


@data_app.command("show")
def show(
    series: Annotated[str, typer.Argument(help="Catalog series name, e.g. russell2000.")],
    start: Annotated[str | None, typer.Option(help="First date (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last date (YYYY-MM-DD).")] = None,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Print the observations of one series between --start and --end."""
    from .._typing import to_timestamp

    lo, hi = to_timestamp(start), to_timestamp(end)
    if lo is not None and hi is not None and lo > hi:
        raise RatecycleError(f"--start {lo.date()} is after --end {hi.date()}")
    ds = source(snapshot, store)
    values = ds.load(series, start=start, end=end)
    meta = ds.meta(series)
    rows = dated_records(values.astype("float64").to_frame("value"))
    doc = {"series": series, "start": start, "end": end, "provenance": meta.to_dict(), "observations": rows}
    emit(rows, as_json=as_json, as_csv=as_csv, columns=["date", "value"], document=doc,
         title=f"{series} ({meta.source}, fetched {meta.fetched_at})")


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    app.add_typer(data_app, name="data")
