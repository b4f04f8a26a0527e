"""The bottom line: the call, the expected spread and its interval, how sure, what speaks against, what would change it.

Each part is written by its own function from typed results already computed by the sections (``Facts``), so new
evidence (a longer history, a specification curve) slots in as one more function without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..events import EventStudyResult
from ..outlook.combine import CALL_POSTERIOR, posterior_above_half
from ..outlook.scorecard import Scorecard
from .context import Context, Unavailable
from .facts import Facts
from .fmt import pp
from .model import Paragraph, Section
from .sections_robust import against_robust, without_best_cycle

MAX_WORDS = 120
"""The bottom line answers the title in at most this many words."""


@dataclass(frozen=True)
class Expected:
    """The expected spread over the horizon: the mean of past later-phase windows and its bootstrap interval."""

    mean: float
    low: float | None
    high: float | None
    level: float
    n: int
    hits: int
    chance: float | None
    """Probability of a record at least this good if each cycle were ahead as often as an average window."""
    kind: str = "interval"
    """'t-interval' for a small sample (the bootstrap of a few cycles is too narrow), else the bootstrap's."""


@dataclass(frozen=True)
class BottomLine:
    """The parts of the bottom line, each traceable to one typed result."""

    call: str
    direction: int
    confidence: str
    confidence_reason: str
    expected: Expected | None
    against: tuple[str, ...]
    change: str

    def text(self, months: int, a: str, b: str) -> str:
        """The paragraph, cut to at most MAX_WORDS words by dropping the least important evidence against."""
        head = [f"Call: {self.call} over the next {months} months, with {self.confidence} confidence."]
        if self.expected is not None:
            e = self.expected
            interval = (f", {round(100 * e.level)}% {e.kind} {pp(e.low)} to {pp(e.high)}"
                        if e.low is not None and e.high is not None else "")
            head.append(f"Expected spread ({a} minus {b}): {pp(e.mean)} (mean of {e.n} past later phases"
                        f"{interval}).")
        head.append(f"Confidence is {self.confidence}: {self.confidence_reason}.")
        tail = [self.change] if self.change else []
        against = list(self.against)
        while True:
            body = head + ([f"Against: {'; '.join(against)}."] if against else []) + tail
            text = " ".join(body)
            if len(text.split()) <= MAX_WORDS or not against:
                return text
            against.pop()


def _call_words(card: Scorecard, a: str, b: str) -> tuple[str, int]:
    """The scorecard's call in reader-facing names and its sign."""
    if card.direction > 0:
        return f"the {a} ahead of the {b}", 1
    if card.direction < 0:
        return f"the {b} ahead of the {a}", -1
    return "no clear edge", 0  # the next sentence names both series


def expected_spread(study: EventStudyResult | None) -> Expected | None:
    """Mean spread of the completed later-phase windows with its interval (None without a window).

A small sample gets the t-interval: a bootstrap of a handful of cycles has few distinct resamples and is too narrow.
"""
    if study is None or not study.summary.n or study.summary.mean is None:
        return None
    s = study.summary
    interval = s.t_interval if s.small_sample and s.t_interval is not None else s.mean_ci
    low, high = interval if interval else (None, None)
    return Expected(mean=float(study.summary.mean), low=low, high=high, level=s.ci_level, n=s.n, hits=s.hits,
                    chance=s.sign_test_p, kind="t-interval" if interval is s.t_interval else "interval")


def confidence_reason(card: Scorecard | None, study: EventStudyResult | None) -> str:
    """Why the confidence is what it is: the sample size and how often chance alone gives such a record."""
    parts = []
    if study is not None and study.summary.n:
        s = study.summary
        parts.append(f"{s.hits} of {s.n} is few cycles" if s.small_sample
                     else f"{s.hits} of {s.n} past cycles went this way")
        if s.sign_test_p is not None:
            parts.append(f"chance gives a record this good {round(100 * s.sign_test_p)}% of the time"
                         + (", so the record is no better than chance" if s.sign_test_p >= 0.5 else ""))
    elif card is not None:
        parts.append(card.confidence_reason)
    return "; ".join(parts) or "no past cycle to judge by"


def losses(study: EventStudyResult | None, direction: int) -> list[str]:
    """Past cycles that went against the call, with their spreads (worst first)."""
    if study is None or not study.summary.n:
        return []
    rows = study.rows[~study.rows["incomplete"].astype(bool) & ~study.rows["before_data"].astype(bool)]
    sign = direction or 1
    bad = rows[np.sign(rows["spread"]) == -sign].sort_values("spread", ascending=sign > 0)
    return [f"{str(r.cycle).removeprefix('cut ')} {pp(r.spread)}" for r in bad.itertuples()]


def without_best(study: EventStudyResult | None) -> str:
    """The mean spread without the single best cycle: how much the average leans on one episode."""
    best = without_best_cycle(study)
    if best is None:
        return ""
    return f"mean {pp(best.mean_spread)} without the best cycle ({best.cycle.removeprefix('cut ')})"


def drivers_against(card: Scorecard | None, direction: int) -> list[str]:
    """Drivers whose matching cycles pull the probability away from the call (largest pull first)."""
    if card is None or direction == 0:
        return []
    rows = sorted((r for r in card.rows if direction * r.contribution < 0), key=lambda r: -abs(r.contribution))
    return [f"{r.driver} pulls the other way (probability {r.contribution:+.2f})" for r in rows]


def evidence_against(ctx: Context, facts: Facts, direction: int) -> tuple[str, ...]:
    """Losing cycles, the mean without the best one, drivers the other way, an inflation warning (in that order)."""
    a, b = ctx.names
    items = []
    lost = losses(facts.study, direction)
    if lost:
        loser = a if direction >= 0 else b
        items.append(f"{len(lost)} {loser} loss{'es' if len(lost) > 1 else ''} ({', '.join(lost)})")
    for writer in EXTRA_AGAINST:
        items.extend(writer(ctx, facts, direction))
    rest = without_best(facts.study)
    if rest:
        items.append(rest)
    items.extend(drivers_against(facts.outlook, direction))
    if facts.inflation is not None and facts.inflation.flag == "pressure":
        items.append(f"core PCE inflation at {facts.inflation.yoy:.1f}% is rising (pressure flag)")
    return tuple(items)


EXTRA_AGAINST: tuple[Callable[[Context, Facts, int], list[str]], ...] = (against_robust,)
"""Further evidence-against writers (e.g. a specification curve), each returning short clauses."""


MAX_MORE = 20
"""How many further past cycles ``what_would_change`` considers before saying no plausible record would do it."""


def more_cycles(card: Scorecard, win: bool) -> tuple[int, float] | None:
    """The fewest further past cycles like today (similarity 1), all won (``win``) or all lost, that move the
    posterior across the call line (into a call when there is none, out of it when there is one), with the posterior
    then; None when more than ``MAX_MORE`` would be needed."""
    hits, n = card.weighted_hits, card.effective_n
    for k in range(1, MAX_MORE + 1):
        post = posterior_above_half(hits + (k if win else 0), n + k)
        crossed = (post >= CALL_POSTERIOR or post <= 1 - CALL_POSTERIOR) if card.direction == 0 else (
            post < CALL_POSTERIOR if card.direction > 0 else post > 1 - CALL_POSTERIOR)
        if crossed:
            return k, post
    return None


def what_would_change(card: Scorecard | None, a: str, b: str) -> str:
    """How many more past cycles like today (similarity 1), going which way, would move the posterior of a win rate
    above one half across the scorecard's call line (0.80 for the first series, 0.20 for the second)."""
    if card is None:
        return ""
    now = card.posterior_above_half
    if card.direction == 0:
        steps = [(s[0], s[1], name) for s, name in ((more_cycles(card, True), a), (more_cycles(card, False), b))
                 if s is not None]
        if not steps:
            return (f"What would change it: a posterior of {CALL_POSTERIOR:.2f} or {1 - CALL_POSTERIOR:.2f} (now "
                    f"{now:.2f}), more than {MAX_MORE} cycles away.")
        k, post, name = min(steps, key=lambda x: x[0])
        line = CALL_POSTERIOR if name == a else 1 - CALL_POSTERIOR
        return (f"What would change it: {k} more similar cycle{'s' * (k > 1)} with the {name} ahead (posterior "
                f"{now:.2f} to {post:.2f}, call at {line:.2f}).")
    winner, loser = (a, b) if card.direction > 0 else (b, a)
    line = CALL_POSTERIOR if card.direction > 0 else 1 - CALL_POSTERIOR
    step = more_cycles(card, win=card.direction < 0)
    if step is None:
        return f"What would change it: more than {MAX_MORE} cycles going the other way (posterior {now:.2f})."
    k, post = step
    return (f"What would change it: {k} more similar cycle{'s' * (k > 1)} with the {loser} ahead of the {winner} "
            f"(posterior {now:.2f} to {post:.2f}, call at {line:.2f}).")


def bottom_line(ctx: Context, facts: Facts) -> BottomLine:
    """The bottom line from the scorecard (call, confidence) and the event study (expected spread, losses)."""
    a, b = ctx.names
    card = facts.outlook
    expected = expected_spread(facts.study)
    if card is not None:
        call, direction = _call_words(card, a, b)
        confidence = card.confidence
    elif expected is not None:
        direction = 1 if expected.mean > 0 and expected.hits * 2 > expected.n else -1 if expected.mean < 0 else 0
        call = {1: f"the {a} ahead of the {b}", -1: f"the {b} ahead of the {a}",
                0: "no clear edge"}[direction]
        confidence = "low"
    else:
        raise Unavailable("neither the scorecard nor the past-cycle record could be computed")
    return BottomLine(call=call, direction=direction, confidence=confidence,
                      confidence_reason=confidence_reason(card, facts.study), expected=expected,
                      against=evidence_against(ctx, facts, direction), change=what_would_change(card, a, b))


def bottom_line_section(ctx: Context, facts: Facts) -> Section:
    """Section 1: the bottom line as one boxed paragraph."""
    line = bottom_line(ctx, facts)
    a, b = ctx.names
    return Section("bottom_line", "Bottom line", (Paragraph(line.text(ctx.months, a, b), role="bottom_line"),))
