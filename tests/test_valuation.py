"""Valuation bands and the price-updated S&P 500 P/E against hand computations from the raw snapshot files."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pe_by_hand
from ratecycle import valuation as val
from ratecycle.cli.main import app
from ratecycle.data.asof import released
from ratecycle.data.source import DataSource
from ratecycle.errors import DataError, RatecycleError


def _rel(ds: DataSource) -> dict[str, pd.Series]:
    """Release days of the Shiller earnings and monthly P/E, from the catalog's rules through the data layer."""
    return {"earnings_released": released(ds, "shiller:E"), "pe_released": released(ds, "pe_sp500")}


def _raw_pe(snapshot_dir: Path) -> dict[str, float]:
    """Trailing P/E per month ('YYYY-MM') straight from the Shiller CSV: P / E where both are present."""
    out: dict[str, float] = {}
    with (snapshot_dir / "market" / "shiller_ie_data_monthly.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["P"] and row["E"] and float(row["E"]) > 0:
                out[row["date"]] = float(row["P"]) / float(row["E"])
    return out


def test_pe_as_of_uses_only_published_earnings(ds, snapshot_dir: Path) -> None:
    raw = _raw_pe(snapshot_dir)
    months = sorted(raw)
    # As of 2025-09-17 the newest month whose earnings were out (month M known at the end of M+3) is 2025-05.
    result = val.valuation(ds.load("pe_sp500"), name="pe_sp500", as_of="2025-09-17", released=released(ds, "pe_sp500"))
    assert result.observation_date == pd.Timestamp("2025-05-01")
    assert result.released == pd.Timestamp("2025-08-31")
    assert result.value == pytest.approx(raw["2025-05"])
    window = [raw[m] for m in months if "2020-06" <= m <= "2025-05"]
    assert len(window) == 60 == result.window_count
    mean, std = statistics.fmean(window), statistics.stdev(window)
    assert result.mean == pytest.approx(mean, rel=1e-12)
    assert result.std == pytest.approx(std, rel=1e-12)
    assert result.zscore == pytest.approx((raw["2025-05"] - mean) / std, rel=1e-9)
    assert result.upper2 == pytest.approx(mean + 2 * std) and result.lower1 == pytest.approx(mean - std)
    history = [raw[m] for m in months if m <= "2025-05"]
    assert result.history_count == len(history)
    assert result.percentile == pytest.approx(100 * sum(v <= raw["2025-05"] for v in history) / len(history))
    # One month-end later, June's earnings count as published.
    later = val.valuation(ds.load("pe_sp500"), name="pe_sp500", as_of="2025-09-30", released=released(ds, "pe_sp500"))
    assert later.observation_date == pd.Timestamp("2025-06-01")
    assert later.value == pytest.approx(raw["2025-06"])


def test_as_of_result_ignores_later_data(ds) -> None:
    full = ds.load("shiller:CAPE")
    cut = full[:"2025-05-01"]
    a = val.valuation(full, name="shiller:CAPE", as_of="2025-09-17", released=released(ds, "shiller:CAPE"))
    b = val.valuation(cut, name="shiller:CAPE", as_of="2025-09-17", released=released(ds, "shiller:CAPE"))
    assert a.to_dict() == b.to_dict()


def test_bands_match_independent_rolling_stats() -> None:
    index = pd.date_range("2010-01-01", periods=120, freq="MS")
    values = 15 + np.sin(np.arange(120) / 7.0) * 3 + np.arange(120) * 0.05
    series = pd.Series(values, index=index)
    frame = val.bands(series, years=2, min_obs=12)
    # 2-year window at month i holds the 24 months ending at i.
    for i in (30, 77, 119):
        window = list(values[i - 23: i + 1])
        mean, std = statistics.fmean(window), statistics.stdev(window)
        row = frame.iloc[i]
        assert row["count"] == 24
        assert row["mean"] == pytest.approx(mean, rel=1e-12)
        assert row["upper1"] == pytest.approx(mean + std, rel=1e-12)
        assert row["lower2"] == pytest.approx(mean - 2 * std, rel=1e-12)
        assert row["zscore"] == pytest.approx((values[i] - mean) / std, rel=1e-9)
    assert frame["mean"].iloc[:11].isna().all() and not np.isnan(frame["mean"].iloc[11])


def test_bands_on_irregular_daily_dates_use_calendar_window() -> None:
    index = pd.DatetimeIndex(["2020-01-01", "2020-06-01", "2020-12-31", "2021-01-01", "2021-01-02"])
    series = pd.Series([1.0, 2.0, 4.0, 8.0, 16.0], index=index)
    frame = val.bands(series, years=1, min_obs=2)
    # Window at 2021-01-01 is (2020-01-01, 2021-01-01]: 2.0, 4.0, 8.0.
    assert frame.loc["2021-01-01", "count"] == 3
    assert frame.loc["2021-01-01", "mean"] == pytest.approx(14 / 3)


def test_relative_series_respects_each_lag() -> None:
    a = pd.Series([10.0, 11.0, 12.0], index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    b = pd.Series([20.0, 22.0, 30.0], index=pd.to_datetime(["2024-01-15", "2024-02-15", "2024-06-15"]))
    # a's month M is released at the end of month M+1; b on its own date
    released_a = pd.Series(pd.to_datetime(["2024-02-29", "2024-03-31", "2024-04-30"]), index=a.index)
    ratio = val.relative_series(a, b, released_a=released_a, name="a/b")
    # a's January value is known on 2024-02-29; b is known on its date.
    assert ratio.index[0] == pd.Timestamp("2024-02-29")
    assert ratio.loc["2024-02-29"] == pytest.approx(10.0 / 22.0)
    assert ratio.loc["2024-03-31"] == pytest.approx(11.0 / 22.0)
    assert ratio.loc["2024-06-30"] == pytest.approx(12.0 / 30.0)


def test_too_short_history_is_an_error() -> None:
    series = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="MS"))
    with pytest.raises(DataError, match="only 2 observations"):
        val.valuation(series, name="x", years=5)
    with pytest.raises(DataError, match="no observation of x published by 2023-01-01"):
        val.valuation(series, name="x", as_of="2023-01-01")


def _export_snapshot(tmp_path: Path, ds) -> Path:
    """An export-layout snapshot holding CAPE and a user-supplied pe_russell2000 (synthetic for the test)."""
    root = tmp_path / "snap"
    (root / "series").mkdir(parents=True)
    cape = ds.load("shiller:CAPE")["2010-01-01":]
    user = (ds.load("pe_sp500")["2010-01-01":] * 0.7).round(4)
    series_doc = {}
    for name, data in (("shiller:CAPE", cape), ("pe_russell2000", user)):
        lines = ["date,value"] + [f"{d.date().isoformat()},{v!r}" for d, v in data.items()]
        (root / "series" / f"{name.replace(':', '__')}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        series_doc[name] = {"provider": "test", "symbol": name}
    (root / "manifest.json").write_text(json.dumps({"series": series_doc}), encoding="utf-8")
    return root


def test_cli_missing_series_says_so(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["valuation", "pe_russell2000", "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] == "missing"
    assert doc["import_command"] == "ratecycle data import-series pe_russell2000 FILE.csv"
    assert "value" not in doc


def test_cli_relative_valuation_with_user_series(tmp_path: Path, ds) -> None:
    root = _export_snapshot(tmp_path, ds)
    result = CliRunner().invoke(app, ["valuation", "pe_russell2000", "--vs", "shiller:CAPE", "--as-of", "2025-09-17",
                                      "--snapshot", str(root), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    # The user series is known on its own date (2025-09-01), CAPE only to 2025-05 (three-month earnings lag).
    pe, cape = ds.load("pe_sp500"), ds.load("shiller:CAPE")
    assert doc["series"] == "pe_russell2000/shiller:CAPE"
    assert doc["observation_date"] == "2025-08-31"
    assert doc["value"] == pytest.approx(round(pe["2025-08-01"] * 0.7, 4) / cape["2025-05-01"])


def test_cli_valuation_json_matches_api(snapshot_dir: Path, ds) -> None:
    result = CliRunner().invoke(app, ["valuation", "shiller:CAPE", "--as-of", "2024-12-31", "--years", "10",
                                      "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = val.valuation(ds.load("shiller:CAPE"), name="shiller:CAPE", as_of="2024-12-31", years=10,
                             released=released(ds, "shiller:CAPE"))
    assert doc == json.loads(json.dumps(expected.to_dict()))
    assert doc["window_count"] == 120 and doc["observation_date"] == "2024-09-01"


def test_cli_json_and_csv_together_is_an_error(snapshot_dir: Path) -> None:
    result = CliRunner().invoke(app, ["valuation", "pe_sp500", "--snapshot", str(snapshot_dir), "--json", "--csv"])
    assert result.exit_code != 0 and isinstance(result.exception, RatecycleError)
    assert str(result.exception) == "choose one of --json and --csv"


# -- the price-updated S&P 500 P/E ----------------------------------------------------------------------------


def _pe_inputs(ds) -> tuple[pd.Series, pd.Series, pd.Series]:  # type: ignore[no-untyped-def]
    return ds.load("sp500"), ds.load("shiller:E"), ds.load("pe_sp500")


@pytest.mark.parametrize(("as_of", "price_date", "earnings_month"), [
    ("2025-09-17", "2025-09-17", "2025-05"),  # June's earnings count only from 2025-09-30
    ("2020-03-23", "2020-03-23", "2019-11"),  # December 2019 is published on 2020-03-31, after the as-of date
    ("2026-08-23", "2026-08-21", "2026-03"),  # a Sunday: Friday's close; April 2026 has no earnings in the file
])
def test_price_updated_pe_matches_raw_files(ds, snapshot_dir: Path, as_of: str, price_date: str,
                                            earnings_month: str) -> None:  # type: ignore[no-untyped-def]
    hand = pe_by_hand.price_updated(snapshot_dir, as_of)
    assert (hand.price_date, hand.earnings_month) == (price_date, earnings_month)
    res = val.price_updated_pe(*_pe_inputs(ds), **_rel(ds), as_of=as_of)
    assert res.price_date == pd.Timestamp(price_date) and res.price == hand.price
    assert res.earnings_month == pd.Timestamp(f"{earnings_month}-01") and res.earnings == pytest.approx(hand.earnings)
    assert res.earnings_released == pd.Timestamp(hand.earnings_released) <= pd.Timestamp(as_of)
    assert res.value == pytest.approx(hand.value, rel=1e-12)
    assert res.mean == pytest.approx(hand.mean, rel=1e-12) and res.std == pytest.approx(hand.std, rel=1e-12)
    assert res.zscore == pytest.approx(hand.zscore, rel=1e-9)
    assert (res.lower2, res.lower1, res.upper1, res.upper2) == pytest.approx(hand.bands, rel=1e-12)
    assert res.percentile == pytest.approx(hand.percentile)
    assert (res.window_start.strftime("%Y-%m"), res.lagged_month.strftime("%Y-%m"), res.window_count) == hand.window
    assert res.lagged_value == pytest.approx(hand.lagged_value, rel=1e-12)
    assert res.history_count == hand.history_count
    assert res.basis() == (f"price of {price_date} / trailing earnings to {earnings_month} "
                           f"(published by {hand.earnings_released})")


def test_price_updated_pe_on_2025_09_17_in_numbers(ds) -> None:  # type: ignore[no-untyped-def]
    res = val.price_updated_pe(*_pe_inputs(ds), **_rel(ds), as_of="2025-09-17")
    # 6,600.35 / 220.58 (trailing earnings to May 2025): 29.92, +0.80 sigma; the month-end P/E of May is 26.34.
    assert res.value == pytest.approx(6600.35 / 220.58333333333331, rel=1e-12)
    assert round(res.value, 2) == 29.92 and round(res.zscore, 2) == 0.80
    assert round(res.lagged_value, 2) == 26.34 and round(res.lagged_zscore, 2) == -0.01
    # From 2025-09-30 June's earnings (222.53) are published: the close of that day / 222.53.
    later = val.price_updated_pe(*_pe_inputs(ds), **_rel(ds), as_of="2025-09-30")
    assert later.earnings_month == pd.Timestamp("2025-06-01")
    assert later.value == pytest.approx(ds.load("sp500")["2025-09-30"] / 222.53, rel=1e-12)


def test_price_updated_pe_uses_nothing_after_as_of(ds) -> None:  # type: ignore[no-untyped-def]
    prices, earnings, pe = _pe_inputs(ds)
    as_of = "2025-09-17"
    full = val.price_updated_pe(prices, earnings, pe, **_rel(ds), as_of=as_of)
    cut = val.price_updated_pe(prices[:as_of], earnings[:as_of], pe[:as_of], **_rel(ds), as_of=as_of)
    assert full.to_dict() == cut.to_dict()
    # Later closes and months not yet published (June 2025 on) changed wildly: the same reading.
    unpublished = pd.Timestamp("2025-06-01")
    moved = val.price_updated_pe(prices.where(prices.index <= as_of, prices * 3),
                                 earnings.where(earnings.index < unpublished, earnings * 5),
                                 pe.where(pe.index < unpublished, pe / 7), **_rel(ds), as_of=as_of)
    assert moved.to_dict() == full.to_dict()


def test_pe_data_readings_equal_valuation_on_many_dates(ds) -> None:  # type: ignore[no-untyped-def]
    prices, earnings, pe = _pe_inputs(ds)
    data = val.PEData.build(prices, earnings, pe, **_rel(ds))
    rng = np.random.default_rng(7)
    days = pd.to_datetime(rng.integers(pd.Timestamp("1935-01-01").value // 86_400_000_000_000,
                                       pd.Timestamp("2026-08-21").value // 86_400_000_000_000, 40), unit="D")
    for day in days:
        ref = val.valuation(pe, name="pe_sp500", as_of=day, years=5, released=released(ds, "pe_sp500"))
        lagged = data.lagged(day)
        for key, expected in ref.to_dict().items():
            got = lagged.to_dict()[key]
            assert got == (pytest.approx(expected, rel=1e-12) if isinstance(expected, float) else expected), key
        now = data.price_updated(day)
        assert (now.mean, now.std, now.window_count) == (pytest.approx(ref.mean, rel=1e-12),
                                                         pytest.approx(ref.std, rel=1e-12), ref.window_count)
        assert now.lagged_value == ref.value and now.lagged_month == ref.observation_date
        assert now.price_date <= day and now.earnings_released <= day
        assert now.value == pytest.approx(prices[:day].iloc[-1] / now.earnings, rel=1e-12)


def test_pe_reading_falls_back_to_month_end_with_the_reason(ds) -> None:  # type: ignore[no-untyped-def]
    prices, earnings, pe = _pe_inputs(ds)
    month_end = val.valuation(pe, name="pe_sp500", as_of="2025-09-17", years=5, released=released(ds, "pe_sp500"))
    cases = {
        "sp500 not available in this data source": (None, earnings, "2025-09-17"),
        "shiller:E not available in this data source": (prices, None, "2025-09-17"),
        "the last S&P 500 close (2025-09-05) is more than 7 days before 2025-09-17": (
            prices[:"2025-09-05"], earnings, "2025-09-17"),
    }
    for reason, (p, e, as_of) in cases.items():
        res = val.pe_reading(p, e, pe, **_rel(ds), as_of=as_of)
        assert isinstance(res, val.Valuation) and reason in res.note, res.note
        assert "the month-end P/E is shown instead" in res.note
        assert {k: v for k, v in res.to_dict().items() if k != "note"} == {
            k: v for k, v in month_end.to_dict().items() if k != "note"}
        with pytest.raises(val.PriceUpdateUnavailable, match=reason.split(" (")[0]):
            val.PEData.build(p, e, pe, **_rel(ds)).price_updated(as_of)
    # Before the first close there is no price at all.
    early = val.pe_reading(prices, earnings, pe, **_rel(ds), as_of="1927-06-30")
    assert isinstance(early, val.Valuation) and "no S&P 500 close on or before 1927-06-30" in early.note
    assert val.pe_reading(prices, earnings, pe, **_rel(ds), as_of="2025-09-17").to_dict()["method"] == "price_updated"


class _WithoutEarnings(DataSource):
    """The snapshot as if Shiller's earnings could not be loaded on their own (the P/E series still can)."""

    def __init__(self, base: DataSource) -> None:
        super().__init__(snapshot=base.snapshot)
        self._base = base

    def frame(self, name: str) -> pd.DataFrame:
        return self._base.frame(name)

    def has(self, name: str) -> bool:
        return name != "shiller:E" and self._base.has(name)

    def meta(self, name: str):  # type: ignore[no-untyped-def]
        return self._base.meta(name)


def _section(ds, as_of: str | None = "2025-09-17") -> dict:  # type: ignore[no-untyped-def]
    from ratecycle.report import ReportOptions
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_value import valuation_section

    return valuation_section(make_context(ds, ReportOptions(as_of=as_of))).to_dict()


def test_report_section_headline_is_price_updated(ds, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    hand = pe_by_hand.price_updated(snapshot_dir, "2025-09-17")
    section = _section(ds)
    text = next(b["text"] for b in section["blocks"] if b["type"] == "paragraph")
    assert text.startswith(f"The S&P 500 trailing P/E on 17 Sep 2025 is {hand.value:.2f}: price of 17 Sep 2025 / "
                           f"trailing earnings to May 2025 (published by 31 Aug 2025)")
    assert "month-end P/E of May 2025" in text and f"is {hand.lagged_value:.2f}" in text
    table = next(b for b in section["blocks"] if b["type"] == "table")
    head, month_end = table["rows"][0], next(r for r in table["rows"] if r["series"] == "pe_sp500")
    assert head["series"] == "pe_sp500 (price-updated)" and head["value"] == pytest.approx(hand.value, rel=1e-12)
    assert head["zscore"] == pytest.approx(hand.zscore, rel=1e-9)
    assert head["reading"] == "price of 17 Sep 2025 / trailing earnings to May 2025 (published by 31 Aug 2025)"
    assert month_end["reading"].startswith("month-end (lagged)")
    assert month_end["value"] == pytest.approx(hand.lagged_value, rel=1e-12)


def test_report_chart_is_readable_and_marks_the_price_updated_point(ds, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    for as_of in ("2025-09-17", None):
        figure = next(b for b in _section(ds, as_of)["blocks"] if b["type"] == "figure")
        traces = {t["name"].split(":")[0]: t for t in figure["traces"]}
        point = traces["P/E now"]
        when = point["x"][0]
        hand = pe_by_hand.price_updated(snapshot_dir, when)
        assert point["kind"] == "marker" and point["y"] == [round(hand.value, 3)]
        line = traces["Month-end trailing P/E"]
        start = line["x"][0]
        assert start > f"{int(when[:4]) - 10}-{when[5:7]}" and start >= "2010-01-01"  # the last 10 years only
        # The y range is set by the recent P/E and its bands: nothing plotted is above twice the last 5 years' top.
        recent = [y for t in figure["traces"] for x, y in zip(t["x"], t["y"], strict=True)
                  if y is not None and x >= f"{int(when[:4]) - 5}{when[4:]}"]
        everything = [y for t in figure["traces"] for y in t["y"] if y is not None]
        assert max(everything) < 2 * max(recent) and min(everything) > 0
        window = next(n for n in figure["notes"] if n.startswith("Window:"))
        assert "the last 10 years" in window and "123.73 in May 2009" in window


def test_report_section_falls_back_when_earnings_are_missing(ds) -> None:  # type: ignore[no-untyped-def]
    section = _section(_WithoutEarnings(ds))
    text = next(b["text"] for b in section["blocks"] if b["type"] == "paragraph")
    direct = val.valuation(ds.load("pe_sp500", end="2025-09-17"), name="pe_sp500", as_of="2025-09-17",
                           released=released(ds, "pe_sp500"))
    assert text.startswith(f"The S&P 500 trailing P/E for May 2025 was {direct.value:.2f} (average price of May "
                           "2025 / trailing earnings to May 2025 (published by 31 Aug 2025))")
    assert "Price-updated P/E not available (shiller:E not available in this data source)" in text
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert table["rows"][0]["series"] == "pe_sp500" and table["rows"][0]["value"] == direct.value
    figure = next(b for b in section["blocks"] if b["type"] == "figure")
    assert all(t["kind"] == "line" for t in figure["traces"])
    assert any(n.startswith("No price-updated point: price-updated P/E not available") for n in figure["notes"])


def test_cli_pe_sp500_is_price_updated(snapshot_dir: Path, ds) -> None:  # type: ignore[no-untyped-def]
    args = ["valuation", "pe_sp500", "--as-of", "2025-09-17", "--snapshot", str(snapshot_dir)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = val.price_updated_pe(*_pe_inputs(ds), **_rel(ds), as_of="2025-09-17")
    assert doc == json.loads(json.dumps({**expected.to_dict(), "basis": expected.basis()}))
    assert doc["basis"] == "price of 2025-09-17 / trailing earnings to 2025-05 (published by 2025-08-31)"
    text = CliRunner().invoke(app, args, terminal_width=200)
    assert text.exit_code == 0, text.output
    flat = " ".join(text.output.split())
    assert "price of 2025-09-17 / trailing earnings to 2025-05 (published by 2025-08-31)" in flat
    assert "month-end (lagged)" in flat and "29.92" in flat and "26.34" in flat
    # Without --as-of the last close dates the reading.
    latest = json.loads(CliRunner().invoke(app, ["valuation", "pe_sp500", "--snapshot", str(snapshot_dir),
                                                 "--json"]).output)
    assert latest["as_of"] == latest["price_date"] == ds.load("sp500").index[-1].date().isoformat()


def test_cli_pe_sp500_without_prices_falls_back(tmp_path: Path, ds) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "snap"
    (root / "series").mkdir(parents=True)
    series_doc = {}
    for name in ("shiller:P", "shiller:E"):
        data = ds.load(name)
        lines = ["date,value"] + [f"{d.date().isoformat()},{v!r}" for d, v in data.items()]
        (root / "series" / f"{name.replace(':', '__')}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        series_doc[name] = {"provider": "test", "symbol": name}
    (root / "manifest.json").write_text(json.dumps({"series": series_doc}), encoding="utf-8")
    result = CliRunner().invoke(app, ["valuation", "pe_sp500", "--as-of", "2025-09-17", "--snapshot", str(root),
                                      "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = val.valuation(ds.load("pe_sp500"), name="pe_sp500", as_of="2025-09-17",
                             released=released(ds, "pe_sp500"))
    assert doc["observation_date"] == "2025-05-01" and doc["value"] == pytest.approx(expected.value, rel=1e-12)
    assert "price-updated P/E not available (sp500 not available in this data source)" in doc["note"]
