"""Macro and positioning sections: rebalancing, inflation risk, yield curve, scorecard, ETFs."""

from __future__ import annotations

from typing import Any

from ..events import compare_window, phase_returns
from ..events.pair import row_records
from ..outlook import inputs_from_source, scorecard
from .context import CONVENTION, Context
from .cyclesview import calendar_label, cutting_cycles, mark_running_phase, scorecard_cycles
from .fmt import date_text, pp
from .model import Column, Paragraph, Section, Table
from .sections_macro_parts import curve_section, inflation_section, rebalancing_section
from .sections_value import valuation_section

__all__ = ["curve_section", "inflation_section", "rebalancing_section", "valuation_section"]

ETFS = (("iwm", "iShares Russell 2000 ETF", "whole index"), ("vtwo", "Vanguard Russell 2000 ETF", "whole index"),
        ("iwo", "iShares Russell 2000 Growth ETF", "growth"), ("vtwg", "Vanguard Russell 2000 Growth ETF", "growth"),
        ("iwn", "iShares Russell 2000 Value ETF", "value"), ("vtwv", "Vanguard Russell 2000 Value ETF", "value"))


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
    card = scorecard(inputs, months=ctx.months, cycles=scorecard_cycles(ctx), rules=ctx.rules,
                             convention=CONVENTION)  # the same windows as the phase and significance sections
    ctx.facts.outlook = card
    d = card.to_dict()
    rows = tuple({"rank": r["rank"], "driver": r["driver"], "reading": r["reading"],
                  "direction": {1: "+1 (first)", -1: "-1 (second)", 0: "0"}.get(int(r["direction"]),
                                                                                   str(r["direction"])),
                  "weight": r["weight"], "contribution": r["contribution"], "n": r["n"], "hit_rate": r["hit_rate"],
                  "mean_spread": r["mean_spread"],
                  "percentile": None if r["baseline_percentile"] is None else 100 * r["baseline_percentile"],
                  "note": r["note"]} for r in sorted(d["rows"], key=lambda r: r["rank"]))
    a, b = ctx.names
    calendar = calendar_label(ctx)
    basis = (f"the policy phase today and every driver's past cycles follow the {calendar}, clipped at the as-of "
             "date (the same cycles as the calendar section)" if calendar else
             "cycles detected from the target with " + ("the default rules" if ctx.rules is None else
                                                            "the rules chosen for this report"))
    table = Table(
        title=f"Driver scorecard: {a} against {b} over the next {ctx.months} months",
        columns=(Column("rank", "Rank", "int"), Column("driver", "Driver"), Column("reading", "Reading now"),
                 Column("direction", "Direction"), Column("weight", "Weight", "ratio"),
                 Column("contribution", "Contribution", "ratio"), Column("n", "Past cases", "int"),
                 Column("hit_rate", "Hit rate", "share"), Column("mean_spread", "Mean spread", "pp"),
                 Column("percentile", "Baseline percentile", "pctile"), Column("note", "Note")),
        rows=rows, source=ctx.source(ctx.a, ctx.b, "fed_target_upper", "core_pce", "ust10y2y"),
        notes=("Direction +1 favours the first series, -1 the second; contribution = weight x direction.",
               f"Evidence: past cutting cycles in the same state, measured after the fact; {basis}.", *d["notes"]))
    call = (f"Overall call: {call_text(ctx, card)} (weighted score {d['score']:+.2f}; confidence {d['confidence']}: "
            f"{d['confidence_reason']}).")
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
        "Funds that express the small-cap view: the whole Russell 2000 (IWM, VTWO), its growth half (IWO, VTWG) and "
        f"its value half (IWN, VTWV). This data source has {', '.join(present) or 'none of them'}"
        + (f"; {', '.join(missing)} are missing (no data by {date_text(ctx.as_of)}), so they are not measured."
           if missing else "."),
        table]
    blocks.extend(_value_vs_index(ctx))
    return Section("etfs", "Expressing the view: small-cap ETFs", tuple(blocks))


def _value_vs_index(ctx: Context) -> list[Any]:
    """Value (IWN) against the whole index (IWM) in each cycle phase, when both exist; growth needs IWO/VTWG."""
    growth = [t for t in ("iwo", "vtwg") if ctx.data.has(t)]
    if not (ctx.data.has("iwn") and ctx.data.has("iwm")):
        return ["Growth against value cannot be measured: the data lacks a value fund and the index fund together."]
    cycles = [c for c in cutting_cycles(ctx) if c.start >= ctx.prices("iwn").index[0]]
    if not cycles:
        return ["No cutting cycle falls inside the value fund's history."]
    res = phase_returns(ctx.prices("iwn"), ctx.prices("iwm"), cycles, convention="daily", months=ctx.months,
                        anchors=("later_start",))
    rows = [{"cycle": r["cycle"], "window": r["window"].replace("_", " "), "start": r["start_a"], "end": r["end_a"],
             "return_a": r["return_a"], "return_b": r["return_b"], "spread": r["spread"],
             "incomplete": r["incomplete"]} for r in row_records(res.rows) if not r["before_data"]]
    mark_running_phase(rows, cycles, {"early", "pause", "later"})
    table = Table(
        title="Small-cap value (IWN) against the whole Russell 2000 fund (IWM), by cycle phase",
        columns=(Column("cycle", "Cycle"), Column("window", "Phase"), Column("start", "From close", "date"),
                 Column("end", "To close", "date"), Column("return_a", "IWN", "pct"),
                 Column("return_b", "IWM", "pct"), Column("spread", "Value minus index", "pp"),
                 Column("incomplete", "Partial", "flag")),
        rows=tuple(rows), source=ctx.source("iwn", "iwm"),
        notes=("Value minus the whole index is half of the value-minus-growth gap only if the index is an even "
               "blend; without growth fund data this is the closest measure.",))
    later = [r for r in rows if r["window"] == f"{ctx.months}m after later start" and not r["incomplete"]]
    wins = sum(1 for r in later if r["spread"] > 0)
    text = ("Growth funds " + ("are present" if growth else "(IWO, VTWG) are missing") + "; value against the whole "
            f"index is shown instead. Over the {ctx.months} months after a later phase began, the value fund beat the "
            f"index fund in {wins} of {len(later)} completed windows"
            + (": " + "; ".join(f"{r['cycle']} {pp(r['spread'])}" for r in later) + "." if later else "."))
    ctx.facts.etf_value_wins = (wins, len(later))
    return [text, table]
