"""(b) A 10,080-variant robustness sweep from loaded data (goal < 5 s on 2 cores), locally and on Dask.

Grid: 2 pairs x 2 pause rules x 8 min_pause x 7 max_gap x 3 anchors x 3 conventions x 5 window lengths.
Data loading is not timed (it is the same for any analysis); the timed part is cycle detection for every
rule variant plus every window and statistic of every variant.
"""

from __future__ import annotations

import time

from _common import SNAPSHOT, best_of, emit, row

GOAL_S = 5.0


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
                f"{n} variants, {len(result.windows)} windows, 1 process", variants=n)]
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
