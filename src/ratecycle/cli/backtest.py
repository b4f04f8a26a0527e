"""``ratecycle backtest``: hold A or B by point-in-time cycle phase, against buy-and-hold and 50/50."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, dated_records, parse_pair, print_table
from .options import DataOptions, data_command

COLUMNS = ["name", "total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "calmar",
           "turnover", "time_in_market", "hit_rate_days", "hit_rate_months", "beat_b_months"]
PCT = ["total_return", "cagr", "volatility", "max_drawdown", "time_in_market", "hit_rate_days", "hit_rate_months",
       "beat_b_months"]


@data_command
def backtest_command(
    pair: Annotated[str, typer.Option("--pair", help="A,B: hold A in the chosen phases, B otherwise.")] =
    "russell2000,sp500",
    strategy: Annotated[str, typer.Option(
        "--strategy", help="later-phase, cutting, pause-and-later, later-long-short, or a map such as "
                           "'cut_later=1,0;default=0,1'.")] = "later-phase",
    cost_bps: Annotated[float, typer.Option("--cost-bps", help="Trading cost per unit of equity traded, bp.")] = 5.0,
    lag: Annotated[int, typer.Option("--lag", help="Trading days between a known label and the position.")] = 1,
    start: Annotated[str | None, typer.Option("--start", help="First date (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last date (YYYY-MM-DD).")] = None,
    rule: Annotated[str, typer.Option("--rules", help="Pause rule: longest or threshold.")] = "longest",
    min_pause: Annotated[int | None, typer.Option("--min-pause", help="Days without a move that make a pause.")] = None,
    max_gap: Annotated[int | None, typer.Option("--max-gap", help="Days without a move that end a cycle.")] = None,
    cash: Annotated[str, typer.Option(
        "--cash", help="Rate earned on uninvested cash and used for Sharpe/Sortino: none or a series in annual "
                       "percent such as fed_effective.")] = "none",
    labels: Annotated[str, typer.Option(
        "--labels", help="point-in-time (default, tradable) or ex-post (hindsight, for comparison only).")] =
    "point-in-time",
    daily: Annotated[bool, typer.Option("--daily", help="Print daily returns and weights instead of metrics.")] = False,
    as_of: AsOfOpt = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """Backtest a phase-rotation strategy driven only by point-in-time cycle labels."""
    from ..backtest import parse_strategy
    from ..backtest.run import backtest_from_source
    from ..cycles import rules_from_options, rules_text

    a, b = parse_pair(pair)
    rules = rules_from_options(rule, min_pause, max_gap)
    ds = opts.source_as_of(as_of, a, b)
    result = backtest_from_source(ds, (a, b), parse_strategy(strategy), rules=rules, lag=lag,
                                  cost_bps=cost_bps, start=start, end=end,
                                  cash=None if cash.lower() == "none" else cash, labels=labels)
    doc = result.to_dict()
    doc["rules"] = rules.to_dict()
    if daily:
        frame = result.returns.join(result.weights)
        rows = dated_records(frame)
        opts.emit(rows, document={**doc, "daily": rows},
                  title=f"backtest {result.strategy.name}: daily returns and weights")
        return
    rows = [m.to_dict() for m in result.metrics]
    caption = " ".join([f"Cycles detected from the Fed target: {rules_text(rules)}.", *result.notes])
    opts.emit(rows, columns=COLUMNS if not (opts.as_json or opts.as_csv) else None,
              document=doc, pct_columns=PCT, caption=caption,
              title=f"{result.strategy.name}{' (EX POST labels)' if doc['ex_post'] else ''}: A={a}, B={b}, "
               f"{doc['start']} to {doc['end']}, lag {lag}, {cost_bps:g} bp")
    if not (opts.as_json or opts.as_csv) and doc["stints_in_a"]:
        hit = doc["stint_hit_rate"]
        print_table(doc["stints_in_a"], ["start", "end", "days", "phase", "return_strategy", "return_a", "return_b",
                                         "spread", "a_beat_b", "open"],
                    title=f"Stretches tilted to {a}: {a} beat {b} in {hit:.0%} of them",
                    pct_columns=["return_strategy", "return_a", "return_b", "spread"])


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command."""
    app.command("backtest")(backtest_command)
