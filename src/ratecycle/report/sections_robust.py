"""Robustness section: the specification curve, the long history of the size portfolios and the track record.

Each result is an analysis' typed result kept in ``ctx.facts`` so the bottom line and the key figures can state
the evidence against the call as plainly as the evidence for it (``against_*`` and ``robust_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cycles import Cycle
from ..data.frames import content_hash
from ..data.statcache import cached
from ..events import SIZE_MEASURES, EventStudyResult, size_portfolio_study
from ..events.smallsample import LeaveOneOut
from ..events.stats import SpreadStats
from ..outlook import inputs_from_source
from ..outlook.track_record import Era, TrackRecord, long_history_inputs, track_record
from ..robustness import SpecCurve, specification_curve
from ..robustness.curve import DEFAULT_PERMUTATIONS
from ..robustness.load import families_from_source, input_series, measures_from_source
from .context import Context, Unavailable
from .facts import Facts
from .fmt import date_text, pp
from .model import Column, Figure, Paragraph, Section, Table, Trace

REPORT_PERMUTATIONS = DEFAULT_PERMUTATIONS
"""Pseudo-event draws for the report's curve: those of ``ratecycle robustness`` by default, so both print one p."""
CHOICE_RANKS = 250
"""Specifications marked in the choices chart (evenly spaced along the curve), which bounds the page size."""
CHOICES = ("measure", "anchor", "convention", "months", "rules", "min_pause", "max_gap", "min_moves")


def _curve_figures(curve: SpecCurve) -> tuple[Figure, Figure]:
    """Sorted mean spreads (one marker per specification) and, underneath, which choices each one made."""
    ordered = curve.sorted_specs()
    ranks = tuple(range(1, len(ordered) + 1))
    traces = []
    for family, color in (("market", "#1f77b4"), ("long_history", "#ff7f0e")):
        keep = [(r, s) for r, s in zip(ranks, ordered, strict=True) if s.spec.family == family]
        if keep:
            traces.append(Trace(family.replace("_", " "), tuple(r for r, _ in keep),
                                tuple(s.mean_spread for _, s in keep), "marker", color))
    curve_fig = Figure(
        title=f"Specification curve: mean spread after the events of each of {curve.n_specs} specifications",
        traces=tuple(traces), y_title="Mean spread, small minus large", x_title="Specification (sorted by spread)",
        y_percent=True, hlines=(0.0,), source="ratecycle robustness (see docs/robustness.md)",
        notes=(f"{curve.share_positive:.0%} of specifications have small caps ahead on average; median "
               f"{pp(curve.median_spread)}; permutation p = {curve.p_share:.3f} (share) and {curve.p_median:.3f} "
               f"(median), {curve.permutations} draws of pseudo-events.",))
    rows = []
    level = 0
    step = max(1, len(ordered) // CHOICE_RANKS)
    sampled = list(zip(ranks, ordered, strict=True))[::step]
    for choice in CHOICES:
        values = sorted({str(getattr(s.spec, choice)) for s in ordered})
        for value in values:
            level += 1
            xs = tuple(r for r, s in sampled if str(getattr(s.spec, choice)) == value)
            rows.append(Trace(f"{choice} = {value}", xs, tuple(float(level) for _ in xs), "marker"))
    choices_fig = Figure(
        title="The choices under each specification (same order as the curve above)", traces=tuple(rows),
        y_title="Choice (one row per value, see legend)", x_title="Specification (sorted by spread)",
        source="ratecycle robustness", notes=(f"A mark means the specification at that rank made that choice; every "
                                             f"{step}th specification is marked (--json lists all).",))
    return curve_fig, choices_fig


def _stats_row(label: str, s: SpreadStats) -> dict[str, object]:
    """One row of the evidence table from a summary."""
    return {"measure": label, "n": s.n, "hits": f"{s.hits} of {s.n}", "mean": s.mean,
            "t_low": s.t_interval[0] if s.t_interval else None, "t_high": s.t_interval[1] if s.t_interval else None,
            "p": s.sign_test_p}


@dataclass(frozen=True)
class CurveRun:
    """What the section keeps of the specification run: the curve and the default rules' cutting cycles."""

    curve: SpecCurve
    long_cycles: tuple[Cycle, ...] | None
    """Long history (FEDFUNDS, longest pause of 52 days, 370-day gap); None without the Ken French data."""
    market_cycles: tuple[Cycle, ...]
    """The target's cycles under the default rules (longest pause of 52 days, 370-day gap, two moves)."""


def _curve_run(ctx: Context) -> CurveRun:
    """Detect every variant's cycles and run the specification curve with its permutation test."""
    families = families_from_source(ctx.data, ctx.pair)
    curve = specification_curve(families, ctx.as_of, permutations=REPORT_PERMUTATIONS)
    long_era = next((v for m, v in families if m.family == "long_history"), None)
    long_cycles = None if long_era is None else next(
        v for v in long_era if v.rules.rule == "longest" and v.rules.min_pause == 52 and v.rules.max_gap == 370).cycles
    default = next(v for v in families[0][1] if v.rules.rule == "longest" and v.rules.min_pause == 52
                   and v.rules.max_gap == 370 and v.min_moves == 2)
    return CurveRun(curve, long_cycles, default.cycles)


def curve_run(ctx: Context) -> CurveRun:
    """The specification run, from the store's statistics cache when the same data (as of the same date), pair
    and permutation count were computed before by the same code."""
    data = tuple((name, content_hash(ctx.data.frame(name))) for name in input_series(ctx.pair) if ctx.data.has(name))
    return cached(ctx.full, "report_spec_curve", (data, ctx.as_of, ctx.pair, REPORT_PERMUTATIONS),
                  lambda: _curve_run(ctx), CurveRun)


def robustness_section(ctx: Context) -> Section:
    """The specification curve, the size portfolios since 1954 and the replayed track record."""
    facts = ctx.facts
    run = curve_run(ctx)
    curve = facts.spec_curve = run.curve
    measure = SIZE_MEASURES[0]
    small, big = ctx.prices(measure.small), ctx.prices(measure.big)  # months released by the as-of date (the gate)
    measures = measures_from_source(ctx.data, ctx.pair)
    long_measure = next((m for m in measures if m.family == "long_history"), None)
    if long_measure is None or run.long_cycles is None:
        raise Unavailable("the Ken French size portfolios or FEDFUNDS are missing")
    long_cycles = run.long_cycles
    sizes = size_portfolio_study(small, big, list(long_cycles), measure, months=ctx.months)
    facts.size_history = sizes
    market = measures[0]
    first_target = ctx.prices("fed_target_upper").index[0]
    inputs = inputs_from_source(ctx.data, ctx.as_of, pair=ctx.pair)  # the scorecard's drivers, read point in time
    eras = [Era("long history", tuple(c for c in long_cycles if c.start < first_target), long_measure.a,
                long_measure.b, "month_end", long_history_inputs(inputs, long_measure.a, long_measure.b)),
            Era(" minus ".join(ctx.names), run.market_cycles, market.a, market.b, "daily", inputs)]
    record = track_record(eras, months=ctx.months)
    facts.track_record = record
    a, b = ctx.names
    table_rows = []
    if facts.study is not None and facts.study.summary.n:
        table_rows.append(_stats_row(f"{a} minus {b}, detected cycles", facts.study.summary))
    table_rows.append(_stats_row("Ken French small 30% minus big 30%, FEDFUNDS cycles since 1954",
                                 sizes.study.summary))
    evidence = Table(
        title=f"The record after later phases began, {ctx.months} months: market and long history",
        columns=(Column("measure", "Measure"), Column("hits", "Small ahead"), Column("mean", "Mean spread", "pp"),
                 Column("t_low", "t-interval low", "pp"), Column("t_high", "t-interval high", "pp"),
                 Column("p", "Chance of a record this good", "share")),
        rows=tuple(table_rows), source=ctx.source(ctx.a, ctx.b, measure.small, "fed_funds_monthly"),
        notes=("95% t-intervals; the chance is a sign test against the share of all windows with small caps ahead.",
               "Ken French returns are value-weighted, month ends; the window starts at the end of the month of "
               "the later phase's first cut."))
    calls = Table(
        title="Track record: the call at each past later-phase start, from earlier cycles only",
        columns=(Column("date", "Later phase began", "date"), Column("era", "Era"), Column("call", "Call"),
                 Column("probability", "P(small ahead)", "share"), Column("realised_spread", "Realised", "pp"),
                 Column("hit", "Right?")),
        rows=tuple({"date": c.date.date().isoformat(), "era": c.era, "call": c.call, "probability": c.probability,
                    "realised_spread": c.realised_spread, "hit": "-" if c.hit is None else ("yes" if c.hit else "no")}
                   for c in record.calls),
        source=ctx.source(ctx.a, ctx.b, measure.small),
        notes=record.notes)
    curve_fig, choices_fig = _curve_figures(curve)
    text = (f"Across {curve.n_specs} specifications (cycle rules, window convention, horizon, anchor and measure) "
            f"small caps were ahead on average in {curve.share_positive:.0%}, median {pp(curve.median_spread)}; "
            f"random pseudo-event dates give a curve at least this favourable with probability "
            f"{curve.p_share:.2f}. Replayed at {len(record.scored())} past later-phase starts, the scorecard called a "
            f"side {_calls_made(record)}; its Brier score "
            f"{_num(record.brier)} compares with {_num(record.brier_always_small)} for always calling small caps "
            f"and 0.250 for a coin flip: {_versus_coin(record.brier)}.")
    return Section("robustness", "Does it survive other choices, the long history and its own track record?",
                   (Paragraph(text), curve_fig, choices_fig, evidence, calls))


def _calls_made(record: TrackRecord) -> str:
    """'3 times and was right 2 times', or 'never' when every replayed call was 'none'."""
    called = [c for c in record.scored() if c.hit is not None]
    if not called:
        return "never"
    right = sum(1 for c in called if c.hit)
    return f"{len(called)} time{'s' * (len(called) != 1)} and was right {right} time{'s' * (right != 1)}"


def _versus_coin(brier: float | None) -> str:
    """The Brier score in words against a coin flip (0.25): lower is better."""
    if brier is None:
        return "not scored"
    return "better than a coin flip" if brier < 0.25 else "no better than a coin flip"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _pct(x: float | None) -> str:
    """A chance as the key figures' sign-test row prints it (29.1%)."""
    return "-" if x is None else f"{100 * x:.1f}%"


def against_robust(ctx: Context, facts: Facts, direction: int) -> list[str]:
    """One short clause for the bottom line: the long-history record and the specification curve's share and p."""
    parts = []
    sizes = facts.size_history
    if sizes is not None and sizes.study.summary.n:
        s = sizes.study.summary
        parts.append(f"since 1954 small caps led in {s.hits} of {s.n} cycles, p {s.sign_test_p or 1:.2f}")
    curve = facts.spec_curve
    if curve is not None:
        verdict = ", could be chance" if curve.p_share >= 0.05 else ""
        parts.append(f"small caps ahead in {curve.share_positive:.0%} of {curve.n_specs} specifications "
                     f"(p {curve.p_share:.2f}{verdict})")
    return ["; ".join(parts)] if parts else []


def without_best_cycle(study: EventStudyResult | None) -> LeaveOneOut | None:
    """The leave-one-out mean that drops the best cycle (the lowest of them); None with fewer than 3 cycles."""
    if study is None or len(study.summary.leave_one_out) < 3:
        return None
    return min(study.summary.leave_one_out, key=lambda x: x.mean_spread)


def robust_rows(ctx: Context, facts: Facts) -> list[dict[str, object]]:
    """Key-figure rows: the mean without its best cycle, the long-history tier, the curve, the track record."""
    rows: list[dict[str, object]] = []
    study = facts.study
    best = without_best_cycle(study)
    if best is not None:
        rows.append({"measure": "Mean spread without its best cycle", "value": best.mean_spread,
                     "display": pp(best.mean_spread),
                     "detail": f"leave-one-out: {best.cycle.removeprefix('cut ')} left out"})
    sizes = facts.size_history
    if sizes is not None and sizes.study.summary.n:
        s = sizes.study.summary
        rows.append({"measure": "Long history since 1954: small 30% ahead of big 30% (Ken French)", "value": s.hits,
                     "display": f"{s.hits} of {s.n}", "detail": f"mean {pp(s.mean)}; chance of a record this good "
                                                                  f"{_pct(s.sign_test_p)}"})
    curve = facts.spec_curve
    if curve is not None:
        rows.append({"measure": f"Specifications with small caps ahead ({curve.n_specs})",
                     "value": curve.share_positive, "display": f"{curve.share_positive:.0%}",
                     "detail": f"median {pp(curve.median_spread)}; permutation p {curve.p_share:.3f}"})
    record = facts.track_record
    if record is not None and record.brier is not None:
        called = [c for c in record.scored() if c.hit is not None]
        rows.append({"measure": f"Track record of the scorecard ({len(record.scored())} past later phases)",
                     "value": record.hit_rate,
                     "display": f"{sum(1 for c in called if c.hit)} right of {len(called)} calls",
                     "detail": f"Brier {record.brier:.3f} ({_versus_coin(record.brier)}); always small "
                               f"{_num(record.brier_always_small)}; coin flip 0.250"})
    return rows


__all__ = ["against_robust", "date_text", "robust_rows", "robustness_section", "without_best_cycle"]
