"""The measures and cycle variants of the specification curve, read from a (point-in-time) DataSource."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cycles import cycles_from_moves, long_history_cycles, moves_from_source
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
    for rules in default_rule_sets():
        moves, data_end = moves_from_source(ds, rules)
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


def families_from_source(ds: DataSource, pair: tuple[str, str]) -> list[tuple[Measure, list[CycleVariant]]]:
    """The market pair (and IWM/SPY total return when both exist) and the Ken French long history."""
    variants = market_variants(ds)
    families: list[tuple[Measure, list[CycleVariant]]] = []
    a, b = pair
    families.append((pair_measure(ds.load(a), ds.load(b), f"{a}-{b}"), variants))
    if pair != ETF_PAIR and all(ds.has(x) for x in ETF_PAIR):
        families.append((pair_measure(ds.load(ETF_PAIR[0]), ds.load(ETF_PAIR[1]), "iwm-spy (total return)"),
                         variants))
    if all(ds.has(x) for x in LONG_HISTORY) and ds.has("fed_funds_monthly"):
        measure = long_history_measure(ds.load(LONG_HISTORY[0]), ds.load(LONG_HISTORY[1]))
        families.append((measure, long_history_variants(ds)))
    return families


__all__ = ["as_prices", "families_from_source", "long_history_variants", "market_variants"]
