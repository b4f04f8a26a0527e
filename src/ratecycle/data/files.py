"""Bounded reads of local input files: only regular files, and never more than a size cap.

A device (``/dev/zero``), a pipe or a directory given where a data file is expected would otherwise be read
without end; a file above the cap (200 MB by default, ``RATECYCLE_MAX_FILE_MB`` to change it) is refused
with one line instead of filling memory. The largest file of the bundled snapshot is about 2 MB.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import DataError, RatecycleError, where

MAX_FILE_MB_ENV = "RATECYCLE_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 200.0


def positive_from_env(variable: str, default: float, *, unit: str = "",
                      error: type[RatecycleError] = DataError) -> float:
    """A positive number from ``$variable`` (a limit a user may change), else ``default``; anything else is a
    one-line ``error`` naming the variable (``unit`` says what the number counts, e.g. " of megabytes")."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise error(f"{variable}={text[:40]!r} is not a positive number{unit}")
    return value


def max_file_bytes() -> int:
    """The size cap in bytes: ``$RATECYCLE_MAX_FILE_MB`` megabytes when set, else 200 MB."""
    return int(positive_from_env(MAX_FILE_MB_ENV, DEFAULT_MAX_FILE_MB, unit=" of megabytes") * 1_000_000)


def read_bounded(path: str | Path, *, series: object = None, what: str = "file") -> bytes:
    """The bytes of a regular file no larger than the cap; anything else is a one-line DataError naming it."""
    file = Path(path).expanduser()
    try:
        info = os.stat(file)
    except OSError as exc:
        raise DataError(f"cannot read {what}: {exc.strerror or exc} ({where(file, series)})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device or pipe)"
        raise DataError(f"{what} is {kind}; only regular files are read ({where(file, series)})")
    limit = max_file_bytes()
    if info.st_size > limit:
        raise DataError(f"{what} is {info.st_size:,} bytes, above the {limit:,}-byte limit "
                        f"({MAX_FILE_MB_ENV} raises it) ({where(file, series)})")
    try:
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise DataError(f"cannot read {what}: {exc.strerror or exc} ({where(file, series)})") from None
    if len(data) > limit:  # the file grew while being read
        raise DataError(f"{what} is larger than the {limit:,}-byte limit ({MAX_FILE_MB_ENV} raises it) "
                        f"({where(file, series)})")
    return data

