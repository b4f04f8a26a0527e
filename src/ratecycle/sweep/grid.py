"""The parameter grid of a robustness sweep and its expansion into numbered variants.

A *variant* is one choice of pair, pause rule, min_pause, max_gap, anchor, window convention and window
length. Variants are numbered in a fixed order (rule variant, anchor, convention, months, pair), so local and
distributed runs label the same variant with the same id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from .._typing import ANCHORS, CONVENTIONS, PAUSE_RULES, Anchor, Convention, Direction, PauseRule
from ..cycles import CycleRules
from ..errors import RatecycleError

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (("russell2000", "sp500"), ("iwm", "spy"))
DEFAULT_MONTHS: tuple[int, ...] = (3, 6, 12, 18, 24)


@dataclass(frozen=True)
class SweepGrid:
    """Every value to try for each parameter; the sweep runs their full cross product."""

    pairs: tuple[tuple[str, str], ...] = DEFAULT_PAIRS
    rules: tuple[PauseRule, ...] = PAUSE_RULES
    min_pauses: tuple[int, ...] = (40, 52, 70, 90)
    max_gaps: tuple[int, ...] = (250, 300, 370)
    anchors: tuple[Anchor, ...] = ANCHORS
    conventions: tuple[Convention, ...] = CONVENTIONS
    months: tuple[int, ...] = DEFAULT_MONTHS
    direction: Direction = "cut"
    since: int | None = None
    """Only cycles starting on or after 1 January of this year (None: all detected cycles)."""

    def __post_init__(self) -> None:
        for name in ("pairs", "rules", "min_pauses", "max_gaps", "anchors", "conventions", "months"):
            if not getattr(self, name):
                raise RatecycleError(f"sweep grid: {name} is empty")
        for anchor in self.anchors:
            if anchor not in ANCHORS:
                raise RatecycleError(f"unknown anchor {anchor!r} (choose {', '.join(ANCHORS)})")
        for convention in self.conventions:
            if convention not in CONVENTIONS:
                raise RatecycleError(f"unknown window convention {convention!r} (choose {', '.join(CONVENTIONS)})")
        for months in self.months:
            if int(months) < 1:
                raise RatecycleError(f"window months must be at least 1, got {months}")
        if self.direction not in ("cut", "hike"):
            raise RatecycleError(f"unknown direction {self.direction!r} (use cut or hike)")
        if not self.rule_variants():
            raise RatecycleError("sweep grid: no valid (min_pause <= max_gap) rule combination")

    def rule_variants(self) -> list[CycleRules]:
        """Valid cycle-rule combinations in grid order (min_pause above max_gap is skipped)."""
        out = []
        for rule, min_pause, max_gap in product(self.rules, self.min_pauses, self.max_gaps):
            if int(min_pause) <= int(max_gap):
                out.append(CycleRules(rule=rule, min_pause=int(min_pause), max_gap=int(max_gap)))
        return out

    def series(self) -> list[str]:
        """Every series name the pairs use, each once, in first-seen order."""
        return list(dict.fromkeys(name for pair in self.pairs for name in pair))

    @property
    def inner_size(self) -> int:
        """Variants per (rule variant, anchor): conventions x months x pairs."""
        return len(self.conventions) * len(self.months) * len(self.pairs)

    def variants(self) -> pd.DataFrame:
        """One row per variant with its id and parameters, in id order (rule variant, anchor, convention, months,
        pair: the last varies fastest)."""
        rules = self.rule_variants()
        axes = (len(rules), len(self.anchors), len(self.conventions), len(self.months), len(self.pairs))
        position = np.indices(axes).reshape(len(axes), -1)  # one column per variant, in id order

        def pick(values: Sequence[object], axis: int) -> np.ndarray:
            picked: np.ndarray = np.asarray(values, dtype=object)[position[axis]]
            return picked

        return pd.DataFrame({
            "variant": np.arange(position.shape[1]),
            "pair": pick([f"{a},{b}" for a, b in self.pairs], 4), "series_a": pick([a for a, _ in self.pairs], 4),
            "series_b": pick([b for _, b in self.pairs], 4), "rule": pick([r.rule for r in rules], 0),
            "min_pause": np.array([r.min_pause for r in rules], dtype="int64")[position[0]],
            "max_gap": np.array([r.max_gap for r in rules], dtype="int64")[position[0]],
            "anchor": pick(self.anchors, 1), "convention": pick(self.conventions, 2),
            "months": np.array([int(m) for m in self.months], dtype="int64")[position[3]],
        })

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        doc = asdict(self)
        doc["pairs"] = [f"{a},{b}" for a, b in self.pairs]
        return doc
