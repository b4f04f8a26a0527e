"""Provenance attached to every stored or loaded series."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SeriesMeta:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output and the store."""
        return asdict(self)
