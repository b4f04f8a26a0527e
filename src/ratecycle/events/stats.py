"""Statistics over event spreads: hit rate, mean/median with bootstrap intervals, a random-window test.

Intervals are percentile bootstrap intervals (IID resampling, all resamples in one index matrix, fixed seed); the
test is a one-sided permutation test of "event spreads are larger than random-window spreads" (difference of means,
random relabellings of the pooled spreads, or all of them when there are few). Both live in ``resample`` (numpy
only).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._result import PlainResult
from .resample import bootstrap_interval, percentile_of_score, permutation_greater
from .smallsample import (
    LeaveOneOut,
    distinct_resamples,
    lag1_autocorrelation,
    leave_one_out,
    sign_flip_p,
    t_interval,
)

SMALL_SAMPLE = 10
"""Below this many events every interval and p-value is flagged as rough."""
DEFAULT_SEED = 20250917
DEFAULT_REPS = 2000
DEFAULT_PERMUTATIONS = 9999


@dataclass(frozen=True)
class RandomWindowTest(PlainResult):
    """Permutation test: is the mean event spread above the mean of random baseline windows?"""

    name: str
    statistic: float
    """Mean event spread minus mean baseline spread."""
    p_value: float
    n_events: int
    n_baseline: int
    n_resamples: int
    alternative: str
    seed: int



@dataclass(frozen=True)
class SpreadStats:
    """Summary of the spreads of one study (complete windows only)."""

    n: int
    n_excluded: int
    """Windows left out because they were incomplete or started before the data."""
    hits: int
    hit_rate: float | None
    mean: float | None
    median: float | None
    mean_ci: tuple[float, float] | None
    median_ci: tuple[float, float] | None
    ci_level: float
    bootstrap_reps: int
    seed: int
    small_sample: bool
    baseline_n: int | None = None
    baseline_mean: float | None = None
    baseline_median: float | None = None
    baseline_hit_rate: float | None = None
    mean_percentile: float | None = None
    """Where the mean event spread falls in the baseline distribution (0..1)."""
    test: RandomWindowTest | None = None
    sign_test_p: float | None = None
    """Exact binomial P(at least ``hits`` of ``n`` ahead) if each cycle were ahead with ``sign_test_rate``."""
    sign_test_rate: float | None = None
    """The hit rate under the null: the baseline hit rate when there is a baseline, else 0.5."""
    warning: str = ""
    t_interval: tuple[float, float] | None = None
    """Mean +- t(n-1) x standard error at ``ci_level``: the width a normal model gives to so few events."""
    distinct_resamples: int | None = None
    """How many different resamples the bootstrap can draw from n events (35 for n = 4)."""
    exact_p: float | None = None
    """Exact sign-flip p of mean spread > 0 (spreads symmetric around 0 under the null); at least 1 / 2^n."""
    leave_one_out: tuple[LeaveOneOut, ...] = ()
    """The mean spread without each cycle in turn."""
    baseline_lag1: float | None = None
    """Lag-1 autocorrelation of the overlapping baseline spreads (near 1: neighbours repeat each other)."""
    baseline_independent_n: int | None = None
    """Non-overlapping baseline windows (one every ``months`` months): the honest count of independent draws."""
    baseline_independent_hit_rate: float | None = None
    test_independent: RandomWindowTest | None = None
    """The random-window test against non-overlapping baseline windows only."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (intervals as two-element lists)."""
        doc = asdict(self)
        doc["mean_ci"] = list(self.mean_ci) if self.mean_ci else None
        doc["median_ci"] = list(self.median_ci) if self.median_ci else None
        doc["test"] = self.test.to_dict() if self.test else None
        doc["t_interval"] = list(self.t_interval) if self.t_interval else None
        doc["leave_one_out"] = [x.to_dict() for x in self.leave_one_out]
        doc["test_independent"] = self.test_independent.to_dict() if self.test_independent else None
        return doc


def bootstrap_ci(values: np.ndarray, statistic: str = "mean", *, reps: int = DEFAULT_REPS,
                 level: float = 0.95, seed: int = DEFAULT_SEED) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the mean or median (None with fewer than 3 values or ``reps`` <= 0).

    All ``reps`` resamples are evaluated in one vectorised call, so thousands of draws cost milliseconds.
    """
    values = np.asarray(values, dtype="float64")
    if values.size < 3 or reps <= 0:
        return None
    func = np.mean if statistic == "mean" else np.median
    return bootstrap_interval(values, func, reps=reps, level=level, seed=seed)


def random_window_test(events: np.ndarray, baseline: np.ndarray, *, n_resamples: int = DEFAULT_PERMUTATIONS,
                       seed: int = DEFAULT_SEED) -> RandomWindowTest | None:
    """One-sided permutation test of mean(event spreads) - mean(baseline spreads) > 0 (None with < 2 of either).

    ``n_resamples`` random relabellings of the pooled spreads, or every relabelling when there are at most that many.
    """
    events = np.asarray(events, dtype="float64")
    baseline = np.asarray(baseline, dtype="float64")
    if events.size < 2 or baseline.size < 2 or n_resamples <= 0:
        return None
    statistic, p_value = permutation_greater(events, baseline, n_resamples=n_resamples, seed=seed)
    return RandomWindowTest("permutation test, event vs random-window spreads (difference of means, random "
                            "relabellings of the pooled spreads)", statistic, p_value, int(events.size),
                            int(baseline.size), int(n_resamples), "greater", int(seed))


def binomial_tail(hits: int, n: int, rate: float) -> float:
    """Exact P(X >= hits) for X ~ Binomial(n, rate): how often a record this good arises by chance.

    Unlike an interval, it stays meaningful with a handful of cycles (4 of 4 at rate 0.5 gives 0.0625).
    """
    if not 0 <= hits <= n:
        raise ValueError(f"hits must lie in 0..n, got {hits} of {n}")
    if hits == 0:
        return 1.0
    if rate <= 0.0 or rate >= 1.0:
        return 1.0 if rate >= 1.0 else 0.0
    # in logs, so thousands of trials neither overflow the binomial coefficient nor underflow the powers
    log_p, log_q = math.log(rate), math.log1p(-rate)
    terms = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q
             for k in range(hits, n + 1)]
    top = max(terms)
    return float(min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms)))


def summarize(spreads: np.ndarray, *, excluded: int = 0, baseline: np.ndarray | None = None,
              reps: int = DEFAULT_REPS, level: float = 0.95, seed: int = DEFAULT_SEED,
              n_resamples: int = DEFAULT_PERMUTATIONS, labels: list[str] | None = None,
              baseline_step: int | None = None) -> SpreadStats:
    """Hit rate (share of spreads > 0), mean and median with bootstrap and t intervals, baseline comparison.

    ``labels`` name the spreads (for the leave-one-out means); ``baseline_step`` (the window length in months)
    picks one baseline window every that many, so the independent-window test sees no overlap.
    """
    s = np.asarray(spreads, dtype="float64")
    finite = np.isfinite(s)
    names = [str(x) for x, ok in zip(labels, finite, strict=True) if ok] if labels is not None else None
    s = s[finite]
    n = int(s.size)
    small = n < SMALL_SAMPLE
    warning = f"small sample: n={n} events (< {SMALL_SAMPLE}); intervals and p-values are rough" if small else ""
    base_kw: dict[str, Any] = {}
    if baseline is not None and baseline.size:
        base_kw = {
            "baseline_n": int(baseline.size), "baseline_mean": float(np.mean(baseline)),
            "baseline_median": float(np.median(baseline)), "baseline_hit_rate": float(np.mean(baseline > 0)),
            "mean_percentile": float(percentile_of_score(baseline, float(np.mean(s)))) / 100.0
            if n else None,
            "test": random_window_test(s, baseline, n_resamples=n_resamples, seed=seed) if n else None,
        }
        if baseline_step and baseline_step > 0:
            independent = baseline[::baseline_step]
            base_kw |= {"baseline_lag1": lag1_autocorrelation(baseline),
                        "baseline_independent_n": int(independent.size),
                        "baseline_independent_hit_rate": float(np.mean(independent > 0)),
                        "test_independent": random_window_test(s, independent, n_resamples=n_resamples, seed=seed)
                        if n else None}
    hits = int(np.sum(s > 0))
    rate = base_kw.get("baseline_hit_rate", 0.5)
    base_kw |= {"sign_test_p": binomial_tail(hits, n, rate) if n else None, "sign_test_rate": rate if n else None}
    return SpreadStats(
        n=n, n_excluded=int(excluded), hits=hits, hit_rate=float(np.mean(s > 0)) if n else None,
        mean=float(np.mean(s)) if n else None, median=float(np.median(s)) if n else None,
        mean_ci=bootstrap_ci(s, "mean", reps=reps, level=level, seed=seed),
        median_ci=bootstrap_ci(s, "median", reps=reps, level=level, seed=seed),
        ci_level=level, bootstrap_reps=reps, seed=seed, small_sample=small, warning=warning,
        t_interval=t_interval(s, level), distinct_resamples=distinct_resamples(n) if n else None,
        exact_p=sign_flip_p(s, seed) if n else None,
        leave_one_out=leave_one_out(s, names) if names is not None else (), **base_kw,
    )
