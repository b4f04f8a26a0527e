"""The state of each outlook driver on a date, computed only from data on or before that date.

A state is a short category (a phase, a sign, a flag) so that past cycles in the same state can be found;
``signal`` is the direction the usual argument reads into it (+1 favours A over B), shown for reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..cycles.pit import PointInTimeLabel
from ..cycles.rules import CycleRules
from ..errors import DataError
from .inputs import OutlookInputs

DRIVERS: tuple[str, ...] = ("policy", "momentum", "valuation", "inflation", "curve")
PHASE_ANCHOR = {"early": "cycle_start", "pause": "pause_start", "later": "later_start"}
VALUATION_YEARS = 5
RICH_Z = 1.0
"""A multiple at least this many trailing standard deviations above (below) its mean is rich (cheap)."""


@dataclass(frozen=True)
class DriverState:
    """One driver on one date: its category, a sentence, the conventional signal and the numbers behind it."""

    driver: str
    state: str | None
    """None when the driver cannot be read on that date (missing or too short data)."""
    reading: str
    signal: int = 0
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class PolicyPhase:
    """The cutting-cycle phase on a date, from the cycle engine's point-in-time label."""

    phase: str
    """'none', 'early', 'pause' or 'later' (a later phase that is pausing again stays 'later')."""
    label: PointInTimeLabel | None

    @property
    def anchor(self) -> str:
        """The event-study anchor matching the phase (cycle start when no cycle is running)."""
        return PHASE_ANCHOR.get(self.phase, "cycle_start")

    @property
    def cycle_start(self) -> pd.Timestamp | None:
        """Announcement date of the current cycle's first cut, if a cutting cycle is running."""
        return self.label.cycle_start if self.label is not None and self.phase != "none" else None


def policy_phase(inputs: OutlookInputs, rules: CycleRules | None = None) -> PolicyPhase:
    """Phase on the as-of date from the moves in the target data up to it (``cycles.walk_labels``)."""
    from ..cycles.moves import policy_moves
    from ..cycles.pit import walk_labels

    rules = rules or CycleRules()
    moves = policy_moves(inputs.target_upper, inputs.target_lower, inputs.meetings, rules.meeting_window)
    label = walk_labels(moves, [inputs.as_of], rules)[0]
    if not label.in_cycle or label.direction != "cut":
        return PolicyPhase("none", label)
    return PolicyPhase(label.phase.split(",")[0], label)


def policy_state(phase: PolicyPhase) -> DriverState:
    """The policy driver's reading (its evidence is the event study at the phase's anchor)."""
    label = phase.label
    if phase.phase == "none" or label is None:
        hiking = label is not None and label.in_cycle and label.direction == "hike"
        return DriverState("policy", "none", "a hiking cycle is under way" if hiking else
                           "no cutting cycle under way", 0, {"phase": "none"})
    start = label.cycle_start.date() if label.cycle_start is not None else None
    last = label.last_move.date() if label.last_move is not None else None
    if phase.phase == "early":
        text = f"early phase of the cut cycle begun {start} ({label.moves_in_cycle} cuts)"
    elif phase.phase == "pause":
        text = f"pause: no move for {label.days_since_last_move} days since {last} (cycle begun {start})"
    else:
        resumed = label.later_phase_start.date() if label.later_phase_start is not None else None
        again = f"; pausing again, {label.days_since_last_move} days since {last}" if label.pause_underway else ""
        text = f"later phase: cuts resumed {resumed} after a pause (cycle begun {start}){again}"
    return DriverState("policy", phase.phase, text, 1 if phase.phase == "later" else 0,
                       {"phase": phase.phase, "label": label.to_dict()})


def momentum_state(inputs: OutlookInputs, when: pd.Timestamp) -> DriverState:
    """Relative momentum of A vs B over 1, 3 and 6 months; the state is the majority sign."""
    from ..momentum import relative_momentum

    try:
        result = relative_momentum(inputs.prices_a, inputs.prices_b, when, a_name=inputs.a, b_name=inputs.b)
    except DataError as exc:
        return DriverState("momentum", None, f"not available: {exc}")
    parts = ", ".join(f"{h.months}m {h.relative * 100:+.1f}%" for h in result.horizons)
    return DriverState("momentum", f"{result.signal:+d}", f"{inputs.a} vs {inputs.b}: {parts}", result.signal,
                       {f"relative_{h.months}m": h.relative for h in result.horizons})


def _bucket(z: float) -> tuple[str, int]:
    if z >= RICH_Z:
        return "rich", 1
    if z <= -RICH_Z:
        return "cheap", -1
    return "fair", 0


def valuation_state(inputs: OutlookInputs, when: pd.Timestamp) -> DriverState:
    """A's P/E relative to B's against its 5-year history; without A's P/E, B's own P/E as a labelled proxy."""
    from .. import valuation as val

    try:
        if inputs.pe_a is not None and inputs.pe_b is not None:
            result = val.relative_valuation(inputs.pe_a, inputs.pe_b, a_name=inputs.pe_a_name,
                                            b_name=inputs.pe_b_name, as_of=when, years=VALUATION_YEARS)
            bucket, sign = _bucket(result.zscore)
            return DriverState("valuation", f"relative:{bucket}",
                               f"{result.series} {result.value:.2f}, z {result.zscore:+.2f} vs 5y mean "
                               f"({bucket} for {inputs.a})", -sign,
                               {"series": result.series, "value": result.value, "zscore": result.zscore,
                                "observation_date": result.observation_date.date().isoformat()})
        if inputs.pe_b is None:
            return DriverState("valuation", None, f"not available: neither {inputs.pe_a_name} nor "
                                                  f"{inputs.pe_b_name} can be loaded")
        result = val.valuation(inputs.pe_b, name=inputs.pe_b_name, as_of=when, years=VALUATION_YEARS,
                               lag_months=val.PUBLICATION_LAG_MONTHS.get(inputs.pe_b_name))
    except DataError as exc:
        return DriverState("valuation", None, f"not available: {exc}")
    bucket, sign = _bucket(result.zscore)
    hint = val.IMPORT_COMMANDS.get(inputs.pe_a_name, "")
    return DriverState("valuation", f"proxy:{bucket}",
                       f"proxy (no {inputs.pe_a_name}): {inputs.pe_b_name} {result.value:.1f}, "
                       f"z {result.zscore:+.2f} vs 5y mean ({bucket})", sign,
                       {"series": inputs.pe_b_name, "value": result.value, "zscore": result.zscore,
                        "observation_date": result.observation_date.date().isoformat(), "proxy": True},
                       note=f"{inputs.pe_a_name} is missing, so B's own P/E stands in; import it with: {hint}")


INFLATION_SIGNAL = {"pressure": -1, "watch": 0, "calm": 1}


def inflation_state(inputs: OutlookInputs, when: pd.Timestamp) -> DriverState:
    """Core PCE flag (pressure / watch / calm) from months published by ``when``."""
    from ..inflation import inflation_monitor

    if inputs.core_pce is None:
        return DriverState("inflation", None, "not available: core_pce cannot be loaded")
    try:
        reading = inflation_monitor(inputs.core_pce, when)
    except DataError as exc:
        return DriverState("inflation", None, f"not available: {exc}")
    return DriverState("inflation", reading.flag,
                       f"core PCE {reading.month:%Y-%m} YoY {reading.yoy:.2f}%, 3m ann. {reading.ann3:.2f}%; "
                       f"{reading.flag}", INFLATION_SIGNAL[reading.flag],
                       {"month": reading.month.strftime("%Y-%m"), "yoy": reading.yoy, "ann3": reading.ann3,
                        "low_month": reading.low_month.strftime("%Y-%m"),
                        "months_rising_since_low": reading.months_rising_since_low})


def curve_state(inputs: OutlookInputs, when: pd.Timestamp, cycle_start: pd.Timestamp | None) -> DriverState:
    """10y-2y change since the cycle start (or over 6 months): steepening, flat or flattening."""
    from ..curve import curve_reading

    if inputs.curve_spread is None:
        return DriverState("curve", None, "not available: no 10y-2y spread")
    try:
        reading = curve_reading(inputs.curve_spread, when, cycle_start=cycle_start)
    except DataError as exc:
        return DriverState("curve", None, f"not available: {exc}")
    word = {1: "steepening", 0: "little changed", -1: "flattening"}[reading.direction]
    return DriverState("curve", word, f"10y-2y {reading.level:+.2f} pp, {reading.change:+.2f} since "
                                      f"{reading.since_basis} ({word})", reading.direction,
                       {"level": reading.level, "change": reading.change, "since": reading.since.date().isoformat()})
