"""The options every data command shares (--snapshot, --store, --json, --csv), declared once.

A command decorated with :func:`data_command` lists only its own options; the shared four are added to the
signature typer reads and reach the command as one ``opts: DataOptions`` (with --json/--csv checked first).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, check_output_flags, emit, source

if TYPE_CHECKING:
    from ..data.source import DataSource

SHARED: tuple[tuple[str, Any, Any], ...] = (
    ("snapshot", SnapshotOpt, None),
    ("store", StoreOpt, None),
    ("as_json", JsonOpt, False),
    ("as_csv", CsvOpt, False),
)
"""(parameter, typer annotation, default) of each shared option, in the order --help lists them."""


@dataclass(frozen=True)
class DataOptions:
    """Where a command reads its data and how it prints."""

    snapshot: Path | None = None
    store: Path | None = None
    as_json: bool = False
    as_csv: bool = False

    def source(self) -> DataSource:
        """The DataSource these options name (environment as fallback)."""
        return source(self.snapshot, self.store)

    def emit(self, rows: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
        """Print rows as a table, JSON or CSV, as the flags ask (see ``common.emit``)."""
        emit(rows, as_json=self.as_json, as_csv=self.as_csv, **kwargs)


def data_command(func: Callable[..., None]) -> Callable[..., None]:
    """``func(..., opts)`` as a typer command taking its own options plus --snapshot/--store/--json/--csv."""
    hints = typing.get_type_hints(func, include_extras=True)
    own = [p.replace(annotation=hints.get(p.name, p.annotation))
           for p in inspect.signature(func).parameters.values() if p.name != "opts"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
              for name, annotation, default in SHARED]

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> None:
        opts = DataOptions(**{name: kwargs.pop(name, default) for name, _, default in SHARED})
        check_output_flags(opts.as_json, opts.as_csv)
        func(*args, opts=opts, **kwargs)

    parameters = [*own, *shared]
    # typer reads the signature; a function takes the attribute, typeshed does not declare it
    command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    return command
