"""Text from data files carries no markup into report.md or report.json (#13)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from ratecycle.data.source import DataSource
from ratecycle.report import ReportOptions, build_report, write_report
from ratecycle.report.datatext import plain

HOSTILE = '<img src=x onerror="alert(1)">ACME <b>HOLDINGS</b> [click](javascript:alert(1))'


def test_plain_strips_markup_and_keeps_the_words() -> None:
    assert plain(HOSTILE) == "ACME HOLDINGS (click)(javascript:alert(1))"
    assert plain("AT&T INC") == "AT&T INC" and plain("  BLOOM   ENERGY ") == "BLOOM ENERGY"
    assert plain("a < b") == "a b" and plain("x <script>y</script>") == "x y"


def _hostile_snapshot(snapshot_dir: Path, tmp_path: Path) -> Path:
    """The snapshot with the largest holding of the May 2025 IWM file renamed to markup."""
    root = tmp_path / "snap"
    shutil.copytree(snapshot_dir, root)
    path = root / "market" / "IWM_holdings_2025-05-13.csv"
    text = path.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    first = next(csv.reader([lines[header + 1]]))
    first[1] = HOSTILE
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="").writerow(first)
    lines[header + 1] = out.getvalue()
    path.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    return root


def test_holdings_names_enter_markdown_and_json_as_plain_text(snapshot_dir: Path, tmp_path: Path) -> None:
    root = _hostile_snapshot(snapshot_dir, tmp_path)
    report = build_report(DataSource(snapshot=root), ReportOptions(as_of="2025-09-17", preset="note-2025"))
    paths = write_report(report, tmp_path / "out")
    md = paths["md"].read_text()
    raw_json = paths["json"].read_text()
    text = json.dumps(json.loads(raw_json))
    assert "ACME HOLDINGS (click)(javascript:alert(1))" in md  # the words are kept: the name is the largest
    assert "ACME HOLDINGS" in text
    for output in (md, raw_json, text):
        assert "<img" not in output and "onerror" not in output and "<b>" not in output
        assert "](javascript" not in output
