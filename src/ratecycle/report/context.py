"""What every section builder shares: the as-of view of the data, the pair, the cycles, and helpers for captions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .._typing import Convention
from ..cycles import CycleRules
from ..data.catalog import display_name
from ..errors import RatecycleError
from .facts import Facts
from .fmt import date_text, month_text

if TYPE_CHECKING:
    from ..data.asof import AsOfSource
    from ..data.source import DataSource

CONVENTION: Convention = "daily"
"""Window convention of every return in the report (from the close of the event day), scorecard evidence included."""

PROVIDER_NAMES = {"fred": "FRED", "yahoo": "Yahoo Finance", "stooq": "Stooq", "kenfrench": "Ken French library",
                  "shiller": "Robert Shiller's data", "user": "user file", "ishares": "iShares",
                  "fomc": "Federal Reserve", "derived": "computed here"}
"""Reader-facing provider names for source lines."""

def display(name: str) -> str:
    """Reader-facing name of a catalog series ('russell2000' -> 'Russell 2000')."""
    return display_name(name)


class Unavailable(RatecycleError):
    """A section cannot be shown; the message says why in plain words."""


@dataclass
class Context:
    """Inputs of one report build; ``data`` never returns an observation after ``as_of``."""

    data: AsOfSource
    full: DataSource
    as_of: pd.Timestamp
    pair: tuple[str, str]
    months: int
    calendar: str | None
    """Calendar preset shown beside the rule-based result, for comparison only (None: none shown)."""
    rules: CycleRules | None
    """Rules that detect the cycles of every headline figure (None: the defaults)."""
    rotation_start: pd.Timestamp
    facts: Facts = field(default_factory=Facts)
    """Typed results kept by earlier sections for the bottom line, key figures and summary."""

    @property
    def a(self) -> str:
        """First series of the pair (the small caps by default)."""
        return self.pair[0]

    @property
    def b(self) -> str:
        """Second series of the pair (the large caps by default)."""
        return self.pair[1]

    @property
    def names(self) -> tuple[str, str]:
        """Display names of the pair."""
        return display(self.pair[0]), display(self.pair[1])

    def released(self, name: str) -> pd.Series:
        """The release day of each observation of a series (the catalog's rule, via the data layer)."""
        from ..data.asof import released

        return released(self.data, name)

    def prices(self, name: str) -> pd.Series:
        """A series cut at the as-of date."""
        return self.data.load(name)

    def source(self, *names: str, extra: str = "") -> str:
        """Short source line: provider and series name; files, fetch times and lags live in the data appendix."""
        by_provider: dict[str, list[str]] = {}
        for name in names:
            provider = PROVIDER_NAMES.get(self.data.meta(name).provider, self.data.meta(name).provider)
            by_provider.setdefault(provider, []).append(display(name))
        text = "; ".join(f"{p}: {', '.join(n)}" for p, n in by_provider.items())
        text = f"{text}; {extra}" if extra else text
        return f"{text} (data to {date_text(self.as_of)}; details in the data appendix)"

    def full_source(self, *names: str) -> str:
        """Long source line: provider, symbol, file/store and the latest observation usable on the as-of date."""
        return "; ".join(f"{self.data.meta(n).provider} {self.data.meta(n).symbol} ({self.data.meta(n).source}), "
                         f"{self.latest_known(n)}" for n in names)

    def latest_known(self, name: str) -> str:
        """The latest observation of a series known on the as-of date, in words (monthly: month and release rule)."""
        from ..data.catalog import get_spec

        meta = self.data.meta(name)
        if meta.last is None:
            return "no observation by the as-of date"
        spec = get_spec(name)
        if spec.frequency != "monthly":
            return f"last observation {date_text(meta.last)}"
        rule = spec.release
        if rule is None or rule.kind not in ("month_end_lag", "stored_release"):
            return f"latest month {month_text(meta.last)}"
        basis = f"month M counts from the end of M+{rule.months}"
        if rule.kind == "stored_release" and self.data.stored_releases(name) is not None:
            basis = f"month M counts from its first ALFRED vintage date, else from the end of M+{rule.months}"
        return f"latest month published by {date_text(self.as_of)}: {month_text(meta.last)} ({basis})"
