"""Long history with Ken French size portfolios: small stocks against big ones after each cycle anchor, since 1926.

Beside SMB (a long-short factor), two plainer measures of small against large: the value-weighted return of the
bottom 30% of stocks by market equity against the top 30%, and of decile 1 against decile 10. Each portfolio's
monthly percent returns are compounded into an index dated at month ends (``factor_index``), and the pair is
measured exactly like two price series (``event_study``): spread = small's window return minus big's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._typing import Anchor, Convention
from ..cycles.model import Cycle
from ..errors import RatecycleError
from .longhistory import MONTHLY_CONVENTIONS, factor_index
from .stats import DEFAULT_REPS, DEFAULT_SEED
from .study import EventStudyResult, event_study


@dataclass(frozen=True)
class SizeMeasure:
    """A small and a big size portfolio (catalog names) and what their difference measures."""

    small: str
    big: str
    measure: str


SIZE_MEASURES: tuple[SizeMeasure, ...] = (
    SizeMeasure("ff_size:lo30", "ff_size:hi30",
                "Ken French size portfolios, bottom 30% minus top 30% by market equity (value-weighted returns)"),
    SizeMeasure("ff_size:dec1", "ff_size:dec10",
                "Ken French size portfolios, decile 1 (smallest) minus decile 10 (largest), value-weighted returns"),
)


@dataclass(frozen=True)
class SizePortfolioStudy:
    """One size measure after each cycle anchor: the event study of the two compounded portfolio indexes."""

    measure: SizeMeasure
    study: EventStudyResult

    def to_dict(self) -> dict[str, Any]:
        """The study's JSON shape with the measure named first."""
        return {"measure": self.measure.measure, "small": self.measure.small, "big": self.measure.big,
                **self.study.to_dict()}


def size_portfolio_study(small_percent: pd.Series, big_percent: pd.Series, cycles: Sequence[Cycle],
                         measure: SizeMeasure, *, anchor: Anchor = "later_start", months: int = 12,
                         convention: Convention = "month_end", reps: int = DEFAULT_REPS,
                         seed: int = DEFAULT_SEED) -> SizePortfolioStudy:
    """Small portfolio's compounded return minus big's over ``months`` after each anchor, against all windows."""
    if convention not in MONTHLY_CONVENTIONS:
        raise RatecycleError(f"size portfolios are monthly: use convention month_end or prior_month_end, "
                             f"not {convention}")
    small = factor_index(small_percent, measure.small)
    big = factor_index(big_percent, measure.big)
    study = event_study(small, big, cycles, anchor=anchor, months=months, convention=convention, reps=reps,
                        seed=seed)
    return SizePortfolioStudy(measure=measure, study=study)
