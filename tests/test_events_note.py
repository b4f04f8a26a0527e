"""The note check, the rotation window (compare) and rebased paths, against closes read from the snapshot CSVs."""

from __future__ import annotations

import bisect
import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.cycles import preset
from ratecycle.errors import RatecycleError
from ratecycle.events import compare_window, note_check, rebased_paths
from ratecycle.events.notecheck import NOTE_2025_CLAIMS, Claim, Target


def closes(snapshot_dir: Path, ticker: str) -> tuple[list[str], list[float]]:
    with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(newline="") as fh:
        rows = [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["close"]]
    return [d for d, _ in rows], [c for _, c in rows]


def at(data: tuple[list[str], list[float]], day: str) -> float:
    """Close on or before ``day``, by hand."""
    return data[1][bisect.bisect_right(data[0], day) - 1]


@pytest.fixture(scope="module")
def indices(ds) -> tuple[pd.Series, pd.Series]:
    return ds.load("russell2000"), ds.load("sp500")


def test_rotation_window_reproduces_the_note(snapshot_dir: Path, indices) -> None:
    rut, spx = closes(snapshot_dir, "RUT"), closes(snapshot_dir, "GSPC")
    hand_a = at(rut, "2025-09-17") / at(rut, "2025-08-01") - 1
    hand_b = at(spx, "2025-09-17") / at(spx, "2025-08-01") - 1
    res = compare_window(*indices, "2025-08-01", "2025-09-17")
    assert res.return_a == pytest.approx(hand_a, abs=1e-12) and res.return_b == pytest.approx(hand_b, abs=1e-12)
    assert abs(res.return_a - 0.111) < 0.0005 and abs(res.return_b - 0.058) < 0.0005  # note: +11.1% and +5.8%
    doc = res.to_dict()
    assert doc["start"] == "2025-08-01" and doc["end"] == "2025-09-17"
    assert doc["close_start_a"] == at(rut, "2025-08-01") and doc["close_end_b"] == at(spx, "2025-09-17")
    assert doc["spread"] == pytest.approx(hand_a - hand_b)
    assert doc["path"][0] == {"date": "2025-08-01", "a": 100.0, "b": 100.0}
    assert doc["path"][-1]["a"] == pytest.approx(100 * (1 + hand_a))
    # the month-end convention moves both dates to month ends (July 31 -> August 29 is not the note's window)
    me = compare_window(*indices, "2025-08-01", "2025-09-17", convention="prior_month_end")
    assert me.row["start_a"] == "2025-07-31" and me.row["end_a"] == "2025-08-29"


def test_compare_past_the_data_is_flagged_or_an_error(indices) -> None:
    res = compare_window(*indices, "2026-06-01", "2026-12-31")
    assert res.row["incomplete"] and res.row["last_date_used"] == "2026-08-21"
    with pytest.raises(RatecycleError, match="runs past the data"):
        compare_window(*indices, "2026-06-01", "2026-12-31", strict=True)
    with pytest.raises(RatecycleError, match="before the data"):
        compare_window(*indices, "1980-01-01", "1990-01-01")
    with pytest.raises(RatecycleError, match="must be after start"):
        compare_window(*indices, "2025-09-17", "2025-08-01")


def test_rebased_paths_and_phase_shading(snapshot_dir: Path, indices) -> None:
    rut = closes(snapshot_dir, "RUT")
    cycles = preset("note-2025")
    res = rebased_paths(*indices, "2001-01-06", start="2001-01-01", end="2001-12-31", cycles=cycles)
    assert res.base_a == pd.Timestamp("2001-01-05")  # a Saturday base uses Friday's close
    path = res.path.set_index("date")
    assert path.loc["2001-06-29", "a"] == pytest.approx(100 * at(rut, "2001-06-29") / at(rut, "2001-01-05"))
    assert path.loc["2001-01-05", "a"] == pytest.approx(100.0)
    phases = {(p["cycle"], p["phase"]): p for p in res.phases}
    assert phases[("cut 2019-07", "pause")] == {"cycle": "cut 2019-07", "phase": "pause", "start": "2019-10-30",
                                                "end": "2020-03-03", "open": False}
    assert phases[("cut 2001-01", "later")]["start"] == "2001-08-21"


def test_note_check_values_and_windows(snapshot_dir: Path, indices) -> None:
    rut, spx = closes(snapshot_dir, "RUT"), closes(snapshot_dir, "GSPC")
    res = note_check(*indices, preset("note-2025"))
    checks = {c.key: c for c in res.claims}
    rot = checks["rotation_2025"]
    assert rot.side_a.reproduced_by == ("daily",) and rot.side_b.reproduced_by == ("daily",)
    assert rot.side_a.by_convention["daily"]["value"] == pytest.approx(
        at(rut, "2025-09-17") / at(rut, "2025-08-01") - 1, abs=1e-12)
    c2020 = checks["later_2020"]
    # R2000 +92.6%: last close of March 2020 to last close of March 2021
    assert c2020.side_a.by_convention["month_end"]["value"] == pytest.approx(
        at(rut, "2021-03-31") / at(rut, "2020-03-31") - 1, abs=1e-12)
    assert "month_end" in c2020.side_a.reproduced_by and "month_end" not in c2020.side_b.reproduced_by
    # S&P +29%: last close of February 2020 to last close of February 2021
    assert c2020.side_b.reproduced_by == ("prior_month_end",)
    assert c2020.side_b.by_convention["prior_month_end"]["value"] == pytest.approx(
        at(spx, "2021-02-28") / at(spx, "2020-02-29") - 1, abs=1e-12)
    assert "different windows" in c2020.verdict
    c2001 = checks["later_2001"]
    assert c2001.side_b.by_convention["prior_month_end"]["value"] == pytest.approx(
        at(spx, "2002-07-31") / at(spx, "2001-07-31") - 1, abs=1e-12)
    assert abs(c2001.side_b.by_convention["prior_month_end"]["value"] + 0.247) <= 0.001
    assert c2001.side_a.by_convention["month_end"]["value"] == pytest.approx(
        at(rut, "2002-08-31") / at(rut, "2001-08-31") - 1, abs=1e-12)
    c2008 = checks["later_2008"]
    assert c2008.side_b.by_convention["daily"]["value"] == pytest.approx(
        at(spx, "2009-10-08") / at(spx, "2008-10-08") - 1, abs=1e-12)
    assert c2008.side_b.by_convention["daily"]["matches"] is False  # the S&P rose from the 2008-10-08 cut day
    for check in res.claims:
        for side in (check.side_a, check.side_b):
            for window in side.matching_windows:  # every reported window really reproduces the figure
                assert window["start"] <= window["end"]
    best = res.convention_pairs()[0]
    assert (best["convention_a"], best["convention_b"], best["reproduced"]) == ("month_end", "prior_month_end", 4)
    json.dumps(res.to_dict())  # plain JSON types only


def test_target_matching_rules() -> None:
    assert Target("value", 0.29, decimals=0).tolerance == pytest.approx(0.005)
    assert Target("value", 0.319).tolerance == pytest.approx(0.001)
    assert Target("value", 0.319).matches(0.3199) and not Target("value", 0.319).matches(0.3205)
    assert Target("sign", sign=-1).matches(-0.01) and not Target("sign", sign=-1).matches(0.01)
    assert not Target("value", 0.1).matches(float("nan"))


def test_note_check_needs_the_cycle(indices) -> None:
    claim = Claim("x", "a claim about 1995", Target("value", 0.1), Target("value", 0.1), anchor_month="1995-02")
    with pytest.raises(RatecycleError, match="no cycle in the calendar has a later phase starting in 1995-02"):
        note_check(*indices, preset("note-2025"), claims=[claim])
    assert len(NOTE_2025_CLAIMS) == 5


def test_cli_compare_and_notecheck_json(snapshot_dir: Path, ds, monkeypatch: pytest.MonkeyPatch) -> None:
    import ratecycle.cli.options as options_cli

    monkeypatch.setattr(options_cli, "source", lambda snapshot, store: ds)
    runner = CliRunner()
    out = runner.invoke(app, ["compare", "--start", "2025-08-01", "--end", "2025-09-17", "--snapshot",
                              str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    rut, spx = closes(snapshot_dir, "RUT"), closes(snapshot_dir, "GSPC")
    assert doc["return_a"] == pytest.approx(at(rut, "2025-09-17") / at(rut, "2025-08-01") - 1, abs=1e-12)
    assert doc["return_b"] == pytest.approx(at(spx, "2025-09-17") / at(spx, "2025-08-01") - 1, abs=1e-12)
    assert {"spread", "start", "end", "series_a", "series_b", "close_start_a", "close_end_b", "path"} <= set(doc)
    out = runner.invoke(app, ["compare", "--start", "2025-08-01", "--end", "2025-09-17", "--pair", "iwm,spy",
                              "--snapshot", str(snapshot_dir), "--csv"])
    assert out.exit_code == 0 and out.output.splitlines()[0] == "date,a,b"
    out = runner.invoke(app, ["notecheck", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert [c["key"] for c in doc["claims"]] == [c.key for c in NOTE_2025_CLAIMS]
    out = runner.invoke(app, ["notecheck", "--snapshot", str(snapshot_dir)])
    assert out.exit_code == 0 and "best convention pair: A month_end, B prior_month_end" in out.output


def test_early_phase_statements_against_raw_closes(snapshot_dir: Path, indices) -> None:
    """Both indices down in 2001 and 2007-08, both up in 2002 and 2019: signs from the raw files, daily windows."""
    from ratecycle.events.notecheck import NOTE_2025_EARLY_CLAIMS

    rut, spx = closes(snapshot_dir, "RUT"), closes(snapshot_dir, "GSPC")
    res = note_check(*indices, preset("note-2025"), claims=NOTE_2025_EARLY_CLAIMS)
    held = []
    for claim, check in zip(NOTE_2025_EARLY_CLAIMS, res.claims, strict=True):
        assert claim.start is not None and claim.end is not None
        for data, side, target in ((rut, check.side_a, claim.target_a), (spx, check.side_b, claim.target_b)):
            expected = at(data, claim.end) / at(data, claim.start) - 1
            assert side.by_convention["daily"]["value"] == pytest.approx(expected, abs=1e-12)
            assert side.by_convention["daily"]["matches"] == ((expected > 0) == (target.sign > 0))
        if check.side_a.by_convention["daily"]["matches"] and check.side_b.by_convention["daily"]["matches"]:
            held.append(claim.key)
    # the Russell 2000 rose in the 2001 early phase and slipped in the 2019 one, against the note's wording
    assert held == ["early_2007", "early_2002"]
    out = CliRunner().invoke(app, ["notecheck", "--early", "--snapshot", str(snapshot_dir), "--json"])
    assert out.exit_code == 0, out.output
    assert [c["key"] for c in json.loads(out.output)["claims"]] == [c.key for c in NOTE_2025_EARLY_CLAIMS]
