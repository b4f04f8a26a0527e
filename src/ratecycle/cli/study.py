"""``ratecycle study`` / ``compare`` / ``notecheck``: event studies of a pair of series over rate cycles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import RatecycleError
from .common import AsOfOpt, emit, parse_pair, print_table
from .options import DataOptions, data_command

if TYPE_CHECKING:
    import pandas as pd

    from .._typing import Anchor, Convention
    from ..data.source import DataSource
    from ..events.pair import Prices

PairOpt = Annotated[str, typer.Option("--pair", help="Two series A,B (e.g. russell2000,sp500 or iwm,spy).")]
ConventionOpt = Annotated[str, typer.Option("--convention",
                                            help="Window convention: daily, month_end, prior_month_end.")]
DEFAULT_PAIR = "russell2000,sp500"
PCT = ("return_a", "return_b", "spread", "max_drawdown_a", "max_drawdown_b", "cumulative_smb")


def load_prices(ds: DataSource, name: str) -> Prices:
    """A catalog series as prices; a Fama-French factor (monthly percent) becomes its compounded index."""
    from ..events import Prices, factor_index

    if name.startswith("ff_factors:"):
        return factor_index(ds.load(name), name)
    return Prices.from_series(ds.load(name), name)


def load_cycles(ds: DataSource, *, preset: str | None, calendar: Path | None, rule: str | None,
                min_pause: int | None, max_gap: int | None, direction: str | None,
                as_of: pd.Timestamp | None = None) -> list[Any]:
    """Cycles from a preset, a calendar file, or detection with the given rules (defaults where not given);
    with ``as_of``, each as known at that day's close (``ds`` should then be the as-of view)."""
    from ..cycles import cycles_from_source, rules_from_options
    from ..outlook.drivers import clip_cycles
    from .cycles import parse_direction

    rules = rules_from_options(rule, min_pause, max_gap)
    cycles = cycles_from_source(ds, rules, direction=parse_direction(direction), calendar=calendar, preset=preset)
    if as_of is not None:  # the report's clipping: nothing dated, or known only in hindsight, after the date
        cycles = clip_cycles(cycles, as_of, rules)
    if not cycles:
        raise RatecycleError("no cycles found with these options")
    return cycles


def cycles_from_text(preset: str | None, calendar: Path | None, rule: str | None, min_pause: int | None,
                     max_gap: int | None) -> str:
    """Where the cycles of a study come from, in words: the detection rules, or the fixed calendar."""
    from ..cycles import rules_from_options, rules_text

    if preset is not None:
        return f"calendar preset {preset} (fixed after the fact, not detected)"
    if calendar is not None:
        return f"calendar file {calendar} (not detected)"
    return f"detected from the Fed target ({rules_text(rules_from_options(rule, min_pause, max_gap))})"


@data_command
def study_command(
    pair: PairOpt = "russell2000,sp500",
    anchor: Annotated[str, typer.Option("--anchor", help="cycle_start, pause_start or later_start.")] = "later_start",
    months: Annotated[int, typer.Option("--months", help="Window length after the anchor, in months.")] = 12,
    convention: Annotated[str | None, typer.Option(
        "--convention", help="daily (default), month_end or prior_month_end; the monthly long history uses "
                             "month_end unless told otherwise.")] = None,
    preset: Annotated[str | None, typer.Option("--preset", help="Built-in cycle calendar, e.g. note-2025.")] = None,
    calendar: Annotated[Path | None, typer.Option("--calendar", help="Cycle calendar file (TOML or CSV).")] = None,
    rules: Annotated[str | None, typer.Option("--rules", help="Pause rule: longest or threshold.")] = None,
    min_pause: Annotated[int | None, typer.Option("--min-pause", help="Days without a move that make a pause.")] = None,
    max_gap: Annotated[int | None, typer.Option("--max-gap", help="Days without a move that end a cycle.")] = None,
    direction: Annotated[str, typer.Option("--direction", help="cut or hike.")] = "cut",
    phases: Annotated[bool, typer.Option("--phases", help="Show early/pause/later phase returns.")] = False,
    long_history: Annotated[bool, typer.Option("--long-history",
                                               help="Fama-French SMB and the size portfolios (bottom 30% vs "
                                                    "top 30%, decile 1 vs 10) after FEDFUNDS cycles since "
                                                    "1954.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Error on incomplete windows and missing anchors.")] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Use only data released by this date's close; cycles as known that day.")] = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """Returns of A and B over --months after each cycle's --anchor, spreads, hit rate, baseline and test.

    Cycles are detected from the Fed target with the rules given (the defaults otherwise); --preset or --calendar
    uses a fixed calendar instead. The output says which.
    """
    from .._typing import to_timestamp
    from ..cycles import rules_from_options
    from ..events import event_study, phase_returns
    from ..events.study import check_anchor
    from ..events.windows import DEFAULT_CONVENTION, check_convention

    if convention is None:
        convention = "month_end" if long_history else DEFAULT_CONVENTION
    window = check_convention(convention)
    anchor_at = check_anchor(anchor)
    when = to_timestamp(as_of)
    ds = opts.source_as_of(as_of, *(() if long_history else parse_pair(pair)))  # released by the close of --as-of
    if long_history:
        if preset is not None or calendar is not None:
            raise RatecycleError("--long-history uses cycles from FEDFUNDS; it cannot take --preset or --calendar")
        if pair != DEFAULT_PAIR or phases:
            raise RatecycleError("--long-history measures Fama-French SMB; it cannot take --pair or --phases")
        _long_history(ds, anchor_at, months, window, direction, opts.as_json, opts.as_csv,
                      rules=rules_from_options(rules, min_pause, max_gap))
        return
    name_a, name_b = parse_pair(pair)
    a, b = load_prices(ds, name_a), load_prices(ds, name_b)
    cycles = load_cycles(ds, preset=preset, calendar=calendar, rule=rules, min_pause=min_pause, max_gap=max_gap,
                         direction=direction, as_of=when)
    origin = cycles_from_text(preset, calendar, rules, min_pause, max_gap)
    if phases:
        res = phase_returns(a, b, cycles, convention=window, months=months)
        doc = res.to_dict() | {"as_of": None if when is None else when.date().isoformat(), "cycles_from": origin}
        opts.emit(doc["rows"], document=doc, pct_columns=PCT,
                  columns=["cycle", "window", "start_a", "end_a", "return_a", "start_b", "end_b", "return_b", "spread",
                      "max_drawdown_a", "max_drawdown_b", "incomplete", "open_phase"]
                  if not (opts.as_json or opts.as_csv) else None,
                  title=f"{name_a} vs {name_b}: phase returns ({convention})",
                  caption=f"ex post; spread = A - B; cycles: {origin}")
        return
    result = event_study(a, b, cycles, anchor=anchor_at, months=months, convention=window, strict=strict)
    doc = result.to_dict() | {"as_of": None if when is None else when.date().isoformat(), "cycles_from": origin}
    check = _note_check(a, b, preset)
    if check is not None:
        doc["note_check"] = check.to_dict()
    if opts.as_json or opts.as_csv:
        opts.emit(doc["rows"], document=doc)
        return
    print_table([_display_row(r) for r in doc["rows"]], DISPLAY_COLUMNS, pct_columns=("A ret", "B ret", "spread"),
                title=f"{name_a} (A) vs {name_b} (B): {months} months after {anchor}, convention {convention}",
                caption="; ".join([f"cycles: {origin}", "from/to: dates of the closes used; A/B from/to: those "
                                   "closes; pctile: percentile of the spread among all windows of the same length",
                                   *result.notes]))
    _print_summary(doc["summary"], doc["skipped"])
    if check is not None:
        _print_note_check(check, name_a, name_b, str(preset))


def _note_check(a: Prices, b: Prices, preset: str | None) -> Any:
    """With the note's own calendar, each figure the note states under every window convention (else None)."""
    if preset != "note-2025":
        return None
    from ..cycles import preset as load_preset
    from ..events import note_check

    return note_check(a, b, load_preset(preset))


DISPLAY_COLUMNS = ["anchor", "from", "to", "A from", "A to", "A ret", "B from", "B to", "B ret", "spread", "pctile",
                   "flags"]


def _display_row(row: dict[str, Any]) -> dict[str, Any]:
    """A study row in table form: A's dates (B's too when they differ), closes, returns, flags."""
    flags = [name for name in ("incomplete", "before_data", "dates_differ") if row.get(name)]
    if row.get("incomplete"):
        flags[0] = f"incomplete (last {row['last_date_used']})"
    if row.get("dates_differ"):
        flags[-1] = f"B dates {row['start_b']} to {row['end_b']}"
    return {"anchor": row["anchor"], "from": row["start_a"], "to": row["end_a"],
            "A from": row["close_start_a"], "A to": row["close_end_a"], "A ret": row["return_a"],
            "B from": row["close_start_b"], "B to": row["close_end_b"], "B ret": row["return_b"],
            "spread": row["spread"], "pctile": row["baseline_percentile"], "flags": ", ".join(flags)}


def _print_summary(summary: dict[str, Any], skipped: list[dict[str, str]]) -> None:
    test = summary.get("test") or {}
    rows = [
        {"statistic": "events (n)", "value": summary["n"]},
        {"statistic": "excluded (incomplete / before data)", "value": summary["n_excluded"]},
        {"statistic": "hit rate (share of spreads > 0)", "value": summary["hit_rate"]},
        {"statistic": "mean spread", "value": summary["mean"]},
        {"statistic": f"mean {summary['ci_level']:.0%} bootstrap CI"
                      + (f" ({summary['distinct_resamples']} distinct resamples)"
                         if (summary.get("distinct_resamples") or 10**6) < 10**4 else ""),
         "value": summary["mean_ci"]},
        {"statistic": f"mean {summary['ci_level']:.0%} t-interval", "value": summary.get("t_interval")},
        {"statistic": "median spread", "value": summary["median"]},
        {"statistic": f"median {summary['ci_level']:.0%} bootstrap CI", "value": summary["median_ci"]},
        {"statistic": "baseline windows (n)", "value": summary.get("baseline_n")},
        {"statistic": "baseline mean spread", "value": summary.get("baseline_mean")},
        {"statistic": "mean spread percentile in baseline", "value": summary.get("mean_percentile")},
        {"statistic": "p-value, events > random windows", "value": test.get("p_value")},
        {"statistic": f"p-value, events > non-overlapping windows ({summary.get('baseline_independent_n')})",
         "value": (summary.get("test_independent") or {}).get("p_value")},
        {"statistic": "baseline lag-1 autocorrelation (overlap)", "value": summary.get("baseline_lag1")},
        {"statistic": "exact sign-flip p-value, mean spread > 0", "value": summary.get("exact_p")},
        {"statistic": "sign test p-value, hits vs the baseline hit rate"
                      + (f" ({summary['sign_test_rate']:.0%})" if summary.get("sign_test_rate") is not None else ""),
         "value": summary.get("sign_test_p")},
    ]
    rows += [{"statistic": f"mean without {x['cycle']}", "value": x["mean_spread"]}
             for x in summary.get("leave_one_out") or []]
    for row in rows:
        value = row["value"]
        if isinstance(value, list):
            row["value"] = " to ".join(f"{v * 100:+.1f}%" for v in value)
        elif isinstance(value, float) and "p-value" not in row["statistic"] and "hit" not in row["statistic"] \
                and "percentile" not in row["statistic"] and "autocorrelation" not in row["statistic"]:
            row["value"] = f"{value * 100:+.2f}%"
        elif isinstance(value, float):
            row["value"] = f"{value:.3f}"
    caption = summary.get("warning") or ""
    if skipped:
        caption += ("; " if caption else "") + "skipped: " + ", ".join(f"{s['cycle']} ({s['reason']})" for s in skipped)
    print_table(rows, ["statistic", "value"], title="Summary (complete windows only)", caption=caption or None)


def _long_history(ds: DataSource, anchor: Anchor, months: int, convention: Convention, direction: str, as_json: bool,
                  as_csv: bool, rules: Any = None) -> None:
    from ..cycles import long_history_cycles, rules_text
    from ..events import SIZE_MEASURES, size_portfolio_study, smb_study

    cycles = [c for c in long_history_cycles(ds.load("fed_funds_monthly"), rules) if c.direction == direction]
    if not cycles:
        raise RatecycleError(f"no {direction} cycles found in the long history")
    result = smb_study(ds.load("ff_factors:SMB"), cycles, anchor=anchor, months=months, convention=convention)
    doc = result.to_dict() | {"cycles_from": f"detected from monthly FEDFUNDS ({rules_text(rules)})"}
    sizes = [size_portfolio_study(ds.load(m.small), ds.load(m.big), cycles, m, anchor=anchor, months=months,
                                  convention=convention)
             for m in SIZE_MEASURES if ds.has(m.small) and ds.has(m.big)]
    doc["size_portfolios"] = [s.to_dict() for s in sizes]
    if as_csv:  # one long table: SMB rows, then each size measure's rows, named in the first column
        rows = [{"measure": "ff_factors:SMB", "cycle": r["cycle"], "anchor": r["anchor"], "start": r["start"],
                 "end": r["end"], "small_minus_big": r["cumulative_smb"], "incomplete": r["incomplete"],
                 "baseline_percentile": r["baseline_percentile"]} for r in doc["rows"]]
        rows += [{"measure": f"{s.measure.small}-{s.measure.big}", "cycle": r["cycle"], "anchor": r["anchor"],
                  "start": r["start_a"], "end": r["end_a"], "small_minus_big": r["spread"],
                  "incomplete": r["incomplete"], "baseline_percentile": r["baseline_percentile"]}
                 for s in sizes for r in s.to_dict()["rows"]]
        emit(rows, as_json=False, as_csv=True)
        return
    emit(doc["rows"], as_json=as_json, as_csv=False, document=doc, pct_columns=PCT,
         columns=["cycle", "anchor", "start", "end", "cumulative_smb", "incomplete", "baseline_percentile"]
         if not as_json else None,
         title=f"Fama-French SMB over {months} months after {anchor} ({direction} cycles from FEDFUNDS)",
         caption=f"{result.measure}; cycles: {doc['cycles_from']}")
    if as_json:
        return
    _print_summary(doc["summary"], doc["skipped"])
    if sizes:
        _print_size_measures(doc, sizes, months, anchor)


def _print_size_measures(smb: dict[str, Any], sizes: list[Any], months: int, anchor: str) -> None:
    """SMB and each size-portfolio measure side by side: events, hits, mean, interval, baseline, test."""
    def line(name: str, s: dict[str, Any]) -> dict[str, Any]:
        test = s.get("test") or {}
        ci = s.get("mean_ci")
        return {"measure": name, "n": s["n"], "hits": s["hits"], "hit rate": s["hit_rate"], "mean": s["mean"],
                "95% CI (pp)": "-" if not ci else f"{ci[0] * 100:+.1f} to {ci[1] * 100:+.1f}",
                "all windows": s.get("baseline_mean"), "pctile": s.get("mean_percentile"),
                "p": test.get("p_value")}

    rows = [line("SMB", smb["summary"])]
    rows += [line(f"{s.measure.small.split(':')[1]}-{s.measure.big.split(':')[1]}", s.to_dict()["summary"])
             for s in sizes]
    print_table(rows, ["measure", "n", "hits", "hit rate", "mean", "95% CI (pp)", "all windows", "pctile", "p"],
                pct_columns=("hit rate", "mean", "all windows", "pctile"),
                title=f"Small minus big over {months} months after {anchor}: three long-history measures",
                caption=("SMB: Fama-French long-short factor; lo30-hi30: bottom minus top 30% of stocks by market "
                         "equity; dec1-dec10: smallest minus largest decile (Ken French size portfolios, "
                         "value-weighted, compounded monthly); all windows: mean of every window of the same length; "
                         "pctile: the mean's percentile among them; p: random-window test"))


@data_command
def compare_command(
    start: Annotated[str, typer.Option("--start", help="First date (YYYY-MM-DD); its close is the base.")],
    end: Annotated[str, typer.Option("--end", help="Last date (YYYY-MM-DD).")],
    pair: PairOpt = "russell2000,sp500",
    convention: ConventionOpt = "daily",
    strict: Annotated[bool, typer.Option("--strict", help="Error when the window runs past the data.")] = False,
    as_of: AsOfOpt = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """A and B from --start to --end: closes used, returns, spread, and both paths rebased to 100."""
    from ..events import compare_window
    from ..events.windows import check_convention

    name_a, name_b = parse_pair(pair)
    ds = opts.source_as_of(as_of, name_a, name_b)
    result = compare_window(load_prices(ds, name_a), load_prices(ds, name_b), start, end,
                            convention=check_convention(convention), strict=strict)
    doc = result.to_dict()
    if opts.as_csv:
        emit(doc["path"], as_json=False, as_csv=True, columns=["date", "a", "b"])
        return
    row = result.row
    rows = [{"series": name, "start": row[f"start_{k}"], "close_start": row[f"close_start_{k}"],
             "end": row[f"end_{k}"], "close_end": row[f"close_end_{k}"], "return": row[f"return_{k}"],
             "max_drawdown": row[f"max_drawdown_{k}"]} for name, k in ((name_a, "a"), (name_b, "b"))]
    flags = [f for f in ("incomplete", "dates_differ") if row[f]]
    caption = f"spread (A - B) {row['spread'] * 100:+.2f} pp; growth ratio {row['ratio']:.4f}; convention {convention}"
    if flags:
        caption += f"; flags: {', '.join(flags)}" + (f" (last date used {row['last_date_used']})"
                                                     if row["incomplete"] else "")
    emit(rows, as_json=opts.as_json, as_csv=False, document=doc, pct_columns=("return", "max_drawdown"),
         title=f"{name_a} (A) vs {name_b} (B), {start} to {end}", caption=caption)


@data_command
def notecheck_command(
    pair: PairOpt = "russell2000,sp500",
    preset: Annotated[str, typer.Option("--preset", help="Cycle calendar the note uses.")] = "note-2025",
    early: Annotated[bool, typer.Option("--early", help="Check the note's early-phase statements instead "
                                                        "(signs of both indices in four early phases).")] = False,
    as_of: AsOfOpt = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """Each figure the 2025 note states, our value under every convention, and which window reproduces it."""
    from ..cycles import preset as load_preset
    from ..events import NOTE_2025_CLAIMS, NOTE_2025_EARLY_CLAIMS, note_check

    name_a, name_b = parse_pair(pair)
    ds = opts.source_as_of(as_of, name_a, name_b)
    result = note_check(load_prices(ds, name_a), load_prices(ds, name_b), load_preset(preset),
                        claims=NOTE_2025_EARLY_CLAIMS if early else NOTE_2025_CLAIMS)
    if opts.as_json or opts.as_csv:
        opts.emit(result.table(), document=result.to_dict())
        return
    _print_note_check(result, name_a, name_b, preset)


def _print_note_check(result: Any, name_a: str, name_b: str, preset: str) -> None:
    """The note-check table, one verdict per claim and the convention pair that reproduces most figures."""
    emit(result.table(), as_json=False, as_csv=False, pct_columns=("daily", "month_end", "prior_month_end"),
         title=f"Note check: {name_a} (A) vs {name_b} (B), calendar {preset}",
         caption=f"reproduced = within {result.tolerance_pp:.1f} pp (or the rounding of a figure stated without "
                 "decimals); each series uses its own last close on or before each date")
    print_table([{"claim": c.key, "verdict": c.verdict} for c in result.claims], ["claim", "verdict"],
                title="Verdicts")
    best = result.convention_pairs()[0]
    typer.echo(f"best convention pair: A {best['convention_a']}, B {best['convention_b']} reproduces "
               f"{best['reproduced']} of {best['claims']} claims ({', '.join(best['which'])})")


def register(app: typer.Typer) -> None:
    """Add the ``study``, ``compare`` and ``notecheck`` commands."""
    app.command("study")(study_command)
    app.command("compare")(compare_command)
    app.command("notecheck")(notecheck_command)
