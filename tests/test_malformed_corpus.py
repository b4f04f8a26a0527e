"""A table of malformed inputs through every way data enters: each is exit 2, one stderr line, no traceback,
and the store byte for byte as it was (#13)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli_run import cli
from ratecycle.data.snapshot_io import import_snapshot
from ratecycle.data.store import Store

SMALL_FILES = ("fred/DFF.csv", "fred/USREC.csv", "fred/fomc_meeting_dates.csv", "market/RUT_daily.csv")
TODAY = "2026-12-04"


@pytest.fixture(scope="module")
def small_store(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding four real series (DFF, USREC, FOMC dates, ^RUT) imported from the snapshot's files."""
    root = tmp_path_factory.mktemp("small")
    snap = root / "snap"
    for name in SMALL_FILES:
        (snap / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot_dir / name, snap / name)
    path = root / "small.duckdb"
    import_snapshot(snap, Store(path))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _holdings(snapshot_dir: Path) -> tuple[list[str], int, list[str]]:
    """The real IWM download as (preamble+header lines, index of the header, the rest)."""
    lines = (snapshot_dir / "market" / "IWM_holdings_2026-05-05.csv").read_text(encoding="utf-8-sig").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    return lines[: header + 1], header, lines[header + 1:]


def _row(cells: dict[int, str], base: str) -> str:
    """A holdings row with some cells replaced (by position)."""
    import csv
    import io

    record = next(csv.reader([base]))
    for position, value in cells.items():
        record[position] = value
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="").writerow(record)
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    """One malformed input: how it is fed to the CLI and the words its error must contain."""

    id: str
    how: str  # import-dir FILE | import-series | holdings | store
    target: str  # snapshot-relative path for import-dir
    body: bytes | Callable[[Path], bytes] | None
    expect: str


DFF_HEAD = b"date,DFF\n"
RUT_HEAD = b"date,open,high,low,close,adj_close,volume\n"


def _rut(*closes: str) -> bytes:
    days = [f"2026-08-{d:02d}" for d in (24, 25, 26, 27, 28)]
    return RUT_HEAD + b"".join(f"{day},1,1,1,{c},{c},0\n".encode() for day, c in zip(days, closes, strict=False))


def _dff(*rows: str) -> bytes:
    return DFF_HEAD + b"".join(f"{r}\n".encode() for r in rows)


def _user(*rows: str) -> bytes:
    return b"date,value\n" + b"".join(f"{r}\n".encode() for r in rows)


def _cut_table(snapshot_dir: Path) -> bytes:
    head, _, rest = _holdings(snapshot_dir)
    return ("\n".join(head + rest[:9]) + "\n").encode()


def _holdings_with(change: Callable[[list[str]], list[str]]) -> Callable[[Path], bytes]:
    def build(snapshot_dir: Path) -> bytes:
        head, _, rest = _holdings(snapshot_dir)
        return "\n".join(head + change(rest)).encode()
    return build


def _as_of(snapshot_dir: Path) -> bytes:
    head, _, rest = _holdings(snapshot_dir)
    head = [line.replace('"May 05, 2026"', '"May 05, 2099"') for line in head]
    return "\n".join(head + rest).encode()


CASES = [
    # data import-series: dates strictly ISO
    *[Case(f"user-date-{i}", "import-series", "", _user("2025-01-31,10", f"{d},11"), "bad date")
      for i, d in enumerate(["31.01.2025", "04.03.2025", "03/04/2025", "May 2025", "2025", "2025-13-01",
                             "2025-02-30", "20250301", "2025-3-5", "2025-03-05T00:00", "'2025-03-05", "1/2/25"])],
    Case("user-date-future", "import-series", "", _user("2025-01-31,10", "2099-01-01,11"), "date after"),
    Case("user-date-ancient", "import-series", "", _user("1700-01-01,10", "2025-01-31,11"), "date before"),
    Case("user-value-text", "import-series", "", _user("2025-01-31,abc"), "bad value"),
    Case("user-value-empty", "import-series", "", _user("2025-01-31,"), "missing value"),
    Case("user-value-inf", "import-series", "", _user("2025-01-31,inf"), "non-finite"),
    Case("user-value-nan", "import-series", "", _user("2025-01-31,nan"), "missing value"),
    Case("user-value-overflow", "import-series", "", _user("2025-01-31,1e309"), "non-finite"),
    Case("user-value-huge", "import-series", "", _user("2025-01-31,1e308"), "beyond"),
    Case("user-value-comma", "import-series", "", _user("2025-01-31,1,5"), "expected 2 columns"),
    Case("user-duplicate", "import-series", "", _user("2025-01-31,10", "2025-01-31,11"), "duplicate date"),
    Case("user-header-only", "import-series", "", b"date,value\n", "no observations"),
    Case("user-empty", "import-series", "", b"", "no observations"),
    Case("user-three-columns", "import-series", "", _user("2025-01-31,10,1"), "expected 2 columns"),
    Case("user-not-utf8", "import-series", "", b"date,value\n2025-01-31,\xff\xfe\n", "not UTF-8"),
    Case("user-bad-quote", "import-series", "", b'date,value\n"2025-01-31,10\n', "expected 2 columns"),
    Case("user-directory", "import-series", "", None, "directory"),
    Case("user-device", "import-series", "/dev/zero", None, "not a regular file"),
    Case("user-fifo", "import-series", "fifo", None, "not a regular file"),
    Case("user-too-big", "import-series", "big", _user(*[f"2025-01-{d:02d},10" for d in range(1, 29)]),
         "above the"),
    # data import DIR: the effective rate
    Case("dff-header-only", "import-dir", "fred/DFF.csv", DFF_HEAD, "no observations"),
    Case("dff-empty", "import-dir", "fred/DFF.csv", b"", "empty file"),
    Case("dff-cut", "import-dir", "fred/DFF.csv", _dff("2026-08-07,3.63")[:-2], "cut off"),
    Case("dff-value-text", "import-dir", "fred/DFF.csv", _dff("2026-08-07,3.6x"), "bad value"),
    Case("dff-future", "import-dir", "fred/DFF.csv", _dff("2026-08-07,3.6", "2099-01-01,3.6"), "date after"),
    Case("dff-jump", "import-dir", "fred/DFF.csv", _dff("2026-08-07,3.6", "2026-08-08,23.6"), "implausible move"),
    Case("dff-too-high", "import-dir", "fred/DFF.csv", _dff("2026-08-07,45"), "above 30"),
    Case("dff-too-low", "import-dir", "fred/DFF.csv", _dff("2026-08-07,-6"), "below -5"),
    Case("dff-us-date", "import-dir", "fred/DFF.csv", _dff("08/07/2026,3.6"), "bad date"),
    Case("dff-month-date", "import-dir", "fred/DFF.csv", _dff("2026-08,3.6"), "bad date"),
    Case("dff-duplicate", "import-dir", "fred/DFF.csv", _dff("2026-08-07,3.6", "2026-08-07,3.6"), "duplicate"),
    Case("dff-wrong-header", "import-dir", "fred/DFF.csv", b"date,DFX\n2026-08-07,3.6\n", "no 'DFF' column"),
    Case("dff-short-row", "import-dir", "fred/DFF.csv", b"date,DFF\n2026-08-07\n", "too few fields"),
    Case("dff-not-utf8", "import-dir", "fred/DFF.csv", b"date,DFF\n2026-08-07,\xff\n", "not UTF-8"),
    Case("dff-inf", "import-dir", "fred/DFF.csv", _dff("2026-08-07,inf"), "non-finite"),
    Case("dff-fifo", "import-dir", "fred/DFF.csv", None, "not a regular file"),
    Case("dff-directory", "import-dir", "fred/DFF.csv", None, "directory"),
    # data import DIR: the Russell 2000
    Case("rut-times-1000", "import-dir", "market/RUT_daily.csv", _rut("2500", "2510", "2510000", "2515"),
         "implausible move"),
    Case("rut-zero", "import-dir", "market/RUT_daily.csv", _rut("2500", "0", "2510"), "must be above 0"),
    Case("rut-negative", "import-dir", "market/RUT_daily.csv", _rut("2500", "-2510"), "must be above 0"),
    Case("rut-huge", "import-dir", "market/RUT_daily.csv", _rut("1e308"), "beyond"),
    Case("rut-halved", "import-dir", "market/RUT_daily.csv", _rut("2500", "1200"), "implausible move"),
    Case("rut-no-close", "import-dir", "market/RUT_daily.csv", b"date,open\n2026-08-24,1\n", "no 'close' column"),
    Case("rut-2099", "import-dir", "market/RUT_daily.csv", RUT_HEAD + b"2099-08-24,1,1,1,2500,2500,0\n",
         "date after"),
    Case("rut-old-snapshot", "import-dir", "market/RUT_daily.csv", RUT_HEAD + b"2020-01-02,1,1,1,1600,1600,0\n",
         "older data does not replace newer"),
    # data import DIR: events and indicators
    Case("fomc-2099", "import-dir", "fred/fomc_meeting_dates.csv", b"date,sources\n2026-09-16,x\n2099-01-01,x\n",
         "date after"),
    Case("fomc-bad-date", "import-dir", "fred/fomc_meeting_dates.csv", b"date,sources\nSept 16 2026,x\n",
         "bad date"),
    Case("fomc-header-only", "import-dir", "fred/fomc_meeting_dates.csv", b"date,sources\n", "no observations"),
    Case("usrec-two", "import-dir", "fred/USREC.csv", b"date,USREC\n2026-01-01,2\n", "must be one of"),
    # ratecycle holdings FILE
    Case("holdings-cut-table", "holdings", "", _cut_table, "ends inside its table"),
    Case("holdings-negative-weight", "holdings", "",
         _holdings_with(lambda rest: [_row({5: "-1.93"}, rest[0]), *rest[1:]]), "weight is negative"),
    Case("holdings-inf-weight", "holdings", "",
         _holdings_with(lambda rest: [_row({5: "inf"}, rest[0]), *rest[1:]]), "weight is not finite"),
    Case("holdings-duplicate-row", "holdings", "", _holdings_with(lambda rest: [rest[0], rest[0], *rest[1:]]),
         "repeats row"),
    Case("holdings-2099", "holdings", "", _as_of, "after tomorrow"),
    Case("holdings-empty", "holdings", "", b"", "empty holdings file"),
    Case("holdings-not-holdings", "holdings", "", b"date,value\n2025-01-01,1\n", "no holdings header"),
    Case("holdings-device", "holdings", "/dev/zero", None, "not a regular file"),
    Case("holdings-directory", "holdings", "", None, "directory"),
    # --store that is not a DuckDB database
    Case("store-csv", "store", "store.csv", b"date,value\n2025-01-01,1\n", "not a DuckDB database"),
    Case("store-json", "store", "store.json", b'{"a": 1}\n', "not a DuckDB database"),
    Case("store-parquet", "store", "store.parquet", b"PAR1" + b"\0" * 64 + b"PAR1", "not a DuckDB database"),
    Case("store-empty", "store", "empty.duckdb", b"", "not a DuckDB database"),
]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60 and len({c.id for c in CASES}) == len(CASES)


def _materialise(case: Case, tmp_path: Path, snapshot_dir: Path) -> Path:
    """Write the case's input where the command will read it; returns that path."""
    body = case.body(snapshot_dir) if callable(case.body) else case.body
    if case.target.startswith("/dev/"):
        return Path(case.target)
    if case.how == "import-dir":
        path = tmp_path / "snap" / case.target
    elif case.how == "store":
        path = tmp_path / case.target
    else:
        path = tmp_path / "input.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.target == "fifo" or case.id.endswith("-fifo"):
        os.mkfifo(path)
    elif body is None:
        path.mkdir()
    else:
        path.write_bytes(body)
    return tmp_path / "snap" if case.how == "import-dir" else path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_refused(case: Case, small_store: Path, snapshot_dir: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copyfile(small_store, store)
    before = _sha(store)
    monkeypatch.setenv("RATECYCLE_TODAY", TODAY)
    if case.target == "big":
        monkeypatch.setenv("RATECYCLE_MAX_FILE_MB", "0.0001")  # 100 bytes
    source = _materialise(case, tmp_path, snapshot_dir)
    if case.how == "import-dir":
        args = ["data", "import", str(source), "--store", str(store)]
    elif case.how == "import-series":
        args = ["data", "import-series", "pe_russell2000", str(source), "--store", str(store)]
    elif case.how == "holdings":
        args = ["holdings", str(source), "--store", str(store)]
    else:
        args = ["data", "import-series", "pe_russell2000", str(tmp_path / "ok.csv"), "--store", str(source)]
        (tmp_path / "ok.csv").write_bytes(_user("2025-01-31,10"))
        store_before = source.read_bytes()
    code, out, err = cli(monkeypatch, capsys, *args)
    lines = err.strip().splitlines()
    assert code == 2, (out, err)
    assert len(lines) == 1 and "Traceback" not in err, err
    assert case.expect in lines[0], lines[0]
    assert _sha(store) == before
    if case.how == "store":
        assert source.read_bytes() == store_before


def test_the_real_snapshot_imports_with_no_outlier_refused(imported: Path) -> None:
    """The bounds were chosen from the real data's largest moves: the whole snapshot imports unchanged."""
    from ratecycle.data.catalog import CATALOG

    stored = {m.name for m in Store(imported).list()}
    assert {"fed_effective", "russell2000", "sp500", "shiller:P", "ff_factors:SMB", "fomc_meetings"} <= stored
    assert all(name in CATALOG for name in stored)


def test_allow_outliers_and_replace_say_otherwise(small_store: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copyfile(small_store, store)
    snap = tmp_path / "snap" / "market"
    snap.mkdir(parents=True)
    (snap / "RUT_daily.csv").write_bytes(RUT_HEAD + b"2020-01-02,1,1,1,1600,1600,0\n2020-01-03,1,1,1,4000,4000,0\n")
    code, _, err = cli(monkeypatch, capsys, "data", "import", str(tmp_path / "snap"), "--store", str(store),
                       "--replace")
    assert code == 2 and "implausible move +150.0% from 1600 on 2020-01-02" in err and "row 3" in err
    code, _, err = cli(monkeypatch, capsys, "data", "import", str(tmp_path / "snap"), "--store", str(store),
                       "--allow-outliers")
    assert code == 2 and "the store holds russell2000 to 2026-08-21, the new data ends 2020-01-03" in err
    code, _, err = cli(monkeypatch, capsys, "data", "import", str(tmp_path / "snap"), "--store", str(store),
                       "--allow-outliers", "--replace")
    assert code == 0, err
    assert Store(store).read("russell2000")["value"].tolist() == [1600.0, 4000.0]
