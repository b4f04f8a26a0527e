"""The specification curve and its permutation test (Simonsohn, Simmons and Nelson, 2020).

Every specification (measure x cycle rules x anchor x window convention x horizon) gives the mean 12-month
(or 3-24-month) spread of small over large caps after its events. The curve is summarised by the share of
specifications where small caps won on average and by the median spread. Inference: in each permutation,
pseudo-event dates with the same count as a specification's events and at least ``min_spacing_days`` apart
are drawn afresh (fixed seed) from the measure's own history up to the as-of date (trading days for daily
measures, first days of months for monthly ones); every specification is re-run on them, and the share and
median are recomputed. The p-values are the share of permutations at least as extreme as the real curve,
(count + 1) / (permutations + 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Anchor, Convention
from ..cycles import Cycle, CycleRules
from ..errors import RatecycleError
from ..events.pair import pair_columns
from ..events.study import anchor_date
from ..events.windows import as_days, horizon_dates
from .measures import Measure
from .specs import HORIZONS, SPEC_ANCHORS, Spec

DEFAULT_PERMUTATIONS = 1000
DEFAULT_SEED = 20250917
DEFAULT_MIN_SPACING_DAYS = 365
"""Pseudo-events are at least a year apart: real easing cycles since 1984 started 1 to 12 years apart."""


@dataclass(frozen=True)
class CycleVariant:
    """The cutting cycles one set of rules gives, as known on the as-of date."""

    rules: CycleRules
    cycles: tuple[Cycle, ...]
    min_moves: int | None


@dataclass(frozen=True)
class SpecResult:
    """One point of the curve: the specification, its events and their mean spread and hit rate."""

    spec: Spec
    n_events: int
    mean_spread: float
    hit_rate: float
    events: tuple[pd.Timestamp, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of one entry of ``specs``."""
        return self.spec.to_dict() | {"n_events": self.n_events, "mean_spread": self.mean_spread,
                                      "hit_rate": self.hit_rate}


@dataclass(frozen=True)
class FamilySummary:
    """The curve of one family of measures (the market pair, or the long history) with its own p-values."""

    family: str
    n_specs: int
    share_positive: float
    median_spread: float
    p_share: float
    p_median: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return {"family": self.family, "n_specs": self.n_specs, "share_positive": self.share_positive,
                "median_spread": self.median_spread, "p_share": self.p_share, "p_median": self.p_median}


@dataclass(frozen=True)
class SpecCurve:
    """Every specification's result, the curve's summary, its permutation p-values and each family's."""

    as_of: pd.Timestamp
    specs: tuple[SpecResult, ...]
    share_positive: float
    median_spread: float
    p_share: float
    p_median: float
    permutations: int
    seed: int
    min_spacing_days: int
    families: tuple[FamilySummary, ...] = ()
    dropped: int = 0
    """Specifications left out because none of their events had a complete window by the as-of date."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_specs(self) -> int:
        """Number of specifications on the curve."""
        return len(self.specs)

    def sorted_specs(self) -> list[SpecResult]:
        """Specifications from the lowest to the highest mean spread (the order of the chart)."""
        return sorted(self.specs, key=lambda s: s.mean_spread)

    def family(self, name: str) -> FamilySummary | None:
        """The summary of one family, or None."""
        return next((f for f in self.families if f.family == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle robustness --json``."""
        return {"as_of": self.as_of.date().isoformat(), "n_specs": self.n_specs,
                "share_positive": self.share_positive, "median_spread": self.median_spread,
                "p_share": self.p_share, "p_median": self.p_median, "permutations": self.permutations,
                "seed": self.seed, "min_spacing_days": self.min_spacing_days,
                "families": [f.to_dict() for f in self.families], "dropped": self.dropped,
                "notes": list(self.notes), "specs": [s.to_dict() for s in self.specs]}


def spreads_at(measure: Measure, anchors: np.ndarray, convention: Convention, months: int) -> np.ndarray:
    """Spread (small minus large) over ``months`` after each anchor; NaN where the window is not complete."""
    if anchors.size == 0:
        return np.array([], dtype="float64")
    starts, ends = horizon_dates(anchors, months, convention)
    columns = pair_columns(measure.a, measure.b, starts, ends, drawdown=False)  # the arrays, no DataFrame
    ok = ~(columns["incomplete"] | columns["before_data"])
    return np.where(ok, columns["spread"].astype("float64"), np.nan)


def _candidates(measure: Measure, as_of: pd.Timestamp, months: int) -> np.ndarray:
    """Dates a pseudo-event may fall on: every window of ``months`` after it is complete by the as-of date.

    A date in the data's first month is left out: its prior-month-end window would start before the data.
    """
    first = max(measure.a.first, measure.b.first)
    last = min(measure.a.last, measure.b.last, as_of.to_datetime64().astype("datetime64[D]"))
    if measure.frequency == "daily":
        days = np.intersect1d(measure.a.dates, measure.b.dates).astype("datetime64[D]")
    else:
        days = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1).astype("datetime64[D]")
    _, ends = horizon_dates(days, months, "month_end")
    after_first_month = days.astype("datetime64[M]") > first.astype("datetime64[M]")
    keep: np.ndarray = days[(days > first) & after_first_month & (ends <= last)]
    return keep


def _draw(candidates: np.ndarray, n: int, perms: int, spacing: int, rng: np.random.Generator) -> np.ndarray:
    """(perms, n) candidate positions: n sorted dates at least ``spacing`` days apart, uniform over such sets."""
    day0 = candidates[0].astype("int64")
    span = int(candidates[-1].astype("int64") - day0) - (n - 1) * spacing
    if span <= 0:
        raise RatecycleError(f"the history is too short for {n} pseudo-events {spacing} days apart")
    offsets = np.sort(rng.integers(0, span + 1, size=(perms, n)), axis=1) + np.arange(n) * spacing
    pos = np.searchsorted(candidates.astype("int64"), day0 + offsets, side="left")
    out: np.ndarray = np.minimum(pos, candidates.size - 1)
    return out


def _p_greater(null: np.ndarray, observed: float) -> float:
    """(count of null >= observed + 1) / (permutations + 1)."""
    return float((np.sum(null >= observed - 1e-12) + 1) / (null.size + 1))


def specification_curve(
    families: Sequence[tuple[Measure, Sequence[CycleVariant]]],
    as_of: pd.Timestamp,
    *,
    months: Sequence[int] = HORIZONS,
    anchors: Sequence[Anchor] = SPEC_ANCHORS,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    min_spacing_days: int = DEFAULT_MIN_SPACING_DAYS,
    progress: Callable[[str], None] | None = None,
) -> SpecCurve:
    """Every specification of every measure, the curve's share/median and their permutation p-values."""
    results: list[SpecResult] = []
    null_keys: list[tuple[str, Convention, int, int]] = []
    dropped = 0
    by_name = {m.name: m for m, _ in families}
    for measure, variants in families:
        if progress:
            progress(f"specifications: {measure.name}")
        event_days: dict[tuple[Anchor, int], np.ndarray] = {}
        for v_index, variant in enumerate(variants):
            for anchor in anchors:
                dates = [d for d in (anchor_date(c, anchor) for c in variant.cycles) if d is not None]
                event_days[(anchor, v_index)] = as_days(dates) if dates else np.array([], dtype="datetime64[D]")
        pool = np.unique(np.concatenate(list(event_days.values()))) if event_days else np.array([], "datetime64[D]")
        tables: dict[tuple[Anchor, int, Convention, int], tuple[np.ndarray, np.ndarray]] = {}
        for convention in measure.conventions:
            for horizon in months:
                # one window computation for every event date of every variant, then looked up per variant
                pooled = spreads_at(measure, pool, convention, horizon)
                for (anchor, v_index), days in event_days.items():
                    tables[(anchor, v_index, convention, horizon)] = (days, pooled[np.searchsorted(pool, days)])
        for (anchor, v_index, convention, horizon), (days, spreads) in tables.items():
            variant = variants[v_index]
            ok = np.isfinite(spreads)
            if not ok.any():
                dropped += 1
                continue
            spec = Spec(measure.name, measure.family, variant.rules.rule, variant.rules.min_pause,
                        variant.rules.max_gap, variant.min_moves, convention, int(horizon), anchor)
            vals = spreads[ok]
            results.append(SpecResult(spec, int(vals.size), float(np.mean(vals)), float(np.mean(vals > 0)),
                                      tuple(pd.Timestamp(d) for d in days[ok])))
            null_keys.append((measure.name, convention, int(horizon), int(vals.size)))
    if not results:
        raise RatecycleError("no specification has a complete window by the as-of date")
    null = _null_means(null_keys, by_name, as_of, permutations, seed, min_spacing_days, progress)
    observed = np.array([r.mean_spread for r in results])
    fam_names = [r.spec.family for r in results]
    summaries = []
    for fam in dict.fromkeys(fam_names):
        rows = np.array([f == fam for f in fam_names])
        summaries.append(_summary(fam, observed[rows], null[rows]))
    overall = _summary("all", observed, null)
    notes = (f"pseudo-events: same count as each specification's events, at least {min_spacing_days} days apart, "
             f"drawn from each measure's history up to {as_of.date()} ({permutations} permutations, seed {seed})",
             "ex post: every window uses prices after its event; specifications are not independent of each other")
    return SpecCurve(pd.Timestamp(as_of), tuple(results), overall.share_positive, overall.median_spread,
                     overall.p_share, overall.p_median, int(permutations), int(seed), int(min_spacing_days),
                     tuple(summaries), dropped, notes)


def _summary(family: str, observed: np.ndarray, null: np.ndarray) -> FamilySummary:
    """Share positive and median of the observed curve, p-values from the (specs x permutations) null."""
    share, median = float(np.mean(observed > 0)), float(np.median(observed))
    null_share = np.mean(null > 0, axis=0)
    null_median = np.median(null, axis=0)
    return FamilySummary(family, int(observed.size), share, median, _p_greater(null_share, share),
                         _p_greater(null_median, median))


def _null_means(keys: list[tuple[str, Convention, int, int]], measures: dict[str, Measure], as_of: pd.Timestamp,
                permutations: int, seed: int, spacing: int,
                progress: Callable[[str], None] | None) -> np.ndarray:
    """(specs x permutations) mean spread of each specification on pseudo-events; one draw per measure and count."""
    if permutations < 1:
        raise RatecycleError(f"permutations must be at least 1, got {permutations}")
    rng = np.random.default_rng(seed)
    longest = max(k[2] for k in keys)
    draws: dict[tuple[str, int], np.ndarray] = {}
    pools: dict[str, np.ndarray] = {}
    for name, n in sorted({(k[0], k[3]) for k in keys}):  # a fixed order, so the draws repeat exactly
        if (name, n) not in draws:
            if name not in pools:
                pools[name] = _candidates(measures[name], as_of, longest)
            draws[(name, n)] = _draw(pools[name], n, permutations, spacing, rng)  # positions in the pool
    if progress:
        progress(f"permutations: {permutations} x {len(draws)} pseudo-event sets")
    # A window's spread depends on its own date only, so each candidate date's spread is computed once per
    # convention and horizon and the pseudo-events pick theirs by position (the same numbers as window by window).
    pooled: dict[tuple[str, Convention, int], np.ndarray] = {}
    means: dict[tuple[str, Convention, int, int], np.ndarray] = {}
    for key in dict.fromkeys(keys):
        name, convention, horizon, n = key
        if (name, convention, horizon) not in pooled:
            pooled[(name, convention, horizon)] = spreads_at(measures[name], pools[name], convention, horizon)
        means[key] = np.nanmean(pooled[(name, convention, horizon)][draws[(name, n)]], axis=1)
    return np.vstack([means[k] for k in keys])
