"""iShares fund holdings downloads: the CSV as published (BOM, preamble, header, rows, disclaimer) and its live fetch.

Layout of the published file: a UTF-8 BOM, a preamble (fund name on line 1, ``Fund Holdings as of,"May 05, 2026"``
and a few more ``key,value`` lines), a blank line, the header ``Ticker,Name,Sector,Asset Class,Market Value,
Weight (%),...``, one row per holding, a blank line and a legal disclaimer. Anything else is a one-line DataError
naming the file and the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import DataError, ProviderError, where
from .http import HttpProvider, check_body

AS_OF_KEY = "fund holdings as of"
REQUIRED_COLUMNS = ("Ticker", "Name", "Sector", "Asset Class", "Market Value", "Weight (%)")
OPTIONAL_COLUMNS = ("Quantity", "Price", "Location", "Exchange", "Currency")
MISSING_MARKERS = {"", "-", "--", "N/A", "NA"}
MAX_PREAMBLE_LINES = 30

FUND_PAGES: dict[str, str] = {
    "IWM": "239710/ishares-russell-2000-etf",
    "IWN": "239712/ishares-russell-2000-value-etf",
    "IWO": "239709/ishares-russell-2000-growth-etf",
    "IVV": "239726/ishares-core-sp-500-etf",
}
"""iShares product pages (product ID / slug) whose holdings CSV the live fetch knows. 239714 is the Russell 3000."""
FUND_NAMES: dict[str, str] = {
    "IWM": "iShares Russell 2000 ETF",
    "IWN": "iShares Russell 2000 Value ETF",
    "IWO": "iShares Russell 2000 Growth ETF",
    "IVV": "iShares Core S&P 500 ETF",
}
"""The fund's own name on line 1 of its holdings file: a download naming another fund is refused."""
LATEST_FILE = "latest-holdings.csv"
DOWNLOAD_ID = "1467271812596"


@dataclass(frozen=True)
class Holdings:
    """One holdings file: fund name, the as-of date it states, and one row per line item."""

    fund: str
    as_of: pd.Timestamp
    source: str
    rows: pd.DataFrame
    """Columns: ticker, name, sector, asset_class, market_value, weight (fraction, as published), row (line)."""

    @property
    def equity(self) -> pd.DataFrame:
        """The equity rows only (cash, money-market, futures and collateral lines excluded)."""
        return self.rows[self.rows["asset_class"] == "Equity"]

    def to_dict(self) -> dict[str, Any]:
        """Header facts for JSON output (the rows themselves are reported by the composition views)."""
        return {"fund": self.fund, "as_of": self.as_of.date().isoformat(), "source": self.source,
                "rows": len(self.rows), "equity_rows": len(self.equity)}


def read_holdings(path: str | Path) -> Holdings:
    """Parse an iShares holdings CSV file (see the module docstring for the accepted layout)."""
    from ..files import read_bounded

    file = Path(path)
    raw = read_bounded(file, what="holdings file")
    holdings = parse_holdings(raw, source=str(file))
    if not table_closed(raw):
        raise DataError(f"holdings file ends inside its table (no blank line and closing text after it, as every "
                        f"download has): cut off ({where(file)})")
    return holdings


def parse_holdings(raw: bytes | str, *, source: str = "<holdings>") -> Holdings:
    """Parse the bytes (or text) of an iShares holdings download into typed Holdings."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError(f"holdings file is not UTF-8 text ({where(source)})") from None
    else:
        text = raw.lstrip("\ufeff")
    if not text.strip():
        raise DataError(f"empty holdings file ({where(source)})")
    reader = csv.reader(io.StringIO(text))
    records = _records(reader, source)
    fund, as_of, header_at = _preamble(records, source)
    header_line, header = records[header_at]
    columns = _columns(header, header_line, source)
    rows = _rows(records[header_at + 1:], header, columns, source)
    if rows.empty:
        raise DataError(f"no holdings rows after the header ({where(source, row=header_line)})")
    holdings = Holdings(fund=fund, as_of=as_of, source=source, rows=rows)
    from ..validate import check_holdings

    check_holdings(holdings)
    return holdings


def _records(reader: Any, source: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of every CSV record; malformed quoting is an error naming the line."""
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            out.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"malformed CSV in holdings: {exc} ({where(source, row=reader.line_num)})") from None
    return out


def _is_blank(record: list[str]) -> bool:
    return all(not field.strip() for field in record)


def _preamble(records: list[tuple[int, list[str]]], source: str) -> tuple[str, pd.Timestamp, int]:
    """Fund name, stated as-of date and the index of the header record."""
    as_of: pd.Timestamp | None = None
    fund = ""
    for position, (line, record) in enumerate(records[:MAX_PREAMBLE_LINES]):
        fields = [f.strip() for f in record]
        if position == 0 and len([f for f in fields if f]) == 1:
            fund = fields[0]
        key = fields[0].lower() if fields else ""
        if key == AS_OF_KEY:
            as_of = _parse_as_of(fields[1] if len(fields) > 1 else "", source, line)
        if sum(1 for f in fields if f) >= 4:  # the first wide record is the column header
            if as_of is None:
                raise DataError(f"missing preamble: no 'Fund Holdings as of' line before the header "
                                f"({where(source, row=line)})")
            return fund or "unknown fund", as_of, position
    raise DataError(f"no holdings header (a line starting 'Ticker,Name,...') in the first {MAX_PREAMBLE_LINES} "
                    f"lines ({where(source, row=1)})")


def _parse_as_of(text: str, source: str, line: int) -> pd.Timestamp:
    for fmt in ("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return pd.Timestamp(dt.datetime.strptime(text.strip(), fmt))
        except ValueError:
            continue
    raise DataError(f"unreadable 'Fund Holdings as of' date {text[:40]!r} ({where(source, row=line)})")


def _columns(header: list[str], line: int, source: str) -> dict[str, int]:
    names = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise DataError(f"holdings header lacks column {missing[0]!r} (header: {','.join(names)[:120]}) "
                        f"({where(source, row=line)})")
    return {c: names.index(c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in names}


def _number(text: str, column: str, source: str, line: int) -> float:
    cleaned = text.strip().replace(",", "")
    if cleaned in MISSING_MARKERS:
        return float("nan")
    try:
        return float(cleaned)
    except ValueError:
        raise DataError(f"bad number {text[:30]!r} in column {column!r} ({where(source, row=line)})") from None


def _rows(records: list[tuple[int, list[str]]], header: list[str], columns: dict[str, int],
          source: str) -> pd.DataFrame:
    """Holding rows up to the first blank line; after it only one-field (disclaimer) records are allowed."""
    out: list[dict[str, Any]] = []
    ended = False
    for line, record in records:
        if _is_blank(record):
            ended = True
            continue
        if ended:
            if len(record) == 1:
                continue  # the legal disclaimer: free text in one field
            raise DataError(f"unexpected content after the holdings table: {','.join(record)[:60]!r} "
                            f"({where(source, row=line)})")
        if len(record) != len(header):
            raise DataError(f"holdings row has {len(record)} fields, the header has {len(header)}: "
                            f"{','.join(record)[:60]!r} ({where(source, row=line)})")
        market_value = _number(record[columns["Market Value"]], "Market Value", source, line)
        row: dict[str, object] = {
            "ticker": record[columns["Ticker"]].strip(),
            "name": record[columns["Name"]].strip(),
            "sector": record[columns["Sector"]].strip(),
            "asset_class": record[columns["Asset Class"]].strip(),
            "market_value": market_value,
            "weight": _number(record[columns["Weight (%)"]], "Weight (%)", source, line) / 100.0,
            "row": line,
        }
        for extra in OPTIONAL_COLUMNS:
            if extra in columns:
                value = record[columns[extra]].strip()
                row[extra.lower()] = (_number(value, extra, source, line) if extra in {"Quantity", "Price"}
                                      else value)
        if row["asset_class"] == "Equity" and math.isnan(market_value):
            raise DataError(f"equity holding without a market value ({where(source, row=line)})")
        out.append(row)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Download:
    """A live holdings download: the fund's ticker, the address, the bytes as published and their parse."""

    fund: str
    url: str
    content: bytes
    holdings: Holdings


def table_closed(raw: bytes) -> bool:
    """True when a (parseable) holdings file has a blank line after its table followed by more text.

    Every published download ends with the legal disclaimer, so a file ending in the middle of the table
    (even at a line end) was cut off.
    """
    text = raw.decode("utf-8-sig")
    records = _records(csv.reader(io.StringIO(text)), "<holdings>")
    _, _, header_at = _preamble(records, "<holdings>")
    after = records[header_at + 1:]
    blanks = [i for i, (_, record) in enumerate(after) if _is_blank(record)]
    return bool(blanks) and any(not _is_blank(record) for _, record in after[blanks[0] + 1:])


def newest_holdings_file(files: list[Path], fund: str | None = None) -> Path:
    """The holdings file with the latest ``_holdings_YYYY-MM-DD`` date in its name (optionally for one fund)."""
    dated: list[tuple[str, Path]] = []
    for path in files:
        stem = path.stem
        if "_holdings_" not in stem:
            continue
        ticker, _, day = stem.partition("_holdings_")
        if fund is None or ticker.upper() == fund.upper():
            dated.append((day, path))
    if not dated:
        raise DataError("no holdings file (<FUND>_holdings_<YYYY-MM-DD>.csv) found" +
                        (f" for {fund}" if fund else ""))
    return max(dated)[1]


class Provider(HttpProvider):
    """Live download of a fund's holdings CSV from its iShares product page (not a time series)."""

    name = "ishares"
    default_url = "https://www.ishares.com/us/products"

    def holdings_url(self, fund: str) -> str:
        """The ``.ajax`` CSV download address of ``fund`` (IWM, IWN, IWO, IVV); it also serves past dates."""
        return f"{self.base_url}/{self._page(fund)}/{DOWNLOAD_ID}.ajax"

    def latest_url(self, fund: str) -> str:
        """The product page's ``latest-holdings.csv`` link (today's file only, same layout as the ``.ajax`` one)."""
        return f"{self.base_url}/{self._page(fund)}/{LATEST_FILE}"

    def _page(self, fund: str) -> str:
        page = FUND_PAGES.get(fund.upper())
        if page is None:
            raise DataError(f"no iShares holdings address known for {fund!r} (known: {', '.join(FUND_PAGES)})")
        return page

    def fetch_holdings(self, fund: str) -> Holdings:
        """Download and parse today's holdings of ``fund``; a page that is not the CSV is a ProviderError."""
        return self.download_holdings(fund).holdings

    def download_holdings(self, fund: str, as_of: dt.date | None = None) -> Download:
        """Download ``fund``'s holdings CSV (today's, or as of a past date) and keep its bytes as published.

        Today's file is read from the product page's ``latest-holdings.csv`` link, with the ``.ajax`` download as
        the fallback; a past date only exists as an ``.ajax`` download (``asOfDate``), and iShares does not serve
        every past date. Anything but a complete holdings file of this very fund is a ProviderError: an error or
        HTML page, a body that does not parse, a file cut off before the blank line that closes the table, a file
        naming another fund on line 1, or (with ``as_of``) a file stating a later date than asked for. A file may
        state an earlier date (the last business day).
        """
        symbol = fund.upper()
        self._page(symbol)
        params = {"fileType": "csv", "fileName": f"{symbol}_holdings", "dataType": "fund"}
        if as_of is not None:
            params["asOfDate"] = as_of.strftime("%Y%m%d")
            try:
                return self._download(symbol, self.holdings_url(symbol), params)
            except _NotHoldings as exc:
                raise ProviderError(f"{exc}; iShares may not publish {symbol} holdings as of "
                                    f"{as_of.isoformat()}: try another date or today's file") from None
        try:
            return self._download(symbol, self.latest_url(symbol), None)
        except _NotHoldings as first:
            try:
                return self._download(symbol, self.holdings_url(symbol), params)
            except _NotHoldings as second:
                raise ProviderError(f"{first}; fallback: {second}; iShares may have moved the download: save the "
                                    f"CSV from the fund's page as market/{symbol}_holdings_<YYYY-MM-DD>.csv in a "
                                    "folder and run 'ratecycle data import FOLDER'") from None

    def _download(self, symbol: str, url: str, params: dict[str, str] | None) -> Download:
        """One address: the checked download, _NotHoldings when the answer is not a holdings file at all."""
        try:
            fetched = self.http.get(url, symbol=symbol, params=params)
            body = check_body(fetched, f"ishares {symbol}")
        except ProviderError as exc:
            raise _NotHoldings(str(exc)) from None
        try:
            holdings = parse_holdings(body, source=fetched.url)
        except DataError as exc:
            raise _NotHoldings(f"ishares {symbol}: the download is not a holdings file: {exc}") from None
        expected = FUND_NAMES[symbol]
        if _fund_key(holdings.fund) != _fund_key(expected):
            raise ProviderError(f"ishares {symbol}: the file is for {holdings.fund!r}, not {expected!r}; refused "
                                f"(the product ID in the address is wrong: check FUND_PAGES) ({fetched.url})")
        if not table_closed(body):
            raise ProviderError(f"ishares {symbol}: the download is cut off (no blank line and disclaimer after "
                                f"the last holding, row {int(holdings.rows['row'].iloc[-1])}) ({fetched.url})")
        if params and "asOfDate" in params and holdings.as_of.strftime("%Y%m%d") > params["asOfDate"]:
            asked = dt.datetime.strptime(params["asOfDate"], "%Y%m%d").date().isoformat()
            raise ProviderError(f"ishares {symbol}: asked for holdings as of {asked}, the file states "
                                f"{holdings.as_of.date().isoformat()} ({fetched.url})")
        return Download(fund=symbol, url=fetched.url, content=body, holdings=holdings)

    def fetch(self, segment: Any, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Holdings are a one-day table, not a series: always an error pointing at ``fetch_holdings``."""
        raise DataError(f"series {series}: iShares holdings are not a time series; use 'ratecycle holdings'")


class _NotHoldings(ProviderError):
    """An address answered something other than a holdings file (error or HTML page, unparseable body)."""


def _fund_key(name: str) -> str:
    """A fund name compared without case, punctuation or repeated spaces ('iShares Core S&P 500 ETF')."""
    return " ".join("".join(c if c.isalnum() or c == "&" else " " for c in name.lower()).split())
