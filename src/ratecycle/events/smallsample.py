"""Statistics that stay honest with a handful of events: t-interval, exact sign-flip test, leave-one-out means.

With four cycles a bootstrap interval is built from very few distinct resamples (35 for n = 4) and looks
narrower than the data allow; the t-interval beside it shows the width a normal model gives. The exact test
enumerates every sign pattern of the spreads (2^n of them), so its p-value is exact, and the smallest it can
be is 1 / 2^n. Leave-one-out means show how much one cycle carries the mean. Pure Python and numpy, so the
report does not pay for importing scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from .resample import TIE_TOLERANCE

EXACT_LIMIT = 16
"""Up to this many events every sign pattern is enumerated; above it 65,536 random patterns are drawn."""


@dataclass(frozen=True)
class LeaveOneOut:
    """The mean spread without one cycle."""

    cycle: str
    mean_spread: float

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: {"cycle", "mean_spread"}."""
        return {"cycle": self.cycle, "mean_spread": self.mean_spread}


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with integer ``df`` (closed form, Abramowitz and Stegun 26.7.3-4)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    theta = math.atan(abs(t) / math.sqrt(df))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= c2 * (2 * k) / (2 * k + 1)
        inside = (2.0 / math.pi) * (theta + s * total) if df > 1 else 2.0 * theta / math.pi
    else:
        total, term = 0.0, 1.0
        for k in range(1, df // 2 + 1):
            total += term
            term *= c2 * (2 * k - 1) / (2 * k)
        inside = s * total
    return 0.5 + math.copysign(inside / 2.0, t)


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with integer ``df`` (bisection on ``t_cdf``, to 1e-12)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1, got {p}")
    lo, hi = -1e6, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float] | None:
    """Mean +- t(n-1) x standard error (None with fewer than 2 values)."""
    x = np.asarray(values, dtype="float64")
    if x.size < 2:
        return None
    half = t_quantile(0.5 + level / 2.0, int(x.size - 1)) * float(np.std(x, ddof=1)) / math.sqrt(x.size)
    mean = float(np.mean(x))
    return mean - half, mean + half


def distinct_resamples(n: int) -> int:
    """Number of different bootstrap resamples of n values (multisets of size n): C(2n - 1, n)."""
    return math.comb(2 * n - 1, n) if n > 0 else 0


def sign_flip_p(values: np.ndarray, seed: int = 20250917) -> float | None:
    """One-sided exact p of "mean spread > 0" if spreads were symmetric around 0 (share of sign patterns).

    Every one of the 2^n patterns up to ``EXACT_LIMIT`` events, else 65,536 random patterns (seeded).
    """
    x = np.asarray(values, dtype="float64")
    if x.size == 0:
        return None
    if x.size <= EXACT_LIMIT:
        signs = np.array(list(product((1.0, -1.0), repeat=int(x.size))))
    else:
        signs = np.random.default_rng(seed).choice((1.0, -1.0), size=(65536, x.size))
    means = (signs * x).mean(axis=1)
    observed = float(np.mean(x))
    return float(np.mean(means >= observed - TIE_TOLERANCE * max(1.0, abs(observed))))


def leave_one_out(values: np.ndarray, labels: Sequence[str]) -> tuple[LeaveOneOut, ...]:
    """The mean of the other spreads, for each labelled spread (empty with fewer than 2)."""
    x = np.asarray(values, dtype="float64")
    if x.size < 2:
        return ()
    total = float(np.sum(x))
    return tuple(LeaveOneOut(str(label), (total - float(v)) / (x.size - 1)) for label, v in zip(labels, x, strict=True))


def lag1_autocorrelation(values: np.ndarray) -> float | None:
    """Correlation of consecutive values (how much overlapping windows repeat each other)."""
    x = np.asarray(values, dtype="float64")
    if x.size < 3 or float(np.std(x)) == 0.0:
        return None
    return float(np.corrcoef(x[:-1], x[1:])[0, 1])
