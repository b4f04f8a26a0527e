"""Where things stand: the cycle and the rotation window on the as-of date, from results already computed."""

from __future__ import annotations

from ..cycles import Cycle
from ..cycles.rules import CycleRules
from ..errors import RatecycleError
from .context import Context, Unavailable
from .facts import Facts
from .fmt import cell, date_text, pct, pp
from .model import Section


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


def _cycle_sentence(ctx: Context, facts: Facts) -> str | None:
    if not facts.cycles:
        return None
    text = _cycle_state_sentence(ctx, facts.cycles)
    return f"{text}{_target_text(ctx)}"


def _cycle_state_sentence(ctx: Context, cycles: list[Cycle]) -> str:
    current = cycles[-1]
    pause, later = current.pause, current.later_phase
    total = cell(current.total_change_bps, "bps")
    if current.end < ctx.as_of and not current.ongoing:
        return (f"On {date_text(ctx.as_of)} no cutting cycle is under way; the last one ran from "
                f"{date_text(current.start)} to {date_text(current.end)} ({total}).")
    if later is not None and pause is not None:
        quiet = (ctx.as_of - current.end).days
        min_pause = ctx.rules.min_pause if ctx.rules is not None else CycleRules().min_pause
        again = (f" The last cut was on {date_text(current.end)}, {quiet} days before, longer than the "
                 f"{min_pause}-day pause rule: cuts may be pausing again." if quiet >= min_pause else "")
        return (f"On {date_text(ctx.as_of)} the Fed is in the later phase of the cutting cycle that began on "
                f"{date_text(current.start)}: cuts resumed on {date_text(later.start)} after a pause of "
                f"{pause.days} days that began on {date_text(pause.start)} ({total} so far).{again}")
    return (f"On {date_text(ctx.as_of)} the Fed is in a cutting cycle that began on {date_text(current.start)} "
            f"({total} so far); no pause followed by a further cut has been seen yet, "
            "so the later phase has not started.")


def _decision_sentence(ctx: Context, facts: Facts) -> str | None:
    """The FOMC decision announced on the as-of day, as the gated target data show it at that day's close."""
    if not ctx.data.has("fed_target_upper") or not ctx.data.has("fed_target_lower"):
        return None
    from ..cycles.loader import moves_from_source

    moves, _ = moves_from_source(ctx.data, ctx.rules or CycleRules())
    today = [m for m in moves if m.announced == ctx.as_of]
    if not today:
        meetings = ctx.data.load("fomc_meetings") if ctx.data.has("fomc_meetings") else None
        if meetings is not None and ctx.as_of in meetings.index:
            return f"FOMC meeting on {date_text(ctx.as_of)}: the target was left unchanged."
        return None
    move = today[-1]
    verb = "cut" if move.change_bps < 0 else "raised"
    level = f"{move.lower:.2f}-{move.upper:.2f}%" if move.lower != move.upper else f"{move.upper:.2f}%"
    what = "range" if move.lower != move.upper else "rate"
    text = (f"Decision on {date_text(ctx.as_of)}: the Fed {verb} the target {what} by {abs(move.change_bps):.0f} bp "
            f"to {level}, effective {date_text(move.effective)}")
    current = next((c for c in facts.cycles or [] if any(m.announced == ctx.as_of for m in c.moves)), None)
    if current is not None:
        text += (f"; {cell(current.total_change_bps, 'bps')} since the cutting cycle began on "
                 f"{date_text(current.start)}")
    return text + "."


def _rotation_sentence(ctx: Context, facts: Facts) -> str | None:
    result = facts.rotation
    if result is None:
        return None
    a, b = ctx.names
    return (f"Since {date_text(result.row['start_a'])} the {a} has returned {pct(result.return_a)} against "
            f"{pct(result.return_b)} for the {b} ({pp(result.spread)}, to {date_text(result.row['end_a'])}).")


def summary_section(ctx: Context, facts: Facts) -> Section:
    """Where the Fed and the pair stand on the as-of date, from the cycle calendar and the rotation window."""
    writers = (_cycle_sentence, _decision_sentence, _rotation_sentence)
    sentences: list[str] = [s for s in (w(ctx, facts) for w in writers) if s]
    if not sentences:
        raise Unavailable("no analysis result was available to summarise")
    sentences.append("Historical returns in this report are measured after the fact (ex post); the call uses only "
                     f"data available on {date_text(ctx.as_of)}.")
    return Section("summary", "Where things stand", (" ".join(sentences),))
