"""--as-of on every dated command: the output as of D on the full snapshot equals the output on `data cut --as-of D`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli_run import cli
from ratecycle._typing import to_timestamp
from ratecycle.cycles import load_targets, point_in_time
from ratecycle.cycles.loader import released_labels, released_moves
from ratecycle.cycles.rules import CycleRules
from ratecycle.data.asof import as_of
from ratecycle.data.cut import cut_snapshot
from ratecycle.data.source import DataSource
from ratecycle.errors import RatecycleError

DAY = "2025-09-17"
EARLY = "2020-03-03"

NEW = [  # commands that gained --as-of: run on the cut without it (the cut holds only what the gate lets through)
    ("cycles",), ("pit-diff",),
    ("compare", "--start", "2025-03-03", "--end", "2025-09-30"), ("notecheck",), ("backtest",),
    ("sweep", "--pairs", "russell2000,sp500", "--months", "6,12", "--min-pause", "52", "--max-gap", "370",
     "--rules", "longest"),
]
DATED = [  # commands whose defaults or output depend on the day: --as-of on both
    ("study",), ("study", "--phases"), ("study", "--long-history"),
    ("valuation", "pe_sp500"), ("valuation", "bm_small_big"), ("inflation",), ("curve",), ("momentum",),
    ("holdings", "snapshot", "--fund", "IWM"), ("robustness",), ("outlook",),
]


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> dict[str, Path]:
    out = {}
    for day in (DAY, EARLY):
        out[day] = tmp_path_factory.mktemp(f"cut-{day}")
        cut_snapshot(DataSource(snapshot=snapshot_dir), pd.Timestamp(day), out[day])
    return out


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = cli(monkeypatch, capsys, *args, "--json")
    assert code == 0, (args, err)
    return out


@pytest.mark.parametrize("args", NEW, ids=" ".join)
def test_new_as_of_matches_the_cut(args: tuple[str, ...], cut: dict[str, Path], snapshot_dir: Path,
                                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    gated = _run(monkeypatch, capsys, *args, "--snapshot", str(snapshot_dir), "--as-of", DAY)
    assert gated == _run(monkeypatch, capsys, *args, "--snapshot", str(cut[DAY]))
    assert gated != _run(monkeypatch, capsys, *args, "--snapshot", str(snapshot_dir), "--as-of", "2026-08-21")


@pytest.mark.parametrize("args", DATED, ids=" ".join)
def test_dated_commands_match_the_cut(args: tuple[str, ...], cut: dict[str, Path], snapshot_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    full = _run(monkeypatch, capsys, *args, "--snapshot", str(snapshot_dir), "--as-of", DAY)
    assert full == _run(monkeypatch, capsys, *args, "--snapshot", str(cut[DAY]), "--as-of", DAY)


def test_cycles_as_of_an_intermeeting_cut(cut: dict[str, Path], snapshot_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """On 3 Mar 2020 the intermeeting cut (effective that day) is known: the 2019 cycle runs 4 moves to 3 Mar,
    -125 bp, later phase from 3 Mar; the 15 Mar cut is not known yet."""
    gated = _run(monkeypatch, capsys, "cycles", "--since", "2019", "--snapshot", str(snapshot_dir), "--as-of", EARLY)
    assert gated == _run(monkeypatch, capsys, "cycles", "--since", "2019", "--snapshot", str(cut[EARLY]))
    (cycle,) = json.loads(gated)["cycles"]
    assert (cycle["start"], cycle["end"], len(cycle["moves"])) == ("2019-07-31", "2020-03-03", 4)
    assert cycle["total_change_bps"] == -125.0 and cycle["later_phase"]["start"] == "2020-03-03"


def test_backtest_as_of_ends_on_the_day(snapshot_dir: Path, cut: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(_run(monkeypatch, capsys, "backtest", "--snapshot", str(snapshot_dir), "--as-of", EARLY))
    assert doc["end"] == EARLY
    assert doc == json.loads(_run(monkeypatch, capsys, "backtest", "--snapshot", str(cut[EARLY])))


def test_released_labels_equal_the_label_read_through_the_gate(ds: DataSource) -> None:
    """Each day's label in the backtest's signal equals ``point_in_time`` on the data gated at that day; a
    meeting window wider than the release rule's never makes a move known before its row is released."""
    days = pd.to_datetime(["2001-01-03", "2007-09-18", "2008-10-08", "2019-07-31", "2020-03-03", "2020-03-15",
                           "2024-09-18", "2025-09-17", "2025-09-18"])
    frame = released_labels(ds)
    for day in days:
        label = point_in_time(day, *load_targets(as_of(ds, day)))
        row = frame.loc[day]
        assert (row["phase"], row["in_cycle"]) == (label.phase, label.in_cycle), day
    wide = CycleRules(meeting_window=7)
    from ratecycle.data.asof import released

    known = released(ds, "fed_target_upper")
    for move in released_moves(ds, wide):
        assert move.announced >= known[move.effective], move


@pytest.mark.parametrize("args", [*NEW, ("robustness",), ("study",)])
@pytest.mark.parametrize(("day", "message"), [
    ("31.01.2025", "ratecycle: error: not a date: '31.01.2025' (use YYYY-MM-DD)"),
    ("2025-02-30", "ratecycle: error: not a date: '2025-02-30' (use YYYY-MM-DD)"),
    ("2099-01-01", "ratecycle: error: as-of 2099-01-01 is more than 7 days after the last common close of "),
])
def test_a_bad_as_of_is_one_line_and_exit_2(args: tuple[str, ...], day: str, message: str, snapshot_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(monkeypatch, capsys, *args, "--as-of", day, "--snapshot", str(snapshot_dir))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith(message), err


@pytest.mark.parametrize("text", ["31.01.2025", "04.03.2025", "03/04/2025", "May 2025", "2025", "2025-09",
                                  "2025-09-17T10:00", "2025-9-17"])
def test_date_text_is_iso_or_an_error(text: str) -> None:
    with pytest.raises(RatecycleError, match="use YYYY-MM-DD"):
        to_timestamp(text)
    assert to_timestamp(" 2025-09-17 ") == pd.Timestamp("2025-09-17")
