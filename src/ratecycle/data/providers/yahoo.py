"""Yahoo Finance daily bars from the v8 chart JSON endpoint (no third-party client).

``/v8/finance/chart/<SYMBOL>?period1=..&period2=..&interval=1d&events=div|split&includeAdjustedClose=true``
answers ``chart.result[0]`` with epoch-second ``timestamp``s, ``indicators.quote[0]`` (open, high, low, close,
volume) and ``indicators.adjclose[0].adjclose``. A daily bar's timestamp is an instant during the session, so it
is turned into the exchange's local trading date (``meta.exchangeTimezoneName``, else ``meta.gmtoffset``).

Access follows what maintained clients do since Yahoo's 2025 wave of refusals: a browser User-Agent, a session
cookie first obtained from ``fc.yahoo.com`` (kept by the HTTP client), and, when the chart still answers 401/403,
a crumb from ``/v1/test/getcrumb`` sent as ``crumb=``. Daily requests are split into spans of at most 99 years
(Yahoo refuses more than 100 years of daily bars in one request). 429 is retried with the HTTP layer's backoff.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ...errors import DataError, ProviderError, where
from .. import frames
from ..catalog import Segment
from .http import Fetched, HttpProvider, base_url_for, check_body, within

CHART_URL = "https://query1.finance.yahoo.com"
COOKIE_URL = "https://fc.yahoo.com"
"""Answers 404 but sets Yahoo's session cookie; maintained clients (yfinance and others) call it first."""
CRUMB_PATH = "/v1/test/getcrumb"
MAX_SPAN = int(99 * 365.25 * 86400)
"""Seconds in 99 years: the longest daily request made (Yahoo refuses spans over 100 years)."""
_SESSION_REFUSED = (401, 403)
QUOTE_FIELDS = ("open", "high", "low", "close", "volume")
FIELDS = (*QUOTE_FIELDS, "adj_close")
EARLIEST = -2208988800
"""1900-01-01 in epoch seconds: ask for everything when no start is given (^GSPC starts in 1927)."""


def _chart_error(body: bytes) -> str | None:
    """Yahoo's explanation in an error body: ``chart.error`` (404 for unknown symbols) or ``finance.error`` (401)."""
    doc = json.loads(body)
    if not isinstance(doc, dict):
        return None
    error = (doc.get("chart") or doc.get("finance") or {}).get("error")
    if isinstance(error, dict):
        return str(error.get("description") or error.get("code") or "")
    return None


def _timezone(meta: dict[str, Any], *, series: str, source: str) -> dt.tzinfo:
    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = meta.get("gmtoffset")
    if isinstance(offset, int) and not isinstance(offset, bool) and abs(offset) < 86400:
        return dt.timezone(dt.timedelta(seconds=offset))
    raise DataError(f"chart meta has neither exchangeTimezoneName nor gmtoffset ({where(source, series)})")


def _path(doc: Any, *keys: str | int) -> Any:
    """doc[k1][k2]... or None when any step is missing or of the wrong kind."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(doc, list) or len(doc) <= key:
                return None
        elif not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def parse_chart(body: bytes, field: str, *, symbol: str, series: str, source: str = "yahoo chart") -> pd.DataFrame:
    """Parse a chart JSON answer into an observation frame of ``field`` by exchange-local trading date.

    Null values (Yahoo's placeholder for a bar without that price) are skipped; if two bars fall on the same
    local date (the live bar of the current session), the later one is kept.
    """
    if field not in FIELDS:
        raise DataError(f"unknown Yahoo field {field!r} (one of {', '.join(FIELDS)}) ({where(source, series)})")
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise DataError(f"not JSON ({where(source, series)})") from None
    chart = _path(doc, "chart")
    if not isinstance(chart, dict):
        raise DataError(f"JSON has no 'chart' object ({where(source, series)})")
    error = chart.get("error")
    if error is not None:
        text = _path(error, "description") or _path(error, "code") or error
        raise ProviderError(f"yahoo {symbol}: {str(text)[:200]} ({source})")
    result = _path(chart, "result", 0)
    if not isinstance(result, dict):
        raise DataError(f"chart has no result ({where(source, series)})")
    found = result.get("meta")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    stamps = result.get("timestamp")
    if stamps is None:
        return frames.empty()  # Yahoo omits timestamps when the range holds no trading day
    if not isinstance(stamps, list):
        raise DataError(f"'timestamp' is not a list ({where(source, series)})")
    if field == "adj_close":
        values = _path(result, "indicators", "adjclose", 0, "adjclose")
    else:
        values = _path(result, "indicators", "quote", 0, field)
    if not isinstance(values, list):
        raise DataError(f"chart has no {field} values ({where(source, series)})")
    if len(values) != len(stamps):
        raise DataError(f"{len(stamps)} timestamps but {len(values)} {field} values ({where(source, series)})")
    zone = _timezone(meta, series=series, source=source)
    by_day: dict[str, tuple[int, object]] = {}
    for row, (stamp, value) in enumerate(zip(stamps, values, strict=True), start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError(f"bad value {str(value)[:40]!r} ({where(source, series, row)})")
        if isinstance(stamp, bool) or not isinstance(stamp, int):
            raise DataError(f"bad timestamp {str(stamp)[:40]!r} ({where(source, series, row)})")
        try:
            day = dt.datetime.fromtimestamp(stamp, zone).date().isoformat()
        except (OverflowError, OSError, ValueError):
            raise DataError(f"timestamp out of range {stamp} ({where(source, series, row)})") from None
        by_day[day] = (row, value)
    return frames.build(((row, day, value) for day, (row, value) in by_day.items()), file=source, series=series)


def _epoch(day: pd.Timestamp) -> int:
    return int(pd.Timestamp(day).tz_localize(None).normalize().tz_localize("UTC").timestamp())


def _reaches_before(body: bytes, left: int, part: pd.DataFrame) -> bool:
    """True when the symbol has bars before ``left``: ``meta.firstTradeDate`` says so, or (without it) the span's
    first bar sits within ten days of the span's start."""
    first = _path(json.loads(body), "chart", "result", 0, "meta", "firstTradeDate")
    if isinstance(first, int) and not isinstance(first, bool):
        return first < left
    if part.empty:
        return False
    start = pd.Timestamp(left, unit="s")
    return bool((part["date"].iloc[0] - start).days <= 10)


class Provider(HttpProvider):
    """Daily bars of a Yahoo symbol; ``segment.field`` picks open/high/low/close/adj_close/volume."""

    name = "yahoo"
    default_url = CHART_URL

    def __init__(self, base_url: str | None = None, *, cookie_url: str | None = None, **options: Any) -> None:
        super().__init__(base_url, **options)
        # a replaced chart root (a mirror, a test server) also hands out the cookie unless told otherwise
        fallback = COOKIE_URL if self.base_url == CHART_URL else f"{self.base_url}/"
        self.cookie_url = base_url_for("yahoo_cookie", cookie_url, fallback, env="RATECYCLE_YAHOO_COOKIE_URL")
        self._cookie_asked = False
        self.crumb: str | None = None

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of ``segment.field`` for ``segment.symbol`` in [start, end]."""
        symbol, field = segment.symbol, segment.field
        if field not in FIELDS:
            raise DataError(f"unknown Yahoo field {field!r} for {symbol} (one of {', '.join(FIELDS)})")
        period1 = EARLIEST if start is None else _epoch(start) - 86400
        period2 = int(time.time()) + 86400 if end is None else _epoch(end) + 2 * 86400
        parts = []
        right = period2
        while True:  # newest span first; older spans only while the symbol's history reaches back further
            left = max(period1, right - MAX_SPAN)
            got = self._chart(symbol, left, right)
            body = check_body(got, f"yahoo {symbol}")
            part = parse_chart(body, field, symbol=symbol, series=series, source=got.url)
            parts.append(part)
            if left <= period1 or not _reaches_before(body, left, part):
                break
            right = left
        frame = pd.concat(parts[::-1], ignore_index=True) if len(parts) > 1 else parts[0]
        frame = frame.drop_duplicates("date", keep="last").sort_values("date").reset_index(drop=True)
        return within(frame, start, end)

    def _chart(self, symbol: str, period1: int, period2: int) -> Fetched:
        """One chart request inside a cookie session; on 401/403 once more with a crumb."""
        if not self._cookie_asked:
            self._cookie_asked = True
            self.http.touch(self.cookie_url)
        params: dict[str, str | int] = {"period1": period1, "period2": period2, "interval": "1d",
                                        "events": "div|split", "includeAdjustedClose": "true"}
        if self.crumb:
            params["crumb"] = self.crumb
        url = f"{self.base_url}/v8/finance/chart/{quote(symbol, safe='')}"
        got = self._get(url, symbol, params)
        if got.status in _SESSION_REFUSED and not self.crumb:
            self.crumb = self._get_crumb(symbol)
            got = self._get(url, symbol, {**params, "crumb": self.crumb})
        if got.status in _SESSION_REFUSED:
            detail = _safe_chart_error(got.content)
            raise ProviderError(f"yahoo {symbol}: HTTP {got.status}{detail} even with a session cookie and crumb; "
                                "Yahoo changed its access rules: fetch later, or read a snapshot with --snapshot DIR "
                                f"({got.url})")
        return got

    def _get(self, url: str, symbol: str, params: dict[str, str | int]) -> Fetched:
        try:
            return self.http.get(url, symbol=symbol, params=params, error_detail=_chart_error,
                                 accept=_SESSION_REFUSED)
        except ProviderError as exc:
            if "HTTP 429" in str(exc):
                raise ProviderError(f"{exc}; Yahoo is rate-limiting this network address: wait an hour before "
                                    "fetching again, or read a snapshot with --snapshot DIR") from None
            raise

    def _get_crumb(self, symbol: str) -> str:
        """The session's crumb from ``/v1/test/getcrumb``; an HTML page or 'Too Many Requests' is refused."""
        got = self._get(f"{self.base_url}{CRUMB_PATH}", symbol, {})
        text = got.content.decode("utf-8", "replace").strip()
        if got.status != 200 or not text or len(text) > 64 or any(c in text for c in " <>\n"):
            shown = " ".join(text.split())[:60]
            raise ProviderError(f"yahoo {symbol}: Yahoo refused a session crumb (answer {shown!r}); it limits "
                                "clients by network address: wait an hour before fetching again, or read a "
                                f"snapshot with --snapshot DIR ({got.url})")
        return text


def _safe_chart_error(body: bytes) -> str:
    """': <Yahoo's explanation>' from an error body, or '' when it has none."""
    try:
        found = _chart_error(body)
    except ValueError:
        found = None
    return f" ({found[:120]})" if found else ""
