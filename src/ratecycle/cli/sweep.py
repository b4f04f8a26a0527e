"""``ratecycle sweep``: later-phase spreads and hit rates across pause rules, anchors, windows and pairs."""

from __future__ import annotations

from typing import Annotated, TypeVar

import typer

from ..errors import RatecycleError
from .common import AsOfOpt, parse_pair
from .options import DataOptions, data_command

HEATMAP_COLUMNS = ["anchor", "months", "variants", "share_hit_rate_above_half", "share_mean_spread_positive",
                   "median_hit_rate", "median_mean_spread", "median_events"]
VARIANT_COLUMNS = ["variant", "pair", "rule", "min_pause", "max_gap", "anchor", "convention", "months", "n_events",
                   "n_excluded", "hits", "hit_rate", "mean_spread", "median_spread", "min_spread", "max_spread",
                   "mean_return_a", "mean_return_b"]

Choice = TypeVar("Choice", bound=str)


def _ints(text: str, option: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise RatecycleError(f"{option} needs whole numbers separated by commas, got {text!r}") from None
    if not values:
        raise RatecycleError(f"{option} is empty")
    return values


def _choices(text: str, choices: tuple[Choice, ...], what: str) -> tuple[Choice, ...]:
    """Comma-separated option values, each checked against ``choices``."""
    from .._typing import choose

    return tuple(choose(word, choices, what) for word in _words(text))


def _words(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


@data_command
def sweep_command(
    pairs: Annotated[str, typer.Option("--pairs", help="Pairs A,B separated by ';'.")] = "russell2000,sp500;iwm,spy",
    months: Annotated[str, typer.Option("--months", help="Window lengths in months.")] = "3,6,12,18,24",
    rules: Annotated[str, typer.Option("--rules", help="Pause rules to try.")] = "longest,threshold",
    min_pause: Annotated[str, typer.Option("--min-pause", help="min_pause values (days).")] = "40,52,70,90",
    max_gap: Annotated[str, typer.Option("--max-gap", help="max_gap values (days).")] = "250,300,370",
    anchors: Annotated[str, typer.Option("--anchors", help="Anchors to try.")] =
    "cycle_start,pause_start,later_start",
    conventions: Annotated[str, typer.Option("--conventions", help="Window conventions to try.")] =
    "daily,month_end,prior_month_end",
    direction: Annotated[str, typer.Option("--direction", help="cut or hike cycles.")] = "cut",
    since: Annotated[int | None, typer.Option("--since", help="Only cycles starting in or after this year.")] = None,
    view: Annotated[str, typer.Option(
        "--view", help="heatmap (by anchor and months), distribution (later start), variants or windows.")] =
    "heatmap",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on this Dask scheduler address.")] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on a local Dask cluster.")] = False,
    workers: Annotated[int, typer.Option("--workers", help="Workers of the local Dask cluster.")] = 2,
    as_of: AsOfOpt = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """Sweep every combination of the given parameters; print a verdict and a heatmap-ready table (ex post)."""
    from .._typing import ANCHORS, CONVENTIONS, DIRECTIONS, PAUSE_RULES, choose
    from ..sweep import SweepGrid, open_client, sweep_from_source

    if view not in ("heatmap", "distribution", "variants", "windows"):
        raise RatecycleError(f"--view must be heatmap, distribution, variants or windows, got {view!r}")
    grid = SweepGrid(pairs=tuple(parse_pair(p) for p in pairs.split(";") if p.strip()),
                     rules=_choices(rules, PAUSE_RULES, "pause rule"),
                     min_pauses=_ints(min_pause, "--min-pause"), max_gaps=_ints(max_gap, "--max-gap"),
                     anchors=_choices(anchors, ANCHORS, "anchor"),
                     conventions=_choices(conventions, CONVENTIONS, "window convention"),
                     months=_ints(months, "--months"), direction=choose(direction, DIRECTIONS, "direction"),
                     since=since)
    ds = opts.source_as_of(as_of, *dict.fromkeys(n for p in grid.pairs for n in p))  # released by then
    client = open_client(scheduler, local=dask, workers=workers) if (scheduler or dask) else None
    try:
        result = sweep_from_source(ds, grid, client=client)
    finally:
        if client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and dask:
                cluster.close()
    verdict = result.verdict()
    from ..events.pair import row_records

    if view == "windows":
        rows = row_records(result.windows.merge(result.variants[["variant", "pair", "rule", "min_pause", "max_gap",
                                                                  "anchor", "convention", "months"]], on="variant"))
        opts.emit(rows, document=result.to_dict(with_windows=True),
                  title=f"sweep windows ({len(rows)})", caption=verdict.text)
        return
    if view == "distribution":
        rows = row_records(result.distribution("later_start"))
        opts.emit(rows, document=result.to_dict(),
                  pct_columns=[k for k in (rows[0] if rows else {}) if k.startswith(("mean_spread", "hit_rate"))],
                  title="later start: quantiles across variants of the mean spread and hit rate", caption=verdict.text)
        return
    if view == "variants":
        rows = row_records(result.variants)
        opts.emit(rows, columns=VARIANT_COLUMNS, document=result.to_dict(),
                  pct_columns=["hit_rate", "mean_spread", "median_spread", "min_spread", "max_spread", "mean_return_a",
                          "mean_return_b"], title=f"sweep: {len(rows)} variants", caption=verdict.text)
        return
    table = result.heatmap_long(keys=("anchor", "months"))
    rows = row_records(table)
    opts.emit(rows, columns=HEATMAP_COLUMNS, document=result.to_dict(),
              pct_columns=["share_hit_rate_above_half", "share_mean_spread_positive", "median_hit_rate",
                      "median_mean_spread"],
              title=f"sweep: {len(result.variants)} variants over pairs {pairs} (ex post)", caption=verdict.text)


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command."""
    app.command("sweep")(sweep_command)
