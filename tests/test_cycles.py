"""Cycle detection on the snapshot, checked against a derivation from the raw FRED csv files."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.cycles import CycleRules, cycles_from_source, detect_cycles, policy_moves
from ratecycle.errors import RatecycleError


def _raw_moves(snapshot_dir: Path) -> list[tuple[dt.date, dt.date, float]]:
    """(announced, effective, change in bp) from DFEDTAR/DFEDTARU with the csv module and plain Python."""
    rows: list[tuple[dt.date, float]] = []
    for name, col in (("DFEDTAR.csv", "DFEDTAR"), ("DFEDTARU.csv", "DFEDTARU")):
        with open(snapshot_dir / "fred" / name, newline="") as fh:
            rows += [(dt.date.fromisoformat(r["date"]), float(r[col])) for r in csv.DictReader(fh)]
    with open(snapshot_dir / "fred" / "fomc_meeting_dates.csv", newline="") as fh:
        meetings = sorted(dt.date.fromisoformat(r["date"]) for r in csv.DictReader(fh))
    out = []
    for (_, before), (day, after) in itertools.pairwise(rows):
        if after != before:
            near = [m for m in meetings if day - dt.timedelta(days=3) <= m <= day]
            out.append((near[-1] if near else day, day, round((after - before) * 100, 4)))
    return out


def _raw_runs(moves: list[tuple[dt.date, dt.date, float]], max_gap: int) -> list[list[tuple[dt.date, dt.date, float]]]:
    """Runs of one sign with no silence over max_gap days (plain Python)."""
    runs: list[list[tuple[dt.date, dt.date, float]]] = []
    for move in moves:
        if runs and (move[2] < 0) == (runs[-1][-1][2] < 0) and (move[0] - runs[-1][-1][0]).days <= max_gap:
            runs[-1].append(move)
        else:
            runs.append([move])
    return runs


def _raw_cycles(snapshot_dir: Path, max_gap: int = 370, min_pause: int = 52, min_moves: int = 2,
                min_total: float = 50.0) -> list[tuple[str, ...]]:
    """(direction, start, end, pause start or '', pause end or '') with the longest-gap pause rule.

    Noise: a run with fewer than min_moves moves or under min_total bp that is not the open last run is
    removed, smallest first, and the rest regrouped; a cycle then holds every move of its sign between its ends.
    """
    moves = _raw_moves(snapshot_dir)
    end_of_data = dt.date(2026, 8, 21)
    kept = list(moves)
    while True:
        runs = _raw_runs(kept, max_gap)
        small = [(abs(sum(m[2] for m in r)), i) for i, r in enumerate(runs)
                 if (len(r) < min_moves or abs(sum(m[2] for m in r)) < min_total)
                 and not (i == len(runs) - 1 and (end_of_data - r[-1][0]).days <= max_gap)]
        if not small:
            break
        gone = runs[min(small)[1]]
        kept = [m for m in kept if m not in gone]
    out = []
    for r in runs:
        c = [m for m in moves if r[0][0] <= m[0] <= r[-1][0] and (m[2] < 0) == (r[0][2] < 0)]
        gaps = [((b[0] - a[0]).days, -i, a[0].isoformat(), b[0].isoformat()) for i, (a, b) in enumerate(pairwise(c))]
        best = max(gaps) if gaps else None
        pause = best[2:] if best and best[0] >= min_pause else ("", "")
        out.append(("cut" if c[0][2] < 0 else "hike", c[0][0].isoformat(), c[-1][0].isoformat(), *pause))
    return out


@pytest.fixture(scope="module")
def targets(ds):  # type: ignore[no-untyped-def]
    return ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings")


def test_every_cycle_since_1982_matches_raw_derivation(ds, snapshot_dir: Path) -> None:
    cycles = cycles_from_source(ds)
    got = [(c.direction, c.start.date().isoformat(), c.end.date().isoformat(),
            c.pause.start.date().isoformat() if c.pause else "", c.pause.end.date().isoformat() if c.pause else "")
           for c in cycles]
    assert got == _raw_cycles(snapshot_dir)
    assert len(got) >= 18
    # every move is in a cycle or counted as noise inside one, or dropped as noise between cycles
    assert sum(len(c.moves) for c in cycles) <= len(_raw_moves(snapshot_dir))
    assert all(len(c.moves) >= 2 and abs(c.total_change_bps) >= 50 for c in cycles if not c.ongoing)


# One asset manager's list of easing-cycle starts since 1984 (as quoted in issue #14), month precision.
PUBLISHED_STARTS = ["1984-10", "1987-10", "1989-06", "1995-07", "1998-09", "2001-01", "2007-09", "2019-07", "2024-09"]


def test_default_cutting_cycles_since_1984_match_a_published_list(ds) -> None:
    starts = [c.start for c in cycles_from_source(ds, direction="cut", since=1984)]
    assert len(starts) >= len(PUBLISHED_STARTS)
    for got, listed in zip(starts, PUBLISHED_STARTS, strict=False):
        month = pd.Timestamp(listed + "-01")
        # before 1994 the target was not announced: a start within about a month of the listed month counts
        tolerance = 45 if month.year < 1994 else 31
        assert abs((got - month).days) <= tolerance, (got, listed)


def test_noise_neither_forms_nor_ends_a_cycle(ds) -> None:
    cuts = {f"{c.start:%Y-%m}": c for c in cycles_from_source(ds, direction="cut", since=1984)}
    # 1984-86: cuts interrupted by small hikes (12.5 and 6.25 bp steps) are one easing cycle
    easing = cuts["1984-09"]
    assert easing.end == pd.Timestamp("1986-08-19") and easing.opposite_moves == 9
    assert "1987-07" not in cuts  # the lone 12.5 bp cut of 2 July 1987
    one_rule = cycles_from_source(ds, rules=CycleRules(min_moves=1, min_total_bps=0), direction="cut", since=1987)
    assert "1987-07" in {f"{c.start:%Y-%m}" for c in one_rule}


def test_moves_match_raw_files(targets, snapshot_dir: Path) -> None:
    moves = policy_moves(*targets)
    raw = _raw_moves(snapshot_dir)
    assert [(m.announced.date(), m.effective.date(), m.change_bps) for m in moves] == raw


def test_note_cutting_cycles_and_pauses(ds) -> None:
    cuts = cycles_from_source(ds, direction="cut", since=2001)
    # The note's five cycles, pauses given as months without a cut (checked by hand against the note).
    expected = [
        ("2001-01", "2001-12", "2001-07"),
        ("2002-11", "2003-06", "2002-12..2003-05"),
        ("2007-09", "2008-12", "2008-05..2008-09"),
        ("2019-07", "2020-03", "2019-11..2020-02"),
        ("2024-09", "2025-12", "2025-01..2025-08"),
    ]
    cuts = cycles_from_source(ds, rules=CycleRules(max_gap=300), direction="cut", since=2001)
    assert len(cuts) == 5
    for cycle, (start, end, silent) in zip(cuts, expected, strict=True):
        assert f"{cycle.start:%Y-%m}" == start and f"{cycle.end:%Y-%m}" == end
        assert cycle.pause is not None and cycle.later_phase is not None
        first, _, last = silent.partition("..")
        last = last or first
        # months strictly inside the pause are exactly the note's months without a move
        months = pd.period_range(cycle.pause.start, cycle.pause.end, freq="M")[1:-1]
        if len(months) == 0:  # 2001: June 27 to August 21 leaves July as the only silent month
            months = pd.period_range(cycle.pause.start + pd.Timedelta(days=5), cycle.pause.end, freq="M")[:-1]
        assert (str(months[0]), str(months[-1])) == (first, last)
    assert cuts[-1].ongoing and not cuts[0].ongoing
    assert cuts[-1].pause is not None and cuts[-1].pause.days == 273
    assert [c.later_phase.start.date().isoformat() for c in cuts if c.later_phase] == [
        "2001-08-21", "2003-06-25", "2008-10-08", "2020-03-03", "2025-09-17"]


def test_announcement_dates_and_intermeeting_flags(targets) -> None:
    moves = {m.effective.date().isoformat(): m for m in policy_moves(*targets)}
    assert moves["2022-03-17"].announced == pd.Timestamp("2022-03-16") and not moves["2022-03-17"].intermeeting
    # 2019-10-04 is a conference call in the list; the cut effective 10-31 belongs to the 10-30 meeting
    assert moves["2019-10-31"].announced == pd.Timestamp("2019-10-30")
    for day in ("2001-01-03", "2001-04-18", "2001-09-17", "2008-01-22", "2008-10-08"):
        assert moves[day].intermeeting and moves[day].announced == pd.Timestamp(day)
    assert moves["2020-03-16"].announced == pd.Timestamp("2020-03-15")


def test_2008_switch_to_range_is_a_75bp_cut(targets) -> None:
    moves = {m.effective.date().isoformat(): m for m in policy_moves(*targets)}
    switch = moves["2008-12-16"]
    assert switch.change_bps == -75.0 and switch.upper == 0.25 and switch.lower == 0.0
    assert switch.announced == pd.Timestamp("2008-12-16")


def test_zero_lower_bound_has_no_moves(targets) -> None:
    moves = policy_moves(*targets)
    inside = [m.effective for m in moves if pd.Timestamp("2008-12-17") <= m.effective <= pd.Timestamp("2015-12-31")]
    assert inside == [pd.Timestamp("2015-12-16")]  # the lift-off is the first move after the 2008 switch


def test_max_gap_default_keeps_2001_03_and_2025(ds) -> None:
    cuts = cycles_from_source(ds, direction="cut", since=2001)
    assert cuts[0].end == pd.Timestamp("2003-06-25")
    assert cuts[0].pause is not None and cuts[0].pause.days == 330  # 2001-12-11 to 2002-11-06
    split = cycles_from_source(ds, rules=CycleRules(max_gap=300), direction="cut", since=2001)
    assert split[0].end == pd.Timestamp("2001-12-11") and split[1].start == pd.Timestamp("2002-11-06")
    split = cycles_from_source(ds, rules=CycleRules(max_gap=250), direction="cut", since=2024)
    assert [c.start for c in split] == [pd.Timestamp("2024-09-18"), pd.Timestamp("2025-09-17")]


def test_threshold_rule_lists_every_long_gap(ds) -> None:
    rules = CycleRules(rule="threshold", min_pause=45)
    cycle = cycles_from_source(ds, rules=rules, direction="cut", since=2007)[0]
    moves = [m.announced for m in cycle.moves]
    gaps = [(a, b) for a, b in itertools.pairwise(moves) if (b - a).days >= 45]
    assert [(p.start, p.end) for p in cycle.pauses] == gaps
    assert cycle.pause == cycle.pauses[0]
    assert cycle.later_phase is not None and cycle.later_phase.start == gaps[0][1]


def test_hiking_cycles_listed(ds) -> None:
    hikes = cycles_from_source(ds, direction="hike", since=2004)
    assert [(f"{c.start:%Y-%m-%d}", f"{c.end:%Y-%m-%d}") for c in hikes] == [
        ("2004-06-30", "2006-06-29"), ("2015-12-16", "2018-12-19"), ("2022-03-16", "2023-07-26")]
    # the lift-off and the hikes from December 2016 are one cycle; its pause is the 364 days between them
    assert hikes[1].pause is not None and hikes[1].pause.days == 364
    assert hikes[-1].total_change_bps == 525.0


def test_to_dict_shape(ds) -> None:
    doc = cycles_from_source(ds, direction="cut", since=2019)[0].to_dict()
    assert doc["start"] == "2019-07-31" and doc["end"] == "2020-03-15"
    assert doc["pause"] == {"start": "2019-10-30", "end": "2020-03-03", "days": 125}
    assert doc["early_phase"] == {"start": "2019-07-31", "end": "2019-10-30"}
    assert doc["later_phase"] == {"start": "2020-03-03", "end": "2020-03-15"}
    assert doc["moves"][0] == {"announced": "2019-07-31", "effective": "2019-08-01", "change_bps": -25.0,
                               "lower": 2.0, "upper": 2.25, "intermeeting": False}


def test_bad_rules_and_options(ds) -> None:
    with pytest.raises(RatecycleError):
        CycleRules(rule="median")  # type: ignore[arg-type]
    with pytest.raises(RatecycleError):
        CycleRules(min_pause=400, max_gap=300)
    with pytest.raises(RatecycleError):
        cycles_from_source(ds, direction="down")  # type: ignore[arg-type]
    with pytest.raises(RatecycleError):
        cycles_from_source(ds, preset="note-2025", calendar="x.toml")


def test_detect_cycles_matches_source(targets, ds) -> None:
    assert detect_cycles(*targets, since="2019") == cycles_from_source(ds, since=2019)
