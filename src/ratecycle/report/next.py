"""Appendix B: what happened after the as-of date (the only part of the report that looks past it)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import RatecycleError
from ..events import compare_window
from .context import Context
from .fmt import date_text, pct, pp
from .model import Column, Section, Table


def _call_text(ctx: Context) -> tuple[str, int | None]:
    card = ctx.facts.outlook
    if card is not None:
        from .sections_macro import call_direction, call_text

        return f"{call_text(ctx, card)} (confidence {card.confidence})", call_direction(card)
    study = ctx.facts.study
    if study is not None and study.summary.n:
        s = study.summary
        a, b = ctx.names
        leaning = 1 if (s.hit_rate or 0) > 0.5 else -1 if (s.hit_rate or 0) < 0.5 else 0
        return (f"historical evidence only (no scorecard): {a} beat {b} in {s.hits} of {s.n} later phases", leaning)
    return "no call was available", None


def what_happened_next(ctx: Context) -> tuple[Section | None, dict[str, Any]]:
    """Compare the call at the as-of date with the pair's realised returns after it (partial if data ends early)."""
    a_full, b_full = ctx.full.load(ctx.a), ctx.full.load(ctx.b)
    last = min(a_full.index[-1], b_full.index[-1])
    horizon = ctx.as_of + pd.DateOffset(months=ctx.months)
    if last <= ctx.as_of:
        return None, {}
    try:
        result = compare_window(a_full, b_full, start=ctx.as_of, end=min(horizon, last))
    except RatecycleError as err:
        return Section("what_happened_next", "What happened next (ex post)", available=False,
                       reason=f"Could not be computed: {err}"), {}
    d = result.to_dict()
    partial = bool(last < horizon)
    call, direction = _call_text(ctx)
    a, b = ctx.names
    realised = 1 if d["spread"] > 0 else -1 if d["spread"] < 0 else 0
    agreed = None if direction in (None, 0) else direction == realised
    table = Table(
        title=f"Returns after {date_text(ctx.as_of)}" + (" (partial)" if partial else f" ({ctx.months} months)"),
        columns=(Column("series", "Series"), Column("start", "From close", "date"), Column("end", "To close", "date"),
                 Column("return", "Return", "pct")),
        rows=({"series": a, "start": d["start_a"], "end": d["end_a"], "return": d["return_a"]},
              {"series": b, "start": d["start_b"], "end": d["end_b"], "return": d["return_b"]}),
        source=f"{ctx.a} and {ctx.b} from the full data, last common date {date_text(last)}",
        notes=(("Partial: the data end before the horizon of " + date_text(horizon) + ".") if partial
               else f"Horizon: {ctx.months} months after the as-of date.",))
    so_far = " so far (the horizon has not been reached)" if partial else ""
    verdict = (f"The call agreed with what happened{so_far}." if agreed else
               f"The call did not match what happened{so_far}." if agreed is False
               else "The call was neutral or unavailable, so it is not scored.")
    text = (f"Call on {date_text(ctx.as_of)}: {call}. Afterwards, from the close of {date_text(d['start_a'])} to "
            f"{date_text(d['end_a'])}{' (partial)' if partial else ''}, the {a} returned {pct(d['return_a'])} and the "
            f"{b} {pct(d['return_b'])} ({pp(d['spread'])}). {verdict}")
    data = {"as_of": ctx.as_of.date().isoformat(), "horizon": horizon.date().isoformat(), "partial": partial,
            "call": call, "call_direction": direction, "realised_direction": realised, "agreed": agreed,
            # the window is cut at the last common date on purpose, so "incomplete" repeats "partial" here
            "realised": d | {"path": None, "incomplete": partial}}
    return Section("what_happened_next", "What happened next (ex post)", (text, table)), data
