"""``ratecycle data fetch/fetch-holdings/import/export/status/import-series``: fill, move and inspect the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import RatecycleError
from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, check_output_flags, emit
from .data import data_app

if TYPE_CHECKING:
    from ..data.meta import SeriesMeta
    from ..data.snapshot_io import TransferResult
    from ..data.store import Store

_SHORT_HASH = 12
AllowOutliersOpt = Annotated[bool, typer.Option(
    "--allow-outliers", help="Accept one-step moves beyond the plausibility bound of the series' kind (docs/data.md).")]
ReplaceOpt = Annotated[bool, typer.Option(
    "--replace", help="Let data that ends earlier than the stored series replace it (otherwise refused).")]


def _store(store: Path | None) -> Store:
    from ..data.store import Store

    return Store(store)


def _expand(names: list[str]) -> list[str]:
    """Series names to fetch: groups become their fields, derived series their inputs; default every series
    that has a live source (the FOMC meeting list has none and is only named when asked for)."""
    from ..data.catalog import CATALOG, GROUPS, get_spec
    from ..data.update import has_live_source

    if not names:
        return [name for name, spec in CATALOG.items() if has_live_source(spec)]
    out: list[str] = []
    for name in names:
        members = GROUPS.get(name) or (get_spec(name).derived[1:] if get_spec(name).derived else (name,))
        out += [m for m in members if m not in out]
    return out


def _refuse_offline(command: str, snapshot: Path | None, purpose: str) -> None:
    """A download command under --snapshot / RATECYCLE_SNAPSHOT: one error naming the import that does the job."""
    if snapshot is not None:
        raise RatecycleError(f"{command} downloads into the store and is not available offline (--snapshot "
                             f"{snapshot} / RATECYCLE_SNAPSHOT is set); {purpose} run: "
                             f"ratecycle data import {snapshot}")


@data_app.command("fetch")
def fetch(
    series: Annotated[list[str] | None, typer.Argument(help="Series or groups to update (default: all).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Refetch the whole history instead of what is missing.")] = False,
    overlap_days: Annotated[int | None, typer.Option(
        "--overlap-days", min=0, help="Days re-requested before the last stored date (default 10, monthly 6 months).",
    )] = None,
    allow_outliers: AllowOutliersOpt = False,
    replace: ReplaceOpt = False,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Download what each series is missing (plus a short overlap for revisions) into the store, atomically."""
    _refuse_offline("data fetch", snapshot, "to fill the store from it")
    check_output_flags(as_json, as_csv)
    from ..data.catalog import get_spec

    target = _store(store)
    specs = [get_spec(name) for name in _expand(series or [])]
    results = _with_progress(specs, target, full=full, overlap_days=overlap_days, allow_outliers=allow_outliers,
                             replace=replace)
    rows = [_result_row(r) for r in results]
    doc = {"store": str(target.path), "results": [r.to_dict() for r in results]}
    emit(rows, as_json=as_json, as_csv=as_csv, document=doc, title=f"data fetch into {target.path}",
         columns=None if as_json or as_csv else ["name", "status", "provider", "requested_from", "added",
                                                 "revised", "rows", "last", "message"])
    failed = [r.name for r in results if r.status == "failed"]
    if failed:
        raise RatecycleError(f"fetch failed for {len(failed)} of {len(results)} series: {', '.join(failed)} "
                             "(their stored data is unchanged)")


def _with_progress(specs: list[Any], target: Store, *, full: bool, overlap_days: int | None,
                   allow_outliers: bool = False, replace: bool = False) -> list[Any]:
    """Run the updates under a rich progress bar on stderr (stdout stays clean for --json/--csv)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..data.update import update_many

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("fetching", total=len(specs))
        return update_many(
            specs, target, full=full, overlap_days=overlap_days, allow_outliers=allow_outliers, replace=replace,
            progress=lambda name, message: bar.update(task, description=f"{name}: {message}"),
            done=lambda result: bar.advance(task),
        )


def _result_row(result: Any) -> dict[str, Any]:
    starts = [r.start for r in result.requests]
    requested = "full history" if starts and None in starts else (min(starts) if starts else None)
    return {"name": result.name, "status": result.status,
            "provider": (result.provider or "") + (" (fallback)" if result.fallback else ""),
            "requested_from": requested, "added": result.added, "revised": result.revised,
            "rows": result.rows_after, "first": result.first, "last": result.last,
            "content_hash": result.content_hash, "message": result.message}


@data_app.command("fetch-holdings")
def fetch_holdings(
    funds: Annotated[list[str], typer.Argument(help="iShares fund tickers, e.g. IWM (known: IWM, IWN, IWO, IVV).")],
    date: Annotated[str | None, typer.Option(
        "--date", help="Ask for the holdings as of this past date (YYYY-MM-DD; default today's file).")] = None,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Download funds' holdings CSVs from iShares into the store (byte for byte, one per fund and stated date)."""
    _refuse_offline("data fetch-holdings", snapshot, "to store a snapshot's holdings")
    check_output_flags(as_json, as_csv)
    from .._typing import to_timestamp
    from ..data.update import update_holdings

    day = to_timestamp(date).date() if date else None
    target = _store(store)
    results = [update_holdings(fund, target, as_of=day) for fund in funds]
    rows = [r.to_dict() for r in results]
    emit(rows, as_json=as_json, as_csv=as_csv, document={"store": str(target.path), "results": rows},
         title=f"data fetch-holdings into {target.path}",
         columns=None if as_json or as_csv else ["fund", "status", "as_of", "rows", "fetched_at", "message"])
    failed = [r.fund for r in results if not r.ok]
    if failed:
        raise RatecycleError(f"holdings download failed for {', '.join(failed)} (the store is unchanged for them)")


@data_app.command("import")
def import_dir(
    directory: Annotated[Path, typer.Argument(help="Snapshot directory (raw layout or a data export).")],
    allow_outliers: AllowOutliersOpt = False,
    replace: ReplaceOpt = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Import every series and holdings download of a snapshot directory into the store in one transaction."""
    from ..data.snapshot_io import import_snapshot

    target = _store(store)
    result = import_snapshot(directory, target, allow_outliers=allow_outliers, replace=replace)
    _emit_transfer(result, as_json, as_csv, title=f"imported {directory} ({result.layout} layout) into {target.path}")


@data_app.command("export")
def export_dir(
    directory: Annotated[Path, typer.Argument(help="Directory to write manifest.json and series/*.csv into.")],
    series: Annotated[list[str] | None, typer.Option("--series", help="Only these series (repeatable).")] = None,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Write the store (or, with --snapshot, that snapshot) in the export layout, holdings downloads included;
    import reads it back identically."""
    from ..data.catalog import get_spec
    from ..data.snapshot_io import export_snapshot, export_store

    names = [get_spec(name).name for name in series] if series else None
    if snapshot is not None:
        result = export_snapshot(snapshot, directory, names)
        origin = f"snapshot {snapshot}"
    else:
        target = _store(store)
        if not target.list() and not target.holdings_list():
            raise RatecycleError(f"the store {target.path} holds no series; fill it with 'ratecycle data fetch' "
                                 "or 'ratecycle data import DIR'")
        result = export_store(target, directory, names)
        origin = f"store {target.path}"
    _emit_transfer(result, as_json, as_csv, title=f"exported {origin} to {directory}")


def _emit_transfer(result: TransferResult, as_json: bool, as_csv: bool, *, title: str) -> None:
    rows = [_meta_row(m) for m in result.series]
    held = ", ".join(f"{h.fund} {h.as_of}" for h in result.holdings)
    caption = f"holdings files: {len(result.holdings)}" + (f" ({held})" if held else "")
    if result.skipped:
        caption += "; skipped: " + "; ".join(f"{s.name} ({s.reason})" for s in result.skipped)
    emit(rows, as_json=as_json, as_csv=as_csv, document=result.to_dict(), title=title, caption=caption,
         columns=None if as_json or as_csv else ["name", "provider", "first", "last", "rows", "content_hash"])


def _meta_row(meta: SeriesMeta, short: bool = True) -> dict[str, Any]:
    row = meta.to_dict()
    if short:
        row["content_hash"] = meta.content_hash[:_SHORT_HASH]
    return row


@data_app.command("import-series")
def import_series(
    name: Annotated[str, typer.Argument(help="A user series of the catalog, e.g. pe_russell2000.")],
    file: Annotated[Path, typer.Argument(help="CSV with two columns, date and value (header optional).")],
    allow_outliers: AllowOutliersOpt = False,
    replace: ReplaceOpt = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Store a user-supplied date,value CSV as a series (provider 'user'); it then works in every command."""
    from ..data.snapshot_io import import_user_series

    target = _store(store)
    meta = import_user_series(name, file, target, allow_outliers=allow_outliers, replace=replace)
    emit([_meta_row(meta, short=False)], as_json=as_json, as_csv=as_csv, document=meta.to_dict(),
         title=f"imported {file} as {name} into {target.path}",
         columns=None if as_json or as_csv else ["name", "provider", "first", "last", "rows", "content_hash"])


@data_app.command("status")
def status(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge staleness on this date (default today).")] = None,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Per series: provenance, first/last date, rows, age of the last observation (stale?), unexpected gaps."""
    from .._typing import to_timestamp
    from ..data.catalog import CATALOG

    day = to_timestamp(as_of).date() if as_of else dt.datetime.now(dt.UTC).date()
    if snapshot is not None:
        held, location = _snapshot_entries(snapshot), f"snapshot {snapshot}"
        users = [n for n, s in CATALOG.items() if not s.segments and not s.derived and n not in held]
        held.update(_store(store).entries(users))  # user series are read from the store in snapshot mode too
        holdings = _snapshot_holdings(snapshot)
    else:
        target = _store(store)
        held, location = target.entries(), f"store {target.path}"
        holdings = [h.to_dict() for h in target.holdings_list()]
    if as_of:
        held = _as_of(held, day, location)
    rows = []
    for name, spec in CATALOG.items():
        if spec.derived:
            continue
        entry = held.get(name)
        rows.append(_status_row(spec, entry, day))
    rows += [_status_row(None, held[n], day) for n in sorted(held) if n not in CATALOG]
    doc = {"location": location, "as_of": day.isoformat(), "series": rows, "holdings": holdings}
    table = [{**r, "gaps": len(r["gaps"]), "content_hash": (r["content_hash"] or "")[:_SHORT_HASH]} for r in rows]
    csv_rows = [{**r, "gaps": len(r["gaps"])} for r in rows]
    stale = [r["name"] for r in rows if r["stale"]]
    emit(csv_rows if as_csv else table, as_json=as_json, as_csv=as_csv, document=doc,
         title=f"{location} (as of {day.isoformat()})",
         caption=f"stale: {', '.join(stale)}" if stale else None,
         columns=None if as_json or as_csv else ["name", "status", "provider", "fetched_at", "first", "last", "rows",
                                                 "age_days", "gaps", "longest_gap", "content_hash"])
    if not as_json and not as_csv:
        from .common import print_table

        print_table([{**h, "sha256": h["sha256"][:_SHORT_HASH]} for h in holdings],
                    ["fund", "as_of", "rows", "fetched_at", "provider", "file_name", "sha256"],
                    title=f"holdings downloads in the {location}",
                    caption=None if holdings else "none: 'ratecycle data import DIR' or 'data fetch-holdings FUND'")


def _snapshot_holdings(snapshot: Path) -> list[dict[str, Any]]:
    """Provenance of a snapshot's holdings downloads (each file parsed for its stated date and rows)."""
    from ..data.snapshot_io import read_snapshot_holdings
    from ..data.store import checked_holdings

    return [meta.to_dict() for _, meta in checked_holdings(read_snapshot_holdings(snapshot))]


def _as_of(held: dict[str, Any], day: dt.date, location: str) -> dict[str, Any]:
    """Entries cut to the observations dated on or before ``day`` (a series with none counts as missing)."""
    import pandas as pd

    stamp = pd.Timestamp(day)
    out = {}
    for name, (frame, meta) in held.items():
        part = frame[frame["date"] <= stamp]
        if len(part):
            out[name] = (part.reset_index(drop=True), meta)
    if held and not out:
        raise RatecycleError(f"--as-of {day.isoformat()} is before every observation in the {location}")
    return out


def _snapshot_entries(snapshot: Path) -> dict[str, Any]:
    from ..data.snapshot_io import read_snapshot

    loaded, _, _ = read_snapshot(snapshot)
    return {meta.name: (frame, meta) for frame, meta in loaded}


def _status_row(spec: Any, entry: Any, day: dt.date) -> dict[str, Any]:
    from ..data.update import freshness

    if entry is None:
        return {"name": spec.name, "status": "missing", "provider": spec.provider, "fetched_at": None,
                "first": None, "last": None, "rows": 0, "frequency": spec.frequency, "age_days": None,
                "max_age_days": None, "stale": None, "gaps": [], "longest_gap": None, "content_hash": None}
    frame, meta = entry
    if spec is None:
        from ..data.catalog import SeriesSpec

        spec = SeriesSpec(meta.name, "", "", "unknown")
    fresh = freshness(spec, frame, day)
    longest = max(fresh.gaps, key=lambda g: g.days, default=None)
    return {"name": meta.name, "status": "stale" if fresh.stale else "ok", "provider": meta.provider,
            "fetched_at": meta.fetched_at, "first": meta.first, "last": fresh.last, "rows": len(frame),
            "frequency": spec.frequency, "age_days": fresh.age_days, "max_age_days": fresh.max_age_days,
            "stale": fresh.stale, "gaps": [g.__dict__ for g in fresh.gaps],
            "longest_gap": None if longest is None else f"{longest.days}d after {longest.after}",
            "content_hash": meta.content_hash, "source": meta.source}


def register(app: typer.Typer) -> None:
    """The commands attach to the ``data`` group defined in cli/data.py, which registers it."""
    del app
