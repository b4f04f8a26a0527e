"""Track record of the scorecard: replayed at every past later-phase start with only earlier evidence.

At each later-phase start (the moment the outlook matters: cuts resume after a pause) the scorecard's combination
(``combine``) is applied to the cycles whose window after their own later-phase start had closed by that date, in
the same era and measure: the long history (Ken French small minus big portfolios after FEDFUNDS cutting cycles
since 1954, month ends) and the Russell era (Russell 2000 minus S&P 500 after target cutting cycles, daily closes).
Every driver is read on each date with the data released by then; one that cannot be read (no data yet) drops out,
so with no other driver the probability is the smoothed share (hits + 1) / (n + 2), 0.5 with no earlier cycle.
The call follows the scorecard's rule (posterior of a win rate above one half at least 0.80: small; at most 0.20:
large; else none). The realised spread is the next ``months`` after the date. The Brier score is the mean squared
distance between the probabilities and the outcomes (1 when small caps won), compared with the two naive calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._typing import Convention
from ..cycles.model import Cycle
from ..events.pair import Prices, pair_windows
from ..events.windows import as_days, horizon_dates
from .combine import Evidence, combine
from .drivers import DRIVERS, state_at

if TYPE_CHECKING:
    from .inputs import OutlookInputs


@dataclass(frozen=True)
class Call:
    """One replayed call."""

    date: pd.Timestamp
    era: str
    call: str
    """'small' (A ahead), 'large' (B ahead) or 'none' (probability exactly 0.5)."""
    probability: float
    score: float
    """2 x probability - 1: from -1 (large caps) to +1 (small caps)."""
    evidence: tuple[pd.Timestamp, ...]
    """Later-phase starts of the earlier cycles used, each with its window closed on or before ``date``."""
    evidence_hits: int
    """Earlier cycles in which small caps won (unweighted)."""
    realised_spread: float | None
    hit: bool | None
    posterior_above_half: float = 0.5
    effective_n: float = 0.0
    similarity: tuple[float, ...] = ()
    """Weight of each earlier cycle (same order as ``evidence``)."""
    states: Mapping[str, str | None] = field(default_factory=dict)
    """Each driver's state on ``date`` (None: not readable then)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of one call."""
        return {"date": self.date.date().isoformat(), "era": self.era, "call": self.call,
                "probability": self.probability, "posterior_above_half": self.posterior_above_half,
                "effective_n": self.effective_n, "score": self.score, "realised_spread": self.realised_spread,
                "hit": self.hit, "evidence": [d.date().isoformat() for d in self.evidence],
                "similarity": list(self.similarity), "evidence_hits": self.evidence_hits,
                "states": dict(self.states)}


@dataclass(frozen=True)
class Era:
    """The cycles and the measure of one era of the record."""

    name: str
    cycles: tuple[Cycle, ...]
    small: Prices
    large: Prices
    convention: Convention
    inputs: OutlookInputs | None = None
    """The outlook's inputs, each driver read on a past date with the data released by then; None: policy only."""


@dataclass(frozen=True)
class TrackRecord:
    """Every replayed call, the hit rate and Brier scores against always-small and always-large."""

    months: int
    calls: tuple[Call, ...]
    hit_rate: float | None
    brier: float | None
    brier_always_small: float | None
    brier_always_large: float | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def scored(self) -> list[Call]:
        """Calls whose outcome is known."""
        return [c for c in self.calls if c.realised_spread is not None]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle outlook --track-record --json``."""
        return {"months": self.months, "calls": [c.to_dict() for c in self.calls], "hit_rate": self.hit_rate,
                "brier": self.brier, "brier_always_small": self.brier_always_small,
                "brier_always_large": self.brier_always_large, "notes": list(self.notes)}


def _later_starts(cycles: Sequence[Cycle]) -> list[tuple[pd.Timestamp, Cycle]]:
    """Later-phase starts of the cutting cycles with their cycles, oldest first."""
    return sorted(((c.pause.end, c) for c in cycles if c.direction == "cut" and c.pause is not None),
                  key=lambda x: x[0])


def states_on(inputs: OutlookInputs | None, when: pd.Timestamp, cycle_start: pd.Timestamp) -> dict[str, str | None]:
    """Each driver's state on ``when`` in a later phase (policy 'later'), the others None without inputs."""
    return {d: "later" if d == "policy" else (None if inputs is None else state_at(d, inputs, when, cycle_start).state)
            for d in DRIVERS}


def _windows(era: Era, dates: list[pd.Timestamp], months: int) -> tuple[np.ndarray, np.ndarray]:
    """(spread, window end) after each date; NaN spread where the window is incomplete or before the data."""
    if not dates:
        return np.array([]), np.array([], dtype="datetime64[D]")
    starts, ends = horizon_dates(as_days(dates), months, era.convention)
    frame = pair_windows(era.small, era.large, starts, ends, drawdown=False)
    bad = frame["incomplete"].to_numpy(dtype=bool) | frame["before_data"].to_numpy(dtype=bool)
    return np.where(bad, np.nan, frame["spread"].to_numpy(dtype="float64")), ends


def track_record(eras: Sequence[Era], months: int = 12,
                 weights: str | Mapping[str, float] | None = None) -> TrackRecord:
    """Replay the scorecard at every later-phase start of every era, each from strictly earlier, closed windows.

    ``weights`` are the scorecard's similarity weights (``parse_weights``; default equal)."""
    from .scorecard import parse_weights

    w = parse_weights(weights)
    calls: list[Call] = []
    for era in eras:
        starts = _later_starts(era.cycles)
        dates = [d for d, _ in starts]
        spreads, ends = _windows(era, dates, months)
        states = [states_on(era.inputs, day, cycle.start) for day, cycle in starts]
        for i, day in enumerate(dates):
            known = [j for j in range(i) if np.isfinite(spreads[j]) and ends[j] <= as_days([day])[0]]
            evidence = [Evidence(starts[j][1].label, float(spreads[j]), states[j]) for j in known]
            combined = combine(evidence, states[i], w)
            p = combined.probability
            call = {1: "small", -1: "large", 0: "none"}[combined.call]
            realised = float(spreads[i]) if np.isfinite(spreads[i]) else None
            hit = None if realised is None or call == "none" else (realised > 0) == (call == "small")
            calls.append(Call(pd.Timestamp(day), era.name, call, p, 2 * p - 1, tuple(dates[j] for j in known),
                              sum(1 for e in evidence if e.won), realised, hit, combined.posterior_above_half,
                              combined.effective_n, combined.similarity, states[i]))
    calls.sort(key=lambda c: c.date)
    scored = [c for c in calls if c.realised_spread is not None]
    called = [c for c in scored if c.hit is not None]
    outcome = np.array([1.0 if (c.realised_spread or 0.0) > 0 else 0.0 for c in scored])
    probs = np.array([c.probability for c in scored])
    notes = (f"call at each later-phase start from earlier cycles of the same era whose {months}-month window had "
             "closed, combined as the scorecard does: each weighted by the share of the drivers readable that day it "
             "matches, probability (weighted wins + 1) / (weighted cycles + 2), a side called when P(win rate > 1/2) "
             "is at least 0.80 or at most 0.20; cycles are dated ex post (detected on all data)",
             "Brier: mean of (probability - outcome)^2, outcome 1 when small caps won; always small = probability 1")
    return TrackRecord(
        months=int(months), calls=tuple(calls),
        hit_rate=float(np.mean([c.hit for c in called])) if called else None,
        brier=float(np.mean((probs - outcome) ** 2)) if scored else None,
        brier_always_small=float(np.mean((1.0 - outcome) ** 2)) if scored else None,
        brier_always_large=float(np.mean(outcome ** 2)) if scored else None,
        notes=notes)


def released_series(prices: Prices) -> pd.Series:
    """A ``Prices`` index as a Series dated by release (the catalog's rule for its series), so reading it on a day
    uses only the months published by then."""
    from ..data.catalog import release_rule

    index = pd.DatetimeIndex(prices.dates)
    rule = release_rule(prices.name)
    return pd.Series(prices.closes, index=index if rule is None else rule.dates(index), name=prices.name)


def long_history_inputs(inputs: OutlookInputs, small: Prices, large: Prices) -> OutlookInputs:
    """The outlook's inputs with the size portfolios as the pair (momentum reads them as published); the macro
    rows read the same series as in the Russell era."""
    return replace(inputs, a=small.name, b=large.name, prices_a=released_series(small),
                   prices_b=released_series(large))


def eras_from_source(ds: Any, pair: tuple[str, str] = ("russell2000", "sp500"),
                     inputs: OutlookInputs | None = None) -> list[Era]:
    """The long history (Ken French size portfolios, FEDFUNDS cycles) and the Russell era (target cycles).

    ``inputs`` (default: read at the pair's last common close) give the drivers; each is read point in time.
    """
    from ..cycles import cycles_from_source, long_history_cycles
    from ..events.longhistory import factor_index
    from ..events.pair import as_prices
    from .inputs import inputs_from_source

    a, b = pair
    if inputs is None:
        inputs = inputs_from_source(ds, ds.last_date(a, b), pair)
    eras = []
    if ds.has("ff_size:lo30") and ds.has("ff_size:hi30") and ds.has("fed_funds_monthly"):
        long_cycles = tuple(long_history_cycles(ds.load("fed_funds_monthly")))
        first_target = ds.load("fed_target_upper").index[0] if ds.has("fed_target_upper") else None
        if first_target is not None:
            long_cycles = tuple(c for c in long_cycles if c.start < first_target)
        small = factor_index(ds.load("ff_size:lo30"), "ff_size:lo30")
        large = factor_index(ds.load("ff_size:hi30"), "ff_size:hi30")
        eras.append(Era("long history (ff_size lo30 - hi30)", long_cycles, small, large, "month_end",
                        long_history_inputs(inputs, small, large)))
    eras.append(Era(f"{a} - {b}", tuple(cycles_from_source(ds, direction="cut")), as_prices(ds.load(a), a),
                    as_prices(ds.load(b), b), "daily", inputs))
    return eras
