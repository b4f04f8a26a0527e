"""Typed results the section builders keep for the bottom line, the key figures and the ex-post appendix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..curve import CurveReading
from ..cycles import Cycle
from ..events import CompareResult, EventStudyResult, HeadToHead, PhaseReturnsResult
from ..events.sizeportfolios import SizePortfolioStudy
from ..inflation import InflationReading
from ..momentum import Momentum
from ..outlook.scorecard import Scorecard
from ..outlook.track_record import TrackRecord
from ..robustness import SpecCurve
from ..valuation import PriceUpdatedPE, Valuation, ValuationMissing

if TYPE_CHECKING:
    from .calendar_result import CalendarComparison

ValuationResult = Valuation | ValuationMissing | PriceUpdatedPE
"""One valuation reading: a month-end multiple, a missing series, or the price-updated S&P 500 P/E."""


@dataclass
class Facts:
    """What earlier sections computed, by name and type; the summary and bottom line receive it explicitly."""

    cycles: list[Cycle] | None = None
    rotation: CompareResult | None = None
    phases: PhaseReturnsResult | None = None
    study: EventStudyResult | None = None
    valuation: list[ValuationResult] = field(default_factory=list)
    outlook: Scorecard | None = None
    momentum: Momentum | None = None
    inflation: InflationReading | None = None
    curve: CurveReading | None = None
    etf_value_wins: tuple[int, int] | None = None
    """Windows where the value fund beat the index fund, and windows counted (after a later phase began)."""
    spec_curve: SpecCurve | None = None
    """The specification curve with its permutation p-values (robustness section)."""
    size_history: SizePortfolioStudy | None = None
    """Ken French small 30% minus big 30% after FEDFUNDS later phases since 1954 (robustness section)."""
    track_record: TrackRecord | None = None
    """The call replayed at every past later-phase start from earlier cycles only (robustness section)."""
    head_to_head: tuple[HeadToHead, HeadToHead] | None = None
    calendar_comparison: CalendarComparison | None = None
    """A fixed calendar's record beside the rule-based one, for comparison only (significance section)."""
    """Growth/value pairs and small-versus-large pairs over later phases and the months after (ETF section)."""
