"""A DataSource view that ends at the as-of date: every series is cut at D before any analysis sees it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from ..data import frames
from ..data.catalog import get_spec
from ..data.meta import SeriesMeta
from ..data.source import DataSource

if TYPE_CHECKING:
    from ..data.providers.ishares import Holdings


@dataclass
class AsOfSource(DataSource):
    """Reads through ``base`` and drops every observation not yet complete on ``as_of`` (the no-look-ahead gate)."""

    base: DataSource = field(default_factory=DataSource)
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.max)

    def __post_init__(self) -> None:
        self.snapshot = self.base.snapshot
        self.store_path = self.base.store_path
        self.as_of = pd.Timestamp(self.as_of).normalize()

    def frame(self, name: str) -> pd.DataFrame:
        """The base frame with rows after the as-of date removed (cached).

        A monthly value is dated on the first day of its month but describes the whole month (an average, a
        return, a month-end level), so it is kept only once its month is over: on 17 Sep 2025 the last monthly
        value is August's. Publication lags beyond that are applied by each analysis.
        """
        if name not in self._frames:
            full = self.base.frame(name)
            if get_spec(name).frequency == "monthly":
                month_over = full["date"].dt.to_period("M").dt.end_time.dt.normalize() < self.as_of
                keep = month_over.to_numpy()
            else:
                keep = (full["date"] <= self.as_of).to_numpy()
            self._frames[name] = full.loc[keep].reset_index(drop=True)
        return self._frames[name]

    def meta(self, name: str) -> SeriesMeta:
        """Provenance of the truncated series: first/last/rows/hash describe what the report used."""
        if name not in self._meta:
            cut = self.frame(name)
            base = self.base.meta(name)
            self._meta[name] = replace(
                base,
                first=None if cut.empty else cut["date"].iloc[0].date().isoformat(),
                last=None if cut.empty else cut["date"].iloc[-1].date().isoformat(),
                rows=len(cut), content_hash=frames.content_hash(cut))
        return self._meta[name]

    def holdings(self, fund: str) -> list[Holdings]:
        """The base's holdings downloads of ``fund`` dated on or before the as-of date."""
        return [h for h in self.base.holdings(fund) if h.as_of <= self.as_of]

    def loaded(self) -> list[str]:
        """Names of the series read so far through this view, in first-use order (for the sources table)."""
        return list(self._frames)

    def has(self, name: str) -> bool:
        """True when the base can load the series and it has at least one observation by the as-of date."""
        return self.base.has(name) and not self.frame(name).empty

    def available(self) -> list[SeriesMeta]:
        """Truncated metadata of every series the base provides."""
        return [self.meta(m.name) for m in self.base.available()]
