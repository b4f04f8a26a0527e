"""Cycle calendars supplied by the user (TOML or CSV) or built in (presets), replacing detection.

Each calendar row gives ``start``, optional ``pause_start``/``pause_end`` and optional ``end`` (empty: the
cycle runs to the end of the data). Where target data is available the real moves announced inside the
dates are attached to the cycle; the calendar's dates stay authoritative for phases.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

from .._typing import DIRECTIONS, Direction, choose
from ..errors import DataError, RatecycleError, where
from .model import Cycle, Move, Pause

FIELDS = ("start", "pause_start", "pause_end", "end")


@dataclass(frozen=True)
class CalendarEntry:
    """One user-defined cycle: dates as given (announcement dates), direction and an optional name."""

    start: pd.Timestamp
    end: pd.Timestamp | None
    pause_start: pd.Timestamp | None
    pause_end: pd.Timestamp | None
    direction: Direction = "cut"
    name: str = ""


def preset_names() -> list[str]:
    """Names of the built-in calendars (files ``ratecycle/presets/*.toml``)."""
    folder = resources.files("ratecycle") / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def read_preset(name: str) -> list[CalendarEntry]:
    """The entries of a built-in calendar such as ``note-2025``."""
    folder = resources.files("ratecycle") / "presets"
    entry = folder / f"{name}.toml"
    if not entry.is_file():
        raise RatecycleError(f"unknown preset {name!r} (presets: {', '.join(preset_names())})")
    return _parse_toml(entry.read_text(encoding="utf-8"), f"preset {name}")


def read_calendar(path: str | Path) -> list[CalendarEntry]:
    """Parse a calendar file: TOML (``[[cycle]]`` tables) or CSV (header start,pause_start,pause_end,end)."""
    from ..data.files import read_bounded

    file = Path(path).expanduser()
    if not file.exists():
        raise DataError(f"calendar file not found: {file}")
    try:
        text = read_bounded(file, what="calendar file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"calendar file is not UTF-8 text: {file}") from None
    if file.suffix.lower() == ".toml":
        return _parse_toml(text, str(file))
    if file.suffix.lower() in (".csv", ".txt"):
        return _parse_csv(text, str(file))
    raise DataError(f"file {file}: calendar must be .toml or .csv")


def _parse_toml(text: str, label: str) -> list[CalendarEntry]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"file {label}: not valid TOML ({exc})") from None
    rows = doc.get("cycle")
    if not isinstance(rows, list) or not rows:
        raise DataError(f"file {label}: no [[cycle]] tables")
    return _entries(rows, label)


def _parse_csv(text: str, label: str) -> list[CalendarEntry]:
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "start" not in header:
        raise DataError(f"file {label}: CSV header must include start (got {', '.join(header) or 'nothing'})")
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    if not rows:
        raise DataError(f"file {label}: no calendar rows")
    return _entries(rows, label, first_row=2)


def _entries(rows: Sequence[Any], label: str, first_row: int = 1) -> list[CalendarEntry]:
    out = []
    for i, row in enumerate(rows):
        loc = where(file=label, row=i + first_row)
        if not isinstance(row, dict):
            raise DataError(f"{loc}: a cycle must be a table of dates")
        dates = {f: _date(row.get(f), f, loc) for f in FIELDS}
        if dates["start"] is None:
            raise DataError(f"{loc}: start is required")
        word = str(row.get("direction") or "cut").strip().lower()
        try:
            direction = choose(word, DIRECTIONS, "direction")
        except RatecycleError:
            raise DataError(f"{loc}: direction must be cut or hike, got {word!r}") from None
        if (dates["pause_start"] is None) != (dates["pause_end"] is None):
            raise DataError(f"{loc}: give both pause_start and pause_end, or neither")
        order = [day for day in (dates[f] for f in FIELDS) if day is not None]
        if any(b < a for a, b in pairwise(order)):
            raise DataError(f"{loc}: dates must satisfy start <= pause_start < pause_end <= end")
        if dates["pause_start"] is not None and dates["pause_start"] == dates["pause_end"]:
            raise DataError(f"{loc}: pause_start must be before pause_end")
        out.append(CalendarEntry(start=dates["start"], end=dates["end"], pause_start=dates["pause_start"],
                                 pause_end=dates["pause_end"], direction=direction,
                                 name=str(row.get("name") or "")))
    _check_no_overlap(out, label, first_row)
    return out


def _check_no_overlap(entries: Sequence[CalendarEntry], label: str, first_row: int) -> None:
    """Cycles of one calendar must not share days: a move would otherwise count in two cycles."""
    order = sorted(range(len(entries)), key=lambda i: entries[i].start)
    for a, b in pairwise(order):
        earlier, later = entries[a], entries[b]
        if earlier.end is None or later.start <= earlier.end:
            until = "the end of the data" if earlier.end is None else earlier.end.date().isoformat()
            raise DataError(f"{where(file=label, row=b + first_row)}: cycle starting {later.start.date()} overlaps "
                            f"the cycle of row {a + first_row} ({earlier.start.date()} to {until})")


def _date(value: Any, field: str, loc: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError):
        raise DataError(f"{loc}: {field} is not a date: {value!r} (use YYYY-MM-DD)") from None
    if pd.isna(ts):
        raise DataError(f"{loc}: {field} is not a date: {value!r} (use YYYY-MM-DD)")
    return ts.normalize()


def calendar_cycles(entries: Sequence[CalendarEntry], moves: Sequence[Move] | None, source: str,
                    data_end: pd.Timestamp | None = None, data_start: pd.Timestamp | None = None) -> list[Cycle]:
    """Cycles with the calendar's dates, carrying the real moves of their direction announced inside them.

    A cycle that starts before ``data_start`` (the first day of target data) says its moves are unknown.
    """
    cycles = []
    for entry in entries:
        end = entry.end
        inside: list[Move] = []
        opposite = 0
        for move in moves or ():
            if move.announced < entry.start or (end is not None and move.announced > end):
                continue
            if move.direction == entry.direction:
                inside.append(move)
            else:
                opposite += 1
        if end is None:
            end = inside[-1].announced if inside else None
        pause = (Pause(entry.pause_start, entry.pause_end)
                 if entry.pause_start is not None and entry.pause_end is not None else None)
        known = moves is not None and (data_start is None or entry.start >= data_start)
        cycles.append(Cycle(direction=entry.direction, moves=tuple(inside), pause=pause,
                            pauses=(pause,) if pause else (), source=source, confidence="high",
                            ongoing=entry.end is None or (data_end is not None and entry.end > data_end),
                            name=entry.name, opposite_moves=opposite, moves_known=known, data_end=data_end,
                            calendar_start=entry.start, calendar_end=end))
    return cycles


def load_calendar(path: str | Path, moves: Sequence[Move] | None = None) -> list[Cycle]:
    """Cycles from a user calendar file (with the real moves inside their dates when ``moves`` is given)."""
    return calendar_cycles(read_calendar(path), moves, source="calendar")


def preset(name: str, moves: Sequence[Move] | None = None) -> list[Cycle]:
    """Cycles of a built-in calendar such as ``note-2025`` (with real moves when ``moves`` is given)."""
    return calendar_cycles(read_preset(name), moves, source=f"preset:{name}")
