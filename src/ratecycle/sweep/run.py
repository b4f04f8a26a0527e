"""Run a sweep locally or on a Dask cluster (same chunks, same kernel, identical results)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..cycles import Move
from ..errors import RatecycleError
from ..events.pair import Prices, as_prices
from .engine import compute_chunk
from .grid import SweepGrid
from .result import SweepResult

if TYPE_CHECKING:
    from ..data.source import DataSource


def _chunks(n_rules: int, n_chunks: int) -> list[list[int]]:
    """Rule-variant ids split into at most ``n_chunks`` contiguous, non-empty chunks."""
    return [list(map(int, part)) for part in np.array_split(np.arange(n_rules), max(1, min(n_chunks, n_rules)))
            if len(part)]


def _assemble(grid: SweepGrid, parts: Sequence[tuple[pd.DataFrame, pd.DataFrame]],
              notes: tuple[str, ...]) -> SweepResult:
    params = grid.variants()
    # chunks are contiguous runs of rule variants in ascending order, so their rows come in variant order already
    stats = parts[0][1] if len(parts) == 1 else pd.concat([p[1] for p in parts], ignore_index=True)
    windows = parts[0][0] if len(parts) == 1 else pd.concat([p[0] for p in parts], ignore_index=True)
    if not np.array_equal(stats["variant"].to_numpy(), params["variant"].to_numpy()):
        raise RatecycleError("sweep: the chunks' statistics do not cover every variant once, in order")
    variants = pd.concat([params, stats.drop(columns="variant")], axis=1)
    return SweepResult(grid=grid, variants=variants, windows=windows.reset_index(drop=True), notes=notes)


def run_sweep(prices: Mapping[str, pd.Series | Prices], moves: Sequence[Move], data_end: pd.Timestamp | None,
              grid: SweepGrid | None = None, *, chunks: int = 1, client: Any = None) -> SweepResult:
    """Every variant of ``grid`` over the cutting (or hiking) cycles detected from ``moves``.

    With a Dask ``client`` the rule variants are split into ``chunks`` tasks run on the cluster; the result
    is identical to a local run because each variant's numbers come from the same kernel on the same inputs.
    """
    grid = grid or SweepGrid()
    data = {name: as_prices(prices[name], name) for name in grid.series() if name in prices}
    n_rules = len(grid.rule_variants())
    parts_ids = _chunks(n_rules, chunks)
    if client is None:
        parts = [compute_chunk(data, moves, data_end, grid, ids) for ids in parts_ids]
    else:
        [shared] = client.scatter([data], broadcast=True, hash=False)  # one future for the whole dict
        futures = [client.submit(compute_chunk, shared, list(moves), data_end, grid, ids, pure=False)
                   for ids in parts_ids]
        parts = client.gather(futures)
    notes = ("Ex post: windows use prices after each anchor by design.",
             "Spread = return of A minus return of B over the window; hit rate = share of cycles with spread > 0.",
             "Windows that run past the data or start before a series begins are excluded (n_excluded).")
    return _assemble(grid, parts, notes)


def open_client(scheduler: str | None = None, local: bool = False, workers: int = 2) -> Any:
    """A Dask client: connect to ``scheduler`` (address) or start a LocalCluster with ``workers`` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise RatecycleError("Dask is not installed: pip install 'ratecycle[dask]'") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise RatecycleError(f"cannot reach Dask scheduler {scheduler}: {exc}") from None
    if local:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    raise RatecycleError("open_client needs a scheduler address or local=True")


def sweep_from_source(ds: DataSource, grid: SweepGrid | None = None, *, client: Any = None,
                      chunks: int | None = None) -> SweepResult:
    """Load the pairs' closes and the policy moves from a DataSource, then run the sweep."""
    from ..cycles import moves_from_source

    grid = grid or SweepGrid()
    prices = {name: ds.load(name) for name in grid.series()}
    moves, data_end = moves_from_source(ds)
    n = chunks if chunks is not None else (1 if client is None else 2 * max(1, _workers(client)))
    return run_sweep(prices, moves, data_end, grid, chunks=n, client=client)


def _workers(client: Any) -> int:
    try:
        return len(client.scheduler_info().get("workers", {}))
    except Exception:  # any scheduler hiccup just means fewer, larger chunks
        return 1
