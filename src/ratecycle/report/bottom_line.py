"""The bottom line: the call, the expected spread and its interval, how sure, what speaks against, what would change it.

Each part is written by its own function from typed results already computed by the sections (``Facts``), so new
evidence (a longer history, a specification curve) slots in as one more function without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..events import EventStudyResult
from ..outlook.scorecard import CALL_THRESHOLD, Scorecard
from .context import Context, Unavailable
from .facts import Facts
from .fmt import pp
from .model import Paragraph, Section
from .sections_robust import against_robust

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
            interval = (f", {round(100 * e.level)}% interval {pp(e.low)} to {pp(e.high)}"
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
    if card.score >= CALL_THRESHOLD:
        return f"the {a} ahead of the {b}", 1
    if card.score <= -CALL_THRESHOLD:
        return f"the {b} ahead of the {a}", -1
    return f"no clear edge between the {a} and the {b}", 0


def expected_spread(study: EventStudyResult | None) -> Expected | None:
    """Mean spread of the completed later-phase windows with its bootstrap interval (None without a window)."""
    if study is None or not study.summary.n or study.summary.mean is None:
        return None
    s = study.summary
    low, high = s.mean_ci if s.mean_ci else (None, None)
    return Expected(mean=float(study.summary.mean), low=low, high=high, level=s.ci_level, n=s.n, hits=s.hits,
                    chance=s.sign_test_p)


def confidence_reason(card: Scorecard | None, study: EventStudyResult | None) -> str:
    """Why the confidence is what it is: the sample size and how often chance alone gives such a record."""
    parts = []
    if study is not None and study.summary.n:
        s = study.summary
        parts.append(f"the {s.hits} of {s.n} record rests on few cycles" if s.small_sample
                     else f"{s.hits} of {s.n} past cycles went this way")
        if s.sign_test_p is not None:
            parts.append(f"chance alone gives a record this good {round(100 * s.sign_test_p)}% of the time"
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
    if study is None or study.summary.n < 3:
        return ""
    rows = study.rows[~study.rows["incomplete"].astype(bool) & ~study.rows["before_data"].astype(bool)]
    best = int(rows["spread"].to_numpy().argmax())
    rest = rows["spread"].drop(index=rows.index[best]).mean()
    return f"without its best cycle ({str(rows['cycle'].iloc[best]).removeprefix('cut ')}) the mean is {pp(rest)}"


def drivers_against(card: Scorecard | None, direction: int) -> list[str]:
    """Drivers of the scorecard that point the other way from the call, by weight."""
    if card is None or direction == 0:
        return []
    rows = sorted((r for r in card.rows if r.direction == -direction), key=lambda r: -r.weight)
    return [f"{r.driver} points the other way" for r in rows]


def evidence_against(ctx: Context, facts: Facts, direction: int) -> tuple[str, ...]:
    """Losing cycles, the mean without the best one, drivers the other way, an inflation warning (in that order)."""
    a, b = ctx.names
    items = []
    lost = losses(facts.study, direction)
    if lost:
        loser = a if direction >= 0 else b
        items.append(f"the {loser} lagged in {len(lost)} cycle{'s' if len(lost) > 1 else ''} ({', '.join(lost)})")
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


def what_would_change(card: Scorecard | None, b: str) -> str:
    """The fewest drivers whose turning neutral would take the score inside the no-call band."""
    if card is None:
        return ""
    if abs(card.score) < CALL_THRESHOLD:
        return (f"It would take a weighted score beyond +/-{CALL_THRESHOLD:.2f} (now {card.score:+.2f}) to make "
                "a call.")
    sign = 1 if card.score > 0 else -1
    helping = sorted((r for r in card.rows if sign * r.contribution > 0), key=lambda r: -abs(r.contribution))
    score, names = card.score, []
    for row in helping:
        score -= row.contribution
        names.append(row.driver)
        if abs(score) < CALL_THRESHOLD or np.sign(score) != sign:
            break
    if abs(score) >= CALL_THRESHOLD and np.sign(score) == sign:
        return "No single change of one driver would undo the call."
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (f"What would change it: {joined} turning neutral would drop the score from {card.score:+.2f} to "
            f"{score:+.2f}, below the {CALL_THRESHOLD:.2f} needed for a call.")


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
                0: f"no clear edge between the {a} and the {b}"}[direction]
        confidence = "low"
    else:
        raise Unavailable("neither the scorecard nor the past-cycle record could be computed")
    return BottomLine(call=call, direction=direction, confidence=confidence,
                      confidence_reason=confidence_reason(card, facts.study), expected=expected,
                      against=evidence_against(ctx, facts, direction), change=what_would_change(card, b))


def bottom_line_section(ctx: Context, facts: Facts) -> Section:
    """Section 1: the bottom line as one boxed paragraph."""
    line = bottom_line(ctx, facts)
    a, b = ctx.names
    return Section("bottom_line", "Bottom line", (Paragraph(line.text(ctx.months, a, b), role="bottom_line"),))
