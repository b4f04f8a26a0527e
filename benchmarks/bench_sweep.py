"""(b) A 10,080-variant robustness sweep from loaded data (goal < 5 s on 2 cores), locally and on Dask.

Grid: 2 pairs x 2 pause rules x 8 min_pause x 7 max_gap x 3 anchors x 3 conventions x 5 window lengths.
Data loading is not timed (it is the same for any analysis); the timed part is cycle detection for every
rule variant plus every window and statistic of every variant.

A third row runs a 100,800-variant grid (40 min_pause x 14 max_gap values) and compares the whole sweep with a
bare numpy kernel over the same windows: for every window row the sweep returns, two ``searchsorted`` calls per
series and the returns and spread from the closes found (no detection, no statistics, no tables). Medians of
5 runs each (the machine is shared). Goal: the sweep within 3x of the kernel.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from _common import SNAPSHOT, best_of, emit, row

GOAL_S = 5.0
KERNEL_GOAL = 3.0


def median_time(func, repeat: int = 5) -> float:
    """Median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kernel_row(prices, moves, data_end) -> dict:
    """The 100,800-variant sweep against a bare searchsorted kernel over the same window rows."""
    from ratecycle.sweep import SweepGrid, run_sweep

    grid = SweepGrid(pairs=(("russell2000", "sp500"), ("iwm", "spy")), rules=("longest", "threshold"),
                     min_pauses=tuple(range(30, 150, 3)), max_gaps=tuple(range(200, 410, 15)),
                     months=(3, 6, 12, 18, 24))
    result = run_sweep(prices, moves, data_end, grid)
    pair_of = grid.variants()["pair"].to_numpy()[result.windows["variant"].to_numpy()]
    starts = result.windows["window_start"].to_numpy(dtype="datetime64[D]")
    ends = result.windows["window_end"].to_numpy(dtype="datetime64[D]")
    blocks = []
    for a, b in grid.pairs:  # kernel inputs per pair: its window rows and both series' arrays (not timed)
        rows = np.flatnonzero(pair_of == f"{a},{b}")
        blocks.append((rows, starts[rows], ends[rows], prices[a].dates, prices[a].closes, prices[b].dates,
                       prices[b].closes))

    def kernel() -> np.ndarray:
        spread = np.empty(len(starts))
        for rows, lo, hi, da, ca, db, cb in blocks:
            ra = ca[np.searchsorted(da, hi, side="right") - 1] / ca[np.searchsorted(da, lo, side="right") - 1] - 1
            rb = cb[np.searchsorted(db, hi, side="right") - 1] / cb[np.searchsorted(db, lo, side="right") - 1] - 1
            spread[rows] = ra - rb
        return spread

    ok = result.windows["usable"].to_numpy(dtype=bool)
    np.testing.assert_allclose(kernel()[ok], result.windows["spread"].to_numpy(dtype=float)[ok], rtol=1e-12)
    t_sweep = median_time(lambda: run_sweep(prices, moves, data_end, grid))
    t_kernel = median_time(kernel)
    ratio = t_sweep / t_kernel
    return row("sweep_100k_vs_searchsorted_kernel", ratio, "x", f"<= {KERNEL_GOAL:g}x", ratio <= KERNEL_GOAL,
               f"{len(result.variants):,} variants, {len(starts):,} windows: sweep {t_sweep:.2f} s vs bare "
               f"searchsorted kernel {t_kernel:.3f} s (medians of 5)", variants=len(result.variants),
               sweep_s=round(t_sweep, 3), kernel_s=round(t_kernel, 4))


def main() -> None:
    """Time the local sweep (best of 3) and one run on a 2-process Dask LocalCluster."""
    from ratecycle.cycles import moves_from_source
    from ratecycle.data.source import DataSource
    from ratecycle.events import Prices
    from ratecycle.sweep import SweepGrid, run_sweep

    grid = SweepGrid(pairs=(("russell2000", "sp500"), ("iwm", "spy")), rules=("longest", "threshold"),
                     min_pauses=(35, 45, 52, 60, 70, 80, 90, 120), max_gaps=(200, 250, 275, 300, 330, 365, 400),
                     months=(3, 6, 12, 18, 24))
    ds = DataSource(snapshot=SNAPSHOT)
    prices = {name: Prices.from_series(ds.load(name), name) for name in grid.series()}
    moves, data_end = moves_from_source(ds)
    seconds, result = best_of(lambda: run_sweep(prices, moves, data_end, grid), 3)
    n = len(result.variants)
    rows = [row("sweep_variants_local", seconds, "s", f"< {GOAL_S:g} s", seconds < GOAL_S,
                f"{n} variants, {len(result.windows)} windows, 1 process", variants=n),
            kernel_row(prices, moves, data_end)]
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        emit(rows)
        return
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        run_sweep(prices, moves, data_end, grid, client=client, chunks=4)  # warm the workers
        start = time.perf_counter()
        remote = run_sweep(prices, moves, data_end, grid, client=client, chunks=4)
        dask_s = time.perf_counter() - start
    same = remote.variants.equals(result.variants)
    rows.append(row("sweep_variants_dask_2_workers", dask_s, "s", f"< {GOAL_S:g} s", dask_s < GOAL_S and same,
                    f"{n} variants on a 2-process LocalCluster, 4 chunks; identical to local: {same}", variants=n))
    emit(rows)


if __name__ == "__main__":
    main()
