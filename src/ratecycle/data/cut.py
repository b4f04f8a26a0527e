"""``ratecycle data cut --as-of D OUT``: a snapshot holding only what was released by the close of D.

The cut reads every stored catalog series through the as-of gate (``ratecycle.data.asof``), so it applies the
same release rules as every dated command, and writes the export layout that ``--snapshot`` reads
(``series/<name>.csv``, ``holdings/``, ``manifest.json``). A series with nothing released by D is left out,
not written empty; derived series are recomputed from their inputs when the cut is read. Each series keeps
the provenance of the data it came from, so a report as of D reads the same on the cut as on the full data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from .asof import AsOfSource
from .catalog import CATALOG
from .meta import SeriesMeta
from .snapshot_io import Skipped, TransferResult, read_snapshot_holdings, write_export
from .source import DataSource
from .store import StoredHoldings, checked_holdings


def cut_snapshot(ds: DataSource, as_of: pd.Timestamp, directory: str | Path) -> TransferResult:
    """Write what ``ds`` held that was released by the close of ``as_of`` to ``directory`` (export layout)."""
    out = Path(directory).expanduser()
    if ds.snapshot is not None and out.resolve() == Path(ds.snapshot).resolve():
        raise DataError(f"cut directory must differ from the snapshot being read: {ds.snapshot}")
    view = AsOfSource(base=ds, as_of=as_of)
    items: list[tuple[pd.DataFrame, SeriesMeta]] = []
    skipped: list[Skipped] = []
    for name, spec in CATALOG.items():
        if spec.derived:
            skipped.append(Skipped(name, "derived from other series (recomputed when the cut is read)"))
            continue
        if not ds.has(name):
            skipped.append(Skipped(name, "not in this data source"))
            continue
        if not view.has(name):
            skipped.append(Skipped(name, f"nothing released by {as_of.date()}"))
            continue
        items.append((view.frame(name), view.meta(name)))
    origin = f"cut as of {as_of.date()} of {ds.mode}"
    return write_export(out, items, skipped, origin=origin, holdings=_holdings(ds, as_of))


def _holdings(ds: DataSource, as_of: pd.Timestamp) -> list[tuple[StoredHoldings, bytes]]:
    """Holdings downloads dated on or before ``as_of`` (public on their file's date), bytes unchanged."""
    if ds.snapshot is not None:
        found = [(meta, file.content) for file, meta in checked_holdings(read_snapshot_holdings(ds.snapshot))]
    else:
        from .source import default_store_path
        from .store import Store

        found = Store(ds.store_path or default_store_path()).holdings_content()
    return [(meta, content) for meta, content in found if pd.Timestamp(meta.as_of) <= as_of]
