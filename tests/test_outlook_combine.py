"""The scorecard's combination on a small synthetic evidence set: similarities, probability, posterior, call."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from scipy.stats import beta

from ratecycle.outlook.combine import CALL_POSTERIOR, Evidence, call_of, combine, contribution, posterior_above_half
from ratecycle.outlook.scorecard import DEFAULT_WEIGHTS, parse_weights

TODAY = {"policy": "later", "momentum": "+1", "valuation": "book_to_market:fair", "inflation": None,
         "curve": "steepening"}
"""Inflation cannot be read today: it drops out of every similarity."""
EVIDENCE = (
    Evidence("c1", 0.05, {"momentum": "+1", "valuation": "book_to_market:fair", "curve": "steepening"}),
    Evidence("c2", -0.02, {"momentum": "-1", "valuation": "book_to_market:fair", "curve": "flattening"}),
    Evidence("c3", 0.10, {"momentum": "+1", "valuation": "book_to_market:rich", "curve": "flattening"}),
    Evidence("c4", 0.03, {"momentum": "-1", "valuation": "book_to_market:cheap", "curve": "little changed",
                          "inflation": "pressure"}),
)


def test_default_weights_are_equal() -> None:
    assert {d: 0.2 for d in ("policy", "momentum", "valuation", "inflation", "curve")} == DEFAULT_WEIGHTS
    assert parse_weights("policy=0.5")["curve"] == 0.2


def test_similarity_probability_posterior_by_hand() -> None:
    got = combine(EVIDENCE, TODAY, DEFAULT_WEIGHTS)
    # four drivers read today (policy, momentum, valuation, curve), each 1/5: s_i = matching ones / 4
    sims = [Fraction(4, 4), Fraction(2, 4), Fraction(2, 4), Fraction(1, 4)]
    assert got.similarity == pytest.approx([float(s) for s in sims], abs=1e-15)
    wins = [True, False, True, True]
    hits = sum(s for s, w in zip(sims, wins, strict=True) if w)  # 7/4
    n = sum(sims)  # 9/4
    assert (hits, n) == (Fraction(7, 4), Fraction(9, 4))
    assert got.effective_n == pytest.approx(float(n)) and got.weighted_hits == pytest.approx(float(hits))
    assert got.probability == pytest.approx(float((hits + 1) / (n + 2)))  # 11/17
    assert float((hits + 1) / (n + 2)) == pytest.approx(11 / 17)
    posterior = 1 - beta.cdf(0.5, float(hits + 1), float(n - hits + 1))
    assert got.posterior_above_half == pytest.approx(posterior, rel=1e-12)
    assert got.call == (1 if posterior >= 0.8 else -1 if posterior <= 0.2 else 0)
    assert got.drivers == ("policy", "momentum", "valuation", "curve")
    # contribution of momentum: without it three drivers are read, s = (1, 2/3, 1/3, 1/3)
    without = [Fraction(1), Fraction(2, 3), Fraction(1, 3), Fraction(1, 3)]
    p_without = (sum(s for s, w in zip(without, wins, strict=True) if w) + 1) / (sum(without) + 2)  # 8/13
    assert p_without == Fraction(8, 13)
    assert contribution(EVIDENCE, TODAY, DEFAULT_WEIGHTS, "momentum") == pytest.approx(11 / 17 - 8 / 13)
    assert contribution(EVIDENCE, TODAY, DEFAULT_WEIGHTS, "inflation") == 0.0  # not read today


def test_unequal_weights_by_hand() -> None:
    weights = parse_weights("policy=0.5,momentum=0.3,valuation=0,curve=0.2")
    got = combine(EVIDENCE, TODAY, weights)
    # valuation weight 0 and inflation unread: drivers policy 0.5, momentum 0.3, curve 0.2 (total 1)
    sims = [Fraction(10, 10), Fraction(5, 10), Fraction(8, 10), Fraction(5, 10)]
    assert got.similarity == pytest.approx([float(s) for s in sims], abs=1e-15)
    hits, n = sims[0] + sims[2] + sims[3], sum(sims)
    assert got.probability == pytest.approx(float((hits + 1) / (n + 2)))


def test_a_cycle_matching_every_driver_counts_once() -> None:
    """With all five drivers agreeing in every past cycle, p is the policy share (hits + 1) / (n + 2), not more."""
    today = {"policy": "later", "momentum": "+1", "valuation": "book_to_market:cheap", "inflation": "calm",
             "curve": "steepening"}
    states = {d: s for d, s in today.items() if d != "policy"}
    spreads = [0.04, 0.11, -0.03, 0.07, 0.02]
    evidence = [Evidence(f"c{i}", x, states) for i, x in enumerate(spreads)]
    got = combine(evidence, today, DEFAULT_WEIGHTS)
    policy_only = combine(evidence, today, {d: 1.0 if d == "policy" else 0.0 for d in today})
    assert got.similarity == (1.0,) * 5 and got.effective_n == 5
    assert got.probability == pytest.approx((4 + 1) / (5 + 2)) == policy_only.probability
    # 4 of 5: P(Beta(5, 2) > 1/2) = P(Binomial(6, 1/2) <= 4) = 57/64
    assert got.posterior_above_half == pytest.approx(57 / 64)


@pytest.mark.parametrize(("hits", "n", "side"), [(5, 7, 1), (4, 4, 1), (4, 6, 0), (9, 13, 1), (3, 7, 0), (2, 7, -1),
                                                  (1, 3, 0), (0, 4, -1)])
def test_posterior_worked_figures(hits: int, n: int, side: int) -> None:
    """For whole counts P(Beta(h + 1, n - h + 1) > 1/2) = P(Binomial(n + 1, 1/2) <= h): 5 of 7 -> 219/256."""
    exact = Fraction(sum(comb(n + 1, k) for k in range(hits + 1)), 2 ** (n + 1))
    assert posterior_above_half(hits, n) == pytest.approx(float(exact), rel=1e-12)
    assert call_of(posterior_above_half(hits, n)) == side
    if (hits, n) == (5, 7):
        assert exact == Fraction(219, 256)
    if (hits, n) == (4, 4):
        assert exact == Fraction(31, 32)
    if (hits, n) == (4, 6):
        assert exact == Fraction(99, 128) and exact < CALL_POSTERIOR


def test_no_evidence_is_even() -> None:
    got = combine((), TODAY, DEFAULT_WEIGHTS)
    assert (got.probability, got.posterior_above_half, got.effective_n, got.call) == (0.5, 0.5, 0.0, 0)
