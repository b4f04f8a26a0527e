"""Ken French portfolio files: series and the small/big BE/ME ratio against the raw files, read by a plain route."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import GROUPS, Segment
from ratecycle.data.providers import kenfrench
from ratecycle.data.providers.kenfrench_portfolios import column_name, parse_portfolio_csv
from ratecycle.data.providers.snapshot import SnapshotProvider
from ratecycle.data.source import DataSource
from ratecycle.errors import DataError
from wire import zip_bytes

SIZE_LABELS = {"lo30": "Lo 30", "med40": "Med 40", "hi30": "Hi 30", "qnt1": "Lo 20",
               **{f"qnt{i}": f"Qnt {i}" for i in range(2, 5)}, "qnt5": "Hi 20", "dec1": "Lo 10",
               **{f"dec{i}": f"{i}-Dec" for i in range(2, 10)}, "dec10": "Hi 10"}
"""Every size series and its column label in the 202602 vintage (older vintages say 'Dec 2')."""
SIX_LABELS = {"small_lobm": "SMALL LoBM", "small_medbm": "ME1 BM2", "small_hibm": "SMALL HiBM",
              "big_lobm": "BIG LoBM", "big_medbm": "ME2 BM2", "big_hibm": "BIG HiBM"}


def raw_block(path: Path, title: str) -> dict[str, dict[str, float]]:
    """{column label: {YYYYMM: value}} of the block whose title line contains ``title`` (first such block)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    header_at = next(i for i in range(start, len(lines)) if lines[i].startswith(","))
    labels = [c.strip() for c in lines[header_at].split(",")[1:]]
    out: dict[str, dict[str, float]] = {label: {} for label in labels}
    for line in lines[header_at + 1:]:
        if not line.strip():
            break
        stamp, *cells = [c.strip() for c in line.split(",")]
        for label, cell in zip(labels, cells, strict=True):
            out[label][stamp] = float(cell)
    return out


def stamps(series: pd.Series) -> list[str]:
    """YYYYMM strings of a monthly series' dates."""
    return list(series.index.strftime("%Y%m"))


def test_size_series_equal_the_raw_file(ds: DataSource, snapshot_dir: Path) -> None:
    path = SnapshotProvider(snapshot_dir).portfolio_path("Portfolios_Formed_on_ME")
    raw = raw_block(path, "Value Weight Returns -- Monthly")
    assert set(SIZE_LABELS) == {n.split(":")[1] for n in GROUPS["ff_size"]}
    for name, label in SIZE_LABELS.items():
        label = label if label in raw else label.replace(f"{label[0]}-Dec", f"Dec {label[0]}")
        series = ds.load(f"ff_size:{name}")
        expected = {k: v for k, v in raw[label].items() if v not in (-99.99, -999.0)}
        assert stamps(series) == list(expected)
        assert series.tolist() == list(expected.values())
    assert len(GROUPS["ff_size"]) == 18 and set(ds.load_group("ff_size").columns) >= {"lo30", "hi30", "dec10"}
    assert "CRSP" in ds.meta("ff_size:lo30").source and path.name in ds.meta("ff_size:lo30").source


def test_size_file_202602_values_and_missing_codes(snapshot_dir: Path) -> None:
    parsed = parse_portfolio_csv((snapshot_dir / "market" / "Portfolios_Formed_on_ME_202602.csv").read_bytes())
    assert parsed.vintage == "202602"
    assert [b.key for b in parsed.blocks] == ["vw", "ew", "vw_annual", "ew_annual", "firms", "mcap"]
    vw = parsed.block("vw").frame
    # 192607 row of the file: ",  -99.99,    0.06,    1.53,    3.40, ..., 3.53, 3.67"
    assert vw.loc["1926-07-01", "lo30"] == 0.06 and vw.loc["1926-07-01", "hi30"] == 3.40
    assert vw.loc["1926-07-01", "dec1"] == -0.62 and vw.loc["1926-07-01", "dec10"] == 3.67
    assert math.isnan(vw.loc["1926-07-01", "neg"])  # -99.99 in the file
    assert parsed.block("mcap").frame.loc["2026-02-01", "dec10"] == 295019.94
    assert parsed.block("vw_annual").frame.index[0] == 1927


def test_six_portfolio_series_equal_the_raw_file(ds: DataSource, snapshot_dir: Path) -> None:
    path = SnapshotProvider(snapshot_dir).portfolio_path("6_Portfolios_2x3")
    for group, title in (("ff6", "Average Value Weighted Returns -- Monthly"), ("ff6_firms", "Number of Firms"),
                         ("ff6_mcap", "Average Market Cap"), ("ff6_bm", "Value Weight Average of BE/ME")):
        raw = raw_block(path, title)
        for name, label in SIX_LABELS.items():
            series = ds.load(f"{group}:{name}")
            assert stamps(series) == list(raw[label]), (group, name)
            assert series.tolist() == list(raw[label].values()), (group, name)


def test_bm_small_big_by_hand(ds: DataSource, snapshot_dir: Path) -> None:
    path = SnapshotProvider(snapshot_dir).portfolio_path("6_Portfolios_2x3")
    bm = raw_block(path, "Value Weight Average of BE/ME")
    firms, cap = raw_block(path, "Number of Firms"), raw_block(path, "Average Market Cap")
    ratio = ds.load("bm_small_big")
    assert stamps(ratio) == list(bm["SMALL LoBM"])
    for stamp in ("192607", "200003", "202412", stamps(ratio)[-1]):
        sides = []
        for labels in (("SMALL LoBM", "ME1 BM2", "SMALL HiBM"), ("BIG LoBM", "ME2 BM2", "BIG HiBM")):
            weights = [firms[label][stamp] * cap[label][stamp] for label in labels]
            sides.append(sum(w * bm[label][stamp] for w, label in zip(weights, labels, strict=True)) / sum(weights))
        assert ratio[pd.Timestamp(f"{stamp[:4]}-{stamp[4:]}-01")] == pytest.approx(sides[0] / sides[1], rel=1e-12)


def test_2024_12_ratio_from_the_printed_rows(snapshot_dir: Path) -> None:
    """December 2024 of the 202412 file, typed from its rows: BE/ME, number of firms, average market cap."""
    source = DataSource(snapshot=snapshot_dir)
    bm = (0.1583, 0.4510, 1.1710, 0.1025, 0.4587, 0.9015)
    parsed = parse_portfolio_csv((snapshot_dir / "market" / "6_Portfolios_2x3_202412.csv").read_bytes())
    firms = parsed.block("firms").frame.loc["2024-12-01"].tolist()
    cap = parsed.block("mcap").frame.loc["2024-12-01"].tolist()
    assert parsed.block("bm").frame.loc["2024-12-01"].tolist() == list(bm)
    weights = [f * c for f, c in zip(firms, cap, strict=True)]
    small = sum(w * b for w, b in zip(weights[:3], bm[:3], strict=True)) / sum(weights[:3])
    big = sum(w * b for w, b in zip(weights[3:], bm[3:], strict=True)) / sum(weights[3:])
    if SnapshotProvider(snapshot_dir).portfolio_path("6_Portfolios_2x3").name == "6_Portfolios_2x3_202412.csv":
        assert source.load("bm_small_big")["2024-12-01"] == pytest.approx(small / big, rel=1e-12)
    assert parsed.vintage == "202412"


def test_etfs_use_the_adjusted_close(ds: DataSource, snapshot_dir: Path) -> None:
    import csv

    for name in ("ijr", "rsp", "iwb"):
        with (snapshot_dir / "market" / f"{name.upper()}_daily.csv").open(newline="") as fh:
            rows = [(r["date"], float(r["adj_close"])) for r in csv.DictReader(fh) if r["adj_close"]]
        series = ds.load(name)
        assert list(series.index.strftime("%Y-%m-%d")) == [d for d, _ in rows]
        assert series.tolist() == [v for _, v in rows]
    assert ds.load("iwb")["2026-07-31"] == 408.380005


SMALL = """Made using the 202501 CRSP database.

Missing data are indicated by -99.99 or -999.

  Average Value Weight Returns -- Monthly
,Lo 30,Med 40,Hi 30,Dec 2
202501, 1.0, -99.99, 2.0, 3.0
202502, -999, 1.5, 2.5, 3.5

  Number of Firms in Portfolios
,Lo 30,Med 40,Hi 30,Dec 2
202501, 10, 20, 30, 40
202502, 11, 21, 31, 41

Copyright 2025
"""


def test_small_file_missing_codes_and_labels() -> None:
    parsed = parse_portfolio_csv(SMALL, source="f")
    assert parsed.vintage == "202501"
    frame = parsed.block("vw").frame
    assert frame.columns.tolist() == ["lo30", "med40", "hi30", "dec2"]
    assert frame["med40"].isna().tolist() == [True, False] and frame["lo30"].isna().tolist() == [False, True]
    assert parsed.series("vw:lo30")["value"].tolist() == [1.0]
    assert column_name("2-Dec") == column_name("Dec 2") == "dec2"


@pytest.mark.parametrize(("text", "message"), [
    (SMALL.replace("Number of Firms in Portfolios", "Mystery Block"), r"unrecognised block title 'Mystery Block' "
                                                                       r"\(file f, row 10\)"),
    (SMALL.replace("202502, 11", "202501, 11"), r"row 202501 out of order or repeated \(file f, row 13\)"),
    (SMALL.replace("202502, -999, 1.5", "202502, x, 1.5"), r"bad value 'x' \(file f, row 8\)"),
    (SMALL.replace("202502, -999, 1.5, 2.5, 3.5", "202502, 1.5"), r"expected 4 values, got 1 \(file f, row 8\)"),
    (SMALL.replace("202502, 11", "2025, 11"), r"mixes monthly and annual rows \(file f, row 13\)"),
    (SMALL.replace("Number of Firms in Portfolios", "Average Value Weight Returns -- Monthly"),
     r"block 'vw' appears twice \(file f, row 10\)"),
    (SMALL.replace("\n\nCopyright", "\n\n202503, 1, 2, 3, 4\nCopyright"),
     r"data row outside a block \(file f, row 15\)"),
    (SMALL.replace("202501, 1.0", "202513, 1.0"), r"bad month '202513' \(file f, row 7\)"),
    ("text only\n", r"no header line"),
    (SMALL.replace("  Average Value Weight Returns -- Monthly\n", ""), "block without a title"),
])
def test_malformed_portfolio_files(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_portfolio_csv(text, source="f")


def test_unknown_block_or_column_names_the_choices() -> None:
    parsed = parse_portfolio_csv(SMALL, source="f")
    with pytest.raises(DataError, match=r"no column 'dec3' in block 'vw' \(columns: lo30, med40, hi30, dec2\)"):
        parsed.series("vw:dec3")
    with pytest.raises(DataError, match=r"no block 'bm' \(blocks: vw, firms\)"):
        parsed.series("bm:lo30")


def test_snapshot_takes_the_newest_vintage(tmp_path: Path) -> None:
    (tmp_path / "market").mkdir()
    (tmp_path / "market" / "Portfolios_Formed_on_ME_202501.csv").write_text(SMALL)
    (tmp_path / "market" / "Portfolios_Formed_on_ME_202502.csv").write_text(SMALL.replace("202501 CRSP",
                                                                                           "202502 CRSP"))
    source = DataSource(snapshot=tmp_path)
    assert source.load("ff_size:hi30").tolist() == [2.0, 2.5]
    assert "Portfolios_Formed_on_ME_202502.csv (CRSP 202502 vintage)" in source.meta("ff_size:hi30").source


def test_live_download_parses_the_same_and_downloads_once(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    body = (snapshot_dir / "market" / "6_Portfolios_2x3_202412.csv").read_bytes()
    httpserver.expect_request("/6_Portfolios_2x3_CSV.zip").respond_with_data(
        zip_bytes({"6_Portfolios_2x3.csv": body}), content_type="application/x-zip-compressed")
    provider = kenfrench.Provider(base_url=httpserver.url_for("/"), sleep=lambda _: None, retries=1)
    got = provider.fetch(Segment("kenfrench", "6_Portfolios_2x3", "bm:small_hibm"), "ff6_bm:small_hibm",
                         pd.Timestamp("2024-01-01"))
    raw = raw_block(snapshot_dir / "market" / "6_Portfolios_2x3_202412.csv", "Value Weight Average of BE/ME")
    assert got["value"].tolist() == [v for k, v in raw["SMALL HiBM"].items() if k >= "202401"]
    provider.fetch(Segment("kenfrench", "6_Portfolios_2x3", "firms:big_lobm"), "ff6_firms:big_lobm")
    assert len(httpserver.log) == 1
    assert "CRSP 202412 vintage" in provider.source_label("6_Portfolios_2x3")


def test_store_update_of_bm_small_big_inputs_downloads_the_file_once(httpserver: HTTPServer, snapshot_dir: Path,
                                                                     tmp_path: Path) -> None:
    """Fetching the 18 inputs of bm_small_big into a store takes one download; the derived ratio then reads the
    store and equals the snapshot's."""
    from ratecycle.data.catalog import CATALOG
    from ratecycle.data.store import Store
    from ratecycle.data.update import ProviderPool, update_many

    body = (snapshot_dir / "market" / "6_Portfolios_2x3_202412.csv").read_bytes()
    httpserver.expect_request("/6_Portfolios_2x3_CSV.zip").respond_with_data(
        zip_bytes({"6_Portfolios_2x3.csv": body}), content_type="application/x-zip-compressed")
    provider = kenfrench.Provider(base_url=httpserver.url_for("/"), sleep=lambda _: None, retries=1)
    store = Store(tmp_path / "kf.duckdb")
    inputs = CATALOG["bm_small_big"].derived[1:]
    results = update_many([CATALOG[n] for n in inputs], store,
                          providers=ProviderPool({"kenfrench": provider}, only_injected=True))
    assert [r.status for r in results] == ["updated"] * 18 and len(httpserver.log) == 1
    assert "CRSP 202412 vintage" in DataSource(store_path=store.path).meta("ff6_bm:small_lobm").source
    stored = DataSource(store_path=store.path).load("bm_small_big")
    parsed = DataSource(snapshot=tmp_path / "only6")
    (tmp_path / "only6" / "market").mkdir(parents=True)
    (tmp_path / "only6" / "market" / "6_Portfolios_2x3_202412.csv").write_bytes(body)
    assert stored.equals(parsed.load("bm_small_big")) and stored.index[-1] == pd.Timestamp("2024-12-01")


def test_a_malformed_snapshot_file_is_one_line_on_stderr(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], snapshot_dir: Path,
                                                         tmp_path: Path) -> None:
    from cli_run import cli

    (tmp_path / "market").mkdir()
    text = (snapshot_dir / "market" / "Portfolios_Formed_on_ME_202602.csv").read_text(encoding="utf-8")
    bad = text.replace("Number of Firms in Portfolios", "Number of Frogs")
    (tmp_path / "market" / "Portfolios_Formed_on_ME_202602.csv").write_text(bad, encoding="utf-8", newline="")
    row = bad.splitlines().index("  Number of Frogs") + 1
    code, out, err = cli(monkeypatch, capsys, "data", "show", "ff_size:lo30", "--snapshot", str(tmp_path))
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"unrecognised block title 'Number of Frogs' (file {tmp_path / 'market'}" in err and f"row {row})" in err


def test_block_values_equal_row_by_row(snapshot_dir: Path) -> None:
    """The block converted at once by numpy equals kenfrench._values row by row, bit for bit (missing as NaN)."""
    import numpy as np

    from ratecycle.data.providers.kenfrench import _values
    from ratecycle.data.providers.kenfrench_portfolios import _block_values

    lines = (snapshot_dir / "market" / "Portfolios_Formed_on_ME_202602.csv").read_text(
        encoding="utf-8-sig", errors="replace").splitlines()
    rows = [line for line in lines if line[:6].isdigit() and line[6:7] == ","]
    width = rows[0].count(",")
    block = [line for line in rows[:400] if line.count(",") == width]
    fast = _block_values(block, width, 0, source="f")
    slow = np.array([_values(line, width, source="f", number=1) for line in block])
    assert fast.shape == (len(block), width) and len(block) > 100
    np.testing.assert_array_equal(fast, slow)
