"""A report built earlier from the same stored data, options and code, read back from the store instead of rebuilt.

Every number in a report follows from the stored data, the options and the package's code, so a report is kept in
the store's statistics cache under a key made of the store's data fingerprint, the options and the code
fingerprint; a later run with all three unchanged reads it back and only renders and writes the files. Snapshot
folders are never written, and ``RATECYCLE_STAT_CACHE=0`` rebuilds every time.
"""

from __future__ import annotations

from ..data import statcache
from ..data.source import DataSource
from ..data.store import Store
from .model import Report
from .options import Progress, ReportOptions

KIND = "report"
REPORTS_KEPT = 8
"""Reports kept in the store (the newest): a report is a few megabytes, unlike the other cached statistics."""


def report_for(ds: DataSource, options: ReportOptions | None = None, progress: Progress | None = None) -> Report:
    """What ``build_report(ds, options)`` returns; from the store's cache when data, options and code are unchanged.

    A report is kept only when the store's data did not change while it was being built, so a kept report always
    belongs to the fingerprint it is filed under.
    """
    options = options or ReportOptions()
    path = statcache.store_path(ds)
    if path is None:
        return _build(ds, options, progress)
    data, key, found = statcache.load_for_data(path, KIND, options)
    if isinstance(found, Report):
        if progress is not None:
            progress("same data, options and code as an earlier report: read back from the store")
        return found
    built = _build(ds, options, progress)
    if key and Store(path).data_fingerprint() == data:
        statcache.save(path, key, KIND, built, keep=REPORTS_KEPT)
    return built


def _build(ds: DataSource, options: ReportOptions, progress: Progress | None) -> Report:
    """Build the report; the analyses are imported here, so a report read back from the store never loads them."""
    from .build import build_report

    return build_report(ds, options, progress)


__all__ = ["KIND", "REPORTS_KEPT", "report_for"]
