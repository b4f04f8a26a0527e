"""``ratecycle data cut --as-of D OUT``: write a snapshot of exactly what was released by the close of D."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import RatecycleError
from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, check_output_flags, source
from .data import data_app
from .data_store import _emit_transfer


@data_app.command("cut")
def cut_dir(
    directory: Annotated[Path, typer.Argument(help="New or empty directory to write the cut into (in the layout "
                                                   "of the data read).")],
    as_of: Annotated[str, typer.Option("--as-of", help="Keep what was released by the close of this day "
                                                        "(YYYY-MM-DD).")],
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Write every series and holdings download released by the close of --as-of (the catalog's release rules), in
    the layout of the data read (a raw snapshot gives its own files, cut): hand a colleague exactly what was known
    that day; read it back with --snapshot DIR."""
    from .._typing import to_timestamp
    from ..data.cut import cut_snapshot

    check_output_flags(as_json, as_csv)
    day = to_timestamp(as_of)
    if day is None:
        raise RatecycleError("--as-of is required")
    ds = source(snapshot, store)
    result = cut_snapshot(ds, day, directory)
    _emit_transfer(result, as_json, as_csv, title=f"released by the close of {day.date()}: written to {directory}")


def register(app: typer.Typer) -> None:
    """The command attaches to the ``data`` group defined in cli/data.py, which registers it."""
    del app
