"""One probability from the past cycles at today's anchor, each counted once, weighted by how much it resembles today.

The evidence is the set of past cutting cycles the policy driver admits (their windows after the anchor of today's
phase). Each cycle i gets a similarity s_i = sum_d w_d * match_{i,d} / sum_d w_d over the drivers that can be read
today: policy always matches (it defines the set), another driver matches when its state at that cycle's anchor
equals today's. The probability that A beats B is (sum s_i y_i + 1) / (sum s_i + 2), y_i = 1 when A won (Laplace's
rule of succession, 0.5 without evidence). The call needs the posterior Beta(sum s_i y_i + 1, sum s_i (1 - y_i) + 1)
to put at least ``CALL_POSTERIOR`` on a win rate above one half (A ahead) or at most 1 - ``CALL_POSTERIOR`` (B ahead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..events.smallsample import beta_cdf

CALL_POSTERIOR = 0.80
"""A call needs P(win rate > 1/2) >= 0.80 (A ahead) or <= 0.20 (B ahead): 5 of 7 gives 0.855, 4 of 6 gives 0.773."""
POLICY = "policy"


@dataclass(frozen=True)
class Evidence:
    """One past cycle: its label, A's return minus B's over the window, and each driver's state at its anchor."""

    label: str
    spread: float
    states: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def won(self) -> bool:
        """True when A beat B over the window."""
        return self.spread > 0


@dataclass(frozen=True)
class Combined:
    """The probability that A beats B, its posterior, the call and the similarity of every past cycle."""

    probability: float
    """(sum s_i y_i + 1) / (sum s_i + 2)."""
    posterior_above_half: float
    """P(win rate > 1/2) under Beta(sum s_i y_i + 1, sum s_i (1 - y_i) + 1)."""
    effective_n: float
    """sum s_i: how many whole cycles the evidence is worth."""
    weighted_hits: float
    """sum s_i y_i."""
    call: int
    """+1 (A ahead), -1 (B ahead) or 0 (no clear edge)."""
    similarity: tuple[float, ...]
    """s_i of each evidence cycle, in the order given."""
    drivers: tuple[str, ...]
    """Drivers read today with a positive weight: the ones that enter s_i."""


def posterior_above_half(hits: float, n: float) -> float:
    """P(theta > 1/2) for theta ~ Beta(hits + 1, n - hits + 1): flat prior, ``hits`` wins in ``n``."""
    return beta_cdf(0.5, n - hits + 1.0, hits + 1.0)  # 1 - I_0.5(a, b) = I_0.5(b, a); no scipy import


def call_of(posterior: float, threshold: float = CALL_POSTERIOR) -> int:
    """+1 when the posterior reaches ``threshold``, -1 when it is at most 1 - ``threshold``, else 0."""
    if posterior >= threshold:
        return 1
    if posterior <= 1.0 - threshold:
        return -1
    return 0


def similarity(states: Mapping[str, str | None], today: Mapping[str, str | None], weights: Mapping[str, float],
               drivers: Sequence[str]) -> float:
    """s_i of one past cycle over ``drivers`` (read today, positive weight); 1 when those weights sum to 0."""
    total = sum(weights[d] for d in drivers)
    if total <= 0:
        return 1.0
    agree = sum(weights[d] for d in drivers if d == POLICY or states.get(d) == today[d])
    return agree / total


def readable(today: Mapping[str, str | None], weights: Mapping[str, float],
             without: str | None = None) -> tuple[str, ...]:
    """Drivers with a state today and a positive weight (``without`` left out), in the order of ``today``."""
    return tuple(d for d, state in today.items() if state is not None and weights.get(d, 0.0) > 0 and d != without)


def combine(evidence: Sequence[Evidence], today: Mapping[str, str | None], weights: Mapping[str, float], *,
            without: str | None = None, threshold: float = CALL_POSTERIOR) -> Combined:
    """The probability, posterior and call from ``evidence`` given today's driver states (None: not readable).

    ``without`` drops one driver from numerator and denominator of every s_i (to measure its contribution).
    """
    drivers = readable(today, weights, without)
    sims = tuple(similarity(e.states, today, weights, drivers) for e in evidence)
    n = float(sum(sims))
    hits = float(sum(s for s, e in zip(sims, evidence, strict=True) if e.won))
    post = posterior_above_half(hits, n)
    return Combined(probability=(hits + 1.0) / (n + 2.0), posterior_above_half=post, effective_n=n,
                    weighted_hits=hits, call=call_of(post, threshold), similarity=sims, drivers=drivers)


def contribution(evidence: Sequence[Evidence], today: Mapping[str, str | None], weights: Mapping[str, float],
                 driver: str) -> float:
    """p with every driver minus p without ``driver``: how far the probability moves when it is dropped."""
    if driver not in readable(today, weights):
        return 0.0
    return (combine(evidence, today, weights).probability
            - combine(evidence, today, weights, without=driver).probability)
