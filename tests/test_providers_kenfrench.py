"""Ken French factor file: parser and snapshot against the pre-parsed CSVs, provider against a served zip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import kenfrench
from ratecycle.errors import DataError
from wire import kenfrench_zip, read_rows, zip_bytes

FIELDS = ("Mkt-RF", "SMB", "HML", "RF")


def _original(snapshot: Path) -> bytes:
    return (snapshot / "market" / "F-F_Research_Data_Factors.CSV").read_bytes()


def test_parser_matches_parsed_monthly_and_annual(snapshot_dir: Path) -> None:
    tables = kenfrench.parse_factor_csv(_original(snapshot_dir))
    assert tables.columns == FIELDS
    monthly = read_rows(snapshot_dir / "market" / "ff3_factors_monthly.csv")
    assert len(tables.monthly) == len(monthly) == 1196
    assert list(tables.monthly.index.strftime("%Y-%m")) == [r["date"] for r in monthly]
    for name in FIELDS:
        assert tables.monthly[name].tolist() == [float(r[name]) for r in monthly]
    annual = read_rows(snapshot_dir / "market" / "ff3_factors_annual.csv")
    assert list(tables.annual.index) == [int(r["year"]) for r in annual]
    for name in FIELDS:
        assert tables.annual[name].tolist() == [float(r[name]) for r in annual]
    assert tables.annual.loc[2025, "SMB"] == -10.57
    assert "202602 CRSP" in tables.preamble
    assert tables.to_dict()["monthly"][0] == {"date": "1926-07", "Mkt-RF": 2.89, "SMB": -2.55, "HML": -2.39,
                                              "RF": 0.22}


def test_snapshot_reads_the_original_file(ds, snapshot_dir: Path) -> None:
    monthly = read_rows(snapshot_dir / "market" / "ff3_factors_monthly.csv")
    group = ds.load_group("ff_factors")
    assert list(group.index.strftime("%Y-%m")) == [r["date"] for r in monthly]
    for name in FIELDS:
        assert group[name].tolist() == [float(r[name]) for r in monthly]
    assert "F-F_Research_Data_Factors.CSV" in ds.meta("ff_factors:SMB").source


def test_provider_fetches_zip_and_clips(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    httpserver.expect_request("/F-F_Research_Data_Factors_CSV.zip").respond_with_data(
        kenfrench_zip(snapshot_dir), content_type="application/x-zip-compressed")
    provider = kenfrench.Provider(base_url=httpserver.url_for("/"), sleep=lambda _: None, retries=2)
    frame = provider.fetch(Segment("kenfrench", "F-F_Research_Data_Factors", "SMB"), "ff_factors:SMB",
                           pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    monthly = [r for r in read_rows(snapshot_dir / "market" / "ff3_factors_monthly.csv") if r["date"][:4] == "2025"]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [f"{r['date']}-01" for r in monthly]
    assert frame["value"].tolist() == [float(r["SMB"]) for r in monthly]
    with pytest.raises(DataError, match=r"no factor 'UMD' \(columns: Mkt-RF, SMB, HML, RF\)"):
        provider.fetch(Segment("kenfrench", "F-F_Research_Data_Factors", "UMD"), "x")


GOOD = "Preamble line\n\n,Mkt-RF,SMB\n202601,1.0,2.0\n202602,-99.99,3.0\n\n Annual Factors: January-December \n" \
       ",Mkt-RF,SMB\n  2026,1.5,2.5\n\nCopyright 2026\n"


def test_missing_marker_and_small_file() -> None:
    tables = kenfrench.parse_factor_csv(GOOD)
    assert tables.monthly["Mkt-RF"].isna().tolist() == [False, True]
    assert tables.series("Mkt-RF")["value"].tolist() == [1.0]
    assert tables.annual.loc[2026, "SMB"] == 2.5


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("202602", "202613"), r"bad month '202613' \(file f, row 5\)"),
    (GOOD.replace("202602,-99.99,3.0", "202602,-99.99"), r"expected 2 values, got 1 \(file f, row 5\)"),
    (GOOD.replace("202602,-99.99", "202602,abc"), r"bad value 'abc' \(file f, row 5\)"),
    (GOOD.replace("202602", "202601"), r"month 202601 out of order or repeated \(file f, row 5\)"),
    (GOOD.replace(",Mkt-RF,SMB\n  2026", "  2026"), r"no header line after 'Annual Factors'"),
    (GOOD.replace(",Mkt-RF,SMB\n  2026", ",Mkt-RF,HML\n  2026"), "annual columns"),
    ("just text\nno table\n", r"no header line \(',Mkt-RF,...'\) found"),
    (",Mkt-RF\n\n", "no monthly rows after the header"),
    (GOOD.replace("\n\n Annual", "\n,Mkt-RF,SMB\n Annual"), "unexpected line ',Mkt-RF,SMB' after the monthly block"),
])
def test_malformed_files(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        kenfrench.parse_factor_csv(text, source="f")


def test_zip_problems() -> None:
    with pytest.raises(DataError, match="not a readable zip archive"):
        kenfrench.unzip_csv(b"PK\x03\x04 broken")
    with pytest.raises(DataError, match=r"expected one CSV in the zip, found: a\.CSV, b\.csv"):
        kenfrench.unzip_csv(zip_bytes({"a.CSV": b"x", "b.csv": b"y"}))
    assert kenfrench.unzip_csv(zip_bytes({"F.CSV": GOOD.encode()})) == GOOD.encode()
