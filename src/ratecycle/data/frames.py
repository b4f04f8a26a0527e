"""The one shape every provider returns: an observation frame with columns ``date`` and ``value``.

Validation lives here so that every provider rejects the same things (unparseable dates, non-numeric
values, duplicate dates) with a one-line error naming the file, series and row.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable, Sequence
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
        fast = _fast_build([r[1] for r in rows], [r[2] for r in rows], months=months)
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
        number = finite_number(text, loc)
        if ts in seen:
            raise DataError(f"duplicate date {ts.date()} (first at row {seen[ts]}) ({loc})")
        seen[ts] = row
        dates.append(ts)
        values.append(number)
    frame = pd.DataFrame({"date": pd.DatetimeIndex(dates, dtype="datetime64[ns]"),
                          "value": np.asarray(values, dtype="float64")})
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def finite_number(text: str, loc: str, where_in: str = "") -> float:
    """``text`` as a finite float; anything else is a one-line DataError naming the text and the place ``loc``
    (``where_in`` adds a column, e.g. " in column D")."""
    try:
        number = float(text)
    except ValueError:
        raise DataError(f"bad value {text[:40]!r}{where_in} ({loc})") from None
    if not math.isfinite(number):
        raise DataError(f"non-finite value {text[:40]!r}{where_in} ({loc})")
    return number


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
    date_idx = _column(header, date_column, 0, label, series)
    value_idx = _column(header, value_column, 1, label, series)
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

    months = months_allowed(series)
    cells = _plain_cells(text, len(header), date_idx, value_idx) if reader.line_num == 1 else None
    if cells is not None:  # a plain file: pandas' C parser cuts the two columns out, no loop over rows
        _check_last_line(text, header, label, series)
        fast = _fast_build(*cells, months=months)
        if fast is not None:
            return fast
    rows = list(triples())  # anything unusual: the csv module row by row, so errors name the row
    _check_last_line(text, header, label, series)
    fast = _fast_build([r[1] for r in rows], [r[2] for r in rows], months=months)
    return fast if fast is not None else build(rows, file=label, series=series)


def _plain_cells(text: str, width: int, date_idx: int, value_idx: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The date and value cells of every row after the header, read by pandas' C parser; None unless the file is
    plain: no quotes, bare carriage returns or NUL bytes, and every non-empty line has ``width`` fields."""
    import csv

    body = text.replace("\r\n", "\n")
    if '"' in body or "\r" in body or "\x00" in body:
        return None
    raw = np.frombuffer(body.encode(), dtype=np.uint8)
    bounds = np.concatenate(([-1], np.flatnonzero(raw == ord("\n")), [raw.size]))  # line i between two bounds
    commas = np.diff(np.searchsorted(np.flatnonzero(raw == ord(",")), bounds))[1:]  # per line after the header
    filled = (np.diff(bounds) - 1)[1:] > 0
    if not filled.any() or bool(np.any(commas[filled] != width - 1)):
        return None
    table = pd.read_csv(io.StringIO(body), header=None, skiprows=1, usecols=[date_idx, value_idx], dtype=str,
                        na_filter=False, skip_blank_lines=True, quoting=csv.QUOTE_NONE, engine="c")
    if len(table) != int(filled.sum()):
        return None
    return table[date_idx].to_numpy(dtype=object), table[value_idx].to_numpy(dtype=object)


def _column(header: list[str], name: str | None, default: int, label: object, series: str) -> int:
    """The position of column ``name`` in the header (case-insensitive), or ``default`` without a name."""
    if name is None:
        return default
    lowered = [h.lower() for h in header]
    if name.lower() not in lowered:
        raise DataError(f"no {name!r} column in header {header} ({where(label, series, 1)})")
    return lowered.index(name.lower())


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



def _fast_build(raw_date: Sequence[object] | np.ndarray, raw_value: Sequence[object] | np.ndarray, *,
                months: bool = True) -> pd.DataFrame | None:
    """Vectorised twin of :func:`build` for the common clean case (ISO dates or months, finite numbers, unique dates).

    Takes the date and value texts of the rows (None is a missing value). Returns None whenever anything is
    unusual, so :func:`build` handles it row by row and names the bad row.
    """
    if len(raw_date) == 0:
        return None
    try:
        dates_text = np.char.strip(np.asarray(raw_date, dtype="object").astype(str))
        values_text = np.char.strip(np.asarray(
            ["" if v is None else v for v in raw_value] if not isinstance(raw_value, np.ndarray) else raw_value,
            dtype="object").astype(str))
        keep = ~np.isin(values_text, list(MISSING_MARKERS))
        if _iso_shape(dates_text, 10):
            dates = pd.to_datetime(dates_text, format="%Y-%m-%d", errors="raise")[keep]  # every date must parse
        elif months and _iso_shape(dates_text, 7):
            dates = pd.to_datetime(dates_text, format="%Y-%m", errors="raise")[keep]
        else:
            return None
        values = values_text[keep].astype("float64")
        if not np.isfinite(values).all() or dates.duplicated().any():
            return None
        frame = pd.DataFrame({"date": pd.DatetimeIndex(dates, dtype="datetime64[ns]"), "value": values})
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def _iso_shape(texts: np.ndarray, width: int) -> bool:
    """True when every text is ``YYYY-MM-DD`` (width 10) or ``YYYY-MM`` (width 7) in ASCII digits, checked on the
    characters' codes at once (a file that fails goes row by row, which names the bad date)."""
    if texts.size == 0 or not bool(np.all(np.char.str_len(texts) == width)):
        return False
    codes = texts.astype(f"U{width}").view(np.uint32).reshape(-1, width)
    dash = np.isin(np.arange(width), (4, 7))
    digits = codes[:, ~dash]
    return bool(np.all((digits >= ord("0")) & (digits <= ord("9"))) and np.all(codes[:, dash] == ord("-")))


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


def from_series(values: pd.Series) -> pd.DataFrame:
    """A date-indexed Series as an observation frame, missing values dropped (the inverse of :func:`to_series`)."""
    kept = values.dropna()
    return pd.DataFrame({"date": kept.index.to_numpy(dtype="datetime64[ns]"),
                         "value": kept.to_numpy(dtype="float64")})


def to_series(frame: pd.DataFrame, name: str) -> pd.Series:
    """Turn an observation frame into a float Series with a DatetimeIndex named ``date``."""
    index = pd.DatetimeIndex(frame["date"], name="date")
    return pd.Series(frame["value"].to_numpy(dtype="float64"), index=index, name=name)
