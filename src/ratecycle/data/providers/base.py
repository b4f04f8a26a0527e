"""The provider contract and the registry that maps provider names to implementations."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

from ...errors import DataError
from ..catalog import Segment

if TYPE_CHECKING:
    import datetime as dt

    from .ishares import Download


class Provider(Protocol):
    """Fetches one segment as an observation frame (``date``, ``value``), optionally from ``start``."""

    name: str

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Return validated observations, or raise ProviderError/DataError; never partial data."""
        ...


@runtime_checkable
class HoldingsProvider(Protocol):
    """Downloads a fund's holdings file as published (the iShares provider)."""

    name: str

    def download_holdings(self, fund: str, as_of: dt.date | None = None) -> Download:
        """The fund's holdings file on ``as_of`` (today when None), with its parse."""
        ...


_MODULES = {
    "fred": "fred",
    "yahoo": "yahoo",
    "stooq": "stooq",
    "kenfrench": "kenfrench",
    "shiller": "shiller",
    "ishares": "ishares",
    "localcsv": "localcsv",
    "fomc": "fomc",
}


def get_provider(name: str, **options: object) -> Provider:
    """Instantiate the live provider ``name`` (module ``ratecycle.data.providers.<name>``, class ``Provider``)."""
    module_name = _MODULES.get(name)
    if module_name is None:
        raise DataError(f"no live provider for {name!r}; import this series from a file or snapshot")
    module = importlib.import_module(f"{__package__}.{module_name}")
    provider: Provider = module.Provider(**options)
    return provider
