"""The executive summary, written from the typed results the sections already computed (no new numbers)."""

from __future__ import annotations

from typing import Any

from ..cycles.rules import CycleRules
from ..errors import RatecycleError
from .context import Context, Unavailable
from .fmt import cell, date_text, month_text, pct, pp
from .model import Section
from .sections_value import basis_text


def _target_text(ctx: Context) -> str:
    """' The target range in the data stands at 4.25-4.50%.' (empty when the target cannot be read)."""
    try:
        upper, lower = ctx.prices("fed_target_upper"), ctx.prices("fed_target_lower")
    except RatecycleError:
        return ""
    if upper.empty or lower.empty:
        return ""
    hi, lo = float(upper.iloc[-1]), float(lower.iloc[-1])
    level = f"{lo:.2f}-{hi:.2f}%" if hi != lo else f"{hi:.2f}%"
    return f" The target {'range' if hi != lo else 'rate'} in the data stands at {level}."


def _cycle_sentence(ctx: Context) -> str | None:
    cycles = ctx.facts.get("cycles")
    if not cycles:
        return None
    text = _cycle_state_sentence(ctx, cycles)
    return f"{text}{_target_text(ctx)}"


def _cycle_state_sentence(ctx: Context, cycles: list[Any]) -> str:
    current = cycles[-1]
    d = current.to_dict()
    if current.end < ctx.as_of and not d["ongoing"]:
        return (f"On {date_text(ctx.as_of)} no cutting cycle is under way; the last one ran from "
                f"{date_text(d['start'])} to {date_text(d['end'])} ({cell(d['total_change_bps'], 'bps')}).")
    if d["later_phase"]:
        quiet = (ctx.as_of - current.end).days
        min_pause = getattr(ctx.rules, "min_pause", None) or CycleRules().min_pause
        again = (f" The last cut was on {date_text(current.end)}, {quiet} days before, longer than the "
                 f"{min_pause}-day pause rule: cuts may be pausing again." if quiet >= min_pause else "")
        return (f"On {date_text(ctx.as_of)} the Fed is in the later phase of the cutting cycle that began on "
                f"{date_text(d['start'])}: cuts resumed on {date_text(d['later_phase']['start'])} after a pause of "
                f"{d['pause']['days']} days that began on {date_text(d['pause']['start'])} "
                f"({cell(d['total_change_bps'], 'bps')} so far).{again}")
    return (f"On {date_text(ctx.as_of)} the Fed is in a cutting cycle that began on {date_text(d['start'])} "
            f"({cell(d['total_change_bps'], 'bps')} so far); no pause followed by a further cut has been seen yet, "
            "so the later phase has not started.")


def _meeting_sentence(ctx: Context) -> str | None:
    """Say so when the as-of day is an FOMC announcement day whose decision the target data cannot show yet."""
    cycles = ctx.facts.get("cycles") or []
    if not ctx.data.has("fomc_meetings"):
        return None
    meetings = ctx.data.load("fomc_meetings")
    last_move = max((m.announced for c in cycles for m in c.moves), default=None)
    if ctx.as_of in meetings.index and last_move != ctx.as_of:
        return (f"An FOMC announcement fell on {date_text(ctx.as_of)}. FRED dates a target change by the day it "
                "takes effect, normally the next day, so a decision taken that day is not in the target data this "
                "report reads: move counts and basis-point totals here exclude it.")
    return None


def _rotation_sentence(ctx: Context) -> str | None:
    result = ctx.facts.get("rotation")
    if result is None:
        return None
    d = result.to_dict()
    a, b = ctx.names
    return (f"Rotation: from {date_text(d['start_a'])} to {date_text(d['end_a'])} the {a} returned "
            f"{pct(d['return_a'])} against {pct(d['return_b'])} for the {b} ({pp(d['spread'])}).")


def _history_sentence(ctx: Context) -> str | None:
    study = ctx.facts.get("study")
    if study is None:
        return None
    s = study.to_dict()["summary"]
    a, b = ctx.names
    if not s["n"]:
        return f"No past cutting cycle has a completed {ctx.months}-month window after its later phase began."
    flag = " The sample is small, so this is evidence, not proof." if s["small_sample"] else ""
    pctile = "" if s["mean_percentile"] is None else (
        f", at the {cell(100 * s['mean_percentile'], 'pctile')} percentile of all {ctx.months}-month windows")
    chance = "" if s.get("sign_test_p") is None else (
        f" A record at least this good would arise by chance with probability {s['sign_test_p']:.3f} if each cycle "
        f"were ahead as often as an average {ctx.months}-month window ({100 * s['sign_test_rate']:.0f}%)"
        + (", so it is no better than chance." if s["sign_test_p"] >= 0.5 else "."))
    return (f"History: in {s['hits']} of {s['n']} past cutting cycles the {a} beat the {b} over the "
            f"{ctx.months} months after the later phase began; mean spread {pp(s['mean'])}{pctile}.{chance}{flag}")


def _valuation_sentence(ctx: Context) -> str | None:
    results = ctx.facts.get("valuation")
    if not results:
        return None
    parts = []
    for res in results:
        if getattr(res, "status", "") == "ok" and res.series == "pe_sp500":
            made_of = basis_text(res) if hasattr(res, "price_date") else f"month {month_text(res.observation_date)}"
            parts.append(f"the S&P 500 trailing P/E is {cell(res.value, 'num')} ({cell(res.zscore, 'num')} sigma "
                         f"from its 5-year mean; {made_of})")
        if getattr(res, "status", "") == "ok" and res.series == "pe_russell2000":
            parts.append(f"the Russell 2000 P/E is {cell(res.value, 'num')} ({cell(res.zscore, 'num')} sigma from its "
                         f"5-year mean, month {month_text(res.observation_date)})")
        if getattr(res, "status", "") == "ok" and res.series == "pe_russell2000/pe_sp500":
            parts.append(f"their ratio is {cell(res.value, 'ratio')} ({cell(res.zscore, 'num')} sigma from its "
                         "5-year mean)")
        if getattr(res, "status", "") == "missing" and res.series == "pe_russell2000":
            parts.append("no Russell 2000 P/E history is available, so relative valuation cannot be measured"
                         + _proxy_clause(ctx))
    return ("Valuation: " + "; ".join(parts) + ".") if parts else None


def _proxy_clause(ctx: Context) -> str:
    """How the scorecard's valuation row stands in for the missing small-cap P/E, so the two never disagree."""
    card = ctx.facts.get("outlook")
    row = next((r for r in getattr(card, "rows", ()) if r.driver == "valuation"), None)
    if row is None or not str(row.state or "").startswith("proxy"):
        return ""
    return (f"; the scorecard's valuation row uses the S&P 500's own P/E as a stand-in (direction {row.direction:+d}, "
            f"weight {row.weight:.2f})")


def _fact_sentences(ctx: Context) -> list[str]:
    out = []
    for key in ("rebalancing_text", "inflation_text", "curve_text", "etf_text", "outlook_text"):
        text = ctx.facts.get(key)
        if text:
            out.append(str(text))
    return out


def summary_section(ctx: Context) -> Section:
    """Summary paragraphs, each a sentence assembled from one section's result."""
    writers = (_cycle_sentence, _meeting_sentence, _rotation_sentence, _history_sentence, _valuation_sentence)
    sentences: list[Any] = [s for s in (w(ctx) for w in writers) if s]
    sentences.extend(_fact_sentences(ctx))
    if not sentences:
        raise Unavailable("no analysis result was available to summarise")
    if ctx.preset:
        sentences.append(f"Cycles follow the calendar preset {ctx.preset}, which was fixed after the fact.")
    sentences.append("Historical returns in this report are measured after the fact (ex post); the call uses only "
                     f"data available on {date_text(ctx.as_of)}.")
    return Section("summary", "Executive summary", tuple(sentences))
