"""ALFRED vintages: every value of a FRED series as published, and the series as it stood on one day."""

from __future__ import annotations

import pandas as pd

from .._typing import DateLike, to_timestamp

CORE_PCE_SYMBOL = "PCEPILFE"
"""FRED/ALFRED symbol of the core PCE price index (the catalog's ``core_pce``)."""


def fetch_vintages(symbol: str = CORE_PCE_SYMBOL) -> pd.DataFrame:
    """Every published vintage of ``symbol`` from ALFRED (live; needs FRED_API_KEY): date, value, realtime_start/end."""
    from .providers.fred import Provider

    return Provider().fetch_vintages(symbol)


def published_on(vintages: pd.DataFrame, as_of: DateLike) -> pd.Series:
    """The series as published on ``as_of``: for each date the value of the vintage in force that day."""
    from .providers.fred import known_on

    frame = known_on(vintages, to_timestamp(as_of))
    return pd.Series(frame["value"].to_numpy(dtype="float64"), index=pd.DatetimeIndex(frame["date"]))
