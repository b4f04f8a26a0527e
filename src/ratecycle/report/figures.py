"""Chart helpers: lean traces from pandas objects (weekly downsampling) and a Figure as plotly.js figure JSON."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from .model import Band, Figure, Trace

if TYPE_CHECKING:
    import pandas as pd

PALETTE = {"a": "#c2410c", "b": "#1d4ed8", "c": "#047857", "d": "#7c3aed", "grey": "#6b7280"}
PHASE_COLORS = {"early": "rgba(234,179,8,0.30)", "pause": "rgba(107,114,128,0.22)",
                "later": "rgba(22,163,74,0.30)"}
INK = "rgb(36,36,36)"
"""Text and axis-line colour (plotly's simple_white look)."""
COLORWAY = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22",
            "#17BECF"]
"""Colours for traces without one of their own (plotly's simple_white colorway)."""
BAND_OPACITY = 1.0
"""Phase bands are drawn at full opacity: their rgba colours (PHASE_COLORS) already set how light they are."""
LINE_OPACITY = 0.8
"""Reference lines (dates, levels) slightly softened so they do not compete with the data."""
FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12, "color": INK}
MAX_DAILY_POINTS = 400
"""Series longer than this are drawn weekly (last value of each week) to keep the page small."""


def lean(series: pd.Series, digits: int = 4) -> pd.Series:
    """Downsample a long daily series to weekly (Friday, last value) and round; short series pass unchanged.

    The first observation is kept as it is (a rebased line starts at exactly 100 on its stated date), and the
    last weekly point carries the last observation's own date.
    """
    import pandas as pd

    clean = series.dropna()
    if len(clean) > MAX_DAILY_POINTS:
        weekly = _weekly_last(clean)
        if weekly.index[-1] > clean.index[-1]:
            weekly = weekly.rename(index={weekly.index[-1]: clean.index[-1]})
        if weekly.index[0] > clean.index[0]:
            weekly = pd.concat([clean.iloc[:1], weekly])
        clean = weekly
    return clean.round(digits)


def _weekly_last(clean: pd.Series) -> pd.Series:
    """The last value of each week ending on a Friday, dated that Friday (``resample("W-FRI").last()`` without the
    empty weeks), grouped on day numbers when the index is sorted midnight dates."""
    import numpy as np
    import pandas as pd

    index = pd.DatetimeIndex(clean.index)
    if index.tz is not None or not index.is_monotonic_increasing or not bool((index == index.normalize()).all()):
        return clean.resample("W-FRI").last().dropna()
    days = index.to_numpy(dtype="datetime64[D]").astype("int64")
    fridays = days + (4 - (days + 3) % 7) % 7  # 1970-01-01 was a Thursday (weekday 3)
    last = np.flatnonzero(np.append(fridays[1:] != fridays[:-1], True))
    return pd.Series(clean.to_numpy()[last], name=clean.name,
                     index=pd.DatetimeIndex(fridays[last].astype("datetime64[D]").astype("datetime64[ns]"),
                                            name=index.name))


def line(name: str, series: pd.Series, color: str | None = None, dash: str | None = None,
         digits: int = 4, hover: str | None = None) -> Trace:
    """A line trace from a date-indexed series (downsampled when long)."""
    import numpy as np

    values = lean(series, digits)
    days = values.index.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return Trace(name=name, x=tuple(np.datetime_as_string(days).tolist()),
                 y=tuple(values.to_numpy(dtype="float64").tolist()), kind="line", color=color, dash=dash,
                 hover=hover)


def hover_text(trace: Trace, figure: Figure) -> str:
    """What a reader sees on hover, in words and units (plotly hovertemplate; the date heads a unified box)."""
    if trace.hover:
        return f"{trace.hover}<extra></extra>"
    if trace.kind == "hist":
        unit = " pp" if "percentage points" in figure.x_title.lower() else ""
        return f"%{{y}} windows with a spread in %{{x}}{unit}<extra></extra>"
    value = "%{y:.1%}" if figure.y_percent else "%{y:,.2f}"
    unit = "" if figure.y_percent or not figure.y_title else f" ({figure.y_title[0].lower()}{figure.y_title[1:]})"
    if trace.kind == "bar":
        return f"{trace.name}, %{{x}}: {value}{unit}<extra></extra>"
    if trace.kind == "marker":
        return f"{trace.name}: {value}{unit} on %{{x|%d %b %Y}}<extra></extra>"
    return f"{trace.name}: {value}{unit}<extra></extra>"


def _json_value(value: Any) -> Any:
    """A plotted value as a JSON-native one: NaN and infinities become null (a gap), numpy scalars plain numbers."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _json_value(value.item())
    raise TypeError(f"cannot plot a value of type {type(value).__name__}: {value!r}")


def _values(values: tuple[Any, ...]) -> list[Any]:
    """A data array as a JSON-native list (built-in floats and strings in one pass, anything else value by value)."""
    kinds = {type(v) for v in values}
    if kinds <= {float, int, type(None)}:
        return [v if v is None or math.isfinite(v) else None for v in values]
    if kinds <= {str}:
        return list(values)
    return [_json_value(v) for v in values]


def _drop_none(spec: dict[str, Any]) -> dict[str, Any]:
    """The dict without its None-valued keys (plotly then uses its defaults)."""
    return {k: v for k, v in spec.items() if v is not None}


def _trace_spec(trace: Trace, figure: Figure) -> dict[str, Any]:
    """One trace as plotly.js JSON: lines, markers, bars labelled outside, or a 40-bin histogram of ``y``."""
    hover = hover_text(trace, figure)
    if trace.kind == "hist":
        return _drop_none({"type": "histogram", "name": trace.name, "x": _values(trace.y), "nbinsx": 40,
                           "hovertemplate": hover,
                           "opacity": 0.75, "marker": _drop_none({"color": trace.color,
                                                                  "line": {"color": "white", "width": 0.6}})})
    spec: dict[str, Any] = {"name": trace.name, "x": _values(trace.x), "y": _values(trace.y),
                            "hovertemplate": hover}
    if trace.kind == "bar":
        return _drop_none({"type": "bar", **spec, "text": list(trace.text) if trace.text else None,
                           "textposition": "outside",
                           "marker": _drop_none({"color": trace.color, "line": {"color": "white", "width": 0.5}})})
    if trace.kind == "marker":
        return {"type": "scatter", **spec, "mode": "markers", "marker": _drop_none({"color": trace.color, "size": 9})}
    return {"type": "scatter", **spec, "mode": "lines",
            "line": _drop_none({"color": trace.color, "dash": trace.dash, "width": 1.6})}


def _band_shape(band: Band) -> dict[str, Any]:
    """A shaded x interval over the full plot height, drawn below the traces."""
    return {"type": "rect", "xref": "x", "yref": "paper", "x0": band.start, "x1": band.end, "y0": 0, "y1": 1,
            "fillcolor": band.color, "line": {"width": 0}, "layer": "below", "opacity": BAND_OPACITY}


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    """An axis in the simple_white look: line shown, ticks outside, no grid or zero line."""
    return _drop_none({"showline": True, "linecolor": INK, "ticks": "outside", "showgrid": False, "zeroline": False,
                       "automargin": True, "title": {"text": title, "standoff": 15} if title else {"standoff": 15},
                       **extra})


LABEL_LEVELS = (1.0, 0.74, 0.48, 0.22)
"""Heights (share of the plot) at which vertical-line labels are written; close neighbours take the next one."""
LABEL_GAP = 0.06
"""Two labels closer than this share of the x range would overlap, so the second one moves down a level."""


def _label_heights(figure: Figure) -> list[float]:
    """Height of each vertical-line label: the top, unless the previous label (in x order) is too close."""
    xs = [at for at, _ in figure.vlines]
    if not all(isinstance(x, (int, float)) for x in xs) or len(xs) < 2:
        return [LABEL_LEVELS[0]] * len(xs)
    values = [float(x) for x in xs]
    for trace in figure.traces:  # the x range also covers the data (a histogram's values are its y)
        data = trace.y if trace.kind == "hist" else trace.x
        values.extend(float(v) for v in data if isinstance(v, (int, float)) and v == v)
    span = max(values) - min(values)
    heights = [LABEL_LEVELS[0]] * len(xs)
    last_at_level: dict[int, float] = {}
    for i in sorted(range(len(xs)), key=lambda k: float(xs[k])):
        level = next((lv for lv in range(len(LABEL_LEVELS))
                      if lv not in last_at_level or float(xs[i]) - last_at_level[lv] >= LABEL_GAP * span),
                     len(LABEL_LEVELS) - 1)
        last_at_level[level] = float(xs[i])
        heights[i] = LABEL_LEVELS[level]
    return heights


def plotly_spec(figure: Figure) -> dict[str, Any]:
    """The document figure as plotly.js figure JSON ``{"data", "layout"}`` (no title: the caption carries it)."""
    shapes = [_band_shape(b) for b in figure.bands]
    annotations: list[dict[str, Any]] = []
    heights = _label_heights(figure)
    for (at, label), height in zip(figure.vlines, heights, strict=True):
        # a full-height line with its label rotated along it, at the top (lower down when a neighbour is close)
        x = _json_value(at)
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                       "line": {"color": PALETTE["a"], "width": 1.2}, "opacity": LINE_OPACITY})
        annotations.append({"text": label, "textangle": -90, "font": {"size": 10}, "showarrow": False,
                            "xref": "x", "x": x, "xanchor": "left", "yref": "paper", "y": height, "yanchor": "top"})
    for level in figure.hlines:
        y = _json_value(level)
        shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
                       "line": {"color": "#9ca3af", "width": 1, "dash": "dot"}, "opacity": LINE_OPACITY})
    bars = any(t.kind == "bar" for t in figure.traces)
    layout = _drop_none({
        "height": 380, "margin": {"l": 60, "r": 20, "t": 36 if bars else 20, "b": 50},
        # slanted bar labels need the space below the axis, so there the legend goes on top
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0} if bars
        else {"orientation": "h", "y": -0.18},
        "barmode": figure.barmode, "font": dict(FONT), "paper_bgcolor": "white", "plot_bgcolor": "white",
        "colorway": list(COLORWAY), "hoverlabel": {"align": "left"}, "autotypenumbers": "strict",
        "hovermode": "x unified" if all(t.kind == "line" for t in figure.traces) else "closest",
        # bar labels are categories, even when they look like dates ('2001-01')
        "xaxis": _axis(figure.x_title, tickformat=".0%" if figure.x_percent else None,
                       tickangle=-35 if bars else None, type="category" if bars else None),
        "yaxis": _axis(figure.y_title, tickformat=".0%" if figure.y_percent else None,
                       type="log" if figure.log_y else None),
        "shapes": shapes or None, "annotations": annotations or None,
    })
    if all(t.kind in ("line", "marker") for t in figure.traces) and figure.traces and \
            all(isinstance(x, str) and len(x) == 10 for x in figure.traces[0].x[:1]):
        layout["xaxis"]["hoverformat"] = "%d %b %Y"  # the date heading a unified hover box, in words
    return {"data": [_trace_spec(t, figure) for t in figure.traces], "layout": layout}
