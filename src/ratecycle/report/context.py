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
    from ..data.source import DataSource
    from .asof import AsOfSource

CONVENTION: Convention = "daily"
"""Window convention of every return in the report (from the close of the event day), scorecard evidence included."""

PROVIDER_NAMES = {"fred": "FRED", "yahoo": "Yahoo Finance", "stooq": "Stooq", "kenfrench": "Ken French library",
                  "shiller": "Robert Shiller's data", "user": "user file", "ishares": "iShares",
                  "fomc": "Federal Reserve", "derived": "computed here"}
"""Reader-facing provider names for source lines."""

FAMA_FRENCH_LAG_MONTHS = 1
"""The Fama-French library adds month M about a month after it ends: month M counts from the end of M+1."""


def publication_lag_months(name: str) -> int:
    """Documented months after a monthly observation's month before it is published (0 when not documented)."""
    from ..inflation import PUBLICATION_LAG_MONTHS as PCE_LAG
    from ..valuation import PUBLICATION_LAG_MONTHS

    if name in {"core_pce", "pce"}:
        return PCE_LAG
    if name.startswith(("ff_factors:", "ff_size:", "ff6")):
        return FAMA_FRENCH_LAG_MONTHS
    return PUBLICATION_LAG_MONTHS.get(name, 0)


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
    preset: str | None
    rules: CycleRules | None
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
        """The latest observation of a series known on the as-of date, in words (monthly: month and lag)."""
        from ..data.catalog import get_spec

        meta = self.data.meta(name)
        if meta.last is None:
            return "no observation by the as-of date"
        if get_spec(name).frequency != "monthly":
            return f"last observation {date_text(meta.last)}"
        lag = publication_lag_months(name)
        if not lag:
            return f"latest month {month_text(meta.last)}"
        from ..valuation import release_dates

        dates = pd.DatetimeIndex(self.data.frame(name)["date"])
        known = dates[release_dates(dates, lag) <= self.as_of]  # month M counts from the end of M + lag
        month = month_text(known[-1]) if len(known) else "none yet"
        return f"latest month published by {date_text(self.as_of)}: {month} (month M counts from the end of M+{lag})"
