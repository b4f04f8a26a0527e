"""Error types: every user-facing failure is a RatecycleError with a one-line message."""

from __future__ import annotations


class RatecycleError(Exception):
    """A problem the user can fix; the CLI prints ``str(err)`` on one line and exits 2."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class DataError(RatecycleError):
    """Bad or missing data: a malformed file, an unknown series, a gap where data is required."""


class ProviderError(RatecycleError):
    """A remote provider failed or returned something that is not data (after retries)."""


class StoreError(DataError):
    """The store itself cannot be used (locked by another process, not a DuckDB file): never 'series missing'."""


class UnknownSeriesError(DataError):
    """A series name that is not in the catalog."""


def where(file: object = None, series: object = None, row: object = None) -> str:
    """Format the location part of an error message: ``file X, series Y, row N``."""
    parts = []
    if file is not None:
        parts.append(f"file {file}")
    if series is not None:
        parts.append(f"series {series}")
    if row is not None:
        parts.append(f"row {row}")
    return ", ".join(parts)
