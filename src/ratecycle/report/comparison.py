"""The note's calendar beside the rule-based record: the same event study on a fixed calendar, for comparison only.

The headline of the report always comes from cycles detected with the report's rules. A calendar preset (by default
the seed note's, ``note-2025``) was drawn up knowing how each cycle turned out, so it is shown beside that result,
labelled as such, and never feeds the call, the bottom line or the scorecard.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..cycles import Cycle, cycles_from_source
from ..cycles import preset as load_preset
from ..events import EventStudyResult, event_study
from .calendar_result import CalendarComparison, StudyFigures
from .context import CONVENTION, Context
from .cyclesview import clip_cycles
from .fmt import pp
from .model import Column, Table

DEFAULT_CALENDAR = "note-2025"
"""The calendar a report shows beside its rule-based result when none is asked for: the seed note's."""


def calendar_words(name: str) -> str:
    """Reader-facing name of a calendar: 'the note's calendar (fixed after the fact)' for the seed note's."""
    return ("the note's calendar (fixed after the fact)" if name == DEFAULT_CALENDAR
            else f"the calendar {name} (fixed after the fact)")


def default_calendar(as_of: pd.Timestamp) -> str | None:
    """The note's calendar from its first cycle on (before that there is nothing to compare), else None."""
    first = min(c.start for c in load_preset(DEFAULT_CALENDAR))
    return DEFAULT_CALENDAR if as_of >= first else None


def calendar_cycles(ctx: Context) -> list[Cycle]:
    """The cutting cycles of the calendar shown beside, each as known on the as-of date (empty without one)."""
    if ctx.calendar is None:
        return []
    found = cycles_from_source(ctx.data, rules=ctx.rules, direction="cut", preset=ctx.calendar)
    return clip_cycles(found, ctx.as_of, ctx.rules)


def calendar_comparison(ctx: Context, headline: EventStudyResult) -> CalendarComparison | None:
    """The calendar's event study with the headline's settings; None without a calendar or a cycle known by then."""
    cycles = calendar_cycles(ctx)
    if ctx.calendar is None or not cycles:
        return None
    study = event_study(ctx.prices(ctx.a), ctx.prices(ctx.b), cycles, anchor=headline.anchor, months=headline.months,
                        convention=CONVENTION)
    return CalendarComparison(calendar=ctx.calendar, label=calendar_words(ctx.calendar), anchor=headline.anchor,
                              months=headline.months, convention=CONVENTION, figures=StudyFigures.from_study(study),
                              rule_based=StudyFigures.from_study(headline))


def _interval(ci: tuple[float, float] | None) -> str:
    return "-" if ci is None else f"{pp(ci[0])} to {pp(ci[1])}"


def _record(f: StudyFigures) -> str:
    """'4 of 6, mean +7.7 pp (95% t-interval -5.3 pp to +20.7 pp)'."""
    if not f.n:
        return "no completed window"
    t = f" ({round(100 * f.ci_level)}% t-interval {_interval(f.t_interval)})" if f.t_interval is not None else ""
    return f"{f.hits} of {f.n}, mean {pp(f.mean_spread)}{t}"


def comparison_blocks(ctx: Context, comparison: CalendarComparison | None) -> list[Any]:
    """A paragraph for the main body and a two-row table (rule-based, calendar); nothing without a calendar."""
    if comparison is None:
        return []
    a, _ = ctx.names
    cal, rules = comparison.figures, comparison.rule_based
    text = (f"For comparison only, {comparison.label}: the {a} was ahead in {_record(cal)}"
            + (f", exact p-value {cal.exact_p:.3f}" if cal.exact_p is not None else "")
            + f"; with the rules above, {_record(rules)}. That calendar was drawn up knowing how each cycle "
            "turned out, so the call and the key figures use the rules.")
    rows = tuple({"cycles": label, "which": ", ".join(c.removeprefix("cut ") for c in f.cycles) or "-", "n": f.n,
                  "hits": f.hits, "mean": f.mean_spread, "t_interval": _interval(f.t_interval),
                  "exact_p": f.exact_p, "p_value": f.p_value}
                 for label, f in (("detected with the report's rules", rules), (comparison.label, cal)))
    table = Table(
        title=f"The record after the later phase began: the rules beside {comparison.label}",
        columns=(Column("cycles", "Cycles"), Column("which", "Completed windows"), Column("n", "n", "int"),
                 Column("hits", f"{a} ahead", "int"), Column("mean", "Mean spread", "pp"),
                 Column("t_interval", f"{round(100 * cal.ci_level)}% t-interval"),
                 Column("exact_p", "Exact p-value", "ratio"), Column("p_value", "Random-window p-value", "ratio")),
        rows=rows, source=ctx.source(ctx.a, ctx.b, extra=f"calendar preset {comparison.calendar}"),
        notes=(f"Both rows: {comparison.months} months after the later phase began, {comparison.convention} "
               "windows, completed windows only; the same study as 'ratecycle study'.",))
    return [text, table]
