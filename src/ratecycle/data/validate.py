"""One validation layer for every way data enters: snapshot import, import-series, fetches, holdings files.

The rules depend on the *kind* of a series (``SeriesSpec.kind`` in the catalog, else inferred from its units):
dates from 1800 up to tomorrow (scheduled FOMC meetings up to three years ahead), values finite and no larger
than 1e12 in size, prices and index levels strictly positive, levels inside the kind's range, and a one-step
move (from one observation to the next) no larger than the kind's plausibility bound unless outliers are
allowed. Every failure is one DataError line naming the file, the series, the row and the value.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataError, where

if TYPE_CHECKING:
    from .catalog import SeriesSpec
    from .providers.ishares import Holdings

ALLOW_OUTLIERS_ENV = "RATECYCLE_ALLOW_OUTLIERS"
"""``1``: commands that read a snapshot directory accept moves beyond the plausibility bounds (``--allow-outliers``
of the import commands does the same for the store)."""
TODAY_ENV = "RATECYCLE_TODAY"
"""``YYYY-MM-DD``: the day the date rules treat as today (tests and reproducible runs); default the UTC date."""
EARLIEST = pd.Timestamp("1800-01-01")
"""No series starts earlier (NBER recessions start in 1854, Shiller's data in 1871)."""
MAX_MAGNITUDE = 1e12
"""No catalog value comes near this (the largest is an index level below 1e5); 1e308 is an error, not data."""


@dataclass(frozen=True)
class Rule:
    """Plausibility of one kind of series: sign and range of a level, largest one-step move, how far ahead."""

    kind: str
    description: str
    positive: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[float, ...] | None = None
    max_relative_move: float | None = None
    """Largest |v[t] / v[t-1] - 1| between consecutive observations (0.5 = 50%)."""
    max_point_move: float | None = None
    """Largest |v[t] - v[t-1]| between consecutive observations, in the series' units (percentage points)."""
    future_days: int = 1
    """Observations may be dated up to this many days after today (1: tomorrow, for time-zone slack)."""


RULES: dict[str, Rule] = {rule.kind: rule for rule in (
    Rule("index", "daily price index or fund close: > 0, one-day move at most 50% (largest real one: "
         "-20.5%, S&P 500 on 1987-10-19)", positive=True, max_relative_move=0.5),
    Rule("monthly_index", "monthly index level or valuation ratio: > 0, monthly move at most 100% (largest real "
         "one: +51.3%, Shiller CAPE in August 1932)", positive=True, max_relative_move=1.0),
    Rule("price_level", "consumer price index: > 0, monthly move at most 25% (largest real one: +7.0%, "
         "Shiller CPI in May 1898)", positive=True, max_relative_move=0.25),
    Rule("target_rate", "Fed target rate, percent: between -5 and 30, one-day move at most 5 points (largest "
         "real one: 1.125 points, 1984-03-29)", minimum=-5.0, maximum=30.0, max_point_move=5.0),
    Rule("effective_rate", "effective fed funds rate, percent: between -5 and 30, move at most 15 points "
         "(largest real one: -7.89 points on 1987-01-02)", minimum=-5.0, maximum=30.0, max_point_move=15.0),
    Rule("yield", "Treasury yield or spread, percent: between -10 and 30, move at most 5 points (largest real "
         "one: 1.76 points, Shiller GS10 in November 1981)", minimum=-10.0, maximum=30.0, max_point_move=5.0),
    Rule("indicator", "0/1 indicator", allowed=(0.0, 1.0)),
    Rule("event", "event calendar: value 1 on each date; scheduled dates up to three years ahead",
         allowed=(1.0,), future_days=3 * 366),
    Rule("return_percent", "monthly return in percent: above -100, at most 1000", minimum=-100.0, maximum=1000.0),
    Rule("amount", "per-share amount (dividends): not negative", minimum=0.0),
    Rule("any", "finite numbers only"),
)}


def rule_for(spec: SeriesSpec) -> Rule:
    """The rule of a series: its catalog ``kind``, else one inferred from its units and frequency."""
    kind = getattr(spec, "kind", "") or _inferred_kind(spec)
    try:
        return RULES[kind]
    except KeyError:
        raise DataError(f"series {spec.name}: unknown plausibility kind {kind!r} (known: {', '.join(RULES)})") from None


def _inferred_kind(spec: SeriesSpec) -> str:
    """A kind for a series the catalog does not label (new readers get the rules of what they hold)."""
    units, frequency = spec.units.lower(), spec.frequency.lower()
    if frequency.startswith("event"):
        return "event"
    if units.startswith("index points") or units.startswith("usd (dividend-adjusted)"):
        return "index" if frequency.startswith("daily") else "monthly_index"
    if units.startswith("percent per month"):
        return "return_percent"
    return "any"


def outliers_allowed() -> bool:
    """True when ``$RATECYCLE_ALLOW_OUTLIERS`` is set to 1/true/yes (snapshot reads)."""
    return os.environ.get(ALLOW_OUTLIERS_ENV, "").strip().lower() in {"1", "true", "yes"}


def today() -> dt.date:
    """The day the date rules use: ``$RATECYCLE_TODAY`` when set (tests, reproducible runs), else today in UTC."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DataError(f"{TODAY_ENV}={text[:40]!r} is not a YYYY-MM-DD date") from None
    return dt.datetime.now(dt.UTC).date()


def check_series(frame: pd.DataFrame, spec: SeriesSpec, *, origin: object = None, on: dt.date | None = None,
                 allow_outliers: bool = False) -> None:
    """Refuse a frame that breaks its kind's rules; ``origin`` (file or address) is named in the error.

    ``on`` is the day treated as today (default :func:`today`). An empty frame is refused: a header-only or
    empty file never replaces stored data.
    """
    rule = rule_for(spec)
    name = spec.name
    if frame.empty:
        raise DataError(f"no observations (an empty or header-only file never replaces data) ({where(origin, name)})")
    dates = pd.DatetimeIndex(frame["date"])
    values = frame["value"].to_numpy(dtype="float64")
    day = on or today()
    latest = pd.Timestamp(day) + pd.Timedelta(days=rule.future_days)

    def fail(problem: str, i: int) -> DataError:
        stamp = dates[i]
        row = _line_of(origin, stamp)
        return DataError(f"{problem}: {stamp.date()} value {_show(values[i])} ({where(origin, name, row)})")

    checks: list[tuple[np.ndarray, str]] = [
        (~np.isfinite(values), "value is not a finite number"),
        (np.abs(np.nan_to_num(values)) > MAX_MAGNITUDE, f"value beyond {MAX_MAGNITUDE:g} in size"),
        (np.asarray(dates < EARLIEST), f"date before {EARLIEST.date()}"),
        (np.asarray(dates > latest), f"date after {latest.date()} (today is {day})"),
    ]
    if rule.positive:
        checks.append((values <= 0, f"{rule.kind} value must be above 0"))
    if rule.minimum is not None:
        checks.append((values < rule.minimum, f"value below {rule.minimum:g} for kind {rule.kind}"))
    if rule.maximum is not None:
        checks.append((values > rule.maximum, f"value above {rule.maximum:g} for kind {rule.kind}"))
    if rule.allowed is not None:
        checks.append((~np.isin(values, rule.allowed), f"value must be one of {', '.join(map(_show, rule.allowed))}"))
    for bad, problem in checks:
        if bad.any():
            raise fail(problem, int(np.argmax(bad)))
    if allow_outliers or len(values) < 2:
        return
    limits: list[tuple[np.ndarray, str, Callable[[int], str]]] = []  # (too big, bound text, change at i)
    if rule.max_relative_move is not None:
        limits.append((np.abs(values[1:] / values[:-1] - 1.0) > rule.max_relative_move,
                       f"{rule.max_relative_move:.0%}", lambda i: f"{values[i + 1] / values[i] - 1.0:+.1%}"))
    if rule.max_point_move is not None:
        limits.append((np.abs(np.diff(values)) > rule.max_point_move, f"{rule.max_point_move:g}",
                       lambda i: f"{values[i + 1] - values[i]:+.4g} points"))
    for bad, bound, change in limits:
        if bad.any():
            i = int(np.argmax(bad))
            raise fail(f"implausible move {change(i)} from {_show(values[i])} on {dates[i].date()} "
                       f"(bound {bound} for kind {rule.kind}; --allow-outliers accepts it)", i + 1)


def check_holdings(holdings: Holdings, *, on: dt.date | None = None) -> None:
    """Refuse a holdings table with non-finite or negative weights, identical duplicate rows or a future date.

    A ticker may repeat (the published file lists some twice, on different lines of business); a row identical
    to another in every column is a copy.
    """
    source = holdings.source
    day = on or today()
    if holdings.as_of.date() > day + dt.timedelta(days=1):
        raise DataError(f"holdings as-of date {holdings.as_of.date()} is after tomorrow (today is {day}) "
                        f"({where(source)})")
    rows = holdings.rows
    weights = rows["weight"].to_numpy(dtype="float64")
    for bad, problem in ((np.isinf(weights), "weight is not finite"), (weights < 0, "weight is negative")):
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(f"{problem}: {_show(weights[i] * 100)}% for {rows['ticker'].iloc[i]!r} "
                            f"({where(source, row=int(rows['row'].iloc[i]))})")
    values = rows["market_value"].to_numpy(dtype="float64")
    if np.isinf(values).any():
        i = int(np.argmax(np.isinf(values)))
        line = int(rows["row"].iloc[i])
        raise DataError(f"market value is not finite: {_show(values[i])} ({where(source, row=line)})")
    columns = [c for c in rows.columns if c != "row"]
    copies = rows.duplicated(subset=columns, keep="first").to_numpy()
    if copies.any():
        i = int(np.argmax(copies))
        first = rows[(rows[columns] == rows[columns].iloc[i]).all(axis=1)]["row"].iloc[0]
        raise DataError(f"holdings row repeats row {int(first)} exactly ({rows['ticker'].iloc[i]!r}) "
                        f"({where(source, row=int(rows['row'].iloc[i]))})")


def _show(value: float) -> str:
    """A value as text for an error message (short, exact enough to find in the file)."""
    if not math.isfinite(value):
        return str(value)
    return f"{value:.10g}"


def _line_of(origin: object, stamp: pd.Timestamp) -> int | None:
    """The line of a local file where the row dated ``stamp`` is (for the error message), or None."""
    if not isinstance(origin, (str, Path)):
        return None
    path = Path(origin)
    try:
        if not path.is_file() or path.stat().st_size > 256 * 1024 * 1024:
            return None
        text = path.read_bytes()
    except OSError:
        return None
    day, month = stamp.strftime("%Y-%m-%d").encode(), stamp.strftime("%Y-%m").encode()
    for number, line in enumerate(text.splitlines(), start=1):
        cell = line.split(b",", 1)[0].strip().strip(b'"')
        if cell == day or (stamp.day == 1 and cell == month):
            return number
    return None
