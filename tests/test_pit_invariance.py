"""One answer per date: the as-of gate, `data cut`, and phase/outlook/report agreeing on full and cut snapshots."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from cli_run import cli
from pit_by_hand import announcement_days
from ratecycle.cycles import load_targets, point_in_time, policy_moves
from ratecycle.cycles.pit import PointInTimeLabel
from ratecycle.data.asof import as_of
from ratecycle.data.cut import cut_snapshot
from ratecycle.data.source import DataSource
from ratecycle.report import ReportOptions, build_report, report_json

DATES = ("2025-09-17", "2020-03-03", "2008-10-08")


def _label(ds: DataSource, day: pd.Timestamp) -> PointInTimeLabel:
    return point_in_time(day, *load_targets(as_of(ds, day)))


def test_every_announcement_day_since_1990_knows_its_decision_that_day(ds: DataSource, snapshot_dir: Path) -> None:
    """On each day a target change was announced (from the raw files) the gated data show it; the day before not;
    and the label equals the one built from all the data with only moves announced by then."""
    announced = sorted({d for fred_id in ("DFEDTAR", "DFEDTARU") for d in announcement_days(snapshot_dir, fred_id)})
    days = [pd.Timestamp(d) for d in announced if d >= "1990-01-01"]
    assert len(days) > 100
    full = load_targets(ds)
    moves = {m.announced for m in policy_moves(*full)}
    for day in days:
        label = _label(ds, day)
        assert day in moves and label.last_move == day, day
        assert label == point_in_time(day, *full), day
        before = _label(ds, day - pd.Timedelta(days=1))
        assert before.last_move is None or before.last_move < day, day
    rng = random.Random(12)
    lo, hi = pd.Timestamp("1990-01-01"), full[0].index[-1]
    for _ in range(30):
        day = lo + pd.Timedelta(days=rng.randrange((hi - lo).days))
        assert _label(ds, day) == point_in_time(day, *full), day


@pytest.fixture(scope="module")
def cuts(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> dict[str, Path]:
    """The cut of the snapshot as of each date (``cut_snapshot``, what ``ratecycle data cut`` runs)."""
    out = {}
    for day in DATES:
        out[day] = tmp_path_factory.mktemp(f"cut-{day}")
        cut_snapshot(DataSource(snapshot=snapshot_dir), pd.Timestamp(day), out[day])
    return out


def test_data_cut_command_writes_what_was_released(tmp_path: Path, snapshot_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The cut of 17 Sep 2025 keeps the raw layout: the target ends on 18 Sep (that day's decision), core PCE in
    July, DFF on 16 Sep (next business day), Shiller earnings in May; a series with nothing released has no file."""
    code, out, err = cli(monkeypatch, capsys, "data", "cut", "--as-of", "2025-09-17", str(tmp_path / "cut"),
                         "--snapshot", str(snapshot_dir), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["layout"] == "raw"
    last = {s["name"]: s["last"] for s in doc["series"]}
    assert last["fed_target_upper"] == "2025-09-18" and last["core_pce"] == "2025-07-01"
    assert last["russell2000"] == "2025-09-17" and last["shiller:E"] == "2025-05-01"
    cut = tmp_path / "cut"
    assert not (cut / "manifest.json").exists()
    for name, expected in (("fred/DFEDTARU.csv", "2025-09-18,4.25"), ("fred/PCEPILFE.csv", "2025-07-01,"),
                           ("fred/DFF.csv", "2025-09-16,"), ("market/RUT_daily.csv", "2025-09-17,")):
        full = (snapshot_dir / name).read_text().splitlines()
        lines = (cut / name).read_text().splitlines()
        assert lines[-1].startswith(expected), name
        assert lines == full[:len(lines)], name  # the same header and rows, byte for byte
    shiller = (cut / "market" / "shiller_ie_data_monthly.csv").read_text().splitlines()
    full_shiller = (snapshot_dir / "market" / "shiller_ie_data_monthly.csv").read_text().splitlines()
    assert shiller[0] == full_shiller[0]
    rows = {line.split(",")[0]: line.split(",") for line in shiller[1:]}
    header = shiller[0].split(",")
    assert rows["2025-08"][header.index("P")] != "" and rows["2025-08"][header.index("E")] == ""
    assert rows["2025-05"][header.index("E")] != "" and "2025-09" not in rows
    ff = (cut / "market" / "F-F_Research_Data_Factors.CSV").read_text().splitlines()
    assert ff[0] == (snapshot_dir / "market" / "F-F_Research_Data_Factors.CSV").read_text().splitlines()[0]
    assert max(line.split(",")[0] for line in ff if line[:6].isdigit()) == "202507"
    assert {p.name for p in (cut / "market").glob("*_holdings_*")} == {"IWM_holdings_2025-05-13.csv"}
    code, out, err = cli(monkeypatch, capsys, "data", "cut", "--as-of", "1995-06-30", str(tmp_path / "early"),
                         "--snapshot", str(snapshot_dir), "--json")
    assert code == 0, err
    early = json.loads(out)
    skipped = {s["name"]: s["reason"] for s in early["skipped"]}
    first_iwm = (snapshot_dir / "market" / "IWM_daily.csv").read_text().splitlines()[1].split(",")[0]
    assert first_iwm > "1995-06-30" and skipped["iwm"] == "nothing released by 1995-06-30"
    assert not (tmp_path / "early" / "market" / "IWM_daily.csv").exists()
    assert (tmp_path / "early" / "fred" / "DFEDTARU.csv").read_text().splitlines() == ["date,DFEDTARU"]
    code, out, err = cli(monkeypatch, capsys, "data", "cut", "--as-of", "1995-06-30", str(tmp_path / "early"),
                         "--snapshot", str(snapshot_dir))
    assert code != 0 and "new or empty" in err


@pytest.mark.parametrize("day", DATES)
def test_report_json_is_identical_on_the_full_and_the_cut_snapshot(ds: DataSource, cuts: dict[str, Path],
                                                                    snapshot_dir: Path, day: str) -> None:
    full = json.loads(report_json(build_report(ds, ReportOptions(as_of=day))))
    text = report_json(build_report(DataSource(snapshot=cuts[day]), ReportOptions(as_of=day)))
    cut = json.loads(text)
    full.pop("what_happened_next")
    cut.pop("what_happened_next")
    assert json.dumps(full, sort_keys=True) == json.dumps(cut, sort_keys=True)
    for local in (str(snapshot_dir), str(cuts[day]), str(Path.home())):
        assert local not in text
    policy = next(r for s in full["sections"] if s["key"] == "scorecard" for b in s["blocks"]
                  if isinstance(b, dict) and b.get("type") == "table" for r in b["rows"] if r.get("driver") == "policy")
    assert policy["reading"].startswith("later phase")


@pytest.mark.parametrize("day", DATES)
def test_outlook_and_phase_agree_on_full_and_cut(cuts: dict[str, Path], snapshot_dir: Path, day: str,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for snap in (snapshot_dir, cuts[day]):
        code, out, err = cli(monkeypatch, capsys, "outlook", "--as-of", day, "--snapshot", str(snap), "--json")
        assert code == 0, err
        outs.append(out)
    assert outs[0] == outs[1]
    code, out, err = cli(monkeypatch, capsys, "phase", day, "--snapshot", str(snapshot_dir), "--json")
    assert code == 0, err
    assert json.loads(out)["point_in_time"]["phase"] == json.loads(outs[0])["phase"] == "later"
