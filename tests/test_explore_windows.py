"""The explorer's distinct windows and per-variant members, grouped on numbers, equal grouping on their texts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ratecycle.report.build import ReportOptions, make_context
from ratecycle.report.explore import _num, _windows_and_members, explore_sweep_grid
from ratecycle.sweep import sweep_from_source


def _by_text(w: pd.DataFrame, n_variants: int) -> tuple[list[list[object]], list[list[int]]]:
    """The plain way: every row as its texts and rounded returns, factorised in first-seen order."""
    def iso(values: pd.Series) -> list[str]:
        return [d.date().isoformat() for d in pd.DatetimeIndex(values)]

    keys = pd.DataFrame({"cycle": [f"cut {d:%Y-%m}" for d in pd.DatetimeIndex(w["cycle_start"])],
                         "anchor": iso(w["anchor_date"]), "start": iso(w["window_start"]), "end": iso(w["window_end"]),
                         "return_a": w["return_a"].round(12), "return_b": w["return_b"].round(12),
                         "usable": w["usable"].astype(int)})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
    windows = [[c, a, s, e, _num(ra), _num(rb), int(u)] for c, a, s, e, ra, rb, u in uniques]
    members: list[list[int]] = [[] for _ in range(n_variants)]
    for vid, code in zip(w["variant"].to_numpy(dtype="int64"), codes, strict=True):
        members[int(vid)].append(int(code))
    return windows, members


def test_windows_and_members_equal_text_grouping(ds) -> None:  # type: ignore[no-untyped-def]
    ctx = make_context(ds, ReportOptions(as_of="2025-09-17"))
    result = sweep_from_source(ctx.data, explore_sweep_grid(ctx))
    n = len(result.variants)
    windows, members = _windows_and_members(result.windows, n)
    expected_windows, expected_members = _by_text(result.windows, n)
    assert windows == expected_windows and members == expected_members
    assert len(windows) > 100 and sum(map(len, members)) == len(result.windows)
    assert any(np.isnan(x) for x in result.windows["return_a"].to_numpy(dtype=float))  # windows before the data
