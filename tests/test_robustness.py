"""Specification curve: specs against hand computations from the raw files, pseudo-event draws, p-values."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.test_events_study import last_close, raw
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.data.asof import AsOfSource
from ratecycle.robustness import specification_curve
from ratecycle.robustness.curve import _candidates, _draw, _null_means, spreads_at
from ratecycle.robustness.load import families_from_source
from ratecycle.robustness.measures import returns_index

AS_OF = pd.Timestamp("2025-09-17")
# later-phase starts of the default cutting cycles since the Russell 2000 file begins (docs/cycles.md table)
LATER_STARTS = ["1988-01-28", "1990-07-13", "1995-12-19", "2002-11-06", "2008-10-08", "2020-03-03"]


@pytest.fixture(scope="module")
def curve(ds):  # type: ignore[no-untyped-def]
    gated = AsOfSource(base=ds, as_of=AS_OF)
    return specification_curve(families_from_source(gated, ("russell2000", "sp500")), AS_OF, permutations=99)


def test_default_spec_matches_raw_closes(curve, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    spec = next(s for s in curve.specs if s.spec.measure == "russell2000-sp500" and s.spec.rules == "longest"
                and s.spec.min_pause == 52 and s.spec.max_gap == 370 and s.spec.min_moves == 2
                and s.spec.convention == "daily" and s.spec.months == 12 and s.spec.anchor == "later_start")
    rut, spx = raw(snapshot_dir, "RUT"), raw(snapshot_dir, "GSPC")
    spreads = []
    for day in LATER_STARTS:
        end = f"{int(day[:4]) + 1}{day[4:]}"
        spreads.append(last_close(rut, end)[1] / last_close(rut, day)[1]
                       - last_close(spx, end)[1] / last_close(spx, day)[1])
    assert [e.date().isoformat() for e in spec.events] == LATER_STARTS  # 2025-09-17's window is not complete
    assert spec.n_events == 6 and spec.mean_spread == pytest.approx(sum(spreads) / 6, abs=1e-12)
    assert spec.hit_rate == pytest.approx(sum(s > 0 for s in spreads) / 6)


def test_curve_summary_and_p_values(curve) -> None:  # type: ignore[no-untyped-def]
    means = np.array([s.mean_spread for s in curve.specs])
    assert curve.n_specs >= 200
    assert curve.share_positive == pytest.approx(float(np.mean(means > 0)))
    assert curve.median_spread == pytest.approx(float(np.median(means)))
    for p in (curve.p_share, curve.p_median):
        assert 0 < p <= 1 and round(p * 100) == pytest.approx(p * 100)  # (count + 1) / (99 + 1)
    fams = {f.family: f for f in curve.families}
    assert set(fams) == {"market", "long_history"}
    assert fams["market"].n_specs + fams["long_history"].n_specs == curve.n_specs
    long_specs = [s for s in curve.specs if s.spec.family == "long_history"]
    assert {s.spec.convention for s in long_specs} == {"month_end", "prior_month_end"}
    assert all(s.spec.min_moves is None for s in long_specs)
    assert all(max(s.events) <= AS_OF for s in curve.specs)


def test_pseudo_events_keep_count_spacing_and_the_as_of_date(ds) -> None:  # type: ignore[no-untyped-def]
    gated = AsOfSource(base=ds, as_of=AS_OF)
    measure = families_from_source(gated, ("russell2000", "sp500"))[0][0]
    pool = _candidates(measure, AS_OF, 24)
    assert pool[-1] <= np.datetime64("2023-09-17")  # a 24-month window after it ends by the as-of date
    picks = pool[_draw(pool, 6, 500, 365, np.random.default_rng(1))]
    gaps = np.diff(picks.astype("int64"), axis=1)
    assert picks.shape == (500, 6) and (gaps >= 365 - 4).all()  # a weekend can move a date by a few days


@pytest.mark.parametrize("as_of", ["2008-10-08", "2025-09-17"])
def test_every_pseudo_event_has_a_spread_in_every_convention(ds, as_of: str) -> None:  # type: ignore[no-untyped-def]
    # a pseudo-event in the data's first month has no prior month end: left in the pool, it gave NaN means that
    # counted as losses in the null distribution
    when = pd.Timestamp(as_of)
    gated = AsOfSource(base=ds, as_of=when)
    for measure, _ in families_from_source(gated, ("russell2000", "sp500")):
        pool = _candidates(measure, when, 24)
        first_month = max(measure.a.first, measure.b.first).astype("datetime64[M]")
        assert (pool.astype("datetime64[M]") > first_month).all()
        for convention in ("daily", "month_end", "prior_month_end"):
            assert np.isfinite(spreads_at(measure, pool, convention, 12)).all(), (measure.name, convention)


def test_null_means_equal_pseudo_events_computed_one_by_one(ds) -> None:  # type: ignore[no-untyped-def]
    # the null takes each pseudo-event's spread from the candidate pool's spreads; recompute a few draws window by
    # window from their dates, with the same seed and draw order
    gated = AsOfSource(base=ds, as_of=AS_OF)
    measures = {m.name: m for m, _ in families_from_source(gated, ("russell2000", "sp500"))}
    name = next(iter(measures))
    keys = [(name, "month_end", 12, 4), (name, "daily", 6, 4), (name, "prior_month_end", 24, 7)]
    null = _null_means(keys, measures, AS_OF, 40, 7, 365, None)
    rng = np.random.default_rng(7)
    pool = _candidates(measures[name], AS_OF, 24)
    draws = {n: pool[_draw(pool, n, 40, 365, rng)] for n in (4, 7)}  # sorted (name, n) order, as the curve draws
    for row, (_, convention, months, n) in zip(null, keys, strict=True):
        dates = draws[n]
        direct = np.array([np.nanmean(spreads_at(measures[name], d, convention, months)) for d in dates])
        assert np.array_equal(row, direct)
        assert np.isfinite(row).all() and row.std() > 0


def test_returns_index_compounds_monthly_returns() -> None:
    idx = returns_index(pd.Series([10.0, -50.0], index=pd.to_datetime(["2000-01-01", "2000-02-01"])), "x")
    assert list(idx.index.strftime("%Y-%m-%d")) == ["1999-12-31", "2000-01-31", "2000-02-29"]
    assert list(idx.to_numpy()) == pytest.approx([1.0, 1.1, 0.55])


def test_robustness_json_shape(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["robustness", "--as-of", "2025-09-17", "--permutations", "50", "--snapshot",
                                   str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert {"as_of", "n_specs", "share_positive", "median_spread", "p_share", "p_median", "specs"} <= set(doc)
    assert doc["as_of"] == "2025-09-17" and doc["n_specs"] == len(doc["specs"]) >= 200
    assert {"measure", "rules", "min_pause", "max_gap", "min_moves", "convention", "months", "anchor", "n_events",
            "mean_spread", "hit_rate"} <= set(doc["specs"][0])
