"""Valuation section: S&P 500 P/E and CAPE against their 5-year mean and sigma bands; the small-cap P/E gap."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .context import Context, analysis
from .figures import PALETTE
from .fmt import cell, date_text, month_text
from .model import Column, Figure, Section, Table, Trace

YEARS = 5
CHART_YEARS = 20


def _valuations(ctx: Context, val: Any) -> list[Any]:
    results = []
    for name in ("pe_sp500", "shiller:CAPE", "pe_russell2000"):
        if not ctx.data.has(name):
            results.append(val.missing(name, f"series {name} is not in this data source"))
            continue
        results.append(val.valuation(ctx.prices(name), name=name, as_of=ctx.as_of, years=YEARS,
                                     lag_months=val.PUBLICATION_LAG_MONTHS.get(name)))
    if ctx.data.has("pe_russell2000") and ctx.data.has("pe_sp500"):
        results.append(val.relative_valuation(ctx.prices("pe_russell2000"), ctx.prices("pe_sp500"),
                                              a_name="pe_russell2000", b_name="pe_sp500", as_of=ctx.as_of,
                                              years=YEARS))
    return results


def valuation_section(ctx: Context) -> Section:
    """Figure: S&P 500 trailing P/E with 5-year mean and +-1/+-2 sigma bands; table of every multiple."""
    val = analysis("valuation")
    results = _valuations(ctx, val)
    ctx.facts["valuation"] = results
    rows = []
    for res in results:
        d = res.to_dict()
        if d.get("status") == "missing":
            rows.append({"series": d["series"], "status": "missing", "observation": None, "released": None,
                         "value": None, "mean": None, "std": None, "zscore": None, "percentile": None})
        else:
            rows.append({"series": d["series"], "status": "ok", "observation": d["observation_date"],
                         "released": d["released"], "value": d["value"], "mean": d["mean"], "std": d["std"],
                         "zscore": d["zscore"], "percentile": d["percentile"]})
    table = Table(
        title=f"Valuation multiples against their trailing {YEARS}-year window, as known on {date_text(ctx.as_of)}",
        columns=(Column("series", "Series"), Column("status", "Status"), Column("observation", "Month", "month"),
                 Column("released", "Assumed known from", "date"), Column("value", "Value", "num"),
                 Column("mean", f"{YEARS}-year mean", "num"), Column("std", "Sigma", "num"),
                 Column("zscore", "z-score", "num"), Column("percentile", "Percentile in history", "pctile")),
        rows=tuple(rows),
        source=ctx.source(*(n for n in ("pe_sp500", "shiller:CAPE", "pe_russell2000") if ctx.data.has(n))),
        notes=("Shiller's earnings trail by about a quarter: month M is used only from the end of month M+3.",
               "P/E = Shiller monthly average price / trailing 12-month reported earnings.",
               "pe_russell2000/pe_sp500 (when a small-cap P/E is supplied): the ratio of the two, month by month."))
    blocks: list[Any] = []
    pe = next((r for r in results if getattr(r, "series", "") == "pe_sp500" and getattr(r, "status", "") == "ok"),
              None)
    if pe is not None:
        known = val.known_at(ctx.prices("pe_sp500"), ctx.as_of, val.PUBLICATION_LAG_MONTHS.get("pe_sp500"))
        frame = val.bands(known, years=YEARS)
        frame = frame[frame.index >= frame.index[-1] - pd.DateOffset(years=CHART_YEARS)]
        x = tuple(ts.date().isoformat() for ts in frame.index)

        def col(key: str) -> tuple[float | None, ...]:
            return tuple(None if pd.isna(v) else round(float(v), 3) for v in frame[key])

        figure = Figure(
            title=f"S&P 500 trailing P/E with its {YEARS}-year mean and sigma bands",
            traces=(Trace("+2 sigma", x, col("upper2"), color=PALETTE["grey"], dash="dot"),
                    Trace("+1 sigma", x, col("upper1"), color=PALETTE["grey"], dash="dash"),
                    Trace(f"{YEARS}-year mean", x, col("mean"), color=PALETTE["c"]),
                    Trace("-1 sigma", x, col("lower1"), color=PALETTE["grey"], dash="dash"),
                    Trace("-2 sigma", x, col("lower2"), color=PALETTE["grey"], dash="dot"),
                    Trace("Trailing P/E", x, col("value"), color=PALETTE["b"])),
            y_title="P/E", source=ctx.source("pe_sp500"),
            notes=(f"Monthly; each month plotted once its earnings were assumed published (lag "
                   f"{val.PUBLICATION_LAG_MONTHS.get('pe_sp500')} months).",
                   f"Bands: trailing {YEARS}-year mean plus or minus one and two standard deviations."))
        blocks.append(
            f"The S&P 500 trailing P/E for {month_text(pe.observation_date)} was {cell(pe.value, 'num')}, "
            f"{cell(pe.zscore, 'num')} standard deviations from its {YEARS}-year mean of {cell(pe.mean, 'num')}, "
            f"at the {cell(pe.percentile, 'pctile')} percentile of its history since {pe.history_start.year}.")
        blocks.append(figure)
    small = next((r for r in results if getattr(r, "series", "") == "pe_russell2000"), None)
    if small is not None and getattr(small, "status", "") == "missing":
        blocks.append(f"No Russell 2000 P/E history is available here ({small.reason}), so the small-cap side of "
                      f"the valuation argument is not shown. To add it, import a date,value CSV with: "
                      f"{small.import_command}.")
    blocks.append(table)
    return Section("valuation", "Valuation", tuple(blocks))
