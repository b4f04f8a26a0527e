"""``ratecycle backtest``: JSON/CSV output checked against the raw snapshot closes; one-line errors."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app, run


@pytest.fixture(autouse=True)
def _cached_source(ds, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The command reads the session's snapshot DataSource (already parsed) instead of re-reading the CSVs."""
    import ratecycle.cli.options as options_cli

    monkeypatch.setattr(options_cli, "source", lambda snapshot, store: ds)


def _close(path: Path, day: str) -> float:
    with path.open(newline="") as handle:
        return next(float(r["close"]) for r in csv.DictReader(handle) if r["date"] == day)


def test_backtest_json_buy_and_hold_equals_raw_closes(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["backtest", "--pair", "russell2000,sp500", "--cost-bps", "0", "--start",
                                   "2000-01-03", "--end", "2024-12-31", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert (doc["start"], doc["end"]) == ("2000-01-03", "2024-12-31")
    metrics = {m["name"]: m for m in doc["metrics"]}
    rut = snapshot_dir / "market" / "RUT_daily.csv"
    spx = snapshot_dir / "market" / "GSPC_daily.csv"
    ra = _close(rut, "2024-12-31") / _close(rut, "2000-01-03") - 1
    rb = _close(spx, "2024-12-31") / _close(spx, "2000-01-03") - 1
    assert metrics["buy_hold_a"]["total_return"] == pytest.approx(ra, rel=1e-9)
    assert metrics["buy_hold_b"]["total_return"] == pytest.approx(rb, rel=1e-9)
    years = 9129 / 365.25  # calendar days from 2000-01-03 to 2024-12-31
    assert metrics["buy_hold_a"]["cagr"] == pytest.approx((1 + ra) ** (1 / years) - 1, rel=1e-9)
    assert doc["strategy"]["name"] == "later-phase" and doc["lag_days"] == 1
    assert doc["total_return_series"] == {"a": False, "b": False}
    assert any("price index" in n for n in doc["notes"])
    assert 0 < doc["phase_share"]["cut_later"] < 0.5


def test_backtest_csv_and_daily(snapshot_dir: Path) -> None:
    out = CliRunner().invoke(app, ["backtest", "--pair", "iwm,spy", "--strategy", "later-long-short", "--start",
                                   "2019-01-01", "--end", "2021-12-31", "--snapshot", str(snapshot_dir), "--csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(out.stdout.splitlines()))
    assert [r["name"] for r in rows] == ["strategy", "buy_hold_a", "buy_hold_b", "fifty_fifty"]
    assert 0 < float(rows[0]["time_in_market"]) < 1
    daily = CliRunner().invoke(app, ["backtest", "--pair", "iwm,spy", "--start", "2020-03-02", "--end", "2020-03-06",
                                     "--daily", "--snapshot", str(snapshot_dir), "--json"])
    assert daily.exit_code == 0, daily.output
    days = json.loads(daily.stdout)["daily"]
    # base close 2020-03-02; the 2020-03-03 cut starts the later phase, so A is held from 2020-03-04
    assert [d["date"] for d in days] == ["2020-03-03", "2020-03-04", "2020-03-05", "2020-03-06"]
    assert [d["a"] for d in days] == [0.0, 1.0, 1.0, 1.0]
    assert [d["phase"] for d in days] == ["cut_pause", "cut_later", "cut_later", "cut_later"]
    table = CliRunner().invoke(app, ["backtest", "--min-pause", "60", "--snapshot", str(snapshot_dir)])
    assert table.exit_code == 0, table.output
    assert "Cycles detected from the Fed target: pause rule longest, min pause 60 days, max gap 370 days" in " ".join(
        table.output.split())


def test_backtest_bad_strategy_is_one_line_exit_2(snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["ratecycle", "backtest", "--strategy", "moon", "--snapshot", str(snapshot_dir)])
    with pytest.raises(SystemExit) as exc:
        run()
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown strategy" in err
