"""The sweep kernel equals the single-variant event study, and one window is checked against raw closes."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ratecycle.cycles import CycleRules, cycles_from_moves, filter_cycles, moves_from_source
from ratecycle.errors import RatecycleError
from ratecycle.events import event_study
from ratecycle.events.pair import as_prices
from ratecycle.sweep import SweepGrid, run_sweep

GRID = SweepGrid(pairs=(("russell2000", "sp500"), ("iwm", "spy")), rules=("longest", "threshold"),
                 min_pauses=(45, 90), max_gaps=(250, 365), months=(3, 12, 24))


@pytest.fixture(scope="module")
def inputs(ds):  # type: ignore[no-untyped-def]
    prices = {name: as_prices(ds.load(name), name) for name in GRID.series()}
    moves, data_end = moves_from_source(ds)
    return prices, moves, data_end


@pytest.fixture(scope="module")
def result(inputs):  # type: ignore[no-untyped-def]
    prices, moves, data_end = inputs
    return run_sweep(prices, moves, data_end, GRID)


def test_grid_size_and_ids(result) -> None:  # type: ignore[no-untyped-def]
    # 2 rules x 2 min_pause x 2 max_gap x 3 anchors x 3 conventions x 3 months x 2 pairs
    assert len(result.variants) == 2 * 2 * 2 * 3 * 3 * 3 * 2
    assert list(result.variants["variant"]) == list(range(len(result.variants)))
    assert set(result.windows["variant"]) <= set(result.variants["variant"])


def test_every_sampled_variant_equals_event_study(inputs, result) -> None:  # type: ignore[no-untyped-def]
    prices, moves, data_end = inputs
    rng = np.random.default_rng(11)
    picks = rng.choice(len(result.variants), size=16, replace=False)
    for v in picks:
        row = result.variants.iloc[int(v)]
        rules = CycleRules(rule=row["rule"], min_pause=int(row["min_pause"]), max_gap=int(row["max_gap"]))
        cycles = filter_cycles(cycles_from_moves(moves, rules, data_end), "cut")
        study = event_study(prices[row["series_a"]], prices[row["series_b"]], cycles, anchor=row["anchor"],
                            months=int(row["months"]), convention=row["convention"], with_baseline=False, reps=50)
        s = study.summary
        assert row["n_events"] == s.n and row["n_excluded"] == s.n_excluded, row.to_dict()
        if s.n:
            assert row["hit_rate"] == pytest.approx(s.hit_rate, abs=1e-15)
            assert row["mean_spread"] == pytest.approx(s.mean, rel=1e-12, abs=1e-15)
            assert row["median_spread"] == pytest.approx(s.median, rel=1e-12, abs=1e-15)
        windows = result.windows[result.windows["variant"] == row["variant"]]
        rows = study.rows
        assert len(windows) == len(rows)
        np.testing.assert_array_equal(windows["anchor_date"].to_numpy(), rows["anchor"].to_numpy())
        np.testing.assert_allclose(windows["spread"].to_numpy(), rows["spread"].to_numpy(dtype=float),
                                   rtol=1e-13, equal_nan=True)


def _closes(path: Path) -> dict[str, float]:
    with path.open(newline="") as handle:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(handle)}


def test_2020_later_start_window_from_raw_csv(result, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """2019-20 cycle: later phase starts 2020-03-03; month_end, 12 months: close of 2020-03-31 to 2021-03-31."""
    sel = result.variants[(result.variants["pair"] == "russell2000,sp500") & (result.variants["rule"] == "longest")
                          & (result.variants["min_pause"] == 45) & (result.variants["max_gap"] == 365)
                          & (result.variants["anchor"] == "later_start")
                          & (result.variants["convention"] == "month_end") & (result.variants["months"] == 12)]
    assert len(sel) == 1
    windows = result.windows[result.windows["variant"] == int(sel["variant"].iloc[0])]
    row = windows[windows["anchor_date"] == pd.Timestamp("2020-03-03")]
    assert len(row) == 1
    rut = _closes(snapshot_dir / "market" / "RUT_daily.csv")
    spx = _closes(snapshot_dir / "market" / "GSPC_daily.csv")
    ra = rut["2021-03-31"] / rut["2020-03-31"] - 1
    rb = spx["2021-03-31"] / spx["2020-03-31"] - 1
    assert float(row["return_a"].iloc[0]) == pytest.approx(ra, rel=1e-12)
    assert float(row["spread"].iloc[0]) == pytest.approx(ra - rb, rel=1e-12)


def test_verdict_counts_later_start_variants(result) -> None:  # type: ignore[no-untyped-def]
    verdict = result.verdict()
    later = result.variants[(result.variants["anchor"] == "later_start") & (result.variants["n_events"] > 0)]
    assert verdict.variants == len(later)
    assert verdict.majority_beat == int((later["hit_rate"] > 0.5).sum())
    assert verdict.mean_positive == int((later["mean_spread"] > 0).sum())
    assert f"{verdict.majority_beat} of {verdict.variants}" in verdict.text
    heat = result.heatmap("hit_rate", "months", "anchor")
    assert heat.shape == (3, 3)
    cell = later[later["months"] == 12]["hit_rate"].median()
    assert heat.loc[12, "later_start"] == pytest.approx(cell)


def test_bad_grids_are_one_line_errors() -> None:
    with pytest.raises(RatecycleError, match="anchor"):
        SweepGrid(anchors=("later",))
    with pytest.raises(RatecycleError, match="convention"):
        SweepGrid(conventions=("weekly",))
    with pytest.raises(RatecycleError, match="no valid"):
        SweepGrid(min_pauses=(400,), max_gaps=(300,))


def test_later_start_distribution_quantiles(result) -> None:  # type: ignore[no-untyped-def]
    dist = result.distribution("later_start")
    v = result.variants
    block = v[(v["anchor"] == "later_start") & (v["n_events"] > 0) & (v["pair"] == "russell2000,sp500")
              & (v["months"] == 12)]
    row = dist[(dist["pair"] == "russell2000,sp500") & (dist["months"] == 12)].iloc[0]
    assert row["variants"] == len(block) == 2 * 2 * 2 * 3
    assert row["mean_spread_p50"] == pytest.approx(float(np.median(block["mean_spread"])))
    assert row["hit_rate_p10"] == pytest.approx(float(np.quantile(block["hit_rate"], 0.1)))


@pytest.mark.parametrize("grid", [
    SweepGrid(direction="hike", min_pauses=(20, 33, 59, 111, 150), max_gaps=(100, 200, 400, 600)),
    SweepGrid(since=2000, anchors=("later_start", "cycle_start"), min_pauses=(1, 30, 60), max_gaps=(60, 90, 500)),
])
def test_anchor_events_equal_detected_cycles(inputs, grid: SweepGrid) -> None:  # type: ignore[no-untyped-def]
    """The sweep's memoised runs and vectorised pause choice give the anchors that full detection gives."""
    from ratecycle.events.study import anchor_date
    from ratecycle.sweep.engine import anchor_events

    _, moves, data_end = inputs
    expected = []
    for r, rules in enumerate(grid.rule_variants()):
        cycles = filter_cycles(cycles_from_moves(moves, rules, data_end), grid.direction, grid.since)
        for k, anchor in enumerate(grid.anchors):
            expected += [(r * len(grid.anchors) + k, c.start, anchor_date(c, anchor)) for c in cycles
                         if anchor_date(c, anchor) is not None]
    got = anchor_events(moves, data_end, grid)
    assert len(expected) > 0
    assert list(zip(got["group"], got["cycle_start"], got["anchor_date"], strict=True)) == expected


def test_first_pauses_match_pause_positions() -> None:
    """The vectorised pause choice picks what pause_positions picks, ties and padding included."""
    from ratecycle.cycles.detect import first_pauses, pause_positions

    rng = np.random.default_rng(7)
    gaps = rng.integers(1, 12, size=(6, 40, 9)) * 10  # many ties
    gaps[:, ::3, 5:] = -1  # shorter runs, padded
    min_pause = [15, 40, 80, 15, 40, 200]
    longest = [True, True, True, False, False, False]
    got = first_pauses(gaps, min_pause, longest)
    for i in range(6):
        rules = CycleRules(rule="longest" if longest[i] else "threshold", min_pause=min_pause[i], max_gap=400)
        for run in range(40):
            row = [int(g) for g in gaps[i, run] if g >= 0]
            found = pause_positions(row, rules)
            assert got[i, run] == (found[0] if found else -1)
