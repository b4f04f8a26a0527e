"""What every section builder shares: the as-of view of the data, the pair, the cycles, and helpers for captions."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import RatecycleError
from .fmt import date_text, month_text

if TYPE_CHECKING:
    from ..data.source import DataSource
    from .asof import AsOfSource

CONVENTION = "daily"
"""Window convention of every return in the report (from the close of the event day), scorecard evidence included."""

DISPLAY_NAMES = {
    "russell2000": "Russell 2000", "sp500": "S&P 500", "sp500_tr": "S&P 500 TR", "iwm": "IWM", "spy": "SPY",
    "iwn": "IWN", "iwo": "IWO", "vtwo": "VTWO", "vtwg": "VTWG", "vtwv": "VTWV",
}


FAMA_FRENCH_LAG_MONTHS = 1
"""The Fama-French library adds month M about a month after it ends: month M counts from the end of M+1."""


def publication_lag_months(name: str) -> int:
    """Documented months after a monthly observation's month before it is published (0 when not documented)."""
    from ..inflation import PUBLICATION_LAG_MONTHS as PCE_LAG
    from ..valuation import PUBLICATION_LAG_MONTHS

    if name in {"core_pce", "pce"}:
        return PCE_LAG
    if name.startswith("ff_factors:"):
        return FAMA_FRENCH_LAG_MONTHS
    return PUBLICATION_LAG_MONTHS.get(name, 0)


def display(name: str) -> str:
    """Reader-facing name of a catalog series ('russell2000' -> 'Russell 2000')."""
    return DISPLAY_NAMES.get(name, name)


class Unavailable(RatecycleError):
    """A section cannot be shown; the message says why in plain words."""


def analysis(module: str) -> Any:
    """Import an analysis module of ratecycle, or raise Unavailable when it is not part of this build."""
    try:
        return importlib.import_module(f"ratecycle.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"ratecycle.{module.split('.')[0]}"):
            raise Unavailable(f"the {module} analysis (ratecycle.{module}) is not available in this build, "
                              "so this section shows no numbers") from None
        raise


def api(module: str, name: str) -> Any:
    """A function of an analysis module, or Unavailable when this build does not have it yet."""
    mod = analysis(module)
    func = getattr(mod, name, None)
    if func is None:
        raise Unavailable(f"ratecycle.{module}.{name} is not available in this build, so this section shows no numbers")
    return func


@dataclass
class Context:
    """Inputs of one report build; ``data`` never returns an observation after ``as_of``."""

    data: AsOfSource
    full: DataSource
    as_of: pd.Timestamp
    pair: tuple[str, str]
    months: int
    preset: str | None
    rules: Any
    rotation_start: pd.Timestamp
    facts: dict[str, Any] = field(default_factory=dict)
    """Typed results kept by earlier sections for the summary (e.g. 'rotation', 'study', 'outlook')."""

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
        """Source line: provider, symbol, file/store and the latest observation usable on the as-of date."""
        parts = []
        for name in names:
            meta = self.data.meta(name)
            parts.append(f"{meta.provider} {meta.symbol} ({meta.source}), {self.latest_known(name)}")
        text = "; ".join(parts)
        return f"{text}; {extra}" if extra else text

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
