"""(a) Event-study windows: the vectorised kernel vs a naive per-event pandas loop on the same inputs.

Inputs: Russell 2000 and S&P 500 closes from the snapshot and N anchor dates (every 4th trading day from
1990 on); each window runs 12 months after its anchor under the month_end convention. Both implementations
produce the same columns (dates and closes used, returns, spread, growth ratio, max drawdowns, incomplete
flag) and the script checks they agree before timing them. Goal: vectorised >= 100x faster.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from _common import SNAPSHOT, best_of, emit, row

GOAL_RATIO = 100.0
STUDY_GOAL_RATIO = 5.0
MONTHS = 12


def median_of(func, repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in seconds (robust to other jobs on a shared machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def study_row(ds, a: pd.Series, b: pd.Series, pa, pb) -> dict:
    """One event_study() call without statistics vs the per-event pandas loop, on the cycles' later starts."""
    from ratecycle.cycles import cycles_from_source
    from ratecycle.events import event_study
    from ratecycle.events.study import anchor_date

    first = max(a.index[0], b.index[0])
    cycles = [c for c in cycles_from_source(ds, direction="cut")
              if (d := anchor_date(c, "later_start")) is None or d > first]
    anchors = pd.DatetimeIndex([d for c in cycles if (d := anchor_date(c, "later_start")) is not None])

    def study() -> pd.DataFrame:
        return event_study(pa, pb, cycles, anchor="later_start", months=MONTHS, convention="month_end",
                           with_baseline=False, reps=0, permutations=0).rows

    fast, slow = study(), naive_windows(a, b, anchors)
    for col in ("return_a", "return_b", "spread", "max_drawdown_a", "max_drawdown_b"):
        np.testing.assert_allclose(fast[col].to_numpy(dtype=float), slow[col].to_numpy(dtype=float), rtol=1e-12)
    t_study, t_naive = median_of(study, 101), median_of(lambda: naive_windows(a, b, anchors), 21)
    ratio = t_naive / t_study
    return row("event_study_no_stats_vs_naive", ratio, "x", f">= {STUDY_GOAL_RATIO:g}x", ratio >= STUDY_GOAL_RATIO,
               f"{len(anchors)} later-start events of {len(cycles)} cutting cycles: event_study() without "
               f"statistics {t_study * 1e3:.2f} ms vs per-event pandas {t_naive * 1e3:.2f} ms (medians)",
               events=len(anchors), fast_s=round(t_study, 6), naive_s=round(t_naive, 5))


def naive_windows(a: pd.Series, b: pd.Series, anchors: pd.DatetimeIndex) -> pd.DataFrame:
    """One event at a time with pandas: month-end reference dates, .loc slices, per-window drawdowns.

    Same alignment rule as the library: a window past the data ends both series at their last common date,
    and a window starting after that date has no data (NaN).
    """
    rows = []
    common_last = min(a.index[-1], b.index[-1])
    for anchor in anchors:
        start = anchor + pd.offsets.MonthEnd(0)
        end = (anchor + pd.DateOffset(months=MONTHS)) + pd.offsets.MonthEnd(0)
        out = {"window_start": start, "window_end": end}
        if start > common_last:
            rows.append({**out, "return_a": np.nan, "return_b": np.nan, "spread": np.nan, "ratio": np.nan,
                         "max_drawdown_a": np.nan, "max_drawdown_b": np.nan})
            continue
        incomplete = end > common_last
        end = min(end, common_last)
        for side, s in (("a", a), ("b", b)):
            path = s.loc[start:end]
            before = s.loc[:start]
            first = before.iloc[-1]
            last = s.loc[:end].iloc[-1]
            full = pd.concat([before.iloc[-1:], path[path.index > before.index[-1]]])
            out[f"close_start_{side}"] = first
            out[f"close_end_{side}"] = last
            out[f"return_{side}"] = last / first - 1
            out[f"max_drawdown_{side}"] = (full / full.cummax() - 1).min()
            out[f"incomplete_{side}"] = incomplete
        out["spread"] = out["return_a"] - out["return_b"]
        out["ratio"] = (1 + out["return_a"]) / (1 + out["return_b"])
        rows.append(out)
    return pd.DataFrame(rows)


def naive_returns(a: pd.Series, b: pd.Series, anchors: pd.DatetimeIndex) -> np.ndarray:
    """Returns-only naive loop (spread per event)."""
    out = np.empty(len(anchors))
    for k, anchor in enumerate(anchors):
        start = anchor + pd.offsets.MonthEnd(0)
        end = (anchor + pd.DateOffset(months=MONTHS)) + pd.offsets.MonthEnd(0)
        ra = a.loc[:end].iloc[-1] / a.loc[:start].iloc[-1] - 1
        rb = b.loc[:end].iloc[-1] / b.loc[:start].iloc[-1] - 1
        out[k] = ra - rb
    return out


def main() -> None:
    """Time both implementations on the same anchors and report the speed-up."""
    from ratecycle.data.source import DataSource
    from ratecycle.events import Prices, horizon_dates, pair_windows, window_returns

    ds = DataSource(snapshot=SNAPSHOT)
    a, b = ds.load("russell2000"), ds.load("sp500")
    common = a.index.intersection(b.index)
    anchors = common[(common >= "1990-01-01")][::4]
    pa, pb = Prices.from_series(a, "russell2000"), Prices.from_series(b, "sp500")
    anchor_days = anchors.to_numpy(dtype="datetime64[D]")

    def vectorised() -> pd.DataFrame:
        """All windows at once with the event-study pair kernel."""
        starts, ends = horizon_dates(anchor_days, MONTHS, "month_end")
        return pair_windows(pa, pb, starts, ends)

    def kernel() -> np.ndarray:
        """Spreads only, from the bare window_returns kernel."""
        starts, ends = horizon_dates(anchor_days, MONTHS, "month_end")
        wa = window_returns(pa.dates, pa.closes, starts, ends)
        wb = window_returns(pb.dates, pb.closes, starts, ends)
        return wa.returns - wb.returns

    t_slow, slow = best_of(lambda: naive_windows(a, b, anchors), 1)
    k_slow, slow_spread = best_of(lambda: naive_returns(a, b, anchors), 1)
    t_fast, fast = best_of(vectorised, 5)
    k_fast, fast_spread = best_of(kernel, 5)
    for col in ("return_a", "return_b", "spread", "ratio", "max_drawdown_a", "max_drawdown_b"):
        np.testing.assert_allclose(fast[col].to_numpy(dtype=float), slow[col].to_numpy(dtype=float), rtol=1e-12)
    np.testing.assert_allclose(fast_spread, slow_spread, rtol=1e-12)
    n = len(anchors)
    goal = f">= {GOAL_RATIO:g}x"
    emit([
        row("event_windows_vs_naive_pandas", t_slow / t_fast, "x", goal, t_slow / t_fast >= GOAL_RATIO,
            f"{n} windows with closes, returns, spread, ratio, drawdowns: pair_windows {t_fast:.3f} s "
            f"vs per-event pandas {t_slow:.2f} s", events=n, fast_s=round(t_fast, 4), naive_s=round(t_slow, 3)),
        row("window_returns_kernel_vs_naive", k_slow / k_fast, "x", goal, k_slow / k_fast >= GOAL_RATIO,
            f"{n} spreads only: window_returns {k_fast:.4f} s vs per-event pandas {k_slow:.2f} s",
            events=n, fast_s=round(k_fast, 5), naive_s=round(k_slow, 3)),
        study_row(ds, a, b, pa, pb),
    ])


if __name__ == "__main__":
    main()
