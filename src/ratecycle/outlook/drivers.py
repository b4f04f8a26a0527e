"""The state of each outlook driver on a date, computed only from data on or before that date.

A state is a short category (a phase, a sign, a flag) so that past cycles in the same state can be found;
``signal`` is the direction the usual argument reads into it (+1 favours A over B), shown for reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from .._typing import Anchor
from ..cycles.model import Cycle
from ..cycles.pit import PointInTimeLabel
from ..cycles.rules import CycleRules
from ..errors import DataError
from .inputs import OutlookInputs

DRIVERS: tuple[str, ...] = ("policy", "momentum", "valuation", "inflation", "curve")
PHASE_ANCHOR: dict[str, Anchor] = {"early": "cycle_start", "pause": "pause_start", "later": "later_start"}
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
    """The cutting-cycle phase on a date, from the cycle engine's point-in-time label or a cycle calendar."""

    phase: str
    """'none', 'early', 'pause' or 'later' (a later phase that is pausing again stays 'later')."""
    label: PointInTimeLabel | None
    calendar: str | None = None
    """Where the phase comes from when a calendar was given (e.g. 'calendar preset note-2025'); None: detection."""

    @property
    def anchor(self) -> Anchor:
        """The event-study anchor matching the phase (cycle start when no cycle is running)."""
        return PHASE_ANCHOR.get(self.phase, "cycle_start")

    @property
    def cycle_start(self) -> pd.Timestamp | None:
        """Announcement date of the current cycle's first cut, if a cutting cycle is running."""
        return self.label.cycle_start if self.label is not None and self.phase != "none" else None


def clip_cycle(cycle: Cycle, as_of: pd.Timestamp, rules: CycleRules | None = None) -> Cycle | None:
    """A cycle as known at the end of ``as_of``: nothing dated after it, nothing known only in hindsight.

    Moves announced later are dropped (the cycle is then still running on ``as_of``); a move announced on
    ``as_of`` counts that day, as the as-of gate releases its target row at that day's close. A pause ending
    later is dropped too. Its start is kept in
    ``pause_from`` only once ``rules.min_pause`` days have passed without a cut: before that, the last
    cut looks like any other cut of the early phase. A calendar cycle's end becomes its last cut known on
    ``as_of`` (a calendar boundary is a cut dated by announcement, so it counts that day even before the
    effective-dated target data shows it), and the cycle stays under way until ``rules.max_gap`` days have
    passed without a cut, as in detection: that a cut was the last is known only then.
    """
    rules = rules or CycleRules()
    if cycle.start > as_of:
        return None
    moves = tuple(m for m in cycle.moves if m.announced <= as_of)
    changes: dict[str, Any] = {}
    if len(moves) != len(cycle.moves):
        changes.update(moves=moves, ongoing=True)
    pause = cycle.pause
    if pause is not None and pause.end > as_of:
        changes.update(pause=None, pauses=(), ongoing=True)
        if pause.start <= as_of:
            changes["calendar_cut"] = pause.start  # a cut on its day, whether or not a pause is known to follow
            if (as_of - pause.start).days >= rules.min_pause:
                changes["pause_from"] = pause.start
        pause = None
    elif any(p.end > as_of for p in cycle.pauses):
        changes["pauses"] = tuple(p for p in cycle.pauses if p.end <= as_of)
    cal_end = cycle.calendar_end
    if cal_end is not None:
        known = [m.announced for m in moves] + [cycle.start] + [d for d in (
            changes.get("calendar_cut"), pause.start if pause else None, pause.end if pause else None) if d is not None]
        latest = max(known)
        if cal_end > as_of:
            changes.update(calendar_end=latest, ongoing=True)
        elif latest > cal_end:
            changes["calendar_end"] = latest
        if not cycle.ongoing and cal_end <= as_of and (as_of - min(cal_end, latest)).days < rules.max_gap:
            changes["ongoing"] = True  # ended in hindsight, but no gap long enough to show it yet
    if cycle.data_end is not None and cycle.data_end > as_of:
        changes["data_end"] = as_of
    if not changes:
        return cycle
    if not changes.get("moves", moves) and cycle.calendar_start is None:
        return None
    return replace(cycle, **changes)


def clip_cycles(cycles: Sequence[Cycle], as_of: pd.Timestamp, rules: CycleRules | None = None) -> list[Cycle]:
    """Each cycle as known at the end of ``as_of`` (``clip_cycle``); cycles not begun by then are left out."""
    return [c for c in (clip_cycle(c, as_of, rules) for c in cycles) if c is not None]


def known_cuts(cycle: Cycle, as_of: pd.Timestamp) -> list[pd.Timestamp]:
    """Announcement days of the cycle's cuts known on ``as_of``, sorted.

    The cuts in the target data, plus, for a calendar cycle, its boundary days (each one a cut, including a pause
    start not yet known as one: ``calendar_cut``) that fall after the last of them and on or before
    ``as_of`` (a calendar may name a cut the target data does not show).
    """
    days = sorted({m.announced for m in cycle.moves if m.announced <= as_of})
    if cycle.calendar_start is None:
        return days
    bounds = [cycle.start, cycle.end, cycle.pause_from, cycle.calendar_cut,
              *((cycle.pause.start, cycle.pause.end) if cycle.pause is not None else ())]
    after = {d for d in bounds if d is not None and d <= as_of and (not days or d > days[-1])}
    return days + sorted(after)


def calendar_name(cycles: Sequence[Cycle]) -> str:
    """Reader-facing name of where a list of cycles comes from, e.g. 'calendar preset note-2025'."""
    names = []
    for source in dict.fromkeys(c.source for c in cycles):
        if source.startswith("preset:"):
            names.append(f"calendar preset {source.removeprefix('preset:')}")
        elif source == "calendar":
            names.append("a calendar file")
        else:
            names.append(f"the given cycles ({source})")
    return ", ".join(names) or "the given calendar (no cycles)"


def calendar_phase(cycles: Sequence[Cycle], as_of: pd.Timestamp, rules: CycleRules | None = None) -> PolicyPhase:
    """Phase on ``as_of`` from a list of cutting cycles (a calendar) as known that day.

    The current cycle is the latest one begun on or before ``as_of``; it is under way while it is ongoing or
    until ``rules.max_gap`` days after its last cut. Its later phase has begun once the pause's end is on or
    before ``as_of``; it is in its pause once ``rules.min_pause`` days have passed since the pause's start, else
    in its early phase; a later phase with no cut for ``rules.min_pause`` days is pausing again, as in the
    detected label.
    """
    rules = rules or CycleRules()
    name = calendar_name(cycles)
    known = clip_cycles([c for c in cycles if c.direction == "cut"], as_of, rules)
    current = max(known, key=lambda c: c.start) if known else None
    if current is None or not (current.ongoing or as_of <= current.end):
        return PolicyPhase("none", None, name)
    cuts = known_cuts(current, as_of)
    last = cuts[-1] if cuts else current.start
    silent = int((as_of - last).days)
    pause_from = current.pause_from
    later = current.pause.end if current.pause is not None else None
    if later is not None:
        phase, pausing, pause_start = "later", silent >= rules.min_pause, last if silent >= rules.min_pause else None
    elif pause_from is not None:
        phase, pausing, pause_start = "pause", True, pause_from
    else:
        phase, pausing, pause_start = "early", False, None
    label = PointInTimeLabel(date=as_of, in_cycle=True, direction="cut", cycle_start=current.start, last_move=last,
                             days_since_last_move=silent, moves_in_cycle=len(cuts), pause_underway=pausing,
                             pause_start=pause_start, later_phase_started=later is not None,
                             later_phase_start=later)
    return PolicyPhase(phase, label, name)


def policy_phase(inputs: OutlookInputs, rules: CycleRules | None = None,
                 cycles: Sequence[Cycle] | None = None) -> PolicyPhase:
    """Phase on the as-of date: from ``cycles`` (a calendar) when given, else from the target data's moves.

    Without a calendar the moves in the target data up to the as-of date are walked (``cycles.walk_labels``).
    """
    from ..cycles.moves import policy_moves
    from ..cycles.pit import walk_labels

    rules = rules or CycleRules()
    if cycles is not None:
        return calendar_phase(cycles, inputs.as_of, rules)
    moves = policy_moves(inputs.target_upper, inputs.target_lower, inputs.meetings, rules.meeting_window)
    label = walk_labels(moves, [inputs.as_of], rules)[0]
    if not label.in_cycle or label.direction != "cut":
        return PolicyPhase("none", label)
    return PolicyPhase(label.phase.split(",")[0], label)


def policy_state(phase: PolicyPhase) -> DriverState:
    """The policy driver's reading (its evidence is the event study at the phase's anchor)."""
    label = phase.label
    source = {"calendar": phase.calendar} if phase.calendar else {}
    if phase.phase == "none" or label is None:
        hiking = label is not None and label.in_cycle and label.direction == "hike"
        return DriverState("policy", "none", "a hiking cycle is under way" if hiking else
                           "no cutting cycle under way", 0, {"phase": "none"} | source)
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
                       {"phase": phase.phase, "label": label.to_dict()} | source)


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
    """A's P/E relative to B's against its 5-year history; without A's P/E, the small-over-big book-to-market;
    without that either, B's own P/E as a labelled proxy.

    The proxy S&P 500 P/E is price-updated (close on ``when`` / latest earnings published by then) when the
    inputs carry the closes and earnings, else the month-end P/E with a note saying why.
    """
    from .. import valuation as val

    try:
        if inputs.pe_a is not None and inputs.pe_b is not None:
            result = val.relative_valuation(inputs.pe_a, inputs.pe_b, a_name=inputs.pe_a_name,
                                            b_name=inputs.pe_b_name, as_of=when, years=VALUATION_YEARS,
                                            released_a=inputs.released_of(inputs.pe_a_name),
                                            released_b=inputs.released_of(inputs.pe_b_name))
            bucket, sign = _bucket(result.zscore)
            return DriverState("valuation", f"relative:{bucket}",
                               f"{result.series} {result.value:.2f}, z {result.zscore:+.2f} vs 5y mean "
                               f"({bucket} for {inputs.a})", -sign,
                               {"series": result.series, "value": result.value, "zscore": result.zscore,
                                "observation_date": result.observation_date.date().isoformat()})
        if inputs.book_to_market is not None:
            return _book_to_market_state(inputs, when, val)
        if inputs.pe_b is None:
            return DriverState("valuation", None, f"not available: neither {inputs.pe_a_name} nor "
                                                  f"{inputs.pe_b_name} can be loaded")
        data = inputs.pe_now
        own = (data.reading(when, years=VALUATION_YEARS) if data is not None else
               val.valuation(inputs.pe_b, name=inputs.pe_b_name, as_of=when, years=VALUATION_YEARS,
                             released=inputs.released_of(inputs.pe_b_name)))
    except DataError as exc:
        return DriverState("valuation", None, f"not available: {exc}")
    return _proxy_state(inputs, own, val)


def _book_to_market_state(inputs: OutlookInputs, when: pd.Timestamp, val: Any) -> DriverState:
    """Small over big book-to-market against its 5-year history: high means small caps are cheap (signal +1)."""
    from .inputs import BOOK_TO_MARKET

    result = val.valuation(inputs.book_to_market, name=BOOK_TO_MARKET, as_of=when, years=VALUATION_YEARS,
                           released=inputs.released_of(BOOK_TO_MARKET))
    bucket, sign = _bucket(-result.zscore)  # a high BE/ME ratio is a low price: cheap small caps
    text = (f"{BOOK_TO_MARKET} {result.value:.2f} (month {result.observation_date:%Y-%m}, published by "
            f"{result.released.date()}, {result.age_months} months old), z {result.zscore:+.2f} vs 5y mean, "
            f"percentile {result.percentile:.0f} since {result.history_start.year} (small caps {bucket})")
    note = (f"book-to-market of small over big Fama-French portfolios, not a P/E; {inputs.pe_a_name} is not "
            f"supplied (import it with: {val.IMPORT_COMMANDS.get(inputs.pe_a_name, '')})")
    return DriverState("valuation", f"book_to_market:{bucket}", text, -sign,
                       {"series": BOOK_TO_MARKET, "value": result.value, "zscore": result.zscore,
                        "percentile": result.percentile, "age_months": result.age_months,
                        "observation_date": result.observation_date.date().isoformat(),
                        "released": result.released.date().isoformat(), "method": "book_to_market"}, note=note)


def _proxy_state(inputs: OutlookInputs, result: Any, val: Any) -> DriverState:
    """The proxy row from B's own P/E: price-updated (with its basis and the month-end value) or month-end."""
    bucket, sign = _bucket(result.zscore)
    hint = val.IMPORT_COMMANDS.get(inputs.pe_a_name, "")
    note = f"{inputs.pe_a_name} is missing, so B's own P/E stands in; import it with: {hint}"
    detail: dict[str, Any] = {"series": inputs.pe_b_name, "value": result.value, "zscore": result.zscore,
                              "observation_date": result.observation_date.date().isoformat(), "proxy": True}
    if isinstance(result, val.PriceUpdatedPE):
        text = (f"proxy (no {inputs.pe_a_name}): {inputs.pe_b_name} {result.value:.1f} = {result.basis()}, "
                f"z {result.zscore:+.2f} vs 5y mean of the monthly P/E ({bucket}); month-end "
                f"{result.lagged_month:%Y-%m} {result.lagged_value:.1f}")
        detail |= {"method": result.method, "basis": result.basis(), "price": result.price,
                   "price_date": result.price_date.date().isoformat(), "earnings": result.earnings,
                   "earnings_month": result.earnings_month.strftime("%Y-%m"),
                   "earnings_released": result.earnings_released.date().isoformat(),
                   "month_end_value": result.lagged_value, "month_end_zscore": result.lagged_zscore,
                   "month_end_month": result.lagged_month.strftime("%Y-%m")}
    else:
        text = (f"proxy (no {inputs.pe_a_name}): {inputs.pe_b_name} {result.value:.1f} (month-end "
                f"{result.observation_date:%Y-%m}, published by {result.released.date()}), z {result.zscore:+.2f} "
                f"vs 5y mean ({bucket})")
        detail["method"] = "month_end"
        if result.note:
            note = f"{note}; {result.note}"
    return DriverState("valuation", f"proxy:{bucket}", text, sign, detail, note=note)


INFLATION_SIGNAL = {"pressure": -1, "watch": 0, "calm": 1}


def inflation_state(inputs: OutlookInputs, when: pd.Timestamp) -> DriverState:
    """Core PCE flag (pressure / watch / calm) from months published by ``when``."""
    from ..inflation import inflation_monitor

    if inputs.core_pce is None:
        return DriverState("inflation", None, "not available: core_pce cannot be loaded")
    try:
        reading = inflation_monitor(inputs.core_pce, when, released=inputs.released_of("core_pce"))
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


def state_at(driver: str, inputs: OutlookInputs, when: pd.Timestamp, cycle_start: pd.Timestamp | None) -> DriverState:
    """A non-policy driver's state on ``when`` (data released by then), the curve measured from ``cycle_start``."""
    if driver == "momentum":
        return momentum_state(inputs, when)
    if driver == "valuation":
        return valuation_state(inputs, when)
    if driver == "inflation":
        return inflation_state(inputs, when)
    if driver == "curve":
        return curve_state(inputs, when, cycle_start)
    raise ValueError(f"no point-in-time state for driver {driver!r}")
