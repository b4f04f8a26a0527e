"""Provenance attached to every stored or loaded series."""

from __future__ import annotations

from dataclasses import dataclass

from .._result import PlainResult


@dataclass(frozen=True)
class SeriesMeta(PlainResult):
    """Where a series came from and what it holds: shown by ``data list`` / ``data status``."""

    name: str
    provider: str
    symbol: str
    source: str
    fetched_at: str
    first: str | None
    last: str | None
    rows: int
    content_hash: str

