"""Local CSV files: ``segment.symbol`` is a path to any ``date,value`` CSV (header required).

``segment.field`` names the value column; the default ``value`` means the second column, so a two-column file
with any header works. No network is involved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import frames
from ..catalog import Segment
from .http import within


def parse_csv(body: bytes, field: str = "value", *, series: str, source: str = "<data>") -> pd.DataFrame:
    """Parse a ``date,value`` CSV body; ``field`` other than 'value' picks that column by name."""
    value_column = None if field == "value" else field
    return frames.read_date_value_csv(body, series=series, value_column=value_column, file=source)


class Provider:
    """Reads observation frames from CSV files on disk (user series, hand-made fixtures, exports)."""

    name = "localcsv"

    def __init__(self, **_options: Any) -> None:
        """Network options (base_url, timeout, retries...) are accepted and ignored: files are local."""

    def source_label(self, symbol: str) -> str:
        """The file's absolute path, for provenance."""
        return str(Path(symbol).expanduser().resolve())

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Observations in [start, end] from the file ``segment.symbol``."""
        path = Path(segment.symbol).expanduser()
        value_column = None if segment.field == "value" else segment.field
        frame = frames.read_date_value_csv(path, series=series, value_column=value_column)
        return within(frame, start, end)
