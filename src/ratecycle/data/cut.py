"""``ratecycle data cut --as-of D OUT``: a snapshot holding only what was released by the close of D.

The cut applies the as-of gate's release rules (``ratecycle.data.asof``) and keeps the layout of its input: a
raw snapshot gives a raw snapshot (the same file names and columns, each kept row byte for byte, see
``cut_raw``); an export-layout snapshot or the store gives the export layout (``series/<name>.csv``,
``holdings/``, ``manifest.json``). A series with nothing released by D is left out, not written empty; derived
series are recomputed from their inputs when the cut is read. The cut is read back and compared with the gate
before it is reported, so a report as of D reads the same on the cut as on the full data.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .asof import AsOfSource
from .catalog import CATALOG, SeriesSpec
from .cut_raw import cut_file, header_only, raw_files
from .meta import SeriesMeta
from .providers.snapshot import SnapshotProvider
from .snapshot_io import Skipped, TransferResult, layout_of, read_snapshot_holdings, write_export
from .source import DataSource
from .store import StoredHoldings, checked_holdings


def cut_snapshot(ds: DataSource, as_of: pd.Timestamp, directory: str | Path) -> TransferResult:
    """Write what ``ds`` held that was released by the close of ``as_of`` to ``directory`` (in ``ds``'s layout)."""
    out = Path(directory).expanduser()
    if ds.snapshot is not None and out.resolve() == Path(ds.snapshot).resolve():
        raise DataError(f"cut directory must differ from the snapshot being read: {ds.snapshot}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DataError(f"cut directory must be new or empty (files of an earlier cut would stay in it): {out}")
    view = AsOfSource(base=ds, as_of=as_of)
    if ds.snapshot is not None and layout_of(Path(ds.snapshot)) == "raw":
        result = _cut_raw(ds, view, out)
    else:
        result = _cut_export(ds, view, out)
    check_cut(view, DataSource(snapshot=out))
    return result


def check_cut(view: AsOfSource, cut: DataSource) -> None:
    """Every catalog series reads the same on the cut as through the gate on the full data, else a DataError."""
    for name, spec in CATALOG.items():
        if not spec.segments and not spec.derived:
            continue  # user series live in the store, which both read alike
        known = view.has(name)
        if known != cut.has(name):
            state = "missing from" if known else "present in"
            raise DataError(f"series {name} is {state} the cut as of {view.as_of.date()} but not in the gated data")
        if known and not _same(view.frame(name), cut.frame(name)):
            raise DataError(f"series {name} differs between the cut as of {view.as_of.date()} and the gated data")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return (len(a) == len(b) and bool((a["date"].to_numpy() == b["date"].to_numpy()).all())
            and bool(np.array_equal(a["value"].to_numpy(dtype="float64"), b["value"].to_numpy(dtype="float64"))))


def _cut_raw(ds: DataSource, view: AsOfSource, out: Path) -> TransferResult:
    """Write the raw-layout cut: each catalog file with its released rows, holdings downloads dated by the day."""
    root = Path(ds.snapshot or "")
    provider = SnapshotProvider(root)
    present = [name for name, spec in CATALOG.items() if spec.segments and not spec.derived and view.has(name)]
    for file in raw_files(provider):
        content = cut_file(ds, file, view.as_of)
        if content is None and not file.published and any(r.name in present for r in file.readings):
            content = header_only(file)  # a spliced series whose later segment had not begun by the cut's date
        if content is not None:
            _write(out / file.path.relative_to(root), content)
    found = checked_holdings(read_snapshot_holdings(root))
    kept = [(file, meta) for file, meta in found if pd.Timestamp(meta.as_of) <= view.as_of]
    for download, _ in kept:
        _write(out / Path(download.origin).relative_to(root), download.content)
    out.mkdir(parents=True, exist_ok=True)
    skipped = [Skipped(name, _skip_reason(ds, spec, view.as_of)) for name, spec in CATALOG.items()
               if name not in present]
    return TransferResult(str(out), "raw", tuple(view.meta(name) for name in present), tuple(skipped),
                          tuple(meta for _, meta in kept))


def _skip_reason(ds: DataSource, spec: SeriesSpec, as_of: pd.Timestamp) -> str:
    """Why a catalog series has no file in the cut."""
    if spec.derived:
        return "derived from other series (recomputed when the cut is read)"
    if not spec.segments:
        return "user-supplied: kept in the store, not in a raw snapshot"
    if not ds.has(spec.name):
        return "not in this data source"
    return f"nothing released by {as_of.date()}"


def _write(path: Path, content: bytes) -> None:
    """Write one file of the cut (its directory created), through a temporary file and an atomic rename."""
    from .snapshot_io import atomic_write

    try:
        os.makedirs(path.parent, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    atomic_write(path, content)


def _cut_export(ds: DataSource, view: AsOfSource, out: Path) -> TransferResult:
    """Write the export-layout cut of a store or an export-layout snapshot."""
    items: list[tuple[pd.DataFrame, SeriesMeta]] = []
    skipped: list[Skipped] = []
    for name, spec in CATALOG.items():
        if spec.derived or not ds.has(name) or not view.has(name):
            skipped.append(Skipped(name, _skip_reason(ds, spec, view.as_of)))
            continue
        items.append((view.frame(name), view.meta(name)))
    origin = f"cut as of {view.as_of.date()} of {ds.mode}"
    releases = {name: found for _, meta in items if (found := ds.stored_releases(name := meta.name)) is not None}
    return write_export(out, items, skipped, origin=origin, holdings=_holdings(ds, view.as_of), releases=releases)


def _holdings(ds: DataSource, as_of: pd.Timestamp) -> list[tuple[StoredHoldings, bytes]]:
    """Holdings downloads dated on or before ``as_of`` (public on their file's date), bytes unchanged."""
    if ds.snapshot is not None:
        found = [(meta, file.content) for file, meta in checked_holdings(read_snapshot_holdings(ds.snapshot))]
    else:
        from .source import default_store_path
        from .store import Store

        found = Store(ds.store_path or default_store_path()).holdings_content()
    return [(meta, content) for meta, content in found if pd.Timestamp(meta.as_of) <= as_of]
