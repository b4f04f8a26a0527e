"""Key figures: the few numbers a reader quotes, each from one typed result the sections computed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..outlook.combine import CALL_POSTERIOR
from .context import Context, Unavailable
from .facts import Facts
from .fmt import Format, cell, date_text, ordinal, pp
from .model import Column, Section, Table
from .sections_robust import robust_rows

Row = dict[str, Any]


def _row(measure: str, value: Any, kind: Format, detail: str = "") -> Row:
    return {"measure": measure, "value": value, "display": cell(value, kind), "detail": detail}


def policy_rows(ctx: Context, facts: Facts) -> list[Row]:
    """The cycle under way (or the last one) on the as-of date."""
    cycles = facts.cycles or []
    if not cycles:
        return []
    current = cycles[-1]
    later = current.later_phase
    state = ("later phase" if later is not None and current.ongoing else
             "first phase" if current.ongoing else "no cycle under way")
    detail = (f"cycle from {date_text(current.start)}; later phase from {date_text(later.start)}" if later is not None
              else f"cycle from {date_text(current.start)}")
    return [{"measure": "Fed cutting cycle", "value": state, "display": state, "detail": detail},
            _row("Cuts so far in this cycle", current.total_change_bps, "bps", f"last on {date_text(current.end)}")]


def record_rows(ctx: Context, facts: Facts) -> list[Row]:
    """The past-cycle record after the later phase began: hits, mean with interval, median, chance."""
    study = facts.study
    if study is None or not study.summary.n:
        return []
    s, (a, b) = study.summary, ctx.names
    level = f"{round(100 * s.ci_level)}%"
    boot = f"bootstrap {pp(s.mean_ci[0])} to {pp(s.mean_ci[1])}" if s.mean_ci else ""
    if s.small_sample and s.t_interval is not None:
        boot += f" ({s.distinct_resamples} distinct resamples)" if boot and s.distinct_resamples else ""
        interval = "; ".join(x for x in (f"{level} t-interval {pp(s.t_interval[0])} to {pp(s.t_interval[1])}",
                                         boot) if x)
    else:
        interval = f"{level} {boot}" if boot else ""
    rows = [{"measure": f"Past later phases with the {a} ahead after {ctx.months} months",
             "value": s.hits, "display": f"{s.hits} of {s.n}", "detail": "completed windows only"},
            _row(f"Mean spread, {a} minus {b}", s.mean, "pp", interval),
            _row("Median spread", s.median, "pp")]
    if s.mean_percentile is not None:
        rows.append({"measure": "Mean spread among all windows of that length", "value": 100 * s.mean_percentile,
                     "display": f"{ordinal(100 * s.mean_percentile)} percentile",
                     "detail": f"{s.baseline_n} windows since the data begin"})
    if s.sign_test_p is not None:
        base = (f"sign test: each cycle ahead as often as all windows ({s.sign_test_rate:.0%})"
                if s.sign_test_rate is not None else "sign test")
        rows.append(_row("Chance of a record this good by luck", s.sign_test_p, "share", base))
    return rows


def calendar_rows(ctx: Context, facts: Facts) -> list[Row]:
    """One row for the calendar shown beside the record (the note's, fixed after the fact), never the headline."""
    comparison = facts.calendar_comparison
    if comparison is None or not comparison.figures.n:
        return []
    f = comparison.figures
    return [{"measure": f"For comparison: {comparison.label}", "value": f.hits, "display": f"{f.hits} of {f.n}",
             "detail": f"mean {pp(f.mean_spread)}; not used for the call"}]


def today_rows(ctx: Context, facts: Facts) -> list[Row]:
    """Readings on the as-of date: the rotation window, the scorecard, inflation and the curve."""
    rows: list[Row] = []
    a, b = ctx.names
    if facts.rotation is not None:
        r = facts.rotation
        rows.append(_row(f"Spread since {date_text(r.row['start_a'])}", r.spread, "pp",
                         f"{a} {cell(r.return_a, 'pct')}, {b} {cell(r.return_b, 'pct')}"))
    if facts.outlook is not None:
        card = facts.outlook
        call = {1: f"{a} ahead", -1: f"{b} ahead", 0: "no clear edge"}[card.direction]
        rows.append({"measure": f"Driver scorecard: probability the {a} is ahead", "value": card.probability,
                     "display": f"{card.probability:.2f}",
                     "detail": f"{call}; P(win rate > 1/2) {card.posterior_above_half:.2f} (a call needs "
                               f"{CALL_POSTERIOR:.2f} or {1 - CALL_POSTERIOR:.2f}); {card.effective_n:.1f} weighted "
                               f"past cycles; confidence {card.confidence}"})
    if facts.inflation is not None:
        infl = facts.inflation
        rows.append({"measure": "Core PCE inflation, year on year", "value": infl.yoy, "display": f"{infl.yoy:.2f}%",
                     "detail": f"{infl.month:%b %Y}, flag {infl.flag}"})
    if facts.curve is not None:
        rows.append({"measure": "10-year minus 2-year Treasury yield", "value": facts.curve.level,
                     "display": f"{facts.curve.level:.2f} pp", "detail": f"on {date_text(facts.curve.date)}"})
    return rows


KEY_ROWS: tuple[Callable[[Context, Facts], list[Row]], ...] = (policy_rows, record_rows, robust_rows,
                                                               calendar_rows, today_rows)
"""Writers of the key-figures rows, in reading order; new evidence adds a writer here."""


def key_figures_section(ctx: Context, facts: Facts) -> Section:
    """Section 2: one table of the figures a reader quotes."""
    rows = [row for writer in KEY_ROWS for row in writer(ctx, facts)]
    if not rows:
        raise Unavailable("no analysis result was available for the key figures")
    table = Table(title=f"Key figures as of {date_text(ctx.as_of)}",
                  columns=(Column("measure", "Measure"), Column("display", "Value"), Column("detail", "Detail")),
                  rows=tuple(rows), source=ctx.source(ctx.a, ctx.b, "fed_target_upper"),
                  notes=(f"Spreads are in percentage points, {ctx.names[0]} minus {ctx.names[1]}; past records are "
                         "measured after the fact.",))
    return Section("key_figures", "Key figures", (table,))
