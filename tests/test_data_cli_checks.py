"""``data list``/``data show`` refuse a missing snapshot directory and a --start after --end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ratecycle.cli.main import run


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ratecycle", *args])
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


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
