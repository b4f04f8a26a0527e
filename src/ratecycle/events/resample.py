"""Resampling statistics in numpy: weak percentile of a score, percentile bootstrap, two-sample permutation test.

They follow the definitions of ``scipy.stats`` (``percentileofscore(kind="weak")``, ``bootstrap(method="percentile")``,
``permutation_test`` of independent samples) without importing it, because importing ``scipy.stats`` alone costs
over a second of every report. Every draw comes from ``np.random.default_rng(seed)``, so results repeat exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import chain, combinations

import numpy as np

TIE_TOLERANCE = 100 * float(np.finfo(np.float64).eps)
"""Relative tolerance under which a resampled statistic counts as equal to the observed one (scipy's factor)."""
_BATCH_CELLS = 1 << 21
"""Index cells per batch of the shuffle draws, which bounds memory for long baselines."""


def percentile_of_score(data: np.ndarray, scores: np.ndarray | float) -> np.ndarray:
    """Weak percentile (0..100) of each score: 100 x the share of ``data`` at or below it.

    NaN for a NaN score, and everywhere when ``data`` is empty or holds a NaN, as ``scipy.stats.percentileofscore``.
    """
    a = np.asarray(data, dtype="float64")
    if a.ndim != 1:
        raise ValueError(f"data must be one-dimensional, got shape {a.shape}")
    s = np.asarray(scores, dtype="float64")
    out = np.full(s.shape, np.nan)
    if a.size == 0 or np.isnan(a).any():
        return out
    counts = np.searchsorted(np.sort(a), s, side="right")
    out = counts * (100.0 / a.size)
    return np.where(np.isnan(s), np.nan, out)


def bootstrap_interval(values: np.ndarray, statistic: Callable[..., np.ndarray], *, reps: int, level: float,
                       seed: int) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` from ``reps`` IID resamples drawn in one index matrix.

    ``statistic`` must accept ``axis=1`` (``np.mean``, ``np.median``). The draws are those of
    ``scipy.stats.bootstrap`` with the same generator, and the bounds are its linear-interpolated quantiles.
    """
    x = np.asarray(values, dtype="float64")
    rng = np.random.default_rng(seed)
    draws = np.sort(statistic(x[rng.integers(0, x.size, size=(reps, x.size))], axis=1))
    alpha = (1.0 - level) / 2.0
    return _linear_quantile(draws, alpha), _linear_quantile(draws, 1.0 - alpha)


def _linear_quantile(ordered: np.ndarray, p: float) -> float:
    """Quantile ``p`` of sorted values, linear method (Hyndman-Fan 7), written (1 - g) * a + g * b.

    That is how ``scipy.stats.quantile`` interpolates (numpy's ``a + g * (b - a)`` can differ in the last
    bit), so the interval bounds equal scipy's exactly; an infinite neighbour with weight 0 is not touched.
    """
    position = p * ordered.size + (1.0 - p)  # 1-based
    j = min(max(int(position // 1) - 1, 0), ordered.size - 1)
    g = position % 1.0
    if g == 0.0 or j + 1 >= ordered.size:
        return float(ordered[j])
    return float((1.0 - g) * ordered[j] + g * ordered[j + 1])


def permutation_greater(x: np.ndarray, y: np.ndarray, *, n_resamples: int, seed: int) -> tuple[float, float]:
    """Observed mean(x) - mean(y) and its one-sided p-value under random relabelling of the pooled values.

    A relabelling is fixed by which ``k = len(x)`` of the ``N`` pooled values form the first group, so only
    that group's sum is needed: mean(x*) - mean(y*) = s/k - (total - s)/(N - k). When C(N, k) <= ``n_resamples``
    every relabelling is enumerated and p = share of them at least the observed statistic; otherwise
    ``n_resamples`` random ones are drawn and p = (count + 1) / (n_resamples + 1), which includes the observed
    labelling. A resampled statistic within ``TIE_TOLERANCE`` x max(|observed|, largest |value|) of the
    observed one counts as equal: sums of the same values taken in another order differ by rounding, and
    scaling by the values (not only by the statistic) keeps ties exact when the observed difference is near 0.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    k, n = x.size, x.size + y.size
    pooled = np.concatenate([x, y])
    x_sum = float(np.sum(x))
    total = x_sum + float(np.sum(y))
    observed = float(np.mean(x) - np.mean(y))
    # the observed value in the same arithmetic as the resampled ones, so the identical labelling ties exactly
    scale = max(abs(observed), float(np.max(np.abs(pooled))))
    threshold = (x_sum / k - (total - x_sum) / (n - k)) - scale * TIE_TOLERANCE
    if math.comb(n, k) <= n_resamples:
        sums = pooled[_all_subsets(n, k)].sum(axis=1)
        null = sums / k - (total - sums) / (n - k)
        return observed, float(np.count_nonzero(null >= threshold) / null.size)
    rng = np.random.default_rng(seed)
    m = min(k, n - k)  # draw the smaller group; the other one is the rest
    sums = pooled[_random_subsets(n, m, n_resamples, rng)].sum(axis=1)
    if m != k:
        sums = total - sums
    null = sums / k - (total - sums) / (n - k)
    return observed, float((np.count_nonzero(null >= threshold) + 1) / (n_resamples + 1))


def _all_subsets(n: int, k: int) -> np.ndarray:
    """Every k-subset of range(n) as the rows of a (C(n, k), k) index matrix, in lexicographic order."""
    count = math.comb(n, k)
    flat = np.fromiter(chain.from_iterable(combinations(range(n), k)), dtype=np.intp, count=count * k)
    return flat.reshape(count, k)


def _random_subsets(n: int, m: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    """``rows`` independent uniform m-subsets of range(n) (no repeats within a row), as a (rows, m) index matrix.

    Floyd's algorithm for small subsets (about m^2/2 comparisons per row), else a partial Fisher-Yates shuffle
    (about n cells per row); the switch is where their measured costs cross.
    """
    if m * m <= 32 * n:
        return _floyd_subsets(n, m, rows, rng)
    return _shuffle_subsets(n, m, rows, rng)


def _floyd_subsets(n: int, m: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    """Floyd's sampling for all rows at once: for j = n-m..n-1 take t uniform in [0, j], or j if t is already in."""
    out = np.empty((m, rows), dtype=np.intp)  # one row per draw, so each step reads contiguous memory
    for i, j in enumerate(range(n - m, n)):
        t = rng.integers(0, j + 1, size=rows)
        out[i] = np.where((out[:i] == t).any(axis=0), j, t)
    return out.T


def _shuffle_subsets(n: int, m: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    """The first m steps of a Fisher-Yates shuffle (swap position i with a uniform one in [i, n)), rows in batches."""
    out = np.empty((rows, m), dtype=np.intp)
    batch = max(1, min(rows, _BATCH_CELLS // n))
    for start in range(0, rows, batch):
        size = min(batch, rows - start)
        perm = np.tile(np.arange(n, dtype=np.intp), (size, 1))
        row = np.arange(size)
        for i in range(m):
            j = rng.integers(i, n, size=size)
            held = perm[:, i].copy()
            perm[:, i] = perm[row, j]
            perm[row, j] = held
        out[start:start + size] = perm[:, :m]
    return out
