"""The as-of gate: a DataSource view holding only observations released by the close of a given day.

Each series' release rule (``SeriesSpec.release``, see ``ratecycle.data.release``) dates every observation by
the day it became public; the view keeps those released on or before the as-of date. A Fed target change
announced on D but effective on D+1 is therefore known on D, and core PCE for August is not known until the
end of September. Every dated command reads through this view; nothing else applies a publication lag.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._typing import DateLike, to_timestamp
from ..errors import DataError
from . import frames
from .catalog import get_spec
from .meta import SeriesMeta
from .source import DataSource

if TYPE_CHECKING:
    from .providers.ishares import Holdings

MEETINGS = "fomc_meetings"


def release_days(ds: DataSource, name: str) -> pd.DatetimeIndex:
    """The release day of every observation of ``name`` in ``ds`` (aligned with ``ds.frame(name)``)."""
    if name in ds._released:
        return ds._released[name]
    spec = get_spec(name)
    if spec.release is None:
        raise DataError(f"series {name} has no release rule in the catalog, so it cannot be read as of a date")
    frame = ds.frame(name)
    dates = pd.DatetimeIndex(frame["date"])
    if spec.release.kind == "stored_release":
        days = spec.release.dates(dates, stored=ds.stored_releases(name))
    elif spec.release.kind != "target_announcement":
        days = spec.release.dates(dates)
    else:
        meetings = pd.DatetimeIndex(ds.frame(MEETINGS)["date"]) if ds.has(MEETINGS) else None
        days = spec.release.dates(dates, frame["value"].to_numpy(dtype="float64"), meetings)
    ds._released[name] = days
    return days


def released(ds: DataSource, name: str) -> pd.Series:
    """Release day of each observation as a Series on the observation dates (for point-in-time histories)."""
    frame = ds.frame(name)
    return pd.Series(release_days(ds, name), index=pd.DatetimeIndex(frame["date"]), name=name)


@dataclass
class AsOfSource(DataSource):
    """Reads through ``base`` and keeps only observations released by the close of ``as_of`` (no look-ahead)."""

    base: DataSource = field(default_factory=DataSource)
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.max)

    def __post_init__(self) -> None:
        self.snapshot = self.base.snapshot
        self.store_path = self.base.store_path
        self.as_of = pd.Timestamp(self.as_of).normalize()

    def frame(self, name: str) -> pd.DataFrame:
        """The base frame without the observations released after the as-of date (cached)."""
        if name not in self._frames:
            full = self.base.frame(name)
            keep = np.asarray(release_days(self.base, name) <= self.as_of)
            self._frames[name] = full.loc[keep].reset_index(drop=True)
        return self._frames[name]

    def meta(self, name: str) -> SeriesMeta:
        """Provenance of the gated series: first/last/rows/hash describe what was known on the as-of date."""
        if name not in self._meta:
            cut = self.frame(name)
            base = self.base.meta(name)
            self._meta[name] = replace(
                base,
                first=None if cut.empty else cut["date"].iloc[0].date().isoformat(),
                last=None if cut.empty else cut["date"].iloc[-1].date().isoformat(),
                rows=len(cut), content_hash=frames.content_hash(cut))
        return self._meta[name]

    def stored_releases(self, name: str) -> pd.Series | None:
        """The base's stored release days (the gate only drops observations; their dating is the base's)."""
        return self.base.stored_releases(name)

    def holdings(self, fund: str) -> list[Holdings]:
        """The base's holdings downloads of ``fund`` dated on or before the as-of date (public on their file's date)."""
        return [h for h in self.base.holdings(fund) if h.as_of <= self.as_of]

    def loaded(self) -> list[str]:
        """Series read so far through this view that had observations by the as-of date, in first-use order (for the
        sources table: a series with nothing released yet was not used, and naming it would tell of later data)."""
        return [name for name, frame in self._frames.items() if not frame.empty]

    def has(self, name: str) -> bool:
        """True when the base can load the series and at least one observation was released by the as-of date."""
        return self.base.has(name) and not self.frame(name).empty

    def available(self) -> list[SeriesMeta]:
        """Gated metadata of every series the base provides that has an observation by the as-of date."""
        return [self.meta(m.name) for m in self.base.available() if self.has(m.name)]


def as_of(ds: DataSource, day: DateLike | None) -> DataSource:
    """``ds`` seen as of the close of ``day`` (``ds`` itself when no day is given): the one as-of gate."""
    when = to_timestamp(day)
    if when is None:
        return ds
    if isinstance(ds, AsOfSource):
        return AsOfSource(base=ds.base, as_of=min(when, ds.as_of))
    return AsOfSource(base=ds, as_of=when)
