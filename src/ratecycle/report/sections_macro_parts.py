"""Rebalancing (holdings and momentum), inflation risk and yield curve sections."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import composition as comp
from ..curve import curve_over_cycles, curve_reading
from ..data.derived import treasury_spread
from ..data.store import holdings_file_name
from ..inflation import inflation_monitor, inflation_rates
from ..momentum import relative_momentum
from ..valuation import known_at
from .context import Context
from .cyclesview import cutting_cycles
from .datatext import plain
from .figures import PALETTE, line
from .fmt import Format, cell, date_text, month_text, pct, pp
from .model import Column, Figure, Section, Table, Trace

HOLDINGS_FUND = "IWM"


def _holdings(ctx: Context) -> tuple[Any | None, str]:
    """The newest holdings download of the small-cap fund dated on or before the as-of date, through the as-of gate."""
    found = comp.holdings_on(ctx.data.holdings(HOLDINGS_FUND), ctx.as_of)
    if found is None:
        return None, f"no {HOLDINGS_FUND} holdings download dated on or before {date_text(ctx.as_of)} is available"
    return found, ""


def _download(ctx: Context, holdings: Any) -> str:
    """Where a holdings download was read from, without a local path: its file name and 'snapshot' or 'in store'."""
    name = holdings_file_name(holdings.fund, holdings.as_of.date().isoformat())
    return f"{name}, {'in store' if ctx.full.mode == 'store' else 'snapshot'}"


def _previous_holdings(ctx: Context, latest: Any) -> Any | None:
    """The download before ``latest`` (both on or before the as-of date), to show how sector weights changed."""
    earlier = [h for h in ctx.data.holdings(HOLDINGS_FUND) if h.as_of < latest.as_of]
    return max(earlier, key=lambda h: h.as_of) if earlier else None


def _change_blocks(ctx: Context, previous: Any, latest: Any) -> list[Any]:
    """The change in sector weights from the previous download to the one in force on the as-of date."""
    change = comp.compare(previous, latest)
    source = plain(f"{latest.fund} holdings downloads as of {date_text(previous.as_of)} ({_download(ctx, previous)}) "
                   f"and {date_text(latest.as_of)} ({_download(ctx, latest)})")
    rows = tuple({"sector": plain(r["sector"]), "before": r["weight_left"], "after": r["weight_right"],
                  "change": r["difference"]} for r in change.sectors.to_dict(orient="records"))
    table = Table(
        title=f"{HOLDINGS_FUND} sector weights, {date_text(previous.as_of)} to {date_text(latest.as_of)}",
        columns=(Column("sector", "Sector"), Column("before", date_text(previous.as_of), "share"),
                 Column("after", date_text(latest.as_of), "share"), Column("change", "Change", "pp")),
        rows=rows, source=source, notes=("Weights from market values of equity lines; a sector absent from one "
                                         "file counts as 0. Change: later minus earlier, percentage points.",))
    moves = sorted(rows, key=lambda r: abs(float(r["change"])), reverse=True)[:2]
    rot = change.right.rotation_sectors_weight - change.left.rotation_sectors_weight
    text = (f"Since the {date_text(previous.as_of)} download: "
            + "; ".join(f"{plain(r['sector'])} {pp(float(r['change']))}" for r in moves)
            + f"; Financials and Health Care together {pp(rot)}.")
    return [text, table]


def _measures(*items: tuple[str, Any, Format]) -> tuple[tuple[str, Any, Format], ...]:
    """Rows of a measure table: label, value and how the value is formatted."""
    return items


SINGLE_NAME_LINE = 0.01
"""A single name above this share of a small-cap fund is unusually large (the note's 'generally under 1%')."""


def _sector_text(sectors: pd.DataFrame) -> str:
    """'the largest sectors are Industrials (19.5%), Financials (17.1%) and Health Care (15.5%)'."""
    top = [f"{plain(sector)} ({cell(float(weight), 'share')})"
           for sector, weight in zip(sectors["sector"].head(3), sectors["weight"].head(3), strict=True)]
    if len(top) < 2:
        return f"the only sector is {top[0]}" if top else "no sector data"
    return f"the largest sectors are {', '.join(top[:-1])} and {top[-1]}"


def _lead_text(horizons: list[dict[str, Any]], other: str) -> str:
    """'leads the S&P 500 on all 3 look-backs' / 'lags ... on 2 of 3' / 'is level with ...', from the signs."""
    ahead = sum(1 for h in horizons if h["relative"] > 0)
    behind = sum(1 for h in horizons if h["relative"] < 0)
    n = len(horizons)
    if ahead == behind:
        return f"is level with the {other} (ahead on {ahead}, behind on {behind} of {n} look-backs)"
    verb, count = ("leads", ahead) if ahead > behind else ("lags", behind)
    return f"{verb} the {other} on {'all ' + str(n) if count == n else f'{count} of {n}'} look-backs"


def rebalancing_section(ctx: Context) -> Section:
    """Sector weights and concentration of the small-cap fund (when a holdings file fits the date) and momentum."""
    a_name, b_name = ctx.names
    momentum = relative_momentum(ctx.prices(ctx.a), ctx.prices(ctx.b), ctx.as_of, a_name=a_name, b_name=b_name)
    ctx.facts.momentum = momentum
    md = momentum.to_dict()
    table_m = Table(
        title=f"Relative momentum, {a_name} against {b_name}",
        columns=(Column("months", "Look-back (months)", "int"), Column("start", "From close", "date"),
                 Column("end", "To close", "date"), Column("return_a", a_name, "pct"),
                 Column("return_b", b_name, "pct"), Column("relative", "Relative return", "pct")),
        rows=tuple({k: h[k] for k in ("months", "start", "end", "return_a", "return_b", "relative")}
                   for h in md["horizons"]),
        source=ctx.source(ctx.a, ctx.b),
        notes=("Relative return = (1 + return of the first) / (1 + return of the second) - 1, common closes only.",))
    blocks: list[Any] = [
        f"Momentum: the {a_name} {_lead_text(md['horizons'], b_name)} "
        + "(" + ", ".join(f"{h['months']} m {pct(h['relative'])}" for h in md["horizons"]) + ").", table_m]
    holdings, why = _holdings(ctx)
    if holdings is None:
        blocks.insert(0, f"Sector weights and concentration are not shown: {why}.")
        return Section("rebalancing", "Rebalancing: sectors, concentration, momentum", tuple(blocks))
    conc = comp.concentration(holdings)
    sectors = comp.sector_weights(holdings)
    top = comp.top_holdings(holdings, 10)
    source = plain(f"{holdings.fund} holdings download as of {date_text(holdings.as_of)} ({_download(ctx, holdings)})")
    figure = Figure(
        title=f"{HOLDINGS_FUND} sector weights (share of equity market value)",
        traces=(Trace("Weight", tuple(plain(s) for s in sectors["sector"]),
                      tuple(round(float(v), 5) for v in sectors["weight"]), "bar", PALETTE["a"]),),
        y_title="Share of equity value", y_percent=True, source=source,
        notes=("Weights from market values of equity lines; cash and futures excluded.",))
    table_c = Table(
        title=f"{HOLDINGS_FUND} concentration",
        columns=(Column("measure", "Measure"), Column("display", "Value")),
        rows=tuple({"measure": m, "value": v, "display": cell(v, k)}
                   for m, v, k in _measures(("Equity holdings", conc.equity_holdings, "int"),
                                   ("Top-10 weight", conc.top10_weight, "share"),
                                   ("Herfindahl index", conc.herfindahl, "ratio"),
                                   ("Effective number of holdings (1/Herfindahl)", conc.effective_holdings, "int"),
                                   ("Financials + Health Care weight", conc.rotation_sectors_weight, "share"),
                                   (f"Largest sector ({plain(conc.largest_sector)})", conc.largest_sector_weight,
                                    "share"))),
        source=source, notes=("Herfindahl index: sum of squared weights; its inverse is the number of equal-weight "
                              "holdings that would be as concentrated.",))
    table_t = Table(
        title=f"{HOLDINGS_FUND} ten largest holdings",
        columns=(Column("rank", "Rank", "int"), Column("ticker", "Ticker"), Column("name", "Name"),
                 Column("sector", "Sector"), Column("weight", "Weight", "share")),
        rows=tuple({"rank": int(r["rank"]), "ticker": plain(r["ticker"]), "name": plain(r["name"]),
                    "sector": plain(r["sector"]),
                    "weight": float(r["weight_mv"])} for _, r in top.iterrows()),
        source=source, notes=("Weight: share of the fund's equity market value on the holdings date.",))
    above = int((comp.equity_weights(holdings)["weight_mv"] > SINGLE_NAME_LINE).sum())
    largest = top.iloc[0]
    age = comp.age_days(holdings, ctx.as_of)
    largest_name = f"{plain(largest['name'])} ({plain(largest['ticker'])})"
    text = (f"Holdings ({date_text(holdings.as_of)}): {_sector_text(sectors)}; Financials and Health Care "
            f"together make up {cell(conc.rotation_sectors_weight, 'share')} of the fund's equity value. The ten "
            f"largest names make up {cell(conc.top10_weight, 'share')} (effective number of holdings "
            f"{cell(conc.effective_holdings, 'int')}); the largest is {largest_name} at "
            f"{cell(float(largest['weight_mv']), 'share')}, and "
            f"{'1 name weighs' if above == 1 else f'{above} names weigh'} more than {SINGLE_NAME_LINE:.0%}. "
            f"This is the newest {HOLDINGS_FUND} download on or before {date_text(ctx.as_of)}: {age} days old then.")
    previous = _previous_holdings(ctx, holdings)
    changes = _change_blocks(ctx, previous, holdings) if previous is not None else []
    return Section("rebalancing", "Rebalancing: sectors, concentration, momentum",
                   (text, figure, *changes, table_c, table_t, *blocks))


def _monthly_changes_since(index: pd.Series, low_month: pd.Timestamp) -> pd.Series:
    """Month-on-month change (percent, not annualised) of each month from the year-on-year low on."""
    change = (index / index.shift(1) - 1.0) * 100.0
    return change[change.index >= low_month].dropna()


def inflation_section(ctx: Context) -> Section:
    """Core PCE as known on the as-of date: YoY and short-run annualised rates, the recent low, the flag."""
    reading = inflation_monitor(ctx.prices("core_pce"), ctx.as_of, released=ctx.released("core_pce"))
    d = reading.to_dict()
    known = known_at(ctx.prices("core_pce"), ctx.as_of, ctx.released("core_pce"))
    rates = inflation_rates(known)
    rates = rates[rates.index >= rates.index[-1] - pd.DateOffset(years=8)]
    figure = Figure(
        title="Core PCE inflation: year on year and 3- and 6-month annualised (percent)",
        traces=(line("Year on year", rates["yoy"], PALETTE["b"], digits=3),
                line("3-month annualised", rates["ann3"], PALETTE["a"], dash="dot", digits=3),
                line("6-month annualised", rates["ann6"], PALETTE["c"], dash="dash", digits=3)),
        hlines=(reading.target,), y_title="Percent", source=ctx.source("core_pce"),
        notes=(f"Monthly, as published by {date_text(ctx.as_of)}: {reading.note}.",
               f"Dotted line: the {reading.target:g}% target."))
    rows = (("Latest month published", month_text(d["month"] + "-01"),
             f"assumed published {date_text(d['released'])}"),
            ("Year on year", f"{d['yoy']:.2f}%", f"{d['gap_to_target']:+.2f} pp from the target"),
            ("Month on month, annualised", f"{d['mom_ann']:.2f}%", ""),
            ("3-month annualised", f"{d['ann3']:.2f}%", ""), ("6-month annualised", f"{d['ann6']:.2f}%", ""),
            ("Recent low of year on year", f"{d['low_yoy']:.2f}%", month_text(d["low_month"] + "-01")),
            ("Months since the low / months it rose", f"{d['months_since_low']} / {d['months_rising_since_low']}", ""),
            ("Flag", d["flag"], d["reason"]))
    table = Table(title="Inflation risk reading", columns=(Column("measure", "Measure"), Column("value", "Value"),
                                                            Column("detail", "Detail")),
                  rows=tuple({"measure": m, "value": v, "detail": x} for m, v, x in rows),
                  source=ctx.source("core_pce"),
                  notes=("Annualised rates compound the change over the period to a 12-month rate.",
                         "Flag: pressure = above target plus margin and trending up; watch = one of the two; "
                         "calm = neither."))
    text = (f"Core PCE for {month_text(d['month'] + '-01')} (the latest month published by {date_text(ctx.as_of)}) "
            f"ran at {d['yoy']:.2f}% year on year, {d['ann3']:.2f}% annualised over three months; the year-on-year "
            f"rate rose in {d['months_rising_since_low']} of {d['months_since_low']} months since its low of "
            f"{d['low_yoy']:.2f}% in {month_text(d['low_month'] + '-01')}. Flag: {d['flag']}.")
    monthly = _monthly_changes_since(known, reading.low_month)
    if len(monthly) >= 2:
        steps = ", ".join(f"{v:+.2f}% in {month_text(m)}" for m, v in monthly.items())
        ups = int((monthly.diff().iloc[1:] > 0).sum())
        text += (f" Month on month (not annualised) the index changed {steps}: more than in the month before "
                 f"in {ups} of {len(monthly) - 1} months.")
    ctx.facts.inflation = reading
    return Section("inflation", "Inflation risk", (text, figure, table))


def curve_section(ctx: Context) -> Section:
    """The 10-year minus 2-year spread now, its change since the current cycle began, and over past cycles."""
    spread = treasury_spread(ctx.data)
    cycles = cutting_cycles(ctx)
    current = cycles[-1] if cycles and (cycles[-1].ongoing or cycles[-1].end >= ctx.as_of) else None
    reading = curve_reading(spread, ctx.as_of, cycle_start=current.start if current else None)
    d = reading.to_dict()
    past = curve_over_cycles(spread, cycles, ctx.as_of)
    rows = tuple({"cycle": r["cycle"], "start": r["start"].date().isoformat(), "end": r["end"].date().isoformat(),
                  "level_start": r["level_start"], "level_end": r["level_end"], "change": r["change"],
                  "trend": {1: "steeper", -1: "flatter", 0: "little changed"}[int(r["trend"])]}
                 for _, r in past.iterrows())
    table = Table(
        title="10-year minus 2-year Treasury spread over each cutting cycle (percentage points)",
        columns=(Column("cycle", "Cycle"), Column("start", "From", "date"), Column("end", "To", "date"),
                 Column("level_start", "Spread at start", "num"), Column("level_end", "Spread at end", "num"),
                 Column("change", "Change", "num"), Column("trend", "Trend")),
        rows=rows, source=ctx.source("ust10y2y"),
        notes=(f"Steeper / flatter: a change beyond {reading.threshold:g} percentage points.",))
    recent = spread[spread.index >= ctx.as_of - pd.DateOffset(years=10)]
    figure = Figure(title="10-year minus 2-year Treasury spread (percentage points)",
                    traces=(line("10y - 2y", recent, PALETTE["b"], digits=3),), hlines=(0.0,),
                    y_title="Percentage points", source=ctx.source("ust10y2y"),
                    notes=("Weekly (last value of each week); below zero = inverted curve.",))
    move = {1: "steepened", -1: "flattened", 0: "barely moved"}[d["direction"]]
    text = (f"On {date_text(d['date'])} the 10y-2y spread stood at {d['level']:.2f} percentage points"
            f"{' (inverted)' if d['inverted'] else ''}; since {date_text(d['since'])} ({d['since_basis']}) it "
            f"{move} by {d['change']:+.2f} percentage points.")
    ctx.facts.curve = reading
    return Section("curve", "Yield curve", (text, figure, table))
