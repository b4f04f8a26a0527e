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
    """The note's calendar, as of 17 Sep 2025, from the full snapshot (built once per session)."""
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

    # plotly's own bundle, embedded once: gzip + base64 in the head, equal to the installed package's file
    embedded = re.findall(r'<script type="application/octet-stream" id="plotly-bundle">([A-Za-z0-9+/=]+)</script>',
                          built.html)
    assert len(embedded) == 1
    assert gzip.decompress(base64.b64decode(embedded[0])).decode("utf-8") == get_plotlyjs()


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
    assert "agreed with what happened so far (the horizon has not been reached)." in built.md
    late = {d for d, _ in dates_in(built.doc["sections"], frozenset({"fetched_at"})) if d > AS_OF}
    assert late <= _released_after_dated_later(snapshot_dir)


def test_cli_errors_are_one_line(tmp_path: Path, snapshot_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ratecycle.cli.main", "report", "--snapshot", str(snapshot_dir),
                           "--preset", "note-2025", "--min-pause", "40", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == ["ratecycle: error: choose either --preset or --rules/--min-pause/"
                                                "--max-gap, not both"]
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
    from ratecycle.cycles import cycles_from_source
    from ratecycle.events import event_study, phase_returns

    a, b = ds.load("russell2000", end=AS_OF), ds.load("sp500", end=AS_OF)
    cycles = [c for c in cycles_from_source(ds, direction="cut", preset="note-2025") if c.start <= pd.Timestamp(AS_OF)]
    direct = phase_returns(a, b, cycles, convention="daily", months=12, anchors=("later_start",)).rows
    table = _tables(_section(built.doc, "phases"))[0]
    later = {r["cycle"]: r for r in table["rows"] if r["window"] == "later phase"}
    for row in direct[direct["window"] == "later"].itertuples():
        assert later[row.cycle]["return_a"] == row.return_a and later[row.cycle]["spread"] == row.spread
    # independent: the 2019-20 later phase from the raw closes (3 Mar 2020 to the close before Sunday 15 Mar 2020)
    rut = _raw_closes(snapshot_dir / "market" / "RUT_daily.csv")
    assert later["cut 2019-07"]["return_a"] == pytest.approx(rut["2020-03-13"] / rut["2020-03-03"] - 1, abs=1e-12)
    study = event_study(a, b, cycles, anchor="later_start", months=12, convention="daily").summary
    stats = {r["measure"]: r["value"] for r in _tables(_section(built.doc, "significance"))[1]["rows"]}
    assert stats["Cycles with a complete window (n)"] == study.n == 4
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
    from ratecycle.cycles import cycles_from_source
    from ratecycle.outlook import inputs_from_source, scorecard

    # the report is built with the note's calendar, so the scorecard reads its phase and evidence from it
    note = cycles_from_source(ds, direction="cut", preset="note-2025")
    card = scorecard(inputs_from_source(ds, AS_OF), months=12, cycles=note)
    section = _section(built.doc, "scorecard")
    rows = _tables(section)[0]["rows"]
    assert [r["driver"] for r in rows] == [r.driver for r in sorted(card.rows, key=lambda r: r.rank)]
    assert f"weighted score {card.score:+.2f}; confidence {card.confidence}" in _text(section)
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
    assert ijr["since"] == "2000-05-26" and ijr["after_hits"].endswith("of 4")


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


# --- the chosen calendar drives the scorecard's policy row and the calendar table --------------------------------

NOTE_PRESET = Path(__file__).resolve().parents[1] / "src" / "ratecycle" / "presets" / "note-2025.toml"


def _note_dates(field: str) -> list[str]:
    """One boundary of every cycle of the note's calendar, read straight from the preset file."""
    import tomllib

    return [c[field] for c in tomllib.loads(NOTE_PRESET.read_text(encoding="utf-8"))["cycle"] if field in c]


def _month_end_spreads(snapshot_dir: Path, anchors: list[str], as_of: str, months: int = 12,
                       month_end: bool = True) -> list[float]:
    """Russell 2000 minus S&P 500 from each anchor to ``months`` later, by hand: from month end to month end, or
    (``month_end=False``, the daily convention) from the anchor day's close to the same day ``months`` later."""
    import bisect

    tables = [_raw_closes(snapshot_dir / "market" / f) for f in ("RUT_daily.csv", "GSPC_daily.csv")]

    def ret(table: dict[str, float], start: pd.Timestamp, end: pd.Timestamp) -> float:
        days = sorted(table)
        first = table[days[bisect.bisect_right(days, start.strftime("%Y-%m-%d")) - 1]]
        return table[days[bisect.bisect_right(days, end.strftime("%Y-%m-%d")) - 1]] / first - 1

    out = []
    for anchor in anchors:
        start = pd.Timestamp(anchor) + (pd.offsets.MonthEnd(0) if month_end else pd.DateOffset(0))
        end = pd.Timestamp(anchor) + pd.DateOffset(months=months) + (pd.offsets.MonthEnd(0) if month_end
                                                                     else pd.DateOffset(0))
        if end <= pd.Timestamp(as_of):
            out.append(ret(tables[0], start, end) - ret(tables[1], start, end))
    return out


def test_preset_scorecard_reads_the_calendars_later_phase(built: Built, snapshot_dir: Path) -> None:
    table = _tables(_section(built.doc, "scorecard"))[0]
    policy = next(r for r in table["rows"] if r["driver"] == "policy")
    assert policy["reading"] == "later phase: cuts resumed 2025-09-17 after a pause (cycle begun 2024-09-18)"
    # the report's scorecard uses the report's daily windows, like its phase and significance sections
    spreads = _month_end_spreads(snapshot_dir, _note_dates("pause_end"), AS_OF, month_end=False)
    assert policy["n"] == len(spreads) == 4
    assert policy["hit_rate"] == pytest.approx(sum(s > 0 for s in spreads) / len(spreads)) == 1.0
    assert policy["mean_spread"] == pytest.approx(sum(spreads) / len(spreads))
    assert policy["direction"] == "favours Russell 2000" and policy["rank"] == 1
    assert any("calendar preset note-2025" in n and "later_start" in n for n in _notes(built.doc, table))
    assert not any("detected" in n for n in _notes(built.doc, table))
    # ratecycle outlook with the same preset prints the same row
    from typer.testing import CliRunner

    from ratecycle.cli.main import app

    result = CliRunner().invoke(app, ["outlook", "--as-of", AS_OF, "--preset", "note-2025", "--convention", "daily",
                                      "--snapshot", str(snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    row = next(r for r in doc["rows"] if r["driver"] == "policy")
    assert (row["reading"], row["n"], row["hit_rate"], row["mean_spread"]) == (
        policy["reading"], policy["n"], policy["hit_rate"], policy["mean_spread"])
    assert doc["phase"] == "later" and f"weighted score {doc['score']:+.2f}" in _text(_section(built.doc, "scorecard"))


def test_preset_calendar_table_takes_the_last_cut_from_the_calendar(built: Built, snapshot_dir: Path) -> None:
    table = _tables(_section(built.doc, "calendar"))[0]
    row = table["rows"][-1]
    assert row["cycle"] == "cut 2024-09" and row["later_start"] == "2025-09-17" and row["end"] == "2025-09-17"
    # cuts and total change are labelled as target data: the upper bound's changes in the raw file public by the
    # close of AS_OF, including the cut decided that day (effective 18 Sep)
    upper = dict(known_target(snapshot_dir, "DFEDTARU", AS_OF))
    days = sorted(d for d in upper if d >= "2024-09-18")
    before = upper[max(d for d in upper if d < days[0])]
    changes = []
    for day in days:
        if upper[day] != before:
            changes.append(upper[day] - before)
        before = upper[day]
    assert row["cuts"] == len(changes) == 4 and row["total_bps"] == pytest.approx(100 * sum(changes)) == -125
    labels = {c["key"]: c["label"] for c in table["columns"]}
    assert labels["cuts"] == "Cuts in target data" and labels["total_bps"] == "Total change in target data"


def test_preset_scorecard_the_day_before_the_later_phase_and_without_a_preset(ds: DataSource) -> None:
    from ratecycle.outlook import inputs_from_source, scorecard
    from ratecycle.report import Table
    from ratecycle.report.build import make_context
    from ratecycle.report.sections_macro import scorecard_section

    ctx = make_context(ds, ReportOptions(as_of="2025-09-16", preset="note-2025"))
    table = next(b for b in scorecard_section(ctx).blocks if isinstance(b, Table))
    card = ctx.facts.outlook
    assert card is not None
    # the calendar's later phase begins on 17 Sep 2025, after this as-of date: not used
    assert card.phase == "pause" and card.anchor == "pause_start"
    policy = next(r for r in table.rows if r["driver"] == "policy")
    assert policy["reading"].startswith("pause: no move for 272 days since 2024-12-18")
    assert any("calendar preset note-2025" in n for n in table.notes)
    # no preset: the phase is detected from the target data, exactly as the outlook without a calendar
    plain = make_context(ds, ReportOptions(as_of=AS_OF))
    scorecard_section(plain)
    assert plain.facts.outlook is not None
    assert plain.facts.outlook.to_dict() == scorecard(inputs_from_source(ds, AS_OF), months=12,
                                                         convention="daily").to_dict()
    assert plain.facts.outlook.phase == "later"  # the cut announced on AS_OF is known at its close


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
