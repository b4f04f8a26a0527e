"""Chart helpers: lean traces from pandas objects (weekly downsampling) and the plotly rendering of a Figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Figure, Trace

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

PALETTE = {"a": "#c2410c", "b": "#1d4ed8", "c": "#047857", "d": "#7c3aed", "grey": "#6b7280"}
PHASE_COLORS = {"early": "rgba(234,179,8,0.30)", "pause": "rgba(107,114,128,0.22)",
                "later": "rgba(22,163,74,0.30)"}
MAX_DAILY_POINTS = 400
"""Series longer than this are drawn weekly (last value of each week) to keep the page small."""


def lean(series: pd.Series, digits: int = 4) -> pd.Series:
    """Downsample a long daily series to weekly (Friday, last value) and round; short series pass unchanged."""
    clean = series.dropna()
    if len(clean) > MAX_DAILY_POINTS:
        weekly = clean.resample("W-FRI").last().dropna()
        if weekly.index[-1] > clean.index[-1]:
            weekly = weekly.rename(index={weekly.index[-1]: clean.index[-1]})
        clean = weekly
    return clean.round(digits)


def line(name: str, series: pd.Series, color: str | None = None, dash: str | None = None,
         digits: int = 4) -> Trace:
    """A line trace from a date-indexed series (downsampled when long)."""
    values = lean(series, digits)
    return Trace(name=name, x=tuple(ts.date().isoformat() for ts in values.index),
                 y=tuple(float(v) for v in values.to_numpy()), kind="line", color=color, dash=dash)


def to_plotly(figure: Figure) -> go.Figure:
    """Render the document figure as a plotly figure (no title: the caption carries it)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for trace in figure.traces:
        common: dict[str, Any] = {"name": trace.name, "x": list(trace.x), "y": list(trace.y)}
        if trace.kind == "bar":
            fig.add_trace(go.Bar(**common, marker_color=trace.color,
                                 text=list(trace.text) if trace.text else None, textposition="outside"))
        elif trace.kind == "hist":
            fig.add_trace(go.Histogram(name=trace.name, x=list(trace.y), marker_color=trace.color, nbinsx=40,
                                       opacity=0.75))
        elif trace.kind == "marker":
            fig.add_trace(go.Scatter(**common, mode="markers", marker={"color": trace.color, "size": 9}))
        else:
            fig.add_trace(go.Scatter(**common, mode="lines",
                                     line={"color": trace.color, "dash": trace.dash, "width": 1.6}))
    if figure.bands:  # one layout update: add_vrect per band re-validates every shape each time
        fig.update_layout(shapes=[
            {"type": "rect", "xref": "x", "yref": "paper", "x0": band.start, "x1": band.end, "y0": 0, "y1": 1,
             "fillcolor": band.color, "line": {"width": 0}, "layer": "below"}
            for band in figure.bands
        ])
    for x, label in figure.vlines:
        fig.add_vline(x=x, line={"color": PALETTE["a"], "width": 1.2}, annotation_text=label,
                      annotation_textangle=-90, annotation_font_size=10)
    for level in figure.hlines:
        fig.add_hline(y=level, line={"color": "#9ca3af", "width": 1, "dash": "dot"})
    bars = any(t.kind == "bar" for t in figure.traces)
    if bars:
        fig.update_xaxes(tickangle=-35, automargin=True)
    fig.update_layout(
        template="simple_white", height=380, margin={"l": 60, "r": 20, "t": 36 if bars else 20, "b": 50},
        # slanted bar labels need the space below the axis, so there the legend goes on top
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0} if bars
        else {"orientation": "h", "y": -0.18}, barmode=figure.barmode,
        yaxis_title=figure.y_title or None, xaxis_title=figure.x_title or None,
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
        yaxis_type="log" if figure.log_y else None,
        yaxis_tickformat=".0%" if figure.y_percent else None,
        xaxis_tickformat=".0%" if figure.x_percent else None,
        hovermode="x unified" if all(t.kind == "line" for t in figure.traces) else "closest",
    )
    return fig
