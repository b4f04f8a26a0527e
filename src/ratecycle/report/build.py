"""Assemble the report: cut the data at the as-of date, run each section's analysis once, number the blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from .._typing import DateLike, to_timestamp
from ..cycles import rules_text
from ..data.asof import AsOfSource
from ..data.source import DataSource
from ..errors import RatecycleError
from .appendix import data_section, methods_section
from .bottom_line import bottom_line_section
from .comparison import calendar_words
from .context import Context, Unavailable, display
from .explore import explore_section
from .fmt import date_text
from .glossary import glossary_section
from .keyfigures import key_figures_section
from .layout import layout_body
from .model import Paragraph, Report, Section, number_blocks
from .next import what_happened_next
from .options import Progress, ReportOptions, check_options
from .summary import summary_section

SectionBuilder = tuple[str, str, Callable[[Context], Section]]


def _builders() -> list[SectionBuilder]:
    """The supporting sections of the main body, in reading order (the bottom line and key figures come first)."""
    from . import sections_macro as macro
    from . import sections_market as market
    from . import sections_robust as robust

    return [
        ("rotation", "The rotation so far", market.rotation_section),
        ("history", "Small caps against large caps over the long run", market.history_section),
        ("calendar", "Cutting cycles: the calendar", market.calendar_section),
        ("phases", "Early and later phase returns", market.phases_section),
        ("significance", "The record after the later phase began", market.significance_section),
        ("robustness", "Does it survive other choices, the long history and its own track record?",
         robust.robustness_section),
        ("scorecard", "Today's drivers and the overall call", macro.scorecard_section),
        ("valuation", "Valuation", macro.valuation_section),
        ("inflation", "Inflation risk", macro.inflation_section),
        ("curve", "Yield curve", macro.curve_section),
        ("rebalancing", "Rebalancing: sectors, concentration, momentum", macro.rebalancing_section),
        ("etfs", "Expressing the view: small-cap ETFs", macro.etf_section),
    ]


def _appendix_builders() -> list[SectionBuilder]:
    """Appendices computed from the data (methods, glossary and data sources are added by the layout)."""
    from . import sections_market as market

    return [("note_audit", "Checking the seed note's figures", market.note_audit_section)]


def _run(key: str, title: str, builder: Callable[[Context], Section], ctx: Context) -> Section:
    try:
        return replace(builder(ctx), key=key, title=title)
    except RatecycleError as err:
        reason = str(err) if isinstance(err, Unavailable) else f"could not be computed: {err}"
        return Section(key, title, available=False, reason=reason)


def resolve_as_of(ds: DataSource, pair: tuple[str, str], as_of: DateLike | None) -> pd.Timestamp:
    """The as-of date: the one given, or the latest date both series of the pair have."""
    if as_of is None:
        return ds.last_date(*pair)
    ts = to_timestamp(as_of)
    assert ts is not None
    first = max(ds.frame(n)["date"].iloc[0] for n in pair)
    if ts < first:
        raise RatecycleError(f"--as-of {ts.date()} is before the pair's common data start {first.date()}")
    ds.check_fresh(ts, *pair)
    return ts


def make_context(ds: DataSource, options: ReportOptions) -> Context:
    """Cut the data at the as-of date and resolve the cycle rules."""
    from ..data.catalog import get_spec

    rules = check_options(options)  # before any data is read
    for name in options.pair:
        get_spec(name)
        if not ds.has(name):
            raise RatecycleError(f"series {name} is not available from {ds.snapshot or ds.store_path}")
    as_of = resolve_as_of(ds, options.pair, options.as_of)
    view = AsOfSource(base=ds, as_of=as_of)
    start = (to_timestamp(options.rotation_start) if options.rotation_start
             else (as_of.to_period("M") - 1).to_timestamp())
    assert start is not None
    if start >= as_of:
        raise RatecycleError(f"rotation window start {start.date()} is not before the as-of date {as_of.date()}")
    from .comparison import default_calendar

    calendar = options.preset if options.preset is not None else default_calendar(as_of)
    return Context(data=view, full=ds, as_of=as_of, pair=options.pair, months=options.months,
                   calendar=calendar, rules=rules, rotation_start=start)


def build_report(ds: DataSource, options: ReportOptions | None = None, progress: Progress | None = None) -> Report:
    """Build the whole report from ``ds`` as of ``options.as_of``; ``progress`` receives one line per step."""
    options = options or ReportOptions()
    say = progress or (lambda _msg: None)
    say("reading data")
    ctx = make_context(ds, options)
    supporting: list[Section] = []
    for key, title, builder in _builders():
        say(f"section: {title}")
        supporting.append(_run(key, title, builder, ctx))
    say("section: bottom line and key figures")
    facts = ctx.facts
    bottom = _run("bottom_line", "Bottom line", lambda c: bottom_line_section(c, facts), ctx)
    figures = _run("key_figures", "Key figures", lambda c: key_figures_section(c, facts), ctx)
    summary = _run("summary", "Where things stand", lambda c: summary_section(c, facts), ctx)
    appendices = [replace(_run(k, t, b, ctx), appendix=True) for k, t, b in _appendix_builders()]
    say("appendix: what happened next")
    next_section, next_data = what_happened_next(ctx)
    say("section: explore (sweep grid)")
    explore = _run("explore", "Explore", explore_section, ctx)
    body, moved = layout_body([bottom, figures, summary, *supporting, explore])
    appendices += [methods_section(ctx), glossary_section(), data_section(ctx, moved.notes)]
    if moved.tables:
        appendices.append(Section("supporting_tables", "Supporting tables", moved.tables))
    numbered = number_blocks([*body, *[replace(s, appendix=True) for s in appendices],
                              *([next_section] if next_section else [])])
    sections, appendix = (numbered[:-1], numbered[-1]) if next_section else (numbered, None)
    a, b = ctx.names
    settings = {
        "as_of_text": date_text(ctx.as_of), "pair_text": f"{a} vs {b}", "months": ctx.months,
        "preset": options.preset, "calendar": ctx.calendar, "rules": _rules_dict(ctx.rules),
        "rotation_start": ctx.rotation_start.date().isoformat(),
        "cycles_text": f"detected from the Fed target ({rules_text(ctx.rules)}"
        + (", the default rules)" if ctx.rules is None else ")")
        + (f"; {calendar_words(ctx.calendar)} shown beside for comparison" if ctx.calendar else ""),
    }
    first = next((blk for blk in sections[0].blocks if isinstance(blk, Paragraph)), None)
    return Report(title=f"Will {a} beat {b} over the next {ctx.months} months? Fed rate-cycle report as of "
                        f"{date_text(ctx.as_of)}",
                  as_of=ctx.as_of.date().isoformat(), pair=ctx.pair, settings=settings,
                  sections=tuple(sections), what_happened_next=appendix, next_data=next_data,
                  calendar_comparison=ctx.facts.calendar_comparison,
                  bottom_line=first.text if first is not None and sections[0].key == "bottom_line" else "")


def _rules_dict(rules: object | None) -> dict[str, object] | None:
    if rules is None:
        return None
    from dataclasses import asdict, is_dataclass

    return asdict(rules) if is_dataclass(rules) and not isinstance(rules, type) else {"rules": str(rules)}


__all__ = ["ReportOptions", "build_report", "check_options", "display", "make_context", "resolve_as_of"]
