"""Event studies on rate cycles: the N months after an anchor, and the return of each cycle phase.

``event_study`` measures both series of a pair over the ``months`` after each cycle's anchor
(``cycle_start``, ``pause_start`` or ``later_start``) under one window convention, then summarises the
spreads against the unconditional baseline. ``phase_returns`` measures the early phase, the pause and the
later phase of every cycle. Both are ex post: they use prices after the anchor by design.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._typing import ANCHORS as ANCHOR_NAMES
from .._typing import Anchor, Convention, choose
from ..cycles.model import Cycle
from ..errors import RatecycleError
from .baseline import Baseline, baseline
from .pair import PAIR_COLUMNS, Prices, as_prices, pair_columns, pair_windows, row_records
from .stats import DEFAULT_PERMUTATIONS, DEFAULT_REPS, DEFAULT_SEED, SpreadStats, summarize
from .windows import DEFAULT_CONVENTION, as_days, check_convention, horizon_dates, reference_dates

ANCHORS = ANCHOR_NAMES
PHASES = ("early", "pause", "later")


def check_anchor(anchor: str) -> Anchor:
    """Return ``anchor`` if known, else raise a one-line error listing the choices."""
    return choose(anchor, ANCHORS, "anchor")


def anchor_date(cycle: Cycle, anchor: Anchor) -> pd.Timestamp | None:
    """The cycle's announcement date for an anchor; None when the cycle has no pause (so no such date)."""
    check_anchor(anchor)
    if anchor == "cycle_start":
        return cycle.start
    if cycle.pause is None:
        return None
    return cycle.pause.start if anchor == "pause_start" else cycle.pause.end


def phase_bounds(cycle: Cycle) -> dict[str, tuple[pd.Timestamp, pd.Timestamp | None]]:
    """(first, last) announcement dates of each phase the cycle has: early, pause, later.

    ``last`` is None for a phase that has not ended (an ongoing cycle whose end is not known yet).
    """
    early = cycle.early_phase
    out: dict[str, tuple[pd.Timestamp, pd.Timestamp | None]] = {"early": (early.start, early.end)}
    if cycle.pause is not None and cycle.later_phase is not None:
        out["pause"] = (cycle.pause.start, cycle.pause.end)
        out["later"] = (cycle.later_phase.start, cycle.later_phase.end)
    return {name: (first, None if last is None or last < first else last) for name, (first, last) in out.items()}


@dataclass(frozen=True)
class EventStudyResult:
    """Per-cycle windows after an anchor (``rows``), the summary statistics and the baseline used."""

    series_a: str
    series_b: str
    anchor: Anchor
    months: int
    convention: Convention
    rows: pd.DataFrame
    summary: SpreadStats
    baseline: Baseline | None = None
    skipped: tuple[dict[str, str], ...] = ()
    """Cycles left out, each with the reason (e.g. no pause, so no ``later_start``)."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle study --json``."""
        return {
            "series_a": self.series_a, "series_b": self.series_b, "anchor": self.anchor, "months": self.months,
            "convention": self.convention, "ex_post": True,
            "rows": row_records(self.rows),
            "summary": self.summary.to_dict(),
            "baseline": self.baseline.to_dict() if self.baseline is not None else None,
            "skipped": list(self.skipped), "notes": list(self.notes),
        }


ROW_COLUMNS = ("cycle", "cycle_start", "anchor", *PAIR_COLUMNS, "baseline_percentile", "convention")


def event_study(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, cycles: Sequence[Cycle], *,
                anchor: Anchor = "later_start", months: int = 12, convention: Convention = DEFAULT_CONVENTION,
                strict: bool = False, with_baseline: bool = True, reps: int = DEFAULT_REPS,
                seed: int = DEFAULT_SEED, permutations: int = DEFAULT_PERMUTATIONS) -> EventStudyResult:
    """Return of A and B over ``months`` after each cycle's ``anchor``, spreads and their statistics.

    Incomplete windows (past the data) and windows starting before a series begins are kept as flagged
    rows but left out of the statistics; with ``strict`` they, and cycles lacking the anchor, are errors.
    ``reps=0`` / ``permutations=0`` skip the bootstrap intervals / the random-window test (for fast sweeps).
    """
    check_anchor(anchor)
    check_convention(convention)
    if months < 1:
        raise RatecycleError(f"months must be at least 1, got {months}")
    a, b = as_prices(prices_a), as_prices(prices_b)
    kept: list[Cycle] = []
    skipped: list[dict[str, str]] = []
    for cycle in cycles:
        if anchor_date(cycle, anchor) is None:
            if strict:
                raise RatecycleError(f"cycle {cycle.label} has no pause, so no {anchor} anchor")
            skipped.append({"cycle": cycle.label, "reason": f"no pause, so no {anchor} anchor"})
        else:
            kept.append(cycle)
    anchors = as_days([anchor_date(c, anchor) for c in kept]) if kept else np.array([], dtype="datetime64[D]")
    starts, ends = horizon_dates(anchors, months, convention)
    columns = pair_columns(a, b, starts, ends)
    if strict:
        _raise_on_flags(pd.DataFrame(columns), a, b)
    base = baseline(a, b, months=months, convention=convention) if with_baseline else None
    usable = ~columns["incomplete"] & ~columns["before_data"]
    spreads = columns["spread"][usable]
    # a partial window is shorter than every baseline window, so it gets no percentile
    percentile = (np.where(usable, base.percentile(columns["spread"]), np.nan) if base is not None
                  else np.full(len(kept), np.nan))
    data = {"cycle": np.array([c.label for c in kept], dtype=object),
            "cycle_start": np.array([c.start for c in kept], dtype="datetime64[ns]"),
            "anchor": anchors.astype("datetime64[ns]"), **columns, "baseline_percentile": percentile,
            "convention": np.full(len(kept), convention, dtype=object)}
    frame = pd.DataFrame({key: data[key] for key in ROW_COLUMNS})  # in column order: no reindexing
    labels = [c.label for c, ok in zip(kept, usable, strict=True) if ok]
    summary = summarize(spreads, excluded=int((~usable).sum()), baseline=base.spreads if base is not None else None,
                        reps=reps, seed=seed, n_resamples=permutations, labels=labels, baseline_step=int(months))
    notes = [f"window: {_describe(convention, months)}; each series uses its own last close on or before a date",
             "ex post: each window uses prices after its anchor"]
    if bool(columns["dates_differ"].any()):
        notes.append("some rows use different dates for the two series (see dates_differ)")
    return EventStudyResult(a.name, b.name, anchor, int(months), convention, frame, summary, base, tuple(skipped),
                            tuple(notes))


@dataclass(frozen=True)
class PhaseReturnsResult:
    """Return of A and B in each phase of each cycle (long form: one row per cycle and phase)."""

    series_a: str
    series_b: str
    convention: Convention
    rows: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return {"series_a": self.series_a, "series_b": self.series_b, "convention": self.convention,
                "ex_post": True, "rows": row_records(self.rows)}


def phase_returns(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, cycles: Sequence[Cycle], *,
                  convention: Convention = "daily", months: int | None = 12,
                  anchors: Sequence[Anchor] = ANCHORS) -> PhaseReturnsResult:
    """Returns, spread, growth ratio and drawdowns over each cycle's early phase, pause and later phase.

    A phase runs from its first event's close to its last event's close (under the convention), so the
    three phases tile the cycle. With ``months`` the N-month window after each anchor is added as well.
    A phase that has not ended yet runs to the pair's last common date and is flagged ``open_phase``.
    """
    check_convention(convention)
    a, b = as_prices(prices_a), as_prices(prices_b)
    labels: list[tuple[str, pd.Timestamp, str, pd.Timestamp]] = []
    start_days: list[np.datetime64] = []
    end_days: list[np.datetime64] = []
    open_phase: list[bool] = []
    data_end = min(a.last, b.last)
    for cycle in cycles:
        for phase, (first, last) in phase_bounds(cycle).items():
            labels.append((cycle.label, cycle.start, phase, first))
            start_days.append(reference_dates(as_days([first]), convention)[0])
            end_days.append(data_end if last is None else reference_dates(as_days([last]), convention)[0])
            open_phase.append(last is None)
        if months:
            for anchor in anchors:
                when = anchor_date(cycle, anchor)
                if when is None:
                    continue
                s, e = horizon_dates(as_days([when]), months, convention)
                labels.append((cycle.label, cycle.start, f"{months}m_after_{anchor}", when))
                start_days.append(s[0])
                end_days.append(e[0])
                open_phase.append(False)
    if not labels:
        raise RatecycleError("no cycles to measure")
    frame = pair_windows(a, b, np.array(start_days, dtype="datetime64[D]"), np.array(end_days, dtype="datetime64[D]"))
    frame.insert(0, "event", pd.DatetimeIndex([x[3] for x in labels], dtype="datetime64[ns]"))
    frame.insert(0, "window", [x[2] for x in labels])
    frame.insert(0, "cycle_start", pd.DatetimeIndex([x[1] for x in labels], dtype="datetime64[ns]"))
    frame.insert(0, "cycle", [x[0] for x in labels])
    frame["open_phase"] = open_phase
    frame["convention"] = convention
    return PhaseReturnsResult(a.name, b.name, convention, frame)


def _raise_on_flags(frame: pd.DataFrame, a: Prices, b: Prices) -> None:
    for row in frame.to_dict(orient="records"):
        if row["before_data"]:
            raise RatecycleError(f"window starting {row['window_start'].date()} begins before the data "
                                 f"({a.name} from {a.first}, {b.name} from {b.first})")
        if row["incomplete"]:
            raise RatecycleError(f"window ending {row['window_end'].date()} runs past the data "
                                 f"(last date used {row['last_date_used'].date()})")


def _describe(convention: Convention, months: int) -> str:
    if convention == "daily":
        return f"close of the anchor day to the close {months} months later (or the last close before)"
    if convention == "month_end":
        return f"last close of the anchor's month to the last close {months} months later"
    return f"last close of the month before the anchor to the last close {months} months later"
