"""Head to head over later phases: pair windows and hit counts against closes read straight from the raw files."""

from __future__ import annotations

import bisect
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.cycles import cycles_from_source
from ratecycle.data.pairs import SIZE_PAIRS, STYLE_PAIRS
from ratecycle.data.source import DataSource
from ratecycle.events import head_to_head
from wire import read_rows

AS_OF = "2025-09-17"


def closes(snapshot: Path, ticker: str) -> tuple[list[str], list[float]]:
    """Dates and dividend-adjusted closes of a raw daily file up to the as-of date."""
    rows = [r for r in read_rows(snapshot / "market" / f"{ticker}_daily.csv") if r["adj_close"] and r["date"] <= AS_OF]
    return [r["date"] for r in rows], [float(r["adj_close"]) for r in rows]


def close_on_or_before(series: tuple[list[str], list[float]], day: str) -> tuple[str, float]:
    dates, values = series
    i = bisect.bisect_right(dates, day) - 1
    return dates[i], values[i]


@pytest.mark.parametrize(("a", "b"), [("ijr", "spy"), ("iwo", "iwn"), ("rsp", "spy"), ("iwm", "iwb")])
def test_twelve_months_after_each_later_start_by_hand(ds: DataSource, snapshot_dir: Path, a: str, b: str) -> None:
    cycles = [c for c in cycles_from_source(ds, direction="cut", preset="note-2025")]
    prices = {n: ds.load(n, end=AS_OF) for n in (a, b)}
    result = head_to_head(prices, [(a, b)], cycles, months=12, convention="daily")
    pair = result.pairs[0]
    raw_a, raw_b = closes(snapshot_dir, a.upper()), closes(snapshot_dir, b.upper())
    start = max(raw_a[0][0], raw_b[0][0])
    assert pair.common_start == pd.Timestamp(start)
    rows = {r["cycle"]: r for r in pair.to_dict()["rows"] if r["window"] == "12m_after_later_start"}
    expected_labels = [c.label for c in cycles
                       if c.later_phase is not None and str(c.later_phase.start.date()) >= start]
    assert list(rows) == expected_labels
    counted = []
    for cycle in cycles:
        if cycle.label not in rows:
            continue
        begin = str(cycle.later_phase.start.date())
        end = str((cycle.later_phase.start + pd.DateOffset(months=12)).date())
        if end > AS_OF:
            assert not rows[cycle.label]["completed"]
            continue
        (d0, a0), (d1, a1) = close_on_or_before(raw_a, begin), close_on_or_before(raw_a, end)
        (_, b0), (_, b1) = close_on_or_before(raw_b, begin), close_on_or_before(raw_b, end)
        row = rows[cycle.label]
        assert (row["start"], row["end"]) == (d0, d1) and row["completed"]
        assert row["spread"] == pytest.approx((a1 / a0 - 1) - (b1 / b0 - 1), abs=1e-12)
        counted.append((a1 / a0 - 1) - (b1 / b0 - 1))
    assert pair.after.n == len(counted) and pair.after.hits == sum(s > 0 for s in counted)
    assert pair.after.mean_spread == pytest.approx(sum(counted) / len(counted), abs=1e-12)


def test_pairs_without_common_later_phase_are_skipped(ds: DataSource) -> None:
    cycles = [c for c in cycles_from_source(ds, direction="cut") if c.start.year < 2000]
    prices = {"iwo": ds.load("iwo", end=AS_OF), "iwn": ds.load("iwn", end=AS_OF)}
    result = head_to_head(prices, [("iwo", "iwn"), ("vtwg", "vtwv")], cycles)
    assert result.pairs == ()
    assert result.skipped[0][:2] == ("iwo", "iwn")
    assert "no later phase begins between 2000-07-28" in result.skipped[0][2]
    assert result.skipped[1] == ("vtwg", "vtwv", "no data for vtwg")


def test_every_named_pair_is_in_the_catalog() -> None:
    from ratecycle.data.catalog import CATALOG

    for spec in (*SIZE_PAIRS, *STYLE_PAIRS):
        assert spec.a in CATALOG and spec.b in CATALOG and spec.option == f"{spec.a},{spec.b}"


@pytest.mark.parametrize("pair", ["ijr,spy", "rsp,spy", "iwm,iwb"])
def test_new_pairs_work_with_pair_in_the_commands(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str], snapshot_dir: Path,
                                                   pair: str) -> None:
    import json

    from cli_run import cli

    a, b = pair.split(",")
    code, out, err = cli(monkeypatch, capsys, "study", "--pair", pair, "--snapshot", str(snapshot_dir), "--json")
    assert code == 0, err
    assert (json.loads(out)["series_a"], json.loads(out)["series_b"]) == (a, b)
    code, out, err = cli(monkeypatch, capsys, "outlook", "--pair", pair, "--as-of", AS_OF, "--snapshot",
                         str(snapshot_dir), "--json")
    assert code == 0, err
    assert (json.loads(out)["a"], json.loads(out)["b"]) == (a, b)
