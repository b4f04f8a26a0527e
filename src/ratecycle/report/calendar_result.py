"""The typed result of the calendar comparison, kept light: a stored report unpickles it without the analyses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._result import PlainResult

if TYPE_CHECKING:
    from .._typing import Anchor, Convention
    from ..events import EventStudyResult


@dataclass(frozen=True)
class StudyFigures(PlainResult):
    """What a comparison shows of one event study: its completed cycles, hits, mean spread, intervals, p-values."""

    cycles: tuple[str, ...]
    """Cycles with a completed window (the ones the statistics count)."""
    n: int
    hits: int
    hit_rate: float | None
    mean_spread: float | None
    median_spread: float | None
    mean_ci: tuple[float, float] | None
    """Bootstrap interval of the mean at ``ci_level``."""
    t_interval: tuple[float, float] | None
    ci_level: float
    exact_p: float | None
    """Exact sign-flip p-value of a mean spread above 0."""
    sign_test_p: float | None
    p_value: float | None
    """Permutation test of the cycle spreads against all windows of the same length."""

    @classmethod
    def from_study(cls, study: EventStudyResult) -> StudyFigures:
        """The figures of ``study`` (the same numbers ``ratecycle study --json`` prints in its summary)."""
        s = study.summary
        done = study.rows[~study.rows["incomplete"].astype(bool) & ~study.rows["before_data"].astype(bool)]
        return cls(cycles=tuple(str(c) for c in done["cycle"]), n=s.n, hits=s.hits, hit_rate=s.hit_rate,
                   mean_spread=s.mean, median_spread=s.median, mean_ci=s.mean_ci, t_interval=s.t_interval,
                   ci_level=s.ci_level, exact_p=s.exact_p, sign_test_p=s.sign_test_p,
                   p_value=s.test.p_value if s.test is not None else None)


@dataclass(frozen=True)
class CalendarComparison(PlainResult):
    """A fixed calendar's event study beside the rule-based one: same pair, anchor, horizon and convention."""

    calendar: str
    label: str
    anchor: Anchor
    months: int
    convention: Convention
    figures: StudyFigures
    """The calendar's figures (shown flat at the top level of the JSON form)."""
    rule_based: StudyFigures
    """The headline's figures, from cycles detected with the report's rules."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the calendar's figures at the top level, the rule-based ones under ``rule_based``."""
        return {"calendar": self.calendar, "label": self.label, "anchor": self.anchor, "months": self.months,
                "convention": self.convention, **self.figures.to_dict(), "rule_based": self.rule_based.to_dict()}


__all__ = ["CalendarComparison", "StudyFigures"]
