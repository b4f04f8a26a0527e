"""Ken French data library: the zipped factor CSVs (``F-F_Research_Data_Factors_CSV.zip``).

The CSV inside holds a text preamble, a header line (``,Mkt-RF,SMB,HML,RF``), the monthly block (``YYYYMM`` rows),
then, after a line containing "Annual Factors", a header and the annual block (``YYYY`` rows), then a copyright
line. Values are percent; -99.99 and -999 mark missing values in the library's files.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, SupportsFloat

import numpy as np
import pandas as pd

from ...errors import DataError, where
from ..catalog import Segment
from ..frames import finite_number, from_series
from .http import HttpProvider, check_body, within

if TYPE_CHECKING:
    from .kenfrench_portfolios import PortfolioFile

LIBRARY_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp"
MISSING = (-99.99, -999.0)
MAX_MEMBER_BYTES = 50_000_000
_MONTH_ROW = re.compile(r"^\s*(\d{6})\s*,")
_YEAR_ROW = re.compile(r"^\s*(\d{4})\s*,")


@dataclass(frozen=True)
class FactorTables:
    """Both blocks of a factor file: ``monthly`` (first-of-month DatetimeIndex) and ``annual`` (year index), percent."""

    columns: tuple[str, ...]
    monthly: pd.DataFrame
    annual: pd.DataFrame
    preamble: str = ""
    source: str = field(default="", compare=False)

    def series(self, name: str, *, series: str | None = None) -> pd.DataFrame:
        """The monthly column ``name`` as an observation frame (date on the first of the month, missing dropped)."""
        if name not in self.columns:
            raise DataError(f"no factor {name!r} (columns: {', '.join(self.columns)}) "
                            f"({where(self.source or None, series)})")
        return from_series(self.monthly[name])

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form: columns and both blocks as lists of records (ISO months, years)."""
        months = pd.DatetimeIndex(self.monthly.index).strftime("%Y-%m")
        monthly = [{"date": d, **{str(c): _plain(v) for c, v in row.items()}}
                   for d, row in zip(months, self.monthly.to_dict(orient="records"), strict=True)]
        annual = [{"year": int(y), **{str(c): _plain(v) for c, v in row.items()}}
                  for y, row in zip(self.annual.index.tolist(), self.annual.to_dict(orient="records"), strict=True)]
        return {"columns": list(self.columns), "preamble": self.preamble, "monthly": monthly, "annual": annual}


def _plain(value: object) -> float | None:
    """A factor cell as a float, None for a missing one."""
    if not isinstance(value, SupportsFloat):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _header(line: str, *, source: str, number: int) -> tuple[str, ...]:
    names = tuple(c.strip() for c in line.split(",")[1:])
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        raise DataError(f"bad header line {line.strip()[:60]!r} ({where(source, None, number)})")
    return names


def _values(line: str, width: int, *, source: str, number: int) -> list[float]:
    cells = [c.strip() for c in line.split(",")[1:]]
    if len(cells) != width:
        raise DataError(f"expected {width} values, got {len(cells)} ({where(source, None, number)})")
    out = []
    for cell in cells:
        value = finite_number(cell, where(source, None, number))
        out.append(math.nan if value in MISSING else value)
    return out


def parse_factor_csv(data: str | bytes, *, source: str = "factor file") -> FactorTables:
    """Parse a Ken French factor CSV (preamble, monthly block, 'Annual Factors' block, copyright) into tables."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    else:
        text = data
    lines = text.splitlines()
    position = 0
    preamble: list[str] = []
    while position < len(lines) and not lines[position].lstrip().startswith(","):
        if _MONTH_ROW.match(lines[position]):
            raise DataError(f"data row before any header line ({where(source, None, position + 1)})")
        preamble.append(lines[position].strip())
        position += 1
    if position == len(lines):
        raise DataError(f"no header line (',Mkt-RF,...') found ({where(source)})")
    columns = _header(lines[position], source=source, number=position + 1)
    position += 1
    months: list[pd.Timestamp] = []
    monthly_rows: list[list[float]] = []
    while position < len(lines):
        line = lines[position]
        match = _MONTH_ROW.match(line)
        if not match:
            break
        stamp = match.group(1)
        year, month = int(stamp[:4]), int(stamp[4:])
        if not 1 <= month <= 12:
            raise DataError(f"bad month {stamp!r} ({where(source, None, position + 1)})")
        day = pd.Timestamp(year=year, month=month, day=1)
        if months and day <= months[-1]:
            raise DataError(f"month {stamp} out of order or repeated ({where(source, None, position + 1)})")
        months.append(day)
        monthly_rows.append(_values(line, len(columns), source=source, number=position + 1))
        position += 1
    if not months:
        raise DataError(f"no monthly rows after the header ({where(source, None, position + 1)})")
    years: list[int] = []
    annual_rows: list[list[float]] = []
    while position < len(lines):
        line = lines[position]
        position += 1
        if not line.strip():
            continue
        if "annual factors" in line.lower():
            position = _annual_block(lines, position, columns, years, annual_rows, source=source)
            break
        if _MONTH_ROW.match(line) or _YEAR_ROW.match(line) or line.lstrip().startswith(","):
            raise DataError(f"unexpected line {line.strip()[:60]!r} after the monthly block "
                            f"({where(source, None, position)})")
    monthly = pd.DataFrame(np.asarray(monthly_rows, dtype="float64"), columns=list(columns),
                           index=pd.DatetimeIndex(months, dtype="datetime64[ns]", name="date"))
    annual = pd.DataFrame(np.asarray(annual_rows, dtype="float64").reshape(len(annual_rows), len(columns)),
                          columns=list(columns), index=pd.Index(years, dtype="int64", name="year"))
    return FactorTables(columns=columns, monthly=monthly, annual=annual, preamble="\n".join(p for p in preamble if p),
                        source=source)


def _annual_block(lines: list[str], position: int, columns: tuple[str, ...], years: list[int],
                  rows: list[list[float]], *, source: str) -> int:
    """Read the annual header and YYYY rows; returns the position after the block."""
    while position < len(lines) and not lines[position].strip():
        position += 1
    if position == len(lines) or not lines[position].lstrip().startswith(","):
        raise DataError(f"no header line after 'Annual Factors' ({where(source, None, position + 1)})")
    annual_columns = _header(lines[position], source=source, number=position + 1)
    if annual_columns != columns:
        raise DataError(f"annual columns {annual_columns} differ from monthly {columns} "
                        f"({where(source, None, position + 1)})")
    position += 1
    while position < len(lines):
        match = _YEAR_ROW.match(lines[position])
        if not match:
            break
        year = int(match.group(1))
        if years and year <= years[-1]:
            raise DataError(f"year {year} out of order or repeated ({where(source, None, position + 1)})")
        years.append(year)
        rows.append(_values(lines[position], len(columns), source=source, number=position + 1))
        position += 1
    return position


def unzip_csv(body: bytes, *, source: str = "zip") -> bytes:
    """The single CSV member of a library zip, as bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv") and not i.is_dir()]
            if len(members) != 1:
                names = ", ".join(i.filename for i in archive.infolist())[:120]
                raise DataError(f"expected one CSV in the zip, found: {names or 'nothing'} ({where(source)})")
            if members[0].file_size > MAX_MEMBER_BYTES:
                raise DataError(f"zip member too large ({members[0].file_size} bytes) ({where(source)})")
            return archive.read(members[0])
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
        raise DataError(f"not a readable zip archive ({type(exc).__name__}) ({where(source)})") from None


class Provider(HttpProvider):
    """Monthly column ``segment.field`` of library file ``segment.symbol``, dated on the 1st: a factor (``SMB``)
    of a factor file, or ``block:column`` (``vw:lo30``) of a portfolio file (``Portfolios_Formed_on_ME``)."""

    name = "kenfrench"
    default_url = LIBRARY_URL

    def __init__(self, base_url: str | None = None, **options: Any) -> None:
        super().__init__(base_url, **options)
        self._portfolios: dict[str, PortfolioFile] = {}

    def tables(self, symbol: str) -> FactorTables:
        """Download and parse both blocks of ``<symbol>_CSV.zip``."""
        got = self.http.get(f"{self.base_url}/{symbol}_CSV.zip", symbol=symbol)
        body = check_body(got, f"kenfrench {symbol}")
        return parse_factor_csv(unzip_csv(body, source=got.url), source=got.url)

    def portfolios(self, symbol: str) -> PortfolioFile:
        """Download and parse every block of the portfolio file ``<symbol>_CSV.zip``, once per provider (the
        many series of one file share a download)."""
        if symbol not in self._portfolios:
            from .kenfrench_portfolios import parse_portfolio_csv

            got = self.http.get(f"{self.base_url}/{symbol}_CSV.zip", symbol=symbol)
            body = check_body(got, f"kenfrench {symbol}")
            self._portfolios[symbol] = parse_portfolio_csv(unzip_csv(body, source=got.url), source=got.url)
        return self._portfolios[symbol]

    def source_label(self, symbol: str) -> str:
        """Where a symbol is fetched from, with the CRSP vintage of a portfolio file already read."""
        label = super().source_label(symbol)
        known = self._portfolios.get(symbol)
        return f"{label} (CRSP {known.vintage} vintage)" if known is not None and known.vintage else label

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of one monthly factor or portfolio column in [start, end]."""
        if ":" in segment.field:
            return within(self.portfolios(segment.symbol).series(segment.field, series=series), start, end)
        return within(self.tables(segment.symbol).series(segment.field, series=series), start, end)
