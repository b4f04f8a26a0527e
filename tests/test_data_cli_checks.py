"""``data list``/``data show`` refuse a missing snapshot directory and a --start after --end."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_run import cli as _run


@pytest.mark.parametrize("command", [["data", "list"], ["data", "list", "--json"], ["data", "show", "russell2000"]])
def test_missing_snapshot_directory_is_an_error(tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-dir"
    code, out, err = _run(monkeypatch, capsys, *command, "--snapshot", str(missing))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"ratecycle: error: snapshot directory not found: {missing}"]


def test_missing_snapshot_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RATECYCLE_SNAPSHOT", str(tmp_path / "gone"))
    code, out, err = _run(monkeypatch, capsys, "data", "list", "--csv")
    assert code == 2 and out == "" and "snapshot directory not found" in err


def test_show_start_after_end_is_an_error(snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(monkeypatch, capsys, "data", "show", "russell2000", "--start", "2025-09-20",
                          "--end", "2025-09-01", "--json", "--snapshot", str(snapshot_dir))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == ["ratecycle: error: --start 2025-09-20 is after --end 2025-09-01"]


def test_list_refuses_an_unreadable_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database\n")
    code, out, err = _run(monkeypatch, capsys, "data", "list", "--store", str(bad))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "cannot open store" in err and str(bad) in err


def test_status_as_of_judges_only_earlier_observations(snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import json

    code, out, err = _run(monkeypatch, capsys, "data", "status", "--as-of", "1980-01-01", "--json",
                          "--snapshot", str(snapshot_dir))
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)["series"]}
    with (snapshot_dir / "fred" / "DFF.csv").open(newline="") as fh:
        dff = [r["date"] for r in csv.DictReader(fh) if r["date"] <= "1980-01-01"]
    assert (rows["fed_effective"]["rows"], rows["fed_effective"]["last"]) == (len(dff), dff[-1])
    assert rows["russell2000"]["status"] == "missing" and rows["fed_target_upper"]["status"] == "missing"
    assert all(r["age_days"] is None or r["age_days"] >= 0 for r in rows.values())
    code, out, err = _run(monkeypatch, capsys, "data", "status", "--as-of", "1800-01-01",
                          "--snapshot", str(snapshot_dir))
    assert code == 2 and out == "" and "--as-of 1800-01-01 is before every observation" in err
