"""The scorecard follows the cycle rules the user chose (report --min-pause, outlook --min-pause), not defaults."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.cycles import CycleRules, detect_cycles
from ratecycle.data.source import DataSource
from ratecycle.outlook import inputs_from_source, scorecard
from ratecycle.report.build import ReportOptions, make_context
from ratecycle.report.sections_macro import scorecard_section

AS_OF = "2026-08-21"


def test_report_and_outlook_use_the_chosen_rules(ds: DataSource, snapshot_dir: Path) -> None:
    rules = replace(CycleRules(), min_pause=120)
    inputs = inputs_from_source(ds, AS_OF)
    chosen = scorecard(inputs, rules=rules)
    default = scorecard(inputs)
    # the policy evidence comes from the later phases that the chosen rules find
    cycles = detect_cycles(inputs.target_upper, inputs.target_lower, inputs.meetings, rules, direction="cut")
    policy = next(r for r in chosen.rows if r.driver == "policy")
    assert set(policy.cycles) <= {c.label for c in cycles if c.later_phase is not None}
    default_policy = next(r for r in default.rows if r.driver == "policy")
    assert 0 < policy.n < default_policy.n  # a longer minimum pause leaves fewer cycles with a later phase
    assert any("min_pause 120 d" in n for n in chosen.notes) and any("default rules" in n for n in default.notes)

    ctx = make_context(ds, ReportOptions(as_of=AS_OF, min_pause=120))
    scorecard_section(ctx)
    assert ctx.facts.outlook is not None
    assert ctx.facts.outlook.to_dict() == scorecard(inputs, rules=rules, convention="daily").to_dict()

    out = CliRunner().invoke(app, ["outlook", "--as-of", AS_OF, "--min-pause", "120", "--snapshot",
                                   str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["score"] == chosen.score and doc["probability"] == chosen.probability
    assert doc["posterior_above_half"] == chosen.posterior_above_half
    both = CliRunner().invoke(app, ["outlook", "--preset", "note-2025", "--min-pause", "120", "--snapshot",
                                    str(snapshot_dir)])
    assert both.exit_code != 0
