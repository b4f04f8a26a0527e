"""Valuation section: S&P 500 P/E (price-updated) and CAPE against their 5-year mean and sigma bands; small caps."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from .. import valuation as val
from ..data.catalog import get_spec
from .context import Context
from .figures import PALETTE
from .fmt import cell, date_text, month_text
from .model import Column, Figure, Section, Table, Trace

YEARS = 5
CHART_YEARS = 10
"""Years of P/E history in the chart. Not more: the 5-year bands of 2010-14 still hold the 2009 earnings collapse
(P/E above 100) and would stretch the axis until the latest five years are a flat line."""
PRICE_SERIES, EARNINGS_SERIES, PE_SERIES = "sp500", "shiller:E", "pe_sp500"
BOOK_TO_MARKET = "bm_small_big"
HEADLINE_LABEL = "pe_sp500 (price-updated)"


def basis_text(pe: Any) -> str:
    """'price of D / trailing earnings to M (published by R)': what a price-updated P/E is made of."""
    return (f"price of {date_text(pe.price_date)} / trailing earnings to {month_text(pe.earnings_month)} "
            f"(published by {date_text(pe.earnings_released)})")


def month_end_text(res: Any) -> str:
    """What a month-end (lagged) P/E is made of: that month's average price over its trailing earnings."""
    return (f"average price of {month_text(res.observation_date)} / trailing earnings to "
            f"{month_text(res.observation_date)} (published by {date_text(res.released)})")


def release_text(name: str) -> str:
    """The catalog's release rule of a series in words ('month M at the end of month M+3')."""
    rule = get_spec(name).release
    return rule.describe() if rule is not None else "on its own date"


def _valuations(ctx: Context, val: Any) -> tuple[Any | None, list[Any]]:
    """The headline S&P 500 P/E (price-updated, else month-end with a note why), and every month-end reading."""
    results = []
    for name in (PE_SERIES, "shiller:CAPE", "pe_russell2000", BOOK_TO_MARKET):
        if not ctx.data.has(name):
            results.append(val.missing(name, f"series {name} is not in this data source"))
            continue
        results.append(val.valuation(ctx.prices(name), name=name, as_of=ctx.as_of, years=YEARS,
                                     released=ctx.released(name)))
    if ctx.data.has("pe_russell2000") and ctx.data.has(PE_SERIES):
        results.append(val.relative_valuation(ctx.prices("pe_russell2000"), ctx.prices(PE_SERIES),
                                              a_name="pe_russell2000", b_name=PE_SERIES, as_of=ctx.as_of,
                                              years=YEARS, released_a=ctx.released("pe_russell2000"),
                                              released_b=ctx.released(PE_SERIES)))
    if not ctx.data.has(PE_SERIES):
        return None, results
    absent = {n for n in (PRICE_SERIES, EARNINGS_SERIES) if not ctx.data.has(n)}
    data = val.PEData.build(None if PRICE_SERIES in absent else ctx.prices(PRICE_SERIES),
                            None if EARNINGS_SERIES in absent else ctx.prices(EARNINGS_SERIES),
                            ctx.prices(PE_SERIES),
                            earnings_released=None if EARNINGS_SERIES in absent else ctx.released(EARNINGS_SERIES),
                            pe_released=ctx.released(PE_SERIES))
    headline = data.reading(ctx.as_of, years=YEARS)
    if not isinstance(headline, val.PriceUpdatedPE):  # the month-end reading itself, carrying the note
        headline = replace(results[0], note=headline.note)
        results[0] = headline
    return headline, results


def _row(res: Any, val: Any) -> dict[str, Any]:
    d = res.to_dict()
    if d.get("status") == "missing":
        return {"series": d["series"], "reading": "no data", "status": "missing", "observation": None,
                "released": None, "value": None, "mean": None, "std": None, "zscore": None, "percentile": None}
    if isinstance(res, val.PriceUpdatedPE):
        return {"series": HEADLINE_LABEL, "reading": basis_text(res), "status": "ok",
                "observation": d["earnings_month"], "released": d["earnings_released"], "value": d["value"],
                "mean": d["mean"], "std": d["std"], "zscore": d["zscore"], "percentile": d["percentile"]}
    if res.series == PE_SERIES:
        reading = f"month-end (lagged): {month_end_text(res)}"
    elif res.released != res.observation_date:
        reading = f"month-end: {month_text(res.observation_date)} (published by {date_text(res.released)})"
    else:
        reading = f"as dated: {date_text(res.observation_date)}"
    return {"series": d["series"], "reading": reading, "status": "ok", "observation": d["observation_date"],
            "released": d["released"], "value": d["value"], "mean": d["mean"], "std": d["std"],
            "zscore": d["zscore"], "percentile": d["percentile"]}


def _headline_text(res: Any, val: Any) -> str:
    """The paragraph stating the S&P 500 P/E: what it is made of, where it sits, and the month-end reading."""
    if isinstance(res, val.PriceUpdatedPE):
        return (f"The S&P 500 trailing P/E on {date_text(res.as_of)} is {cell(res.value, 'num')}: "
                f"{basis_text(res)}, {cell(res.price, 'num')} / {cell(res.earnings, 'num')}. That is "
                f"{cell(res.zscore, 'num')} standard deviations from the {YEARS}-year mean of the monthly P/E "
                f"({cell(res.mean, 'num')}, {month_text(res.window_start)} to {month_text(res.lagged_month)}), at "
                f"the {cell(res.percentile, 'pctile')} percentile of its history since {res.history_start.year}. "
                f"The month-end P/E of {month_text(res.lagged_month)} (average price of that month / the same "
                f"earnings), which is all a lagged monthly ratio would show, is {cell(res.lagged_value, 'num')} "
                f"(z {cell(res.lagged_zscore, 'num')}).")
    why = f" {res.note[0].upper()}{res.note[1:]}." if res.note else ""
    return (f"The S&P 500 trailing P/E for {month_text(res.observation_date)} was {cell(res.value, 'num')} "
            f"({month_end_text(res)}), {cell(res.zscore, 'num')} standard deviations from its {YEARS}-year mean of "
            f"{cell(res.mean, 'num')}, at the {cell(res.percentile, 'pctile')} percentile of its history since "
            f"{res.history_start.year}.{why}")


def book_to_market_text(res: Any) -> str:
    """The paragraph on small versus big book-to-market: what it is, where it sits, how old it is."""
    return (f"Small versus big on book-to-market (not a P/E): in {month_text(res.observation_date)} the "
            f"value-weighted BE/ME of the three small Fama-French portfolios was {cell(res.value, 'num')} times "
            f"that of the three big ones, {cell(res.zscore, 'num')} standard deviations from its {YEARS}-year mean "
            f"of {cell(res.mean, 'num')} and at the {cell(res.percentile, 'pctile')} percentile of its history "
            f"since {res.history_start.year}; above the mean, small caps are cheaper than usual relative to big "
            f"ones. A month is assumed public at the end of the next month (this one from "
            f"{date_text(res.released)}), so on {date_text(res.as_of)} the latest value is {res.age_months} months "
            f"old.")


BOOK_CHART_YEARS = 30
"""Years of small-over-big book-to-market in its chart: several cycles, with the latest five readable."""


def _book_to_market_figure(ctx: Context, val: Any, res: Any) -> Figure:
    """Small over big book-to-market with its 5-year mean and sigma bands, months published by the as-of date."""
    known = val.known_at(ctx.prices(BOOK_TO_MARKET), ctx.as_of, ctx.released(BOOK_TO_MARKET))
    frame = val.bands(known, years=YEARS)
    shown = frame[frame.index > ctx.as_of - pd.DateOffset(years=BOOK_CHART_YEARS)]
    x = tuple(ts.date().isoformat() for ts in shown.index)

    def col(key: str) -> tuple[float | None, ...]:
        return tuple(None if pd.isna(v) else round(float(v), 4) for v in shown[key])

    traces = (Trace("+2 sigma", x, col("upper2"), color=PALETTE["grey"], dash="dot"),
              Trace("+1 sigma", x, col("upper1"), color=PALETTE["grey"], dash="dash"),
              Trace(f"{YEARS}-year mean", x, col("mean"), color=PALETTE["c"]),
              Trace("-1 sigma", x, col("lower1"), color=PALETTE["grey"], dash="dash"),
              Trace("-2 sigma", x, col("lower2"), color=PALETTE["grey"], dash="dot"),
              Trace("Small over big BE/ME", x, col("value"), color=PALETTE["a"]))
    return Figure(
        title=f"Small over big book-to-market with its {YEARS}-year mean and sigma bands, last {BOOK_CHART_YEARS} "
              "years",
        traces=traces, y_title="Small BE/ME over big BE/ME", source=ctx.source(BOOK_TO_MARKET),
        notes=(f"Higher means small caps are cheaper relative to big ones. The last month shown is "
               f"{month_text(res.observation_date)} (published by {date_text(res.released)}), "
               f"{res.age_months} months before {date_text(ctx.as_of)}; percentile since "
               f"{res.history_start.year}: {cell(res.percentile, 'pctile')}.",
               f"Bands: trailing {YEARS}-year mean plus or minus one and two standard deviations, each month's "
               f"window the {YEARS} years up to and including it; full history: ratecycle valuation "
               f"{BOOK_TO_MARKET} --bands."))


def _figure(ctx: Context, val: Any, headline: Any) -> Figure:
    """Monthly P/E with its 5-year bands over the last CHART_YEARS years, and the price-updated P/E as a point."""
    known = val.known_at(ctx.prices(PE_SERIES), ctx.as_of, ctx.released(PE_SERIES))
    frame = val.bands(known, years=YEARS)
    start = ctx.as_of - pd.DateOffset(years=CHART_YEARS)
    shown, earlier = frame[frame.index > start], frame[frame.index <= start]
    x = [ts.date().isoformat() for ts in shown.index]

    def col(key: str, extra: float | None = None) -> tuple[float | None, ...]:
        values = [None if pd.isna(v) else round(float(v), 3) for v in shown[key]]
        return tuple(values + ([] if extra is None else [round(extra, 3)]))

    now = isinstance(headline, val.PriceUpdatedPE)
    band_x = (*x, headline.price_date.date().isoformat()) if now else tuple(x)

    def band(key: str) -> tuple[float | None, ...]:
        return col(key, getattr(headline, key) if now else None)

    traces = [Trace("+2 sigma", band_x, band("upper2"), color=PALETTE["grey"], dash="dot"),
              Trace("+1 sigma", band_x, band("upper1"), color=PALETTE["grey"], dash="dash"),
              Trace(f"{YEARS}-year mean", band_x, band("mean"), color=PALETTE["c"]),
              Trace("-1 sigma", band_x, band("lower1"), color=PALETTE["grey"], dash="dash"),
              Trace("-2 sigma", band_x, band("lower2"), color=PALETTE["grey"], dash="dot"),
              Trace("Month-end trailing P/E", tuple(x), col("value"), color=PALETTE["b"])]
    notes = [f"Monthly P/E (Shiller average price of the month / trailing 12-month earnings), plotted at its month; "
             f"a month is included once its earnings were published ({release_text(PE_SERIES)}).",
             f"Bands: trailing {YEARS}-year mean plus or minus one and two standard deviations of the monthly P/E."]
    if now:
        traces.append(Trace(f"P/E now: {basis_text(headline)}", (headline.price_date.date().isoformat(),),
                            (round(headline.value, 3),), kind="marker", color=PALETTE["a"]))
        notes.append(f"Point: the price-updated P/E {cell(headline.value, 'num')} = {basis_text(headline)}. The bands "
                     f"are carried flat from {month_text(headline.lagged_month)} to {date_text(headline.price_date)}: "
                     f"the point is judged against the window known on {date_text(ctx.as_of)}.")
    else:
        notes.append(f"No price-updated point: {headline.note}.")
    if not shown.empty:
        end = headline.price_date if now else shown.index[-1]
        window = (f"Window: {month_text(shown.index[0])} to {date_text(end) if now else month_text(end)}, the last "
                  f"{CHART_YEARS} years; full history: ratecycle valuation {PE_SERIES} --bands")
        if not earlier.empty and earlier["value"].max() > shown[["value", "upper2"]].max().max():
            peak = pd.Timestamp(earlier["value"].idxmax())
            window += (f". Earlier years are left out so that the latest five stay readable: the P/E reached "
                       f"{cell(earlier['value'].max(), 'num')} in {month_text(peak)}, and the {YEARS}-year bands carry "
                       f"that spike until {peak.year + YEARS}")
        notes.append(window + ".")
    return Figure(title=f"S&P 500 trailing P/E with its {YEARS}-year mean and sigma bands, last {CHART_YEARS} years",
                  traces=tuple(traces), y_title="P/E",
                  source=ctx.source(*(n for n in (PE_SERIES, PRICE_SERIES) if n == PE_SERIES or now)),
                  notes=tuple(notes))


def valuation_section(ctx: Context) -> Section:
    """Headline price-updated S&P 500 P/E, figure with 5-year mean and +-1/+-2 sigma bands; table of every multiple."""
    headline, results = _valuations(ctx, val)
    updated = isinstance(headline, val.PriceUpdatedPE)
    # The summary reads one S&P 500 P/E: the headline stands in for the month-end row it supersedes.
    ctx.facts.valuation = [headline if getattr(r, "series", "") == PE_SERIES and headline is not None else r
                              for r in results]
    rows = ([_row(headline, val)] if updated else []) + [_row(res, val) for res in results]
    names = [n for n in ((PRICE_SERIES, EARNINGS_SERIES) if updated else ()) + (PE_SERIES, "shiller:CAPE",
                                                                                "pe_russell2000", BOOK_TO_MARKET)
             if ctx.data.has(n)]
    table = Table(
        title=f"Valuation multiples against their trailing {YEARS}-year window, as known on {date_text(ctx.as_of)}",
        columns=(Column("series", "Series"), Column("reading", "Reading"), Column("status", "Status"),
                 Column("observation", "Month", "month"), Column("released", "Assumed known from", "date"),
                 Column("value", "Value", "num"), Column("mean", f"{YEARS}-year mean", "num"),
                 Column("std", "Sigma", "num"), Column("zscore", "z-score", "num"),
                 Column("percentile", "Percentile in history", "pctile")),
        rows=tuple(rows),
        source=ctx.source(*names),
        notes=("Shiller's earnings trail by about a quarter: month M is used only from the end of month M+3.",
               f"{HEADLINE_LABEL}: the S&P 500 close on or before the as-of date / the latest trailing 12-month "
               "earnings published by then (Month and Assumed known from refer to the earnings), judged against "
               "the same window of monthly P/E values as the month-end row.",
               "pe_sp500 month-end (lagged): Shiller's average price of the latest published month / that month's "
               "trailing 12-month reported earnings, so its price is months old.",
               "pe_russell2000/pe_sp500 (when a small-cap P/E is supplied): the ratio of the two, month by month.",
               f"{BOOK_TO_MARKET}: book-to-market (BE/ME) of the three small Fama-French portfolios over the three "
               "big ones, each side weighted by market value (number of firms x average market cap); month M is "
               "used from the end of month M+1."))
    blocks: list[Any] = []
    if headline is not None:
        blocks.append(_headline_text(headline, val))
        blocks.append(_figure(ctx, val, headline))
    small = next((r for r in results if getattr(r, "series", "") == "pe_russell2000"), None)
    if small is not None and getattr(small, "status", "") == "missing":
        book_ok = any(getattr(r, "series", "") == BOOK_TO_MARKET and getattr(r, "status", "") == "ok"
                      for r in results)
        instead = ("; small caps are valued on book-to-market below instead" if book_ok else
                   ", so the small-cap side of the valuation argument is not shown")
        blocks.append(f"No Russell 2000 P/E history is in this data{instead}. To add it, import a date,value CSV "
                      f"with: {small.import_command}.")
    book = next((r for r in results if getattr(r, "series", "") == BOOK_TO_MARKET), None)
    if book is not None and getattr(book, "status", "") == "ok":
        blocks.append(book_to_market_text(book))
        blocks.append(_book_to_market_figure(ctx, val, book))
    blocks.append(table)
    return Section("valuation", "Valuation", tuple(blocks))
