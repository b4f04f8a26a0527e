"""The Explore section's data: every combination of the controls, precomputed by the sweep engine.

The grid is the robustness sweep over the pairs, pause rules, minimum pauses, maximum gaps, anchors, window
conventions and horizons a reader can choose; each variant's statistics and the windows behind them are embedded
in the page, so changing a control is a lookup (no computation, no network) and the numbers are the sweep's,
which equal ``ratecycle study`` with the same options.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from ..cycles.rules import DEFAULT_MAX_GAP, DEFAULT_MIN_PAUSE
from ..events.study import ANCHORS
from ..events.windows import CONVENTIONS
from ..sweep import SweepGrid, sweep_from_source
from .context import CONVENTION, Context, Unavailable, display
from .model import Explorer, Paragraph, Section

MIN_PAUSES = (30, 40, DEFAULT_MIN_PAUSE, 70, 90)
MAX_GAPS = (250, 300, DEFAULT_MAX_GAP)
MONTHS = (3, 6, 12, 18, 24)
EXTRA_PAIRS = (("iwm", "spy"),)
"""Pairs offered besides the report's own, when the data hold both series."""

ANCHOR_WORDS = {"cycle_start": "first cut of the cycle", "pause_start": "last cut before the pause",
                "later_start": "first cut after the pause"}
CONVENTION_WORDS = {"daily": "close of the day", "month_end": "close of its month",
                    "prior_month_end": "close of the month before"}
RULE_WORDS = {"longest": "longest quiet stretch", "threshold": "first quiet stretch"}
CONTROLS = ("rules", "min_pause", "max_gap", "anchor", "convention", "months", "pair")
"""The controls in the sweep's variant order (rule variant, anchor, convention, months, pair)."""


@dataclass(frozen=True)
class ExploreGrid:
    """The explorer's embedded data: options per control, per-variant statistics and the windows behind them."""

    options: dict[str, list[Any]]
    labels: dict[str, list[str]]
    defaults: dict[str, Any]
    stats: list[list[float | int | None]]
    """Per variant id: n, hits, mean spread, median spread, excluded windows (sweep statistics)."""
    windows: list[list[Any]]
    """Distinct windows: cycle label, anchor day, window start, window end, return A, return B, usable (0/1)."""
    members: list[list[int]]
    """Per variant id: indices into ``windows``, in anchor order."""

    def to_json(self) -> dict[str, Any]:
        """The document the page embeds (compact lists, floats at full precision)."""
        return {"controls": list(CONTROLS), "options": self.options, "labels": self.labels,
                "defaults": self.defaults, "stats": self.stats, "windows": self.windows, "members": self.members}

    def summary(self) -> dict[str, Any]:
        """What report.json keeps of the explorer: its controls and size (the grid itself lives in the page)."""
        return {"type": "explorer", "variants": len(self.stats), "windows": len(self.windows),
                "options": self.options, "defaults": self.defaults}


def _with(values: tuple[int, ...], extra: int | None) -> tuple[int, ...]:
    return tuple(sorted(set(values) | ({extra} if extra is not None else set())))


def explore_sweep_grid(ctx: Context) -> SweepGrid:
    """The sweep grid behind the controls: the report's pair (and IWM/SPY when present) and its own rules."""
    pairs = [ctx.pair, *(p for p in EXTRA_PAIRS if p != ctx.pair and all(ctx.data.has(n) for n in p))]
    rules = ctx.rules
    return SweepGrid(pairs=tuple(pairs), rules=("longest", "threshold"),
                     min_pauses=_with(MIN_PAUSES, rules.min_pause if rules else None),
                     max_gaps=_with(MAX_GAPS, rules.max_gap if rules else None),
                     anchors=ANCHORS, conventions=CONVENTIONS, months=_with(MONTHS, ctx.months))


def _days(values: pd.Series, unit: str = "D") -> np.ndarray:
    """Dates as datetime64 at ``unit`` (a day or a month): the grain the page shows them in."""
    days: np.ndarray = pd.DatetimeIndex(values).to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{unit}]")
    return days


def _float_key(values: pd.Series) -> np.ndarray:
    """Floats rounded to 12 places as int64 bit patterns (-0.0 folded into 0.0, one NaN), for exact grouping."""
    rounded = values.to_numpy(dtype="float64").round(12) + 0.0
    bits: np.ndarray = np.where(np.isnan(rounded), np.nan, rounded).view("int64")
    return bits


def _windows_and_members(w: pd.DataFrame, n_variants: int) -> tuple[list[list[Any]], list[list[int]]]:
    """The distinct windows (first-seen order) and, per variant id, the indices of its windows in row order."""
    cycle, anchor, start, end = (_days(w["cycle_start"], "M"), _days(w["anchor_date"]), _days(w["window_start"]),
                                 _days(w["window_end"]))
    keys = pd.DataFrame({"cycle": cycle.astype("int64"), "anchor": anchor.astype("int64"),
                         "start": start.astype("int64"), "end": end.astype("int64"),
                         "a": _float_key(w["return_a"]), "b": _float_key(w["return_b"]),
                         "usable": w["usable"].to_numpy(dtype="int64")})
    codes = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy(dtype="int64")
    first = np.unique(codes, return_index=True)[1]  # row of each window's first appearance, in code order
    labels = np.char.add("cut ", np.datetime_as_string(cycle[first]).astype(str))
    columns = (labels.tolist(), np.datetime_as_string(anchor[first]).tolist(),
               np.datetime_as_string(start[first]).tolist(), np.datetime_as_string(end[first]).tolist(),
               [_num(x) for x in w["return_a"].to_numpy(dtype="float64")[first].round(12)],
               [_num(x) for x in w["return_b"].to_numpy(dtype="float64")[first].round(12)],
               keys["usable"].to_numpy()[first].tolist())
    windows = [list(row) for row in zip(*columns, strict=True)]
    variant = w["variant"].to_numpy(dtype="int64")
    order = np.argsort(variant, kind="stable")
    bounds = np.searchsorted(variant[order], np.arange(n_variants + 1))
    ordered = codes[order]
    members = [ordered[bounds[i]:bounds[i + 1]].tolist() for i in range(n_variants)]
    return windows, members


def explore_grid(ctx: Context) -> ExploreGrid:
    """Run the sweep over the explorer's grid on the as-of view of the data and pack it for the page."""
    grid = explore_sweep_grid(ctx)
    result = sweep_from_source(ctx.data, grid)
    variants = result.variants
    expected = len(grid.rules) * len(grid.min_pauses) * len(grid.max_gaps) * len(grid.anchors) * \
        len(grid.conventions) * len(grid.months) * len(grid.pairs)
    if len(variants) != expected:  # a min_pause above a max_gap would leave holes in the id order the page uses
        raise Unavailable("the explorer's grid has rule combinations that cannot be used")
    windows, members = _windows_and_members(result.windows, len(variants))
    stats = [[int(n), int(h), _num(m), _num(md), int(x)] for n, h, m, md, x in
             zip(variants["n_events"], variants["hits"], variants["mean_spread"], variants["median_spread"],
                 variants["n_excluded"], strict=True)]
    options: dict[str, list[Any]] = {
        "rules": list(grid.rules), "min_pause": list(grid.min_pauses), "max_gap": list(grid.max_gaps),
        "anchor": list(grid.anchors), "convention": list(grid.conventions), "months": list(grid.months),
        "pair": [f"{a},{b}" for a, b in grid.pairs]}
    labels = {"rules": [RULE_WORDS[r] for r in grid.rules], "min_pause": [f"{d} days" for d in grid.min_pauses],
              "max_gap": [f"{d} days" for d in grid.max_gaps], "anchor": [ANCHOR_WORDS[a] for a in grid.anchors],
              "convention": [CONVENTION_WORDS[c] for c in grid.conventions],
              "months": [f"{m} months" for m in grid.months],
              "pair": [f"{display(a)} vs {display(b)}" for a, b in grid.pairs]}
    rules = ctx.rules
    defaults = {"rules": rules.rule if rules else "longest",
                "min_pause": rules.min_pause if rules else DEFAULT_MIN_PAUSE,
                "max_gap": rules.max_gap if rules else DEFAULT_MAX_GAP, "anchor": "later_start",
                "convention": CONVENTION, "months": ctx.months, "pair": f"{ctx.a},{ctx.b}"}
    return ExploreGrid(options=options, labels=labels, defaults=defaults, stats=stats, windows=windows,
                       members=members)


def variant_id(grid: ExploreGrid, choice: dict[str, Any]) -> int:
    """The sweep's id of a combination of control values (the same arithmetic the page does)."""
    index = 0
    for control in CONTROLS:
        values = grid.options[control]
        index = index * len(values) + values.index(choice[control])
    return index


def _num(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def combinations(grid: ExploreGrid) -> list[dict[str, Any]]:
    """Every combination of control values, in variant-id order (for tests and benchmarks)."""
    return [dict(zip(CONTROLS, values, strict=True)) for values in product(*(grid.options[c] for c in CONTROLS))]


def explore_section(ctx: Context) -> Section:
    """The Explore section: the reader picks pair, rules, window and horizon; numbers come from the sweep grid."""
    grid = explore_grid(ctx)
    intro = ("Choose another pair, pause rule, minimum pause, maximum gap, window convention, horizon or anchor: "
             "the table, the chart and the statistics below follow at once. Every combination was computed by the "
             f"robustness sweep on the data up to the as-of date ({len(grid.stats):,} combinations); each equals "
             "'ratecycle study' with the same options. Cycles are detected from the target, as in the rest of the "
             "report. Only completed windows count in the statistics.")
    return Section("explore", "Explore", (Paragraph(intro), Explorer(grid=grid.to_json(), summary=grid.summary())))
