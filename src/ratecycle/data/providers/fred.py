"""FRED (St. Louis Fed): the public graph CSV without a key, the JSON API with ``FRED_API_KEY``, ALFRED vintages.

Graph CSV: ``fredgraph.csv?id=<ID>&cosd=<start>&coed=<end>`` with header ``observation_date,<ID>`` (older files
``DATE,<ID>``). API: ``fred/series/observations`` (values are strings). In both, '.' marks a missing observation.
Vintages (``fetch_vintages``) come from the same API with a real-time period, so each value carries the dates
between which it was the published one: the way to use macro data without look-ahead. ALFRED refuses a request
covering more than 2,000 vintage dates (daily series have far more), so the vintage dates are listed first
(``fred/series/vintagedates``), requests are made for windows of at most 2,000 of them, and the windows are merged
(a value the window boundary cut in two is joined again).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...errors import DataError, ProviderError, where
from .. import frames
from ..catalog import Segment
from .http import HttpProvider, base_url_for, check_body, within

GRAPH_URL = "https://fred.stlouisfed.org"
API_URL = "https://api.stlouisfed.org"
KEY_ENV = "FRED_API_KEY"
MAX_PAGES = 100
MAX_VINTAGES = 2000
"""ALFRED's limit on vintage dates per observations request."""
VINTAGE_PAGE = 10000
_FIRST = "1776-07-04"
_OPEN_END = "9999-12-31"


def _fred_error(body: bytes) -> str | None:
    """FRED API error bodies carry ``error_message``."""
    doc = json.loads(body)
    return str(doc.get("error_message")) if isinstance(doc, dict) and doc.get("error_message") else None


def parse_graph_csv(body: bytes, series_id: str, *, series: str, source: str = "fredgraph.csv") -> pd.DataFrame:
    """Parse fredgraph.csv (``observation_date,<ID>`` or ``DATE,<ID>``; '.' = missing) into an observation frame."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(source, series)})") from None
    first = text.lstrip("\r\n").split("\n", 1)[0].strip()
    header = [h.strip() for h in first.split(",")]
    if len(header) != 2 or header[0].lower() not in {"observation_date", "date"} \
            or header[1].upper() != series_id.upper():
        raise DataError(f"unexpected header {first[:60]!r}, expected 'observation_date,{series_id}' "
                        f"({where(source, series, 1)})")
    return frames.read_date_value_csv(text.lstrip("\r\n").encode(), series=series, date_column=header[0],
                                      value_column=header[1], file=source)


def _json_doc(body: bytes, *, series: str, source: str) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise DataError(f"not JSON ({where(source, series)})") from None
    if not isinstance(doc, dict):
        raise DataError(f"JSON is not an object ({where(source, series)})")
    if doc.get("error_message"):
        raise ProviderError(f"fred {series}: {doc['error_message']} ({source})")
    if not isinstance(doc.get("observations"), list):
        raise DataError(f"JSON has no 'observations' list ({where(source, series)})")
    return doc


def _field(item: object, key: str, *, series: str, source: str, row: int) -> str:
    if not isinstance(item, dict) or not isinstance(item.get(key), str):
        raise DataError(f"observation without a string {key!r} ({where(source, series, row)})")
    return str(item[key])


def parse_observations_json(body: bytes, *, series: str, source: str = "fred api") -> pd.DataFrame:
    """Parse one page of the API's JSON ``observations`` into an observation frame ('.' = missing)."""
    doc = _json_doc(body, series=series, source=source)
    rows = [(n, _field(o, "date", series=series, source=source, row=n),
             _field(o, "value", series=series, source=source, row=n))
            for n, o in enumerate(doc["observations"], start=1)]
    return frames.build(rows, file=source, series=series)


def parse_vintages_json(body: bytes, *, series: str, source: str = "alfred") -> pd.DataFrame:
    """Parse ALFRED observations (output_type=1) into date, value, realtime_start, realtime_end.

    ``realtime_end`` 9999-12-31 (still the published value) becomes NaT; '.' rows (no value in that vintage)
    are dropped.
    """
    doc = _json_doc(body, series=series, source=source)
    records: list[tuple[int, str, str, str, str]] = []
    for n, item in enumerate(doc["observations"], start=1):
        date, value, start, end = (_field(item, k, series=series, source=source, row=n)
                                   for k in ("date", "value", "realtime_start", "realtime_end"))
        records.append((n, date, value, start, end))
    return _vintage_frame(records, series=series, source=source)


def _day(text: str, *, series: str, source: str, row: int) -> pd.Timestamp:
    """A vintage's date, parsed with the same rules and one-line errors as frames.build."""
    return frames.parse_day(text, file=source, series=series, row=row)


def _vintage_frame(records: list[tuple[int, str, str, str, str]], *, series: str, source: str) -> pd.DataFrame:
    out: dict[str, list[Any]] = {"date": [], "value": [], "realtime_start": [], "realtime_end": []}
    seen: set[tuple[pd.Timestamp, pd.Timestamp]] = set()
    for n, date, value, rt_start, rt_end in records:
        text = value.strip()
        if text in {"", ".", "NA", "NaN", "nan", "null"}:
            continue
        number = frames.finite_number(text, where(source, series, n))
        day = _day(date, series=series, source=source, row=n)
        start = _day(rt_start, series=series, source=source, row=n)
        end = pd.NaT if rt_end.strip() == _OPEN_END else _day(rt_end, series=series, source=source, row=n)
        if end is not pd.NaT and end < start:
            raise DataError(f"realtime_end {rt_end} before realtime_start {rt_start} ({where(source, series, n)})")
        if (day, start) in seen:
            raise DataError(f"duplicate vintage {rt_start} for {date} ({where(source, series, n)})")
        seen.add((day, start))
        out["date"].append(day)
        out["value"].append(number)
        out["realtime_start"].append(start)
        out["realtime_end"].append(end)
    frame = pd.DataFrame({
        "date": pd.DatetimeIndex(out["date"], dtype="datetime64[ns]"),
        "value": np.asarray(out["value"], dtype="float64"),
        "realtime_start": pd.DatetimeIndex(out["realtime_start"], dtype="datetime64[ns]"),
        "realtime_end": pd.DatetimeIndex(out["realtime_end"], dtype="datetime64[ns]"),
    })
    return frame.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)


def vintage_windows(dates: list[str], limit: int = MAX_VINTAGES) -> list[tuple[str, str]]:
    """Real-time periods that together cover all time, each holding at most ``limit`` of the vintage ``dates``."""
    if len(dates) <= limit:
        return [(_FIRST, _OPEN_END)]
    out = []
    for i in range(0, len(dates), limit):
        first = _FIRST if i == 0 else dates[i]
        last = (_OPEN_END if i + limit >= len(dates)
                else (pd.Timestamp(dates[i + limit]) - pd.Timedelta(days=1)).strftime("%Y-%m-%d"))
        out.append((first, last))
    return out


def join_windows(frame: pd.DataFrame) -> pd.DataFrame:
    """Vintages read window by window, with each value cut at a window boundary joined again.

    ALFRED clips ``realtime_start``/``realtime_end`` to the requested period, so a value in force across a boundary
    arrives as two rows with the same value that touch (one ends the day before the other starts); they are one.
    """
    ordered = frame.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)
    keep: list[dict[str, Any]] = []
    for row in ordered.itertuples(index=False):
        last = keep[-1] if keep else None
        if (last is not None and last["date"] == row.date and last["value"] == row.value
                and last["realtime_end"] is not pd.NaT
                and last["realtime_end"] + pd.Timedelta(days=1) == row.realtime_start):
            last["realtime_end"] = row.realtime_end
            continue
        keep.append({"date": row.date, "value": row.value, "realtime_start": row.realtime_start,
                     "realtime_end": row.realtime_end})
    return pd.DataFrame({
        "date": pd.DatetimeIndex([r["date"] for r in keep], dtype="datetime64[ns]"),
        "value": np.asarray([r["value"] for r in keep], dtype="float64"),
        "realtime_start": pd.DatetimeIndex([r["realtime_start"] for r in keep], dtype="datetime64[ns]"),
        "realtime_end": pd.DatetimeIndex([r["realtime_end"] for r in keep], dtype="datetime64[ns]"),
    })


def known_on(vintages: pd.DataFrame, when: pd.Timestamp | str) -> pd.DataFrame:
    """The observation frame as it was published on ``when``: for each date, the vintage in force that day."""
    day = pd.Timestamp(when).normalize()
    live = (vintages["realtime_start"] <= day) & (vintages["realtime_end"].isna() | (vintages["realtime_end"] >= day))
    picked = vintages.loc[live, ["date", "value"]]
    clash = picked["date"].duplicated()
    if clash.any():
        raise DataError(f"two vintages in force on {day.date()} for {picked.loc[clash, 'date'].iloc[0].date()}")
    return picked.sort_values("date").reset_index(drop=True)


def first_release(vintages: pd.DataFrame) -> pd.DataFrame:
    """Each date's first published value with the day it appeared (columns date, value, realtime_start)."""
    ordered = vintages.sort_values(["date", "realtime_start"], kind="stable")
    first = ordered.drop_duplicates("date", keep="first")
    return first[["date", "value", "realtime_start"]].reset_index(drop=True)


class Provider(HttpProvider):
    """FRED observations: graph CSV by default, the JSON API when an API key is set."""

    name = "fred"
    default_url = GRAPH_URL

    def __init__(self, base_url: str | None = None, *, api_url: str | None = None, api_key: str | None = None,
                 **options: Any) -> None:
        super().__init__(base_url, **options)
        self.api_url = base_url_for("fred_api", api_url, API_URL, env="RATECYCLE_FRED_API_URL")
        self.api_key = api_key if api_key is not None else (os.environ.get(KEY_ENV, "").strip() or None)

    def source_label(self, symbol: str) -> str:
        """Which FRED interface a symbol is read from (never the key), for provenance."""
        if self.api_key:
            return f"{self.api_url}/fred/series/observations?series_id={symbol}"
        return f"{self.base_url}/graph/fredgraph.csv?id={symbol}"

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations of FRED series ``segment.symbol`` in [start, end]."""
        symbol = segment.symbol
        frame = self._api(symbol, series, start, end) if self.api_key else self._graph(symbol, series, start, end)
        return within(frame, start, end)

    def _graph(self, symbol: str, series: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
        params: dict[str, str | int] = {"id": symbol}
        if start is not None:
            params["cosd"] = pd.Timestamp(start).strftime("%Y-%m-%d")
        if end is not None:
            params["coed"] = pd.Timestamp(end).strftime("%Y-%m-%d")
        got = self.http.get(f"{self.base_url}/graph/fredgraph.csv", symbol=symbol, params=params)
        body = check_body(got, f"fred {symbol}", lines=True)
        return parse_graph_csv(body, symbol, series=series, source=got.url)

    def _api(self, symbol: str, series: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
        params = self._api_params(symbol, start, end)
        pages = self._pages(symbol, params, lambda body, src: parse_observations_json(body, series=series, source=src))
        frame = pd.concat(pages, ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)
        clash = frame["date"].duplicated()
        if clash.any():
            raise DataError(f"duplicate date {frame.loc[clash, 'date'].iloc[0].date()} across pages "
                            f"({where(self.api_url, series)})")
        return frame

    def fetch_vintages(self, symbol: str, start: pd.Timestamp | str | None = None,
                       end: pd.Timestamp | str | None = None) -> pd.DataFrame:
        """Every published vintage of ``symbol`` (ALFRED): columns date, value, realtime_start, realtime_end."""
        if not self.api_key:
            raise ProviderError(f"fred {symbol}: vintages (ALFRED) need a FRED API key; set {KEY_ENV} "
                                "(free from the St. Louis Fed)")
        base = self._api_params(symbol, None if start is None else pd.Timestamp(start),
                                None if end is None else pd.Timestamp(end))
        parts = []
        for rt_start, rt_end in vintage_windows(self.vintage_dates(symbol)):
            params = {**base, "realtime_start": rt_start, "realtime_end": rt_end, "output_type": 1}
            pages = self._pages(symbol, params,
                                lambda body, src: parse_vintages_json(body, series=symbol, source=src))
            parts.append(pd.concat(pages, ignore_index=True))
        frame = join_windows(pd.concat(parts, ignore_index=True))
        dup = frame.duplicated(["date", "realtime_start"])
        if dup.any():
            raise DataError(f"duplicate vintage across pages ({where(self.api_url, symbol)})")
        return frame

    def vintage_dates(self, symbol: str) -> list[str]:
        """Every day on which ``symbol`` was published or revised (``fred/series/vintagedates``), oldest first."""
        url = f"{self.api_url}/fred/series/vintagedates"
        out: list[str] = []
        params: dict[str, str | int] = {"series_id": symbol, "api_key": self.api_key or "", "file_type": "json",
                                        "realtime_start": _FIRST, "realtime_end": _OPEN_END, "limit": VINTAGE_PAGE}
        for _ in range(MAX_PAGES):
            got = self.http.get(url, symbol=symbol, params={**params, "offset": len(out)}, error_detail=_fred_error)
            doc = json.loads(check_body(got, f"fred {symbol}"))
            dates = doc.get("vintage_dates") if isinstance(doc, dict) else None
            if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
                raise DataError(f"JSON has no 'vintage_dates' list of strings ({where(got.url, symbol)})")
            out += dates
            if not dates or len(out) >= int(doc.get("count") or 0):
                return sorted(set(out))
        raise ProviderError(f"fred {symbol}: more than {MAX_PAGES} pages of vintage dates ({url})")

    def _api_params(self, symbol: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> dict[str, str | int]:
        params: dict[str, str | int] = {"series_id": symbol, "api_key": self.api_key or "", "file_type": "json"}
        if start is not None:
            params["observation_start"] = start.strftime("%Y-%m-%d")
        if end is not None:
            params["observation_end"] = end.strftime("%Y-%m-%d")
        return params

    def _pages(self, symbol: str, params: dict[str, str | int],
               parse: Callable[[bytes, str], pd.DataFrame]) -> list[pd.DataFrame]:
        """Follow count/offset/limit until every observation is read (FRED pages at 100,000 rows)."""
        url = f"{self.api_url}/fred/series/observations"
        pages: list[pd.DataFrame] = []
        offset = 0
        for _ in range(MAX_PAGES):
            got = self.http.get(url, symbol=symbol, params={**params, "offset": offset}, error_detail=_fred_error)
            body = check_body(got, f"fred {symbol}")
            pages.append(parse(body, got.url))
            doc = json.loads(body)
            returned = len(doc["observations"])
            offset += returned
            try:
                count = int(doc.get("count") or 0)
            except (TypeError, ValueError):
                count = 0
            if returned == 0 or offset >= count:
                return pages
        raise ProviderError(f"fred {symbol}: more than {MAX_PAGES} pages of observations ({url})")
