"""Core PCE monitor against hand computations from the raw PCEPILFE.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.data.asof import released
from ratecycle.errors import DataError
from ratecycle.inflation import classify, inflation_from_vintages, inflation_monitor, inflation_rates


@pytest.fixture(scope="module")
def raw(snapshot_dir: Path) -> dict[str, float]:
    with (snapshot_dir / "fred" / "PCEPILFE.csv").open(newline="", encoding="utf-8") as fh:
        return {r["date"][:7]: float(r["PCEPILFE"]) for r in csv.DictReader(fh)}


def test_rates_match_hand_computation(ds, raw: dict[str, float]) -> None:
    rates = inflation_rates(ds.load("core_pce"))
    row = rates.loc["2025-07-01"]
    assert row["yoy"] == pytest.approx((raw["2025-07"] / raw["2024-07"] - 1) * 100, rel=1e-12)
    assert row["mom_ann"] == pytest.approx(((raw["2025-07"] / raw["2025-06"]) ** 12 - 1) * 100, rel=1e-12)
    assert row["ann3"] == pytest.approx(((raw["2025-07"] / raw["2025-04"]) ** 4 - 1) * 100, rel=1e-12)
    assert row["ann6"] == pytest.approx(((raw["2025-07"] / raw["2025-01"]) ** 2 - 1) * 100, rel=1e-12)
    assert rates.loc["2025-04-01", "yoy"] == pytest.approx((125.502 / raw["2024-04"] - 1) * 100)


def test_reading_as_of_2025_09_17(ds, raw: dict[str, float]) -> None:
    reading = inflation_monitor(ds.load("core_pce"), "2025-09-17", released=released(ds, "core_pce"))
    # July 2025 was the newest month out (published end of August); August's comes out at the end of September.
    assert reading.month == pd.Timestamp("2025-07-01") and reading.released == pd.Timestamp("2025-08-31")
    yoy = {m: (raw[m] / raw[f"{int(m[:4]) - 1}{m[4:]}"] - 1) * 100 for m in raw if m >= "1960-01"}
    last12 = [m for m in sorted(yoy) if "2024-08" <= m <= "2025-07"]
    low = min(last12, key=lambda m: (yoy[m], m))
    assert low == "2025-04" and reading.low_month == pd.Timestamp("2025-04-01")
    assert reading.low_yoy == pytest.approx(yoy["2025-04"])
    assert reading.months_since_low == 3
    assert reading.months_rising_since_low == sum(yoy[b] > yoy[a] for a, b in
                                                  [("2025-04", "2025-05"), ("2025-05", "2025-06"),
                                                   ("2025-06", "2025-07")]) == 3
    assert reading.gap_to_target == pytest.approx(yoy["2025-07"] - 2.0)
    assert reading.flag == "pressure"
    on_release_day = inflation_monitor(ds.load("core_pce"), "2025-09-30", released=released(ds, "core_pce"))
    assert on_release_day.month == pd.Timestamp("2025-08-01")


def test_reading_ignores_later_months(ds) -> None:
    full = inflation_monitor(ds.load("core_pce"), "2025-09-17", released=released(ds, "core_pce"))
    cut = inflation_monitor(ds.load("core_pce", end="2025-07-01"), "2025-09-17", released=released(ds, "core_pce"))
    assert full.to_dict() == cut.to_dict()


@pytest.mark.parametrize(
    ("yoy", "ann3", "since", "rises", "flag"),
    [(2.9, 3.0, 3, 3, "pressure"), (2.9, 2.0, 4, 1, "watch"), (2.2, 2.6, 0, 0, "watch"), (2.2, 1.8, 5, 1, "calm"),
     (1.8, 2.5, 3, 3, "calm"), (2.6, 2.0, 3, 2, "pressure")],
)
def test_flag_rules(yoy: float, ann3: float, since: int, rises: int, flag: str) -> None:
    assert classify(yoy, ann3, since, rises)[0] == flag


def test_gap_in_months_is_an_error() -> None:
    index = pd.date_range("2020-01-01", periods=30, freq="MS").delete(10)
    with pytest.raises(DataError, match="a month is missing"):
        inflation_rates(pd.Series(range(100, 129), index=index, dtype=float))


def test_cli_inflation_json(snapshot_dir: Path, ds) -> None:
    result = CliRunner().invoke(app, ["inflation", "--as-of", "2025-09-17", "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = inflation_monitor(ds.load("core_pce"), "2025-09-17", released=released(ds, "core_pce")).to_dict()
    assert doc["reading"] == json.loads(json.dumps(expected))
    assert doc["recent"][-1]["month"] == "2025-07" and len(doc["recent"]) == 12


def _vintages(ds) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Two synthetic vintages built from the real index: to July 2025 (out 2025-08-29), then to August 2025
    (out 2025-09-26) with July revised up by 0.2 index points."""
    base = ds.load("core_pce", end="2025-08-01")
    first = base[:"2025-07-01"]
    second = base.copy()
    second["2025-07-01"] += 0.2
    rows = [(d, v, "2025-08-29", "2025-09-25") for d, v in first.items()]
    rows += [(d, v, "2025-09-26", None) for d, v in second.items()]
    return pd.DataFrame({"date": pd.DatetimeIndex([r[0] for r in rows]), "value": [r[1] for r in rows],
                         "realtime_start": pd.to_datetime([r[2] for r in rows]),
                         "realtime_end": pd.to_datetime([r[3] for r in rows])})


def test_vintage_reading_uses_values_as_published(ds, raw: dict[str, float]) -> None:
    history = _vintages(ds)
    early = inflation_from_vintages(history, "2025-09-17")
    assert early.month == pd.Timestamp("2025-07-01") and early.released is None
    assert early.yoy == pytest.approx((raw["2025-07"] / raw["2024-07"] - 1) * 100)
    assert "ALFRED vintage in force on 2025-09-17" in early.note
    # On 2025-09-26 August is out (before the end-of-month assumption would allow) and July is revised.
    late = inflation_from_vintages(history, "2025-09-26")
    assert late.month == pd.Timestamp("2025-08-01")
    assert late.mom_ann == pytest.approx(((raw["2025-08"] / (raw["2025-07"] + 0.2)) ** 12 - 1) * 100)
    with pytest.raises(DataError, match="no core PCE vintage was in force on 2025-01-01"):
        inflation_from_vintages(history, "2025-01-01")


def test_cli_vintages_through_fred_api(httpserver, ds, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    history = _vintages(ds)
    observations = [{"date": d.date().isoformat(), "value": repr(v), "realtime_start": s.date().isoformat(),
                     "realtime_end": "9999-12-31" if pd.isna(e) else e.date().isoformat()}
                    for d, v, s, e in history.itertuples(index=False)]
    httpserver.expect_request("/fred/series/observations").respond_with_json(
        {"count": len(observations), "observations": observations})
    starts = sorted({o["realtime_start"] for o in observations})  # ALFRED lists the vintage dates first
    httpserver.expect_request("/fred/series/vintagedates").respond_with_json(
        {"count": len(starts), "offset": 0, "limit": 10000, "vintage_dates": starts})
    monkeypatch.setenv("RATECYCLE_FRED_API_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("FRED_API_KEY", "test-key")
    result = CliRunner().invoke(app, ["inflation", "--vintages", "--as-of", "2025-09-26", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["reading"]["month"] == "2025-08"
    assert doc["reading"] == json.loads(json.dumps(inflation_from_vintages(history, "2025-09-26").to_dict()))
    assert doc["provenance"]["source"] == "ALFRED vintages of PCEPILFE"
