"""``ratecycle sweep``: JSON/CSV output, a Dask scheduler address, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app, run


@pytest.fixture(autouse=True)
def _cached_source(ds, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Commands read the session's snapshot DataSource (already parsed) instead of re-reading the CSVs."""
    import ratecycle.cli.options as options_cli

    monkeypatch.setattr(options_cli, "source", lambda snapshot, store: ds)


SMALL = ["--pairs", "russell2000,sp500", "--min-pause", "52,90", "--max-gap", "300", "--months", "12",
         "--conventions", "month_end"]


def test_sweep_json_matches_its_variants(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["sweep", *SMALL, "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert len(doc["variants"]) == 2 * 2 * 1 * 3 * 1 * 1 * 1
    later = [v for v in doc["variants"] if v["anchor"] == "later_start" and v["n_events"] > 0]
    assert doc["verdict"]["variants"] == len(later)
    assert doc["verdict"]["majority_beat"] == sum(v["hit_rate"] > 0.5 for v in later)
    assert doc["ex_post"] is True


def test_sweep_csv_variants(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["sweep", *SMALL, "--view", "variants", "--snapshot", str(snapshot_dir), "--csv"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("variant,pair,")
    assert len(lines) == 1 + 12


def test_sweep_on_a_scheduler_address_equals_local(snapshot_dir: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    local = CliRunner().invoke(app, ["sweep", *SMALL, "--snapshot", str(snapshot_dir), "--json"])
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        remote = CliRunner().invoke(app, ["sweep", *SMALL, "--snapshot", str(snapshot_dir), "--json",
                                          "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_sweep_bad_option_is_one_line_exit_2(snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["ratecycle", "sweep", "--months", "12,x", "--snapshot", str(snapshot_dir)])
    with pytest.raises(SystemExit) as exc:
        run()
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--months" in err


def test_sweep_distribution_view(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["sweep", *SMALL, "--view", "distribution", "--snapshot", str(snapshot_dir),
                                   "--csv"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("pair,months,variants,mean_spread_p10")
    assert lines[1].startswith('"russell2000,sp500",12,4,')
