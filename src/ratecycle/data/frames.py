"""The one shape every provider returns: an observation frame with columns ``date`` and ``value``.

Validation lives here so that every provider rejects the same things (unparseable dates, non-numeric
values, duplicate dates) with a one-line error naming the file, series and row.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, where

COLUMNS = ("date", "value")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MONTH = re.compile(r"\d{4}-\d{2}")
MISSING_MARKERS = frozenset({"", ".", "NA", "NaN", "nan", "null", "None", "#N/A"})
"""Texts that mean "no value" (FRED writes '.' for bond-market holidays); such rows are skipped."""


def empty() -> pd.DataFrame:
    """An observation frame with no rows."""
    return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]"), "value": pd.Series([], dtype="float64")})


def build(
    rows: Iterable[tuple[int, object, object]],
    *,
    file: object = None,
    series: object = None,
    skip_missing: bool = True,
) -> pd.DataFrame:
    """Validate (row number, date, value) triples into an observation frame.

    The row number is the line in the source, so errors point at the right place.
    Missing markers ('', '.', 'NA', 'NaN', None) are dropped when ``skip_missing`` (FRED writes '.'
    for bond-market holidays); anything else that is not a finite number is an error.
    """
    rows = list(rows)
    months = months_allowed(series)
    if skip_missing:
        fast = _fast_build(rows, months=months)
        if fast is not None:
            return fast
    dates: list[pd.Timestamp] = []
    values: list[float] = []
    seen: dict[pd.Timestamp, int] = {}
    for row, raw_date, raw_value in rows:
        loc = where(file, series, row)
        ts = parse_day(raw_date, file=file, series=series, row=row, months=months)
        text = "" if raw_value is None else str(raw_value).strip()
        if text in MISSING_MARKERS:
            if skip_missing:
                continue
            raise DataError(f"missing value ({loc})")
        try:
            number = float(text)
        except ValueError:
            raise DataError(f"bad value {text[:40]!r} ({loc})") from None
        if not math.isfinite(number):
            raise DataError(f"non-finite value {text[:40]!r} ({loc})")
        if ts in seen:
            raise DataError(f"duplicate date {ts.date()} (first at row {seen[ts]}) ({loc})")
        seen[ts] = row
        dates.append(ts)
        values.append(number)
    frame = pd.DataFrame({"date": pd.DatetimeIndex(dates, dtype="datetime64[ns]"),
                          "value": np.asarray(values, dtype="float64")})
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def parse_day(raw: object, *, file: object = None, series: object = None, row: object = None,
              months: bool = True) -> pd.Timestamp:
    """One ISO date text (``YYYY-MM-DD``, or ``YYYY-MM`` for the first of the month when ``months``) as a midnight
    Timestamp; anything else (``31.01.2025``, ``03/04/2025``, ``May 2025``, ``2025``) is a one-line DataError."""
    text = str(raw).strip()
    loc = where(file, series, row)
    if not (ISO_DAY.fullmatch(text) or (months and ISO_MONTH.fullmatch(text))):
        expected = "YYYY-MM-DD or YYYY-MM" if months else "YYYY-MM-DD (a daily series)"
        raise DataError(f"bad date {text[:40]!r}, expected {expected} ({loc})")
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        raise DataError(f"bad date {text[:40]!r} ({loc})") from None
    if pd.isna(ts):
        raise DataError(f"bad date {text[:40]!r} ({loc})")
    if not pd.Timestamp.min <= ts <= pd.Timestamp.max:  # parses, but does not fit datetime64[ns]
        raise DataError(f"date out of range {text[:40]!r} ({loc})")
    return ts.normalize()


def months_allowed(series: object) -> bool:
    """True when ``YYYY-MM`` dates are accepted for ``series``: monthly and user-supplied series (or unknown names)."""
    from .catalog import CATALOG

    spec = CATALOG.get(str(series)) if series is not None else None
    if spec is None:
        return True
    frequency = spec.frequency.lower()
    return frequency.startswith("monthly") or frequency.startswith("user")


def read_date_value_csv(
    source: str | Path | bytes,
    *,
    series: str,
    date_column: str | None = None,
    value_column: str | None = None,
    file: object = None,
) -> pd.DataFrame:
    """Read a ``date,value``-style CSV (header required) into an observation frame.

    Without explicit column names the first column is the date and the second the value.
    """
    import csv

    label = file if file is not None else (source if isinstance(source, (str, Path)) else "<data>")
    if isinstance(source, bytes):
        raw = source
    else:
        from .files import read_bounded

        raw = read_bounded(source, series=series)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(label, series)})") from None
    if not text.strip():
        raise DataError(f"empty file ({where(label, series)})")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise DataError(f"no header line ({where(label, series)})") from None
    lowered = [h.lower() for h in header]
    if date_column is None:
        date_idx = 0
    elif date_column.lower() in lowered:
        date_idx = lowered.index(date_column.lower())
    else:
        raise DataError(f"no {date_column!r} column in header {header} ({where(label, series, 1)})")
    if value_column is None:
        value_idx = 1
    elif value_column.lower() in lowered:
        value_idx = lowered.index(value_column.lower())
    else:
        raise DataError(f"no {value_column!r} column in header {header} ({where(label, series, 1)})")
    if len(header) <= max(date_idx, value_idx):
        raise DataError(f"expected at least two columns, header is {header} ({where(label, series, 1)})")

    def triples() -> Iterable[tuple[int, object, object]]:
        try:
            for number, record in enumerate(reader, start=2):
                if not record or all(not c.strip() for c in record):
                    continue
                if len(record) <= max(date_idx, value_idx):
                    raise DataError(f"too few fields {record[:4]} ({where(label, series, number)})")
                yield number, record[date_idx], record[value_idx]
        except csv.Error as exc:
            raise DataError(f"malformed CSV: {exc} ({where(label, series, reader.line_num)})") from None

    rows = list(triples())
    _check_last_line(text, header, label, series)
    fast = _fast_build(rows, months=months_allowed(series))
    return fast if fast is not None else build(rows, file=label, series=series)


def _check_last_line(text: str, header: list[str], label: object, series: str) -> None:
    """A body cut off mid-row (no final newline and fewer fields than the header) is an error, never data."""
    import csv

    if text.endswith(("\n", "\r")):
        return
    last_line = text.rsplit("\n", 1)[-1]
    try:
        record = next(csv.reader([last_line]), [])
    except csv.Error:
        return  # a malformed last row is reported by the row parser
    if record and len(record) < len(header):
        number = text.count("\n") + 1
        raise DataError(f"truncated file: last row has {len(record)} of {len(header)} fields and no line end "
                        f"({where(label, series, number)})")



def _fast_build(rows: list[tuple[int, object, object]], *, months: bool = True) -> pd.DataFrame | None:
    """Vectorised twin of :func:`build` for the common clean case (ISO dates or months, finite numbers, unique dates).

    Returns None whenever anything is unusual, so :func:`build` handles it row by row and names the bad row.
    """
    if not rows:
        return None
    try:
        raw_dates = pd.Series([str(r[1]).strip() for r in rows], dtype="object")
        raw_values = pd.Series(["" if r[2] is None else str(r[2]).strip() for r in rows], dtype="object")
        keep = ~raw_values.isin(MISSING_MARKERS).to_numpy()
        if raw_dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
            dates = pd.to_datetime(raw_dates, format="%Y-%m-%d", errors="raise")[keep]
        elif months and raw_dates.str.fullmatch(r"\d{4}-\d{2}").all():
            dates = pd.to_datetime(raw_dates, format="%Y-%m", errors="raise")[keep]
        else:
            return None
        values = pd.to_numeric(raw_values[keep], errors="coerce").to_numpy(dtype="float64")
        if not np.isfinite(values).all() or dates.duplicated().any():
            return None
        frame = pd.DataFrame({"date": pd.DatetimeIndex(dates, dtype="datetime64[ns]"), "value": values})
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def read_event_dates_csv(path: str | Path, *, series: str) -> pd.DataFrame:
    """Read a CSV whose first column lists event dates (other columns are notes); each event gets value 1."""
    import csv

    from .files import read_bounded

    try:
        text = read_bounded(path, series=series).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(path, series)})") from None
    records = list(csv.reader(io.StringIO(text)))
    if not records:
        raise DataError(f"empty file ({where(path, series)})")
    return build(((n, rec[0], "1") for n, rec in enumerate(records[1:], start=2) if rec and rec[0].strip()),
                 file=path, series=series)


def content_hash(frame: pd.DataFrame) -> str:
    """A stable SHA-256 of an observation frame's dates and values (what changed, not when fetched)."""
    digest = hashlib.sha256()
    digest.update(frame["date"].to_numpy(dtype="datetime64[ns]").astype("int64").tobytes())
    digest.update(frame["value"].to_numpy(dtype="float64").tobytes())
    return digest.hexdigest()


def to_series(frame: pd.DataFrame, name: str) -> pd.Series:
    """Turn an observation frame into a float Series with a DatetimeIndex named ``date``."""
    index = pd.DatetimeIndex(frame["date"], name="date")
    return pd.Series(frame["value"].to_numpy(dtype="float64"), index=index, name=name)
