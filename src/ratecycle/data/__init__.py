"""Data layer: catalog of named series, providers, the embedded store and the DataSource facade."""

from .catalog import CATALOG, GROUPS, SeriesSpec, get_spec
from .meta import SeriesMeta
from .source import DataSource

__all__ = ["CATALOG", "GROUPS", "DataSource", "SeriesMeta", "SeriesSpec", "get_spec"]
