"""Stooq daily history: ``/q/d/l/?s=<symbol>&i=d`` answers a CSV ``Date,Open,High,Low,Close,Volume``.

Stooq answers an unknown symbol (or an empty range) with the plain body ``No data`` and a blocked client with a
plain-text notice; both are errors, never data. Stooq has no separate adjusted-close column.
"""

from __future__ import annotations

import pandas as pd

from ...errors import DataError, ProviderError, where
from .. import frames
from ..catalog import Segment
from .http import HttpProvider, check_body, within

STOOQ_URL = "https://stooq.com"
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


class Provider(HttpProvider):
    """Daily bars of a Stooq symbol (``^spx``, ``^rut``, ``iwm.us``); ``segment.field`` picks the column."""

    name = "stooq"
    default_url = STOOQ_URL

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
        got = self.http.get(f"{self.base_url}/q/d/l/", symbol=symbol, params=params)
        body = check_body(got, f"stooq {symbol}")
        return within(parse_csv(body, segment.field, symbol=symbol, series=series, source=got.url), start, end)
