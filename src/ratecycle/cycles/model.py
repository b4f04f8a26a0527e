"""Typed results of the cycle engine, shared by every analysis downstream.

Dates of moves and phases are *announcement* dates (the day markets react); ``Move.effective`` keeps
the day the target series changed. A pause runs from the last move before it to the first move after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from .._typing import Direction


@dataclass(frozen=True)
class Move:
    """One change of the policy target."""

    announced: pd.Timestamp
    effective: pd.Timestamp
    change_bps: float
    """Change of the upper bound (or point target), in basis points; negative for cuts."""
    lower: float
    upper: float
    """The target (range) after the move, percent."""
    intermeeting: bool = False
    """True when no FOMC meeting was found within a few days before the effective date."""

    @property
    def direction(self) -> Direction:
        """'cut' or 'hike'."""
        return "cut" if self.change_bps < 0 else "hike"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO dates)."""
        return {"announced": _iso(self.announced), "effective": _iso(self.effective),
                "change_bps": round(float(self.change_bps), 4), "lower": float(self.lower),
                "upper": float(self.upper), "intermeeting": bool(self.intermeeting)}


@dataclass(frozen=True)
class Phase:
    """An interval of a cycle between two announcement dates (inclusive)."""

    start: pd.Timestamp
    end: pd.Timestamp

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"start": _iso(self.start), "end": _iso(self.end)}


@dataclass(frozen=True)
class Pause:
    """No move from ``start`` (last move of the early phase) to ``end`` (first move of the later phase)."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        """Calendar days between the two moves."""
        return int((self.end - self.start).days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"start": _iso(self.start), "end": _iso(self.end), "days": self.days}


@dataclass(frozen=True)
class OpenPause:
    """No move for ``days_so_far`` days since ``start`` (the last move) at the end of the data: a pause may be under
    way, but whether the cycle goes on is not known yet."""

    start: pd.Timestamp
    days_so_far: int


@dataclass(frozen=True)
class Cycle:
    """A maximal run of moves in one direction, with its (optional) pause and phases."""

    direction: Direction
    moves: tuple[Move, ...]
    pause: Pause | None = None
    pauses: tuple[Pause, ...] = ()
    """Every qualifying pause (the ``threshold`` rule may find several); ``pause`` is the first/chosen one."""
    source: str = "detected"
    """'detected' (target series), 'calendar' (user file), 'preset:<name>', or 'fedfunds' (long history)."""
    confidence: Literal["high", "low"] = "high"
    ongoing: bool = False
    """True when the data ends before the cycle can be said to be over (no max_gap elapsed yet)."""
    calendar_start: pd.Timestamp | None = None
    """Start fixed by a calendar (user file or preset); overrides the first move's date."""
    calendar_end: pd.Timestamp | None = None
    """End fixed by a calendar; overrides the last move's date."""
    name: str = field(default="", compare=False)
    """The calendar row's name, if it gave one."""
    data_end: pd.Timestamp | None = field(default=None, compare=False)
    """Last day of the target data the cycle was read from (set for an ongoing cycle)."""
    open_pause: OpenPause | None = field(default=None, compare=False)
    """Set when an ongoing detected cycle has seen no move for ``min_pause`` days at the end of the data."""
    moves_known: bool = field(default=True, compare=False)
    """False for a calendar cycle that starts before the target data (its moves are not known)."""
    opposite_moves: int = field(default=0, compare=False)
    """Moves of the other direction announced inside a calendar cycle's dates."""
    turning_point: pd.Timestamp | None = field(default=None, compare=False)
    """Long-history cycles: the month of the smoothed-rate peak or trough the cycle starts from."""
    turning_point_level: float | None = field(default=None, compare=False)
    """Long-history cycles: the smoothed rate at the turning point, percent."""
    pause_from: pd.Timestamp | None = field(default=None, compare=False)
    """A cycle clipped at an as-of date: start of a pause already ``min_pause`` days long then (end not known)."""
    calendar_cut: pd.Timestamp | None = field(default=None, compare=False)
    """A calendar cycle clipped at an as-of date: the pause start, a cut on its day (whether a pause follows or not)."""

    def __post_init__(self) -> None:
        if not self.moves and self.calendar_start is None:
            raise ValueError("a cycle needs at least one move or a calendar start date")

    @property
    def start(self) -> pd.Timestamp:
        """Announcement date of the first move (or the calendar's start date)."""
        if self.calendar_start is not None:
            return self.calendar_start
        return self.moves[0].announced

    @property
    def end(self) -> pd.Timestamp:
        """Announcement date of the last move (or the calendar's end date)."""
        if self.calendar_end is not None:
            return self.calendar_end
        if self.moves:
            return self.moves[-1].announced
        return self.start

    @property
    def early_phase(self) -> Phase:
        """Cycle start to the last move before the pause (the whole cycle when there is no pause)."""
        if self.pause is None:
            return Phase(self.start, self.end)
        return Phase(self.start, self.pause.start)

    @property
    def later_phase(self) -> Phase | None:
        """First move after the pause to the cycle's end; None without a pause."""
        if self.pause is None:
            return None
        return Phase(self.pause.end, self.end)

    @property
    def total_change_bps(self) -> float:
        """Sum of the moves in basis points."""
        return float(sum(m.change_bps for m in self.moves))

    @property
    def label(self) -> str:
        """Short name such as 'cut 2019-07' used in tables."""
        return f"{self.direction} {self.start:%Y-%m}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ratecycle cycles --json``."""
        later = self.later_phase
        return {
            "direction": self.direction,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "ongoing": self.ongoing,
            "source": self.source,
            "confidence": self.confidence,
            "total_change_bps": round(self.total_change_bps, 4),
            "moves": [m.to_dict() for m in self.moves],
            "pause": self.pause.to_dict() if self.pause else None,
            "pauses": [p.to_dict() for p in self.pauses],
            "early_phase": self.early_phase.to_dict(),
            "later_phase": later.to_dict() if later else None,
        }


def _iso(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).date().isoformat()
