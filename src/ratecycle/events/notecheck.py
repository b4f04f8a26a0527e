"""Check the figures the September 2025 research note states against the data, window by window.

For each stated figure we compute the value under every window convention, say which convention (if any)
reproduces it, and search a small set of plausible windows around the stated dates (month boundaries,
first trading day, the announcement day, the day before) to find which window each index's figure used.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Convention
from ..cycles.model import Cycle
from ..errors import RatecycleError
from .pair import Prices, as_prices
from .windows import CONVENTIONS, add_months, as_days, horizon_dates, month_end, prior_month_end, reference_dates

TOLERANCE = 0.001
"""0.1 percentage point: a stated figure is reproduced when our value is this close (or within its rounding)."""


@dataclass(frozen=True)
class Target:
    """What the note states for one series: a value, a sign, or a range implied by words like 'nearly double'."""

    kind: str
    """'value', 'sign' or 'range'."""
    value: float | None = None
    decimals: int = 1
    """Decimals of the stated percentage (31.9% has 1, 29% has 0)."""
    sign: int = 0
    low: float | None = None
    high: float | None = None
    words: str = ""

    @property
    def tolerance(self) -> float:
        """0.1 pp, or half a unit of the last stated digit when that is coarser."""
        return max(TOLERANCE, 0.5 * 10.0 ** (-self.decimals) / 100.0)

    def matches(self, value: float) -> bool:
        """True when our value agrees with the statement."""
        if value is None or not np.isfinite(value):
            return False
        if self.kind == "value":
            assert self.value is not None
            return abs(value - self.value) <= self.tolerance + 1e-12
        if self.kind == "sign":
            return bool(np.sign(value) == self.sign)
        assert self.low is not None and self.high is not None
        return self.low <= value <= self.high

    def describe(self) -> str:
        """The statement in short form, e.g. '+31.9%' or '> 0'."""
        if self.kind == "value":
            assert self.value is not None
            return f"{self.value * 100:+.{self.decimals}f}%"
        if self.kind == "sign":
            return "> 0" if self.sign > 0 else "< 0"
        assert self.low is not None and self.high is not None
        return f"{self.low * 100:+.1f}% to {self.high * 100:+.1f}%"


@dataclass(frozen=True)
class Claim:
    """One statement of the note: a window (anchored on a later-phase start month, or fixed dates) and targets."""

    key: str
    summary: str
    target_a: Target
    target_b: Target
    anchor_month: str | None = None
    """'YYYY-MM': the month the note says the later phase began; the window runs ``months`` after it."""
    months: int = 12
    start: str | None = None
    end: str | None = None
    """Fixed dates for a window the note states by day (the rotation window)."""


def _about_double(stated_a: float) -> Target:
    low, high = stated_a / 2.2, stated_a / 1.6
    return Target("range", low=low, high=high, words="'nearly double': A/B between 1.6 and 2.2")


NOTE_2025_CLAIMS: tuple[Claim, ...] = (
    Claim("later_2003", "12 months from the June 2003 later-phase start: R2000 +31.9%, close to twice the S&P",
          Target("value", 0.319), _about_double(0.319), anchor_month="2003-06"),
    Claim("later_2020", "12 months from the March 2020 later-phase start: R2000 +92.6%, S&P +29%",
          Target("value", 0.926), Target("value", 0.29, decimals=0), anchor_month="2020-03"),
    Claim("later_2008", "12 months from the October 2008 later-phase start: R2000 up, S&P down",
          Target("sign", sign=1), Target("sign", sign=-1), anchor_month="2008-10"),
    Claim("later_2001", "August 2001 to July 2002: R2000 -16.6%, S&P -24.7%",
          Target("value", -0.166), Target("value", -0.247), anchor_month="2001-08"),
    Claim("rotation_2025", "1 August to 17 September 2025: R2000 +11.1%, S&P +5.8%",
          Target("value", 0.111), Target("value", 0.058), start="2025-08-01", end="2025-09-17"),
)


NOTE_2025_EARLY_CLAIMS: tuple[Claim, ...] = (
    Claim("early_2001", "Early phase of the cycle from January 2001 (pause in July 2001): both indices fell",
          Target("sign", sign=-1), Target("sign", sign=-1), start="2001-01-03", end="2001-06-30"),
    Claim("early_2007", "Early phase of the cycle from September 2007 (pause from May 2008): both indices fell",
          Target("sign", sign=-1), Target("sign", sign=-1), start="2007-09-18", end="2008-04-30"),
    Claim("early_2002", "Early phase of the cycle from November 2002 (pause from December 2002): both rose",
          Target("sign", sign=1), Target("sign", sign=1), start="2002-11-06", end="2002-11-30"),
    Claim("early_2019", "Early phase of the cycle from July 2019 (pause from November 2019): both rose",
          Target("sign", sign=1), Target("sign", sign=1), start="2019-07-31", end="2019-10-31"),
)
"""The note's early-phase statements (its section 2.3). The note names months, not days: each window runs from
the first cut (announcement day) to the end of the month before the month it says the pause began."""


@dataclass(frozen=True)
class SideCheck:
    """One series of one claim: our value under each convention and the plausible windows that match."""

    series: str
    stated: str
    by_convention: dict[Convention, dict[str, Any]]
    """convention -> {start, end, close_start, close_end, value, matches}."""
    reproduced_by: tuple[str, ...]
    matching_windows: tuple[dict[str, Any], ...]
    nearest_window: dict[str, Any] | None


@dataclass(frozen=True)
class ClaimCheck:
    """The check of one claim for both series, with a one-line verdict."""

    key: str
    summary: str
    anchor: str | None
    side_a: SideCheck
    side_b: SideCheck
    verdict: str
    candidates_searched: int = 0


@dataclass(frozen=True)
class NoteCheckResult:
    """Every claim of the note checked against the data (typed rows plus a flat table)."""

    series_a: str
    series_b: str
    claims: tuple[ClaimCheck, ...]
    tolerance_pp: float = TOLERANCE * 100
    notes: tuple[str, ...] = field(default_factory=tuple)

    def convention_pairs(self) -> list[dict[str, Any]]:
        """For each (convention for A, convention for B): how many claims both sides reproduce."""
        out = []
        for conv_a, conv_b in itertools.product(CONVENTIONS, CONVENTIONS):
            hits = [c.key for c in self.claims
                    if conv_a in c.side_a.reproduced_by and conv_b in c.side_b.reproduced_by]
            out.append({"convention_a": conv_a, "convention_b": conv_b, "reproduced": len(hits),
                        "claims": len(self.claims), "which": hits})
        return sorted(out, key=lambda r: -int(r["reproduced"]))

    def table(self) -> list[dict[str, Any]]:
        """One row per claim and series: stated, our value per convention, what reproduces it."""
        rows = []
        for claim in self.claims:
            for side in (claim.side_a, claim.side_b):
                row: dict[str, Any] = {"claim": claim.key, "series": side.series, "stated": side.stated}
                for conv in CONVENTIONS:
                    row[conv] = side.by_convention[conv]["value"]
                row["reproduced_by"] = ", ".join(side.reproduced_by) or "none"
                row["window_found"] = (_window_rules(side.matching_windows[0]) if side.matching_windows
                                       else "none")
                rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for ``ratecycle notecheck --json``."""
        import dataclasses

        return {"series_a": self.series_a, "series_b": self.series_b, "tolerance_pp": self.tolerance_pp,
                "claims": [dataclasses.asdict(c) for c in self.claims],
                "convention_pairs": self.convention_pairs(), "notes": list(self.notes)}


def note_check(prices_a: pd.Series | Prices, prices_b: pd.Series | Prices, cycles: Sequence[Cycle], *,
               claims: Sequence[Claim] = NOTE_2025_CLAIMS) -> NoteCheckResult:
    """Check each claim: values per convention, which convention reproduces it, which plausible window does."""
    a, b = as_prices(prices_a), as_prices(prices_b)
    checks = []
    for claim in claims:
        anchor = _claim_anchor(claim, cycles)
        conv_windows = {conv: _convention_window(claim, anchor, conv) for conv in CONVENTIONS}
        candidates = _candidates(claim, anchor, a)
        side_a = _side(a, claim.target_a, conv_windows, candidates)
        side_b = _side(b, claim.target_b, conv_windows, candidates)
        checks.append(ClaimCheck(claim.key, claim.summary, None if anchor is None else str(anchor), side_a, side_b,
                                 _verdict(side_a, side_b), len(candidates)))
    notes = ("a window uses each series' own last close on or before each date",
             f"reproduced = within {TOLERANCE * 100:.1f} pp, or within the rounding of a figure stated "
             "without decimals")
    return NoteCheckResult(a.name, b.name, tuple(checks), notes=notes)


def _claim_anchor(claim: Claim, cycles: Sequence[Cycle]) -> np.datetime64 | None:
    if claim.anchor_month is None:
        return None
    month = np.datetime64(claim.anchor_month, "M")
    for cycle in cycles:
        later = cycle.later_phase
        if later is not None and np.datetime64(later.start.date(), "M") == month:
            return np.datetime64(later.start.date(), "D")
    raise RatecycleError(f"no cycle in the calendar has a later phase starting in {claim.anchor_month} "
                         f"(claim {claim.key}); use the note-2025 preset")


def _convention_window(claim: Claim, anchor: np.datetime64 | None, convention: Convention) -> tuple[np.datetime64, ...]:
    if anchor is not None:
        s, e = horizon_dates(np.array([anchor]), claim.months, convention)
        return s[0], e[0]
    refs = reference_dates(as_days([claim.start, claim.end]), convention)
    return refs[0], refs[1]


def _candidates(claim: Claim, anchor: np.datetime64 | None, prices: Prices) -> list[tuple[str, str, Any, Any]]:
    """Plausible (start label, end label, start date, end date) windows around the stated dates."""
    if anchor is None:
        start, end = as_days([claim.start, claim.end])
        starts = {"day": start, "day_before": _previous_close(prices, start)}
        ends = {"day": end, "day_before": _previous_close(prices, end)}
    else:
        end_anchor = add_months(np.array([anchor]), claim.months)[0]

        def around(day: np.datetime64, name: str) -> dict[str, np.datetime64]:
            one = np.array([day])
            return {"prior_month_end": prior_month_end(one)[0], "first_trading_day": _first_close(prices, day),
                    name: day, "month_end": month_end(one)[0]}

        starts, ends = around(anchor, "announcement_day"), around(end_anchor, "announcement_day+12m")
    return [(sl, el, sd, ed) for (sl, sd), (el, ed) in itertools.product(starts.items(), ends.items()) if ed > sd]


def _side(prices: Prices, target: Target, conv_windows: dict[Convention, tuple[np.datetime64, ...]],
          candidates: list[tuple[str, str, Any, Any]]) -> SideCheck:
    from .windows import window_returns

    convs = list(conv_windows)
    w = window_returns(prices.dates, prices.closes, np.array([conv_windows[c][0] for c in convs]),
                       np.array([conv_windows[c][1] for c in convs]))
    by_conv = {}
    for k, conv in enumerate(convs):
        value = float(w.returns[k])
        by_conv[conv] = {"start": str(w.start_date[k]), "end": str(w.end_date[k]),
                         "close_start": float(w.start_close[k]), "close_end": float(w.end_close[k]),
                         "value": value, "incomplete": bool(w.incomplete[k]), "matches": target.matches(value)}
    c = window_returns(prices.dates, prices.closes, np.array([x[2] for x in candidates]),
                       np.array([x[3] for x in candidates]))
    found, nearest, best = [], None, np.inf
    for k, (sl, el, _, _) in enumerate(candidates):
        value = float(c.returns[k])
        info = {"start_rule": sl, "end_rule": el, "start": str(c.start_date[k]), "end": str(c.end_date[k]),
                "value": value}
        if target.matches(value):
            found.append(info)
        distance = abs(value - target.value) if target.kind == "value" and target.value is not None else 0.0
        if distance < best:
            best, nearest = distance, info
    return SideCheck(prices.name, target.describe(), by_conv, tuple(cv for cv in convs if by_conv[cv]["matches"]),
                     tuple(found), nearest)


def _verdict(a: SideCheck, b: SideCheck) -> str:
    parts = []
    for side in (a, b):
        if side.reproduced_by:
            parts.append(f"{side.series} {side.stated} reproduced by {'/'.join(side.reproduced_by)}")
        elif side.matching_windows:
            parts.append(f"{side.series} {side.stated} only by window {_window_label(side.matching_windows[0])}")
        else:
            near = side.nearest_window
            parts.append(f"{side.series} {side.stated} not reproduced"
                         + (f" (nearest {near['value'] * 100:+.2f}% by {_window_label(near)})" if near else ""))
    ra, rb = set(a.reproduced_by), set(b.reproduced_by)
    wa = {_window_label(x) for x in a.matching_windows}
    wb = {_window_label(x) for x in b.matching_windows}
    if wa and wb and not (wa & wb):
        parts.append("the two figures evidently use different windows")
    elif ra and rb and ra & rb:
        parts.append(f"same window for both: {'/'.join(sorted(ra & rb))}")
    return "; ".join(parts)


def _window_rules(info: dict[str, Any]) -> str:
    return f"{info['start_rule']}->{info['end_rule']}"


def _window_label(info: dict[str, Any]) -> str:
    return f"{info['start_rule']}->{info['end_rule']} ({info['start']} to {info['end']})"


def _first_close(prices: Prices, day: np.datetime64) -> np.datetime64:
    """First trading date of ``day``'s month in the series (the month's first close)."""
    first = day.astype("datetime64[M]").astype("datetime64[D]")
    i = int(np.searchsorted(prices.dates, first, side="left"))
    return np.datetime64(prices.dates[min(i, prices.dates.size - 1)], "D")


def _previous_close(prices: Prices, day: np.datetime64) -> np.datetime64:
    """The last trading date strictly before ``day``."""
    i = int(np.searchsorted(prices.dates, day, side="left")) - 1
    if i < 0:
        raise RatecycleError(f"series {prices.name} has no close before {day}")
    return np.datetime64(prices.dates[i], "D")
