"""Macro and positioning sections: rebalancing, inflation risk, yield curve, scorecard, ETFs."""

from __future__ import annotations

from typing import Any

from ..data.pairs import SIZE_PAIRS, STYLE_PAIRS
from ..events import compare_window, head_to_head
from ..events.pair import row_records
from ..outlook import inputs_from_source, scorecard
from ..outlook.combine import CALL_POSTERIOR
from .context import CONVENTION, Context, display
from .cyclesview import cutting_cycles
from .fmt import date_text, pp
from .model import Column, Paragraph, Section, Table
from .sections_macro_parts import curve_section, inflation_section, rebalancing_section
from .sections_value import valuation_section

__all__ = ["curve_section", "inflation_section", "rebalancing_section", "valuation_section"]

ETFS = (("iwm", "iShares Russell 2000 ETF", "whole index"), ("vtwo", "Vanguard Russell 2000 ETF", "whole index"),
        ("iwo", "iShares Russell 2000 Growth ETF", "growth"), ("vtwg", "Vanguard Russell 2000 Growth ETF", "growth"),
        ("iwn", "iShares Russell 2000 Value ETF", "value"), ("vtwv", "Vanguard Russell 2000 Value ETF", "value"),
        ("ijr", "iShares Core S&P SmallCap 600 ETF", "S&P 600 (earnings screen)"))


def call_direction(card: Any) -> int:
    """+1 when the scorecard calls the first series ahead, -1 the second, 0 for no clear edge."""
    if card.call == f"{card.a} ahead of {card.b}":
        return 1
    if card.call == f"{card.b} ahead of {card.a}":
        return -1
    return 0


def call_text(ctx: Context, card: Any) -> str:
    """The call in reader-facing names."""
    a, b = ctx.names
    return {1: f"{a} ahead of {b}", -1: f"{b} ahead of {a}", 0: "no clear edge"}[call_direction(card)]


def scorecard_section(ctx: Context) -> Section:
    """One row per driver (reading, past-cycle evidence, direction, weight, rank), then the overall call."""
    inputs = inputs_from_source(ctx.data, ctx.as_of, pair=ctx.pair)
    card = scorecard(inputs, months=ctx.months, rules=ctx.rules,
                     convention=CONVENTION)  # the same cycles and windows as the phase and significance sections
    ctx.facts.outlook = card
    a, b = ctx.names
    rows = tuple({"rank": r.rank, "driver": r.driver, "reading": r.reading,
                  "direction": {1: f"favour {a}", -1: f"favour {b}"}.get(int(r.direction), "no lean"),
                  "weight": r.weight, "contribution": r.contribution, "n": r.n, "hit_rate": r.hit_rate,
                  "mean_spread": r.mean_spread,
                  "percentile": None if r.baseline_percentile is None else 100 * r.baseline_percentile,
                  "note": r.note} for r in sorted(card.rows, key=lambda r: r.rank))
    basis = "cycles detected from the target with " + ("the default rules" if ctx.rules is None else
                                                       "the rules chosen for this report")
    table = Table(
        title=f"Driver scorecard: {a} against {b} over the next {ctx.months} months",
        columns=(Column("rank", "Rank", "int"), Column("driver", "Driver"), Column("reading", "Reading now"),
                 Column("direction", "Its cycles"), Column("weight", "Weight", "ratio"),
                 Column("contribution", "Contribution", "ratio"), Column("n", "Past cases", "int"),
                 Column("hit_rate", "Hit rate", "share"), Column("mean_spread", "Mean spread", "pp"),
                 Column("percentile", "Baseline percentile", "pctile"), Column("note", "Note")),
        rows=rows, source=ctx.source(ctx.a, ctx.b, "fed_target_upper", "core_pce", "ust10y2y"),
        notes=("Each past cycle counts once in the probability, weighted by the share of today's drivers it matches; "
               "a driver's contribution is the probability with it minus the probability without it.",
               f"Evidence: past cutting cycles in the same state, measured after the fact; {basis}.", *card.notes))
    call = (f"Overall call: {call_text(ctx, card)} (probability {card.probability:.2f} that the {a} is ahead; "
            f"P(win rate > 1/2) {card.posterior_above_half:.2f}, a call needs {CALL_POSTERIOR:.2f} or "
            f"{1 - CALL_POSTERIOR:.2f}; confidence {card.confidence}: {card.confidence_reason}).")
    return Section("scorecard", "Driver scorecard and overall call", (Paragraph(call, role="call"), table))


def etf_section(ctx: Context) -> Section:
    """Which small-cap ETFs the data covers, their returns in the rotation window, and value vs the index."""
    rows = []
    for name, fund, style in ETFS:
        row: dict[str, Any] = {"ticker": name.upper(), "fund": fund, "style": style, "available": ctx.data.has(name),
                               "first": None, "last": None, "return": None}
        if row["available"]:
            meta = ctx.data.meta(name)
            row.update(first=meta.first, last=meta.last)
            prices = ctx.prices(name)
            # a fund whose data end before the window starts has no rotation-window return (not a stale 0%)
            if prices.index[0] <= ctx.rotation_start < prices.index[-1]:
                row["return"] = compare_window(prices, ctx.prices(ctx.b), start=ctx.rotation_start,
                                               end=ctx.as_of).return_a
        rows.append(row)
    missing = [r["ticker"] for r in rows if not r["available"]]
    present = [r["ticker"] for r in rows if r["available"]]
    table = Table(
        title=f"Small-cap ETFs: data coverage and return from {date_text(ctx.rotation_start)} to "
              f"{date_text(ctx.as_of)}",
        columns=(Column("ticker", "Ticker"), Column("fund", "Fund"), Column("style", "Segment"),
                 Column("available", "Data by the as-of date", "flag"), Column("first", "First", "date"),
                 Column("last", "Last used", "date"), Column("return", "Rotation-window return", "pct")),
        rows=tuple(rows), source=ctx.source(*(n for n, _, _ in ETFS if ctx.data.has(n))) or "no ETF data",
        notes=("Dividend-adjusted closes (total return).",))
    blocks: list[Any] = [
        "Funds that express the small-cap view: the whole Russell 2000 (IWM, VTWO), its growth half (IWO, VTWG), "
        "its value half (IWN, VTWV) and the S&P SmallCap 600 (IJR), whose members must have positive earnings. "
        f"This data source has {', '.join(present) or 'none of them'}"
        + (f"; {', '.join(missing)} are missing (no data by {date_text(ctx.as_of)}), so they are not measured."
           if missing else "."),
        table]
    blocks.extend(_head_to_head(ctx))
    return Section("etfs", "Expressing the view: small-cap ETFs", tuple(blocks))


def _head_to_head(ctx: Context) -> list[Any]:
    """Growth against value small caps head to head and against the whole index funds, then other small-versus-
    large pairs: each over the later phases and the months after a later phase began, with hit counts."""
    cycles = cutting_cycles(ctx)
    names = {n for p in (*STYLE_PAIRS, *SIZE_PAIRS) for n in (p.a, p.b) if ctx.data.has(n)}
    prices = {n: ctx.prices(n) for n in sorted(names)}
    style = head_to_head(prices, [(p.a, p.b) for p in STYLE_PAIRS], cycles, months=ctx.months, convention=CONVENTION)
    size = head_to_head(prices, [(p.a, p.b) for p in SIZE_PAIRS], cycles, months=ctx.months, convention=CONVENTION)
    ctx.facts.head_to_head = (style, size)
    value = next((p for p in style.pairs if (p.a, p.b) == ("iwn", "iwm")), None)
    ctx.facts.etf_value_wins = (value.after.hits, value.after.n) if value is not None else None
    after = f"{ctx.months}m after later start"

    def summary(result: Any, specs: tuple[Any, ...], title: str) -> Table:
        measures = {(p.a, p.b): p.measures for p in specs}
        rows = [{"pair": f"{display(p.a)} vs {display(p.b)}", "measures": measures[(p.a, p.b)],
                 "since": p.common_start.date().isoformat(),
                 "later_hits": f"{p.later.hits} of {p.later.n}", "later_mean": p.later.mean_spread,
                 "after_hits": f"{p.after.hits} of {p.after.n}", "after_mean": p.after.mean_spread}
                for p in result.pairs]
        return Table(
            title=title,
            columns=(Column("pair", "A vs B"), Column("measures", "What it isolates"),
                     Column("since", "Common data from", "date"), Column("later_hits", "Later phase: A ahead"),
                     Column("later_mean", "Later phase: mean spread", "pp"),
                     Column("after_hits", f"{ctx.months} months after: A ahead"),
                     Column("after_mean", f"{ctx.months} months after: mean spread", "pp")),
            rows=tuple(rows), source=ctx.source(*sorted({n for p in result.pairs for n in (p.a, p.b)})),
            notes=("Each pair is measured over the cutting cycles whose later phase begins inside its common data; "
                   "a window still running, partial, or of zero length (a later phase of one cut) is not counted.",
                   *(f"Not measured: {display(a)} vs {display(b)} ({why})." for a, b, why in result.skipped)))

    head = [p for p in style.pairs if (p.a, p.b) in {("iwo", "iwn"), ("vtwg", "vtwv")}]
    per_cycle = [{"pair": f"{display(p.a)} vs {display(p.b)}", "cycle": r["cycle"],
                  "window": "later phase" if r["window"] == "later" else after, "start": r["start"], "end": r["end"],
                  "return_a": r["return_a"], "return_b": r["return_b"], "spread": r["spread"],
                  "counted": r["completed"]} for p in head for r in row_records(p.rows)]
    cycle_table = Table(
        title="Growth against value small caps, head to head, each cycle",
        columns=(Column("pair", "Growth vs value"), Column("cycle", "Cycle"), Column("window", "Window"),
                 Column("start", "From close", "date"), Column("end", "To close", "date"),
                 Column("return_a", "Growth", "pct"), Column("return_b", "Value", "pct"),
                 Column("spread", "Growth minus value", "pp"), Column("counted", "Counted", "flag")),
        rows=tuple(per_cycle), source=ctx.source(*sorted({n for p in head for n in (p.a, p.b)})),
        notes=("Dividend-adjusted closes (total return). Not counted: partial, still running, or zero length.",))
    blocks: list[Any] = []
    if head:
        parts = [f"{display(p.a)} beat {display(p.b)} in {p.later.hits} of {p.later.n} later phases and in "
                 f"{p.after.hits} of {p.after.n} windows of {ctx.months} months after a later phase began (mean "
                 f"spread {pp(p.after.mean_spread) if p.after.mean_spread is not None else '-'})" for p in head]
        text = "Growth against value small caps, head to head: " + "; ".join(parts) + "."
        blocks.append(text)
    else:
        blocks.append("Growth against value cannot be measured head to head: the data lacks a growth and a value "
                      "fund with a later phase in their common history.")
    blocks.extend([summary(style, STYLE_PAIRS, "Growth, value and the whole Russell 2000: later phases and the "
                           f"{ctx.months} months after"), cycle_table,
                   summary(size, SIZE_PAIRS, "Other ways to hold small against large: later phases and the "
                           f"{ctx.months} months after")])
    return blocks
