"""The sweep kernel: every window of every variant computed at once with numpy.

Moves are grouped into runs once per max_gap and each rule variant picks all its pauses at once; everything after is
array arithmetic: the unique anchor dates are turned into window dates for every (convention, months) with
``ratecycle.events.windows.horizon_dates``, each series' returns for all windows come from one call of
``ratecycle.events.windows.window_returns`` (the same kernel ``event_study`` uses), and per-variant statistics
are grouped sums (``np.bincount``) and sorted medians. No Python loop runs over variants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cycles import Move
from ..cycles.detect import first_pauses, since_timestamp
from ..cycles.rules import CycleRules
from ..cycles.significance import significant_groups
from ..errors import RatecycleError
from ..events.pair import Prices, as_prices
from ..events.windows import as_days, horizon_dates, window_returns
from .grid import SweepGrid

STAT_COLUMNS = ("n_events", "n_excluded", "hits", "hit_rate", "mean_spread", "median_spread", "min_spread",
                "max_spread", "mean_return_a", "mean_return_b")


@dataclass(frozen=True)
class _Runs:
    """The runs of moves (cycles before their pause is chosen) under one max_gap: starts, days and gaps."""

    starts: np.ndarray
    """First announcement day of each run."""
    days: np.ndarray
    """Announcement days, one run per row, left-aligned (padded with NaT)."""
    gaps: np.ndarray
    """Days between consecutive announcements, one run per row (padded with -1)."""


def _runs(moves: Sequence[Move], max_gap: int, grid: SweepGrid, data_end: pd.Timestamp | None = None) -> _Runs:
    """The runs of ``grid.direction`` since ``grid.since`` under ``max_gap``: grouping depends on max_gap only,
    so the sweep forms them once per max_gap and lets each pause rule pick its pause from the gaps."""
    lo = since_timestamp(grid.since)
    groups = significant_groups(moves, CycleRules(max_gap=max_gap, min_pause=1), data_end)  # noise dropped
    kept = [np.array([m.announced for m in group], dtype="datetime64[D]") for group in groups
            if group[0].direction == grid.direction and (lo is None or group[0].announced >= lo)]
    width = max((len(d) for d in kept), default=1)
    days = np.full((len(kept), max(width, 2)), np.datetime64("NaT", "D"))
    gaps = np.full((len(kept), max(width - 1, 1)), -1, dtype="int64")
    for i, run in enumerate(kept):
        days[i, :len(run)] = run
        gaps[i, :len(run) - 1] = np.diff(run).astype("int64")
    return _Runs(days[:, 0], days, gaps)


def anchor_events(moves: Sequence[Move], data_end: pd.Timestamp | None, grid: SweepGrid,
                  rule_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per (rule variant, anchor, cycle having that anchor): group id, cycle start and anchor date.

    The same cycles and anchors as ``cycles_from_moves`` + ``anchor_date`` give, with the grouping memoised by
    ``max_gap`` and the pause of every run picked at once (``cycles.detect.first_pauses``).
    """
    rule_variants = grid.rule_variants()
    ids = np.asarray(range(len(rule_variants)) if rule_ids is None else rule_ids, dtype="int64")
    chosen = [rule_variants[int(r)] for r in ids]
    gaps_used = sorted({rules.max_gap for rules in chosen})
    found = [_runs(moves, max_gap, grid, data_end) for max_gap in gaps_used]  # grouping depends on max_gap only
    n_runs = max((f.gaps.shape[0] for f in found), default=0)
    width = max((f.days.shape[1] for f in found), default=2)
    # every max_gap's runs in one padded block: (max_gap, run, position)
    days = np.full((len(found), n_runs, width), np.datetime64("NaT", "D"))
    gaps = np.full((len(found), n_runs, width - 1), -1, dtype="int64")
    for m, f in enumerate(found):
        days[m, :f.days.shape[0], :f.days.shape[1]] = f.days
        gaps[m, :f.gaps.shape[0], :f.gaps.shape[1]] = f.gaps
    which = np.searchsorted(np.asarray(gaps_used, dtype="int64"), [rules.max_gap for rules in chosen])
    pause = first_pauses(gaps[which], [rules.min_pause for rules in chosen],
                         [rules.rule == "longest" for rules in chosen])  # (rule variant, run)
    run_days = days[which]
    at = np.maximum(pause, 0)[..., None]
    nat = np.datetime64("NaT", "D")
    by_anchor = {"cycle_start": run_days[:, :, 0],
                 "pause_start": np.where(pause >= 0, np.take_along_axis(run_days, at, axis=2)[..., 0], nat),
                 "later_start": np.where(pause >= 0, np.take_along_axis(run_days, at + 1, axis=2)[..., 0], nat)}
    anchor_dates = np.stack([by_anchor[anchor] for anchor in grid.anchors], axis=1)  # (rule variant, anchor, run)
    group = ids[:, None, None] * len(grid.anchors) + np.arange(len(grid.anchors))[None, :, None]
    has = ~np.isnat(anchor_dates)
    return pd.DataFrame({
        "group": np.broadcast_to(group, anchor_dates.shape)[has].astype("int64"),
        "cycle_start": np.broadcast_to(run_days[:, None, :, 0], anchor_dates.shape)[has].astype("datetime64[ns]"),
        "anchor_date": anchor_dates[has].astype("datetime64[ns]"),
    })


def sweep_windows(prices: Mapping[str, pd.Series | Prices], events: pd.DataFrame, grid: SweepGrid) -> pd.DataFrame:
    """Every (event, convention, months, pair) window: variant id, dates, returns of A and B, spread, usability."""
    series = grid.series()
    missing = [s for s in series if s not in prices]
    if missing:
        raise RatecycleError(f"sweep: no prices for {', '.join(missing)}")
    data = {name: as_prices(prices[name], name) for name in series}
    n_conv, n_months, n_pairs = len(grid.conventions), len(grid.months), len(grid.pairs)
    inner = n_conv * n_months * n_pairs
    anchor_days = as_days(events["anchor_date"]) if len(events) else np.array([], dtype="datetime64[D]")
    unique_days, u_index = np.unique(anchor_days, return_inverse=True)
    n_unique = len(unique_days)
    # window dates for every (convention, months) block over the unique anchors
    starts = np.empty(n_conv * n_months * n_unique, dtype="datetime64[D]")
    ends = np.empty_like(starts)
    for c, convention in enumerate(grid.conventions):
        for m, months in enumerate(grid.months):
            block = slice((c * n_months + m) * n_unique, (c * n_months + m + 1) * n_unique)
            starts[block], ends[block] = horizon_dates(unique_days, int(months), convention)
    returns = np.empty((len(series), len(starts)))
    unusable = np.empty((len(series), len(starts)), dtype=bool)
    for s, name in enumerate(series):
        if len(starts):
            w = window_returns(data[name].dates, data[name].closes, starts, ends)
            returns[s], unusable[s] = w.returns, w.incomplete | w.before_data
    # expand: events x (convention, months, pair)
    j = np.arange(inner)
    cm_index, pair_index = j // n_pairs, j % n_pairs
    side_a = np.array([series.index(a) for a, _ in grid.pairs])[pair_index]
    side_b = np.array([series.index(b) for _, b in grid.pairs])[pair_index]
    window = cm_index[None, :] * n_unique + u_index.reshape(-1)[:, None]
    return_a = returns[side_a[None, :], window]
    return_b = returns[side_b[None, :], window]
    bad = unusable[side_a[None, :], window] | unusable[side_b[None, :], window]
    group = events["group"].to_numpy(dtype="int64")
    variant = group[:, None] * inner + j[None, :]
    n_events = len(events)
    if not n_events:
        return pd.DataFrame({c: [] for c in ("variant", "cycle_start", "anchor_date", "window_start", "window_end",
                                             "return_a", "return_b", "spread", "usable")})
    order = _variant_order(group, variant, events["anchor_date"].to_numpy(dtype="datetime64[ns]"), inner)

    def flat(values: np.ndarray) -> np.ndarray:
        picked: np.ndarray = values.reshape(-1)[order]
        return picked

    return pd.DataFrame({
        "variant": flat(variant),
        "cycle_start": flat(np.repeat(events["cycle_start"].to_numpy(dtype="datetime64[ns]"), inner)),
        "anchor_date": flat(np.repeat(events["anchor_date"].to_numpy(dtype="datetime64[ns]"), inner)),
        "window_start": flat(starts[window]).astype("datetime64[ns]"),
        "window_end": flat(ends[window]).astype("datetime64[ns]"),
        "return_a": flat(return_a),
        "return_b": flat(return_b),
        "spread": flat(return_a - return_b),
        "usable": ~flat(bad),
    })


def _variant_order(group: np.ndarray, variant: np.ndarray, anchor: np.ndarray, inner: int) -> np.ndarray:
    """Row order (variant, then anchor date) of the (event, inner) grid of windows, without a sort when the events
    come as ``anchor_events`` makes them: groups ascending and contiguous, each group's anchors ascending."""
    n_events = group.size
    rank = np.arange(n_events)
    step, later = np.diff(group), np.diff(anchor) > np.timedelta64(0)
    if bool(np.all(step >= 0)) and bool(np.all((step > 0) | later)):
        _, first, size = np.unique(group, return_index=True, return_counts=True)
        which = np.repeat(np.arange(first.size), size)
        offset, count = first[which], size[which]
        j = np.arange(inner)
        position = (offset[:, None] * inner + j[None, :] * count[:, None] + (rank - offset)[:, None]).reshape(-1)
        order: np.ndarray = np.empty_like(position)
        order[position] = np.arange(position.size)
        return order
    keys = np.repeat(anchor.astype("int64"), inner)
    return np.asarray(np.lexsort((np.arange(keys.size), keys, variant.reshape(-1))))


def variant_stats(windows: pd.DataFrame, variant_ids: np.ndarray) -> pd.DataFrame:
    """Per-variant statistics over usable windows (grouped sums and sorted medians, no loop over variants)."""
    ids = np.asarray(variant_ids, dtype="int64")
    size = int(ids.max()) + 1 if ids.size else 0
    vid = windows["variant"].to_numpy(dtype="int64")
    ok = windows["usable"].to_numpy(dtype=bool)
    spread = windows["spread"].to_numpy(dtype="float64")
    ra = windows["return_a"].to_numpy(dtype="float64")
    rb = windows["return_b"].to_numpy(dtype="float64")
    v_ok, s_ok = vid[ok], spread[ok]
    n = np.bincount(v_ok, minlength=size)[:size]
    excluded = np.bincount(vid[~ok], minlength=size)[:size]
    hits = np.bincount(v_ok, weights=(s_ok > 0).astype("float64"), minlength=size)[:size]
    total = np.bincount(v_ok, weights=s_ok, minlength=size)[:size]
    total_a = np.bincount(v_ok, weights=ra[ok], minlength=size)[:size]
    total_b = np.bincount(v_ok, weights=rb[ok], minlength=size)[:size]
    order = np.lexsort((s_ok, v_ok))
    sorted_spread = s_ok[order]
    offset = np.concatenate([[0], np.cumsum(n)[:-1]]).astype("int64")
    has = n > 0
    lo = np.where(has, offset + (n - 1) // 2, 0)
    hi = np.where(has, offset + n // 2, 0)
    last = np.where(has, offset + n - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        stats = {
            "n_events": n, "n_excluded": excluded, "hits": hits.astype("int64"),
            "hit_rate": np.where(has, hits / np.maximum(n, 1), np.nan),
            "mean_spread": np.where(has, total / np.maximum(n, 1), np.nan),
            "median_spread": np.where(has, (sorted_spread[lo] + sorted_spread[hi]) / 2.0, np.nan)
            if sorted_spread.size else np.full(size, np.nan),
            "min_spread": np.where(has, sorted_spread[offset.clip(max=max(sorted_spread.size - 1, 0))], np.nan)
            if sorted_spread.size else np.full(size, np.nan),
            "max_spread": np.where(has, sorted_spread[last], np.nan) if sorted_spread.size else np.full(size, np.nan),
            "mean_return_a": np.where(has, total_a / np.maximum(n, 1), np.nan),
            "mean_return_b": np.where(has, total_b / np.maximum(n, 1), np.nan),
        }
    frame = pd.DataFrame(stats)
    frame.insert(0, "variant", np.arange(size))
    frame = frame.set_index("variant").reindex(ids)
    frame["n_events"] = frame["n_events"].fillna(0).astype("int64")
    frame["n_excluded"] = frame["n_excluded"].fillna(0).astype("int64")
    frame["hits"] = frame["hits"].fillna(0).astype("int64")
    return frame.reset_index()


def compute_chunk(prices: Mapping[str, pd.Series | Prices], moves: Sequence[Move], data_end: pd.Timestamp | None,
                  grid: SweepGrid, rule_ids: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Windows and per-variant statistics for the variants of some rule variants (the unit of distribution)."""
    events = anchor_events(moves, data_end, grid, rule_ids)
    windows = sweep_windows(prices, events, grid)
    per_rule = len(grid.anchors) * grid.inner_size
    ids = (np.asarray(rule_ids, dtype="int64")[:, None] * per_rule + np.arange(per_rule)[None, :]).reshape(-1)
    return windows, variant_stats(windows, ids)
