"""Ken French portfolio files (``6_Portfolios_2x3``, ``Portfolios_Formed_on_ME``) read as published.

Such a file holds a preamble (naming the CRSP vintage, e.g. "using the 202412 CRSP database"), then titled
blocks: a title (one or more lines), a header line (``,Lo 30,Med 40,...``), ``YYYYMM`` (monthly) or ``YYYY``
(annual) rows, a blank line; then a copyright line. Every block title must be one this module knows, so a
changed layout is an error, never silently misread data. -99.99 and -999 mark missing values (NaN here).
Column labels are mapped to stable names (``Lo 30`` -> ``lo30``, ``2-Dec`` or ``Dec 2`` -> ``dec2``,
``SMALL LoBM`` -> ``small_lobm``), so a series keeps its name across vintages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import DataError, where
from ..frames import from_series
from .kenfrench import MISSING, _values

_MONTH_ROW = re.compile(r"^\s*(\d{6})\s*,")
_YEAR_ROW = re.compile(r"^\s*(\d{4})\s*,")
_VINTAGE = re.compile(r"(\d{6})\s+CRSP database", re.IGNORECASE)

BLOCK_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bm_june", re.compile(r"value weight(ed)? average of be_fyt-1/me_june")),
    ("bm", re.compile(r"value weight(ed)? average of be/me")),
    ("bm_sum", re.compile(r"sum of be / sum of me")),
    ("op", re.compile(r"value weight(ed)? average of op")),
    ("inv", re.compile(r"value weight(ed)? average of inv")),
    ("firms", re.compile(r"number of firms")),
    ("mcap", re.compile(r"average (market cap|firm size)")),
    ("vw", re.compile(r"value weight(ed)? returns")),
    ("ew", re.compile(r"equal weight(ed)? returns")),
)
"""Block key by title pattern, most specific first. Return blocks with annual rows get the suffix ``_annual``."""

_LABELS = {
    "<= 0": "neg", "lo 30": "lo30", "med 40": "med40", "hi 30": "hi30",
    "lo 20": "qnt1", "qnt 2": "qnt2", "qnt 3": "qnt3", "qnt 4": "qnt4", "hi 20": "qnt5",
    "lo 10": "dec1", "hi 10": "dec10",
    "small lobm": "small_lobm", "me1 bm2": "small_medbm", "small hibm": "small_hibm",
    "big lobm": "big_lobm", "me2 bm2": "big_medbm", "big hibm": "big_hibm",
}
_DECILE = re.compile(r"^(?:(\d{1,2})-dec|dec\s*(\d{1,2}))$")


def column_name(label: str) -> str:
    """The stable name of a published column label (``2-Dec`` -> ``dec2``); unknown labels become a slug."""
    key = " ".join(label.lower().split())
    if key in _LABELS:
        return _LABELS[key]
    decile = _DECILE.match(key)
    if decile:
        return f"dec{int(decile.group(1) or decile.group(2))}"
    return re.sub(r"[^a-z0-9]+", "_", key).strip("_")


@dataclass(frozen=True)
class Block:
    """One titled table: ``key`` (e.g. ``vw``, ``bm``, ``vw_annual``), stable column names and the values."""

    key: str
    title: str
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    frame: pd.DataFrame
    """First-of-month DatetimeIndex for monthly blocks, an integer year index for annual ones."""

    @property
    def annual(self) -> bool:
        """True for a block of ``YYYY`` rows."""
        return self.key.endswith("_annual")


@dataclass(frozen=True)
class PortfolioFile:
    """A parsed portfolio file: its CRSP vintage (``YYYYMM``), preamble text and blocks in file order."""

    vintage: str | None
    preamble: str
    blocks: tuple[Block, ...]
    source: str = field(default="", compare=False)

    def block(self, key: str, *, series: str | None = None) -> Block:
        """The block called ``key``; a missing one is a DataError listing the blocks present."""
        for block in self.blocks:
            if block.key == key:
                return block
        keys = ", ".join(b.key for b in self.blocks)
        raise DataError(f"no block {key!r} (blocks: {keys}) ({where(self.source or None, series)})")

    def series(self, field_name: str, *, series: str | None = None) -> pd.DataFrame:
        """Column ``block:column`` (e.g. ``vw:lo30``) of a monthly block as an observation frame, missing dropped."""
        key, _, column = field_name.partition(":")
        block = self.block(key, series=series)
        if block.annual:
            raise DataError(f"block {key!r} is annual; only monthly blocks are series "
                            f"({where(self.source or None, series)})")
        if column not in block.columns:
            raise DataError(f"no column {column!r} in block {key!r} (columns: {', '.join(block.columns)}) "
                            f"({where(self.source or None, series)})")
        return from_series(block.frame[column])


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _block_key(title: str, annual: bool, *, source: str, number: int) -> str:
    lowered = " ".join(title.lower().split())
    for key, pattern in BLOCK_TITLES:
        if pattern.search(lowered):
            if key in {"vw", "ew"}:
                if ("annual" in lowered) != annual:
                    kind = "annual" if annual else "monthly"
                    raise DataError(f"block {title[:60]!r} holds {kind} rows ({where(source, None, number)})")
                return f"{key}_annual" if annual else key
            if annual:
                raise DataError(f"block {title[:60]!r} holds annual rows ({where(source, None, number)})")
            return key
    raise DataError(f"unrecognised block title {title[:60]!r} ({where(source, None, number)})")


def _header(line: str, *, source: str, number: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    labels = tuple(c.strip() for c in line.split(",")[1:])
    names = tuple(column_name(label) for label in labels)
    if not labels or any(not n for n in names) or len(set(names)) != len(names):
        raise DataError(f"bad header line {line.strip()[:60]!r} ({where(source, None, number)})")
    return labels, names


def _rows(lines: list[str], position: int, width: int, *, source: str) -> tuple[int, pd.DataFrame, bool]:
    """The data rows from ``position`` to the next blank line: (next position, frame, annual?)."""
    stamps: list[str] = []
    while position < len(lines) and lines[position].strip():
        line = lines[position]
        match = _MONTH_ROW.match(line) or _YEAR_ROW.match(line)
        if not match:
            raise DataError(f"unexpected line {line.strip()[:60]!r} in a block ({where(source, None, position + 1)})")
        stamp = match.group(1)
        if stamps and len(stamp) != len(stamps[0]):
            raise DataError(f"row {stamp} mixes monthly and annual rows ({where(source, None, position + 1)})")
        if len(stamp) == 6 and not 1 <= int(stamp[4:]) <= 12:
            raise DataError(f"bad month {stamp!r} ({where(source, None, position + 1)})")
        if stamps and int(stamp) <= int(stamps[-1]):
            raise DataError(f"row {stamp} out of order or repeated ({where(source, None, position + 1)})")
        stamps.append(stamp)
        position += 1
    first = position - len(stamps)
    annual = bool(stamps) and len(stamps[0]) == 4
    if annual:
        index: pd.Index = pd.Index([int(s) for s in stamps], dtype="int64", name="year")
    else:
        index = pd.DatetimeIndex(pd.to_datetime(stamps, format="%Y%m"), dtype="datetime64[ns]", name="date")
    return position, pd.DataFrame(_block_values(lines[first:position], width, first, source=source), index=index,
                                  dtype="float64"), annual


def _block_values(lines: list[str], width: int, first: int, *, source: str) -> np.ndarray:
    """The values of a block's rows as one (rows x width) array, converted at once by numpy; a row that is not
    ``width`` finite numbers is read by itself (``kenfrench._values``) so the error names its line."""
    cells = [line.split(",")[1:] for line in lines]
    if all(len(row) == width for row in cells):
        try:
            values = np.array(cells, dtype=str).reshape(len(cells), width).astype("float64")
        except ValueError:
            values = None
        if values is not None and bool(np.isfinite(values).all()):
            return np.where(np.isin(values, MISSING), np.nan, values)
    return np.array([_values(line, width, source=source, number=first + k + 1) for k, line in enumerate(lines)],
                    dtype="float64").reshape(len(lines), width)


def parse_portfolio_csv(data: str | bytes, *, source: str = "portfolio file") -> PortfolioFile:
    """Parse every block of a Ken French portfolio CSV; a malformed or unrecognised part is a one-line DataError."""
    lines = _decode(data).splitlines()
    headers = [i for i, line in enumerate(lines) if line.lstrip().startswith(",")]
    if not headers:
        raise DataError(f"no header line (',Lo 30,...') found ({where(source)})")
    blocks: list[Block] = []
    preamble_end = None
    position = 0
    for header in headers:
        if header < position:
            raise DataError(f"header line inside a block ({where(source, None, header + 1)})")
        first_title = header
        while first_title > position and lines[first_title - 1].strip():
            first_title -= 1
        for number in range(position, first_title):
            if _MONTH_ROW.match(lines[number]) or _YEAR_ROW.match(lines[number]):
                raise DataError(f"data row outside a block ({where(source, None, number + 1)})")
        if preamble_end is None:
            preamble_end = first_title
        title = " ".join(line.strip() for line in lines[first_title:header])
        if not title:
            raise DataError(f"block without a title ({where(source, None, header + 1)})")
        labels, names = _header(lines[header], source=source, number=header + 1)
        position, frame, annual = _rows(lines, header + 1, len(names), source=source)
        if frame.empty:
            raise DataError(f"no rows under block {title[:60]!r} ({where(source, None, header + 2)})")
        frame.columns = list(names)
        key = _block_key(title, annual, source=source, number=first_title + 1)
        if any(b.key == key for b in blocks):
            raise DataError(f"block {key!r} appears twice ({where(source, None, first_title + 1)})")
        blocks.append(Block(key=key, title=title, columns=names, labels=labels, frame=frame))
    for number in range(position, len(lines)):
        if _MONTH_ROW.match(lines[number]) or _YEAR_ROW.match(lines[number]):
            raise DataError(f"data row outside a block ({where(source, None, number + 1)})")
    preamble = "\n".join(line.strip() for line in lines[:preamble_end] if line.strip())
    match = _VINTAGE.search(preamble)
    return PortfolioFile(vintage=match.group(1) if match else None, preamble=preamble, blocks=tuple(blocks),
                         source=source)
