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


def beta_cdf(x: float, a: float, b: float) -> float:
    """I_x(a, b): P(theta <= x) for theta ~ Beta(a, b), real a, b > 0, from the incomplete beta function's
    continued fraction (Numerical Recipes 6.4, modified Lentz), accurate to about 1e-14."""
    if not (a > 0.0 and b > 0.0):
        raise ValueError(f"beta parameters must be positive, got {a} and {b}")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):  # the fraction converges fast here; otherwise use I_x(a, b) = 1 - I_1-x(b, a)
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of the incomplete beta function, evaluated by the modified Lentz method."""
    tiny = 1e-300

    def guard(value: float) -> float:
        return tiny if abs(value) < tiny else value

    c, d = 1.0, 1.0 / guard(1.0 - (a + b) * x / (a + 1.0))
    h = d
    for m in range(1, 10_000):
        even = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 / guard(1.0 + even * d)
        c = guard(1.0 + even / c)
        h *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 / guard(1.0 + odd * d)
        c = guard(1.0 + odd / c)
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return h


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
