"""Plain JSON values from numpy, pandas, dataclass and date values (shared by the CLI and the report)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _is_midnight(value: dt.date) -> bool:
    return not isinstance(value, dt.datetime) or (value.hour, value.minute, value.second, value.microsecond) == (
        0, 0, 0, 0)


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas/dataclass values to plain JSON types (NaN becomes null, dates ISO strings)."""
    import dataclasses

    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10] if _is_midnight(value) else value.isoformat()
    if isinstance(value, Path):
        return str(value)
    module = type(value).__module__
    if module.startswith("numpy"):
        return jsonable(value.item()) if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 else \
            jsonable(value.tolist())
    if module.startswith("pandas"):
        import pandas as pd

        if value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return jsonable(value.to_pydatetime())
        if isinstance(value, pd.DataFrame):
            return [jsonable(r) for r in value.to_dict(orient="records")]
        if isinstance(value, pd.Series):
            return {jsonable(k) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
