"""``ratecycle data import/list/status/export/import-series/fetch`` through the real entry point (in process)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from cli_run import cli
from ratecycle.data.store import Store


def one_line_error(code: int, err: str) -> str:
    assert code == 2
    assert "Traceback" not in err and err.strip().count("\n") == 0, err
    return err.strip()


@pytest.fixture
def small_snapshot(snapshot_dir: Path, tmp_path: Path) -> Path:
    """A raw-layout snapshot with three files copied from the shared one (a partial snapshot is valid)."""
    root = tmp_path / "snap"
    (root / "fred").mkdir(parents=True)
    (root / "market").mkdir()
    for rel in ("fred/FEDFUNDS.csv", "fred/PCEPILFE.csv", "market/RUT_daily.csv"):
        shutil.copyfile(snapshot_dir / rel, root / rel)
    return root


def raw(path: Path, column: str) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["date"], r[column]) for r in csv.DictReader(fh)]


def test_import_status_export_roundtrip(monkeypatch, capsys, small_snapshot: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.duckdb"
    code, out, err = cli(monkeypatch, capsys, "data", "import", str(small_snapshot), "--store", str(store), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["layout"] == "raw"
    assert [s["name"] for s in doc["series"]] == ["fed_funds_monthly", "core_pce", "russell2000"]
    rut = raw(small_snapshot / "market" / "RUT_daily.csv", "close")
    by_name = {s["name"]: s for s in doc["series"]}
    assert by_name["russell2000"]["rows"] == len(rut) and by_name["russell2000"]["last"] == rut[-1][0]
    assert {s["name"]: s["reason"] for s in doc["skipped"]}["sp500"] == "no file in this snapshot"

    code, out, _ = cli(monkeypatch, capsys, "data", "show", "core_pce", "--start", "2026-06-01", "--store",
                       str(store), "--json")
    pce = dict(raw(small_snapshot / "fred" / "PCEPILFE.csv", "PCEPILFE"))
    assert code == 0 and json.loads(out)["observations"] == [{"date": "2026-06-01", "value": float(pce["2026-06-01"])}]

    code, out, err = cli(monkeypatch, capsys, "data", "status", "--store", str(store), "--as-of", "2026-08-24",
                         "--json")
    assert code == 0, err
    status = {row["name"]: row for row in json.loads(out)["series"]}
    assert json.loads(out)["location"] == f"store {store}"
    assert (status["russell2000"]["age_days"], status["russell2000"]["stale"]) == (3, False)  # 2026-08-21 close
    gaps = [(g["after"], g["days"]) for g in status["russell2000"]["gaps"]]
    assert gaps == [("2001-09-10", 7)]  # the only break over 5 days in the ^RUT history
    assert (status["core_pce"]["age_days"], status["core_pce"]["stale"]) == (84, False)
    assert status["sp500"]["status"] == "missing" and status["sp500"]["rows"] == 0
    assert status["fed_funds_monthly"]["content_hash"] == Store(store).metadata("fed_funds_monthly").content_hash

    code, out, _ = cli(monkeypatch, capsys, "data", "status", "--store", str(store), "--as-of", "2026-11-23", "--csv")
    rows = {r["name"]: r for r in csv.DictReader(out.splitlines())}
    assert rows["russell2000"]["stale"] == "True" and rows["russell2000"]["age_days"] == "94"

    export = tmp_path / "export"
    code, out, err = cli(monkeypatch, capsys, "data", "export", str(export), "--store", str(store), "--json")
    assert code == 0, err
    hashes = {s["name"]: s["content_hash"] for s in json.loads(out)["series"]}
    again = tmp_path / "again.duckdb"
    code, out, err = cli(monkeypatch, capsys, "data", "import", str(export), "--store", str(again), "--json")
    assert code == 0, err
    assert {s["name"]: s["content_hash"] for s in json.loads(out)["series"]} == hashes
    assert json.loads(out)["layout"] == "export"

    code, out, _ = cli(monkeypatch, capsys, "data", "list", "--store", str(again), "--json")
    listed = {r["name"]: r for r in json.loads(out)}
    assert listed["core_pce"]["available"] and not listed["sp500"]["available"]


def test_export_from_snapshot_and_table_output(monkeypatch, capsys, small_snapshot: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import httpx

    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a --snapshot command tried to use the network")

    monkeypatch.setattr(httpx.Client, "send", no_network)
    code, out, err = cli(monkeypatch, capsys, "data", "export", str(tmp_path / "e"), "--snapshot", str(small_snapshot),
                         "--series", "core_pce")
    assert code == 0, err
    assert "core_pce" in out and not (tmp_path / "store.duckdb").exists()
    lines = (tmp_path / "e" / "series" / "core_pce.csv").read_text().splitlines()
    assert lines[1:] == [f"{d},{v}" for d, v in raw(small_snapshot / "fred" / "PCEPILFE.csv", "PCEPILFE")]
    code, out, _ = cli(monkeypatch, capsys, "data", "status", "--snapshot", str(small_snapshot), "--as-of",
                       "2026-08-24")
    assert code == 0 and f"snapshot {small_snapshot}" in out and "2001-09-10" in out


def test_import_series_then_offline_use(monkeypatch, capsys, small_snapshot: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pe = tmp_path / "pe.csv"
    pe.write_text("date,pe\n2025-06-30,18.5\n2025-07-31,19.25\n")
    store = tmp_path / "s.duckdb"
    code, out, err = cli(monkeypatch, capsys, "data", "import-series", "pe_russell2000", str(pe), "--store", str(store),
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["provider"], doc["source"], doc["rows"], doc["last"]) == ("user", str(pe.resolve()), 2, "2025-07-31")
    code, out, err = cli(monkeypatch, capsys, "data", "show", "pe_russell2000", "--snapshot", str(small_snapshot),
                         "--store", str(store), "--json")
    assert code == 0, err
    assert [o["value"] for o in json.loads(out)["observations"]] == [18.5, 19.25]
    code, out, _ = cli(monkeypatch, capsys, "data", "status", "--snapshot", str(small_snapshot), "--store", str(store),
                       "--json")
    status = {row["name"]: row for row in json.loads(out)["series"]}
    assert status["pe_russell2000"]["provider"] == "user" and status["pe_russell2000"]["stale"] is None


@pytest.mark.parametrize(("args", "message"), [
    (["data", "import-series", "pe_russell2000", "{bad}"],
     r"ratecycle: error: bad date '2025-13-31' (file {bad}, series pe_russell2000, row 3)"),
    (["data", "import-series", "russell2000", "{bad}"], "ratecycle: error: series russell2000 comes from provider"),
    (["data", "import-series", "pe_russel2000", "{bad}"], "ratecycle: error: unknown series 'pe_russel2000'"),
    (["data", "import-series", "pe_russell2000", "{tmp}/none.csv"], "ratecycle: error: cannot read"),
    (["data", "import", "{tmp}/nowhere"], "ratecycle: error: snapshot directory not found"),
    (["data", "import", "{tmp}"], "ratecycle: error: no catalog series found in"),
    (["data", "export", "{tmp}/out"], "ratecycle: error: the store"),
    (["data", "fetch", "--snapshot", "{tmp}"], "ratecycle: error: data fetch downloads into the store"),
    (["data", "fetch", "russel2000"], "ratecycle: error: unknown series 'russel2000'"),
    (["data", "status", "--store", "{tmp}"], "ratecycle: error: store path is a directory"),
])
def test_bad_input_is_one_line(monkeypatch, capsys, tmp_path: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,value\n2025-06-30,18.5\n2025-13-31,19\n")
    filled = [a.format(bad=bad, tmp=tmp_path) for a in args]
    code, _out, err = cli(monkeypatch, capsys, *filled)
    line = one_line_error(code, err)
    assert line.startswith(message.format(bad=bad, tmp=tmp_path)), line
    assert not (tmp_path / "store.duckdb").exists()  # RATECYCLE_STORE (see conftest) was never created
