"""The Beta CDF behind the scorecard's posterior, without scipy: hand values, scipy over a grid, and no scipy import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import beta

from ratecycle.events.smallsample import beta_cdf
from ratecycle.outlook.combine import posterior_above_half


def test_hand_values() -> None:
    assert posterior_above_half(4, 4) == pytest.approx(1 - 0.5**5, abs=1e-14)  # Beta(5, 1): 1 - x^5
    assert posterior_above_half(0, 4) == pytest.approx(0.5**5, abs=1e-14)  # Beta(1, 5): (1 - x)^5
    assert posterior_above_half(0, 0) == pytest.approx(0.5, abs=1e-14)  # the flat prior
    assert posterior_above_half(2, 4) == pytest.approx(0.5, abs=1e-14)  # symmetric
    assert beta_cdf(0.3, 2, 1) == pytest.approx(0.09, abs=1e-14)  # x^2
    assert (beta_cdf(0.0, 2, 3), beta_cdf(1.0, 2, 3)) == (0.0, 1.0)
    with pytest.raises(ValueError):
        beta_cdf(0.5, 0.0, 1.0)


def test_equals_scipy() -> None:
    rng = np.random.default_rng(5)
    for _ in range(2000):
        a, b, x = rng.uniform(0.05, 150), rng.uniform(0.05, 150), rng.uniform(0, 1)
        assert beta_cdf(x, a, b) == pytest.approx(beta.cdf(x, a, b), rel=1e-10, abs=1e-13)
    for _ in range(2000):
        n = float(rng.uniform(0, 60))
        hits = float(rng.uniform(0, n))
        assert posterior_above_half(hits, n) == pytest.approx(beta.sf(0.5, hits + 1, n - hits + 1), rel=1e-10)


def test_report_does_not_import_scipy() -> None:
    code = "import sys, ratecycle.report, ratecycle.outlook; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
