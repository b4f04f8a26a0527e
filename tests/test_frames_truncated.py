"""A CSV cut off mid-row (no final line end, fewer fields than the header) is an error, never data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ratecycle.data.frames import read_date_value_csv
from ratecycle.data.source import DataSource
from ratecycle.errors import DataError


@pytest.mark.parametrize("keep", [4994, 4996, 5000])
def test_market_body_cut_mid_row_is_an_error(snapshot_dir: Path, keep: int) -> None:
    raw = (snapshot_dir / "market" / "RUT_daily.csv").read_bytes()
    cut = raw[:keep]
    assert not cut.endswith(b"\n") and cut.rsplit(b"\n", 1)[-1].count(b",") < 6  # really mid-row
    with pytest.raises(DataError, match=r"truncated file: last row has \d of 7 fields .*RUT_daily\.csv, "
                                        r"series russell2000, row \d+"):
        read_date_value_csv(cut, series="russell2000", date_column="date", value_column="close",
                            file="market/RUT_daily.csv")


def test_complete_last_row_without_line_end_is_data(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,open,close\n2020-01-02,1.0,2.0\n2020-01-03,3.0,4.0")
    frame = read_date_value_csv(path, series="x", date_column="date", value_column="close")
    assert frame["value"].tolist() == [2.0, 4.0]
    path.write_text("date,open,close\n2020-01-02,1.0,2.0\n2020-01-03,3.0,4")  # cannot tell: same field count
    assert read_date_value_csv(path, series="x", date_column="date", value_column="close")["value"].tolist()[-1] == 4
    path.write_text("date,open,close\n2020-01-02,1.0,2.0\n2020-01-03,3.0")
    with pytest.raises(DataError, match="truncated file"):
        read_date_value_csv(path, series="x", date_column="date", value_column="open")


def test_snapshot_file_without_final_line_end_is_cut_off(snapshot_dir: Path, tmp_path: Path) -> None:
    """A two-column FRED file cut mid-number ('1958-01-13,3.0' -> '1958-01-13,3') keeps its field count."""
    raw = (snapshot_dir / "fred" / "DFF.csv").read_bytes()
    end = raw.index(b"\n", 20000) + 1
    cut = raw[: end + 12]  # the next row's date and one digit of its value
    assert cut.rsplit(b"\n", 1)[-1].count(b",") == 1
    shutil.copytree(snapshot_dir / "market", tmp_path / "market")
    (tmp_path / "fred").mkdir()
    (tmp_path / "fred" / "DFF.csv").write_bytes(cut)
    with pytest.raises(DataError, match=r"file looks cut off: no line end .*DFF\.csv, series fed_effective"):
        DataSource(snapshot=tmp_path).load("fed_effective")
    (tmp_path / "fred" / "DFF.csv").write_bytes(raw[:end])  # cut at a line end: complete rows, read as data
    assert len(DataSource(snapshot=tmp_path).load("fed_effective")) == raw[:end].count(b"\n") - 1
