"""Point-in-time labels: no look-ahead (property test), edge cases, and differences from the ex-post view."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ratecycle.cycles import CycleRules, detect_cycles, policy_moves
from ratecycle.cycles.pit import label_differences, point_in_time, point_in_time_labels, walk_labels
from ratecycle.errors import RatecycleError

DAY0 = pd.Timestamp("2000-01-03")


def synthetic(n_days: int, moves: list[tuple[int, float]], lag: int = 0, at_meeting: bool = True,
              extra_meetings: tuple[int, ...] = ()) -> tuple[pd.Series, pd.Series, pd.DatetimeIndex]:
    """Daily upper/lower bounds with the given (effective day offset, change in bp); meetings ``lag`` days earlier."""
    index = pd.date_range(DAY0, periods=n_days, freq="D")
    level = [5.0] * n_days
    for offset, change in moves:
        for i in range(offset, n_days):
            level[i] += change / 100.0
    upper = pd.Series(level, index=index)
    meetings = sorted({DAY0 + pd.Timedelta(days=o - lag) for o, _ in moves if at_meeting}
                      | {DAY0 + pd.Timedelta(days=o) for o in extra_meetings})
    return upper, upper - 0.25, pd.DatetimeIndex(meetings)


@st.composite
def step_series(draw: st.DrawFn) -> tuple[pd.Series, pd.Series, pd.DatetimeIndex, CycleRules, int]:
    n_days = draw(st.integers(15, 50))
    offsets = draw(st.lists(st.integers(2, n_days - 1), unique=True, max_size=8))
    changes = draw(st.lists(st.sampled_from([-50.0, -25.0, 25.0, 50.0]), min_size=len(offsets),
                            max_size=len(offsets)))
    lag = draw(st.sampled_from([0, 1]))
    at_meeting = draw(st.booleans())
    extra = tuple(draw(st.lists(st.integers(0, n_days - 1), max_size=4)))
    upper, lower, meetings = synthetic(n_days, list(zip(sorted(offsets), changes, strict=True)), lag, at_meeting,
                                       extra)
    min_pause = draw(st.integers(1, 15))
    rules = CycleRules(rule=draw(st.sampled_from(["longest", "threshold"])), min_pause=min_pause,
                       max_gap=draw(st.integers(min_pause, 30)), meeting_window=draw(st.integers(lag, 3)))
    return upper, lower, meetings, rules, lag


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(step_series())
def test_label_uses_only_data_known_on_the_day(case) -> None:  # type: ignore[no-untyped-def]
    upper, lower, meetings, rules, _ = case
    days = list(upper.index)
    full = walk_labels(policy_moves(upper, lower, meetings, rules.meeting_window), days, rules)
    frame = point_in_time_labels(upper, lower, meetings, rules)
    for i, t in enumerate(days):
        # known on t: target changes decided by t take effect within meeting_window days (a change is
        # dated to the latest listed meeting at most that many days earlier), so data past t + window is cut
        cut = t + pd.Timedelta(days=rules.meeting_window)
        truncated = point_in_time(t, upper[:cut], lower[:cut], meetings[meetings <= cut], rules)
        assert full[i] == truncated
        row = frame.loc[t]
        assert (bool(row["in_cycle"]), bool(row["pause_underway"]), bool(row["later_phase_started"])) == (
            truncated.in_cycle, truncated.pause_underway, truncated.later_phase_started)
        assert (None if pd.isna(row["direction"]) else row["direction"]) == truncated.direction


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(step_series())
def test_same_day_moves_need_only_data_up_to_the_day(case) -> None:  # type: ignore[no-untyped-def]
    upper, lower, meetings, rules, _ = case
    rules = CycleRules(rule=rules.rule, min_pause=rules.min_pause, max_gap=rules.max_gap, meeting_window=0)
    days = list(upper.index)
    full = walk_labels(policy_moves(upper, lower, meetings, 0), days, rules)
    for i, t in enumerate(days):
        assert full[i] == point_in_time(t, upper[:t], lower[:t], meetings[meetings <= t], rules)


def test_single_move() -> None:
    upper, lower, meetings = synthetic(200, [(50, -25.0)])
    rules = CycleRules(min_pause=10, max_gap=60, min_moves=1, min_total_bps=0)
    (cycle,) = detect_cycles(upper, lower, meetings, rules)
    assert cycle.start == cycle.end == DAY0 + pd.Timedelta(days=50)
    assert cycle.pause is None and cycle.later_phase is None and not cycle.ongoing
    labels = point_in_time_labels(upper, lower, meetings, rules)
    assert not labels["in_cycle"].iloc[49] and labels["in_cycle"].iloc[50]
    assert labels["in_cycle"].iloc[110] and not labels["in_cycle"].iloc[111]  # 60 days after the move
    assert labels["pause_underway"].iloc[60] and not labels["pause_underway"].iloc[59]
    assert not labels["later_phase_started"].any()


def test_back_to_back_intermeeting_moves() -> None:
    upper, lower, meetings = synthetic(100, [(10, -50.0), (11, -50.0)], at_meeting=False)
    moves = policy_moves(upper, lower, meetings)
    assert [m.intermeeting for m in moves] == [True, True]
    assert [m.announced for m in moves] == [m.effective for m in moves]
    (cycle,) = detect_cycles(upper, lower, meetings, CycleRules(min_pause=5, max_gap=30))
    assert len(cycle.moves) == 2 and cycle.total_change_bps == -100.0 and cycle.pause is None


def test_cut_followed_by_hike() -> None:
    upper, lower, meetings = synthetic(100, [(10, -25.0), (20, -25.0), (30, 25.0)], lag=1)
    rules = CycleRules(min_pause=5, max_gap=80)
    cut, hike = detect_cycles(upper, lower, meetings, rules)
    assert (cut.direction, hike.direction) == ("cut", "hike")
    assert cut.end == DAY0 + pd.Timedelta(days=19) and hike.start == DAY0 + pd.Timedelta(days=29)
    assert cut.pause is not None and cut.pause.days == 10 and not cut.ongoing and hike.ongoing
    label = point_in_time(DAY0 + pd.Timedelta(days=29), upper, lower, meetings, rules)
    assert label.direction == "hike" and label.cycle_start == hike.start and label.moves_in_cycle == 1


def test_point_target_to_range_switch() -> None:
    index = pd.date_range("2008-12-10", "2008-12-20", freq="D")
    upper = pd.Series([1.0] * 6 + [0.25] * 5, index=index)
    lower = pd.Series([1.0] * 6 + [0.0] * 5, index=index)
    (move,) = policy_moves(upper, lower, pd.DatetimeIndex(["2008-12-16"]))
    assert (move.change_bps, move.lower, move.upper, move.direction) == (-75.0, 0.0, 0.25, "cut")
    assert move.announced == pd.Timestamp("2008-12-16") and not move.intermeeting


def test_series_ending_inside_a_pause() -> None:
    upper, lower, meetings = synthetic(101, [(10, -25.0), (20, -25.0)])
    rules = CycleRules(min_pause=30, max_gap=200)
    (cycle,) = detect_cycles(upper, lower, meetings, rules)
    assert cycle.ongoing and cycle.pause is None and cycle.later_phase is None
    assert cycle.open_pause is not None and cycle.open_pause.days_so_far == 80
    last = point_in_time(upper.index[-1], upper, lower, meetings, rules)
    assert last.pause_underway and not last.later_phase_started and last.phase == "pause"
    assert last.pause_start == DAY0 + pd.Timedelta(days=20) and last.days_since_last_move == 80


def test_differences_on_synthetic_cycle() -> None:
    # cuts on days 0+1, 10, 60 (min_pause 30, max_gap 100): ex post the pause runs day 10 -> 60
    upper, lower, meetings = synthetic(300, [(1, -25.0), (10, -25.0), (60, -25.0)])
    diff = label_differences(upper, lower, meetings, CycleRules(min_pause=30, max_gap=100))
    day = lambda n: DAY0 + pd.Timedelta(days=n)  # noqa: E731
    got = {(r.field, r.start, r.end, r.days, r.point_in_time, r.ex_post) for r in diff.itertuples()}
    assert got == {
        ("pause_underway", day(11), day(39), 29, False, True),  # not yet 30 days without a move
        ("in_cycle", day(61), day(160), 100, True, False),  # the end is only known after max_gap
        ("later_phase_started", day(61), day(160), 100, True, False),
        ("pause_underway", day(90), day(160), 71, True, False),
    }


def test_snapshot_labels(ds) -> None:
    upper, lower, meetings = ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings")
    later = point_in_time("2025-10-01", upper, lower, meetings)
    assert later.phase == "later" and later.later_phase_start == pd.Timestamp("2025-09-17")
    assert later.cycle_start == pd.Timestamp("2024-09-18") and later.moves_in_cycle == 4
    paused = point_in_time("2025-03-01", upper, lower, meetings)
    assert paused.phase == "pause" and paused.days_since_last_move == (pd.Timestamp("2025-03-01")
                                                                      - pd.Timestamp("2024-12-18")).days
    # announced 2019-07-31, effective 2019-08-01: known on the announcement day
    assert point_in_time("2019-07-31", upper, lower, meetings).direction == "cut"
    assert point_in_time("2019-07-30", upper, lower, meetings).direction == "hike"  # 223 days after the last hike
    zlb = point_in_time_labels(upper, lower, meetings, start="2010-01-01", end="2014-12-31")
    assert not zlb["in_cycle"].any() and (zlb["days_since_last_move"] > 300).all()
    with pytest.raises(RatecycleError):
        point_in_time("1970-01-01", upper, lower, meetings)


def test_snapshot_differences(ds) -> None:
    upper, lower, meetings = ds.load("fed_target_upper"), ds.load("fed_target_lower"), ds.load("fomc_meetings")
    diff = label_differences(upper, lower, meetings)
    ends = diff[diff["field"] == "in_cycle"].set_index("cycle")
    # after the last cut of 2008-12-16 a real-time observer still saw a live cycle for max_gap (370) days
    assert (ends.loc["cut 2007-09", "start"], ends.loc["cut 2007-09", "days"]) == (pd.Timestamp("2008-12-17"), 370)
    # the 2015-18 hikes: the first cut (announced 2019-07-31) ended the live label after 223 days
    assert ends.loc["hike 2015-12", "days"] == (pd.Timestamp("2019-07-31") - pd.Timestamp("2018-12-20")).days
    # real time cannot tell a lone small move from a new cycle: the 1987-07-02 cut of 12.5 bp, noise in
    # hindsight, looked like the start of a cutting cycle until the next hike (1987-08-27)
    turns = diff[diff["field"] == "direction"]
    lone = turns[turns["start"] == pd.Timestamp("1987-07-02")].iloc[0]
    assert (lone["point_in_time"], lone["ex_post"], lone["end"]) == ("cut", "hike", pd.Timestamp("1987-08-26"))
    assert (turns["start"] < pd.Timestamp("1990-01-01")).all()  # since 1990 every move was part of a cycle
    # 2022-23: real time sees a later phase from the 56-day gap of 2022; hindsight picks the 84-day gap of 2023
    early = diff[(diff["cycle"] == "hike 2022-03") & (diff["field"] == "later_phase_started")].iloc[0]
    assert (early["start"], early["end"]) == (pd.Timestamp("2022-09-21"), pd.Timestamp("2023-07-25"))
