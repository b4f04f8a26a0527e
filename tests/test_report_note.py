"""The note reads like research: bottom line first, key figures, a short main body, appendices, its own folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ratecycle.data.source import DataSource
from ratecycle.report import ReportOptions, build_report, write_report
from ratecycle.report.fmt import pp
from test_report_helpers import section_of

INTERNAL = re.compile(r"\b(later_start|cycle_start|pause_start|pe_sp500|pe_russell2000|prior_month_end|month_end|"
                      r"fed_target_upper|core_pce|ust10y2y|shiller:\w+|ff_factors:\w+)\b")
"""Identifiers a reader should never meet in the main body's prose or table headers."""


@pytest.fixture(scope="module")
def note(ds: DataSource, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """The default report (latest common date, detected cycles) as JSON, and its Markdown."""
    paths = write_report(build_report(ds, ReportOptions()), tmp_path_factory.mktemp("note") / "out")
    return json.loads(paths["json"].read_text()), paths["md"].read_text()


def _complete(table: dict) -> list[dict]:
    return [r for r in table["rows"] if not r["incomplete"]]


def test_bottom_line_comes_first_and_answers_in_at_most_120_words(note: tuple[dict, str]) -> None:
    doc, _ = note
    first = doc["sections"][0]
    assert first["key"] == "bottom_line" and first["blocks"][0]["role"] == "bottom_line"
    text = doc["bottom_line"]
    assert text == first["blocks"][0]["text"] and len(text.split()) <= 120
    # the expected spread is the mean of the completed later-phase windows in the record table, recomputed here
    record = next(b for b in section_of(doc, "significance")["blocks"] if b["type"] == "table")
    spreads = [r["spread"] for r in _complete(record)]
    assert f"{pp(sum(spreads) / len(spreads))} (mean of {len(spreads)} past later phases" in text
    # every losing cycle of that table is named as evidence against (when the call is for the first series)
    if text.startswith("Call: the Russell 2000 ahead"):
        for row in _complete(record):
            if row["spread"] < 0:
                assert f"{row['cycle'].removeprefix('cut ')} {pp(row['spread'])}" in text
    assert "Confidence is " in text and "What would change it" in text


def test_key_figures_agree_with_the_record_table(note: tuple[dict, str]) -> None:
    doc, _ = note
    assert doc["sections"][1]["key"] == "key_figures"
    table = doc["sections"][1]["blocks"][0]
    record = next(b for b in section_of(doc, "significance")["blocks"] if b["type"] == "table")
    rows = _complete(record)
    hits = next(r for r in table["rows"] if r["measure"].startswith("Past later phases"))
    assert hits["display"] == f"{sum(1 for r in rows if r['spread'] > 0)} of {len(rows)}"
    median = next(r for r in table["rows"] if r["measure"] == "Median spread")
    spreads = sorted(r["spread"] for r in rows)
    mid = len(spreads) // 2
    expected = spreads[mid] if len(spreads) % 2 else (spreads[mid - 1] + spreads[mid]) / 2
    assert median["value"] == pytest.approx(expected, abs=1e-12)


def test_main_body_is_short_and_plain(note: tuple[dict, str]) -> None:
    doc, md = note
    body = [s for s in doc["sections"] if not s["appendix"]]
    words = 0
    tables = []
    for section in body:
        assert not INTERNAL.search(section["title"]), section["title"]
        for block in section["blocks"]:
            if block["type"] == "paragraph":
                words += len(block["text"].split())
                prose = re.sub(r"ratecycle data import-series \S+", "", block["text"])  # a command to type
                assert not INTERNAL.search(prose), block["text"]
            elif block["type"] == "explorer":
                assert block["variants"] >= 2000 and set(block["options"]) == {
                    "pair", "rules", "min_pause", "max_gap", "convention", "months", "anchor"}
            else:
                words += len(" ".join([block["title"], *block["notes"], block["source"]]).split())
                assert len(block["notes"]) <= 1, block["title"]
                if block["type"] == "table":
                    tables.append(block)
                    for column in block["columns"]:
                        assert not INTERNAL.search(column["label"]), column["label"]
    assert words <= 2500 and 1 <= len(tables) <= 10
    appendix = md.index("Appendix A.")
    assert md.index("1. Bottom line") < md.index("2. Key figures") < appendix
    for title in ("Methods", "Glossary", "Data sources", "Checking the seed note's figures"):
        assert any(s["title"] == title and s["appendix"] for s in doc["sections"]), title


def test_first_use_of_a_term_links_to_the_glossary(note: tuple[dict, str]) -> None:
    _, md = note
    links = re.findall(r"\]\(#(g-[a-z0-9-]+)\)", md)
    assert links and len(links) == len(set(links))  # the first use only
    for anchor in links:
        assert f'<a id="{anchor}"></a>' in md


def test_default_folder_is_named_by_pair_and_date_and_foreign_folders_are_refused(
        snapshot_dir: Path, tmp_path: Path) -> None:
    run = [sys.executable, "-m", "ratecycle.cli.main", "report", "--as-of", "2025-09-17", "--snapshot",
           str(snapshot_dir)]
    first = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    folder = tmp_path / "report-russell2000-sp500-2025-09-17"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.md"]
    again = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)  # the same report: replaced
    assert again.returncode == 0, again.stderr[-2000:]
    (folder / "notes.txt").write_text("mine\n")
    refused = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"ratecycle: error: refusing to write into {folder.name}: it holds files that are not a ratecycle report "
        "(notes.txt); choose another --out"]
    other = subprocess.run([*run[:5], "2025-09-16", *run[6:], "--out", str(folder.parent / "x")], cwd=tmp_path,
                           capture_output=True, text=True)
    assert other.returncode == 0, other.stderr[-2000:]
    (folder / "notes.txt").unlink()
    clash = subprocess.run([*run[:5], "2025-09-16", *run[6:], "--out", str(folder)], cwd=tmp_path,
                           capture_output=True, text=True)
    assert clash.returncode == 2 and "holds another report (russell2000, sp500 as of 2025-09-17)" in clash.stderr


def _closes(path: Path) -> dict[str, float]:
    import csv

    with path.open(encoding="utf-8") as fh:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}


def test_ratio_chart_since_1987_on_a_log_scale(note: tuple[dict, str], snapshot_dir: Path) -> None:
    doc, _ = note
    history = section_of(doc, "history")
    ratio = next(b for b in history["blocks"] if b["type"] == "figure" and "price ratio" in b["title"])
    assert ratio["log_y"] and ratio["bands"]
    rut = _closes(snapshot_dir / "market" / "RUT_daily.csv")
    spx = _closes(snapshot_dir / "market" / "GSPC_daily.csv")
    common = sorted(set(rut) & set(spx))
    (trace,) = ratio["traces"]
    assert trace["x"][0] == common[0] == "1987-09-10"
    assert trace["y"][0] == pytest.approx(rut[common[0]] / spx[common[0]], abs=1e-5)
    last = trace["x"][-1]
    assert last == doc["as_of"] and trace["y"][-1] == pytest.approx(rut[last] / spx[last], abs=1e-5)
    # every long price chart of the section is on a log scale
    assert all(b["log_y"] for b in history["blocks"] if b["type"] == "figure")


def test_hover_texts_are_words_with_units(ds: DataSource) -> None:
    from ratecycle.report.figures import plotly_spec

    report = build_report(ds, ReportOptions(as_of="2025-09-17"))
    for figure in report.figures():
        for trace in plotly_spec(figure)["data"]:
            template = trace["hovertemplate"]
            assert template.endswith("<extra></extra>") and "%{" in template, figure.title
            if trace["type"] == "histogram":
                assert template.startswith("%{y} windows with a spread in %{x} pp")
