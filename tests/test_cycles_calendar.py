"""Calendars: the note-2025 preset, user TOML/CSV files, real moves inside calendar dates, and file errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ratecycle.cycles import cycles_from_source, load_calendar, policy_moves, preset, preset_names
from ratecycle.data.source import DataSource
from ratecycle.errors import DataError, RatecycleError
from test_cycles import _raw_moves

NOTE = [  # the note's calendars, pinned to the decision dates bounding the months it names
    ("2001-01-03", "2001-06-27", "2001-08-21", "2001-12-11"),
    ("2002-11-06", "2002-11-06", "2003-06-25", "2003-06-25"),
    ("2007-09-18", "2008-04-30", "2008-10-08", "2008-12-16"),
    ("2019-07-31", "2019-10-30", "2020-03-03", "2020-03-15"),
    ("2024-09-18", "2024-12-18", "2025-09-17", None),
]


def test_preset_note_2025_with_real_moves(ds, snapshot_dir: Path) -> None:
    assert "note-2025" in preset_names()
    cycles = cycles_from_source(ds, preset="note-2025")
    raw = _raw_moves(snapshot_dir)
    last_date = "2026-08-21"
    assert len(cycles) == 5
    for cycle, (start, p_start, p_end, end) in zip(cycles, NOTE, strict=True):
        assert cycle.source == "preset:note-2025" and cycle.direction == "cut"
        assert cycle.start == pd.Timestamp(start)
        assert cycle.pause is not None
        assert (cycle.pause.start, cycle.pause.end) == (pd.Timestamp(p_start), pd.Timestamp(p_end))
        assert cycle.early_phase.end == pd.Timestamp(p_start) and cycle.later_phase is not None
        assert cycle.later_phase.start == pd.Timestamp(p_end)
        hi = end or last_date
        inside = [m for m in raw if start <= m[0].isoformat() <= hi and m[2] < 0]
        assert [(m.announced.date(), m.change_bps) for m in cycle.moves] == [(m[0], m[2]) for m in inside]
        assert cycle.ongoing == (end is None)
    assert cycles[-1].end == pd.Timestamp("2025-12-10")  # open calendar: its last real cut
    assert [len(c.moves) for c in cycles] == [11, 2, 10, 5, 6]


def test_preset_without_target_data(tmp_path: Path) -> None:
    cycles = cycles_from_source(DataSource(snapshot=tmp_path), preset="note-2025")
    assert [c.start for c in cycles] == [pd.Timestamp(row[0]) for row in NOTE]
    assert all(c.moves == () for c in cycles) and cycles[0].end == pd.Timestamp("2001-12-11")
    assert cycles[0].to_dict()["later_phase"] == {"start": "2001-08-21", "end": "2001-12-11"}
    assert preset("note-2025")[1].pause is not None


def test_user_toml_and_csv_calendars(tmp_path: Path, ds) -> None:
    toml = tmp_path / "cal.toml"
    toml.write_text('[[cycle]]\nname = "gfc"\nstart = "2007-09-18"\npause_start = "2008-04-30"\n'
                    'pause_end = "2008-10-08"\nend = "2008-12-16"\n\n[[cycle]]\nstart = "2019-07-31"\n'
                    'end = "2019-10-30"\n\n[[cycle]]\ndirection = "hike"\nstart = "2022-03-16"\n')
    csvf = tmp_path / "cal.csv"
    csvf.write_text("start,pause_start,pause_end,end\n2007-09-18,2008-04-30,2008-10-08,2008-12-16\n"
                    "2019-07-31,,,2019-10-30\n")
    moves = policy_moves(ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings"))
    from_toml, from_csv = load_calendar(toml, moves), load_calendar(csvf, moves)
    assert [c.to_dict() for c in from_toml[:2]] == [c.to_dict() for c in from_csv]
    gfc, short, hikes = from_toml
    assert gfc.name == "gfc" and len(gfc.moves) == 10 and gfc.total_change_bps == -500.0
    assert short.pause is None and short.later_phase is None and len(short.moves) == 3
    assert hikes.direction == "hike" and hikes.ongoing and hikes.end == pd.Timestamp("2023-07-26")
    assert hikes.opposite_moves == 6  # the cuts of 2024-25 fall inside the open-ended calendar
    via_source = cycles_from_source(ds, calendar=csvf, direction="cut", since=2010)
    assert [c.start for c in via_source] == [pd.Timestamp("2019-07-31")]


@pytest.mark.parametrize(("text", "message"), [
    ("start,end\n2001-13-01,2001-12-01\n", "row 2: start is not a date"),
    ("start,pause_start,end\n2001-01-03,2001-06-27,2001-12-11\n", "row 2: give both pause_start and pause_end"),
    ("start,end\n2001-12-11,2001-01-03\n", "row 2: dates must satisfy"),
    ("start,end,direction\n2001-01-03,2001-12-11,down\n", "row 2: direction must be cut or hike"),
    ("begin,end\n2001-01-03,2001-12-11\n", "CSV header must include start"),
    ("start,end\n2001-01-03,2001-12-11\n,2002-01-01\n", "row 3: start is required"),
    ("start,end\n2001-01-03,2001-12-11\n2001-06-01,2002-01-01\n",
     "row 3: cycle starting 2001-06-01 overlaps the cycle of row 2 (2001-01-03 to 2001-12-11)"),
    ("start,end\n2024-09-18,\n2001-01-03,2001-12-11\n2025-01-01,2025-06-01\n",
     "row 4: cycle starting 2025-01-01 overlaps the cycle of row 2 (2024-09-18 to the end of the data)"),
])
def test_calendar_errors_name_file_and_row(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        load_calendar(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_calendar_file_problems(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_calendar(tmp_path / "missing.toml")
    (tmp_path / "cal.json").write_text("{}")
    with pytest.raises(DataError, match=r"must be \.toml or \.csv"):
        load_calendar(tmp_path / "cal.json")
    (tmp_path / "bad.toml").write_text("[[cycle]\nstart=")
    with pytest.raises(DataError, match="not valid TOML"):
        load_calendar(tmp_path / "bad.toml")
    (tmp_path / "empty.toml").write_text("title = 'x'\n")
    with pytest.raises(DataError, match="no \\[\\[cycle\\]\\] tables"):
        load_calendar(tmp_path / "empty.toml")
    with pytest.raises(RatecycleError, match="unknown preset 'note-1999'"):
        preset("note-1999")


def test_calendar_cycle_before_the_target_data_has_unknown_moves(tmp_path: Path, ds) -> None:
    csvf = tmp_path / "cal.csv"
    csvf.write_text("start,pause_start,pause_end,end\n1974-07-01,,,1975-06-01\n2001-01-03,,,2001-12-11\n")
    early, late = cycles_from_source(ds, calendar=csvf)
    assert early.moves == () and early.moves_known is False  # DFEDTAR starts on 1982-09-27
    assert len(late.moves) == 11 and late.moves_known is True
