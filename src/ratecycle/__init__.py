"""ratecycle: Fed rate-cycle analytics for small caps vs large caps.

``ratecycle.load("russell2000", start="2025-01-01")`` returns a pandas Series from the same catalog
and store (or ``RATECYCLE_SNAPSHOT`` directory) the CLI uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas as pd

    from ._typing import DateLike


def load(name: str, start: DateLike | None = None, end: DateLike | None = None,
         *, snapshot: str | None = None, store: str | None = None) -> pd.Series:
    """Load a catalog series as a pandas Series with a DatetimeIndex (see ``ratecycle data list``)."""
    from .data.source import DataSource

    return DataSource.from_env(snapshot=snapshot, store=store).load(name, start=start, end=end)


__all__ = ["__version__", "load"]
