"""The numpy resampling statistics against scipy.stats, full enumerations and hand-computed distributions."""

from __future__ import annotations

import math
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from ratecycle.events import resample
from ratecycle.events.resample import TIE_TOLERANCE, bootstrap_interval, percentile_of_score, permutation_greater
from ratecycle.events.stats import bootstrap_ci, random_window_test, summarize


def mean_diff(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    """The test statistic in scipy's vectorised form."""
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def scipy_p(x: np.ndarray, y: np.ndarray, n_resamples: int, seed: int) -> float:
    """scipy's one-sided permutation p-value of mean(x) - mean(y) > 0."""
    res = stats.permutation_test((x, y), mean_diff, permutation_type="independent", vectorized=True,
                                 n_resamples=n_resamples, alternative="greater", rng=np.random.default_rng(seed))
    return float(res.pvalue)


def enumerated_p(x: np.ndarray, y: np.ndarray) -> float:
    """Exact p-value by hand: every split of the pooled values into groups of len(x) and len(y), means by np.mean."""
    pooled = np.concatenate([x, y])
    observed = np.mean(x) - np.mean(y)
    every = set(range(pooled.size))
    hits = total = 0
    for chosen in combinations(range(pooled.size), x.size):
        rest = sorted(every.difference(chosen))
        d = np.mean(pooled[list(chosen)]) - np.mean(pooled[rest])
        hits += bool(d >= observed - abs(observed) * TIE_TOLERANCE)
        total += 1
    return hits / total


# ---------------------------------------------------------------- percentile of score


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentile_of_score_equals_scipy_weak_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(-5, 6, size=int(rng.integers(1, 300))).astype("float64")  # many ties
    scores = np.concatenate([rng.integers(-7, 8, size=40).astype("float64"), rng.normal(0, 3, 40),
                             [np.nan, np.inf, -np.inf, -0.0, data[0]]])
    np.testing.assert_array_equal(percentile_of_score(data, scores),
                                  stats.percentileofscore(data, scores, kind="weak"))
    for s in scores[:10]:
        assert float(percentile_of_score(data, s)) == stats.percentileofscore(data, s, kind="weak")


def test_percentile_of_score_by_hand_and_nan_cases() -> None:
    data = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    np.testing.assert_array_equal(percentile_of_score(data, [0.0, 1.0, 2.0, 4.9, 5.0]), [0, 20, 60, 80, 100])
    assert np.isnan(percentile_of_score(data, np.nan))
    assert np.isnan(percentile_of_score(np.array([]), 1.0))
    assert np.isnan(percentile_of_score(np.array([1.0, np.nan]), [0.0, 2.0])).all()  # as scipy's "propagate"
    with pytest.raises(ValueError):
        percentile_of_score(np.ones((2, 2)), 1.0)


# ---------------------------------------------------------------- bootstrap


@pytest.mark.parametrize(("func", "level"), [(np.mean, 0.95), (np.median, 0.95), (np.mean, 0.9)])
def test_bootstrap_same_draws_as_scipy(func: object, level: float) -> None:
    values = np.random.default_rng(4).normal(0.02, 0.1, size=17)
    ours = bootstrap_interval(values, func, reps=2000, level=level, seed=9)  # type: ignore[arg-type]
    ci = stats.bootstrap((values,), func, n_resamples=2000, confidence_level=level, method="percentile",
                         vectorized=True, rng=np.random.default_rng(9)).confidence_interval
    assert ours == (float(ci.low), float(ci.high))  # same draws, same interpolation: the same bits


@pytest.mark.parametrize("statistic", ["mean", "median"])
def test_bootstrap_close_to_scipy_with_other_draws(statistic: str) -> None:
    """Different seeds: the bounds differ only by Monte-Carlo error, a small fraction of the standard error."""
    values = np.random.default_rng(5).normal(0.03, 0.15, size=60)
    se = values.std(ddof=1) / np.sqrt(values.size)
    low, high = bootstrap_ci(values, statistic, reps=20000, seed=1)  # type: ignore[misc]
    func = np.mean if statistic == "mean" else np.median
    ci = stats.bootstrap((values,), func, n_resamples=20000, method="percentile", vectorized=True,
                         rng=np.random.default_rng(2)).confidence_interval
    # the 2.5% quantile of 20,000 draws has a standard deviation of about 0.02 * se; a wrong level (90%) is 0.3 se off
    assert abs(low - ci.low) < 0.12 * se
    assert abs(high - ci.high) < 0.12 * se


def test_bootstrap_against_all_resamples_of_three_values() -> None:
    """n=3: all 27 equally likely resamples give the exact bootstrap distribution; its quantiles are the limit.

    Resample sums of (0, 1, 4) with their multiplicities: 0(1) 1(3) 2(3) 3(1) 4(3) 5(6) 6(3) 8(3) 9(3) 12(1).
    Medians: 0(7) 1(13) 4(7). Each quantile below lies at least 0.009 inside a step of the distribution.
    """
    values = np.array([0.0, 1.0, 4.0])
    sums = sorted(sum(values[list(i)]) for i in np.ndindex(3, 3, 3))
    medians = sorted(float(np.median(values[list(i)])) for i in np.ndindex(3, 3, 3))
    assert len(sums) == 27 and sums[6] == 2 and sums[20] == 8 and sums[1] == 1 and sums[25] == 9
    assert medians[6] == 0 and medians[20] == 4
    reps = 200_000
    assert bootstrap_interval(values, np.mean, reps=reps, level=0.5, seed=3) == pytest.approx((2 / 3, 8 / 3))
    assert bootstrap_interval(values, np.mean, reps=reps, level=0.9, seed=3) == pytest.approx((1 / 3, 3.0))
    assert bootstrap_interval(values, np.median, reps=reps, level=0.5, seed=3) == (0.0, 4.0)


def test_bootstrap_is_seeded() -> None:
    values = np.random.default_rng(6).normal(size=12)
    assert bootstrap_ci(values, "median", seed=4) == bootstrap_ci(values, "median", seed=4)
    assert bootstrap_ci(values, "mean", seed=4) != bootstrap_ci(values, "mean", seed=5)


# ---------------------------------------------------------------- permutation test


@pytest.mark.parametrize("seed", range(6))
def test_permutation_exact_enumeration_k3_n9(seed: int) -> None:
    """C(9, 3) = 84 <= 9,999: every relabelling is used, so p equals the hand enumeration and scipy's exact test."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0.3, 1, 3), rng.normal(0, 1, 6)
    statistic, p = permutation_greater(x, y, n_resamples=9999, seed=seed)
    assert statistic == np.mean(x) - np.mean(y)
    assert p == enumerated_p(x, y)
    assert p == scipy_p(x, y, 9999, seed)
    assert round(p * 84) == pytest.approx(p * 84, abs=1e-9)


def test_permutation_exact_with_ties_and_extremes() -> None:
    top = permutation_greater(np.array([10.0, 11.0, 12.0]), np.arange(6.0), n_resamples=9999, seed=0)
    assert top[1] == 1 / 84  # only the observed labelling reaches the observed difference
    bottom = permutation_greater(np.arange(3.0), np.arange(3.0, 9.0), n_resamples=9999, seed=0)
    assert bottom[1] == 1.0
    x, y = np.array([1.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0, 2.0, 2.0, 0.0])
    p = permutation_greater(x, y, n_resamples=84, seed=0)[1]  # C(9, 3) = n_resamples: still exact
    assert p == enumerated_p(x, y) == scipy_p(x, y, 84, 0)
    # by hand: the observed difference 4/3 - 7/6 = 1/6 needs an event sum >= 4 out of a pooled sum of 11
    values = np.concatenate([x, y])
    hand = sum(values[list(c)].sum() >= 4 for c in combinations(range(9), 3)) / 84
    assert p == hand


def test_permutation_ties_near_zero_difference_match_exact_fractions() -> None:
    """Observed difference ~0 with tied decimals: rounding must not decide ties, so p equals exact arithmetic."""
    from fractions import Fraction

    cases = [([0.3, 0.3, -0.3, 0.1, 0.1, 0.1], [0.3, -0.1]), ([0.1, 0.2, 0.3], [0.2, 0.2, 0.1, 0.3]),
             ([0.7, -0.1, 0.1], [0.1, 0.7, -0.1, 0.3, -0.3])]
    for x, y in cases:
        exact_x, exact_y = [Fraction(str(v)) for v in x], [Fraction(str(v)) for v in y]
        pooled, k = exact_x + exact_y, len(x)
        observed = sum(exact_x) / k - sum(exact_y) / len(y)
        subsets = list(combinations(range(len(pooled)), k))
        hits = 0
        for chosen in subsets:
            inside = sum(pooled[i] for i in chosen)
            hits += inside / k - (sum(pooled) - inside) / (len(pooled) - k) >= observed
        p = permutation_greater(np.array(x), np.array(y), n_resamples=9999, seed=0)[1]
        assert p == hits / len(subsets), (x, y)


@pytest.mark.parametrize(("k", "shift"), [(5, 0.5), (15, 0.2), (5, -0.2)])
def test_random_relabellings_match_enumeration(k: int, shift: float) -> None:
    """N = 20: C(20, 5) = C(20, 15) = 15,504 > 9,999, so relabellings are drawn (k = 15 draws the other group)."""
    rng = np.random.default_rng(k)
    x, y = rng.normal(shift, 1, k), rng.normal(0, 1, 20 - k)
    exact = enumerated_p(x, y)
    reps = 9999
    _, p = permutation_greater(x, y, n_resamples=reps, seed=11)
    assert abs(p - exact) < 4 * math.sqrt(exact * (1 - exact) / reps) + 1e-3
    assert (p * (reps + 1)) == pytest.approx(round(p * (reps + 1)))  # (count + 1) / (R + 1)


@pytest.mark.parametrize(("k", "n_base", "shift"), [(17, 400, 0.04), (100, 100, 0.0), (4, 30, 0.1)])
def test_random_relabellings_match_scipy(k: int, n_base: int, shift: float) -> None:
    """Against scipy.stats.permutation_test on larger samples (both Monte-Carlo: tolerance from their spread).

    (17, 400) draws with Floyd's algorithm, (100, 100) with the partial shuffle.
    """
    rng = np.random.default_rng(n_base + k)
    x, y = rng.normal(shift, 0.15, k), rng.normal(0, 0.15, n_base)
    reps = 9999
    statistic, p = permutation_greater(x, y, n_resamples=reps, seed=3)
    ref = scipy_p(x, y, reps, 4)
    assert statistic == pytest.approx(np.mean(x) - np.mean(y), rel=1e-15)
    assert 0.005 < ref < 0.5  # a p-value where the comparison means something
    assert abs(p - ref) < 4 * math.sqrt(2 * ref * (1 - ref) / reps) + 1e-3


@pytest.mark.parametrize("sampler", [resample._floyd_subsets, resample._shuffle_subsets])
def test_random_subsets_are_uniform(sampler: object) -> None:
    """Every 3-subset of range(6) (20 of them) is drawn equally often, and no row repeats an index."""
    rows = sampler(6, 3, 100_000, np.random.default_rng(8))  # type: ignore[operator]
    assert rows.shape == (100_000, 3) and rows.min() >= 0 and rows.max() <= 5
    srt = np.sort(rows, axis=1)
    assert (np.diff(srt, axis=1) > 0).all()
    keys, counts = np.unique(srt[:, 0] * 36 + srt[:, 1] * 6 + srt[:, 2], return_counts=True)
    assert keys.size == 20
    chi2 = float(((counts - 5000) ** 2 / 5000).sum())
    assert chi2 < stats.chi2.ppf(0.9999, 19)


def test_subset_sampler_choice_and_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small subsets use Floyd's algorithm, large ones the shuffle; shuffle batches keep rows distinct and in range."""
    monkeypatch.setattr(resample, "_BATCH_CELLS", 50)  # batches of 2 rows for n = 25
    rows = resample._shuffle_subsets(25, 10, 7, np.random.default_rng(1))
    assert rows.shape == (7, 10) and (np.diff(np.sort(rows, axis=1), axis=1) > 0).all() and rows.max() < 25
    assert len({tuple(r) for r in np.sort(rows, axis=1)}) == 7  # independent rows, not one batch repeated
    calls: list[str] = []
    monkeypatch.setattr(resample, "_floyd_subsets", lambda *a: calls.append("floyd") or np.zeros((1, 1), int))
    monkeypatch.setattr(resample, "_shuffle_subsets", lambda *a: calls.append("shuffle") or np.zeros((1, 1), int))
    resample._random_subsets(417, 17, 10, np.random.default_rng(0))
    resample._random_subsets(200, 100, 10, np.random.default_rng(0))
    assert calls == ["floyd", "shuffle"]


def test_random_window_test_wraps_the_permutation() -> None:
    rng = np.random.default_rng(12)
    events, base = rng.normal(0.05, 0.1, 8), rng.normal(0, 0.1, 200)
    res = random_window_test(events, base, n_resamples=999, seed=2)
    assert res is not None
    assert (res.statistic, res.p_value) == permutation_greater(events, base, n_resamples=999, seed=2)
    assert (res.n_events, res.n_baseline, res.n_resamples, res.alternative, res.seed) == (8, 200, 999, "greater", 2)
    assert "scipy" not in res.name
    assert random_window_test(events, base, n_resamples=999, seed=2) == res


def test_summarize_percentile_and_no_scipy_import() -> None:
    rng = np.random.default_rng(13)
    events, base = rng.normal(0.03, 0.12, 17), rng.normal(0, 0.15, 400)
    s = summarize(events, baseline=base)
    assert s.mean_percentile == pytest.approx(np.mean(base <= np.mean(events)), abs=1e-15)
    code = ("import sys, numpy as np; from ratecycle.events.stats import summarize; "
            "r = np.random.default_rng(1); summarize(r.normal(size=17), baseline=r.normal(size=400)); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("hits", "n", "rate"), [(4, 4, 0.5), (5, 7, 0.47), (0, 3, 0.3), (3, 10, 0.9), (1, 1, 0.2)])
def test_binomial_tail_equals_scipy(hits: int, n: int, rate: float) -> None:
    from ratecycle.events.stats import binomial_tail

    assert binomial_tail(hits, n, rate) == pytest.approx(float(stats.binom.sf(hits - 1, n, rate)), rel=1e-12)


def test_summarize_sign_test_uses_the_baseline_hit_rate() -> None:
    from ratecycle.events.stats import summarize

    events = np.array([0.05, 0.12, -0.02, 0.30])
    base = np.array([0.1, -0.1, -0.2, 0.05, -0.01, 0.02, -0.03, 0.04, -0.05, -0.06])  # 4 of 10 positive
    s = summarize(events, baseline=base, reps=100, n_resamples=99)
    assert s.sign_test_rate == pytest.approx(0.4)
    by_hand = 4 * 0.4 ** 3 * 0.6 + 0.4 ** 4  # P(X >= 3), X ~ Binomial(4, 0.4)
    assert s.sign_test_p == pytest.approx(by_hand, rel=1e-12)
    assert summarize(events).sign_test_rate == 0.5 and summarize(np.array([])).sign_test_p is None


def test_binomial_tail_many_trials_and_edge_rates() -> None:
    from ratecycle.events.stats import binomial_tail

    assert binomial_tail(1500, 3000, 0.5) == pytest.approx(float(stats.binom.sf(1499, 3000, 0.5)), rel=1e-9)
    assert binomial_tail(2900, 3000, 0.9) == pytest.approx(float(stats.binom.sf(2899, 3000, 0.9)), rel=1e-9)
    assert binomial_tail(3, 5, 0.0) == 0.0 and binomial_tail(3, 5, 1.0) == 1.0 and binomial_tail(0, 5, 0.3) == 1.0
    with pytest.raises(ValueError):
        binomial_tail(6, 5, 0.5)
