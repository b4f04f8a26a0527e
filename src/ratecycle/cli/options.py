"""The options every data command shares (--snapshot, --store, --json, --csv), declared once.

A command decorated with :func:`data_command` lists only its own options; the shared four are added to the
signature typer reads and reach the command as one ``opts: DataOptions`` (with --json/--csv checked first).
:func:`rule_options` does the same for the cycle-rule options, which arrive as one ``cycle_rules: CycleRules``.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, check_output_flags, emit, source

if TYPE_CHECKING:
    from ..cycles import CycleRules
    from ..data.source import DataSource

RulesOpt = Annotated[str, typer.Option("--rules", help="Pause rule: 'longest' gap or every gap over a 'threshold'.")]
MinPauseOpt = Annotated[int | None, typer.Option("--min-pause", help="Days without a move that make a pause.")]
MaxGapOpt = Annotated[int | None, typer.Option("--max-gap", help="Days without a move that end a cycle.")]
WindowOpt = Annotated[int | None, typer.Option(
    "--meeting-window", help="A move belongs to an FOMC meeting at most this many days before it takes effect.")]
MinMovesOpt = Annotated[int | None, typer.Option(
    "--min-moves", help="Moves a run needs to be a cycle (default 2; smaller runs are noise).")]
MinTotalOpt = Annotated[float | None, typer.Option(
    "--min-total", help="Basis points a run needs in total to be a cycle (default 50).")]

RULES: tuple[tuple[str, Any, Any], ...] = (
    ("rules", RulesOpt, "longest"),
    ("min_pause", MinPauseOpt, None),
    ("max_gap", MaxGapOpt, None),
    ("meeting_window", WindowOpt, None),
    ("min_moves", MinMovesOpt, None),
    ("min_total", MinTotalOpt, None),
)
"""The cycle-rule options of the cycle commands."""
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

    def source_as_of(self, day: str | None, *series: str) -> DataSource:
        """The DataSource seen through the as-of gate at the close of ``day`` (all of it when no day is given).

        A ``day`` more than a few days after the last common date of ``series`` is refused (``check_fresh``): the
        output would otherwise be labelled with a date the data never reached.
        """
        from .._typing import to_timestamp
        from ..data.asof import as_of

        base = self.source()
        when = to_timestamp(day)
        if when is not None and series:
            base.check_fresh(when, *series)
        return as_of(base, when)

    def emit(self, rows: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
        """Print rows as a table, JSON or CSV, as the flags ask (see ``common.emit``)."""
        emit(rows, as_json=self.as_json, as_csv=self.as_csv, **kwargs)


def data_command(func: Callable[..., None]) -> Callable[..., None]:
    """``func(..., opts)`` as a typer command taking its own options plus --snapshot/--store/--json/--csv."""

    def build(values: dict[str, Any]) -> DataOptions:
        opts = DataOptions(**values)
        check_output_flags(opts.as_json, opts.as_csv)
        return opts

    return _extend(func, "opts", SHARED, build)


def rule_options(func: Callable[..., None]) -> Callable[..., None]:
    """``func(..., cycle_rules)`` taking --rules/--min-pause/--max-gap/--meeting-window/--min-moves/--min-total
    as one CycleRules."""

    def build(values: dict[str, Any]) -> CycleRules:
        from ..cycles import rules_from_options

        return rules_from_options(values["rules"], values["min_pause"], values["max_gap"], values["meeting_window"],
                                  values["min_moves"], values["min_total"])

    return _extend(func, "cycle_rules", RULES, build)


def _extend(func: Callable[..., None], name: str, options: tuple[tuple[str, Any, Any], ...],
            build: Callable[[dict[str, Any]], Any]) -> Callable[..., None]:
    """``func`` with parameter ``name`` replaced by ``options`` in the signature typer reads; the command builds
    the value of ``name`` from them."""
    hints = _hints(func, skip=name)
    own = [p.replace(annotation=hints.get(p.name, p.annotation))
           for p in inspect.signature(func).parameters.values() if p.name != name]
    added = [inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
             for option, annotation, default in options]

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> None:
        values = {option: kwargs.pop(option, default) for option, _, default in options}
        func(*args, **{name: build(values)}, **kwargs)

    parameters = [*own, *added]
    # typer reads the signature; a function takes the attribute, typeshed does not declare it
    command.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    return command


def _hints(func: Callable[..., None], skip: str) -> dict[str, Any]:
    """``func``'s annotations resolved (string annotations evaluated in its module), except ``skip``'s, whose type
    may be imported for type checking only."""

    def shim() -> None:
        """Carries the annotations to resolve."""

    shim.__annotations__ = {key: value for key, value in func.__annotations__.items() if key != skip}
    return typing.get_type_hints(shim, globalns=inspect.unwrap(func).__globals__, include_extras=True)
