"""A report built earlier from the same stored data, options and code, read back from the store instead of rebuilt.

Every number in a report follows from the stored data, the options and the package's code, so a report is kept in
the store's statistics cache under a key made of the store's data fingerprint, its path (a section that cannot be
computed names it), the options and the code fingerprint; a later run with all of them unchanged reads it back and
only renders and writes the files. Snapshot folders are never written, and ``RATECYCLE_STAT_CACHE=0`` rebuilds every
time.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .._typing import to_timestamp
from ..data import statcache
from ..data.source import DataSource
from ..data.store import Store
from ..errors import RatecycleError
from .model import Report
from .options import Progress, ReportOptions

KIND = "report"
REPORTS_KEPT = 8
"""Reports kept in the store (the newest written): each is about half a megabyte."""


def report_for(ds: DataSource, options: ReportOptions | None = None, progress: Progress | None = None) -> Report:
    """What ``build_report(ds, options)`` returns; from the store's cache when data, options and code are unchanged.

    Only a source that has read nothing yet uses the cache: one that has already read the store holds the data of
    that moment, which a fingerprint taken now may not describe. A report is kept only when the store's data was the
    same before and after the build, so a kept report always belongs to the fingerprint it is filed under.
    """
    options = options or ReportOptions()
    path = statcache.store_path(ds)
    if path is None or not ds.untouched:
        return _build(ds, options, progress)
    inputs = (str(path.resolve()), _normal(options))
    data, key, found = statcache.load_for_data(path, KIND, *inputs)
    if isinstance(found, Report):
        if progress is not None:
            progress("same data, options and code as an earlier report: read back from the store")
        return found
    built = _build(ds, options, progress)
    if key and _fingerprint(path) == data:
        statcache.save(path, key, KIND, built, keep=REPORTS_KEPT)
    return built


def _normal(options: ReportOptions) -> ReportOptions:
    """The options with their dates as Timestamps, so a date given as text or as a Timestamp shares one key."""
    try:
        return replace(options, as_of=to_timestamp(options.as_of), rotation_start=to_timestamp(options.rotation_start))
    except RatecycleError:
        return options  # a malformed date: the build reports it


def _fingerprint(path: Path) -> str | None:
    """The store's data fingerprint now, or None when it cannot be read (a writer holds the lock, say)."""
    try:
        return Store(path).data_fingerprint()
    except RatecycleError:
        return None


def _build(ds: DataSource, options: ReportOptions, progress: Progress | None) -> Report:
    """Build the report; the analyses are imported here, so a report read back from the store never loads them."""
    from .build import build_report

    return build_report(ds, options, progress)


__all__ = ["KIND", "REPORTS_KEPT", "report_for"]
