"""Robert Shiller's monthly S&P data (``ie_data.xls``) or a CSV export of it, from a URL or a local path.

The workbook's "Data" sheet has a header row starting with ``Date`` (P, D, E, CPI, Fraction, Rate GS10, ...,
CAPE, TR CAPE, ...) and rows dated ``YYYY.MM`` as a number, so October is written 1871.1. It is read with
``pandas.read_excel`` and the calamine engine. The CSV export has the snapshot's layout: ``date`` as ``YYYY-MM``
then one column per field (P, D, E, CPI, GS10, CAPE, TR_CAPE, ...), empty where Shiller has no value.

The Yale copy of the workbook stopped at September 2023; the current one is published on shillerdata.com behind
a versioned link (``.../ie_data.xls?ver=...``) that changes with each release. By default the provider reads the
publisher's page and follows its ``ie_data.xls`` link; an explicit workbook URL (``RATECYCLE_SHILLER_URL``) is used
as given. A downloaded workbook whose last month is more than six months before today is refused as stale (local
files and snapshots are not checked against today).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import re
from pathlib import Path
from typing import Any, SupportsFloat
from urllib.parse import urljoin

import numpy as np
import pandas as pd

from ...errors import DataError, ProviderError, where
from ..catalog import Segment
from ..frames import finite_number
from .http import HttpProvider, check_body, redact, within

SHILLER_URL = "https://shillerdata.com"
"""The publisher's page, which links the current workbook (the Yale copy stopped at 2023-09)."""
MAX_AGE_MONTHS = 6
"""A downloaded workbook ending more than this many months before today is refused as stale."""
SUFFIXES = (".xls", ".xlsx", ".csv")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXCEL_LABELS = {"P": "P", "D": "D", "E": "E", "CPI": "CPI", "CAPE": "CAPE", "TR CAPE": "TR_CAPE"}
"""Header cell in the workbook -> field name; the GS10 column is found by its 'GS10' label."""
_MISSING_TEXT = {"", "na", "n/a", "nan", "#n/a", "."}
_MONTH = re.compile(r"^(\d{4})-(\d{2})(-01)?$")


def parse_ie_data(body: bytes, *, source: str = "ie_data") -> pd.DataFrame:
    """Parse Shiller's workbook (.xls/.xlsx) or its CSV export into a table: first-of-month index, float columns."""
    if body.startswith((OLE2_MAGIC, ZIP_MAGIC)):
        return parse_workbook(body, source=source)
    return parse_csv_export(body, source=source)


def _number(cell: object, *, source: str, row: int, column: str) -> float:
    """A workbook or CSV cell as float; Shiller's 'NA' and blanks are NaN, other text is an error."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan
    if isinstance(cell, bool):
        raise DataError(f"bad value {cell!r} in column {column} ({where(source, None, row)})")
    if isinstance(cell, (int, float, np.integer, np.floating)):
        value = float(cell)
    else:
        text = str(cell).strip()
        if text.lower() in _MISSING_TEXT:
            return math.nan
        return finite_number(text, where(source, None, row), f" in column {column}")
    if not math.isfinite(value):
        raise DataError(f"non-finite value in column {column} ({where(source, None, row)})")
    return value


def _decimal_month(cell: object) -> pd.Timestamp | None:
    """Shiller's ``YYYY.MM`` date number (1871.1 is October) as a first-of-month Timestamp, or None if not a date."""
    try:
        if isinstance(cell, str):
            number = float(cell.strip())
        elif isinstance(cell, SupportsFloat):
            number = float(cell)
        else:
            return None
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not 1800 <= number < 2200:
        return None
    year = int(number)
    month = round((number - year) * 100)
    if not 1 <= month <= 12:
        return None
    return pd.Timestamp(year=year, month=month, day=1)


def parse_workbook(body: bytes, *, source: str = "ie_data.xls") -> pd.DataFrame:
    """Read the "Data" sheet of ``ie_data.xls``: locate the ``Date`` header row, map fields, read dated rows."""
    try:
        sheet = pd.read_excel(io.BytesIO(body), sheet_name="Data", header=None, engine="calamine")
    except Exception as exc:  # the engine raises its own error types for corrupt or foreign files
        raise DataError(f"not a readable Shiller workbook with a 'Data' sheet ({type(exc).__name__}) "
                        f"({where(source)})") from None
    except BaseException as exc:  # a panic inside the Rust reader surfaces as a BaseException subclass
        if type(exc).__name__ != "PanicException":
            raise
        raise DataError(f"not a readable Shiller workbook (reader panicked) ({where(source)})") from None
    cells = sheet.to_numpy(dtype=object)
    header_row = next((r for r in range(min(len(cells), 40))
                       if isinstance(cells[r][0], str) and cells[r][0].strip().lower() == "date"), None)
    if header_row is None:
        raise DataError(f"no header row starting with 'Date' in the Data sheet ({where(source)})")
    columns: dict[str, int] = {}
    for col, label in enumerate(cells[header_row]):
        text = str(label).strip() if isinstance(label, str) else ""
        if text in EXCEL_LABELS and EXCEL_LABELS[text] not in columns:
            columns[EXCEL_LABELS[text]] = col
        above = [str(cells[r][col]) for r in range(max(0, header_row - 2), header_row + 1)
                 if isinstance(cells[r][col], str)]
        if "GS10" not in columns and any("GS10" in t for t in above):
            columns["GS10"] = col
    missing = [f for f in ("P", "D", "E", "CPI") if f not in columns]
    if missing:
        raise DataError(f"Data sheet header lacks {', '.join(missing)} ({where(source, None, header_row + 1)})")
    dates: list[pd.Timestamp] = []
    rows: list[list[float]] = []
    for r in range(header_row + 1, len(cells)):
        day = _decimal_month(cells[r][0])
        if day is None:
            continue  # blank spacer rows and the footnotes under the table
        if dates and day <= dates[-1]:
            raise DataError(f"month {day:%Y-%m} out of order or repeated ({where(source, None, r + 1)})")
        dates.append(day)
        rows.append([_number(cells[r][c], source=source, row=r + 1, column=name) for name, c in columns.items()])
    if not dates:
        raise DataError(f"no dated rows under the header ({where(source, None, header_row + 1)})")
    return pd.DataFrame(np.asarray(rows, dtype="float64"), columns=list(columns),
                        index=pd.DatetimeIndex(dates, dtype="datetime64[ns]", name="date"))


def parse_csv_export(body: bytes, *, source: str = "ie_data.csv") -> pd.DataFrame:
    """Read the CSV export (``date`` as YYYY-MM, then one numeric column per field, blanks for no value)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(source)})") from None
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc} ({where(source)})") from None
    records = [r for r in records if any(c.strip() for c in r)]
    if not records:
        raise DataError(f"empty file ({where(source)})")
    header = [h.strip() for h in records[0]]
    if not header or header[0].lower() != "date" or len(header) < 2 or any(not h for h in header):
        raise DataError(f"expected a header 'date,P,D,E,...', got {','.join(header)[:60]!r} ({where(source, None, 1)})")
    dates: list[pd.Timestamp] = []
    rows: list[list[float]] = []
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            raise DataError(f"expected {len(header)} fields, got {len(record)} ({where(source, None, number)})")
        match = _MONTH.match(record[0].strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise DataError(f"bad month {record[0][:20]!r} (want YYYY-MM) ({where(source, None, number)})")
        day = pd.Timestamp(year=int(match.group(1)), month=int(match.group(2)), day=1)
        if dates and day <= dates[-1]:
            raise DataError(f"month {day:%Y-%m} out of order or repeated ({where(source, None, number)})")
        dates.append(day)
        rows.append([_number(c, source=source, row=number, column=h) for h, c in zip(header[1:], record[1:],
                                                                                   strict=True)])
    return pd.DataFrame(np.asarray(rows, dtype="float64").reshape(len(rows), len(header) - 1), columns=header[1:],
                        index=pd.DatetimeIndex(dates, dtype="datetime64[ns]", name="date"))


def field_frame(table: pd.DataFrame, field: str, *, series: str, source: str) -> pd.DataFrame:
    """One column of a Shiller table as an observation frame (months without a value dropped)."""
    if field not in table.columns:
        raise DataError(f"no field {field!r} (fields: {', '.join(map(str, table.columns))}) ({where(source, series)})")
    column = table[field].dropna()
    return pd.DataFrame({"date": column.index.to_numpy(dtype="datetime64[ns]"),
                         "value": column.to_numpy(dtype="float64")})


def today() -> dt.date:
    """Today's date, against which a download's freshness is judged (one place, replaceable in tests)."""
    return dt.date.today()


def workbook_link(page: bytes, page_url: str, symbol: str) -> str | None:
    """The absolute address of the ``<symbol>.xls``/``.xlsx`` link on the publisher's page, or None."""
    text = page.decode("utf-8", "replace")
    pattern = re.compile(r"""href\s*=\s*["']((?:[^"']*/)?""" + re.escape(symbol) + r"""\.xlsx?(?:\?[^"']*)?)["']""",
                         re.IGNORECASE)
    match = pattern.search(text)
    return urljoin(page_url + "/", html.unescape(match.group(1))) if match else None


def check_fresh(table: pd.DataFrame, *, symbol: str, source: str, today: dt.date) -> None:
    """Refuse a downloaded table whose last month is more than MAX_AGE_MONTHS before ``today`` (a stale copy)."""
    if table.empty:
        return
    last = pd.Timestamp(table.index.max())
    limit = pd.Timestamp(today.year, today.month, 1) - pd.DateOffset(months=MAX_AGE_MONTHS)
    if last < limit:
        raise ProviderError(f"shiller {symbol}: the workbook downloaded from {redact(source)} ends in {last:%Y-%m}, "
                            f"more than {MAX_AGE_MONTHS} months before today ({today.isoformat()}): a stale copy; "
                            "give the current address from shillerdata.com with RATECYCLE_SHILLER_URL, or read a "
                            "snapshot with --snapshot DIR")


class Provider(HttpProvider):
    """Shiller's data via the publisher's page link, or from the URL or path given as symbol or base_url."""

    name = "shiller"
    default_url = SHILLER_URL

    def __init__(self, base_url: str | None = None, *, today: dt.date | None = None, **options: Any) -> None:
        super().__init__(base_url, **options)
        self.today = today
        self._resolved: dict[str, str] = {}
        self._tables: dict[str, pd.DataFrame] = {}

    def location(self, symbol: str) -> str:
        """Where ``symbol`` is read from: an explicit file URL/path, else the page that links the workbook."""
        if "/" in symbol or symbol.lower().endswith(SUFFIXES):
            return symbol
        if self.base_url.lower().split("?")[0].endswith(SUFFIXES):
            return self.base_url
        return self._resolved.get(symbol, self.base_url)

    def source_label(self, symbol: str) -> str:
        """The file URL or path a symbol was read from (the followed link once resolved), for provenance."""
        return redact(self.location(symbol))

    def workbook_url(self, symbol: str) -> str:
        """The workbook's address: explicit, or the ``<symbol>.xls`` link found on the publisher's page."""
        target = self.location(symbol)
        if target != self.base_url or self.base_url.lower().split("?")[0].endswith(SUFFIXES):
            return target
        got = self.http.get(self.base_url, symbol=symbol)
        link = workbook_link(got.content, self.base_url, symbol)
        if link is None:
            raise ProviderError(f"shiller {symbol}: no link to {symbol}.xls on the publisher's page {got.url}; the "
                                "page changed: give the workbook's address with RATECYCLE_SHILLER_URL, or read a "
                                "snapshot with --snapshot DIR")
        self._resolved[symbol] = link
        return link

    def table(self, symbol: str) -> pd.DataFrame:
        """The whole monthly table (all fields found) for ``symbol``; downloads are checked for staleness.

        A download is read once per provider instance (one fetch asks for several fields of the same workbook).
        """
        if symbol in self._tables:
            return self._tables[symbol]
        target = self.location(symbol)
        if target.startswith(("http://", "https://")):
            url = self.workbook_url(symbol)
            got = self.http.get(url, symbol=symbol)
            table = parse_ie_data(check_body(got, f"shiller {symbol}"), source=got.url)
            check_fresh(table, symbol=symbol, source=got.url, today=self.today or today())
            self._tables[symbol] = table
            return table
        from ..files import read_bounded

        path = Path(target.removeprefix("file://")).expanduser()
        return parse_ie_data(read_bounded(path), source=str(path))

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of Shiller field ``segment.field`` (P, D, E, CPI, GS10, CAPE, ...) in [start, end]."""
        table = self.table(segment.symbol)
        return within(field_frame(table, segment.field, series=series, source=self.location(segment.symbol)),
                      start, end)
