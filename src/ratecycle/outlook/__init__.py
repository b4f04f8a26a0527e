"""The outlook scorecard: policy phase, rotation, valuation, inflation and curve drivers, with past-cycle evidence."""

from .combine import CALL_POSTERIOR, Combined, Evidence, combine
from .drivers import DRIVERS, DriverState, PolicyPhase, policy_phase
from .inputs import DEFAULT_PAIR, DEFAULT_VALUATION_PAIR, OutlookInputs, inputs_from_source
from .scorecard import DEFAULT_WEIGHTS, DriverRow, Scorecard, parse_weights, scorecard

__all__ = [
    "CALL_POSTERIOR",
    "DEFAULT_PAIR",
    "DEFAULT_VALUATION_PAIR",
    "DEFAULT_WEIGHTS",
    "DRIVERS",
    "Combined",
    "DriverRow",
    "DriverState",
    "Evidence",
    "OutlookInputs",
    "PolicyPhase",
    "Scorecard",
    "combine",
    "inputs_from_source",
    "parse_weights",
    "policy_phase",
    "scorecard",
]
