"""The provider contract and the registry that maps provider names to implementations."""

from __future__ import annotations

import importlib
from typing import Protocol

import pandas as pd

from ...errors import DataError
from ..catalog import Segment


class Provider(Protocol):
    """Fetches one segment as an observation frame (``date``, ``value``), optionally from ``start``."""

    name: str

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Return validated observations, or raise ProviderError/DataError; never partial data."""
        ...


_MODULES = {
    "fred": "fred",
    "yahoo": "yahoo",
    "stooq": "stooq",
    "kenfrench": "kenfrench",
    "shiller": "shiller",
    "ishares": "ishares",
    "localcsv": "localcsv",
}


def get_provider(name: str, **options: object) -> Provider:
    """Instantiate the live provider ``name`` (module ``ratecycle.data.providers.<name>``, class ``Provider``)."""
    module_name = _MODULES.get(name)
    if module_name is None:
        raise DataError(f"no live provider for {name!r}; import this series from a file or snapshot")
    module = importlib.import_module(f"{__package__}.{module_name}")
    return module.Provider(**options)  # type: ignore[no-any-return]
