"""The catalog: every named series ratecycle knows, where it comes from and what it means.

A series is assembled from one or more *segments* (provider, symbol, field, date range), which lets
``fed_target_upper`` splice the discontinued point target DFEDTAR (to 2008-12-15) with the upper bound
of the target range DFEDTARU (from 2008-12-16). ``fallbacks`` are alternative segment lists tried in order
when the primary provider fails. Grouped sources (Fama-French factors, Shiller data) expose each field as
``group:field`` and the group name loads all fields as a DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..errors import UnknownSeriesError
from .release import (
    ANNUAL_NEXT_YEAR,
    MONTH_OVER,
    NEXT_BUSINESS_DAY,
    SAME_DAY,
    TARGET_ANNOUNCEMENT,
    ReleaseRule,
    month_end_lag,
    stored_release,
)


@dataclass(frozen=True)
class Segment:
    """One piece of a series: ``field`` of ``symbol`` at ``provider``, optionally clipped to [start, end]."""

    provider: str
    symbol: str
    field: str = "value"
    start: str | None = None
    end: str | None = None

    def clip(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Keep only the rows of an observation frame inside this segment's date range."""
        mask = pd.Series(True, index=frame.index)
        if self.start:
            mask &= frame["date"] >= pd.Timestamp(self.start)
        if self.end:
            mask &= frame["date"] <= pd.Timestamp(self.end)
        return frame.loc[mask]


@dataclass(frozen=True)
class SeriesSpec:
    """A named series: metadata plus how to obtain it."""

    name: str
    description: str
    units: str
    frequency: str
    segments: tuple[Segment, ...] = ()
    fallbacks: tuple[tuple[Segment, ...], ...] = ()
    derived: tuple[str, ...] = ()
    """For computed series: (operation, input names...), e.g. ("ratio", "shiller:P", "shiller:E")."""
    note: str = ""
    group: str | None = None
    kind: str = ""
    """Plausibility kind (``ratecycle.data.validate.RULES``: index, target_rate, ...); '' infers it from the units."""
    release: ReleaseRule | None = None
    """When an observation becomes public (``ratecycle.data.release``); every catalog series has one (``RELEASES``)."""

    @property
    def provider(self) -> str:
        """The primary provider name (or 'derived' / 'user')."""
        if self.derived:
            return "derived"
        return self.segments[0].provider if self.segments else "user"

    @property
    def symbol(self) -> str:
        """Primary provider symbols, spliced ones joined with '+'."""
        if self.derived:
            return f"{self.derived[0]}({', '.join(_collapse(self.derived[1:]))})"
        return "+".join(f"{s.symbol}" + (f"[{s.field}]" if s.field != "value" else "") for s in self.segments)


def _collapse(names: tuple[str, ...]) -> list[str]:
    """Input names for display, a run of three or more fields of one group shortened to ``group:*``."""
    groups: dict[str, int] = {}
    for name in names:
        group = name.split(":", 1)[0] if ":" in name else name
        groups[group] = groups.get(group, 0) + 1
    out: list[str] = []
    for name in names:
        group = name.split(":", 1)[0] if ":" in name else name
        if ":" in name and groups[group] >= 3:
            if f"{group}:*" not in out:
                out.append(f"{group}:*")
        else:
            out.append(name)
    return out


def _fred(symbol: str, start: str | None = None, end: str | None = None) -> Segment:
    return Segment("fred", symbol, "value", start, end)


def _yahoo(symbol: str, field: str = "close") -> Segment:
    return Segment("yahoo", symbol, field)


def _stooq(symbol: str) -> Segment:
    return Segment("stooq", symbol, "close")


SPLICE_DATE = "2008-12-16"
"""First day of the target range (DFEDTARU/DFEDTARL); DFEDTAR ends the day before."""

FF_FIELDS = ("Mkt-RF", "SMB", "HML", "RF")
SHILLER_FIELDS = ("P", "D", "E", "CPI", "CAPE", "GS10")
SHILLER_EARNINGS_FIELDS = ("E", "CAPE")
"""Shiller fields built on reported earnings (CAPE averages ten years of them): public with the earnings lag."""

PCE_RELEASE = stored_release(1)
"""Core PCE and PCE: each month on its first ALFRED vintage date when the store holds one (``data fetch`` with
FRED_API_KEY stores them), else month M at the end of month M+1."""
SHILLER_EARNINGS_LAG_MONTHS = 3
SHILLER_EARNINGS_RELEASE = month_end_lag(SHILLER_EARNINGS_LAG_MONTHS)
"""Shiller's trailing earnings for month M are reported about a quarter late: the end of month M+3."""
FAMA_FRENCH_MONTHLY_RELEASE = month_end_lag(1)
"""The Ken French library adds month M about a month after it ends: the end of month M+1."""
FAMA_FRENCH_ANNUAL_RELEASE = ANNUAL_NEXT_YEAR
"""Annual Fama-French rows: with the December update, at the end of January of the following year."""

RELEASES: dict[str, ReleaseRule] = {
    "fed_target_upper": TARGET_ANNOUNCEMENT, "fed_target_lower": TARGET_ANNOUNCEMENT,
    "fed_effective": NEXT_BUSINESS_DAY, "fed_funds_monthly": MONTH_OVER, "recession": MONTH_OVER,
    "core_pce": PCE_RELEASE, "pce": PCE_RELEASE,
    "ust10y": SAME_DAY, "ust2y": SAME_DAY, "ust10y2y": SAME_DAY, "fomc_meetings": SAME_DAY,
    "russell2000": SAME_DAY, "sp500": SAME_DAY, "sp500_tr": SAME_DAY, "pe_russell2000": SAME_DAY,
    "pe_sp500": SHILLER_EARNINGS_RELEASE, "bm_small_big": FAMA_FRENCH_MONTHLY_RELEASE,
    **{f"shiller:{f}": SHILLER_EARNINGS_RELEASE if f in SHILLER_EARNINGS_FIELDS else MONTH_OVER
       for f in SHILLER_FIELDS},
}
"""The release rule of each named series (docs/data.md lists them); groups and ETFs by ``release_rule``."""
RELEASE_BY_GROUP: dict[str, ReleaseRule] = {
    "ff_factors": FAMA_FRENCH_MONTHLY_RELEASE, "ff_size": FAMA_FRENCH_MONTHLY_RELEASE,
    "ff6": FAMA_FRENCH_MONTHLY_RELEASE, "ff6_bm": FAMA_FRENCH_MONTHLY_RELEASE,
    "ff6_firms": FAMA_FRENCH_MONTHLY_RELEASE, "ff6_mcap": FAMA_FRENCH_MONTHLY_RELEASE,
}
"""Every field of a Ken French monthly file: the end of the following month."""


def release_rule(name: str) -> ReleaseRule | None:
    """The release rule of a catalog series: its own entry, its group's, daily closes for an ETF, else None."""
    if name in RELEASES:
        return RELEASES[name]
    group = name.split(":", 1)[0] if ":" in name else None
    if group is not None and group in RELEASE_BY_GROUP:
        return RELEASE_BY_GROUP[group]
    return SAME_DAY if name in _ETFS else None
SHILLER_KINDS = {"P": "monthly_index", "D": "amount", "E": "any", "CPI": "price_level", "CAPE": "monthly_index",
                 "GS10": "yield"}
"""Plausibility kinds of Shiller's fields (earnings may in principle be negative, so E has no sign rule)."""

_ETFS = {
    "iwm": "iShares Russell 2000 ETF (IWM), dividend-adjusted close",
    "spy": "SPDR S&P 500 ETF (SPY), dividend-adjusted close",
    "iwn": "iShares Russell 2000 Value ETF (IWN), dividend-adjusted close",
    "iwo": "iShares Russell 2000 Growth ETF (IWO), dividend-adjusted close",
    "vtwo": "Vanguard Russell 2000 ETF (VTWO), dividend-adjusted close",
    "vtwg": "Vanguard Russell 2000 Growth ETF (VTWG), dividend-adjusted close",
    "vtwv": "Vanguard Russell 2000 Value ETF (VTWV), dividend-adjusted close",
    "ijr": "iShares Core S&P SmallCap 600 ETF (IJR), dividend-adjusted close",
    "rsp": "Invesco S&P 500 Equal Weight ETF (RSP), dividend-adjusted close",
    "iwb": "iShares Russell 1000 ETF (IWB), dividend-adjusted close",
}
ETF_NOTE = "Returns come from the dividend-adjusted close; a missing raw (unadjusted) close is not an error."

FF_SIZE_FILE = "Portfolios_Formed_on_ME"
FF_SIZE_FIELDS = ("lo30", "med40", "hi30", *(f"qnt{i}" for i in range(1, 6)), *(f"dec{i}" for i in range(1, 11)))
"""Size portfolios (NYSE breakpoints): bottom 30%, middle 40%, top 30%, quintiles 1-5, deciles 1-10."""
FF6_FILE = "6_Portfolios_2x3"
FF6_FIELDS = ("small_lobm", "small_medbm", "small_hibm", "big_lobm", "big_medbm", "big_hibm")
"""The six size (small, big) by book-to-market (low, medium, high) portfolios."""
KENFRENCH_VINTAGE_NOTE = ("Ken French library file read as published; the CRSP vintage named in its header is "
                          "part of the provenance. Month M is published after month M ends, with a lag.")


def _build() -> dict[str, SeriesSpec]:
    specs: list[SeriesSpec] = [
        SeriesSpec(
            "fed_target_upper",
            "Fed funds target: DFEDTAR point target to 2008-12-15, then the upper bound DFEDTARU",
            "percent",
            "daily (effective date)",
            (_fred("DFEDTAR", end="2008-12-15"), _fred("DFEDTARU", start=SPLICE_DATE)),
            note="Dated by the day a target takes effect, usually the day after the FOMC announcement.",
            kind="target_rate",
        ),
        SeriesSpec(
            "fed_target_lower",
            "Fed funds target: DFEDTAR point target to 2008-12-15, then the lower bound DFEDTARL",
            "percent",
            "daily (effective date)",
            (_fred("DFEDTAR", end="2008-12-15"), _fred("DFEDTARL", start=SPLICE_DATE)),
            note="Dated by the day a target takes effect, usually the day after the FOMC announcement.",
            kind="target_rate",
        ),
        SeriesSpec("fed_effective", "Effective federal funds rate (DFF)", "percent", "daily",
                   (_fred("DFF"),), kind="effective_rate"),
        SeriesSpec("fed_funds_monthly", "Effective federal funds rate, monthly average (FEDFUNDS)",
                   "percent", "monthly", (_fred("FEDFUNDS"),), kind="effective_rate"),
        SeriesSpec("core_pce", "Core PCE price index, excluding food and energy (PCEPILFE)",
                   "index 2017=100", "monthly", (_fred("PCEPILFE"),), kind="price_level",
                   note="Month M is published near the end of month M+1 and revised later."),
        SeriesSpec("pce", "Headline PCE price index (PCEPI)", "index 2017=100", "monthly",
                   (_fred("PCEPI"),), kind="price_level",
                   note="Month M is published near the end of month M+1 and revised later."),
        SeriesSpec("ust10y", "10-year Treasury constant-maturity yield (DGS10)", "percent",
                   "daily (business days)", (_fred("DGS10"),), kind="yield"),
        SeriesSpec("ust2y", "2-year Treasury constant-maturity yield (DGS2)", "percent",
                   "daily (business days)", (_fred("DGS2"),), kind="yield"),
        SeriesSpec("ust10y2y", "10-year minus 2-year Treasury spread (T10Y2Y)", "percentage points",
                   "daily (business days)", (_fred("T10Y2Y"),), kind="yield"),
        SeriesSpec("recession", "NBER recession indicator, 1 = recession month (USREC)", "0/1",
                   "monthly", (_fred("USREC"),), kind="indicator"),
        SeriesSpec("fomc_meetings", "FOMC meeting and decision (announcement) dates, value 1 on each",
                   "event", "events", (Segment("fomc", "meetings"),), kind="event",
                   note="Read from the Federal Reserve's FOMC calendar pages (the last day of each meeting), or from "
                        "a snapshot or a user CSV."),
        SeriesSpec("russell2000", "Russell 2000 price index (^RUT), close", "index points", "daily",
                   (_yahoo("^RUT"),), fallbacks=((_stooq("^rut"),),), kind="index"),
        SeriesSpec("sp500", "S&P 500 price index (^GSPC), close", "index points", "daily",
                   (_yahoo("^GSPC"),), fallbacks=((_stooq("^spx"),),), kind="index"),
        SeriesSpec("sp500_tr", "S&P 500 total return index (^SP500TR), close", "index points", "daily",
                   (_yahoo("^SP500TR"),), kind="index"),
        *[
            SeriesSpec(name, desc, "USD (dividend-adjusted)", "daily",
                       (_yahoo(name.upper(), "adj_close"),), fallbacks=((_stooq(f"{name}.us"),),), note=ETF_NOTE,
                       kind="index")
            for name, desc in _ETFS.items()
        ],
        SeriesSpec("pe_sp500", "S&P 500 trailing P/E: Shiller monthly price / trailing 12-month earnings",
                   "ratio", "monthly", derived=("ratio", "shiller:P", "shiller:E"),
                   note="Shiller earnings are reported with a lag of about one quarter."),
        SeriesSpec("pe_russell2000", "Russell 2000 P/E, supplied by the user (no free history exists)",
                   "ratio", "user-supplied", kind="any",
                   note="Import with: ratecycle data import-series pe_russell2000 FILE.csv"),
    ]
    for fld in FF_FIELDS:
        specs.append(SeriesSpec(f"ff_factors:{fld}", f"Fama-French factor {fld} (Ken French library)",
                                "percent per month", "monthly",
                                (Segment("kenfrench", "F-F_Research_Data_Factors", fld),), group="ff_factors",
                                kind="return_percent"))
    specs.extend(_kenfrench_portfolio_specs())
    for fld in SHILLER_FIELDS:
        specs.append(SeriesSpec(f"shiller:{fld}", f"Shiller monthly S&P 500 data: {fld}",
                                "see Shiller's ie_data", "monthly",
                                (Segment("shiller", "ie_data", fld),), group="shiller", kind=SHILLER_KINDS[fld]))
    return {spec.name: replace(spec, release=release_rule(spec.name)) for spec in specs}


def _kenfrench(symbol: str, block: str, column: str) -> Segment:
    return Segment("kenfrench", symbol, f"{block}:{column}")


_SIZE_LABELS = {"lo30": "bottom 30%", "med40": "middle 40%", "hi30": "top 30%",
                **{f"qnt{i}": f"quintile {i}" for i in range(1, 6)}, **{f"dec{i}": f"decile {i}" for i in range(1, 11)}}
_FF6_LABELS = {"small_lobm": "small, low BE/ME", "small_medbm": "small, medium BE/ME",
               "small_hibm": "small, high BE/ME", "big_lobm": "big, low BE/ME", "big_medbm": "big, medium BE/ME",
               "big_hibm": "big, high BE/ME"}
FF6_BLOCKS = {
    "ff6": ("vw", "value-weighted return", "percent per month"),
    "ff6_bm": ("bm", "value-weighted average BE/ME (book equity of fiscal year t-1 over December market equity)",
               "ratio"),
    "ff6_firms": ("firms", "number of firms", "firms"),
    "ff6_mcap": ("mcap", "average market cap", "USD millions"),
}
"""Groups read from the 6-portfolio file: group -> (block, what, units)."""


def _kenfrench_portfolio_specs() -> list[SeriesSpec]:
    """Size portfolios (``ff_size:*``), the six size/BE-ME portfolios (``ff6*:*``) and ``bm_small_big``."""
    specs = [
        SeriesSpec(f"ff_size:{fld}", f"Ken French size portfolio, {_SIZE_LABELS[fld]} by market equity: "
                   "value-weighted return", "percent per month", "monthly",
                   (_kenfrench(FF_SIZE_FILE, "vw", fld),), note=KENFRENCH_VINTAGE_NOTE, group="ff_size")
        for fld in FF_SIZE_FIELDS
    ]
    for group, (block, what, units) in FF6_BLOCKS.items():
        specs.extend(
            SeriesSpec(f"{group}:{fld}", f"Ken French 6 portfolios on size and BE/ME, {_FF6_LABELS[fld]}: {what}",
                       units, "monthly", (_kenfrench(FF6_FILE, block, fld),), note=KENFRENCH_VINTAGE_NOTE,
                       group=group)
            for fld in FF6_FIELDS
        )
    inputs = tuple(f"{group}:{fld}" for group in ("ff6_bm", "ff6_firms", "ff6_mcap") for fld in FF6_FIELDS)
    specs.append(SeriesSpec(
        "bm_small_big", "Small over big book-to-market: market-value-weighted BE/ME of the three small portfolios "
        "over that of the three big ones (weights = number of firms x average market cap)", "ratio", "monthly",
        derived=("bm_small_big", *inputs),
        note="Book-to-market, not P/E: above 1 means small caps are cheaper per unit of book equity. "
             "From the Ken French 6-portfolio file, published with a lag: state the latest value's age with it."))
    return specs


CATALOG: dict[str, SeriesSpec] = _build()
GROUPS: dict[str, tuple[str, ...]] = {
    "ff_factors": tuple(f"ff_factors:{f}" for f in FF_FIELDS),
    "shiller": tuple(f"shiller:{f}" for f in SHILLER_FIELDS),
    "ff_size": tuple(f"ff_size:{f}" for f in FF_SIZE_FIELDS),
    **{group: tuple(f"{group}:{f}" for f in FF6_FIELDS) for group in FF6_BLOCKS},
}


def get_spec(name: str) -> SeriesSpec:
    """Look a series up by name; unknown names give a one-line error listing close matches."""
    try:
        return CATALOG[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(CATALOG) + list(GROUPS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see: ratecycle data list)"
        raise UnknownSeriesError(f"unknown series {name!r}{hint}") from None


DISPLAY_NAMES: dict[str, str] = {
    "russell2000": "Russell 2000", "sp500": "S&P 500", "sp500_tr": "S&P 500 TR", "iwm": "IWM", "spy": "SPY",
    "iwn": "IWN", "iwo": "IWO", "vtwo": "VTWO", "vtwg": "VTWG", "vtwv": "VTWV", "ijr": "IJR", "rsp": "RSP",
    "iwb": "IWB", "bm_small_big": "small over big book-to-market",
    "fed_target_upper": "Fed target (upper bound)", "fed_target_lower": "Fed target (lower bound)",
    "fomc_meetings": "FOMC meeting dates", "core_pce": "core PCE price index", "pce": "PCE price index",
    "ust10y2y": "10-year minus 2-year Treasury yield", "ust10y": "10-year Treasury yield",
    "ust2y": "2-year Treasury yield", "fed_funds_monthly": "fed funds rate (monthly)",
    "ff_factors:SMB": "Fama-French SMB", "shiller:E": "S&P 500 earnings (Shiller)",
    "shiller:CAPE": "CAPE (Shiller)", "shiller:P": "S&P 500 price (Shiller)", "pe_sp500": "S&P 500 P/E",
    "pe_russell2000": "Russell 2000 P/E",
}
"""Reader-facing names of catalog series, for reports and tables (every other name shows as itself)."""


def display_name(name: str) -> str:
    """Reader-facing name of a catalog series ('russell2000' -> 'Russell 2000')."""
    return DISPLAY_NAMES.get(name, name)


def series_names() -> list[str]:
    """All single-series names in catalog order."""
    return list(CATALOG)
