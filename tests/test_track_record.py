"""Track record: every call uses only earlier, closed cycles; probabilities and Brier scores by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.outlook.track_record import eras_from_source, track_record


@pytest.fixture(scope="module")
def record(ds):  # type: ignore[no-untyped-def]
    return track_record(eras_from_source(ds), months=12)


def test_no_call_uses_a_later_cycle(record, ds) -> None:  # type: ignore[no-untyped-def]
    eras = {e.name: e for e in eras_from_source(ds)}
    for call in record.calls:
        starts = {c.pause.end: c.start for c in eras[call.era].cycles if c.pause is not None}
        for used in call.evidence:
            assert used < call.date and starts[used] < call.date
            # its 12-month window had closed by the call's date
            assert used + pd.DateOffset(months=12) <= call.date + pd.offsets.MonthEnd(1)


def test_probabilities_hits_and_brier_by_hand(record) -> None:  # type: ignore[no-untyped-def]
    """Each call combines its earlier cycles as the scorecard does: s = share of the drivers readable on the call's
    date that read the same at the earlier cycle's own later-phase start (that earlier call's states)."""
    from scipy.stats import beta

    assert len(record.calls) >= 10
    outcomes = {}
    for call in record.calls:
        earlier = {c.date: c for c in record.calls if c.era == call.era and c.date in call.evidence}
        assert set(earlier) == set(call.evidence)
        readable = [d for d, state in call.states.items() if state is not None]
        assert call.states["policy"] == "later" and "policy" in readable
        sims = [sum(1 for d in readable if d == "policy" or earlier[day].states[d] == call.states[d]) / len(readable)
                for day in call.evidence]
        assert list(call.similarity) == pytest.approx(sims)
        wins = [earlier[day].realised_spread is not None and earlier[day].realised_spread > 0 for day in call.evidence]
        hits, n = sum(s for s, w in zip(sims, wins, strict=True) if w), sum(sims)
        assert call.probability == pytest.approx((hits + 1) / (n + 2)) and call.effective_n == pytest.approx(n)
        assert call.evidence_hits == sum(wins)
        posterior = beta.sf(0.5, hits + 1, n - hits + 1)
        assert call.posterior_above_half == pytest.approx(posterior)
        assert call.call == ("small" if posterior >= 0.8 else "large" if posterior <= 0.2 else "none")
        if call.realised_spread is not None:
            outcomes[call.date] = (call.probability, 1.0 if call.realised_spread > 0 else 0.0)
            assert call.hit == (None if call.call == "none" else (call.realised_spread > 0) == (call.call == "small"))
    n = len(outcomes)
    assert record.brier == pytest.approx(sum((p - o) ** 2 for p, o in outcomes.values()) / n)
    assert record.brier_always_small == pytest.approx(sum((1 - o) ** 2 for _, o in outcomes.values()) / n)
    assert record.brier_always_large == pytest.approx(sum(o ** 2 for _, o in outcomes.values()) / n)
    first = [c for c in record.calls if not c.evidence]
    assert first and all(c.probability == 0.5 and c.call == "none" for c in first)


def test_without_driver_inputs_the_record_is_the_policy_share(ds) -> None:  # type: ignore[no-untyped-def]
    """Drivers that cannot be read drop out: with no inputs every earlier cycle counts fully, (hits + 1) / (n + 2)."""
    from dataclasses import replace

    eras = [replace(e, inputs=None) for e in eras_from_source(ds)]
    plain = track_record(eras, months=12)
    by_date = {c.date: c for c in plain.calls}
    for call in plain.calls:
        wins = sum(1 for d in call.evidence if (by_date[d].realised_spread or 0.0) > 0)
        assert call.similarity == (1.0,) * len(call.evidence)
        assert call.probability == pytest.approx((wins + 1) / (len(call.evidence) + 2))


def test_the_last_call_is_the_scorecard_of_that_day(record, ds) -> None:  # type: ignore[no-untyped-def]
    """The replay at the latest later-phase start gives the probability the outlook prints as of that date."""
    from ratecycle.outlook import inputs_from_source, scorecard

    last = max((c for c in record.calls if c.era == "russell2000 - sp500"), key=lambda c: c.date)
    card = scorecard(inputs_from_source(ds, last.date))
    assert card.phase == "later"
    assert last.probability == pytest.approx(card.probability, abs=1e-12)
    assert last.posterior_above_half == pytest.approx(card.posterior_above_half, abs=1e-12)
    assert dict(zip((c[0] for c in card.similarity), last.similarity, strict=True)) == pytest.approx(
        dict(card.similarity))


def test_track_record_json(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["outlook", "--track-record", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert {"calls", "hit_rate", "brier", "brier_always_small", "brier_always_large"} <= set(doc)
    assert len(doc["calls"]) >= 10
    assert {"date", "call", "probability", "score", "realised_spread", "hit", "posterior_above_half",
            "effective_n"} <= set(doc["calls"][0])
    assert {c["era"] for c in doc["calls"]} == {"long history (ff_size lo30 - hi30)", "russell2000 - sp500"}
