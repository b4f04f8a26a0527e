"""Yahoo Finance daily bars from the v8 chart JSON endpoint (no third-party client).

``/v8/finance/chart/<SYMBOL>?period1=..&period2=..&interval=1d&events=div|split&includeAdjustedClose=true``
answers ``chart.result[0]`` with epoch-second ``timestamp``s, ``indicators.quote[0]`` (open, high, low, close,
volume) and ``indicators.adjclose[0].adjclose``. A daily bar's timestamp is an instant during the session, so it
is turned into the exchange's local trading date (``meta.exchangeTimezoneName``, else ``meta.gmtoffset``).
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
from .http import HttpProvider, check_body, within

CHART_URL = "https://query1.finance.yahoo.com"
QUOTE_FIELDS = ("open", "high", "low", "close", "volume")
FIELDS = (*QUOTE_FIELDS, "adj_close")
EARLIEST = -2208988800
"""1900-01-01 in epoch seconds: ask for everything when no start is given (^GSPC starts in 1927)."""


def _chart_error(body: bytes) -> str | None:
    """Yahoo's explanation in a chart error body (sent with HTTP 404 for unknown symbols)."""
    doc = json.loads(body)
    error = doc.get("chart", {}).get("error") if isinstance(doc, dict) else None
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


class Provider(HttpProvider):
    """Daily bars of a Yahoo symbol; ``segment.field`` picks open/high/low/close/adj_close/volume."""

    name = "yahoo"
    default_url = CHART_URL

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of ``segment.field`` for ``segment.symbol`` in [start, end]."""
        symbol, field = segment.symbol, segment.field
        if field not in FIELDS:
            raise DataError(f"unknown Yahoo field {field!r} for {symbol} (one of {', '.join(FIELDS)})")
        period1 = EARLIEST if start is None else _epoch(start) - 86400
        period2 = int(time.time()) + 86400 if end is None else _epoch(end) + 2 * 86400
        params: dict[str, str | int] = {"period1": period1, "period2": period2, "interval": "1d",
                                        "events": "div|split", "includeAdjustedClose": "true"}
        url = f"{self.base_url}/v8/finance/chart/{quote(symbol, safe='')}"
        got = self.http.get(url, symbol=symbol, params=params, error_detail=_chart_error)
        body = check_body(got, f"yahoo {symbol}")
        return within(parse_chart(body, field, symbol=symbol, series=series, source=got.url), start, end)
