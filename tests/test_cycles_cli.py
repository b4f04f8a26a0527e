"""``ratecycle cycles``, ``phase`` and ``pit-diff``: JSON/CSV output checked against hand values and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app, run


@pytest.fixture
def cached_source(ds, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read the session's snapshot DataSource instead of re-reading the files for every call."""
    import ratecycle.cli.options as options_cli

    monkeypatch.setattr(options_cli, "source", lambda snapshot, store: ds)


def invoke(snapshot_dir: Path, *args: str) -> str:
    out = CliRunner().invoke(app, [*args, "--snapshot", str(snapshot_dir)])
    assert out.exit_code == 0, out.output
    return out.output


def test_cycles_json(snapshot_dir: Path, cached_source: None) -> None:
    doc = json.loads(invoke(snapshot_dir, "cycles", "--direction", "cut", "--since", "2001", "--json"))
    assert doc["rules"] == {"rule": "longest", "min_pause": 52, "max_gap": 370, "meeting_window": 3,
                            "min_moves": 2, "min_total_bps": 50.0}
    got = [(c["start"], c["end"], c["pause"]["start"], c["pause"]["end"]) for c in doc["cycles"]]
    assert got == [("2001-01-03", "2003-06-25", "2001-12-11", "2002-11-06"),
                   ("2007-09-18", "2008-12-16", "2008-04-30", "2008-10-08"),
                   ("2019-07-31", "2020-03-15", "2019-10-30", "2020-03-03"),
                   ("2024-09-18", "2025-12-10", "2024-12-18", "2025-09-17")]
    gfc = doc["cycles"][1]
    assert gfc["early_phase"] == {"start": "2007-09-18", "end": "2008-04-30"}
    assert gfc["later_phase"] == {"start": "2008-10-08", "end": "2008-12-16"}
    assert [m["announced"] for m in gfc["moves"] if m["intermeeting"]] == ["2008-01-22", "2008-10-08"]
    assert gfc["moves"][-1] == {"announced": "2008-12-16", "effective": "2008-12-16", "change_bps": -75.0,
                                "lower": 0.0, "upper": 0.25, "intermeeting": False}
    assert doc["cycles"][-1]["ongoing"] and "254 d" in doc["cycles"][-1]["note"]  # 2025-12-10 to 2026-08-21


def test_cycles_rules_options(snapshot_dir: Path, cached_source: None) -> None:
    doc = json.loads(invoke(snapshot_dir, "cycles", "--direction", "hike", "--since", "2015", "--rules",
                            "threshold", "--min-pause", "100", "--max-gap", "400", "--json"))
    hikes = doc["cycles"][0]  # a 400-day max gap joins the 2015 lift-off to the 2016-18 hikes
    assert (hikes["start"], hikes["end"]) == ("2015-12-16", "2018-12-19")
    assert [(p["start"], p["end"], p["days"]) for p in hikes["pauses"]] == [
        ("2015-12-16", "2016-12-14", 364), ("2017-06-14", "2017-12-13", 182), ("2018-06-13", "2018-09-26", 105)]
    assert hikes["pause"] == {"start": "2015-12-16", "end": "2016-12-14", "days": 364}
    lone = json.loads(invoke(snapshot_dir, "cycles", "--direction", "hike", "--since", "2015", "--max-gap", "300",
                             "--min-moves", "1", "--min-total", "0", "--json"))
    assert (lone["cycles"][0]["start"], lone["cycles"][0]["end"]) == ("2015-12-16", "2015-12-16")
    assert lone["cycles"][0]["pause"] is None and "no later phase" in lone["cycles"][0]["note"]
    # with two moves required, the lone lift-off is noise: the first hiking cycle is the one from 2016
    noise = json.loads(invoke(snapshot_dir, "cycles", "--direction", "hike", "--since", "2015", "--max-gap", "300",
                              "--json"))
    assert noise["cycles"][0]["start"] == "2016-12-14"


def test_cycles_csv_and_table(snapshot_dir: Path, cached_source: None) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke(snapshot_dir, "cycles", "--since", "2019", "--csv"))))
    assert [(r["cycle"], r["start"], r["pause_days"], r["status"]) for r in rows] == [
        ("cut 2019-07", "2019-07-31", "125", "ended"), ("hike 2022-03", "2022-03-16", "84", "ended"),
        ("cut 2024-09", "2024-09-18", "273", "ongoing")]
    table = invoke(snapshot_dir, "cycles", "--preset", "note-2025")
    assert "2008-04-30..2008-10-08 (161 d)" in table and "preset note-2025" in table


def test_cycles_calendar_file(snapshot_dir: Path, cached_source: None, tmp_path: Path) -> None:
    cal = tmp_path / "mine.csv"
    cal.write_text("start,pause_start,pause_end,end\n2019-07-31,2019-10-30,2020-03-03,2020-03-15\n")
    doc = json.loads(invoke(snapshot_dir, "cycles", "--calendar", str(cal), "--json"))
    (cycle,) = doc["cycles"]
    assert cycle["source"] == "calendar" and len(cycle["moves"]) == 5 and cycle["total_change_bps"] == -225.0


def test_long_history(snapshot_dir: Path, cached_source: None) -> None:
    doc = json.loads(invoke(snapshot_dir, "cycles", "--long-history", "--direction", "cut", "--json"))
    low = [c for c in doc["cycles"] if c["confidence"] == "low"]
    assert low and all(c["source"] == "fedfunds" and c["end"] < "1982-09-27" for c in low)
    assert doc["cycles"][len(low)]["start"] == "1982-10-01"  # then the target-based cycles
    assert doc["long_history_agreement"]["matched"] >= 14


def test_phase(snapshot_dir: Path, cached_source: None) -> None:
    doc = json.loads(invoke(snapshot_dir, "phase", "2020-01-15", "--json"))
    pit = doc["point_in_time"]
    assert (pit["phase"], pit["cycle_start"], pit["last_move"]) == ("pause", "2019-07-31", "2019-10-30")
    assert pit["days_since_last_move"] == 77 and not pit["later_phase_started"]
    assert doc["ex_post_cycle"]["later_phase"]["start"] == "2020-03-03"
    table = invoke(snapshot_dir, "phase", "2012-06-01")
    assert "none" in table and "hindsight (data to 2026-08-21): no cycle" in " ".join(table.split())


def test_pit_diff(snapshot_dir: Path, cached_source: None) -> None:
    doc = json.loads(invoke(snapshot_dir, "pit-diff", "--since", "2019", "--direction", "cut", "--json"))
    rows = [(r["cycle"], r["field"], r["start"], r["end"], r["days"]) for r in doc["differences"]]
    assert ("cut 2019-07", "in_cycle", "2020-03-16", "2021-03-20", 370) in rows  # max_gap days after 2020-03-15
    assert ("cut 2019-07", "pause_underway", "2019-10-31", "2019-12-20", 51) in rows
    assert {r[0] for r in rows} == {"cut 2019-07", "cut 2024-09"}
    by_cycle = {r["cycle"]: r for r in doc["by_cycle"]}
    assert set(by_cycle) == {"cut 2019-07", "cut 2024-09"}
    assert by_cycle["cut 2019-07"]["in_cycle_days"] == 370 and by_cycle["cut 2019-07"]["direction_days"] == 0
    assert by_cycle["cut 2024-09"]["pause_underway_days"] == 51 + 51  # both pauses, hindsight 51 days earlier


@pytest.mark.parametrize(("args", "message"), [
    (["phase", "1970-01-01"], "outside the target data"),
    (["phase", "yesterday-ish"], "not a date"),
    (["cycles", "--direction", "down"], "--direction must be cut or hike"),
    (["cycles", "--rules", "median"], "unknown pause rule 'median'"),
    (["cycles", "--min-pause", "400"], "cannot exceed max_gap"),
    (["cycles", "--preset", "nope"], "unknown preset 'nope'"),
])
def test_cli_errors_are_one_line(snapshot_dir: Path, args: list[str], message: str, cached_source: None,
                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["ratecycle", *args, "--snapshot", str(snapshot_dir)])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err
