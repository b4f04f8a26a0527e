"""The research-note report: structure, numbering, numbers equal across outputs and analyses, as-of discipline."""

from __future__ import annotations

import base64
import csv
import gzip
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pit_by_hand import known_target
from ratecycle.data.asof import released
from ratecycle.data.source import DataSource
from ratecycle.report import ReportOptions, build_report, report_json, write_report
from ratecycle.report.fmt import cell
from test_report_helpers import dates_in, parse_report, section_of

AS_OF = "2025-09-17"
ORDER = ["bottom_line", "key_figures", "summary", "rotation", "history", "calendar", "phases", "significance",
         "robustness", "scorecard", "valuation", "inflation", "curve", "rebalancing", "etfs", "explore", "note_audit",
         "methods", "glossary", "data_sources", "supporting_tables"]
BODY = ORDER[:ORDER.index("note_audit")]


@dataclass(frozen=True)
class Built:
    """One report build and its written files."""

    report: object
    doc: dict
    html: str
    md: str
    paths: dict[str, Path]


@pytest.fixture(scope="session")
def built(ds: DataSource, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """As of 17 Sep 2025 with the note's calendar asked for (shown beside the detected cycles), from the full
    snapshot (built once per session)."""
    report = build_report(ds, ReportOptions(as_of=AS_OF, preset="note-2025"))
    paths = write_report(report, tmp_path_factory.mktemp("report"))
    return Built(report, json.loads(paths["json"].read_text()), paths["html"].read_text(), paths["md"].read_text(),
                 paths)


def _raw_closes(path: Path, column: str = "close") -> dict[str, float]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return {row["date"]: float(row[column]) for row in csv.DictReader(fh) if row[column]}


def _blocks(doc: dict, kind: str) -> list[dict]:
    out = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == kind]
    nxt = doc.get("what_happened_next") or {}
    if "section" in nxt:
        out += [b for b in nxt["section"]["blocks"] if b["type"] == kind]
    return out


def test_sections_in_order(built: Built) -> None:
    keys = [s["key"] for s in built.doc["sections"]]
    assert keys == ORDER
    parsed = parse_report(built.html)
    assert parsed.sections[: len(ORDER)] == ORDER
    headings = [line for line in built.md.splitlines() if line.startswith("## ")]
    assert len(headings) == len(parsed.sections)
    assert headings[0] == '## <a id="bottom_line"></a>1. Bottom line'
    assert headings[len(BODY)].startswith('## <a id="note_audit"></a>Appendix A.')
    assert [s["appendix"] for s in built.doc["sections"]] == [key not in BODY for key in ORDER]
    for section in built.doc["sections"]:
        if not section["available"]:
            assert section["reason"] and section["blocks"] == [], section["key"]


def test_figures_and_tables_numbered(built: Built) -> None:
    figures, tables = _blocks(built.doc, "figure"), _blocks(built.doc, "table")
    assert [f["number"] for f in figures] == list(range(1, len(figures) + 1))
    assert [t["number"] for t in tables] == list(range(1, len(tables) + 1))
    assert len(figures) >= 2 and len(tables) >= 3
    parsed = parse_report(built.html)
    assert parsed.figures == [f["number"] for f in figures]
    assert sorted(parsed.tables) == [t["number"] for t in tables]
    for block in figures + tables:
        assert block["title"] and block["source"] and block["notes"], block["label"]
        caption = f"{block['label']}: {block['title']}"
        assert caption in parsed.captions
        assert f"**{caption}**" in built.md
    for figure in figures:
        assert figure["traces"] and all(len(t["y"]) > 0 for t in figure["traces"]), figure["label"]


def test_html_and_markdown_tables_equal_json(built: Built) -> None:
    parsed = parse_report(built.html)
    for table in _blocks(built.doc, "table"):
        expected = [[cell(row.get(c["key"]), c["format"]) for c in table["columns"]] for row in table["rows"]]
        header, *body = parsed.tables[table["number"]]
        assert header == [c["label"] for c in table["columns"]]
        assert body == expected, table["label"]
        for row in expected:
            assert "| " + " | ".join(v.replace("|", "\\|") for v in row) + " |" in built.md


def test_paragraphs_identical_in_html_json_md(built: Built) -> None:
    parsed = parse_report(built.html)
    paragraphs = _blocks(built.doc, "paragraph")
    assert paragraphs
    plain_md = re.sub(r"\[([^\]]+)\]\(#g-[a-z0-9-]+\)", r"\1", built.md).replace("**", "")
    for block in paragraphs:
        assert block["text"] in parsed.paragraphs
        assert block["text"] in plain_md


def test_size_bound_and_plotly_inlined_once(built: Built) -> None:
    size = built.paths["html"].stat().st_size
    assert size <= 2_500_000, size
    assert built.html.count("<script src=") == 0 and "cdn.plot.ly" not in built.html.split("</head>")[1]
    from plotly.offline import get_plotlyjs

    # plotly's own bundle, embedded once: gzip + base85 in the head (four characters swapped for ones inert in
    # HTML), equal to the installed package's file
    embedded = re.findall(r'<script type="application/octet-stream" id="plotly-bundle">([^<]+)</script>', built.html)
    assert len(embedded) == 1
    raw = base64.b85decode(embedded[0].translate(str.maketrans(",.:[", "<>&`")))
    assert gzip.decompress(raw).decode("utf-8") == get_plotlyjs()


def test_rotation_numbers_match_raw_files(built: Built, snapshot_dir: Path) -> None:
    rut = _raw_closes(snapshot_dir / "market" / "RUT_daily.csv")
    spx = _raw_closes(snapshot_dir / "market" / "GSPC_daily.csv")
    section = section_of(built.doc, "rotation")
    if not section["available"]:
        pytest.skip(f"rotation section not available: {section['reason']}")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    a, b = table["rows"]
    assert a["start"] == "2025-08-01" and a["end"] == AS_OF
    assert a["return"] == pytest.approx(rut[AS_OF] / rut["2025-08-01"] - 1, abs=1e-12)
    assert b["return"] == pytest.approx(spx[AS_OF] / spx["2025-08-01"] - 1, abs=1e-12)


def test_valuation_numbers_match_analysis(built: Built, ds: DataSource) -> None:
    from ratecycle import valuation as val

    section = section_of(built.doc, "valuation")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    row = next(r for r in table["rows"] if r["series"] == "pe_sp500")
    direct = val.valuation(ds.load("pe_sp500", end=AS_OF), name="pe_sp500", as_of=AS_OF, years=5,
                           released=released(ds, "pe_sp500"))
    assert row["value"] == direct.value and row["zscore"] == direct.zscore and row["mean"] == direct.mean
    # independent: trailing P/E of the month shown = Shiller P / E from the raw file
    with (Path(ds.snapshot) / "market" / "shiller_ie_data_monthly.csv").open(encoding="utf-8") as fh:
        raw = {r["date"]: r for r in csv.DictReader(fh)}
    month = row["observation"][:7]
    assert row["value"] == pytest.approx(float(raw[month]["P"]) / float(raw[month]["E"]), rel=1e-12)
    assert pd.Timestamp(row["released"]) <= pd.Timestamp(AS_OF)
    missing = next(r for r in table["rows"] if r["series"] == "pe_russell2000")
    assert missing["status"] == "missing" and missing["value"] is None
    assert "ratecycle data import-series pe_russell2000" in " ".join(
        b["text"] for b in section["blocks"] if b["type"] == "paragraph")


def _released_after_dated_later(snapshot_dir: Path) -> set[str]:
    """Target rows dated after AS_OF but public by its close (the cut decided that day takes effect the next)."""
    return {d for fred_id in ("DFEDTARU", "DFEDTARL")
            for d, _ in known_target(snapshot_dir, fred_id, AS_OF) if d > AS_OF}


def test_data_sources_table_has_provenance(built: Built, snapshot_dir: Path) -> None:
    methods = section_of(built.doc, "data_sources")
    table = next(b for b in methods["blocks"] if b["type"] == "table")
    names = {r["series"] for r in table["rows"]}
    assert {"Russell 2000", "S&P 500", "Fed target (upper bound)"} <= names
    assert _released_after_dated_later(snapshot_dir) == {"2025-09-18"}
    for row in table["rows"]:
        if row["series"].startswith("Fed target"):
            assert row["last"] == "2025-09-18"
            continue
        assert row["last"] is None or row["last"] <= AS_OF
        assert row["fetched_at"] and row["source"]


class _CutSource(DataSource):
    """A DataSource whose frames end at a date: what a user on that date could have had."""

    def __init__(self, base: DataSource, end: str, target_end: str) -> None:
        super().__init__(snapshot=base.snapshot)
        self._base, self._end, self._target_end = base, pd.Timestamp(end), pd.Timestamp(target_end)

    def frame(self, name: str) -> pd.DataFrame:
        full = self._base.frame(name)
        end = self._target_end if name.startswith("fed_target") else self._end
        return full.loc[full["date"] <= end].reset_index(drop=True)

    def meta(self, name: str):  # type: ignore[no-untyped-def]
        from dataclasses import replace

        from ratecycle.data import frames

        cut = self.frame(name)
        return replace(self._base.meta(name), last=cut["date"].iloc[-1].date().isoformat(), rows=len(cut),
                       content_hash=frames.content_hash(cut))

    def has(self, name: str) -> bool:
        return self._base.has(name)


def test_as_of_uses_nothing_after_the_date(built: Built, ds: DataSource, snapshot_dir: Path) -> None:
    """Data ending on AS_OF (the target on the effective day of that day's decision) give the same report; the only
    later date in it is that effective day."""
    later_target = max(_released_after_dated_later(snapshot_dir))
    cut_source = _CutSource(ds, AS_OF, later_target)
    full = json.loads(json.dumps(built.doc))
    cut = json.loads(report_json(build_report(cut_source, ReportOptions(as_of=AS_OF, preset="note-2025"))))
    assert full["what_happened_next"] is not None and cut["what_happened_next"] is None
    full.pop("what_happened_next")
    cut.pop("what_happened_next")
    assert full == cut
    late = {d for d, _ in dates_in(full, skip_keys=frozenset({"fetched_at"})) if d > AS_OF}
    assert late <= {later_target}


def test_what_happened_next_is_ex_post_and_partial(built: Built, snapshot_dir: Path) -> None:
    nxt = built.doc["what_happened_next"]
    assert nxt["as_of"] == AS_OF and nxt["horizon"] == "2026-09-17" and nxt["partial"] is True
    rut = _raw_closes(snapshot_dir / "market" / "RUT_daily.csv")
    realised = nxt["realised"]
    assert realised["start_a"] == AS_OF and realised["end_a"] == "2026-08-21"
    assert realised["return_a"] == pytest.approx(rut["2026-08-21"] / rut[AS_OF] - 1, abs=1e-12)
    assert "Appendix B." in built.md and "(partial)" in built.md
    # the scorecard on AS_OF (detected cycles) makes no call: P(win rate > 1/2) 0.75 is short of 0.80
    assert nxt["call"].startswith("no clear edge") and nxt["call_direction"] == 0 and nxt["agreed"] is None
    assert "The call was neutral or unavailable, so it is not scored." in built.md
    late = {d for d, _ in dates_in(built.doc["sections"], frozenset({"fetched_at"})) if d > AS_OF}
    assert late <= _released_after_dated_later(snapshot_dir)


def test_cli_errors_are_one_line(tmp_path: Path, snapshot_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ratecycle.cli.main", "report", "--snapshot", str(snapshot_dir),
                           "--preset", "note-2025", "--min-pause", "400", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == ["ratecycle: error: min_pause (400) cannot exceed max_gap (370)"]
    assert not (tmp_path / "r").exists()


def test_as_of_before_the_data_is_an_error(ds: DataSource) -> None:
    from ratecycle.errors import RatecycleError

    with pytest.raises(RatecycleError, match="before the pair's common data start 1987-09-10"):
        build_report(ds, ReportOptions(as_of="1900-01-01"))
    with pytest.raises(RatecycleError, match="unknown series 'sp50'"):
        build_report(ds, ReportOptions(pair=("russell2000", "sp50")))


def test_bad_options_fail_before_any_section_is_built(ds: DataSource) -> None:
    from ratecycle.errors import RatecycleError
    from ratecycle.report.build import resolve_as_of

    with pytest.raises(RatecycleError, match=r"after the last common close of russell2000 and sp500 \(2026-08-21\)"):
        build_report(ds, ReportOptions(as_of="2030-01-01"))
    with pytest.raises(RatecycleError, match="unknown preset 'nope'"):
        build_report(ds, ReportOptions(as_of=AS_OF, preset="nope"))
    with pytest.raises(RatecycleError, match="--months must be at least 1, got 0"):
        build_report(ds, ReportOptions(as_of=AS_OF, months=0))
    # the weekend after the last close (Friday 2026-08-21) is still a valid report date
    assert resolve_as_of(ds, ("russell2000", "sp500"), "2026-08-23") == pd.Timestamp("2026-08-23")


def _chromium_or_skip() -> str:
    import os

    from ratecycle.report.browser import chromium_path

    exe = chromium_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Chromium was found (/usr/bin/chromium): the browser test must run in CI")
        pytest.skip("no Chromium at /usr/bin/chromium (and CI is not set): browser rendering not checked")
    return exe


@pytest.mark.browser
def test_report_renders_in_headless_chromium(built: Built) -> None:
    exe = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    from ratecycle.report.browser import CHARTS_READY, CHROMIUM_ARGS

    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(built.paths["html"].resolve().as_uri(), wait_until="load")
            page.wait_for_function(CHARTS_READY, timeout=60_000)
            charts = page.evaluate("""() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
                id: d.id, svg: d.querySelectorAll('svg.main-svg').length,
                traces: d.querySelectorAll('g.trace, g.barlayer path, g.scatterlayer path.js-line').length,
                width: d.getBoundingClientRect().width, height: d.getBoundingClientRect().height}))""")
            page.screenshot(path=str(artifacts / "report-top.png"))
            page.emulate_media(media="print")
            page.pdf(path=str(artifacts / "report.pdf"), format="A4", print_background=True)
        finally:
            browser.close()
    assert errors == []
    assert [r for r in requests if not r.startswith(("file:", "data:", "about:"))] == []
    expected = [f["number"] for f in _blocks(built.doc, "figure")]
    assert [c["id"] for c in charts] == [f"figure-{n}" for n in expected]
    for chart in charts:
        assert chart["svg"] >= 1 and chart["traces"] >= 1 and chart["width"] > 300 and chart["height"] > 200, chart
    assert (artifacts / "report-top.png").stat().st_size > 50_000
    import re

    pdf = (artifacts / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 5


@pytest.mark.browser
def test_write_pdf_prints_a_page(tmp_path: Path) -> None:
    _chromium_or_skip()
    from ratecycle.report.browser import write_pdf

    page = tmp_path / "mini.html"
    page.write_text("<!DOCTYPE html><html><body><h1>Figure 1</h1><p>print check</p></body></html>")
    data = write_pdf(page, tmp_path / "mini.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def _raw_sector_weights(path: Path) -> dict[str, float]:
    """Equity market value per sector over the total, read from the iShares file with the csv module."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    values: dict[str, float] = {}
    for row in csv.DictReader(lines[header:]):
        if row.get("Asset Class") == "Equity":
            values[row["Sector"]] = values.get(row["Sector"], 0.0) + float(row["Market Value"].replace(",", ""))
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


def _section(doc: dict, key: str) -> dict:
    section = section_of(doc, key)
    assert section["available"], f"{key}: {section['reason']}"
    return section


def _tables(section: dict) -> list[dict]:
    return [b for b in section["blocks"] if b["type"] == "table"]


def _notes(doc: dict, table: dict) -> list[str]:
    """A table's notes: the one shown beside it and those the layout moved to the data appendix."""
    data = section_of(doc, "data_sources")
    moved = [b["text"].removeprefix(f"{table['title']}: ") for b in data["blocks"]
             if b["type"] == "paragraph" and b["text"].startswith(f"{table['title']}: ")]
    return [*table["notes"], *moved]


def _text(section: dict) -> str:
    return " ".join(b["text"] for b in section["blocks"] if b["type"] == "paragraph")


def test_phase_and_study_numbers_equal_the_analyses(built: Built, ds: DataSource, snapshot_dir: Path) -> None:
    """Even with --preset the phases and the record use the cycles detected with the default rules."""
    from ratecycle.cycles import cycles_from_source
    from ratecycle.data.asof import as_of
    from ratecycle.events import event_study, phase_returns

    a, b = ds.load("russell2000", end=AS_OF), ds.load("sp500", end=AS_OF)
    cycles = [c for c in cycles_from_source(as_of(ds, AS_OF), direction="cut") if not c.ongoing]
    direct = phase_returns(a, b, cycles, convention="daily", months=12, anchors=("later_start",)).rows
    table = _tables(_section(built.doc, "phases"))[0]
    later = {r["cycle"]: r for r in table["rows"] if r["window"] == "later phase"}
    rows = direct[(direct["window"] == "later") & ~direct["before_data"].astype(bool)]
    assert {r.cycle for r in rows.itertuples()} >= {"cut 1989-06", "cut 2019-07"}
    for row in rows.itertuples():
        assert later[row.cycle]["return_a"] == row.return_a and later[row.cycle]["spread"] == row.spread
    # independent: the 2019-20 later phase from the raw closes (3 Mar 2020 to the close before Sunday 15 Mar 2020)
    rut = _raw_closes(snapshot_dir / "market" / "RUT_daily.csv")
    assert later["cut 2019-07"]["return_a"] == pytest.approx(rut["2020-03-13"] / rut["2020-03-03"] - 1, abs=1e-12)
    study = event_study(a, b, cycles, anchor="later_start", months=12, convention="daily").summary
    stats = {r["measure"]: r["value"] for r in _tables(_section(built.doc, "significance"))[1]["rows"]}
    assert stats["Cycles with a complete window (n)"] == study.n == 6
    assert stats["Mean spread"] == study.mean and stats["Hit rate"] == study.hit_rate
    assert f"In {study.hits} of {study.n} cutting cycles" in _text(_section(built.doc, "significance"))


def test_macro_numbers_equal_the_analyses(built: Built, ds: DataSource) -> None:
    from ratecycle.curve import curve_reading, spread_series
    from ratecycle.inflation import inflation_monitor
    from ratecycle.momentum import relative_momentum

    infl = inflation_monitor(ds.load("core_pce", end=AS_OF), AS_OF, released=released(ds, "core_pce"))
    text = _text(_section(built.doc, "inflation"))
    assert f"{infl.yoy:.2f}% year on year" in text and infl.month == pd.Timestamp("2025-07-01")
    curve = curve_reading(spread_series(ds.load("ust10y2y", end=AS_OF)), AS_OF, cycle_start="2024-09-18")
    assert f"stood at {curve.level:.2f} percentage points" in _text(_section(built.doc, "curve"))
    mom = relative_momentum(ds.load("russell2000", end=AS_OF), ds.load("sp500", end=AS_OF), AS_OF)
    tables = _tables(_section(built.doc, "rebalancing"))
    (rows,) = [t["rows"] for t in tables if any(c["key"] == "relative" for c in t["columns"])]
    assert [r["relative"] for r in rows] == [h.relative for h in mom.horizons]
    # the latest IWM download on or before the as-of date is the one the text describes, with its raw sector weights
    market = Path(ds.snapshot) / "market"
    dates = sorted(p.stem.rsplit("_", 1)[1] for p in market.glob("IWM_holdings_*.csv"))
    latest = max(d for d in dates if d <= AS_OF)
    weights = _raw_sector_weights(market / f"IWM_holdings_{latest}.csv")
    day = pd.Timestamp(latest)
    text = _text(_section(built.doc, "rebalancing"))
    assert f"Holdings ({day.day} {day:%B %Y})" in text
    assert f"{weights['Financials'] + weights['Health Care']:.1%}" in text


def test_scorecard_and_etf_sections(built: Built, ds: DataSource) -> None:
    from ratecycle.outlook import inputs_from_source, scorecard

    # the note's calendar is only shown beside: the scorecard reads its phase and evidence from detected cycles
    card = scorecard(inputs_from_source(ds, AS_OF), months=12, convention="daily")
    section = _section(built.doc, "scorecard")
    rows = _tables(section)[0]["rows"]
    assert [r["driver"] for r in rows] == [r.driver for r in sorted(card.rows, key=lambda r: r.rank)]
    call = (f"probability {card.probability:.2f} that the Russell 2000 is ahead; P(win rate > 1/2) "
            f"{card.posterior_above_half:.2f}, a call needs 0.80 or 0.20; confidence {card.confidence}")
    assert call in _text(section)
    etfs = _section(built.doc, "etfs")
    coverage = {r["ticker"]: r["available"] for r in _tables(etfs)[0]["rows"]}
    market = Path(ds.snapshot) / "market"
    expected_cov = {}
    for ticker in ("IWM", "VTWO", "IWO", "VTWG", "IWN", "VTWV", "IJR"):
        path = market / f"{ticker}_daily.csv"
        expected_cov[ticker] = path.exists() and min(_raw_closes(path, "adj_close")) <= AS_OF
    assert coverage == expected_cov and coverage["IWM"] and coverage["IWN"]
    missing = [t for t, ok in expected_cov.items() if not ok]
    if missing:
        assert f"{', '.join(missing)} are missing (no data by 17 Sep 2025)" in _text(etfs)
    summary, per_cycle, size = _tables(etfs)[1:4]
    head = {(r["pair"], r["cycle"], r["window"]): r for r in per_cycle["rows"]}
    row = head[("IWO vs IWN", "cut 2019-07", "12m after later start")]
    iwo = _raw_closes(Path(ds.snapshot) / "market" / "IWO_daily.csv", "adj_close")
    iwn = _raw_closes(Path(ds.snapshot) / "market" / "IWN_daily.csv", "adj_close")
    expected = (iwo["2021-03-03"] / iwo["2020-03-03"] - 1) - (iwn["2021-03-03"] / iwn["2020-03-03"] - 1)
    assert row["start"] == "2020-03-03" and row["end"] == "2021-03-03" and row["counted"]
    assert row["spread"] == pytest.approx(expected, abs=1e-12)
    # The summary's hit counts are the per-cycle rows counted by hand.
    for pair in ("IWO vs IWN", "VTWG vs VTWV"):
        line = next(r for r in summary["rows"] if r["pair"] == pair)
        for window, key in (("later phase", "later_hits"), ("12m after later start", "after_hits")):
            counted = [r for (p, _, w), r in head.items() if p == pair and w == window and r["counted"]]
            assert line[key] == f"{sum(r['spread'] > 0 for r in counted)} of {len(counted)}"
        assert f"{pair.replace(' vs ', ' beat ')} in {line['later_hits']} later phases" in _text(etfs)
    ijr = next(r for r in size["rows"] if r["pair"] == "IJR vs SPY")
    # detected cycles with a completed later-phase window after IJR's first close: 2001-01, 2007-09 and 2019-07
    assert ijr["since"] == "2000-05-26" and ijr["after_hits"].endswith("of 3")


def test_default_as_of_is_last_common_date_and_view_cuts(ds: DataSource, snapshot_dir: Path) -> None:
    from ratecycle.data.asof import AsOfSource
    from ratecycle.report.build import resolve_as_of

    last = min(max(_raw_closes(snapshot_dir / "market" / f).keys()) for f in ("RUT_daily.csv", "GSPC_daily.csv"))
    assert resolve_as_of(ds, ("russell2000", "sp500"), None) == pd.Timestamp(last) == pd.Timestamp("2026-08-21")
    assert resolve_as_of(ds, ("iwn", "iwm"), None) == pd.Timestamp("2025-09-25")
    view = AsOfSource(base=ds, as_of="1999-06-30")
    assert view.load("russell2000").index[-1] == pd.Timestamp("1999-06-30")
    assert not view.has("iwm") and view.has("sp500")
    assert view.meta("sp500").last == "1999-06-30" and view.meta("sp500").rows == len(view.load("sp500"))


class _WithSmallCapPE(DataSource):
    """The snapshot plus a user-supplied small-cap P/E (test input only: a made-up, smooth series)."""

    def __init__(self, base: DataSource) -> None:
        super().__init__(snapshot=base.snapshot)
        self._base = base
        dates = pd.date_range("2012-01-31", "2025-12-31", freq="ME")
        self._pe = pd.DataFrame({"date": dates, "value": [15.0 + (i % 24) * 0.25 for i in range(len(dates))]})

    def frame(self, name: str) -> pd.DataFrame:
        return self._pe if name == "pe_russell2000" else self._base.frame(name)

    def has(self, name: str) -> bool:
        return name == "pe_russell2000" or self._base.has(name)

    def meta(self, name: str):  # type: ignore[no-untyped-def]
        from ratecycle.data import frames
        from ratecycle.data.meta import SeriesMeta

        if name != "pe_russell2000":
            return self._base.meta(name)
        return SeriesMeta(name, "user", "pe_russell2000", "test", "2026-01-01", "2012-01-31", "2025-12-31",
                          len(self._pe), frames.content_hash(self._pe))


def test_valuation_uses_a_supplied_small_cap_pe(ds: DataSource) -> None:
    from ratecycle import valuation as val
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_value import valuation_section

    source = _WithSmallCapPE(ds)
    ctx = make_context(source, ReportOptions(as_of=AS_OF))
    table = valuation_section(ctx).to_dict()["blocks"][-1]
    rows = {r["series"]: r for r in table["rows"]}
    pe = source._pe.set_index("date")["value"]
    own = val.valuation(pe[:AS_OF], name="pe_russell2000", as_of=AS_OF, years=5)
    rel = val.relative_valuation(pe[:AS_OF], ds.load("pe_sp500", end=AS_OF), a_name="pe_russell2000",
                                 b_name="pe_sp500", as_of=AS_OF, years=5, released_b=released(ds, "pe_sp500"))
    assert rows["pe_russell2000"]["value"] == own.value and rows["pe_russell2000"]["observation"] == "2025-08-31"
    assert rows["pe_russell2000/pe_sp500"]["zscore"] == rel.zscore


def test_bar_chart_legend_sits_above_the_slanted_labels() -> None:
    from ratecycle.report.figures import plotly_spec
    from ratecycle.report.model import Figure, Trace

    bars = Figure("t", (Trace("A", ("2001-01 early", "2001-01 later"), (0.1, -0.2), kind="bar"),), "s")
    lines = Figure("t", (Trace("A", ("2001-01-02", "2001-01-03"), (1.0, 2.0)),), "s")
    bar_layout, line_layout = plotly_spec(bars)["layout"], plotly_spec(lines)["layout"]
    assert bar_layout["legend"]["y"] >= 1 and bar_layout["legend"]["yanchor"] == "bottom"
    assert bar_layout["xaxis"]["tickangle"] == -35 and bar_layout["xaxis"]["automargin"]
    assert line_layout["legend"]["y"] < 0


def test_etf_section_on_the_default_date_skips_a_fund_that_ended_earlier(ds: DataSource, snapshot_dir: Path) -> None:
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_macro import etf_section

    ctx = make_context(ds, ReportOptions())  # as of 2026-08-21, rotation window from 2026-07-01
    table = next(b for b in etf_section(ctx).blocks if hasattr(b, "rows") and b.title.startswith("Small-cap ETFs"))
    rows = {r["ticker"]: r for r in table.rows}
    assert rows["IWN"]["available"] and rows["IWN"]["last"] == "2025-09-25" and rows["IWN"]["return"] is None
    iwm = _raw_closes(snapshot_dir / "market" / "IWM_daily.csv", "adj_close")
    assert rows["IWM"]["return"] == pytest.approx(iwm["2026-08-21"] / iwm["2026-07-01"] - 1, abs=1e-12)


# --- a calendar preset is shown beside the detected cycles, never instead of them --------------------------------


NOTE_PRESET = Path(__file__).resolve().parents[1] / "src" / "ratecycle" / "presets" / "note-2025.toml"


def _study_cli(snapshot_dir: Path, as_of: str, *extra: str) -> dict:
    """``ratecycle study --as-of D --convention daily --json`` in its own process (``extra``: e.g. --preset)."""
    proc = subprocess.run([sys.executable, "-m", "ratecycle.cli.main", "study", "--as-of", as_of, "--convention",
                           "daily", "--json", "--snapshot", str(snapshot_dir), *extra],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


SUMMARY_KEYS = {"n": "n", "hits": "hits", "hit_rate": "hit_rate", "mean_spread": "mean", "median_spread": "median",
                "mean_ci": "mean_ci", "t_interval": "t_interval", "exact_p": "exact_p", "sign_test_p": "sign_test_p"}
"""Figures of the report's calendar comparison and the key of the same number in ``study --json``'s summary."""


def _assert_same_figures(figures: dict, study: dict) -> None:
    """The comparison's figures are the study command's: same cycles, counts, means, intervals and p-values."""
    summary = study["summary"]
    for ours, theirs in SUMMARY_KEYS.items():
        assert figures[ours] == summary[theirs], ours
    assert figures["p_value"] == summary["test"]["p_value"]
    assert figures["cycles"] == [r["cycle"] for r in study["rows"] if not r["incomplete"] and not r["before_data"]]


def test_preset_report_has_the_default_reports_headline(built: Built, ds: DataSource) -> None:
    """--preset note-2025 changes nothing but the setting: the default report already shows the note's calendar
    beside, and the bottom line, key figures and every section come from the detected cycles."""
    default = json.loads(report_json(build_report(ds, ReportOptions(as_of=AS_OF))))
    assert built.doc["settings"]["preset"] == "note-2025" and default["settings"]["preset"] is None
    assert built.doc["settings"]["calendar"] == default["settings"]["calendar"] == "note-2025"
    assert built.doc["bottom_line"] == default["bottom_line"]
    assert section_of(built.doc, "key_figures") == section_of(default, "key_figures")
    strip = lambda doc: {k: v for k, v in doc.items() if k != "settings"}  # noqa: E731
    assert strip(built.doc) == strip(default)


def test_headline_and_calendar_comparison_equal_the_study_command(built: Built, snapshot_dir: Path) -> None:
    """Headline: 'ratecycle study' with the default rules; beside it: 'ratecycle study --preset note-2025'."""
    rules, note = _study_cli(snapshot_dir, AS_OF), _study_cli(snapshot_dir, AS_OF, "--preset", "note-2025")
    comparison = built.doc["calendar_comparison"]
    assert comparison["calendar"] == "note-2025" and comparison["label"] == "the note's calendar (fixed after the fact)"
    assert (comparison["anchor"], comparison["months"], comparison["convention"]) == ("later_start", 12, "daily")
    _assert_same_figures(comparison, note)
    _assert_same_figures(comparison["rule_based"], rules)
    assert comparison["cycles"] == ["cut 2001-01", "cut 2002-11", "cut 2007-09", "cut 2019-07"]
    assert (comparison["n"], comparison["hits"], rules["summary"]["n"], rules["summary"]["hits"]) == (4, 4, 6, 4)
    assert rules["cycles_from"].startswith("detected from the Fed target (pause rule longest, min pause 52 days")
    # the key figures quote the rule-based study, the calendar only in its one labelled row
    figures = {r["measure"]: r for r in _tables(_section(built.doc, "key_figures"))[0]["rows"]}
    s = rules["summary"]
    record = figures["Past later phases with the Russell 2000 ahead after 12 months"]
    assert record["display"] == f"{s['hits']} of {s['n']}"
    assert figures["Mean spread, Russell 2000 minus S&P 500"]["value"] == s["mean"]
    calendar_row = figures["For comparison: the note's calendar (fixed after the fact)"]
    assert calendar_row["display"] == "4 of 4" and "not used for the call" in calendar_row["detail"]
    assert f"(mean of {s['n']} past later phases" in built.doc["bottom_line"]
    text = _text(_section(built.doc, "significance"))
    assert ("For comparison only, the note's calendar (fixed after the fact): the Russell 2000 was ahead in 4 of 4"
            in text)
    moved = _section(built.doc, "supporting_tables")
    table = next(t for t in _tables(moved) if t["title"].endswith("the rules beside the note's calendar (fixed after "
                                                                     "the fact)"))
    assert [(r["n"], r["hits"], r["mean"]) for r in table["rows"]] == [
        (s["n"], s["hits"], s["mean"]), (4, 4, note["summary"]["mean"])]


def test_calendar_comparison_on_another_date_equals_the_study_command(ds: DataSource, snapshot_dir: Path) -> None:
    """As of 31 Dec 2009 (the 2007-08 calendar cycle just complete): the default report against the CLI."""
    day = "2009-12-31"
    doc = json.loads(report_json(build_report(ds, ReportOptions(as_of=day))))
    comparison = doc["calendar_comparison"]
    note = _study_cli(snapshot_dir, day, "--preset", "note-2025")
    _assert_same_figures(comparison, note)
    _assert_same_figures(comparison["rule_based"], _study_cli(snapshot_dir, day))
    assert comparison["cycles"] == ["cut 2001-01", "cut 2002-11", "cut 2007-09"]
    record = {r["measure"]: r["value"] for r in _tables(_section(doc, "significance"))[1]["rows"]}
    assert record["Cycles with a complete window (n)"] == comparison["rule_based"]["n"]
    assert record["Mean spread"] == comparison["rule_based"]["mean_spread"]


def test_note_calendar_is_shown_from_its_first_cycle_on(ds: DataSource) -> None:
    """By default the note's calendar appears beside the record once its first cycle (3 Jan 2001) has begun."""
    import tomllib

    from ratecycle.report.build import make_context

    first = min(c["start"] for c in tomllib.loads(NOTE_PRESET.read_text(encoding="utf-8"))["cycle"])
    assert first == "2001-01-03"
    assert make_context(ds, ReportOptions(as_of="2001-01-02")).calendar is None
    assert make_context(ds, ReportOptions(as_of=first)).calendar == "note-2025"
    assert make_context(ds, ReportOptions(as_of="2001-01-02", preset="note-2025")).calendar == "note-2025"


def test_calendar_table_is_detected_even_with_a_preset(built: Built, snapshot_dir: Path) -> None:
    table = _tables(_section(built.doc, "calendar"))[0]
    row = table["rows"][-1]
    assert row["cycle"] == "cut 2024-09" and row["later_start"] == "2025-09-17" and row["end"] == "2025-09-17"
    # cuts and total change: the upper bound's changes in the raw file public by the close of AS_OF, including the
    # cut decided that day (effective 18 Sep)
    upper = dict(known_target(snapshot_dir, "DFEDTARU", AS_OF))
    days = sorted(d for d in upper if d >= "2024-09-18")
    before = upper[max(d for d in upper if d < days[0])]
    changes = []
    for day in days:
        if upper[day] != before:
            changes.append(upper[day] - before)
        before = upper[day]
    assert row["cuts"] == len(changes) == 4 and row["total_bps"] == pytest.approx(100 * sum(changes)) == -125
    assert [r["cycle"] for r in table["rows"]][:3] == ["cut 1982-10", "cut 1984-09", "cut 1987-11"]
    assert any(n.startswith("Detected from the target series: pause rule longest, min pause 52 days")
               for n in _notes(built.doc, table))


@pytest.mark.parametrize("day", ["2025-09-16", AS_OF])
def test_scorecard_with_a_preset_is_the_outlooks_without_a_calendar(ds: DataSource, day: str) -> None:
    from ratecycle.outlook import inputs_from_source, scorecard
    from ratecycle.report import Table
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_macro import scorecard_section

    ctx = make_context(ds, ReportOptions(as_of=day, preset="note-2025"))
    table = next(b for b in scorecard_section(ctx).blocks if isinstance(b, Table))
    card = ctx.facts.outlook
    assert card is not None
    assert card.to_dict() == scorecard(inputs_from_source(ds, day), months=12, convention="daily").to_dict()
    assert any("cycles detected from the target with the default rules" in n for n in table.notes)
    if day == AS_OF:
        assert card.phase == "later"  # the cut announced on AS_OF is known at its close
    else:  # no cut since 18 Dec 2024: a pause by the detection rules
        policy = next(r for r in table.rows if r["driver"] == "policy")
        assert card.phase == "pause" and policy["reading"].startswith("pause: no move for 272 days since 2024-12-18")


def test_valuation_section_shows_small_over_big_book_to_market(built: Built, ds: DataSource) -> None:
    from ratecycle import valuation as val

    section = next(s for s in built.doc["sections"] if s["key"] == "valuation")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    row = next(r for r in table["rows"] if r["series"] == "bm_small_big")
    expected = val.valuation(ds.load("bm_small_big"), name="bm_small_big", as_of=AS_OF, years=5,
                             released=released(ds, "bm_small_big"))
    assert row["value"] == expected.value and row["zscore"] == expected.zscore
    assert row["percentile"] == expected.percentile and row["observation"] == "2024-12-01"
    text = next(b["text"] for b in section["blocks"] if b["type"] == "paragraph"
                and b["text"].startswith("Small versus big on book-to-market"))
    assert "in Dec 2024 the value-weighted BE/ME" in text
    assert f"the latest value is {expected.age_months} months old" in text and expected.age_months == 9
    figure = next(b for b in section["blocks"] if b["type"] == "figure"
                  and b["title"].startswith("Small over big book-to-market"))
    traces = {t["name"]: t for t in figure["traces"]}
    ratio, mean = traces["Small over big BE/ME"], traces["5-year mean"]
    assert ratio["x"][-1] == "2024-12-01" and ratio["y"][-1] == round(expected.value, 4)
    assert mean["y"][-1] == round(expected.mean, 4)  # the last month's band is the window the table reads
    assert ratio["x"][0] > "1995-09-17"
