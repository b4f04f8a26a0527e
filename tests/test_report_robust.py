"""The report's robustness evidence: the rule-based, long-history and specification-curve results reach the
bottom line and the key figures, with the numbers of the analyses themselves."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ratecycle.report.build import ReportOptions, build_report
from ratecycle.report.fmt import pp

AS_OF = "2025-09-17"


@pytest.fixture(scope="module")
def report(ds):  # type: ignore[no-untyped-def]
    return build_report(ds, ReportOptions(as_of=AS_OF))


def _section(report, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.sections if s.key == key)


def test_bottom_line_states_long_history_and_curve(report) -> None:  # type: ignore[no-untyped-def]
    text = report.bottom_line
    assert "since 1954 small caps led in " in text and "specifications (p" in text
    assert "without the best cycle (" in text
    robust = _section(report, "robustness")
    assert robust.available, robust.reason


def test_key_figures_match_the_evidence_tables(report) -> None:  # type: ignore[no-untyped-def]
    key = _section(report, "key_figures").blocks[0]
    rows = {r["measure"]: r for r in key.rows}
    robust = _section(report, "robustness")
    tables = [b for b in robust.blocks if hasattr(b, "rows") and hasattr(b, "columns")]
    evidence = tables[0].rows
    market, longrun = evidence[0], evidence[1]
    # the mean's row quotes the evidence table's t-interval first (a small sample), then the bootstrap
    mean_row = next(r for m, r in rows.items() if m.startswith("Mean spread, "))
    assert mean_row["detail"].startswith(f"95% t-interval {pp(market['t_low'])} to {pp(market['t_high'])}; bootstrap")
    # the mean without the best cycle: the study's spreads by hand, the largest left out
    events = _section(report, "significance").blocks
    table = next(b for b in events if hasattr(b, "columns") and any(c.key == "spread" for c in b.columns))
    spreads = [r["spread"] for r in table.rows if not r["incomplete"] and r["spread"] is not None]
    assert len(spreads) == 6
    without_best = (sum(spreads) - max(spreads)) / (len(spreads) - 1)
    assert rows["Mean spread without its best cycle"]["value"] == pytest.approx(without_best, abs=1e-12)
    assert longrun["hits"] == rows["Long history since 1954: small 30% ahead of big 30% (Ken French)"]["display"]
    calls = tables[1].rows
    scored = [c for c in calls if c["realised_spread"] is not None]
    assert len(calls) >= 10
    # Brier of the listed probabilities against the listed outcomes, by hand
    brier = sum((c["probability"] - (1.0 if c["realised_spread"] > 0 else 0.0)) ** 2 for c in scored) / len(scored)
    record_row = next(r for m, r in rows.items() if m.startswith("Track record of the scorecard"))
    assert f"Brier {brier:.3f}" in record_row["detail"]
    called = [c for c in scored if c["hit"] != "-"]
    assert record_row["display"] == f"{sum(c['hit'] == 'yes' for c in called)} right of {len(called)} calls"
    # the replay on the as-of date (a later-phase start) is the scorecard of that date: the same combination
    today = next(c for c in calls if c["date"] == AS_OF)
    card_row = next(r for m, r in rows.items() if m.startswith("Driver scorecard: probability"))
    assert today["probability"] == pytest.approx(card_row["value"], abs=1e-12)
    # no call uses a later phase that began after it
    for c in calls:
        assert pd.Timestamp(c["date"]) <= pd.Timestamp(AS_OF)
    assert not math.isnan(market["mean"])
