"""The bootstrap interval against the textbook normal approximation and an explicit resampling loop."""

from __future__ import annotations

import numpy as np
import pytest

from ratecycle.events.stats import bootstrap_ci


def test_mean_interval_matches_normal_approximation() -> None:
    values = np.random.default_rng(7).normal(0.05, 0.2, size=400)
    low, high = bootstrap_ci(values, "mean", reps=4000, seed=11)  # type: ignore[misc]
    half = 1.959964 * values.std(ddof=1) / np.sqrt(values.size)
    assert low == pytest.approx(values.mean() - half, abs=0.004)
    assert high == pytest.approx(values.mean() + half, abs=0.004)


def test_median_interval_matches_explicit_resampling() -> None:
    values = np.array([-0.08, 0.02, 0.15, 0.39, 0.05, -0.01, 0.11])
    low, high = bootstrap_ci(values, "median", reps=20000, level=0.9, seed=5)  # type: ignore[misc]
    rng = np.random.default_rng(123)
    draws = np.median(values[rng.integers(0, values.size, size=(20000, values.size))], axis=1)
    assert low == pytest.approx(np.percentile(draws, 5), abs=0.02)
    assert high == pytest.approx(np.percentile(draws, 95), abs=0.02)
    assert low <= np.median(values) <= high
