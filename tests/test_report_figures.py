"""Report figures as plain plotly.js JSON: valid for plotly, equal to the document model, safely inlined in the page."""

from __future__ import annotations

import base64
import csv
import gzip
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from ratecycle.data.source import DataSource
from ratecycle.errors import RatecycleError
from ratecycle.report import ReportOptions, build_report
from ratecycle.report.figures import plotly_spec
from ratecycle.report.html import PLOTLY_CONFIG, chart_html, plotly_js_path, render_html
from ratecycle.report.model import Band, Figure, Report, Trace

AS_OF = "2025-09-17"


@dataclass(frozen=True)
class Page:
    """The note as of 17 Sep 2025 and its rendered HTML page."""

    report: Report
    html: str


@pytest.fixture(scope="module")
def page(ds: DataSource) -> Page:
    """The note's report from the full snapshot, rendered once for the module."""
    report = build_report(ds, ReportOptions(as_of=AS_OF, preset="note-2025"))
    return Page(report, render_html(report))


def _json_native(value: Any, where: str = "$") -> list[str]:
    """Paths of every value that is not str, int, float (finite), bool, None, list or dict with str keys."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in ([f"{where} key {k!r}"] if not isinstance(k, str) else [])
                + _json_native(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _json_native(v, f"{where}[{i}]")]
    if type(value) in (str, int, bool) or value is None:
        return []
    if type(value) is float and math.isfinite(value):
        return []
    return [f"{where}: {type(value).__name__}"]


def _has_none(value: Any) -> bool:
    """True when a dict anywhere in the spec holds a None value (data arrays may hold null gaps)."""
    if isinstance(value, dict):
        return any(v is None or _has_none(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_none(v) for v in value if isinstance(v, (dict, list)))
    return False


def _newplot_calls(html: str) -> dict[str, list[Any]]:
    """Every Plotly.newPlot(...) call in the page, its four JSON arguments parsed back, by div id."""
    decoder = json.JSONDecoder()
    calls: dict[str, list[Any]] = {}
    for match in re.finditer(r"Plotly\.newPlot\(", html):
        pos, args = match.end(), []
        for _ in range(4):
            value, pos = decoder.raw_decode(html, pos)
            args.append(value)
            pos += 2 if html.startswith(", ", pos) else 0
        assert html.startswith(");});</script>", pos)  # each chart is drawn once plotly.js is inflated
        calls[args[0]] = args
    return calls


def test_every_report_figure_is_valid_plotly(page: Page) -> None:
    import plotly.graph_objects as go

    figures = page.report.figures()
    assert len(figures) >= 7
    for figure in figures:
        spec = plotly_spec(figure)
        assert _json_native(spec) == [], figure.number
        assert not _has_none(spec), figure.number
        fig = go.Figure(spec)  # validates every property name and value
        assert len(fig.data) == len(figure.traces)
    broken = plotly_spec(figures[0])
    broken["layout"]["heigth"] = 380
    with pytest.raises(ValueError, match="heigth"):
        go.Figure(broken)


def test_report_figure_specs_equal_the_figures(page: Page) -> None:
    figures = page.report.figures()
    kinds = {"line": ("scatter", "lines"), "marker": ("scatter", "markers"), "bar": ("bar", None),
             "hist": ("histogram", None)}
    for figure in figures:
        spec = plotly_spec(figure)
        data, layout = spec["data"], spec["layout"]
        assert len(data) == len(figure.traces)
        for trace, drawn in zip(figure.traces, data, strict=True):
            assert (drawn["type"], drawn.get("mode")) == kinds[trace.kind]
            assert drawn["name"] == trace.name
            if trace.kind == "hist":
                assert drawn["x"] == list(trace.y) and drawn["nbinsx"] == 40 and drawn["opacity"] == 0.75
                assert "y" not in drawn
            else:
                assert drawn["x"] == list(trace.x) and drawn["y"] == list(trace.y)
            if trace.color:
                assert trace.color in (drawn.get("line", {}).get("color"), drawn.get("marker", {}).get("color"))
        shapes = layout.get("shapes", [])
        rects = [s for s in shapes if s["type"] == "rect"]
        assert [(s["x0"], s["x1"], s["fillcolor"]) for s in rects] == [(b.start, b.end, b.color) for b in figure.bands]
        assert all(s["yref"] == "paper" and (s["y0"], s["y1"]) == (0, 1) and s["layer"] == "below" for s in rects)
        vertical = [s for s in shapes if s["type"] == "line" and s["xref"] == "x"]
        assert [(s["x0"], s["x1"]) for s in vertical] == [(x, x) for x, _ in figure.vlines]
        notes = layout.get("annotations", [])
        assert [(a["x"], a["text"], a["textangle"]) for a in notes] == [(x, t, -90) for x, t in figure.vlines]
        horizontal = [s for s in shapes if s["type"] == "line" and s["xref"] == "paper"]
        assert [(s["y0"], s["y1"]) for s in horizontal] == [(y, y) for y in figure.hlines]
        assert all(s["line"]["dash"] == "dot" and (s["x0"], s["x1"]) == (0, 1) for s in horizontal)
        assert len(shapes) == len(figure.bands) + len(figure.vlines) + len(figure.hlines)
        assert layout["height"] == 380 and layout["barmode"] == figure.barmode
        assert layout["yaxis"]["title"].get("text") == (figure.y_title or None)
        assert layout["xaxis"]["title"].get("text") == (figure.x_title or None)
        assert layout["yaxis"].get("tickformat") == (".0%" if figure.y_percent else None)
        assert layout["xaxis"].get("tickformat") == (".0%" if figure.x_percent else None)
        assert layout["hovermode"] == ("x unified" if all(t.kind == "line" for t in figure.traces) else "closest")
    # the note has phase bands (Figure 3), cycle markers on the histogram (Figure 4) and reference levels
    assert sum(len(f.bands) for f in figures) > 0 and sum(len(f.vlines) for f in figures) > 0
    assert sum(len(f.hlines) for f in figures) > 0


def test_rotation_figure_points_equal_the_raw_closes(page: Page, snapshot_dir: Path) -> None:
    figure = page.report.figures()[0]
    assert figure.title.startswith("Russell 2000 vs S&P 500, 1 Aug 2025")
    with (snapshot_dir / "market" / "RUT_daily.csv").open(newline="", encoding="utf-8-sig") as fh:
        closes = {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if "2025-08-01" <= r["date"] <= AS_OF}
    drawn = plotly_spec(figure)["data"][0]
    assert drawn["name"] == "Russell 2000" and drawn["x"] == sorted(closes)
    base = closes["2025-08-01"]
    assert drawn["y"] == pytest.approx([100 * closes[d] / base for d in sorted(closes)], abs=0.0051)
    assert drawn["y"][0] == 100.0


def test_page_has_one_chart_per_figure_and_the_json_parses_back(page: Page) -> None:
    figures = page.report.figures()
    divs = re.findall(r'<div id="(figure-\d+)" class="plotly-graph-div" style="height:380px; width:100%;"></div>',
                      page.html)
    assert divs == [f"figure-{f.number}" for f in figures]
    assert page.html.count("plotly-graph-div") == len(figures)
    calls = _newplot_calls(page.html)
    assert list(calls) == divs
    for figure in figures:
        _, data, layout, config = calls[f"figure-{figure.number}"]
        assert {"data": data, "layout": layout} == plotly_spec(figure)
        assert config == PLOTLY_CONFIG


def test_chart_script_is_safe_inside_a_script_tag() -> None:
    name = "A </script><!-- b & c \u2028 d \u2029 > e"
    figure = Figure("t", (Trace(name, ("2001-01-02", "2001-01-03"), (1.0, 2.0)),), "s", number=3,
                    vlines=((1.5, "</SCRIPT> x"),))
    chart = chart_html(figure)
    script = chart.split('<script type="text/javascript">', 1)[1]
    assert script.endswith("</script>") and script.count("</") == 1 and script.lower().count("</script") == 1
    assert "<!--" not in script and "\u2028" not in script and "\u2029" not in script
    _, data, layout, _ = _newplot_calls(chart)["figure-3"]
    assert data[0]["name"] == name and layout["annotations"][0]["text"] == "</SCRIPT> x"


def test_trace_kinds_axes_and_gaps() -> None:
    import plotly.graph_objects as go

    dates = ("2001-01-02", "2001-01-03", "2001-01-04")
    figure = Figure(
        "t", (Trace("pts", dates, (1.0, 10.0, 100.0), kind="marker", color="#047857"),
              Trace("gap", dates, (2.0, float("nan"), None), dash="dash"),
              Trace("np", dates, tuple(np.array([1.5, 2.5, 3.5]))),
              Trace("bars", ("x1", "x2", "x3"), (0.1, -0.2, 0.3), kind="bar", text=("+10%", "-20%", "+30%"))),
        "s", log_y=True, y_percent=True, x_title="Day", bands=(Band("2001-01-02", "2001-01-03", "early", "red"),))
    spec = plotly_spec(figure)
    assert _json_native(spec) == [] and not _has_none(spec)
    go.Figure(spec)
    pts, gap, from_numpy, bars = spec["data"]
    assert pts["mode"] == "markers" and pts["marker"] == {"color": "#047857", "size": 9}
    assert gap["y"] == [2.0, None, None] and gap["line"] == {"dash": "dash", "width": 1.6}
    assert from_numpy["y"] == [1.5, 2.5, 3.5] and "color" not in from_numpy["line"]
    assert bars["text"] == ["+10%", "-20%", "+30%"] and bars["textposition"] == "outside"
    layout = spec["layout"]
    assert layout["yaxis"]["type"] == "log" and layout["yaxis"]["tickformat"] == ".0%"
    assert layout["xaxis"]["title"]["text"] == "Day" and layout["xaxis"]["tickangle"] == -35
    assert layout["legend"]["y"] >= 1 and layout["margin"]["t"] == 36
    assert layout["hovermode"] == "closest"
    # the simple_white look, spelled out
    assert layout["plot_bgcolor"] == layout["paper_bgcolor"] == "white"
    for axis in (layout["xaxis"], layout["yaxis"]):
        assert axis["showline"] and axis["ticks"] == "outside" and not axis["showgrid"] and not axis["zeroline"]
    # bands keep the alpha of their own rgba colour (the default shape opacity of 0.3 made the shading near invisible)
    assert layout["shapes"][0]["opacity"] == 1.0 and layout["shapes"][0]["fillcolor"] == "red"
    assert "template" not in layout


def test_plotly_js_is_read_from_the_installed_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    from plotly.offline import get_plotlyjs

    assert plotly_js_path().read_text(encoding="utf-8") == get_plotlyjs()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RatecycleError, match="needs the plotly package"):
        plotly_js_path()
    fake = SimpleNamespace(origin=str(tmp_path / "plotly" / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: fake)
    with pytest.raises(RatecycleError, match=r"plotly\.js not found"):
        plotly_js_path()


def test_report_command_never_imports_plotly(snapshot_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "ratecycle.cli.main", "report", "--as-of", AS_OF,
                           "--snapshot", str(snapshot_dir), "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [line for line in proc.stderr.splitlines() if "plotly" in line] == []
    html = (out / "report.html").read_text(encoding="utf-8")
    bundle = re.findall(r'id="plotly-bundle">([^<]+)</script>', html)
    assert len(bundle) == 1
    raw = base64.b85decode(bundle[0].translate(str.maketrans(",.:[", "<>&`")))
    assert gzip.decompress(raw) == plotly_js_path().read_bytes()
    assert html.count('class="plotly-graph-div"') == len(_newplot_calls(html)) >= 7



def test_lean_keeps_the_first_and_last_observation() -> None:
    """A long line is drawn weekly but still starts on its first day (rebased = 100) and ends on its last day."""
    import pandas as pd

    from ratecycle.report.figures import MAX_DAILY_POINTS, lean

    days = pd.bdate_range("2000-07-03", periods=MAX_DAILY_POINTS + 50)  # starts on a Monday
    series = pd.Series(100.0 + np.arange(len(days)), index=days)
    drawn = lean(series)
    assert drawn.index[0] == days[0] and drawn.iloc[0] == 100.0
    assert drawn.index[-1] == days[-1] and drawn.iloc[-1] == series.iloc[-1]
    assert drawn.index.is_unique and drawn.index.is_monotonic_increasing
    fridays = drawn.index[1:-1]
    assert (fridays.day_of_week == 4).all() and all(series[d] == drawn[d] for d in fridays)
    friday_start = series[series.index >= "2000-07-07"]  # a Friday start is not doubled
    assert lean(friday_start).index[0] == pd.Timestamp("2000-07-07") and lean(friday_start).index.is_unique


def test_close_vertical_line_labels_are_staggered() -> None:
    """Labels of lines closer than the gap move down a level; far ones stay at the top; dates are not moved."""
    from ratecycle.report.figures import LABEL_GAP, LABEL_LEVELS, plotly_spec
    from ratecycle.report.model import Figure, Trace

    data = Trace("all", (), tuple(float(v) for v in range(-30, 51)), kind="hist")  # x range 80
    close = 0.4 * LABEL_GAP * 80  # a, b and c all within one gap of each other
    figure = Figure("t", (data,), "s", vlines=((10.0, "a"), (10.0 + close, "b"), (10.0 + 2 * close, "c"),
                                              (40.0, "far")))
    heights = {a["text"]: a["y"] for a in plotly_spec(figure)["layout"]["annotations"]}
    assert heights == {"a": LABEL_LEVELS[0], "b": LABEL_LEVELS[1], "c": LABEL_LEVELS[2], "far": LABEL_LEVELS[0]}
    dated = Figure("t", (Trace("x", ("2001-01-02", "2001-01-03"), (1.0, 2.0)),), "s",
                   vlines=(("2001-01-02", "d1"), ("2001-01-02", "d2")))
    assert [a["y"] for a in plotly_spec(dated)["layout"]["annotations"]] == [1.0, 1.0]


def test_weekly_points_equal_pandas_resample() -> None:
    """The day-number grouping gives resample('W-FRI').last() exactly, on random calendars with gaps."""
    import numpy as np
    import pandas as pd

    from ratecycle.report.figures import _weekly_last

    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 2000))
        days = np.sort(rng.choice(np.arange(np.datetime64("1990-01-01"), np.datetime64("2026-01-01")), size=n,
                                  replace=False))
        series = pd.Series(rng.normal(size=n), index=pd.DatetimeIndex(days.astype("datetime64[ns]"), name="date"),
                           name="x")
        expected = series.resample("W-FRI").last().dropna()
        pd.testing.assert_series_equal(_weekly_last(series), expected, check_freq=False, check_exact=True)
