"""The raw-layout cut: each file of a raw snapshot keeps only the rows and cells released by the close of a day.

A kept row is written byte for byte as it stood; a cell released later than the day (Shiller's earnings in a row
whose price is already public) is left empty. Every cell is dated by the release rule of the catalog series that
reads it (``ratecycle.data.release`` through ``ratecycle.data.asof.release_days``), so the cut holds exactly
what the as-of gate lets through. A column no catalog series reads follows the row when the file has one rule
(a daily file's open, high, low and volume) and is left empty in a file that mixes rules (Shiller's derived
columns, which the catalog cannot date). Ken French files keep their preamble (the CRSP vintage) and blocks;
``YYYYMM`` rows follow the monthly rule, ``YYYY`` rows the annual one, and a block left without rows is dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataError, where
from .asof import release_days
from .catalog import CATALOG, FAMA_FRENCH_ANNUAL_RELEASE, Segment
from .files import read_bounded
from .providers.snapshot import SnapshotProvider
from .release import ReleaseRule
from .source import DataSource

_BOM = "\xef\xbb\xbf"
"""A UTF-8 byte order mark as it reads in latin-1 (files are handled as latin-1 text so bytes round-trip)."""
_MONTH_ROW = re.compile(r"^\s*(\d{6})\s*,")
_YEAR_ROW = re.compile(r"^\s*(\d{4})\s*,")


@dataclass(frozen=True)
class Reading:
    """One catalog series reading one column of a raw file (``column`` '' for an event file's dates)."""

    name: str
    segment: Segment
    column: str
    rule: ReleaseRule


@dataclass(frozen=True)
class RawFile:
    """A raw snapshot file, the catalog readings of it, and whether it is a Ken French file read as published."""

    path: Path
    readings: tuple[Reading, ...]
    published: bool


def raw_files(provider: SnapshotProvider) -> list[RawFile]:
    """Every file of the snapshot that a catalog series reads, with its readings, in catalog order."""
    found: dict[Path, tuple[list[Reading], bool]] = {}
    for spec in CATALOG.values():
        if spec.derived or spec.release is None:
            continue
        for segment in spec.segments:
            path, date_column, column = provider.locate(segment)
            if not path.is_file():
                continue
            readings, _ = found.setdefault(path, ([], segment.provider == "kenfrench" and not date_column))
            readings.append(Reading(spec.name, segment, column, spec.release))
    return [RawFile(path, tuple(readings), published) for path, (readings, published) in found.items()]


def cut_file(ds: DataSource, file: RawFile, as_of: pd.Timestamp) -> bytes | None:
    """The file's bytes holding only what was released by the close of ``as_of``; None when no row was (a dated
    CSV then reads as its header alone, see ``header_only``)."""
    text = read_bounded(file.path, what="snapshot file").decode("latin-1")
    if file.published:
        return _cut_published(text, file, as_of)
    return _cut_csv(text, file, as_of, ds)


# -- Ken French files read as published -------------------------------------------------------------------------
def _cut_published(text: str, file: RawFile, as_of: pd.Timestamp) -> bytes | None:
    """Rows of a Ken French file released by ``as_of``: monthly by the readers' rule, annual in the following year."""
    rules = {r.rule for r in file.readings}
    if len(rules) != 1:
        raise DataError(f"series reading one Ken French file disagree on its release rule ({where(file.path)})")
    monthly = rules.pop()
    lines = text.splitlines(keepends=True)
    keep = [True] * len(lines)
    months = sum(1 for line in lines if _MONTH_ROW.match(line))
    for number, line in enumerate(lines):
        match = _MONTH_ROW.match(line) or _YEAR_ROW.match(line)
        if match is None:
            continue
        stamp = match.group(1)
        when = pd.Timestamp(year=int(stamp[:4]), month=int(stamp[4:]) if len(stamp) == 6 else 1, day=1)
        rule = monthly if len(stamp) == 6 else FAMA_FRENCH_ANNUAL_RELEASE
        keep[number] = bool(rule.dates(pd.DatetimeIndex([when]))[0] <= as_of)
    if months == 0 or not any(keep[i] for i, line in enumerate(lines) if _MONTH_ROW.match(line)):
        return None
    _drop_empty_blocks(lines, keep)
    return "".join(line for line, kept in zip(lines, keep, strict=True) if kept).encode("latin-1")


def _drop_empty_blocks(lines: list[str], keep: list[bool]) -> None:
    """Unmark a block (title, header, blank lines after it) whose rows were all dropped: parsers refuse empty ones."""
    for header, line in enumerate(lines):
        if not line.lstrip().startswith(","):
            continue
        end = header + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        if end == header + 1 or any(keep[header + 1:end]):
            continue
        start = header
        while start > 0 and lines[start - 1].strip() and not (_MONTH_ROW.match(lines[start - 1])
                                                              or _YEAR_ROW.match(lines[start - 1])):
            start -= 1
        while end < len(lines) and not lines[end].strip():
            end += 1
        for i in range(start, end):
            keep[i] = False


# -- CSV files with a date column -------------------------------------------------------------------------------
def _cut_csv(text: str, file: RawFile, as_of: pd.Timestamp, ds: DataSource) -> bytes | None:
    """Rows of a dated CSV released by ``as_of``, later cells emptied; the header is kept as it stood."""
    bom = _BOM if text.startswith(_BOM) else ""
    lines = text[len(bom):].splitlines(keepends=True)
    if not lines:
        return None
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    if "date" not in header:
        raise DataError(f"no 'date' column in the header ({where(file.path)})")
    date_at = header.index("date")
    read = {i: [r for r in file.readings if r.column.lower() == name] for i, name in enumerate(header)}
    events = [r for r in file.readings if not r.column]
    one_rule = len({r.rule for r in file.readings}) == 1
    dated = {r.name: _release_map(ds, r.name) for r in file.readings}
    out = [bom + lines[0]]
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = next(csv.reader([line]))
        day = pd.Timestamp(cells[date_at].strip()).normalize()
        released = {i: max(found) for i, readers in read.items() if i < len(cells)
                    and (found := [_release(dated[r.name], r.rule, day) for r in readers
                                   if _in_segment(r.segment, day)])}
        row_day = [_release(dated[r.name], r.rule, day) for r in events if _in_segment(r.segment, day)]
        days = list(released.values()) + row_day
        if not days or min(days) > as_of:
            continue
        row_release = max(days)
        kept = []
        for i in range(len(cells)):
            if i == date_at:
                kept.append(True)
            elif i in released:
                kept.append(released[i] <= as_of)
            else:
                kept.append(one_rule and row_release <= as_of)
        if all(kept) or all(not c.strip() for c, k in zip(cells, kept, strict=True) if not k):
            out.append(line)
        else:
            out.append(_join(cells, kept, line))
    if len(out) == 1:
        return None
    return "".join(out).encode("latin-1")


def header_only(file: RawFile) -> bytes:
    """The header line of a dated CSV alone: a spliced series' later segment not begun by the cut's date."""
    if file.published:
        raise DataError(f"a Ken French file cannot be written without rows ({where(file.path)})")
    text = read_bounded(file.path, what="snapshot file").decode("latin-1")
    return text.splitlines(keepends=True)[0].encode("latin-1") if text else b""


def _release_map(ds: DataSource, name: str) -> dict[pd.Timestamp, pd.Timestamp]:
    """Observation date -> release day of a catalog series in ``ds`` (the as-of gate's own dating)."""
    frame = ds.frame(name)
    return dict(zip(pd.DatetimeIndex(frame["date"]), release_days(ds, name), strict=True))


def _release(dated: dict[pd.Timestamp, pd.Timestamp], rule: ReleaseRule, day: pd.Timestamp) -> pd.Timestamp:
    """The release day of the observation dated ``day``; a row the series holds no value for, by its date."""
    found = dated.get(day)
    return found if found is not None else pd.Timestamp(rule.dates(pd.DatetimeIndex([day]))[0])


def _in_segment(segment: Segment, day: pd.Timestamp) -> bool:
    """True when the segment's date range holds ``day`` (a spliced series reads each file over its own range)."""
    after_start = segment.start is None or day >= pd.Timestamp(segment.start)
    return after_start and (segment.end is None or day <= pd.Timestamp(segment.end))


def _join(cells: list[str], kept: list[bool], line: str) -> str:
    """The row with the cells not kept emptied, written with the original line ending."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([c if k else "" for c, k in zip(cells, kept, strict=True)])
    ending = line[len(line.rstrip("\r\n")):]
    return buffer.getvalue() + ending

