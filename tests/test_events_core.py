"""The window kernel and the pair alignment rule, checked against closes read straight from the snapshot CSVs."""

from __future__ import annotations

import bisect
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ratecycle.errors import RatecycleError
from ratecycle.events import Prices, compare_window, pair_windows, window_returns
from ratecycle.events.windows import add_months, horizon_dates, max_drawdowns, reference_dates


def raw_closes(snapshot_dir: Path, ticker: str, column: str = "close") -> tuple[list[str], list[float]]:
    """(ISO dates, closes) of a market file, read with the csv module only."""
    dates, closes = [], []
    with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row[column]:
                dates.append(row["date"])
                closes.append(float(row[column]))
    return dates, closes


def close_on_or_before(data: tuple[list[str], list[float]], day: str) -> tuple[str, float]:
    """By hand: the last (date, close) with date <= day."""
    dates, closes = data
    i = bisect.bisect_right(dates, day) - 1
    assert i >= 0
    return dates[i], closes[i]


def test_reference_dates_by_hand() -> None:
    days = np.array(["2024-02-15", "2025-09-17", "2020-03-03"], dtype="datetime64[D]")
    assert [str(d) for d in reference_dates(days, "daily")] == ["2024-02-15", "2025-09-17", "2020-03-03"]
    assert [str(d) for d in reference_dates(days, "month_end")] == ["2024-02-29", "2025-09-30", "2020-03-31"]
    assert [str(d) for d in reference_dates(days, "prior_month_end")] == ["2024-01-31", "2025-08-31", "2020-02-29"]
    assert [str(d) for d in add_months(np.array(["2024-01-31", "2023-12-31"], dtype="datetime64[D]"), 2)] == [
        "2024-03-31", "2024-02-29"]
    assert str(add_months(np.array(["2024-01-31"], dtype="datetime64[D]"), 1)[0]) == "2024-02-29"
    start, end = horizon_dates(np.array(["2003-06-25"], dtype="datetime64[D]"), 12, "month_end")
    assert (str(start[0]), str(end[0])) == ("2003-06-30", "2004-06-30")
    with pytest.raises(RatecycleError, match="unknown window convention"):
        reference_dates(days, "weekly")


def test_window_returns_match_raw_closes(snapshot_dir: Path, ds) -> None:
    raw = raw_closes(snapshot_dir, "RUT")
    rut = ds.load("russell2000")
    starts = ["2003-06-30", "2020-03-31", "2001-08-31", "2025-08-01", "2019-08-03"]  # 2019-08-03 is a Saturday
    ends = ["2004-06-30", "2021-03-31", "2002-08-31", "2025-09-17", "2019-12-25"]  # 2002-08-31 Sat, 12-25 holiday
    w = window_returns(rut.index.to_numpy(), rut.to_numpy(), np.array(starts, dtype="datetime64[D]"),
                       np.array(ends, dtype="datetime64[D]"))
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        d0, c0 = close_on_or_before(raw, s)
        d1, c1 = close_on_or_before(raw, e)
        assert str(w.start_date[k]) == d0 and str(w.end_date[k]) == d1
        assert w.start_close[k] == c0 and w.end_close[k] == c1
        assert w.returns[k] == pytest.approx(c1 / c0 - 1, abs=1e-12)
    assert str(w.start_date[4]) == "2019-08-02" and str(w.end_date[4]) == "2019-12-24"
    assert not w.incomplete.any() and not w.before_data.any()


def test_window_flags_and_errors(ds) -> None:
    rut = ds.load("russell2000")
    dates, closes = rut.index.to_numpy(), rut.to_numpy()
    w = window_returns(dates, closes, np.array(["1980-01-31", "2026-06-30"], dtype="datetime64[D]"),
                       np.array(["1981-01-31", "2026-12-31"], dtype="datetime64[D]"))
    assert w.before_data[0] and np.isnan(w.returns[0])
    assert w.incomplete[1] and str(w.end_date[1]) == "2026-08-21"
    with pytest.raises(RatecycleError, match="ends before it starts"):
        window_returns(dates, closes, np.array(["2020-02-01"], dtype="datetime64[D]"),
                       np.array(["2020-01-01"], dtype="datetime64[D]"))
    with pytest.raises(RatecycleError, match="strictly increasing"):
        window_returns(dates[::-1], closes[::-1], dates[:1], dates[1:2])


def test_vectorised_kernel_equals_naive_loop(ds) -> None:
    spx = ds.load("sp500", start="1990-01-01")
    rng = np.random.default_rng(7)
    first, last = spx.index[0].value, spx.index[-1].value
    starts = pd.to_datetime(rng.integers(first, last, 300)).normalize()
    ends = starts + pd.to_timedelta(rng.integers(1, 900, 300), unit="D")
    w = window_returns(spx.index.to_numpy(), spx.to_numpy(), starts.to_numpy(), ends.to_numpy())
    for k in range(300):
        before_start, before_end = spx[: starts[k]], spx[: ends[k]]
        assert w.returns[k] == pytest.approx(before_end.iloc[-1] / before_start.iloc[-1] - 1, abs=1e-12)
        assert w.incomplete[k] == (ends[k] > spx.index[-1])


def test_max_drawdown_by_hand() -> None:
    closes = np.array([100.0, 120.0, 90.0, 110.0, 60.0, 130.0])
    dd = max_drawdowns(closes, np.array([0, 0, 4, -1]), np.array([5, 3, 5, 2]))
    assert dd[0] == pytest.approx(60 / 120 - 1)
    assert dd[1] == pytest.approx(90 / 120 - 1)
    assert dd[2] == 0.0
    assert np.isnan(dd[3])


def test_max_drawdowns_equal_a_per_window_loop_bit_for_bit() -> None:
    """Many overlapping windows over closes with ties: the vectorised kernel equals a plain loop exactly."""
    rng = np.random.default_rng(7)
    closes = np.round(np.exp(np.cumsum(rng.normal(0, 0.02, 3000))) * 100, 1)  # rounding makes ties
    starts = rng.integers(-5, 3000, 800)
    ends = np.minimum(starts + rng.integers(-3, 400, 800), 2999)
    got = max_drawdowns(closes, starts, ends)
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        if s < 0 or e < s:
            assert np.isnan(got[k])
            continue
        peak, worst = closes[s], 0.0
        for x in closes[s:e + 1]:
            peak = max(peak, x)
            worst = min(worst, x / peak - 1.0)
        assert got[k] == worst, (k, s, e)


def test_pair_missing_day_uses_own_previous_close_and_flags(snapshot_dir: Path, ds) -> None:
    rut, spx = ds.load("russell2000"), ds.load("sp500")
    holed = spx.drop(pd.Timestamp("2025-08-01"))  # one side lacks the start day
    frame = pair_windows(Prices.from_series(rut, "russell2000"), Prices.from_series(holed, "sp500"),
                         np.array(["2025-08-01"], dtype="datetime64[D]"),
                         np.array(["2025-09-17"], dtype="datetime64[D]"))
    row = frame.iloc[0]
    raw_spx, raw_rut = raw_closes(snapshot_dir, "GSPC"), raw_closes(snapshot_dir, "RUT")
    assert row["start_a"] == pd.Timestamp("2025-08-01") and row["start_b"] == pd.Timestamp("2025-07-31")
    assert bool(row["dates_differ"]) is True
    assert row["close_start_b"] == close_on_or_before(raw_spx, "2025-07-31")[1]
    assert row["return_b"] == pytest.approx(close_on_or_before(raw_spx, "2025-09-17")[1]
                                            / close_on_or_before(raw_spx, "2025-07-31")[1] - 1, abs=1e-12)
    assert row["return_a"] == pytest.approx(close_on_or_before(raw_rut, "2025-09-17")[1]
                                            / close_on_or_before(raw_rut, "2025-08-01")[1] - 1, abs=1e-12)
    assert row["spread"] == pytest.approx(row["return_a"] - row["return_b"])
    assert row["ratio"] == pytest.approx((1 + row["return_a"]) / (1 + row["return_b"]))


def test_pair_etf_that_starts_later_is_flagged_not_shifted(snapshot_dir: Path, ds) -> None:
    iwm, spy = Prices.from_series(ds.load("iwm"), "iwm"), Prices.from_series(ds.load("spy"), "spy")
    frame = pair_windows(iwm, spy, np.array(["1998-09-30", "2000-06-30"], dtype="datetime64[D]"),
                         np.array(["1999-09-30", "2001-06-29"], dtype="datetime64[D]"))
    assert bool(frame["before_data"].iloc[0]) and np.isnan(frame["return_a"].iloc[0])
    assert np.isnan(frame["spread"].iloc[0])
    raw = raw_closes(snapshot_dir, "IWM", "adj_close")
    c0, c1 = close_on_or_before(raw, "2000-06-30")[1], close_on_or_before(raw, "2001-06-29")[1]
    assert frame["return_a"].iloc[1] == pytest.approx(c1 / c0 - 1, abs=1e-12)
    assert not bool(frame["before_data"].iloc[1])


def test_prices_reject_bad_series() -> None:
    idx = pd.DatetimeIndex(["2020-01-01", "2020-01-02"])
    with pytest.raises(RatecycleError, match="non-positive"):
        Prices.from_series(pd.Series([1.0, 0.0], index=idx), "x")
    with pytest.raises(RatecycleError, match="no observations"):
        Prices.from_series(pd.Series([], dtype=float, index=pd.DatetimeIndex([])), "x")


def test_partial_window_ends_both_series_at_the_common_last_date(snapshot_dir: Path, ds) -> None:
    iwn, spy = Prices.from_series(ds.load("iwn"), "iwn"), Prices.from_series(ds.load("spy"), "spy")
    assert iwn.last == np.datetime64("2025-09-25")  # IWN's copy ends long before SPY's
    frame = pair_windows(iwn, spy, np.array(["2025-09-17", "2025-10-01"], dtype="datetime64[D]"),
                         np.array(["2026-09-17", "2025-12-17"], dtype="datetime64[D]"))
    row = frame.iloc[0]
    assert bool(row["incomplete"]) and row["last_date_used"] == pd.Timestamp("2025-09-25")
    assert row["end_a"] == row["end_b"] == pd.Timestamp("2025-09-25") and not bool(row["dates_differ"])
    raw_spy, raw_iwn = raw_closes(snapshot_dir, "SPY", "adj_close"), raw_closes(snapshot_dir, "IWN", "adj_close")
    rb = close_on_or_before(raw_spy, "2025-09-25")[1] / close_on_or_before(raw_spy, "2025-09-17")[1] - 1
    ra = close_on_or_before(raw_iwn, "2025-09-25")[1] / close_on_or_before(raw_iwn, "2025-09-17")[1] - 1
    assert row["return_b"] == pytest.approx(rb, abs=1e-12) and row["spread"] == pytest.approx(ra - rb, abs=1e-12)
    late = frame.iloc[1]  # starts after IWN's last close: no common data, not a stale zero
    assert bool(late["incomplete"]) and np.isnan(late["return_a"]) and np.isnan(late["spread"])
    assert np.isnan(late["max_drawdown_a"]) and np.isnan(late["max_drawdown_b"])
    with pytest.raises(RatecycleError, match="after the pair's last common date"):
        compare_window(iwn, spy, "2025-10-01", "2025-12-17")


def test_row_records_converts_each_kind_of_column() -> None:
    """Column-wise conversion gives what a per-cell reading of the frame gives (NaT/NaN -> None, ISO dates)."""
    from ratecycle.events.pair import row_records

    frame = pd.DataFrame({
        "when": pd.DatetimeIndex(["1965-03-02 15:30", None, "2025-09-17"]),
        "x": [1.5, np.nan, -np.inf],
        "flag": [True, False, True],
        "count": np.array([3, 0, -2], dtype="int64"),
        "label": ["a", None, "c"],
        "mixed": [pd.Timestamp("2020-02-29"), pd.NaT, 7],
    })
    assert row_records(frame) == [
        {"when": "1965-03-02", "x": 1.5, "flag": True, "count": 3, "label": "a", "mixed": "2020-02-29"},
        {"when": None, "x": None, "flag": False, "count": 0, "label": None, "mixed": None},
        {"when": "2025-09-17", "x": None, "flag": True, "count": -2, "label": "c", "mixed": 7},
    ]
    assert row_records(frame.iloc[:0]) == []
    nullable = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "b": pd.array([True, None], dtype="boolean"),
                             "s": pd.array(["x", None], dtype="string")})
    assert row_records(nullable) == [{"n": 1, "b": True, "s": "x"}, {"n": None, "b": None, "s": None}]
    assert type(row_records(nullable)[0]["n"]) is int
    assert all(type(r["x"]) in (float, type(None)) and type(r["count"]) is int for r in row_records(frame))


@pytest.mark.parametrize("n", [1, 2, 3, 8, 9, 257])
def test_max_drawdowns_every_window_of_small_series(n: int) -> None:
    """Every (start, end) pair of series whose length is or is not a power of two, against the plain loop."""
    rng = np.random.default_rng(n)
    closes = np.round(50 + rng.normal(0, 5, n).cumsum().clip(-45, None), 2)
    pairs = [(s, e) for s in range(n) for e in range(s, n)] if n < 20 else \
        [(int(s), int(min(n - 1, s + w))) for s, w in zip(rng.integers(0, n, 300), rng.integers(0, n, 300),
                                                          strict=True)] + [(0, n - 1), (n - 1, n - 1)]
    starts, ends = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    got = max_drawdowns(closes, starts, ends)
    for k, (s, e) in enumerate(pairs):
        peak, worst = closes[s], 0.0
        for x in closes[s:e + 1]:
            peak = max(peak, x)
            worst = min(worst, x / peak - 1.0)
        assert got[k] == worst, (n, s, e)


def test_max_drawdowns_refuses_an_end_past_the_data() -> None:
    with pytest.raises(IndexError, match="past the last close"):
        max_drawdowns(np.array([1.0, 2.0, 3.0]), np.array([0]), np.array([3]))
