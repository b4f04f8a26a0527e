"""Number and date formatting shared by the HTML and Markdown renderers (one formatter, the same text in both)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal, TypeAlias

Format: TypeAlias = Literal["text", "month", "pct", "pp", "num", "num1", "int", "date", "bps", "ratio", "flag",
                            "pctile", "share"]


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def date_text(value: Any) -> str:
    """A date as '17 Sep 2025' (ISO strings and timestamps accepted)."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return f"{value.day} {value:%b %Y}"


def month_text(value: Any) -> str:
    """A monthly observation's date as 'May 2025'."""
    text = date_text(value)
    return text.split(" ", 1)[1] if text.count(" ") == 2 else text


def pct(value: Any, digits: int = 1) -> str:
    """A return fraction as a signed percentage: 0.1107 -> '+11.1%'."""
    number = _number(value)
    return "-" if number is None else f"{number * 100:+.{digits}f}%"


def pp(value: Any, digits: int = 1) -> str:
    """A difference of fractions in percentage points: 0.053 -> '+5.3 pp'."""
    number = _number(value)
    return "-" if number is None else f"{number * 100:+.{digits}f} pp"


def cell(value: Any, kind: Format = "text") -> str:
    """Format one table cell or inline figure by its declared kind."""
    if kind == "date":
        return date_text(value)
    if kind == "month":
        return month_text(value)
    if kind == "pct":
        return pct(value)
    if kind == "pp":
        return pp(value)
    if kind == "share":
        number = _number(value)
        return "-" if number is None else f"{number * 100:.1f}%"
    if kind == "flag":
        return "-" if value is None else ("yes" if value else "no")
    number = _number(value)
    if kind in {"num", "num1", "int", "bps", "ratio", "pctile"}:
        if number is None:
            return "-" if value is None or isinstance(value, float) else str(value)
        if kind == "num":
            return f"{number:,.2f}"
        if kind == "num1":
            return f"{number:,.1f}"
        if kind == "int":
            return f"{number:,.0f}"
        if kind == "bps":
            return f"{number:+,.0f} bp"
        if kind == "ratio":
            return f"{number:.3f}"
        return ordinal(number) if kind == "pctile" else f"{number}"
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def ordinal(value: float) -> str:
    """A percentile rank as an ordinal: 37.4 -> '37th', 1 -> '1st', 22 -> '22nd'."""
    n = round(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
