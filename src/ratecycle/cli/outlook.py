"""``ratecycle outlook``: the driver scorecard for a pair on a date, with past-cycle evidence and a hedged call."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import RatecycleError
from .common import parse_pair
from .options import DataOptions, MaxGapOpt, MinPauseOpt, RulesOpt, data_command

if TYPE_CHECKING:
    import pandas as pd

    from ..cycles.model import Cycle
    from ..data.source import DataSource

COLUMNS = ["rank", "driver", "reading", "direction", "weight", "contribution", "n", "hit_rate", "mean_spread",
           "baseline_percentile", "note"]


@data_command
def outlook_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the outlook (default: last common close).")]
    = None,
    pair: Annotated[str, typer.Option("--pair", help="A,B series names.")] = "russell2000,sp500",
    weights: Annotated[str | None, typer.Option(
        "--weights", help="Similarity weights, e.g. policy=0.5,valuation=0 (default: equal, 0.2 each).")]
    = None,
    months: Annotated[int, typer.Option("--months", help="Horizon of the evidence windows, months.")] = 12,
    convention: Annotated[str, typer.Option("--convention", help="daily, month_end or prior_month_end.")]
    = "daily",
    preset: Annotated[str | None, typer.Option(
        "--preset", help="Built-in cycle calendar, e.g. note-2025: phase and evidence follow it.")] = None,
    calendar: Annotated[Path | None, typer.Option(
        "--calendar", help="Cycle calendar file (TOML or CSV): phase and evidence follow it.")] = None,
    rules: RulesOpt = "longest",
    min_pause: MinPauseOpt = None,
    max_gap: MaxGapOpt = None,
    track: Annotated[bool, typer.Option(
        "--track-record", help="Replay the scorecard at every past later-phase start from earlier cycles only.")]
    = False,
    opts: DataOptions = DataOptions(),
) -> None:
    """Score each driver (policy phase, momentum, valuation, inflation, curve) for A vs B on --as-of."""
    from ..cycles import rules_from_options
    from ..events.windows import check_convention
    from ..outlook import inputs_from_source, scorecard

    a, b = parse_pair(pair)
    ds = opts.source()
    if track:
        _track_record(ds, (a, b), months, opts, weights)
        return
    when = as_of or ds.last_date(a, b).date().isoformat()
    inputs = inputs_from_source(ds, when, (a, b))
    cycles = calendar_cycles(ds, inputs.as_of, preset=preset, calendar=calendar)
    custom = rules != "longest" or min_pause is not None or max_gap is not None
    if cycles is not None and custom:
        raise RatecycleError("choose either --preset/--calendar or --rules/--min-pause/--max-gap, not both")
    card = scorecard(inputs, weights=weights, months=months, convention=check_convention(convention), cycles=cycles,
                     rules=rules_from_options(rules, min_pause, max_gap) if custom else None)
    rows = [r.to_dict() for r in card.rows]
    share = "-" if card.policy_share is None else f"{round(card.policy_share * card.policy_n)} of {card.policy_n}"
    caption = (f"P({a} ahead) {card.probability:.2f} from {card.effective_n:.1f} weighted past cycles (at today's "
               f"phase: {share}); P(win rate > 1/2) {card.posterior_above_half:.2f} -> {card.call}; confidence "
               f"{card.confidence} ({card.confidence_reason}). Phase: {card.phase}. "
               + " ".join(f"Note: {n}." for n in card.notes))
    opts.emit(rows, document=card.to_dict(), columns=COLUMNS,
              pct_columns=["hit_rate", "mean_spread", "baseline_percentile"],
              title=f"Outlook {a} vs {b}, {months} months, as of {card.as_of.date()}", caption=caption)


def calendar_cycles(ds: DataSource, as_of: pd.Timestamp, *, preset: str | None,
                    calendar: Path | None) -> list[Cycle] | None:
    """The calendar's cutting cycles read from the data as of ``as_of`` (as the report reads them); None without one."""
    if preset is None and calendar is None:
        return None
    from ..cycles import cycles_from_source
    from ..data.asof import AsOfSource

    return cycles_from_source(AsOfSource(base=ds, as_of=as_of), direction="cut", calendar=calendar, preset=preset)


def _track_record(ds: DataSource, pair: tuple[str, str], months: int, opts: DataOptions,
                  weights: str | None) -> None:
    """Print the replayed calls with hit rate and Brier scores (table, --json or --csv)."""
    from ..outlook.track_record import eras_from_source, track_record

    record = track_record(eras_from_source(ds, pair), months=months, weights=weights)
    doc = record.to_dict()
    rows = [{k: v for k, v in c.items() if k not in ("evidence", "similarity", "states", "posterior_above_half")}
            | {"posterior": c["posterior_above_half"], "n_earlier": len(c["evidence"])} for c in doc["calls"]]
    called = [c for c in record.scored() if c.hit is not None]
    fmt = _fmt
    caption = (f"{len(called)} of {len(record.scored())} scored calls took a side, hit rate {fmt(record.hit_rate)}; "
               f"Brier {fmt(record.brier)} vs always small {fmt(record.brier_always_small)}, always large "
               f"{fmt(record.brier_always_large)} (a constant 0.5 scores 0.250). " + "; ".join(record.notes))
    opts.emit(rows, document=doc, pct_columns=["realised_spread"],
              columns=["date", "era", "call", "probability", "posterior", "effective_n", "realised_spread", "hit"],
              title=f"Track record: the scorecard at each later-phase start ({months} months after)", caption=caption)


def _fmt(x: float | None) -> str:
    """A score with three decimals, or '-'."""
    return "-" if x is None else f"{x:.3f}"


def register(app: typer.Typer) -> None:
    """Add the ``outlook`` command."""
    app.command("outlook")(outlook_command)
