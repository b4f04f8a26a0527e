"""The sweep on a Dask cluster gives exactly the local result."""

from __future__ import annotations

import pandas as pd
import pytest

from ratecycle.cycles import moves_from_source
from ratecycle.sweep import SweepGrid, run_sweep

distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is a test dependency")


def test_dask_local_cluster_equals_local_run(ds) -> None:  # type: ignore[no-untyped-def]
    grid = SweepGrid(pairs=(("russell2000", "sp500"),), min_pauses=(45, 60, 90), max_gaps=(250, 365),
                     months=(6, 12))
    prices = {name: ds.load(name) for name in grid.series()}
    moves, data_end = moves_from_source(ds)
    local = run_sweep(prices, moves, data_end, grid)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = run_sweep(prices, moves, data_end, grid, client=client, chunks=5)
        assert len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(local.variants, remote.variants, check_exact=True)
    pd.testing.assert_frame_equal(local.windows, remote.windows, check_exact=True)
    assert local.verdict() == remote.verdict()
    assert local.variants["n_events"].sum() > 0
