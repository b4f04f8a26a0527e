"""The outlook scorecard: one row per driver with today's reading and what past cycles in the same state did.

The evidence is one event study: the cutting cycles detected in data up to the as-of date (or, when a calendar is
given, its cutting cycles as known on that date), the ``months`` after each cycle's anchor (the anchor of the current
phase), complete windows only. Every cycle counts once in the probability (``combine``): weighted by the share of
today's drivers (equal weights by default) it matches at its anchor, read with data up to that day. Each row shows
the cycles matching its driver, their hit rate and mean spread, and its contribution: how far the probability moves
when the driver is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Anchor, Convention
from ..cycles.model import Cycle
from ..cycles.rules import CycleRules
from ..errors import RatecycleError
from .combine import CALL_POSTERIOR, Combined, Evidence, call_of, combine, contribution
from .drivers import (
    DRIVERS,
    DriverState,
    PolicyPhase,
    calendar_name,
    clip_cycles,
    policy_phase,
    policy_state,
    state_at,
)
from .inputs import OutlookInputs

DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(DRIVERS, 0.2)
"""Equal: nothing in a handful of cycles can tell which driver matters more (see docs/outlook.md)."""
MIN_CASES = 3
HIT_MARGIN = 0.10
"""A row's lean needs a hit rate of at least 0.60 (or at most 0.40): 4 wins in 7 is not a lean."""
SMALL_SAMPLE = 10
"""Below this effective number of past cycles the confidence is low whatever the posterior."""
MODERATE_POSTERIOR = 0.95
"""With at least SMALL_SAMPLE effective cycles, a posterior of 0.95 (or 0.05) or beyond gives moderate confidence."""


@dataclass(frozen=True)
class DriverRow:
    """One scorecard row."""

    driver: str
    reading: str
    state: str | None
    signal: int
    n: int
    hit_rate: float | None
    """Share of the matching past cycles in which A beat B over the window."""
    mean_spread: float | None
    """Mean of A's return minus B's over those windows (fraction)."""
    baseline_percentile: float | None
    """Where that mean falls among all N-month spreads known at the as-of date (0..1)."""
    direction: int
    """Lean of the matching cycles (``evidence_direction``); shown for reading, not added up."""
    weight: float
    contribution: float
    """Probability with every driver minus the probability without this one."""
    rank: int
    cycles: tuple[str, ...] = ()
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        out["cycles"] = list(self.cycles)
        return out


@dataclass(frozen=True)
class Scorecard:
    """The outlook on one date for one pair: rows, the probability, the call and how much to trust it."""

    as_of: pd.Timestamp
    a: str
    b: str
    months: int
    convention: Convention
    phase: str
    anchor: Anchor
    rows: tuple[DriverRow, ...]
    score: float
    """2 x probability - 1 (kept for compatibility)."""
    call: str
    confidence: str
    confidence_reason: str
    notes: tuple[str, ...] = ()
    probability: float = 0.5
    """Probability that A beats B over the window (``combine``)."""
    posterior_above_half: float = 0.5
    """Posterior probability that A's win rate exceeds one half; the call needs 0.80 (or 0.20)."""
    effective_n: float = 0.0
    """Sum of the similarities: what the evidence is worth in whole cycles."""
    weighted_hits: float = 0.0
    """Sum of the similarities of the cycles in which A won."""
    policy_n: int = 0
    """Past cycles at today's anchor (the evidence set), every one counted fully."""
    policy_share: float | None = None
    """Share of them in which A beat B (unweighted)."""
    similarity: tuple[tuple[str, float], ...] = ()
    """(cycle, s_i) for every cycle of the evidence set."""

    @property
    def direction(self) -> int:
        """+1 when the call is A ahead, -1 B ahead, 0 no clear edge."""
        return call_of(self.posterior_above_half)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle outlook --json``."""
        return {"as_of": self.as_of.date().isoformat(), "a": self.a, "b": self.b, "months": self.months,
                "convention": self.convention, "phase": self.phase, "anchor": self.anchor,
                "probability": self.probability, "posterior_above_half": self.posterior_above_half,
                "effective_n": self.effective_n, "weighted_hits": self.weighted_hits, "policy_n": self.policy_n,
                "policy_share": self.policy_share,
                "score": self.score, "call": self.call, "confidence": self.confidence,
                "confidence_reason": self.confidence_reason,
                "similarity": [{"cycle": c, "similarity": s} for c, s in self.similarity],
                "rows": [r.to_dict() for r in self.rows], "notes": list(self.notes)}

    def to_frame(self) -> pd.DataFrame:
        """Rows as a DataFrame in rank order (for tables and CSV)."""
        cols = ["rank", "driver", "reading", "direction", "weight", "contribution", "n", "hit_rate", "mean_spread",
                "baseline_percentile", "signal", "state", "note"]
        return pd.DataFrame([r.to_dict() for r in self.rows])[cols]


def parse_weights(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """Weights from 'policy=0.5,curve=0.1' (unnamed drivers keep their default); all must be >= 0."""
    weights = dict(DEFAULT_WEIGHTS)
    if text is None:
        return weights
    items = text.items() if isinstance(text, Mapping) else (
        part.split("=", 1) for part in str(text).split(",") if part.strip())
    for item in items:
        if len(item) != 2:
            raise RatecycleError(f"weights must look like policy=0.4,curve=0.15; got {text!r}")
        name, raw = str(item[0]).strip(), item[1]
        if name not in DRIVERS:
            raise RatecycleError(f"unknown driver {name!r} in weights (drivers: {', '.join(DRIVERS)})")
        try:
            value = float(raw)
        except ValueError:
            raise RatecycleError(f"weight for {name} is not a number: {raw!r}") from None
        if not np.isfinite(value) or value < 0:
            raise RatecycleError(f"weight for {name} must be a finite number >= 0, got {raw!r}")
        weights[name] = value
    if sum(weights.values()) <= 0:
        raise RatecycleError("at least one weight must be positive")
    return weights


def evidence_direction(n: int, hit_rate: float | None, mean: float | None, min_cases: int = MIN_CASES,
                       margin: float = HIT_MARGIN) -> int:
    """+1 / -1 when at least ``min_cases`` cycles lean clearly one way in hit rate and in mean spread, else 0."""
    if n < min_cases or hit_rate is None or mean is None:
        return 0
    if hit_rate >= 0.5 + margin and mean > 0:
        return 1
    if hit_rate <= 0.5 - margin and mean < 0:
        return -1
    return 0


def scorecard(inputs: OutlookInputs, *, weights: str | Mapping[str, float] | None = None, months: int = 12,
              convention: Convention = "daily", min_cases: int = MIN_CASES, reps: int = 200,
              cycles: Sequence[Cycle] | None = None, rules: CycleRules | None = None) -> Scorecard:
    """Build the scorecard from inputs already cut at the as-of date (see ``inputs_from_source``).

    ``cycles`` (a calendar's cutting cycles, e.g. a preset) replaces detection for today's phase and for the
    past-cycle evidence; each cycle is clipped at the as-of date first, so nothing dated after it is used.
    Without a calendar, cycles and today's phase are detected from the target data with ``rules`` (default
    rules when None).
    """
    from ..cycles import detect_cycles
    from ..events import baseline, event_study

    w = parse_weights(weights)
    as_of = inputs.as_of
    if cycles is None:
        cycles = detect_cycles(inputs.target_upper, inputs.target_lower, inputs.meetings, rules, direction="cut")
        phase: PolicyPhase = policy_phase(inputs, rules)
    else:
        given = list(cycles)
        cycles = clip_cycles([c for c in given if c.direction == "cut"], as_of, rules)
        # named from the cycles given: clipping may leave none (all begin after the as-of date)
        phase = replace(policy_phase(inputs, rules, cycles=cycles), calendar=calendar_name(given))
    # The scorecard uses the study's windows, not its intervals or tests: skip the costly permutation test.
    study = event_study(inputs.prices_a, inputs.prices_b, cycles, anchor=phase.anchor, months=months,
                        convention=convention, with_baseline=False, reps=reps)
    rows = study.rows
    usable = rows[~rows["incomplete"].astype(bool) & ~rows["before_data"].astype(bool) & rows["spread"].notna()]
    if phase.phase == "none":
        usable = usable.iloc[0:0]  # no cutting cycle under way: no past cycle is in today's situation
    by_label = {c.label: c for c in cycles}
    base = baseline(inputs.prices_a, inputs.prices_b, months=months, convention=convention)

    def percentile(mean: float | None) -> float | None:
        if mean is None or base is None or base.n == 0:
            return None
        return float(base.percentile(mean)[0])

    current: dict[str, DriverState] = {"policy": policy_state(phase)} | {
        d: state_at(d, inputs, as_of, phase.cycle_start) for d in DRIVERS if d != "policy"}
    today = {d: current[d].state for d in DRIVERS}
    evidence = tuple(
        Evidence(str(label), float(spread), {d: (state_at(d, inputs, pd.Timestamp(anchor), by_label[label].start).state
                                                 if d != "policy" and today[d] is not None else None)
                                             for d in DRIVERS})
        for label, anchor, spread in zip(usable["cycle"], usable["anchor"], usable["spread"], strict=True))
    combined = combine(evidence, today, w)
    draft: list[dict[str, Any]] = []
    for driver in DRIVERS:
        state = current[driver]
        note = ""
        if driver == "policy":
            matched = list(evidence)
            if phase.phase == "none":
                note = "no cutting cycle under way: no phase evidence applies"
        elif state.state is None:
            matched = []
            note = state.reading
        else:
            matched = [e for e in evidence if e.states[driver] == state.state]
        spreads = np.array([e.spread for e in matched], dtype="float64")
        n = int(spreads.size)
        hit = float(np.mean(spreads > 0)) if n else None
        mean = float(np.mean(spreads)) if n else None
        direction = evidence_direction(n, hit, mean, min_cases)
        if state.state is not None and driver != "policy" and n < min_cases and not note:
            note = f"only {n} past cycle(s) in this state (< {min_cases}): no lean"
        elif n >= min_cases and direction == 0 and hit is not None and mean is not None:
            note = f"no clear lean: A ahead in {round(hit * n)} of {n}, mean spread {mean * 100:+.1f}%"
        if state.note:
            note = f"{note}; {state.note}" if note else state.note
        draft.append({"driver": driver, "state": state, "n": n, "hit": hit, "mean": mean,
                      "pct": percentile(mean), "direction": direction, "weight": w[driver],
                      "contribution": contribution(evidence, today, w, driver),
                      "cycles": tuple(e.label for e in matched), "note": note})
    order = sorted(draft, key=lambda d: (-abs(d["contribution"]), -d["weight"], DRIVERS.index(d["driver"])))
    ranks = {d["driver"]: i + 1 for i, d in enumerate(order)}
    out_rows = tuple(
        DriverRow(driver=d["driver"], reading=d["state"].reading, state=d["state"].state, signal=d["state"].signal,
                  n=d["n"], hit_rate=d["hit"], mean_spread=d["mean"], baseline_percentile=d["pct"],
                  direction=d["direction"], weight=d["weight"], contribution=d["contribution"],
                  rank=ranks[d["driver"]], cycles=d["cycles"], note=d["note"], detail=d["state"].detail)
        for d in sorted(draft, key=lambda d: ranks[d["driver"]]))
    call, confidence, reason = _call(combined, len(evidence), inputs.a, inputs.b)
    policy = out_rows[[r.driver for r in out_rows].index("policy")]
    notes = (*_policy_notes(phase, months, convention, as_of, rules), _method_note(w, combined),
             release_note(inputs, current["valuation"]), *(f"missing series: {name}" for name in inputs.missing))
    return Scorecard(as_of=as_of, a=inputs.a, b=inputs.b, months=months, convention=convention, phase=phase.phase,
                     anchor=phase.anchor, rows=out_rows, score=round(2.0 * combined.probability - 1.0, 12),
                     call=call, confidence=confidence, confidence_reason=reason, notes=notes,
                     probability=combined.probability, posterior_above_half=combined.posterior_above_half,
                     effective_n=combined.effective_n, weighted_hits=combined.weighted_hits, policy_n=policy.n,
                     policy_share=policy.hit_rate,
                     similarity=tuple((e.label, s) for e, s in zip(evidence, combined.similarity, strict=True)))


def _policy_notes(phase: PolicyPhase, months: int, convention: Convention, as_of: pd.Timestamp,
                  rules: CycleRules | None) -> tuple[str, ...]:
    """Where the evidence comes from: detected cycles (with which rules) or a calendar, and how a cut is dated."""
    if phase.calendar is None:
        return (
            f"evidence: {months}-month windows after each past cut cycle's {phase.anchor} ({convention} convention), "
            f"complete by {as_of.date()}; cycles detected from target data up to that date with "
            + ("the default rules" if rules is None else
               f"rules {rules.rule}, min_pause {rules.min_pause} d, max_gap {rules.max_gap} d"),
            "a target change counts from the close of its announcement day (the as-of gate's release rule), so a "
            "decision announced on the as-of date is included")
    return (
        f"evidence: {months}-month windows after each past cut cycle's {phase.anchor} ({convention} convention), "
        f"complete by {as_of.date()}; cycles, their phases and today's phase from {phase.calendar}, clipped at "
        "that date",
        "the calendar dates a cut by its announcement day: a phase boundary dated on or before the as-of date "
        "counts, one after it does not",)


def _method_note(weights: Mapping[str, float], combined: Combined) -> str:
    """How the probability and the call are made, with the weights of the drivers read today."""
    used = ", ".join(f"{d} {weights[d]:g}" for d in combined.drivers) or "none"
    return (f"probability: each past cycle counts once, weighted by the share of today's drivers it matches at its "
            f"anchor (weights {used}); (weighted wins + 1) / (weighted cycles + 2); a call needs P(win rate > 1/2) "
            f">= {CALL_POSTERIOR:.2f} or <= {1 - CALL_POSTERIOR:.2f}")


def release_note(inputs: OutlookInputs, valuation: DriverState) -> str:
    """The catalog's release rules of the monthly series the inflation and valuation rows read."""
    from ..data.catalog import release_rule

    names = ["core_pce"] if inputs.core_pce is not None else []
    series = valuation.detail.get("series")
    if isinstance(series, str):
        names.extend(series.split("/"))
        if valuation.detail.get("method") == "price_updated":
            names.append("shiller:E")
    rules = [(name, release_rule(name)) for name in names]
    parts = [f"{name} {rule.describe()}" for name, rule in rules if rule is not None and rule.kind != "same_day"]
    if not parts:
        return "no monthly series with a publication lag is read; values are the latest vintage (revised)"
    return f"release rules: {'; '.join(parts)}; values are the latest vintage (revised)"


def _call(combined: Combined, n: int, a: str, b: str) -> tuple[str, str, str]:
    """The call from the posterior and an honest confidence: low whenever the evidence is worth few cycles."""
    call = {1: f"{a} ahead of {b}", -1: f"{b} ahead of {a}", 0: "no clear edge"}[combined.call]
    post, eff = combined.posterior_above_half, combined.effective_n
    worth = (f"{n} past cycle(s) at today's phase, worth {eff:.1f} weighted by resemblance; "
             f"P(win rate > 1/2) {post:.2f}")
    if eff < SMALL_SAMPLE:
        return call, "low", f"small sample: {worth}"
    if post >= MODERATE_POSTERIOR or post <= 1 - MODERATE_POSTERIOR:
        return call, "moderate", worth
    return call, "low", f"{worth}, short of {MODERATE_POSTERIOR:.2f}"
