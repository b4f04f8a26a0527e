"""``ratecycle study``: JSON rows and summary checked against hand computations, and one-line errors."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app, run

ROW_KEYS = {"cycle_start", "anchor", "window_start", "window_end", "start_a", "end_a", "start_b", "end_b", "return_a",
            "return_b", "spread", "close_start_a", "close_end_a", "close_start_b", "close_end_b", "incomplete",
            "convention"}


@pytest.fixture
def cached_source(ds, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read the session's snapshot DataSource instead of re-reading the files for every call."""
    import ratecycle.cli.options as options_cli

    monkeypatch.setattr(options_cli, "source", lambda snapshot, store: ds)


def month_last(snapshot_dir: Path, ticker: str) -> dict[str, float]:
    out: dict[str, float] = {}
    with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["date"][:7]] = float(r["close"])
    return out


def test_study_json_preset(snapshot_dir: Path, cached_source: None) -> None:
    out = CliRunner().invoke(app, ["study", "--preset", "note-2025", "--convention", "month_end", "--snapshot",
                                   str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["series_a"] == "russell2000" and doc["series_b"] == "sp500" and doc["ex_post"] is True
    rows = doc["rows"]
    assert all(set(r) >= ROW_KEYS for r in rows)
    rut, spx = month_last(snapshot_dir, "RUT"), month_last(snapshot_dir, "GSPC")
    by_anchor = {r["anchor"]: r for r in rows}
    r2020 = by_anchor["2020-03-03"]
    assert r2020["return_a"] == pytest.approx(rut["2021-03"] / rut["2020-03"] - 1, abs=1e-12)
    assert r2020["return_b"] == pytest.approx(spx["2021-03"] / spx["2020-03"] - 1, abs=1e-12)
    r2008 = by_anchor["2008-10-08"]
    assert r2008["window_start"] == "2008-10-31" and r2008["window_end"] == "2009-10-31"
    assert r2008["end_a"] == "2009-10-30" and r2008["close_end_a"] == rut["2009-10"]
    assert by_anchor["2025-09-17"]["incomplete"] is True and by_anchor["2025-09-17"]["last_date_used"] == "2026-08-21"
    summary = doc["summary"]
    complete = [r["spread"] for r in rows if not r["incomplete"]]
    assert summary["n"] == len(complete) == 4 and summary["small_sample"] is True
    assert summary["hit_rate"] == pytest.approx(sum(s > 0 for s in complete) / 4)
    assert 0 < summary["test"]["p_value"] <= 1 and summary["baseline_n"] == doc["baseline"]["n"]
    # the note's own calendar also checks each figure the note states, by convention (raw closes by hand)
    claims = {c["key"]: c for c in doc["note_check"]["claims"]}
    assert set(claims) == {"later_2003", "later_2020", "later_2008", "later_2001", "rotation_2025"}
    later_2020 = claims["later_2020"]["side_a"]["by_convention"]["month_end"]
    assert later_2020["value"] == pytest.approx(rut["2021-03"] / rut["2020-03"] - 1, abs=1e-12)
    assert later_2020["matches"] is True and "month_end" in claims["later_2020"]["side_a"]["reproduced_by"]
    detected = CliRunner().invoke(app, ["study", "--snapshot", str(snapshot_dir), "--json"])
    assert detected.exit_code == 0 and "note_check" not in json.loads(detected.output)


def test_study_table_with_the_note_calendar_prints_the_note_check(snapshot_dir: Path, cached_source: None) -> None:
    out = CliRunner().invoke(app, ["study", "--preset", "note-2025", "--snapshot", str(snapshot_dir)])
    assert out.exit_code == 0, out.output
    assert "Note check: russell2000 (A) vs sp500 (B), calendar note-2025" in out.output
    assert "best convention pair: A month_end, B prior_month_end reproduces 4 of 5 claims" in out.output


def test_study_table_csv_and_phases(snapshot_dir: Path, cached_source: None) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["study", "--preset", "note-2025", "--snapshot", str(snapshot_dir)])
    assert out.exit_code == 0, out.output
    assert "Summary (complete windows only)" in out.output and "small sample" in out.output
    out = runner.invoke(app, ["study", "--preset", "note-2025", "--pair", "iwm,spy", "--anchor", "cycle_start",
                              "--months", "6", "--convention", "daily", "--snapshot", str(snapshot_dir), "--csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("cycle,cycle_start,anchor,window_start,window_end") and len(lines) == 6
    out = runner.invoke(app, ["study", "--preset", "note-2025", "--phases", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    windows = {r["window"] for r in json.loads(out.output)["rows"]}
    assert {"early", "pause", "later", "12m_after_later_start"} <= windows


def test_study_detected_cycles(snapshot_dir: Path, cached_source: None) -> None:
    out = CliRunner().invoke(app, ["study", "--anchor", "cycle_start", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["summary"]["n"] >= 4
    assert all(r["cycle"].startswith("cut") for r in doc["rows"])


def _daily_close(snapshot_dir: Path, ticker: str) -> dict[str, float]:
    with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(newline="") as fh:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}


def test_study_as_of_sees_only_that_day_and_states_its_cycles(snapshot_dir: Path, cached_source: None) -> None:
    """As of 31 Dec 2009: detected cycles known then (the 2007-08 one ended), windows cut at that day, the rules in
    words; with the note's calendar, its cycles up to 2007 only and the calendar named as fixed after the fact."""
    runner = CliRunner()
    out = runner.invoke(app, ["study", "--as-of", "2009-12-31", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["as_of"] == "2009-12-31"
    assert doc["cycles_from"] == ("detected from the Fed target (pause rule longest, min pause 52 days, max gap 370 "
                                  "days, at least 2 moves and 50 bp)")
    assert [r["cycle"] for r in doc["rows"]][-1] == "cut 2007-09"
    assert max(max(r["end_a"], r["end_b"]) for r in doc["rows"] if not r["before_data"]) <= "2009-12-31"
    assert doc["baseline"]["last_window_end"] <= "2009-12-31"
    rut, spx = _daily_close(snapshot_dir, "RUT"), _daily_close(snapshot_dir, "GSPC")
    row = next(r for r in doc["rows"] if r["anchor"] == "2008-10-08")
    expected = (rut["2009-10-08"] / rut["2008-10-08"] - 1) - (spx["2009-10-08"] / spx["2008-10-08"] - 1)
    assert row["spread"] == pytest.approx(expected, abs=1e-12) and row["incomplete"] is False
    out = runner.invoke(app, ["study", "--as-of", "2009-12-31", "--preset", "note-2025", "--snapshot",
                              str(snapshot_dir), "--json"])
    doc = json.loads(out.output)
    assert doc["cycles_from"] == "calendar preset note-2025 (fixed after the fact, not detected)"
    assert [r["cycle"] for r in doc["rows"]] == ["cut 2001-01", "cut 2002-11", "cut 2007-09"]
    table = runner.invoke(app, ["study", "--as-of", "2009-12-31", "--snapshot", str(snapshot_dir)])
    assert "cycles: detected from the Fed target (pause rule longest" in " ".join(table.output.split())


@pytest.mark.parametrize(("args", "message"), [
    (["study", "--pair", "russell2000,nosuch"], "unknown series 'nosuch'"),
    (["study", "--preset", "note-2025", "--strict"], "runs past the data (last date used 2026-08-21)"),
    (["study", "--preset", "note-2025", "--convention", "weekly"], "unknown window convention 'weekly'"),
    (["study", "--long-history", "--pair", "iwm,spy"], "cannot take --pair or --phases"),
    (["study", "--long-history", "--phases"], "cannot take --pair or --phases"),
    (["compare", "--start", "2025-08-01", "--end", "2025-09-17", "--json", "--csv"], "choose one of --json and --csv"),
])
def test_cli_errors_are_one_line(snapshot_dir: Path, args: list[str], message: str, cached_source: None,
                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["ratecycle", *args, "--snapshot", str(snapshot_dir)])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err


def test_study_long_history_smb(snapshot_dir: Path, cached_source: None) -> None:
    import math

    out = CliRunner().invoke(app, ["study", "--long-history", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert "different measure" in doc["measure"] and doc["convention"] == "month_end"
    with (snapshot_dir / "market" / "ff3_factors_monthly.csv").open(newline="") as fh:
        smb = {r["date"]: float(r["SMB"]) for r in csv.DictReader(fh)}
    keys = sorted(smb)
    rows = [r for r in doc["rows"] if not r["incomplete"]]
    assert len(rows) == doc["summary"]["n"] >= 5
    assert min(r["anchor"] for r in rows) < "1960-01-01"  # FEDFUNDS cycles reach back to the 1950s
    for r in rows:  # month_end: the SMB of the 12 months after the anchor's month, compounded by hand
        i = keys.index(r["anchor"][:7]) + 1
        assert r["cumulative_smb"] == pytest.approx(math.prod(1 + smb[k] / 100 for k in keys[i:i + 12]) - 1,
                                                    abs=1e-12)
    hits = sum(r["cumulative_smb"] > 0 for r in rows)
    assert doc["summary"]["hit_rate"] == pytest.approx(hits / len(rows))
