"""Release days worked out from the raw snapshot files with the standard library, independently of ratecycle.data."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path


def raw_rows(path: Path) -> list[tuple[str, str]]:
    """(date, value) pairs of a two-column FRED-style CSV, skipping missing values."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [(r[0], r[1]) for r in rows[1:] if len(r) > 1 and r[1].strip() not in {"", "."}]


def meeting_days(snapshot_dir: Path) -> list[str]:
    """FOMC meeting (decision) days of the snapshot, ISO strings."""
    return [d for d, _ in raw_rows(snapshot_dir / "fred" / "fomc_meeting_dates.csv")]


def announcement_days(snapshot_dir: Path, fred_id: str) -> list[str]:
    """The day each change of a FRED target file was announced (its release day), oldest first."""
    rows = target_release(snapshot_dir, fred_id)
    return [r for i, (_, v, r) in enumerate(rows) if i and v != rows[i - 1][1]]


def target_release(snapshot_dir: Path, fred_id: str) -> list[tuple[str, float, str]]:
    """(date, value, release day) of every row of a FRED target file: a change at its meeting day when a meeting
    falls on its effective day or up to three days before it, any other row on its own date."""
    meets = meeting_days(snapshot_dir)
    rows = [(d, float(v)) for d, v in raw_rows(snapshot_dir / "fred" / f"{fred_id}.csv")]
    out = []
    for i, (day, value) in enumerate(rows):
        release = day
        if i and value != rows[i - 1][1]:
            lo = (dt.date.fromisoformat(day) - dt.timedelta(days=3)).isoformat()
            near = [m for m in meets if lo <= m <= day]
            release = near[-1] if near else day
        out.append((day, value, release))
    return out


def known_target(snapshot_dir: Path, fred_id: str, as_of: str) -> list[tuple[str, float]]:
    """The rows of a FRED target file public by the close of ``as_of``."""
    return [(d, v) for d, v, r in target_release(snapshot_dir, fred_id) if r <= as_of]
