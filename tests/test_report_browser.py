"""The report in headless Chromium: bottom line first, no word broken in a table cell, no console error, no network,
and the explorer's numbers equal to ``ratecycle study`` with the same options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_run import cli
from ratecycle.data.source import DataSource
from ratecycle.report import ReportOptions, build_report, write_report
from ratecycle.report.browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.browser

BROKEN_WORDS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('main table td, main table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""
"""Every word (run of non-space characters) in a table cell whose boxes sit on more than one line."""

COMBINATIONS = (
    {"pair": "russell2000,sp500", "rules": "longest", "min_pause": 52, "max_gap": 300, "convention": "daily",
     "months": 12, "anchor": "later_start"},
    {"pair": "russell2000,sp500", "rules": "threshold", "min_pause": 40, "max_gap": 370, "convention": "month_end",
     "months": 6, "anchor": "later_start"},
    {"pair": "russell2000,sp500", "rules": "longest", "min_pause": 90, "max_gap": 250,
     "convention": "prior_month_end", "months": 24, "anchor": "cycle_start"},
    {"pair": "iwm,spy", "rules": "longest", "min_pause": 70, "max_gap": 300, "convention": "daily", "months": 3,
     "anchor": "pause_start"},
    {"pair": "iwm,spy", "rules": "threshold", "min_pause": 30, "max_gap": 250, "convention": "month_end",
     "months": 18, "anchor": "later_start"},
    {"pair": "russell2000,sp500", "rules": "threshold", "min_pause": 52, "max_gap": 300, "convention": "daily",
     "months": 12, "anchor": "pause_start"},
)


@pytest.fixture(scope="module")
def page_path(ds: DataSource, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default report (latest common date), written once for this module."""
    if chromium_path() is None:
        pytest.skip("Chromium not installed")
    return write_report(build_report(ds, ReportOptions()), tmp_path_factory.mktemp("browser") / "out")["html"]


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, path: Path, width: int) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("() => document.getElementById('explore-app')?.dataset.ready === '1'", timeout=60_000)
    page.wait_for_function("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                           ".every(d => d.querySelector('svg.main-svg'))", timeout=60_000)
    return page, errors, requests


def test_page_opens_offline_with_the_bottom_line_first(browser: Any, page_path: Path) -> None:
    page, errors, requests = _open(browser, page_path, 1100)
    assert errors == []
    assert [u for u in requests if u != page_path.as_uri()] == []
    assert page.evaluate("() => document.querySelector('main section').id") == "bottom_line"
    assert page.evaluate("() => document.querySelector('main section p').className") == "bottom-line"
    # the contents stay reachable: a fixed sidebar on a wide screen
    assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).position") == "fixed" or \
        page.viewport_size["width"] < 1300
    page.close()


@pytest.mark.parametrize("width", [1100, 390])
def test_no_word_in_a_table_cell_spans_two_lines(browser: Any, page_path: Path, width: int) -> None:
    page, _, _ = _open(browser, page_path, width)
    assert page.evaluate(BROKEN_WORDS) == []
    page.close()


def test_explorer_numbers_equal_the_study_command(browser: Any, page_path: Path, snapshot_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    page, errors, _ = _open(browser, page_path, 1100)
    for combo in COMBINATIONS:
        for name, value in combo.items():
            page.select_option(f"#explore-app select[name={name}]", str(value))
        shown = page.evaluate("() => Object.fromEntries(Array.from(document.querySelectorAll('[data-stat]'))"
                              ".map(e => [e.dataset.stat, [e.dataset.value, e.textContent]]))")
        code, out, err = cli(monkeypatch, capsys, "study", "--pair", combo["pair"], "--rules", combo["rules"],
                             "--min-pause", str(combo["min_pause"]), "--max-gap", str(combo["max_gap"]),
                             "--convention", combo["convention"], "--months", str(combo["months"]),
                             "--anchor", combo["anchor"], "--snapshot", str(snapshot_dir), "--json")
        assert code == 0, err
        summary = json.loads(out)["summary"]
        assert int(shown["n"][0]) == summary["n"], combo
        assert int(shown["hits"][0]) == summary["hits"], combo
        for key, field in (("mean_spread", "mean"), ("median_spread", "median")):
            if summary[field] is None:
                assert shown[key][0] == "", combo
            else:
                assert float(shown[key][0]) == pytest.approx(summary[field], abs=1e-12), combo
                assert shown[key][1] == f"{100 * summary[field]:+.1f} pp", combo
        rows = page.evaluate("() => document.querySelectorAll('#explore-table tbody tr').length")
        assert rows >= summary["n"]
    assert errors == []
    page.close()


OVERLAPS = """() => {
  const out = [];
  for (const div of document.querySelectorAll('.plotly-graph-div')) {
    const boxes = Array.from(div.querySelectorAll('g.annotation text, g.textpoint text'))
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(div.id);
      }
    }
  }
  return Array.from(new Set(out));
}"""
"""Charts in which two text labels (annotations or bar labels) overlap on screen."""


def test_chart_labels_do_not_overlap(browser: Any, page_path: Path) -> None:
    page, _, _ = _open(browser, page_path, 1100)
    assert page.evaluate(OVERLAPS) == []
    page.close()


CHART_VS_TABLE = """() => {
  const counted = Array.from(document.querySelectorAll('#explore-table tbody tr'))
    .map(tr => Array.from(tr.cells).map(td => td.textContent)).filter(cells => cells[7] === 'yes');
  const zero = Array.from(document.querySelectorAll('#explore-chart line'))
    .find(l => l.getAttribute('stroke') === '#6b7280');
  const y0 = zero.getBoundingClientRect().top;
  const bars = Array.from(document.querySelectorAll('#explore-chart rect.bar')).map(r => {
    const box = r.getBoundingClientRect();
    return {tip: r.querySelector('title').textContent, above: box.bottom <= y0 + 0.5 && box.top < y0 - 0.5,
            below: box.top >= y0 - 0.5 && box.bottom > y0 + 0.5};
  });
  return {counted, bars};
}"""
"""The counted rows of the explorer's table and its chart's bars (hover text, side of the zero line)."""


@pytest.mark.parametrize("width", [1100, 390])
def test_explorer_chart_draws_the_counted_rows(browser: Any, page_path: Path, width: int) -> None:
    page, errors, _ = _open(browser, page_path, width)
    for combo in COMBINATIONS[:3]:
        for name, value in combo.items():
            page.select_option(f"#explore-app select[name={name}]", str(value))
        seen = page.evaluate(CHART_VS_TABLE)
        assert len(seen["bars"]) == len(seen["counted"]) > 0, combo
        for cells, bar in zip(seen["counted"], seen["bars"], strict=True):
            cycle, spread = cells[0], cells[6]
            assert bar["tip"].startswith(f"{cycle}: ") and bar["tip"].endswith(f"spread {spread}"), (combo, bar)
            value = float(spread.removesuffix(" pp"))
            if value != 0:
                assert bar["above"] == (value > 0) and bar["below"] == (value < 0), (combo, cells, bar)
    assert errors == []
    page.close()
