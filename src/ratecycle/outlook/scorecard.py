"""The outlook scorecard: one row per driver with today's reading and what past cycles in the same state did.

Evidence for every driver comes from the same event study: the cutting cycles detected in data up to the
as-of date (or, when a calendar is given, its cutting cycles as known on that date), the ``months`` after each
cycle's anchor (the anchor of the current phase), complete windows only.
For the policy driver that is the whole study; for the others only the past cycles whose driver was in
today's state at the anchor (read with data up to the anchor) count. A driver's direction is what that
evidence says: +1 when A beat B in most such cycles and on average, -1 for the reverse, 0 otherwise or when
fewer than ``min_cases`` cycles match.
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
from .drivers import (
    DRIVERS,
    DriverState,
    PolicyPhase,
    calendar_name,
    clip_cycle,
    curve_state,
    inflation_state,
    momentum_state,
    policy_phase,
    policy_state,
    valuation_state,
)
from .inputs import OutlookInputs

DEFAULT_WEIGHTS: dict[str, float] = {"policy": 0.40, "momentum": 0.20, "inflation": 0.15, "curve": 0.15,
                                     "valuation": 0.10}
"""Policy first, then the rotation trace, the two macro risks, valuation last (see docs/outlook.md)."""
MIN_CASES = 3
HIT_MARGIN = 0.10
"""A direction needs a hit rate of at least 0.60 (or at most 0.40): 4 wins in 7 is not a lean."""
CALL_THRESHOLD = 0.20
"""|score| at or above this makes a call; below it the scorecard says 'no clear edge'."""
SMALL_SAMPLE = 10


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
    weight: float
    contribution: float
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
    """The outlook on one date for one pair: rows, weighted score, the call and how much to trust it."""

    as_of: pd.Timestamp
    a: str
    b: str
    months: int
    convention: Convention
    phase: str
    anchor: Anchor
    rows: tuple[DriverRow, ...]
    score: float
    call: str
    confidence: str
    confidence_reason: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle outlook --json``."""
        return {"as_of": self.as_of.date().isoformat(), "a": self.a, "b": self.b, "months": self.months,
                "convention": self.convention, "phase": self.phase, "anchor": self.anchor,
                "score": self.score, "call": self.call, "confidence": self.confidence,
                "confidence_reason": self.confidence_reason, "rows": [r.to_dict() for r in self.rows],
                "notes": list(self.notes)}

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


def _past_state(driver: str, inputs: OutlookInputs, when: pd.Timestamp, cycle_start: pd.Timestamp) -> DriverState:
    if driver == "momentum":
        return momentum_state(inputs, when)
    if driver == "valuation":
        return valuation_state(inputs, when)
    if driver == "inflation":
        return inflation_state(inputs, when)
    return curve_state(inputs, when, cycle_start)


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
        cycles = [c for c in (clip_cycle(c, as_of, rules) for c in given if c.direction == "cut") if c is not None]
        # named from the cycles given: clipping may leave none (all begin after the as-of date)
        phase = replace(policy_phase(inputs, rules, cycles=cycles), calendar=calendar_name(given))
    # The scorecard uses the study's windows, not its intervals or tests: skip the costly permutation test.
    study = event_study(inputs.prices_a, inputs.prices_b, cycles, anchor=phase.anchor, months=months,
                        convention=convention, with_baseline=False, reps=reps)
    rows = study.rows
    usable = rows[~rows["incomplete"].astype(bool) & ~rows["before_data"].astype(bool) & rows["spread"].notna()]
    by_label = {c.label: c for c in cycles}
    base = baseline(inputs.prices_a, inputs.prices_b, months=months, convention=convention)

    def percentile(mean: float | None) -> float | None:
        if mean is None or base is None or base.n == 0:
            return None
        return float(base.percentile(mean)[0])

    current = {
        "policy": policy_state(phase),
        "momentum": momentum_state(inputs, as_of),
        "valuation": valuation_state(inputs, as_of),
        "inflation": inflation_state(inputs, as_of),
        "curve": curve_state(inputs, as_of, phase.cycle_start),
    }
    draft: list[dict[str, Any]] = []
    for driver in DRIVERS:
        state = current[driver]
        note = ""
        if driver == "policy":
            matched = usable if phase.phase != "none" else usable.iloc[0:0]
            if phase.phase == "none":
                note = "no cutting cycle under way: no phase evidence applies"
        elif state.state is None:
            matched = usable.iloc[0:0]
            note = state.reading
        else:
            keep = []
            for anchor, label in zip(usable["anchor"].tolist(), usable["cycle"].tolist(), strict=True):
                past = _past_state(driver, inputs, pd.Timestamp(anchor), by_label[label].start)
                keep.append(past.state == state.state)
            matched = usable[np.asarray(keep, dtype=bool)] if keep else usable.iloc[0:0]
        spreads = matched["spread"].to_numpy(dtype="float64")
        n = int(spreads.size)
        hit = float(np.mean(spreads > 0)) if n else None
        mean = float(np.mean(spreads)) if n else None
        direction = evidence_direction(n, hit, mean, min_cases)
        if state.state is not None and n < min_cases and not note:
            note = f"only {n} past cycle(s) in this state (< {min_cases}): no direction"
        elif n >= min_cases and direction == 0 and hit is not None and mean is not None:
            note = f"no clear lean: A ahead in {round(hit * n)} of {n}, mean spread {mean * 100:+.1f}%"
        if state.note:
            note = f"{note}; {state.note}" if note else state.note
        draft.append({"driver": driver, "state": state, "n": n, "hit": hit, "mean": mean,
                      "pct": percentile(mean), "direction": direction, "weight": w[driver],
                      "contribution": w[driver] * direction, "cycles": tuple(matched["cycle"]), "note": note})
    order = sorted(draft, key=lambda d: (-abs(d["contribution"]), -d["weight"], DRIVERS.index(d["driver"])))
    ranks = {d["driver"]: i + 1 for i, d in enumerate(order)}
    out_rows = tuple(
        DriverRow(driver=d["driver"], reading=d["state"].reading, state=d["state"].state, signal=d["state"].signal,
                  n=d["n"], hit_rate=d["hit"], mean_spread=d["mean"], baseline_percentile=d["pct"],
                  direction=d["direction"], weight=d["weight"], contribution=d["contribution"],
                  rank=ranks[d["driver"]], cycles=d["cycles"], note=d["note"], detail=d["state"].detail)
        for d in sorted(draft, key=lambda d: ranks[d["driver"]]))
    total = sum(w.values())
    # rounded so that weights summing to 1.0000000000000002 cannot push a score of exactly 0.2 below the threshold
    score = round(float(sum(r.contribution for r in out_rows) / total), 12)
    call, confidence, reason = _call(score, out_rows, inputs.a, inputs.b)
    if phase.calendar is None:
        policy_notes: tuple[str, ...] = (
            f"evidence: {months}-month windows after each past cut cycle's {phase.anchor} ({convention} convention), "
            f"complete by {as_of.date()}; cycles detected from target data up to that date with "
            + ("the default rules" if rules is None else
               f"rules {rules.rule}, min_pause {rules.min_pause} d, max_gap {rules.max_gap} d"),
            "a target change counts from the close of its announcement day (the as-of gate's release rule), so a "
            "decision announced on the as-of date is included")
    else:
        policy_notes = (
            f"evidence: {months}-month windows after each past cut cycle's {phase.anchor} ({convention} convention), "
            f"complete by {as_of.date()}; cycles, their phases and today's phase from {phase.calendar}, clipped at "
            "that date",
            "the calendar dates a cut by its announcement day: a phase boundary dated on or before the as-of date "
            "counts, one after it does not",)
    notes = (
        *policy_notes,
        "core PCE month M counts from the end of M+1, Shiller earnings from the end of M+3; values are the latest "
        "vintage (revised)",
        *(f"missing series: {name}" for name in inputs.missing),
    )
    return Scorecard(as_of=as_of, a=inputs.a, b=inputs.b, months=months, convention=convention, phase=phase.phase,
                     anchor=phase.anchor, rows=out_rows, score=score, call=call, confidence=confidence,
                     confidence_reason=reason, notes=notes)


def _call(score: float, rows: tuple[DriverRow, ...], a: str, b: str) -> tuple[str, str, str]:
    """The overall call and an honest confidence: never above 'low' when the policy evidence is a small sample."""
    if score >= CALL_THRESHOLD:
        call = f"{a} ahead of {b}"
    elif score <= -CALL_THRESHOLD:
        call = f"{b} ahead of {a}"
    else:
        call = "no clear edge"
    policy = next(r for r in rows if r.driver == "policy")
    active = [r for r in rows if r.direction != 0]
    agree = sum(r.weight for r in active if np.sign(r.direction) == np.sign(score))
    weight_active = sum(r.weight for r in active)
    if policy.n < SMALL_SAMPLE:
        confidence = "low"
        reason = (f"small sample: the policy evidence rests on {policy.n} past cycle(s); "
                  f"{len(active)} of {len(rows)} drivers have a direction")
    elif abs(score) >= 0.5 and weight_active and agree / weight_active >= 0.75:
        confidence, reason = "moderate", f"{policy.n} past cycles; drivers with a direction largely agree"
    else:
        confidence, reason = "low", f"{policy.n} past cycles; drivers disagree or the score is small"
    return call, confidence, reason
