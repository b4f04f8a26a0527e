"""Specification curve: the small-cap spread over every reasonable specification, with permutation inference."""

from .curve import FamilySummary, SpecCurve, SpecResult, specification_curve
from .measures import Measure, long_history_measure, pair_measure
from .specs import Spec, default_rule_sets

__all__ = [
    "FamilySummary",
    "Measure",
    "Spec",
    "SpecCurve",
    "SpecResult",
    "default_rule_sets",
    "long_history_measure",
    "pair_measure",
    "specification_curve",
]
