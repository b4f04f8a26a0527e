"""The measures and cycle variants of the specification curve, read from a (point-in-time) DataSource."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..cycles import Move, cycles_from_moves, long_history_cycles, moves_from_source
from ..cycles.loader import TARGET_SERIES
from ..events.pair import as_prices
from .curve import CycleVariant
from .measures import Measure, long_history_measure, pair_measure
from .specs import default_rule_sets

if TYPE_CHECKING:
    from ..data.source import DataSource

ETF_PAIR = ("iwm", "spy")
"""Adjusted closes (dividends reinvested): the total-return view of small against large caps."""
LONG_HISTORY = ("ff_size:lo30", "ff_size:hi30")


def market_variants(ds: DataSource) -> list[CycleVariant]:
    """Detected cutting cycles under every rule set (the target series as the source knows them)."""
    out = []
    found: dict[int, tuple[list[Move], pd.Timestamp]] = {}  # moves depend only on the meeting window
    for rules in default_rule_sets():
        if rules.meeting_window not in found:
            found[rules.meeting_window] = moves_from_source(ds, rules)
        moves, data_end = found[rules.meeting_window]
        cycles = tuple(c for c in cycles_from_moves(moves, rules, data_end) if c.direction == "cut")
        out.append(CycleVariant(rules, cycles, rules.min_moves))
    return out


def long_history_variants(ds: DataSource) -> list[CycleVariant]:
    """Cutting cycles from monthly FEDFUNDS (1954 on) under every pause rule, min pause and max gap."""
    fedfunds = ds.load("fed_funds_monthly")
    out = []
    for rules in default_rule_sets(with_min_moves=False):
        cycles = tuple(c for c in long_history_cycles(fedfunds, rules) if c.direction == "cut")
        out.append(CycleVariant(rules, cycles, None))
    return out


def input_series(pair: tuple[str, str]) -> tuple[str, ...]:
    """Every series :func:`families_from_source` may read: what a cache of its results must be keyed by."""
    return (*pair, *ETF_PAIR, *LONG_HISTORY, "fed_funds_monthly", *TARGET_SERIES)


def measures_from_source(ds: DataSource, pair: tuple[str, str]) -> list[Measure]:
    """The market pair (and IWM/SPY total return when both exist) and the Ken French long history, when present."""
    a, b = pair
    measures = [pair_measure(ds.load(a), ds.load(b), f"{a}-{b}")]
    if pair != ETF_PAIR and all(ds.has(x) for x in ETF_PAIR):
        measures.append(pair_measure(ds.load(ETF_PAIR[0]), ds.load(ETF_PAIR[1]), "iwm-spy (total return)"))
    if all(ds.has(x) for x in LONG_HISTORY) and ds.has("fed_funds_monthly"):
        measures.append(long_history_measure(ds.load(LONG_HISTORY[0]), ds.load(LONG_HISTORY[1])))
    return measures


def families_from_source(ds: DataSource, pair: tuple[str, str]) -> list[tuple[Measure, list[CycleVariant]]]:
    """Each measure with its cycle variants: the target's detected cycles for market pairs, FEDFUNDS for the long
    history."""
    measures = measures_from_source(ds, pair)
    variants = market_variants(ds)
    long = long_history_variants(ds) if any(m.family == "long_history" for m in measures) else []
    return [(m, long if m.family == "long_history" else variants) for m in measures]


__all__ = ["as_prices", "families_from_source", "input_series", "long_history_variants", "market_variants",
           "measures_from_source"]
