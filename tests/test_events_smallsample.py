"""Small-sample statistics of the study: t-interval, exact sign-flip p, leave-one-out means, overlap."""

from __future__ import annotations

import json
import math
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps
from tests.test_events_study import last_close, raw
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.events.smallsample import distinct_resamples, sign_flip_p, t_cdf, t_interval, t_quantile

NOTE_LATER_STARTS = ["2001-08-21", "2003-06-25", "2008-10-08", "2020-03-03"]  # complete 12-month windows


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 10, 30])
def test_t_distribution_matches_scipy(df: int) -> None:
    for t in (-3.0, -0.5, 0.0, 0.7, 2.2, 9.0):
        assert t_cdf(t, df) == pytest.approx(float(sps.t.cdf(t, df)), abs=1e-12)
    assert t_quantile(0.975, df) == pytest.approx(float(sps.t.ppf(0.975, df)), abs=1e-9)


def test_distinct_resamples_by_enumeration() -> None:
    for n in (1, 2, 3, 4, 5):
        multisets = {tuple(sorted(draw)) for draw in product(range(n), repeat=n)}
        assert distinct_resamples(n) == len(multisets)
    assert distinct_resamples(4) == 35


def test_sign_flip_p_by_enumeration() -> None:
    x = np.array([0.04, -0.02, 0.10, 0.03])
    patterns = [np.mean(np.array(s) * x) for s in product((1, -1), repeat=4)]
    assert sign_flip_p(x) == sum(m >= x.mean() - 1e-15 for m in patterns) / 16
    assert sign_flip_p(np.array([0.1, 0.2, 0.3])) == 1 / 8  # all positive: only the observed pattern


def _daily_spreads(snapshot_dir: Path) -> list[float]:
    """Daily-convention 12-month spreads after the note's later-phase starts, from the raw csv files."""
    rut, spx = raw(snapshot_dir, "RUT"), raw(snapshot_dir, "GSPC")
    out = []
    for day in NOTE_LATER_STARTS:
        end = f"{int(day[:4]) + 1}{day[4:]}"
        ra = last_close(rut, end)[1] / last_close(rut, day)[1] - 1
        rb = last_close(spx, end)[1] / last_close(spx, day)[1] - 1
        out.append(ra - rb)
    return out


def test_study_json_t_interval_and_leave_one_out_by_hand(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["study", "--preset", "note-2025", "--convention", "daily", "--snapshot",
                                   str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    summary = doc["summary"]
    spreads = _daily_spreads(snapshot_dir)
    n = len(spreads)
    mean = sum(spreads) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in spreads) / (n - 1))
    half = float(sps.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    assert summary["n"] == n and summary["mean"] == pytest.approx(mean, abs=1e-12)
    assert summary["t_interval"] == pytest.approx([mean - half, mean + half], abs=1e-9)
    labels = ["cut 2001-01", "cut 2002-11", "cut 2007-09", "cut 2019-07"]
    expected = [{"cycle": c, "mean_spread": (sum(spreads) - s) / (n - 1)} for c, s in zip(labels, spreads, strict=True)]
    assert [x["cycle"] for x in summary["leave_one_out"]] == labels
    assert [x["mean_spread"] for x in summary["leave_one_out"]] == pytest.approx(
        [x["mean_spread"] for x in expected], abs=1e-12)
    assert summary["distinct_resamples"] == 35
    # every spread is positive: only the observed sign pattern reaches the observed mean, 1 / 2^4
    assert all(s > 0 for s in spreads) and summary["exact_p"] == 1 / 16
    # the overlapping baseline repeats itself month to month; non-overlapping windows are about 1/12 as many
    assert summary["baseline_lag1"] > 0.8
    assert summary["baseline_independent_n"] == math.ceil(summary["baseline_n"] / 12)
    assert doc["convention"] == "daily"


def test_t_interval_needs_two_values() -> None:
    assert t_interval(np.array([0.1])) is None
    lo, hi = t_interval(np.array([0.0, 0.2]))  # type: ignore[misc]
    assert (lo + hi) / 2 == pytest.approx(0.1) and hi - lo == pytest.approx(2 * 12.706204736 * 0.1, rel=1e-8)
