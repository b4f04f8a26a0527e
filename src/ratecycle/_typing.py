"""Shared type aliases."""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeAlias, TypeVar, get_args, overload

import pandas as pd

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
    """Parse a date-like value into a normalised (midnight) Timestamp, or None."""
    if value is None:
        return None
    from .errors import RatecycleError

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise RatecycleError(f"not a date: {value!r} (use YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise RatecycleError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()
