"""The outlook scorecard: no look-ahead, evidence matching a hand computation, weights, ranks and the call."""

from __future__ import annotations

import bisect
import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.data.source import DataSource
from ratecycle.errors import RatecycleError
from ratecycle.outlook import DEFAULT_WEIGHTS, inputs_from_source, parse_weights, scorecard
from ratecycle.outlook.scorecard import evidence_direction

AS_OF = "2025-09-17"


OUTLOOK_FILES = ("fred/DFEDTAR.csv", "fred/DFEDTARU.csv", "fred/DFEDTARL.csv", "fred/fomc_meeting_dates.csv",
                 "fred/PCEPILFE.csv", "fred/T10Y2Y.csv", "fred/DGS10.csv", "fred/DGS2.csv", "market/RUT_daily.csv",
                 "market/GSPC_daily.csv", "market/shiller_ie_data_monthly.csv")
"""Every file the outlook reads; if it needed another one the truncated run would differ and the test fail."""


def _truncated_snapshot(src: Path, dst: Path, cutoff: str) -> Path:
    """A raw-layout copy of the snapshot files keeping only rows dated on or before ``cutoff`` (first column)."""
    for name in OUTLOOK_FILES:
        with (src / name).open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][0].strip().lower() == "date"
        kept = [rows[0]] + [r for r in rows[1:] if r and r[0][:10] <= cutoff]
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        with (dst / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(kept)
    return dst


@pytest.fixture(scope="module")
def inputs_full(ds):  # type: ignore[no-untyped-def]
    return inputs_from_source(ds, AS_OF)


@pytest.fixture(scope="module")
def card_full(inputs_full):  # type: ignore[no-untyped-def]
    return scorecard(inputs_full)


def test_outlook_identical_with_data_truncated_at_as_of(tmp_path: Path, snapshot_dir: Path, card_full) -> None:  # type: ignore[no-untyped-def]
    short = _truncated_snapshot(snapshot_dir, tmp_path / "cut", AS_OF)
    ds_short = DataSource(snapshot=short)
    assert ds_short.load("russell2000").index[-1] == pd.Timestamp(AS_OF)
    assert ds_short.load("core_pce").index[-1] == pd.Timestamp("2025-09-01")
    # The command on the truncated files prints exactly the scorecard computed from the full snapshot.
    result = CliRunner().invoke(app, ["outlook", "--as-of", AS_OF, "--pair", "russell2000,sp500",
                                      "--snapshot", str(short), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(card_full.to_dict()))


def test_policy_evidence_matches_hand_computation(card_full, snapshot_dir: Path, ds) -> None:  # type: ignore[no-untyped-def]
    from ratecycle.cycles import detect_cycles

    policy = next(r for r in card_full.rows if r.driver == "policy")
    # On 2025-09-17 the 2025-09-17 cut is not in the (effective-dated) target data yet: a pause is under way.
    assert card_full.phase == "pause" and card_full.anchor == "pause_start"
    cycles = detect_cycles(ds.load("fed_target_upper", end=AS_OF), ds.load("fed_target_lower", end=AS_OF),
                           ds.load("fomc_meetings", end=AS_OF), direction="cut")

    def closes(name: str) -> dict[str, float]:
        with (snapshot_dir / "market" / name).open(newline="", encoding="utf-8") as fh:
            return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}

    rut, spx = closes("RUT_daily.csv"), closes("GSPC_daily.csv")
    days = sorted(rut)

    def close_on(table: dict[str, float], day: pd.Timestamp) -> float | None:
        pos = bisect.bisect_right(days, day.strftime("%Y-%m-%d"))
        return table[days[pos - 1]] if pos else None

    spreads = []
    for cycle in cycles:
        if cycle.pause is None:
            continue
        start = cycle.pause.start + pd.offsets.MonthEnd(0)
        end = (cycle.pause.start + pd.DateOffset(months=12)) + pd.offsets.MonthEnd(0)
        if end > pd.Timestamp(AS_OF) or start < pd.Timestamp(days[0]):
            continue
        a0, a1, b0, b1 = close_on(rut, start), close_on(rut, end), close_on(spx, start), close_on(spx, end)
        spreads.append((a1 / a0 - 1) - (b1 / b0 - 1))
    assert policy.n == len(spreads) >= 3
    assert policy.hit_rate == pytest.approx(np.mean(np.array(spreads) > 0))
    assert policy.mean_spread == pytest.approx(np.mean(spreads))
    assert policy.direction == evidence_direction(len(spreads), policy.hit_rate, policy.mean_spread)


def test_score_ranks_and_call(card_full) -> None:  # type: ignore[no-untyped-def]
    rows = card_full.rows
    assert sorted(r.driver for r in rows) == sorted(DEFAULT_WEIGHTS)
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    assert all(abs(x.contribution) >= abs(y.contribution) for x, y in itertools.pairwise(rows))
    expected = sum(DEFAULT_WEIGHTS[r.driver] * r.direction for r in rows) / sum(DEFAULT_WEIGHTS.values())
    assert card_full.score == pytest.approx(expected)
    assert card_full.confidence == "low" and "small sample" in card_full.confidence_reason
    for row in rows:
        assert row.direction in (-1, 0, 1)
        if row.n < 3:
            assert row.direction == 0
        if row.baseline_percentile is not None:
            assert 0.0 <= row.baseline_percentile <= 1.0
    valuation = next(r for r in rows if r.driver == "valuation")
    assert valuation.state is not None and valuation.state.startswith("proxy:")
    assert "ratecycle data import-series pe_russell2000" in valuation.note
    inflation = next(r for r in rows if r.driver == "inflation")
    assert inflation.detail["month"] == "2025-07"


def test_weights_change_the_score_not_the_evidence(inputs_full, card_full) -> None:  # type: ignore[no-untyped-def]
    only_policy = {d: 0.0 for d in DEFAULT_WEIGHTS} | {"policy": 1.0}
    card = scorecard(inputs_full, weights=only_policy)
    policy = next(r for r in card.rows if r.driver == "policy")
    assert card.score == pytest.approx(float(policy.direction))
    before = {r.driver: (r.n, r.hit_rate, r.mean_spread) for r in card_full.rows}
    assert {r.driver: (r.n, r.hit_rate, r.mean_spread) for r in card.rows} == before


def test_parse_weights() -> None:
    weights = parse_weights("policy=0.5, curve=0")
    assert weights["policy"] == 0.5 and weights["curve"] == 0.0 and weights["momentum"] == DEFAULT_WEIGHTS["momentum"]
    for bad in ("bogus=1", "policy=-1", "policy=x", "policy"):
        with pytest.raises(RatecycleError):
            parse_weights(bad)
    assert evidence_direction(5, 0.8, 0.05) == 1 and evidence_direction(5, 0.2, -0.01) == -1
    assert evidence_direction(5, 0.8, -0.01) == 0 and evidence_direction(2, 1.0, 0.3) == 0
    assert evidence_direction(7, 4 / 7, 0.02) == 0 and evidence_direction(5, 0.6, 0.01) == 1
    assert evidence_direction(5, 0.4, -0.01) == -1


def test_day_after_the_decision_sees_the_later_phase(ds) -> None:  # type: ignore[no-untyped-def]
    card = scorecard(inputs_from_source(ds, "2025-09-18"))
    assert card.phase == "later" and card.anchor == "later_start"
    policy = next(r for r in card.rows if r.driver == "policy")
    assert "cuts resumed 2025-09-17" in policy.reading
    assert [r.rank for r in card.rows] == [1, 2, 3, 4, 5]


def test_as_of_well_after_the_data_is_an_error(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RatecycleError, match=r"more than 7 days after the last common close .* \(2026-08-21\)"):
        inputs_from_source(ds, "2030-01-01")
    assert inputs_from_source(ds, "2026-08-23").as_of == pd.Timestamp("2026-08-23")  # the weekend after is fine
