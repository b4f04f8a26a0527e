"""DataSource: the one place analyses and the CLI get series from (a snapshot directory or the store).

``RATECYCLE_SNAPSHOT`` / ``--snapshot DIR`` reads a snapshot and never touches the network;
otherwise series come from the DuckDB store (``RATECYCLE_STORE`` / ``--store PATH``), filled by
``ratecycle data fetch`` or ``ratecycle data import``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._typing import DateLike, to_timestamp
from ..errors import DataError, StoreError
from . import frames
from .catalog import CATALOG, GROUPS, SeriesSpec, get_spec
from .meta import SeriesMeta

if TYPE_CHECKING:
    from .providers.ishares import Holdings
    from .providers.snapshot import SnapshotProvider

SNAPSHOT_ENV = "RATECYCLE_SNAPSHOT"
STORE_ENV = "RATECYCLE_STORE"
RAW_FETCHED_AT = ""
"""A raw snapshot file records no retrieval time (its provenance notes do): never its modification time."""
BULK_READ_ROWS = 5_000_000
"""A store holding at most this many observations is read whole on first use (one query, ~0.1 s per
million rows); a bigger one is read series by series."""


def default_store_path() -> Path:
    """The store file: ``$RATECYCLE_STORE`` or ``<user cache dir>/ratecycle/store.duckdb``."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ratecycle")) / "store.duckdb"

STALE_DAYS = 7
"""An as-of date may lie at most this many days after the last common close of the series it reads (weekends,
holidays); later than that the data needs an update."""


@dataclass
class DataSource:
    """Loads catalog series from a snapshot directory (offline) or from the store.

    Every series is read once and kept, so one DataSource gives one consistent view of the data for a whole
    command; writes made to the store afterwards are seen by a new DataSource.
    """

    snapshot: Path | None = None
    store_path: Path | None = None
    allow_outliers: bool = False
    """Accept snapshot series whose one-step moves exceed their kind's bound (also ``RATECYCLE_ALLOW_OUTLIERS=1``)."""
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _meta: dict[str, SeriesMeta] = field(default_factory=dict, repr=False)
    _provider: SnapshotProvider | None = field(default=None, repr=False)
    _stored: dict[str, tuple[pd.DataFrame, SeriesMeta]] | None = field(default=None, repr=False)
    """Store contents read at first use: a DataSource sees the store as it was then, like a read transaction."""
    _store_checked: bool = field(default=False, repr=False)
    _holdings: dict[str, list[Holdings]] = field(default_factory=dict, repr=False)
    _released: dict[str, pd.DatetimeIndex] = field(default_factory=dict, repr=False)
    """Release day of each observation, per series (``ratecycle.data.asof.release_days``), computed once."""
    _stored_releases: dict[str, pd.Series | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, snapshot: str | Path | None = None, store: str | Path | None = None) -> DataSource:
        """Resolve options, then environment: an explicit snapshot wins, then RATECYCLE_SNAPSHOT, then the store."""
        snap = snapshot if snapshot is not None else os.environ.get(SNAPSHOT_ENV) or None
        store_path = Path(store).expanduser() if store is not None else default_store_path()
        return cls(snapshot=Path(snap).expanduser() if snap else None, store_path=store_path)

    @property
    def mode(self) -> str:
        """'snapshot' when reading a snapshot directory offline, else 'store'."""
        return "snapshot" if self.snapshot is not None else "store"

    @property
    def untouched(self) -> bool:
        """True while nothing has been read through this source (no series, holdings or release days)."""
        return not (self._store_checked or self._frames or self._meta or self._holdings or self._stored_releases
                    or self._provider is not None)

    # -- public API ----------------------------------------------------
    def load(self, name: str, start: DateLike | None = None, end: DateLike | None = None) -> pd.Series:
        """A catalog series as a float Series on a DatetimeIndex, clipped to [start, end]."""
        if name in GROUPS:
            raise DataError(f"{name!r} is a group; use load_group({name!r}) or one of {', '.join(GROUPS[name])}")
        frame = self.frame(name)
        series = frames.to_series(frame, name)
        return _clip(series, start, end)

    def load_group(self, group: str, start: DateLike | None = None, end: DateLike | None = None) -> pd.DataFrame:
        """All fields of a grouped source (``ff_factors``, ``shiller``) as one DataFrame, outer-joined on date."""
        if group not in GROUPS:
            raise DataError(f"{group!r} is not a group (groups: {', '.join(GROUPS)})")
        columns = {}
        for member in GROUPS[group]:
            columns[member.split(":", 1)[1]] = self.load(member, start, end)
        return pd.DataFrame(columns)

    def frame(self, name: str) -> pd.DataFrame:
        """The full observation frame (date, value) of a series, cached for this DataSource."""
        spec = get_spec(name)
        if name not in self._frames:
            self._frames[name] = self._read(spec)
        return self._frames[name]

    def meta(self, name: str) -> SeriesMeta:
        """Provenance of a series (loads it if needed)."""
        self.frame(name)
        return self._meta[name]

    def has(self, name: str) -> bool:
        """True when the series can be loaded (False for a missing user series or file)."""
        try:
            self.frame(name)
        except StoreError:
            raise  # a locked or unreadable store is its own error, not a missing series
        except DataError:
            return False
        return True

    def available(self) -> list[SeriesMeta]:
        """Metadata of every catalog series this source can provide, in catalog order."""
        out = []
        for name in CATALOG:
            if self.has(name):
                out.append(self._meta[name])
        return out

    def holdings(self, fund: str) -> list[Holdings]:
        """Every dated holdings download of ``fund`` (e.g. IWM), oldest first: the snapshot's files in snapshot
        mode (source ``snapshot <relative path>``), the stored downloads in store mode; read once per DataSource.
        Empty when there are none."""
        key = fund.strip().upper()
        if key not in self._holdings:
            if self.snapshot is not None:
                from .providers.ishares import read_holdings

                files = [f for f in self._snapshot_provider(self.snapshot).holdings_files()
                         if f.name.partition("_holdings_")[0].upper() == key]
                # named relative to the snapshot, like a series' source: no local path in any output
                found = [replace(read_holdings(f), source=f"snapshot {f.relative_to(self.snapshot).as_posix()}")
                         for f in files]
            else:
                from .store import Store

                found = Store(self.store_path or default_store_path()).holdings(key)
            self._holdings[key] = sorted(found, key=lambda h: h.as_of)
        return self._holdings[key]

    def stored_releases(self, name: str) -> pd.Series | None:
        """Release days stored with the observations of ``name`` (by observation date; ALFRED vintage dates fetched
        with FRED_API_KEY), or None: the store and an export-layout snapshot hold them, a raw snapshot does not.
        Read once."""
        if name not in self._stored_releases:
            if self.snapshot is not None:
                from .providers.snapshot import export_file_name
                from .snapshot_io import read_export_releases

                listed = name in self._snapshot_provider(self.snapshot).manifest()
                path = self.snapshot / "series" / export_file_name(name)
                self._stored_releases[name] = read_export_releases(path, name) if listed else None
            else:
                from .store import Store

                self._stored_releases[name] = Store(self.store_path or default_store_path()).releases(name)
        return self._stored_releases[name]

    def last_date(self, *names: str) -> pd.Timestamp:
        """The latest date common to all the named series (their minimum last date)."""
        return pd.Timestamp(min(self.frame(n)["date"].iloc[-1] for n in names))

    def check_fresh(self, when: pd.Timestamp, *names: str) -> pd.Timestamp:
        """The named series' last common date; a DataError when ``when`` lies more than STALE_DAYS after it."""
        last = self.last_date(*names)
        if when > last + pd.Timedelta(days=STALE_DAYS):
            raise DataError(f"as-of {when.date()} is more than {STALE_DAYS} days after the last common close of "
                            f"{' and '.join(names)} ({last.date()}); update the data or choose an earlier date")
        return last

    # -- internals -----------------------------------------------------
    def _read(self, spec: SeriesSpec) -> pd.DataFrame:
        if spec.derived:
            frame = self._derive(spec)
            fetched = sorted(f for f in (self.meta(n).fetched_at for n in spec.derived[1:]) if f)
            self._meta[spec.name] = _meta_for(spec, frame, "derived", fetched[0] if fetched else "")
            return frame
        if self.snapshot is not None:
            return self._read_snapshot(spec, self.snapshot)
        return self._read_store(spec)

    def _snapshot_provider(self, root: Path) -> SnapshotProvider:
        """One provider per DataSource, so the export manifest is read once, not once per series."""
        if self._provider is None:
            from .providers.snapshot import SnapshotProvider

            self._provider = SnapshotProvider(root)
        return self._provider

    def _read_snapshot(self, spec: SeriesSpec, root: Path) -> pd.DataFrame:
        """A series read from the snapshot directory, checked by the same plausibility rules as an import."""
        from .providers.snapshot import export_file_name
        from .validate import check_series, outliers_allowed

        provider = self._snapshot_provider(root)
        exported = provider.exported(spec.name)
        if exported is not None:
            check_series(exported, spec, origin=root / "series" / export_file_name(spec.name),
                         allow_outliers=self.allow_outliers or outliers_allowed())
            info = provider.manifest()[spec.name]
            self._meta[spec.name] = SeriesMeta(
                name=spec.name, provider=str(info.get("provider", "snapshot")),
                symbol=str(info.get("symbol", spec.symbol)),
                source=str(info.get("source", f"snapshot series/{export_file_name(spec.name)}")),
                fetched_at=str(info.get("fetched_at", "")),
                first=_iso(exported, 0), last=_iso(exported, -1), rows=len(exported),
                content_hash=frames.content_hash(exported),
            )
            return exported
        if not spec.segments:
            stored = self._store_entry(spec)
            if stored is not None:
                return stored
            raise DataError(f"series {spec.name} is not in snapshot {self.snapshot}: {spec.note}")
        parts = [seg.clip(provider.fetch(seg, spec.name)) for seg in spec.segments]
        frame = _splice(parts)
        located = provider.locate(spec.segments[0])[0] if len(spec.segments) == 1 else root
        check_series(frame, spec, origin=located, allow_outliers=self.allow_outliers or outliers_allowed())
        labels = "+".join(provider.source_label(seg) for seg in spec.segments)
        self._meta[spec.name] = _meta_for(spec, frame, f"snapshot {labels}", RAW_FETCHED_AT)
        return frame

    def _read_store(self, spec: SeriesSpec) -> pd.DataFrame:
        from .store import Store

        store = Store(self.store_path or default_store_path())
        if not self._store_checked:  # the whole store in one query (a command reads most of it), unless it is big
            self._stored = store.entries_within(BULK_READ_ROWS)
            self._store_checked = True
        entry = self._stored.get(spec.name) if self._stored is not None else store.entry(spec.name)
        if entry is None:
            hint = spec.note if not spec.segments else (
                f"run 'ratecycle data fetch {spec.name}' or 'ratecycle data import DIR', or pass --snapshot DIR")
            raise DataError(f"series {spec.name} is not in the store {self.store_path or default_store_path()}: "
                            f"{hint}")
        frame, self._meta[spec.name] = entry
        return frame

    def _store_entry(self, spec: SeriesSpec) -> pd.DataFrame | None:
        """A series and its provenance from the store (also used offline for user series), or None."""
        from .store import Store

        entry = Store(self.store_path or default_store_path()).entry(spec.name)
        if entry is None:
            return None
        frame, self._meta[spec.name] = entry
        return frame

    def _derive(self, spec: SeriesSpec) -> pd.DataFrame:
        operation, *inputs = spec.derived
        series = [self.load(name) for name in inputs]
        if operation == "ratio":
            numerator, denominator = series
            joined = pd.concat([numerator, denominator], axis=1, join="inner").dropna()
            joined = joined[joined.iloc[:, 1] > 0]
            values = joined.iloc[:, 0] / joined.iloc[:, 1]
            return pd.DataFrame({"date": values.index.to_numpy(dtype="datetime64[ns]"),
                                 "value": values.to_numpy(dtype="float64")})
        if operation == "bm_small_big":
            from .derived import bm_small_big

            def table(group: str) -> pd.DataFrame:
                return pd.DataFrame({name.split(":", 1)[1]: s for name, s in zip(inputs, series, strict=True)
                                     if name.startswith(f"{group}:")})

            values = bm_small_big(table("ff6_bm"), table("ff6_firms"), table("ff6_mcap"))
            return pd.DataFrame({"date": values.index.to_numpy(dtype="datetime64[ns]"),
                                 "value": values.to_numpy(dtype="float64")})
        raise DataError(f"unknown derivation {operation!r} for series {spec.name}")


def _splice(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate segment frames; overlapping dates are an error (a splice must not double count)."""
    frame = pd.concat(parts, ignore_index=True) if parts else frames.empty()
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    dup = frame["date"].duplicated()
    if dup.any():
        raise DataError(f"spliced segments overlap on {frame.loc[dup, 'date'].iloc[0].date()}")
    return frame


def _clip(series: pd.Series, start: DateLike | None, end: DateLike | None) -> pd.Series:
    lo, hi = to_timestamp(start), to_timestamp(end)
    if lo is not None:
        series = series[series.index >= lo]
    if hi is not None:
        series = series[series.index <= hi]
    return series


def _iso(frame: pd.DataFrame, pos: int) -> str | None:
    return None if frame.empty else frame["date"].iloc[pos].date().isoformat()


def _meta_for(spec: SeriesSpec, frame: pd.DataFrame, source: str, fetched_at: str) -> SeriesMeta:
    return SeriesMeta(
        name=spec.name, provider=spec.provider, symbol=spec.symbol, source=source, fetched_at=fetched_at,
        first=_iso(frame, 0), last=_iso(frame, -1), rows=len(frame), content_hash=frames.content_hash(frame),
    )
