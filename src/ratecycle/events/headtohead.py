"""Head to head: several pairs over the same cycles' later phases and the N months after each later phase began.

For each pair, ``phase_returns`` measures A and B over each cutting cycle whose later phase begins inside the pair's
common history. A window counts when it is completed: not partial, not still running (the later phase of a cycle
under way may be extended by later cuts) and not of zero length (a later phase of a single cut has no duration).
A hit is a counted window in which A returned more than B.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Convention
from ..cycles.model import Cycle
from .study import phase_returns

LATER = "later"


@dataclass(frozen=True)
class WindowTally:
    """Completed windows of one kind for one pair: how many, how often A was ahead, the mean spread."""

    n: int
    hits: int
    mean_spread: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return {"n": self.n, "hits": self.hits, "mean_spread": self.mean_spread}


@dataclass(frozen=True)
class PairHeadToHead:
    """One pair over each cycle's later phase and the N months after it began."""

    a: str
    b: str
    common_start: pd.Timestamp
    common_end: pd.Timestamp
    rows: pd.DataFrame
    """One row per cycle and window: cycle, window ('later' or '<N>m_after_later_start'), dates, returns, spread,
    ``completed`` (counted: not partial, not running, not of zero length)."""
    later: WindowTally
    after: WindowTally

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (ISO dates)."""
        rows = [{k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else
                     None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
                for r in self.rows.to_dict("records")]
        return {"a": self.a, "b": self.b, "common_start": self.common_start.date().isoformat(),
                "common_end": self.common_end.date().isoformat(), "later": self.later.to_dict(),
                "after": self.after.to_dict(), "rows": rows}


@dataclass(frozen=True)
class HeadToHead:
    """Every pair measured, in the order asked; pairs without common data or cycles are listed as skipped."""

    months: int
    convention: Convention
    pairs: tuple[PairHeadToHead, ...]
    skipped: tuple[tuple[str, str, str], ...]
    """(a, b, reason) for each pair that could not be measured."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return {"months": self.months, "convention": self.convention, "ex_post": True,
                "pairs": [p.to_dict() for p in self.pairs],
                "skipped": [{"a": a, "b": b, "reason": r} for a, b, r in self.skipped]}


def _tally(rows: pd.DataFrame) -> WindowTally:
    done = rows[rows["completed"]]
    spreads = done["spread"].to_numpy(dtype="float64")
    return WindowTally(n=len(done), hits=int((spreads > 0).sum()),
                       mean_spread=float(spreads.mean()) if len(done) else None)


def head_to_head(prices: Mapping[str, pd.Series], pairs: Sequence[tuple[str, str]], cycles: Sequence[Cycle], *,
                 months: int = 12, convention: Convention = "daily") -> HeadToHead:
    """Measure each pair (names keyed into ``prices``) over the later phase of every cycle inside its history."""
    after_key = f"{months}m_after_later_start"
    done: list[PairHeadToHead] = []
    skipped: list[tuple[str, str, str]] = []
    for a, b in pairs:
        if a not in prices or b not in prices:
            skipped.append((a, b, f"no data for {a if a not in prices else b}"))
            continue
        pa, pb = prices[a].dropna(), prices[b].dropna()
        start, end = max(pa.index[0], pb.index[0]), min(pa.index[-1], pb.index[-1])
        inside = [c for c in cycles if c.later_phase is not None and c.later_phase.start >= start
                  and c.later_phase.start <= end]
        if not inside:
            skipped.append((a, b, f"no later phase begins between {start.date()} and {end.date()}"))
            continue
        result = phase_returns(pa.rename(a), pb.rename(b), inside, convention=convention, months=months,
                               anchors=("later_start",))
        frame = result.rows
        frame = frame[frame["window"].isin([LATER, after_key]) & ~frame["before_data"].astype(bool)]
        ongoing = {c.label for c in inside if c.ongoing}
        running = (frame["window"] == LATER) & frame["cycle"].isin(ongoing)  # later cuts may still extend it
        rows = pd.DataFrame({
            "cycle": frame["cycle"].to_numpy(), "window": frame["window"].to_numpy(),
            "start": pd.DatetimeIndex(frame["start_a"]), "end": pd.DatetimeIndex(frame["end_a"]),
            "return_a": frame["return_a"].to_numpy(dtype="float64"),
            "return_b": frame["return_b"].to_numpy(dtype="float64"),
            "spread": frame["spread"].to_numpy(dtype="float64"),
            "completed": (~frame["incomplete"].astype(bool) & ~frame["open_phase"].astype(bool) & ~running
                          & frame["spread"].notna()
                          & (pd.DatetimeIndex(frame["end_a"]) > pd.DatetimeIndex(frame["start_a"]))).to_numpy(),
        })
        done.append(PairHeadToHead(a=a, b=b, common_start=pd.Timestamp(start), common_end=pd.Timestamp(end),
                                   rows=rows, later=_tally(rows[rows["window"] == LATER]),
                                   after=_tally(rows[rows["window"] == after_key])))
    return HeadToHead(months=months, convention=convention, pairs=tuple(done), skipped=tuple(skipped))
