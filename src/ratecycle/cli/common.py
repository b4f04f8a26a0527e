"""Options and output shared by every command: --snapshot/--store, --json/--csv, tables, errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._json import jsonable
from ..errors import RatecycleError

if TYPE_CHECKING:
    import pandas as pd

    from ..data.source import DataSource

SnapshotOpt = Annotated[
    Path | None,
    typer.Option("--snapshot", envvar="RATECYCLE_SNAPSHOT", help="Read this snapshot directory; no network."),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", envvar="RATECYCLE_STORE", help="DuckDB store file (default: user cache dir)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use only data released by the close of this day (YYYY-MM-DD; the catalog's release rules).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV on stdout.")]


def source(snapshot: Path | None, store: Path | None) -> DataSource:
    """The DataSource for a command's --snapshot/--store options (environment as fallback)."""
    from ..data.source import DataSource

    ds = DataSource.from_env(snapshot=snapshot, store=store)
    if ds.snapshot is not None and not ds.snapshot.is_dir():
        raise RatecycleError(f"snapshot directory not found: {ds.snapshot}")
    return ds


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column name (the values as pandas holds them)."""
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict(orient="records")]


def dated_records(frame: pd.DataFrame, key: str = "date", fmt: str = "%Y-%m-%d") -> list[dict[str, Any]]:
    """A date-indexed frame's rows as dicts, the index first as ``key`` (text in ``fmt``)."""
    import pandas as pd

    days = pd.DatetimeIndex(frame.index).strftime(fmt)
    return [{key: day, **row} for day, row in zip(days, records(frame), strict=True)]


def check_output_flags(as_json: bool, as_csv: bool) -> None:
    """Refuse --json together with --csv before any work is done."""
    if as_json and as_csv:
        raise RatecycleError("choose one of --json and --csv")


def parse_pair(pair: str) -> tuple[str, str]:
    """Split 'A,B' into two series names."""
    parts = [p.strip() for p in pair.split(",") if p.strip()]
    if len(parts) != 2:
        raise RatecycleError(f"--pair needs two series names separated by a comma, got {pair!r}")
    return parts[0], parts[1]


def _is_midnight(value: dt.date) -> bool:
    return not isinstance(value, dt.datetime) or (value.hour, value.minute, value.second, value.microsecond) == (
        0, 0, 0, 0)


def print_json(doc: Any) -> None:
    """Write one JSON document to stdout."""
    sys.stdout.write(json.dumps(jsonable(doc), indent=2, allow_nan=False) + "\n")


def print_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Write rows as CSV (header first) to stdout."""
    if not rows:
        return
    cols = list(columns or rows[0].keys())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell_csv(row.get(c)) for c in cols})
    sys.stdout.write(buffer.getvalue())


def _cell_csv(value: Any) -> Any:
    value = jsonable(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return "" if value is None else value


def fmt_cell(value: Any, pct: bool = False, digits: int = 2) -> str:
    """Human formatting for a table cell: dates ISO, floats rounded, fractions as % when ``pct``."""
    value = jsonable(value)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value * 100:+.{digits - 1 if digits > 1 else 1}f}%" if pct else f"{value:,.{digits}f}"
    if isinstance(value, (list, dict)):
        return json.dumps(value)[:60]
    return str(value)


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
    pct_columns: Sequence[str] = (),
    caption: str | None = None,
) -> None:
    """A rich table on stdout (plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    cols = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    for col in cols:
        table.add_column(col, justify="left" if col in {"name", "series", "description"} else "right",
                         overflow="fold")
    for row in rows:
        table.add_row(*[fmt_cell(row.get(c), pct=c in pct_columns) for c in cols])
    Console(width=max(100, min(200, _terminal_width()))).print(table)


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((140, 40)).columns


def emit(
    rows: Sequence[Mapping[str, Any]],
    *,
    as_json: bool,
    as_csv: bool,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    pct_columns: Sequence[str] = (),
    caption: str | None = None,
    document: Any = None,
) -> None:
    """Print rows as a table, JSON (``document`` if given, else the rows) or CSV."""
    check_output_flags(as_json, as_csv)
    if as_json:
        print_json(rows if document is None else document)
    elif as_csv:
        print_csv(rows, columns)
    else:
        print_table(rows, columns, title=title, pct_columns=pct_columns, caption=caption)
