"""Shiller provider: an .xls laid out like ie_data (built with xlwt from the snapshot), the CSV export, local files."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest
import xlwt
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import shiller
from ratecycle.errors import DataError
from wire import read_rows, shiller_xls

FIELDS = {"P": "P", "D": "D", "E": "E", "CPI": "CPI", "GS10": "GS10", "CAPE": "CAPE", "TR_CAPE": "TR_CAPE"}


def _rows(snapshot: Path) -> list[dict[str, str]]:
    rows = read_rows(snapshot / "market" / "shiller_ie_data_monthly.csv")
    return [r for r in rows if r["date"] < "1873" or r["date"] >= "2025"]


def _after(rows: list[dict[str, str]]) -> dt.date:
    """A 'today' one month after the last month of the rows (a fresh download on that day)."""
    year, month = map(int, rows[-1]["date"].split("-"))
    return dt.date(year + month // 12, month % 12 + 1, 15)


def _same(parsed: float, text: str) -> bool:
    return math.isnan(parsed) if not text else parsed == float(text)


def test_workbook_every_field_equals_snapshot(snapshot_dir: Path) -> None:
    rows = _rows(snapshot_dir)
    table = shiller.parse_workbook(shiller_xls(rows))
    assert set(FIELDS) <= set(table.columns)
    assert list(table.index.strftime("%Y-%m")) == [r["date"] for r in rows]
    for field, key in FIELDS.items():
        assert all(_same(v, r[key]) for v, r in zip(table[field], rows, strict=True)), field
    october = next(r for r in rows if r["date"] == "1871-10")
    assert table.loc["1871-10-01", "P"] == float(october["P"])  # written 1871.1 in the sheet
    assert math.isnan(table.loc["2026-07-01", "E"])  # earnings end 2026-03 in this vintage


def test_provider_xls_over_http(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = _rows(snapshot_dir)
    httpserver.expect_request("/ie_data.xls").respond_with_data(shiller_xls(rows),
                                                                 content_type="application/vnd.ms-excel")
    provider = shiller.Provider(base_url=httpserver.url_for("/ie_data.xls"), sleep=lambda _: None, retries=2,
                                today=_after(rows))
    frame = provider.fetch(Segment("shiller", "ie_data", "CAPE"), "shiller:CAPE", pd.Timestamp("2025-01-01"))
    expected = [(r["date"], float(r["CAPE"])) for r in rows if r["date"] >= "2025" and r["CAPE"]]
    assert [(d.strftime("%Y-%m"), v) for d, v in zip(frame["date"], frame["value"], strict=True)] == expected


def test_provider_csv_export_url_and_path(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    path = snapshot_dir / "market" / "shiller_ie_data_monthly.csv"
    raw = read_rows(path)
    httpserver.expect_request("/exports/ie.csv").respond_with_data(path.read_bytes(), content_type="text/csv")
    provider = shiller.Provider(base_url=httpserver.url_for("/exports/ie.csv"), sleep=lambda _: None, retries=2,
                                today=_after(raw))
    earnings = provider.fetch(Segment("shiller", "ie_data", "E"), "shiller:E")
    expected = [(r["date"], float(r["E"])) for r in raw if r["E"]]
    assert [(d.strftime("%Y-%m"), v) for d, v in zip(earnings["date"], earnings["value"], strict=True)] == expected
    assert earnings["date"].iloc[-1] == pd.Timestamp("2026-03-01")
    local = shiller.Provider().fetch(Segment("shiller", str(path), "P"), "shiller:P", end=pd.Timestamp("1871-12-31"))
    assert local["value"].tolist() == [float(r["P"]) for r in raw[:12]]


def _book(header: list[str], data: list[list[object]], sheet: str = "Data") -> bytes:
    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    for col, label in enumerate(header):
        ws.write(7, col, label)
    for r, values in enumerate(data, start=8):
        for col, value in enumerate(values):
            ws.write(r, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_workbook_errors() -> None:
    header = ["Date", "P", "D", "E", "CPI"]
    with pytest.raises(DataError, match="not a readable Shiller workbook with a 'Data' sheet"):
        shiller.parse_workbook(_book(header, [[1871.01, 4.4, 0.2, 0.4, 12.4]], sheet="Other"), source="w")
    with pytest.raises(DataError, match=r"header lacks CPI \(file w, row 8\)"):
        shiller.parse_workbook(_book(header[:4], [[1871.01, 4.4, 0.2, 0.4]]), source="w")
    with pytest.raises(DataError, match=r"bad value 'n/q' in column D \(file w, row 9\)"):
        shiller.parse_workbook(_book(header, [[1871.01, 4.4, "n/q", 0.4, 12.4]]), source="w")
    with pytest.raises(DataError, match=r"month 1871-01 out of order or repeated \(file w, row 10\)"):
        shiller.parse_workbook(_book(header, [[1871.01, 4.4, 0.2, 0.4, 12.4]] * 2), source="w")
    with pytest.raises(DataError, match="not a readable Shiller workbook"):
        shiller.parse_ie_data(shiller.OLE2_MAGIC + b"\x00" * 600, source="w")


def test_csv_export_errors() -> None:
    with pytest.raises(DataError, match=r"bad month '1871\.01' \(want YYYY-MM\) \(file c, row 2\)"):
        shiller.parse_csv_export(b"date,P\n1871.01,4.4\n", source="c")
    with pytest.raises(DataError, match=r"expected 2 fields, got 3 \(file c, row 3\)"):
        shiller.parse_csv_export(b"date,P\n1871-01,4.4\n1871-02,4.5,9\n", source="c")
    with pytest.raises(DataError, match=r"expected a header 'date,P,D,E,\.\.\.'"):
        shiller.parse_csv_export(b"Date\n1871-01\n", source="c")
    table = shiller.parse_csv_export(b"date,P,E\n1871-01,4.4,\n1871-02,4.5,0.4\n")
    with pytest.raises(DataError, match=r"no field 'CAPE' \(fields: P, E\)"):
        shiller.field_frame(table, "CAPE", series="s", source="c")
    assert shiller.field_frame(table, "E", series="s", source="c")["value"].tolist() == [0.4]


def test_location_rules(tmp_path: Path) -> None:
    assert shiller.Provider().location("ie_data") == "https://shillerdata.com"  # the page linking the workbook
    assert shiller.Provider(base_url="http://127.0.0.1:9/x/ie.csv").location("ie_data") == "http://127.0.0.1:9/x/ie.csv"
    local = tmp_path / "ie_data.csv"
    assert shiller.Provider().source_label(str(local)) == str(local)
    with pytest.raises(DataError, match=r"cannot read file: No such file or directory \(file .*ie_data\.csv\)"):
        shiller.Provider().table(str(local))
