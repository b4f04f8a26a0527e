"""(c) Cross-section event study: 3,000 synthetic constituents x 35 years of daily closes (goal < 10 s, < 4 GB).

The constituents are random-walk prices (seeded) on the real S&P 500 trading calendar of the last 35 years,
some listed only part-way through. For every cutting cycle's anchors (cycle start, pause start, later start)
and windows of 3, 6, 12, 18 and 24 months (month_end convention), the script computes each constituent's
return, its spread against the S&P 500, its max drawdown inside the window, and per window the share of
constituents ahead of the index and the mean/median spread. Window positions come from the event-study
kernel (``horizon_dates`` + ``window_returns``) once per window set; the constituents are then gathered
as whole columns of one matrix. Peak memory is the process's peak RSS (``resource.getrusage``).
"""

from __future__ import annotations

import time

import numpy as np

from _common import SNAPSHOT, emit, peak_rss_mb, row

GOAL_S = 10.0
GOAL_MB = 4096.0
N_STOCKS = 3000
YEARS = 35
MONTHS = (3, 6, 12, 18, 24)


def synthetic_closes(n_days: int, n_stocks: int, seed: int = 7) -> np.ndarray:
    """(stocks, days) float64 closes: log random walks with per-stock drift/volatility; NaN before listing."""
    rng = np.random.default_rng(seed)
    vol = rng.uniform(0.01, 0.04, size=(n_stocks, 1))
    drift = rng.normal(0.0002, 0.0003, size=(n_stocks, 1))
    closes = np.empty((n_stocks, n_days))
    for lo in range(0, n_stocks, 500):  # in blocks, to keep temporaries small
        hi = min(lo + 500, n_stocks)
        steps = rng.standard_normal((hi - lo, n_days)) * vol[lo:hi] + drift[lo:hi]
        np.cumsum(steps, axis=1, out=steps)
        np.exp(steps, out=steps)
        closes[lo:hi] = steps * 20.0
    listed = rng.integers(0, n_days // 2, size=n_stocks) * (rng.random(n_stocks) < 0.3)
    mask = np.arange(n_days)[None, :] < listed[:, None]
    closes[mask] = np.nan
    return closes


def cross_section(dates: np.ndarray, index_closes: np.ndarray, closes: np.ndarray,
                  anchors: np.ndarray) -> dict[str, np.ndarray]:
    """Per window: share of constituents beating the index, mean/median spread, mean max drawdown."""
    from ratecycle.events import horizon_dates, window_returns

    starts, ends = [], []
    for months in MONTHS:
        s, e = horizon_dates(anchors, months, "month_end")
        starts.append(s)
        ends.append(e)
    start, end = np.concatenate(starts), np.concatenate(ends)
    bench = window_returns(dates, index_closes, start, end)
    usable = ~(bench.incomplete | bench.before_data)
    i0, i1 = bench.start_index[usable], bench.end_index[usable]
    returns = closes[:, i1] / closes[:, i0] - 1.0  # (stocks, windows): one gather per side
    spread = returns - bench.returns[usable][None, :]
    drawdown = np.empty_like(returns)
    for k, (a, b) in enumerate(zip(i0, i1, strict=True)):  # loop over windows, never over stocks
        path = closes[:, a:b + 1]
        drawdown[:, k] = np.min(path / np.fmax.accumulate(path, axis=1), axis=1) - 1.0
    with np.errstate(invalid="ignore"):
        beat = np.where(np.isnan(spread), np.nan, spread > 0)
    return {"share_beating": np.nanmean(beat, axis=0), "mean_spread": np.nanmean(spread, axis=0),
            "median_spread": np.nanmedian(spread, axis=0), "mean_drawdown": np.nanmean(drawdown, axis=0),
            "windows": np.array([usable.sum()])}


def main() -> None:
    """Generate the panel, run the cross-section study, report time and peak memory."""
    from ratecycle.cycles import cycles_from_source
    from ratecycle.data.source import DataSource
    from ratecycle.events import anchor_date

    ds = DataSource(snapshot=SNAPSHOT)
    spx = ds.load("sp500")
    spx = spx[spx.index > spx.index[-1] - np.timedelta64(int(YEARS * 365.25), "D")]
    dates = spx.index.to_numpy(dtype="datetime64[D]")
    cycles = cycles_from_source(ds, direction="cut")
    anchors = np.array(sorted({np.datetime64(d.date(), "D") for c in cycles
                               for d in (anchor_date(c, a) for a in ("cycle_start", "pause_start", "later_start"))
                               if d is not None and d >= spx.index[0]}), dtype="datetime64[D]")
    started = time.perf_counter()
    closes = synthetic_closes(len(dates), N_STOCKS)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    out = cross_section(dates, spx.to_numpy(dtype="float64"), closes, anchors)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    windows = int(out["windows"][0])
    emit([
        row("cross_section_3000x35y_time", seconds, "s", f"< {GOAL_S:g} s", seconds < GOAL_S,
            f"{N_STOCKS} constituents x {len(dates)} days, {windows} windows ({len(anchors)} anchors x "
            f"{len(MONTHS)} lengths): returns, spreads, drawdowns; panel generation {generated:.1f} s not included",
            days=len(dates), windows=windows),
        row("cross_section_3000x35y_peak_rss", peak, "MB", f"< {GOAL_MB:g} MB", peak < GOAL_MB,
            f"peak RSS of the whole process; the float64 panel alone is {closes.nbytes / 2**20:.0f} MB"),
    ])


if __name__ == "__main__":
    main()
