"""Relative momentum of A against B over 1, 3 and 6 months: the measurable trace of a rotation, point in time.

Returns run from the last common close on or before ``as_of - n months`` to the last common close on or before
``as_of``; nothing after ``as_of`` is read. Relative return = (1 + r_A) / (1 + r_B) - 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._typing import DateLike, to_timestamp
from .errors import DataError

HORIZONS_MONTHS: tuple[int, ...] = (1, 3, 6)


def _common_closes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dates, closes of A, closes of B) on the dates where both have a positive close, in date order."""

    def clean(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        days = pd.DatetimeIndex(series.index).to_numpy(dtype="datetime64[ns]")
        values = series.to_numpy(dtype="float64")
        keep = np.isfinite(values) & (values > 0) & ~np.isnat(days)
        days, values = days[keep], values[keep]
        order = np.argsort(days, kind="stable")
        days, values = days[order], values[order]
        repeated = days[1:] == days[:-1]
        if repeated.any():
            raise DataError(f"series {series.name} has duplicate dates, e.g. "
                            f"{pd.Timestamp(days[1:][repeated][0]).date()}; momentum needs one close per day")
        return days, values

    days_a, va = clean(a)
    days_b, vb = clean(b)
    days, ia, ib = np.intersect1d(days_a, days_b, return_indices=True)
    return days, va[ia], vb[ib]


@dataclass(frozen=True)
class HorizonMomentum:
    """A and B returns over one look-back horizon and A's return relative to B."""

    months: int
    start: pd.Timestamp
    end: pd.Timestamp
    return_a: float
    return_b: float
    relative: float

    @property
    def sign(self) -> int:
        """+1 when A beat B over the horizon, -1 when it lagged, 0 when even."""
        return int(np.sign(self.relative))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"months": self.months, "start": self.start.date().isoformat(), "end": self.end.date().isoformat(),
                "return_a": self.return_a, "return_b": self.return_b, "relative": self.relative,
                "sign": self.sign}


@dataclass(frozen=True)
class Momentum:
    """Relative momentum of A vs B on a date over several horizons, with a combined signal."""

    a: str
    b: str
    as_of: pd.Timestamp
    horizons: tuple[HorizonMomentum, ...]

    @property
    def signal(self) -> int:
        """+1 when A leads B on most horizons, -1 when it lags on most, 0 when split."""
        return int(np.sign(sum(h.sign for h in self.horizons)))

    def horizon(self, months: int) -> HorizonMomentum:
        """The reading for one horizon."""
        for h in self.horizons:
            if h.months == months:
                return h
        raise DataError(f"no {months}-month horizon in this momentum reading")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"a": self.a, "b": self.b, "as_of": self.as_of.date().isoformat(), "signal": self.signal,
                "horizons": [h.to_dict() for h in self.horizons]}


def relative_momentum(a: pd.Series, b: pd.Series, as_of: DateLike | None = None, *,
                      horizons: tuple[int, ...] = HORIZONS_MONTHS, a_name: str | None = None,
                      b_name: str | None = None) -> Momentum:
    """A's return relative to B's over each horizon (months) ending at the last common close on/before ``as_of``."""
    days, va, vb = _common_closes(a, b)
    when = to_timestamp(as_of)
    stop = len(days) if when is None else int(np.searchsorted(days, np.datetime64(when, "ns"), side="right"))
    label_a, label_b = a_name or str(a.name), b_name or str(b.name)
    if stop == 0:
        raise DataError(f"no common closes of {label_a} and {label_b} on or before {when}")
    end = pd.Timestamp(days[stop - 1])
    readings = []
    for months in horizons:
        target = end - pd.DateOffset(months=months)
        pos = int(np.searchsorted(days[:stop], np.datetime64(target, "ns"), side="right")) - 1
        if pos < 0:
            raise DataError(f"{label_a}/{label_b}: no common close {months} month(s) before {end.date()}")
        start = pd.Timestamp(days[pos])
        ra = float(va[stop - 1] / va[pos] - 1.0)
        rb = float(vb[stop - 1] / vb[pos] - 1.0)
        readings.append(HorizonMomentum(months, start, end, ra, rb, (1 + ra) / (1 + rb) - 1.0))
    return Momentum(a=label_a, b=label_b, as_of=when if when is not None else end, horizons=tuple(readings))
