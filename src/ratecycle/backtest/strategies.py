"""Phase -> weight maps: which mix of A and B to hold in each point-in-time phase of the rate cycle.

A *phase* is a short name for what was known about the cycle on a day: ``none`` (no cycle under way),
``cut_early`` / ``cut_pause`` / ``cut_later`` and ``hike_early`` / ``hike_pause`` / ``hike_later``.
A strategy maps phases to (weight of A, weight of B); unlisted phases get its ``default`` weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RatecycleError

PHASES: tuple[str, ...] = ("none", "cut_early", "cut_pause", "cut_later", "hike_early", "hike_pause", "hike_later")


@dataclass(frozen=True)
class Strategy:
    """A named phase -> (weight A, weight B) map; weights are fractions of equity (negative = short)."""

    name: str
    description: str
    weights: dict[str, tuple[float, float]] = field(default_factory=dict)
    default: tuple[float, float] = (0.0, 1.0)

    def weight_for(self, phase: str) -> tuple[float, float]:
        """The (A, B) weights held in ``phase``."""
        return self.weights.get(phase, self.default)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "description": self.description,
                "weights": {k: list(v) for k, v in self.weights.items()}, "default": list(self.default)}


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("later-phase", "A during the later phase of a cutting cycle, B otherwise",
                 {"cut_later": (1.0, 0.0)}),
        Strategy("cutting", "A in any phase of a cutting cycle (early, pause, later), B otherwise",
                 {"cut_early": (1.0, 0.0), "cut_pause": (1.0, 0.0), "cut_later": (1.0, 0.0)}),
        Strategy("pause-and-later", "A from the start of a pause in a cutting cycle to the cycle's end, B otherwise",
                 {"cut_pause": (1.0, 0.0), "cut_later": (1.0, 0.0)}),
        Strategy("later-long-short", "long A and short B during the later phase of a cutting cycle, flat otherwise",
                 {"cut_later": (1.0, -1.0)}, default=(0.0, 0.0)),
    )
}


def parse_strategy(spec: str) -> Strategy:
    """A built-in strategy name, or a custom map such as ``cut_later=1,0;cut_pause=0.5,0.5;default=0,1``."""
    spec = spec.strip()
    if spec in STRATEGIES:
        return STRATEGIES[spec]
    if "=" not in spec:
        raise RatecycleError(f"unknown strategy {spec!r} (built-in: {', '.join(STRATEGIES)}; or a map like "
                             "'cut_later=1,0;default=0,1')")
    weights: dict[str, tuple[float, float]] = {}
    default = (0.0, 1.0)
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        phase, _, pair = part.partition("=")
        phase = phase.strip()
        try:
            wa, wb = (float(x) for x in pair.split(","))
        except ValueError:
            raise RatecycleError(f"bad weights {pair!r} for {phase!r} in strategy {spec!r} (use A,B)") from None
        if not (np.isfinite(wa) and np.isfinite(wb)):
            raise RatecycleError(f"non-finite weights for {phase!r} in strategy {spec!r}")
        if phase == "default":
            default = (wa, wb)
        elif phase in PHASES:
            weights[phase] = (wa, wb)
        else:
            raise RatecycleError(f"unknown phase {phase!r} in strategy {spec!r} (phases: {', '.join(PHASES)})")
    return Strategy("custom", f"custom map: {spec}", weights, default)


def phases_from_labels(labels: pd.DataFrame) -> pd.Series:
    """Collapse point-in-time labels (``in_cycle``, ``direction``, ``pause_underway``, ``later_phase_started``)
    into one phase name per day."""
    missing = {"in_cycle", "direction", "pause_underway", "later_phase_started"} - set(labels.columns)
    if missing:
        raise RatecycleError(f"point-in-time labels lack column(s) {', '.join(sorted(missing))}")
    in_cycle = labels["in_cycle"].fillna(False).to_numpy(dtype=bool)
    direction = labels["direction"].astype("object").where(labels["direction"].notna(), "").to_numpy()
    later = labels["later_phase_started"].fillna(False).to_numpy(dtype=bool)
    pause = labels["pause_underway"].fillna(False).to_numpy(dtype=bool)
    stage = np.where(later, "later", np.where(pause, "pause", "early"))
    names = np.array([f"{d}_{s}" if (c and d in {"cut", "hike"}) else "none"
                      for c, d, s in zip(in_cycle, direction, stage, strict=True)], dtype=object)
    return pd.Series(names, index=pd.DatetimeIndex(labels.index), name="phase")


def weights_for_phases(phases: pd.Series, strategy: Strategy) -> pd.DataFrame:
    """Target (A, B) weights for each day's phase, as a DataFrame with columns ``a`` and ``b``."""
    table = {p: strategy.weight_for(p) for p in pd.unique(phases.astype("object"))}
    a = phases.astype("object").map(lambda p: table[p][0]).to_numpy(dtype="float64")
    b = phases.astype("object").map(lambda p: table[p][1]).to_numpy(dtype="float64")
    return pd.DataFrame({"a": a, "b": b}, index=phases.index)
