"""Size portfolios in the long history: small minus big after each FEDFUNDS cycle, compounded by hand from the file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cli_run import cli
from ratecycle.data.providers.snapshot import SnapshotProvider
from ratecycle.errors import RatecycleError
from test_kenfrench_portfolios import raw_block


def test_study_long_history_shows_the_size_portfolios(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], snapshot_dir: Path) -> None:
    code, out, err = cli(monkeypatch, capsys, "study", "--long-history", "--snapshot", str(snapshot_dir), "--json")
    assert code == 0, err
    doc = json.loads(out)
    raw = raw_block(SnapshotProvider(snapshot_dir).portfolio_path("Portfolios_Formed_on_ME"),
                    "Value Weight Returns -- Monthly")
    keys = sorted(raw["Lo 30"])
    measures = {(m["small"], m["big"]): m for m in doc["size_portfolios"]}
    assert set(measures) == {("ff_size:lo30", "ff_size:hi30"), ("ff_size:dec1", "ff_size:dec10")}
    for (small, big), labels in ((("ff_size:lo30", "ff_size:hi30"), ("Lo 30", "Hi 30")),
                                 (("ff_size:dec1", "ff_size:dec10"), ("Lo 10", "Hi 10"))):
        m = measures[(small, big)]
        assert m["convention"] == "month_end" and "size portfolios" in m["measure"]
        assert [r["cycle"] for r in m["rows"]] == [r["cycle"] for r in doc["rows"]]  # the same cycles as SMB
        done = [r for r in m["rows"] if not r["incomplete"]]
        assert len(done) == m["summary"]["n"] >= 10
        spreads = []
        for r in done:  # month_end: the 12 months after the anchor's month, compounded by hand
            i = keys.index(r["anchor"][:7].replace("-", "")) + 1
            grow = [math.prod(1 + raw[label][k] / 100 for k in keys[i:i + 12]) - 1 for label in labels]
            assert r["return_a"] == pytest.approx(grow[0], abs=1e-12)
            assert r["spread"] == pytest.approx(grow[0] - grow[1], abs=1e-12)
            spreads.append(grow[0] - grow[1])
        assert m["summary"]["hits"] == sum(s > 0 for s in spreads)
        assert m["summary"]["mean"] == pytest.approx(sum(spreads) / len(spreads), abs=1e-12)
    code, out, err = cli(monkeypatch, capsys, "study", "--long-history", "--snapshot", str(snapshot_dir), "--csv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("measure,cycle,anchor")
    assert sum(line.startswith("ff_size:lo30-ff_size:hi30,") for line in lines) == len(doc["rows"])


def test_size_study_refuses_a_daily_convention(ds) -> None:  # type: ignore[no-untyped-def]
    from ratecycle.cycles import preset
    from ratecycle.events import SIZE_MEASURES, size_portfolio_study

    m = SIZE_MEASURES[0]
    with pytest.raises(RatecycleError, match="size portfolios are monthly"):
        size_portfolio_study(ds.load(m.small), ds.load(m.big), preset("note-2025"), m, convention="daily")
