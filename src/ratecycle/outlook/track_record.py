"""Track record of the rule-based call: replayed at every past later-phase start with only earlier evidence.

At each later-phase start (the moment the outlook matters: cuts resume after a pause) the call is made from the
cycles whose window after their own later-phase start had closed by that date, in the same era and measure:
the long history (Ken French small minus big portfolios after FEDFUNDS cutting cycles since 1954, month ends)
and the Russell era (Russell 2000 minus S&P 500 after target cutting cycles, daily closes). The probability
that small caps win is the smoothed share of those earlier cycles where they did, (hits + 1) / (n + 2), so a
call with no earlier cycle is 0.5; the call is small caps above 0.5, large caps below, none at 0.5. The
realised spread is the next ``months`` after the date. The Brier score is the mean squared distance between
the probabilities and the outcomes (1 when small caps won), compared with the two naive calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Convention
from ..cycles.model import Cycle
from ..events.pair import Prices, pair_windows
from ..events.windows import as_days, horizon_dates


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
    realised_spread: float | None
    hit: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of one call."""
        return {"date": self.date.date().isoformat(), "era": self.era, "call": self.call,
                "probability": self.probability, "score": self.score, "realised_spread": self.realised_spread,
                "hit": self.hit, "evidence": [d.date().isoformat() for d in self.evidence],
                "evidence_hits": self.evidence_hits}


@dataclass(frozen=True)
class Era:
    """The cycles and the measure of one era of the record."""

    name: str
    cycles: tuple[Cycle, ...]
    small: Prices
    large: Prices
    convention: Convention


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


def _later_starts(cycles: Sequence[Cycle]) -> list[pd.Timestamp]:
    """Later-phase starts of the cutting cycles, oldest first."""
    return sorted(c.pause.end for c in cycles if c.direction == "cut" and c.pause is not None)


def _windows(era: Era, dates: list[pd.Timestamp], months: int) -> tuple[np.ndarray, np.ndarray]:
    """(spread, window end) after each date; NaN spread where the window is incomplete or before the data."""
    if not dates:
        return np.array([]), np.array([], dtype="datetime64[D]")
    starts, ends = horizon_dates(as_days(dates), months, era.convention)
    frame = pair_windows(era.small, era.large, starts, ends, drawdown=False)
    bad = frame["incomplete"].to_numpy(dtype=bool) | frame["before_data"].to_numpy(dtype=bool)
    return np.where(bad, np.nan, frame["spread"].to_numpy(dtype="float64")), ends


def track_record(eras: Sequence[Era], months: int = 12) -> TrackRecord:
    """Replay the call at every later-phase start of every era, each from strictly earlier, closed windows."""
    calls: list[Call] = []
    for era in eras:
        dates = _later_starts(era.cycles)
        spreads, ends = _windows(era, dates, months)
        for i, day in enumerate(dates):
            known = [j for j in range(i) if np.isfinite(spreads[j]) and ends[j] <= as_days([day])[0]]
            hits = sum(1 for j in known if spreads[j] > 0)
            p = (hits + 1) / (len(known) + 2)
            call = "small" if p > 0.5 else ("large" if p < 0.5 else "none")
            realised = float(spreads[i]) if np.isfinite(spreads[i]) else None
            hit = None if realised is None or call == "none" else (realised > 0) == (call == "small")
            calls.append(Call(pd.Timestamp(day), era.name, call, p, 2 * p - 1, tuple(dates[j] for j in known),
                              hits, realised, hit))
    calls.sort(key=lambda c: c.date)
    scored = [c for c in calls if c.realised_spread is not None]
    called = [c for c in scored if c.hit is not None]
    outcome = np.array([1.0 if (c.realised_spread or 0.0) > 0 else 0.0 for c in scored])
    probs = np.array([c.probability for c in scored])
    notes = (f"call at each later-phase start from earlier cycles of the same era whose {months}-month window had "
             "closed; probability (hits + 1) / (n + 2); cycles are dated ex post (detected on all data)",
             "Brier: mean of (probability - outcome)^2, outcome 1 when small caps won; always small = probability 1")
    return TrackRecord(
        months=int(months), calls=tuple(calls),
        hit_rate=float(np.mean([c.hit for c in called])) if called else None,
        brier=float(np.mean((probs - outcome) ** 2)) if scored else None,
        brier_always_small=float(np.mean((1.0 - outcome) ** 2)) if scored else None,
        brier_always_large=float(np.mean(outcome ** 2)) if scored else None,
        notes=notes)


def eras_from_source(ds: Any, pair: tuple[str, str] = ("russell2000", "sp500")) -> list[Era]:
    """The long history (Ken French size portfolios, FEDFUNDS cycles) and the Russell era (target cycles)."""
    from ..cycles import cycles_from_source, long_history_cycles
    from ..events.longhistory import factor_index
    from ..events.pair import as_prices

    eras = []
    if ds.has("ff_size:lo30") and ds.has("ff_size:hi30") and ds.has("fed_funds_monthly"):
        long_cycles = tuple(long_history_cycles(ds.load("fed_funds_monthly")))
        first_target = ds.load("fed_target_upper").index[0] if ds.has("fed_target_upper") else None
        if first_target is not None:
            long_cycles = tuple(c for c in long_cycles if c.start < first_target)
        eras.append(Era("long history (ff_size lo30 - hi30)", long_cycles,
                        factor_index(ds.load("ff_size:lo30"), "ff_size:lo30"),
                        factor_index(ds.load("ff_size:hi30"), "ff_size:hi30"), "month_end"))
    a, b = pair
    eras.append(Era(f"{a} - {b}", tuple(cycles_from_source(ds, direction="cut")), as_prices(ds.load(a), a),
                    as_prices(ds.load(b), b), "daily"))
    return eras
