"""Shared type aliases."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, TypeAlias, TypeVar, get_args, overload

import pandas as pd

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""The one text form a date may take on the command line and in option values."""

DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp
Direction: TypeAlias = Literal["cut", "hike"]
PauseRule: TypeAlias = Literal["longest", "threshold"]
Anchor: TypeAlias = Literal["cycle_start", "pause_start", "later_start"]
Convention: TypeAlias = Literal["daily", "month_end", "prior_month_end"]
Aggregate: TypeAlias = Literal["mean", "median", "min", "max", "sum", "count", "std"]

DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
PAUSE_RULES: tuple[PauseRule, ...] = get_args(PauseRule)
ANCHORS: tuple[Anchor, ...] = get_args(Anchor)
CONVENTIONS: tuple[Convention, ...] = get_args(Convention)

_Choice = TypeVar("_Choice", bound=str)


def choose(value: str, choices: tuple[_Choice, ...], what: str) -> _Choice:
    """``value`` as one of ``choices`` (the values of a Literal option), else a one-line error listing them."""
    for choice in choices:
        if value == choice:
            return choice
    from .errors import RatecycleError

    raise RatecycleError(f"unknown {what} {value!r} (choose {', '.join(choices)})")


@overload
def to_timestamp(value: None) -> None: ...
@overload
def to_timestamp(value: DateLike) -> pd.Timestamp: ...
@overload
def to_timestamp(value: DateLike | None) -> pd.Timestamp | None: ...
def to_timestamp(value: DateLike | None) -> pd.Timestamp | None:
    """Parse a date-like value into a normalised (midnight) Timestamp, or None.

    Text must be ``YYYY-MM-DD``: pandas alone would read '04.03.2025' as 3 April or '31.01.2025' as a date at all.
    """
    if value is None:
        return None
    from .errors import RatecycleError

    if isinstance(value, str) and not _ISO_DAY.fullmatch(value.strip()):
        raise RatecycleError(f"not a date: {value!r} (use YYYY-MM-DD)")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise RatecycleError(f"not a date: {value!r} (use YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise RatecycleError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()
