"""Stooq daily history: ``/q/d/l/?s=<symbol>&i=d`` answers a CSV ``Date,Open,High,Low,Close,Volume``.

Stooq answers an unknown symbol (or an empty range) with the plain body ``No data`` and a blocked client with a
plain-text notice; both are errors, never data. Stooq has no separate adjusted-close column.

Since March 2026 Stooq answers scripted downloads with an HTML page (HTTP 200) asking for an API key, obtained on
``/q/d/?s=<symbol>&get_apikey``; with ``STOOQ_API_KEY`` set the key is sent as ``apikey=``. A key page, and a
browser-check (challenge) page, are recognised and reported as such with what to do.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pandas as pd

from ...errors import DataError, ProviderError, where
from .. import frames
from ..catalog import Segment
from .http import Fetched, HttpProvider, check_body, within

STOOQ_URL = "https://stooq.com"
KEY_ENV = "STOOQ_API_KEY"
_KEY_PAGE = re.compile(rb"get_apikey|api[ _-]?key", re.IGNORECASE)
_CHALLENGE_PAGE = re.compile(rb"captcha|just a moment|challenge|verify you are (a )?human|checking your browser|"
                             rb"cf-chl|enable javascript and cookies", re.IGNORECASE)
COLUMNS = {"open": "Open", "high": "High", "low": "Low", "close": "Close", "volume": "Volume"}


def parse_csv(body: bytes, field: str, *, symbol: str, series: str, source: str = "stooq csv") -> pd.DataFrame:
    """Parse Stooq's daily CSV into an observation frame of ``field`` (open/high/low/close/volume)."""
    column = COLUMNS.get(field)
    if column is None:
        raise DataError(f"stooq has no field {field!r} (one of {', '.join(COLUMNS)}) ({where(source, series)})")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(source, series)})") from None
    stripped = text.strip()
    if stripped.lower() in {"no data", "brak danych"}:
        raise ProviderError(f"stooq {symbol}: no data (unknown symbol or empty range) ({source})")
    first = stripped.split("\n", 1)[0].strip()
    header = [h.strip().lower() for h in first.split(",")]
    if not header or header[0] != "date":
        raise ProviderError(f"stooq {symbol}: unexpected answer {first[:80]!r} ({source})")
    if column.lower() not in header:
        raise DataError(f"no {column!r} column in header {first[:80]!r} ({where(source, series, 1)})")
    return frames.read_date_value_csv(stripped.encode(), series=series, date_column="Date", value_column=column,
                                      file=source)


def page_error(got: Fetched, symbol: str, *, keyed: bool, base_url: str = STOOQ_URL) -> None:
    """Raise a specific ProviderError for Stooq's API-key page or a challenge page (both HTML with status 200)."""
    body = got.content
    is_html = got.content_type in {"text/html", "application/xhtml+xml"} or body.lstrip()[:1] == b"<"
    if not is_html:
        return
    head = body[:20000]
    if _CHALLENGE_PAGE.search(head):
        raise ProviderError(f"stooq {symbol}: Stooq answered a browser check (challenge page) instead of data; "
                            "open stooq.com once in a browser on this network and retry, or rely on Yahoo or "
                            f"--snapshot DIR ({got.url})")
    if _KEY_PAGE.search(head):
        if keyed:
            raise ProviderError(f"stooq {symbol}: Stooq refused the key in {KEY_ENV} (it answered its API-key page); "
                                f"get a new key at {base_url}/q/d/?s={symbol}&get_apikey ({got.url})")
        raise ProviderError(f"stooq {symbol}: Stooq now requires an API key (it answered its key page); get one at "
                            f"{base_url}/q/d/?s={symbol}&get_apikey and set {KEY_ENV} ({got.url})")


class Provider(HttpProvider):
    """Daily bars of a Stooq symbol (``^spx``, ``^rut``, ``iwm.us``); ``segment.field`` picks the column."""

    name = "stooq"
    default_url = STOOQ_URL

    def __init__(self, base_url: str | None = None, *, api_key: str | None = None, **options: Any) -> None:
        super().__init__(base_url, **options)
        self.api_key = api_key if api_key is not None else (os.environ.get(KEY_ENV, "").strip() or None)

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of ``segment.field`` for ``segment.symbol`` in [start, end]."""
        symbol = segment.symbol
        if segment.field not in COLUMNS:
            raise DataError(f"stooq has no field {segment.field!r} for {symbol} (one of {', '.join(COLUMNS)})")
        params: dict[str, str | int] = {"s": symbol, "i": "d"}
        if start is not None:
            params["d1"] = pd.Timestamp(start).strftime("%Y%m%d")
        if end is not None:
            params["d2"] = pd.Timestamp(end).strftime("%Y%m%d")
        if self.api_key:
            params["apikey"] = self.api_key
        got = self.http.get(f"{self.base_url}/q/d/l/", symbol=symbol, params=params)
        page_error(got, symbol, keyed=bool(self.api_key), base_url=self.base_url)
        body = check_body(got, f"stooq {symbol}", lines=True)
        return within(parse_csv(body, segment.field, symbol=symbol, series=series, source=got.url), start, end)
