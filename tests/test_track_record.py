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
    assert len(record.calls) >= 10
    outcomes = {}
    for call in record.calls:
        assert call.probability == pytest.approx((call.evidence_hits + 1) / (len(call.evidence) + 2))
        earlier = [c for c in record.calls if c.era == call.era and c.date in call.evidence]
        assert call.evidence_hits == sum(1 for c in earlier if c.realised_spread is not None and c.realised_spread > 0)
        if call.realised_spread is not None:
            outcomes[call.date] = (call.probability, 1.0 if call.realised_spread > 0 else 0.0)
    n = len(outcomes)
    assert record.brier == pytest.approx(sum((p - o) ** 2 for p, o in outcomes.values()) / n)
    assert record.brier_always_small == pytest.approx(sum((1 - o) ** 2 for _, o in outcomes.values()) / n)
    assert record.brier_always_large == pytest.approx(sum(o ** 2 for _, o in outcomes.values()) / n)
    first = [c for c in record.calls if not c.evidence]
    assert first and all(c.probability == 0.5 and c.call == "none" for c in first)


def test_track_record_json(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["outlook", "--track-record", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert {"calls", "hit_rate", "brier", "brier_always_small", "brier_always_large"} <= set(doc)
    assert len(doc["calls"]) >= 10
    assert {"date", "call", "probability", "score", "realised_spread", "hit"} <= set(doc["calls"][0])
    assert {c["era"] for c in doc["calls"]} == {"long history (ff_size lo30 - hi30)", "russell2000 - sp500"}
