"""Test helpers: real wire-format responses built from the snapshot, and a raw socket server for broken connections.

Every builder reads the snapshot files directly (csv module, no ratecycle code) so that a provider's parsed output
can be compared with values obtained independently of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
import struct
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")


def read_rows(path: Path) -> list[dict[str, str]]:
    """All rows of a snapshot CSV as dicts of raw strings."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def fred_rows(snapshot: Path, series_id: str, start: str, end: str) -> list[tuple[str, str]]:
    """(date, value) strings of a FRED snapshot file between two ISO dates, inclusive."""
    rows = read_rows(snapshot / "fred" / f"{series_id}.csv")
    return [(r["date"], r[series_id]) for r in rows if start <= r["date"] <= end]


def fred_graph_csv(rows: Sequence[tuple[str, str]], series_id: str, *, date_header: str = "observation_date",
                   crlf: bool = False) -> bytes:
    """The body of fredgraph.csv: ``observation_date,<ID>`` then one row per date ('.' for missing)."""
    eol = "\r\n" if crlf else "\n"
    lines = [f"{date_header},{series_id}", *(f"{d},{v}" for d, v in rows)]
    return (eol.join(lines) + eol).encode()


def fred_json(rows: Sequence[tuple[str, str]], *, realtime: str = "2026-08-21", count: int | None = None,
              offset: int = 0, limit: int = 100000) -> bytes:
    """The body of FRED's series/observations JSON answer (values are strings, '.' for missing)."""
    doc = {
        "realtime_start": realtime, "realtime_end": realtime,
        "observation_start": rows[0][0] if rows else "1776-07-04", "observation_end": "9999-12-31",
        "units": "lin", "output_type": 1, "file_type": "json", "order_by": "observation_date",
        "sort_order": "asc", "count": len(rows) if count is None else count, "offset": offset, "limit": limit,
        "observations": [{"realtime_start": realtime, "realtime_end": realtime, "date": d, "value": v}
                         for d, v in rows],
    }
    return json.dumps(doc).encode()


def alfred_json(vintages: Sequence[tuple[str, str, str, str]]) -> bytes:
    """ALFRED's output_type=1 answer: rows of (realtime_start, realtime_end, date, value)."""
    doc = {
        "realtime_start": "1776-07-04", "realtime_end": "9999-12-31", "output_type": 1, "file_type": "json",
        "count": len(vintages), "offset": 0, "limit": 100000,
        "observations": [{"realtime_start": s, "realtime_end": e, "date": d, "value": v} for s, e, d, v in vintages],
    }
    return json.dumps(doc).encode()


def market_rows(snapshot: Path, stem: str, start: str, end: str) -> list[dict[str, str]]:
    """Rows of ``market/<stem>_daily.csv`` between two ISO dates, inclusive."""
    return [r for r in read_rows(snapshot / "market" / f"{stem}_daily.csv") if start <= r["date"] <= end]


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def yahoo_chart_json(rows: Sequence[dict[str, str]], symbol: str, *, open_hour: int = 9, open_minute: int = 30,
                     with_adjclose: bool = True) -> bytes:
    """Yahoo's v8 chart answer: one timestamp per day at the New York open, quote arrays and adjclose."""
    stamps = []
    for r in rows:
        day = dt.date.fromisoformat(r["date"])
        local = dt.datetime(day.year, day.month, day.day, open_hour, open_minute, tzinfo=NEW_YORK)
        stamps.append(int(local.timestamp()))
    last = dt.datetime.fromtimestamp(stamps[-1], NEW_YORK) if stamps else dt.datetime(2026, 8, 21, tzinfo=NEW_YORK)
    offset = int(last.utcoffset().total_seconds())  # type: ignore[union-attr]
    quote = {key: [_num(r[key]) for r in rows] for key in ("open", "high", "low", "close")}
    quote["volume"] = [int(float(r["volume"])) if r["volume"].strip() else None for r in rows]
    indicators: dict[str, object] = {"quote": [quote]}
    if with_adjclose:
        indicators["adjclose"] = [{"adjclose": [_num(r["adj_close"]) for r in rows]}]
    result = {
        "meta": {"currency": "USD", "symbol": symbol, "exchangeName": "NIM", "instrumentType": "INDEX",
                 "gmtoffset": offset, "timezone": "EDT" if offset == -14400 else "EST",
                 "exchangeTimezoneName": "America/New_York", "dataGranularity": "1d", "range": ""},
        "timestamp": stamps,
        "indicators": indicators,
    }
    return json.dumps({"chart": {"result": [result], "error": None}}).encode()


def yahoo_error_json(code: str, description: str) -> bytes:
    """Yahoo's chart error answer (sent with HTTP 404 for an unknown symbol)."""
    return json.dumps({"chart": {"result": None, "error": {"code": code, "description": description}}}).encode()


def stooq_csv(rows: Sequence[dict[str, str]], *, volume: bool = True) -> bytes:
    """Stooq's daily CSV download: ``Date,Open,High,Low,Close,Volume``."""
    header = "Date,Open,High,Low,Close" + (",Volume" if volume else "")
    lines = [header]
    for r in rows:
        fields = [r["date"], r["open"], r["high"], r["low"], r["close"]]
        if volume:
            fields.append(str(int(float(r["volume"]))) if r["volume"].strip() else "")
        lines.append(",".join(fields))
    return ("\r\n".join(lines) + "\r\n").encode()


def kenfrench_zip(snapshot: Path, member: str = "F-F_Research_Data_Factors.CSV") -> bytes:
    """The published zip, rebuilt in memory around the original CSV from the snapshot (CRLF line ends)."""
    text = (snapshot / "market" / "F-F_Research_Data_Factors.CSV").read_bytes()
    body = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, body)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive holding the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- a raw TCP server for faults an HTTP framework cannot produce ---------------------------------------------
RESET = b"<reset>"
"""Script entry: accept, read the request, then close with RST (connection reset by peer)."""
CLOSE = b"<close>"
"""Script entry: accept, read the request, then close cleanly without answering."""
STALL = b"<stall>"
"""Script entry: accept, read the request, answer nothing for STALL_SECONDS (longer than a test client's timeout)."""
STALL_SECONDS = 0.6


def http_response(status: int, body: bytes, *, content_type: str = "text/plain", content_length: int | None = None,
                  extra: dict[str, str] | None = None) -> bytes:
    """Raw HTTP/1.1 response bytes; ``content_length`` may lie (to produce a truncated body)."""
    length = len(body) if content_length is None else content_length
    headers = {"Content-Type": content_type, "Content-Length": str(length), "Connection": "close", **(extra or {})}
    head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode() + body


@contextmanager
def raw_server(script: Sequence[bytes]) -> Iterator[tuple[str, list[bytes]]]:
    """Serve one scripted answer per connection on 127.0.0.1 (RESET, CLOSE or raw response bytes).

    Yields (base URL, list of request heads received). The server accepts at most ``len(script)`` connections
    and stops by itself; it never waits more than a few seconds for a client.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(5.0)
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve() -> None:
        for answer in script:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5.0)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                received.append(data)
                if answer == STALL:
                    time.sleep(STALL_SECONDS)
                elif answer == RESET:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif answer != CLOSE:
                    with suppress(OSError):
                        conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        with suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(timeout=10)


SHILLER_XLS_HEADER = ("Date", "P", "D", "E", "CPI", "Fraction", "Rate GS10", "Price", "Dividend", "Price",
                      "Earnings", "Earnings", "", "CAPE", "", "TR CAPE")
_SHILLER_XLS_SOURCE = {"P": "P", "D": "D", "E": "E", "CPI": "CPI", "Fraction": "date_fraction", "Rate GS10": "GS10",
                       "CAPE": "CAPE", "TR CAPE": "TR_CAPE"}


def shiller_xls(rows: Sequence[dict[str, str]]) -> bytes:
    """An .xls laid out like Shiller's ie_data "Data" sheet (7 title rows, header on row 8, YYYY.MM dates, 'NA')."""
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Notes").write(0, 0, "Stock market data used in Irrational Exuberance")
    sheet = book.add_sheet("Data")
    sheet.write(0, 0, "U.S. Stock Markets 1871-Present and CAPE Ratio")
    sheet.write(5, 6, "Long")
    sheet.write(6, 6, "Interest")
    for col, label in enumerate(SHILLER_XLS_HEADER):
        if label:
            sheet.write(7, col, label)
    for offset, row in enumerate(rows, start=8):
        year, month = row["date"].split("-")
        sheet.write(offset, 0, float(f"{year}.{month}"))
        for col, label in enumerate(SHILLER_XLS_HEADER[1:], start=1):
            key = _SHILLER_XLS_SOURCE.get(label)
            if key is None:
                continue
            text = row[key]
            sheet.write(offset, col, float(text) if text else "NA")
    sheet.write(len(rows) + 10, 0, "Source: Standard & Poor's; CPI from the BLS.")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
