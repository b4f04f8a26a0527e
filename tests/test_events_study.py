"""Event studies, phase returns, baseline, statistics and the SMB long history, against hand computations."""

from __future__ import annotations

import bisect
import csv
import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ratecycle.cycles import preset
from ratecycle.cycles.model import Cycle, Move, Pause
from ratecycle.errors import RatecycleError
from ratecycle.events import baseline, event_study, phase_returns, smb_study
from ratecycle.events.stats import bootstrap_ci, random_window_test, summarize

NOTE_LATER_STARTS = ["2001-08-21", "2003-06-25", "2008-10-08", "2020-03-03", "2025-09-17"]


def raw(snapshot_dir: Path, ticker: str) -> tuple[list[str], list[float]]:
    """(dates, closes) of a market file via the csv module."""
    with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(newline="") as fh:
        rows = [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["close"]]
    return [d for d, _ in rows], [c for _, c in rows]


def last_close(data: tuple[list[str], list[float]], day: str) -> tuple[str, float]:
    """Last (date, close) on or before ``day``."""
    i = bisect.bisect_right(data[0], day) - 1
    return data[0][i], data[1][i]


def month_last(data: tuple[list[str], list[float]]) -> dict[str, tuple[str, float]]:
    """By hand: 'YYYY-MM' -> the month's last (date, close)."""
    out: dict[str, tuple[str, float]] = {}
    for d, c in zip(*data, strict=True):
        out[d[:7]] = (d, c)
    return out


def shift_month(ym: str, k: int) -> str:
    y, m = int(ym[:4]), int(ym[5:7]) - 1 + k
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


@pytest.fixture(scope="module")
def pair(ds) -> tuple[pd.Series, pd.Series]:
    return ds.load("russell2000"), ds.load("sp500")


def test_event_study_month_end_rows_match_raw_closes(snapshot_dir: Path, pair) -> None:
    res = event_study(*pair, preset("note-2025"), anchor="later_start", months=12, convention="month_end")
    rut, spx = month_last(raw(snapshot_dir, "RUT")), month_last(raw(snapshot_dir, "GSPC"))
    assert [d.date().isoformat() for d in res.rows["anchor"]] == NOTE_LATER_STARTS
    for row, anchor in zip(res.rows.itertuples(), NOTE_LATER_STARTS, strict=True):
        ym, ym_end = anchor[:7], shift_month(anchor[:7], 12)
        if ym_end > "2026-08":  # the 2025 window runs past the data
            assert row.incomplete and row.last_date_used == pd.Timestamp("2026-08-21")
            assert row.end_a == pd.Timestamp("2026-08-21")
            continue
        ra = rut[ym_end][1] / rut[ym][1] - 1
        rb = spx[ym_end][1] / spx[ym][1] - 1
        assert (row.start_a.date().isoformat(), row.end_a.date().isoformat()) == (rut[ym][0], rut[ym_end][0])
        assert row.close_start_a == rut[ym][1] and row.close_end_b == spx[ym_end][1]
        assert row.return_a == pytest.approx(ra, abs=1e-12) and row.return_b == pytest.approx(rb, abs=1e-12)
        assert row.spread == pytest.approx(ra - rb, abs=1e-12)
        assert not row.incomplete and not row.dates_differ
    # June 2003: +31.9% for the Russell 2000 (last close of June 2003 to last close of June 2004)
    assert res.rows["return_a"].iloc[1] == pytest.approx(591.52 / 448.37 - 1, abs=1e-12)


def test_event_study_summary_by_hand(snapshot_dir: Path, pair) -> None:
    res = event_study(*pair, preset("note-2025"), convention="month_end", reps=500)
    complete = res.rows[~res.rows["incomplete"]]
    spreads = complete["spread"].to_list()
    s = res.summary
    assert s.n == 4 and s.n_excluded == 1 and s.small_sample and "small sample" in s.warning
    assert s.hits == sum(x > 0 for x in spreads) and s.hit_rate == pytest.approx(s.hits / 4)
    assert s.mean == pytest.approx(statistics.fmean(spreads)) and s.median == pytest.approx(statistics.median(spreads))
    assert s.mean_ci is not None and s.mean_ci[0] <= s.mean <= s.mean_ci[1]
    assert min(spreads) <= s.mean_ci[0] and s.mean_ci[1] <= max(spreads)
    # baseline: every month's last close to the last close 12 months later, over the common history, by hand
    rut, spx = month_last(raw(snapshot_dir, "RUT")), month_last(raw(snapshot_dir, "GSPC"))
    months = sorted(m for m in rut if m in spx)
    hand = []
    for m in months:
        m_end = shift_month(m, 12)
        if m_end not in rut or m_end == "2026-08":  # August 2026 is cut short by the data (ends 2026-08-21)
            continue
        hand.append((rut[m_end][1] / rut[m][1] - 1) - (spx[m_end][1] / spx[m][1] - 1))
    assert res.baseline is not None
    np.testing.assert_allclose(res.baseline.spreads, hand, atol=1e-12)
    assert s.baseline_n == len(hand) and s.baseline_mean == pytest.approx(statistics.fmean(hand))
    for row in complete.itertuples():
        assert row.baseline_percentile == pytest.approx(sum(h <= row.spread for h in hand) / len(hand))


def test_statistics_deterministic_and_sensible() -> None:
    values = np.array([0.02, 0.15, 0.39, 0.05])
    assert bootstrap_ci(values, seed=1) == bootstrap_ci(values, seed=1)
    assert bootstrap_ci(values[:2]) is None
    base = np.linspace(-0.2, 0.2, 401)
    high = random_window_test(np.array([0.5, 0.6, 0.55]), base, n_resamples=999, seed=3)
    assert high is not None and high.p_value == pytest.approx(1 / 1000)
    middle = random_window_test(np.array([-0.01, 0.0, 0.01]), base, n_resamples=999, seed=3)
    assert middle is not None and 0.3 < middle.p_value < 0.7
    s = summarize(np.array([0.1, np.nan, -0.1]), excluded=1)
    assert s.n == 2 and s.hits == 1 and s.mean_ci is None and s.test is None


def _cycle(dates: list[str], pause: tuple[str, str] | None) -> Cycle:
    moves = tuple(Move(pd.Timestamp(d), pd.Timestamp(d), -25.0, 0.0, 0.25) for d in dates)
    return Cycle("cut", moves, Pause(pd.Timestamp(pause[0]), pd.Timestamp(pause[1])) if pause else None)


def test_missing_anchor_is_skipped_or_an_error(pair) -> None:
    no_pause = _cycle(["2019-07-31", "2019-09-18"], None)
    with_pause = _cycle(["2019-07-31", "2019-10-30", "2020-03-03"], ("2019-10-30", "2020-03-03"))
    res = event_study(*pair, [no_pause, with_pause], anchor="later_start", with_baseline=False)
    assert len(res.rows) == 1 and res.skipped == ({"cycle": "cut 2019-07", "reason": "no pause, so no later_start "
                                                                                    "anchor"},)
    with pytest.raises(RatecycleError, match="has no pause, so no later_start anchor"):
        event_study(*pair, [no_pause], anchor="later_start", strict=True)
    with pytest.raises(RatecycleError, match="unknown anchor"):
        event_study(*pair, [with_pause], anchor="pause_end")
    with pytest.raises(RatecycleError, match="runs past the data"):
        event_study(*pair, preset("note-2025"), strict=True)
    assert event_study(*pair, [no_pause], anchor="cycle_start", with_baseline=False).rows["anchor"].iloc[0] == \
        pd.Timestamp("2019-07-31")


def test_daily_convention_and_phase_returns(snapshot_dir: Path, pair) -> None:
    rut, spx = raw(snapshot_dir, "RUT"), raw(snapshot_dir, "GSPC")
    cyc = _cycle(["2019-07-31", "2019-09-18", "2019-10-30", "2020-03-03", "2020-03-15"], ("2019-10-30", "2020-03-03"))
    res = phase_returns(*pair, [cyc], convention="daily", months=12)
    rows = {r.window: r for r in res.rows.itertuples()}
    for window, first, last in (("early", "2019-07-31", "2019-10-30"), ("pause", "2019-10-30", "2020-03-03"),
                                ("later", "2020-03-03", "2020-03-15"),
                                ("12m_after_later_start", "2020-03-03", "2021-03-03")):
        r = rows[window]
        (d0, a0), (d1, a1) = last_close(rut, first), last_close(rut, last)
        b0, b1 = last_close(spx, first)[1], last_close(spx, last)[1]
        assert (r.start_a.date().isoformat(), r.end_a.date().isoformat()) == (d0, d1)
        assert r.return_a == pytest.approx(a1 / a0 - 1, abs=1e-12) and r.return_b == pytest.approx(b1 / b0 - 1)
    # 2020-03-15 was a Sunday: the later phase ends on Friday's close, 2020-03-13
    assert rows["later"].end_a == pd.Timestamp("2020-03-13")
    path = [c for d, c in zip(*rut, strict=True) if "2020-03-03" <= d <= "2020-03-13"]
    peak, worst = path[0], 0.0
    for c in path:
        peak = max(peak, c)
        worst = min(worst, c / peak - 1)
    assert rows["later"].max_drawdown_a == pytest.approx(worst, abs=1e-12)


def test_open_phase_of_an_ongoing_cycle_runs_to_the_data_end(pair) -> None:
    ongoing = [c for c in preset("note-2025") if c.start == pd.Timestamp("2024-09-18")]
    res = phase_returns(*pair, ongoing, convention="daily", months=None)
    later = res.rows[res.rows["window"] == "later"].iloc[0]
    assert bool(later["open_phase"]) and later["end_a"] == pd.Timestamp("2026-08-21")


def test_etf_pair_study(snapshot_dir: Path, ds) -> None:
    res = event_study(ds.load("iwm"), ds.load("spy"), preset("note-2025"), convention="prior_month_end",
                      with_baseline=False)
    first = res.rows.iloc[0]  # anchor 2001-08-21: July 2001 month end to July 2002 month end
    with (snapshot_dir / "market" / "IWM_daily.csv").open(newline="") as fh:
        iwm = {r["date"]: float(r["adj_close"]) for r in csv.DictReader(fh)}
    assert first["start_a"] == pd.Timestamp("2001-07-31") and first["end_a"] == pd.Timestamp("2002-07-31")
    assert first["return_a"] == pytest.approx(iwm["2002-07-31"] / iwm["2001-07-31"] - 1, abs=1e-12)


def test_baseline_rejects_disjoint_pair(ds) -> None:
    early = ds.load("sp500", end="1950-01-01")
    late = ds.load("iwm")
    with pytest.raises(RatecycleError, match="no common history"):
        baseline(early, late)


def test_smb_long_history_by_hand(snapshot_dir: Path, ds) -> None:
    with (snapshot_dir / "market" / "ff3_factors_monthly.csv").open(newline="") as fh:
        smb = {r["date"]: float(r["SMB"]) for r in csv.DictReader(fh)}
    res = smb_study(ds.load("ff_factors:SMB"), preset("note-2025"), months=12, convention="month_end", reps=300)
    # anchor 2003-06-25, month_end: SMB of July 2003 .. June 2004 compounded
    months = [shift_month("2003-07", k) for k in range(12)]
    hand = math.prod(1 + smb[m] / 100 for m in months) - 1
    row = res.rows[res.rows["anchor"] == pd.Timestamp("2003-06-25")].iloc[0]
    assert row["cumulative_smb"] == pytest.approx(hand, abs=1e-12)
    # baseline: every 12-month compounded SMB window of the file
    keys = sorted(smb)
    hand_base = [math.prod(1 + smb[k] / 100 for k in keys[i:i + 12]) - 1 for i in range(len(keys) - 11)]
    assert res.baseline_n == len(hand_base)
    assert row["baseline_percentile"] == pytest.approx(sum(h <= hand for h in hand_base) / len(hand_base))
    assert res.rows["incomplete"].iloc[-1]  # 2025-09 + 12 months runs past the factor data (2026-02)
    assert "different measure" in res.measure
    with pytest.raises(RatecycleError, match="SMB is monthly"):
        smb_study(ds.load("ff_factors:SMB"), preset("note-2025"), convention="daily")


def test_fast_mode_skips_resampling(pair) -> None:
    res = event_study(*pair, preset("note-2025"), reps=0, permutations=0)
    assert res.summary.mean_ci is None and res.summary.test is None and res.summary.baseline_n
    full = event_study(*pair, preset("note-2025"), reps=200, permutations=199)
    assert full.summary.mean == res.summary.mean and full.summary.test is not None
    assert any("ex post" in note for note in res.notes)


def test_partial_window_gets_no_baseline_percentile(pair) -> None:
    res = event_study(*pair, preset("note-2025"), convention="month_end", reps=0, permutations=0)
    partial = res.rows[res.rows["incomplete"]]
    assert len(partial) == 1 and partial["anchor"].iloc[0] == pd.Timestamp("2025-09-17")
    assert np.isnan(partial["baseline_percentile"].iloc[0])
    assert res.rows.loc[~res.rows["incomplete"], "baseline_percentile"].notna().all()


def test_a_single_cycle_is_summarised_without_a_test(pair) -> None:
    one = [c for c in preset("note-2025") if c.start == pd.Timestamp("2019-07-31")]
    res = event_study(*pair, one, convention="month_end", reps=200, permutations=199)
    assert res.summary.n == 1 and res.summary.test is None and res.summary.mean_ci is None
    assert res.summary.mean == pytest.approx(res.rows["spread"].iloc[0])
    assert random_window_test(np.array([0.1]), np.linspace(-0.1, 0.1, 50)) is None
