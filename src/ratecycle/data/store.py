"""The embedded store: one DuckDB file holding every fetched or imported series and its provenance.

Tables: ``observations(series, date, value)``, ``series_meta`` (one row of provenance per series),
``update_log`` (one row per write: how many rows were added and how many stored values were revised),
``holdings`` (fund holdings downloads kept byte for byte, one per fund and as-of date, with provenance),
``releases(series, date, released)`` (the day each observation was first published, where a provider tells it:
ALFRED vintages for core PCE and PCE; read by the catalog's ``stored_release`` rule) and ``stat_cache`` (heavy
statistics computed from the stored data, see ``statcache``; never data itself).
Every write is one transaction, so a failed write leaves the file exactly as it was. Reads open the file
read-only, and a store that does not exist yet reads as empty without creating anything.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import DataError, StoreError
from . import frames
from .meta import SeriesMeta

if TYPE_CHECKING:
    import duckdb

    from .catalog import SeriesSpec
    from .providers.ishares import Holdings

SCHEMA_VERSION = 3
"""2 added the ``holdings`` table, 3 the ``releases`` table; an older store gains them on its next write (reads treat
them as empty)."""

_DDL = (
    "CREATE TABLE IF NOT EXISTS store_info (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS observations (series VARCHAR NOT NULL, date DATE NOT NULL, value DOUBLE NOT NULL,"
    " PRIMARY KEY (series, date))",
    "CREATE TABLE IF NOT EXISTS series_meta (name VARCHAR PRIMARY KEY, provider VARCHAR, symbol VARCHAR,"
    " source VARCHAR, fetched_at VARCHAR, first DATE, last DATE, rows BIGINT, content_hash VARCHAR)",
    "CREATE TABLE IF NOT EXISTS update_log (name VARCHAR, written_at VARCHAR, provider VARCHAR,"
    " requested_start DATE, rows BIGINT, added BIGINT, revised BIGINT, content_hash VARCHAR)",
    "CREATE TABLE IF NOT EXISTS holdings (fund VARCHAR NOT NULL, as_of DATE NOT NULL, file_name VARCHAR NOT NULL,"
    " content BLOB NOT NULL, provider VARCHAR, source VARCHAR, fetched_at VARCHAR, sha256 VARCHAR NOT NULL,"
    " rows BIGINT, PRIMARY KEY (fund, as_of))",
    "CREATE TABLE IF NOT EXISTS releases (series VARCHAR NOT NULL, date DATE NOT NULL, released DATE NOT NULL,"
    " PRIMARY KEY (series, date))",
)
_HOLDINGS_SELECT = ("SELECT fund, CAST(as_of AS VARCHAR), file_name, provider, source, fetched_at, sha256, rows,"
                    " octet_length(content) FROM holdings")
_META_COLUMNS = ("name", "provider", "symbol", "source", "fetched_at", "first", "last", "rows", "content_hash")


@dataclass(frozen=True)
class LogEntry:
    """One write to the store: rows added and stored values revised by an update or import."""

    name: str
    written_at: str
    provider: str
    requested_start: str | None
    rows: int
    added: int
    revised: int
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Replacement:
    """A series to write: its full observation frame, its provenance and an optional log entry."""

    name: str
    frame: pd.DataFrame
    meta: SeriesMeta
    requested_start: str | None = None
    added: int | None = None
    revised: int = 0
    origin: object = None
    """The file or address the frame was read from, named by a validation error (default: ``meta.source``)."""
    released: pd.Series | None = None
    """Release day by observation date (e.g. ALFRED's first vintage dates), stored over any held for those dates."""


@dataclass(frozen=True)
class HoldingsFile:
    """A holdings download to store: the fund's ticker, the file's bytes as published and their provenance.

    ``origin`` names the file or address the bytes came from; it is what a validation error points at.
    """

    fund: str
    file_name: str
    content: bytes
    provider: str
    source: str
    fetched_at: str
    origin: str = ""


@dataclass(frozen=True)
class StoredHoldings:
    """Provenance of one stored holdings download (the bytes themselves are read only when asked for)."""

    fund: str
    as_of: str
    file_name: str
    provider: str
    source: str
    fetched_at: str
    sha256: str
    rows: int
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return dataclasses.asdict(self)


def holdings_file_name(fund: str, as_of: str) -> str:
    """The canonical name of a holdings download: ``<FUND>_holdings_<YYYY-MM-DD>.csv``."""
    return f"{fund.upper()}_holdings_{as_of}.csv"


class Store:
    """A DuckDB file of series; ``read``/``metadata``/``list`` never modify it, ``replace*`` are atomic."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from .source import default_store_path

            path = default_store_path()
        self.path = Path(path).expanduser()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def exists(self) -> bool:
        """True when the store file has been created (by an import, fetch or import-series)."""
        return self.path.is_file()

    # -- reads ---------------------------------------------------------
    def read(self, name: str) -> pd.DataFrame | None:
        """The stored observation frame of ``name`` (sorted by date), or None when it is not stored."""
        with self._reader() as con:
            if con is None or not self._has_series(con, name):
                return None
            table = con.execute(
                "SELECT date, value FROM observations WHERE series = ? ORDER BY date", [name]).fetchnumpy()
        return _to_frame(table["date"], table["value"])

    def entry(self, name: str) -> tuple[pd.DataFrame, SeriesMeta] | None:
        """The stored frame and provenance of ``name`` read in one go, or None when it is not stored."""
        with self._reader() as con:
            if con is None:
                return None
            row = con.execute(f"SELECT {', '.join(_META_COLUMNS)} FROM series_meta WHERE name = ?", [name]).fetchone()
            if row is None:
                return None
            table = con.execute(
                "SELECT date, value FROM observations WHERE series = ? ORDER BY date", [name]).fetchnumpy()
        return _to_frame(table["date"], table["value"]), _meta_from_row(row)

    def entries(self, names: Iterable[str] | None = None) -> dict[str, tuple[pd.DataFrame, SeriesMeta]]:
        """Frames and provenance of several stored series (all when ``names`` is None) in one query.

        The rows come back unordered in one scan and are split per series with one stable sort, several
        times faster than one query per series.
        """
        return self._entries(names, None) or {}

    def entries_within(self, max_rows: int) -> dict[str, tuple[pd.DataFrame, SeriesMeta]] | None:
        """Every stored series in one query, or None (nothing read) when together they exceed ``max_rows`` rows."""
        return self._entries(None, max_rows)

    def _entries(self, names: Iterable[str] | None,
                 max_rows: int | None) -> dict[str, tuple[pd.DataFrame, SeriesMeta]] | None:
        with self._reader() as con:
            if con is None:
                return {}
            rows = con.execute(f"SELECT {', '.join(_META_COLUMNS)} FROM series_meta ORDER BY name").fetchall()
            if names is not None:
                wanted = set(names)
                rows = [row for row in rows if row[0] in wanted]
            if not rows:
                return {}
            if max_rows is not None and sum(int(row[7] or 0) for row in rows) > max_rows:
                return None
            ordered = [str(row[0]) for row in rows]
            # the series name travels as its 1-based position in ``ordered`` (0 for rows not wanted)
            table = con.execute("SELECT code, date, value FROM (SELECT list_position(?, series)::INTEGER AS code,"
                                " date, value FROM observations) WHERE code > 0", [ordered]).fetchnumpy()
        return {name: (frame, _meta_from_row(row))
                for name, row, frame in zip(ordered, rows, _split(table, len(ordered)), strict=True)}

    def data_fingerprint(self) -> str:
        """SHA-256 over everything a command can read from the store (see :func:`data_fingerprint`)."""
        with self._reader() as con:
            return data_fingerprint(con)

    def releases(self, name: str) -> pd.Series | None:
        """The stored release day of each observation of ``name`` that has one (index: observation date), or None."""
        with self._reader() as con:
            if con is None or not _has_table(con, "releases"):
                return None
            table = con.execute("SELECT date, released FROM releases WHERE series = ? ORDER BY date",
                                [name]).fetchnumpy()
        if len(table["date"]) == 0:
            return None
        import numpy as np

        return pd.Series(pd.DatetimeIndex(np.asarray(table["released"], dtype="datetime64[ns]")),
                         index=pd.DatetimeIndex(np.asarray(table["date"], dtype="datetime64[ns]"), name="date"),
                         name=name)

    def metadata(self, name: str) -> SeriesMeta | None:
        """Provenance of a stored series, or None when it is not stored."""
        with self._reader() as con:
            if con is None:
                return None
            row = con.execute(f"SELECT {', '.join(_META_COLUMNS)} FROM series_meta WHERE name = ?", [name]).fetchone()
        return None if row is None else _meta_from_row(row)

    def list(self) -> list[SeriesMeta]:
        """Provenance of every stored series, sorted by name (empty for a store not created yet)."""
        with self._reader() as con:
            if con is None:
                return []
            rows = con.execute(f"SELECT {', '.join(_META_COLUMNS)} FROM series_meta ORDER BY name").fetchall()
        return [_meta_from_row(row) for row in rows]

    def log(self, name: str | None = None) -> builtins.list[LogEntry]:
        """The update log (oldest first), for one series or all."""
        with self._reader() as con:
            if con is None:
                return []
            sql = ("SELECT name, written_at, provider, CAST(requested_start AS VARCHAR), rows, added, revised,"
                   " content_hash FROM update_log")
            params: list[object] = []
            if name is not None:
                sql += " WHERE name = ?"
                params.append(name)
            rows = con.execute(sql + " ORDER BY rowid", params).fetchall()
        return [LogEntry(str(r[0]), str(r[1]), str(r[2]), r[3], int(r[4]), int(r[5]), int(r[6]), str(r[7]))
                for r in rows]

    def holdings_list(self, fund: str | None = None) -> builtins.list[StoredHoldings]:
        """Provenance of the stored holdings downloads (one fund or all), by fund then date; no file is read."""
        with self._reader() as con:
            if con is None or not _has_table(con, "holdings"):
                return []
            sql, params = _HOLDINGS_SELECT, []
            if fund is not None:
                sql += " WHERE fund = ?"
                params.append(fund.upper())
            rows = con.execute(sql + " ORDER BY fund, as_of", params).fetchall()
        return [_holdings_from_row(row) for row in rows]

    def holdings_content(self, fund: str | None = None) -> builtins.list[tuple[StoredHoldings, bytes]]:
        """Stored holdings downloads with their bytes (one fund or all, by fund then date), checked against sha256."""
        with self._reader() as con:
            if con is None or not _has_table(con, "holdings"):
                return []
            sql = _HOLDINGS_SELECT.replace(" FROM holdings", ", content FROM holdings")
            params: list[object] = []
            if fund is not None:
                sql += " WHERE fund = ?"
                params.append(fund.upper())
            rows = con.execute(sql + " ORDER BY fund, as_of", params).fetchall()
        out = []
        for row in rows:
            meta, content = _holdings_from_row(row[:-1]), bytes(row[-1])
            if hashlib.sha256(content).hexdigest() != meta.sha256:
                raise DataError(f"stored holdings {meta.file_name} do not match their sha256 (store {self.path})")
            out.append((meta, content))
        return out

    def holdings(self, fund: str) -> builtins.list[Holdings]:
        """Every stored holdings download of ``fund`` parsed, oldest first (empty when none is stored)."""
        from .providers.ishares import parse_holdings

        return [parse_holdings(content, source=f"{meta.file_name} in store {self.path}")
                for meta, content in self.holdings_content(fund)]

    # -- writes --------------------------------------------------------
    def write_holdings(self, files: Iterable[HoldingsFile]) -> builtins.list[StoredHoldings]:
        """Store holdings downloads in one transaction (replacing any of the same fund and date)."""
        return self.write([], files)[1]

    def replace(self, name: str, frame: pd.DataFrame, meta: SeriesMeta, *, requested_start: str | None = None,
                added: int | None = None, revised: int = 0, origin: object = None, allow_outliers: bool = False,
                replace: bool = False, on: dt.date | None = None, released: pd.Series | None = None) -> SeriesMeta:
        """Replace one series (observations and provenance, plus any ``released`` days) in one transaction; returns
        the stored provenance."""
        item = Replacement(name, frame, meta, requested_start, added, revised, origin, released)
        return self.write([item], allow_outliers=allow_outliers, replace=replace, on=on)[0][0]

    def replace_many(self, items: Iterable[Replacement], *, holdings: Iterable[HoldingsFile] = (),
                     allow_outliers: bool = False, replace: bool = False) -> builtins.list[SeriesMeta]:
        """Replace several series (and store ``holdings`` downloads) in ONE transaction: all or nothing.

        ``first``/``last``/``rows``/``content_hash`` are recomputed from each frame so provenance always
        describes the stored rows. Frames are validated before the file is opened for writing.
        """
        return self.write(items, holdings, allow_outliers=allow_outliers, replace=replace)[0]

    def write(self, items: Iterable[Replacement], holdings: Iterable[HoldingsFile] = (), *,
              allow_outliers: bool = False, replace: bool = False,
              on: dt.date | None = None) -> tuple[builtins.list[SeriesMeta], builtins.list[StoredHoldings]]:
        """Series and holdings downloads in ONE transaction; everything is validated before the file is opened.

        Each frame must pass its kind's rules (``validate.check_series``; ``allow_outliers`` lifts the move
        bound, ``on`` is the day treated as today). A stored series that reaches a later date than the frame
        replacing it is kept unless ``replace``: older data never silently rolls newer data back.
        A holdings file must parse as an iShares download (its stated as-of date is the date it is stored
        under); one that does not is a one-line DataError naming the file, and nothing is written.
        """
        from .validate import check_series

        prepared = [(item, _checked(item.name, item.frame)) for item in items]
        for item, frame in prepared:
            check_series(frame, _spec_of(item.name), origin=item.origin or item.meta.source, on=on,
                         allow_outliers=allow_outliers)
        names = [item.name for item, _ in prepared]
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise DataError(f"series written twice in one transaction: {', '.join(twice)}")
        metas = [_finished_meta(item, frame) for item, frame in prepared]
        files = checked_holdings(holdings)
        if not prepared and not files:
            return [], []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        con = self._connect(read_only=False)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                for ddl in _DDL:
                    con.execute(ddl)
                con.execute("INSERT OR REPLACE INTO store_info VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
                for (item, frame), meta in zip(prepared, metas, strict=True):
                    previous = con.execute("SELECT count(*), CAST(max(date) AS VARCHAR) FROM observations"
                                           " WHERE series = ?", [item.name]).fetchone()
                    stored_last = previous[1] if previous is not None else None
                    if not replace and stored_last is not None and meta.last is not None and stored_last > meta.last:
                        raise DataError(
                            f"the store holds {item.name} to {stored_last}, the new data ends {meta.last}: older "
                            f"data does not replace newer (nothing was written; --replace allows it) "
                            f"(series {item.name}, from {item.origin or item.meta.source})")
                    con.execute("DELETE FROM observations WHERE series = ?", [item.name])
                    self._insert_frame(con, item.name, frame)
                    if item.released is not None and not item.released.empty:
                        self._insert_releases(con, item.name, item.released)
                    con.execute("INSERT OR REPLACE INTO series_meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [meta.name, meta.provider, meta.symbol, meta.source, meta.fetched_at, meta.first,
                                 meta.last, meta.rows, meta.content_hash])
                    before = int(previous[0]) if previous is not None else 0
                    added = item.added if item.added is not None else max(0, meta.rows - before)
                    con.execute("INSERT INTO update_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                [meta.name, meta.fetched_at, meta.provider, item.requested_start, meta.rows,
                                 added, item.revised, meta.content_hash])
                for file, stored in files:
                    con.execute("INSERT OR REPLACE INTO holdings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [stored.fund, stored.as_of, stored.file_name, file.content, stored.provider,
                                 stored.source, stored.fetched_at, stored.sha256, stored.rows])
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise
        except BaseException as exc:
            con.close()
            if created:
                _remove_new_store(self.path)
            if _is_duckdb_error(exc):
                raise DataError(f"cannot write store {self.path}: {_first_line(exc)}") from None
            raise
        con.close()
        return metas, [stored for _, stored in files]

    # -- internals -----------------------------------------------------
    def _insert_frame(self, con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
        """Insert one series' rows (inside the caller's transaction)."""
        rows = pd.DataFrame({"date": frame["date"].to_numpy(dtype="datetime64[ns]"),
                             "value": frame["value"].to_numpy(dtype="float64")})
        con.register("ratecycle_rows", rows)
        try:
            con.execute("INSERT INTO observations SELECT ?, CAST(date AS DATE), value FROM ratecycle_rows", [name])
        finally:
            con.unregister("ratecycle_rows")

    def _insert_releases(self, con: duckdb.DuckDBPyConnection, name: str, released: pd.Series) -> None:
        """Store release days by observation date, replacing those held for the same dates (caller's transaction)."""
        rows = pd.DataFrame({"date": pd.DatetimeIndex(released.index).to_numpy(dtype="datetime64[ns]"),
                             "released": pd.DatetimeIndex(released).to_numpy(dtype="datetime64[ns]")})
        con.register("ratecycle_releases", rows)
        try:
            con.execute("INSERT OR REPLACE INTO releases SELECT ?, CAST(date AS DATE), CAST(released AS DATE)"
                        " FROM ratecycle_releases", [name])
        finally:
            con.unregister("ratecycle_releases")

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection, or None when the store does not exist or holds no ratecycle tables."""
        if not self.path.exists():
            yield None
            return
        con = self._connect(read_only=True)
        try:
            tables = {row[0] for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
            if not {"observations", "series_meta"} <= tables:
                yield None
                return
            yield con
        except Exception as exc:
            if _is_duckdb_error(exc):
                raise DataError(f"cannot read store {self.path}: {_first_line(exc)}") from None
            raise
        finally:
            con.close()

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        import duckdb

        check_store_file(self.path)
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            text = _first_line(exc)
            if "lock" in text.lower():
                raise StoreError(f"store {self.path} is locked by another ratecycle process (an import or fetch "
                                 f"is writing it); try again when it has finished: {text}") from None
            raise StoreError(f"cannot open store {self.path}: {text}") from None

    @staticmethod
    def _has_series(con: duckdb.DuckDBPyConnection, name: str) -> bool:
        return con.execute("SELECT 1 FROM series_meta WHERE name = ?", [name]).fetchone() is not None


DUCKDB_MAGIC = b"DUCK"
"""A DuckDB database file has these four bytes at offset 8 of its header."""


def check_store_file(path: Path) -> None:
    """Refuse a store path that exists and is not a DuckDB database (a CSV, JSON or Parquet file, a directory).

    DuckDB would otherwise fail late, or a caller might fall back to a database in memory and lose the data.
    """
    if not path.exists():
        return
    if not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file"
        raise StoreError(f"store path is {kind}, not a DuckDB file: {path}")
    try:
        with path.open("rb") as fh:
            header = fh.read(12)
    except OSError as exc:
        raise StoreError(f"cannot read store {path}: {exc.strerror or exc}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise StoreError(f"cannot open store {path}: the file exists and is not a DuckDB database (left untouched)")


def _spec_of(name: str) -> SeriesSpec:
    """The catalog entry of a stored series; a name the catalog lacks gets the generic rules."""
    from .catalog import CATALOG, SeriesSpec

    return CATALOG.get(name) or SeriesSpec(name, "", "", "")


def data_fingerprint(con: duckdb.DuckDBPyConnection | None) -> str:
    """SHA-256 over everything a command can read through ``con`` (a store's connection; None: an empty store).

    It covers each series' provenance row with its content hash (recomputed from the frame on every write, in the
    same transaction as the observations), a count and a sum of row hashes of the observations themselves (so an
    edit made around ratecycle is seen too), each holdings download's provenance and sha256, and every stored
    release day, but not the statistics cache: two stores with the same fingerprint give every analysis the same
    inputs.
    """
    digest = hashlib.sha256(f"ratecycle store schema {SCHEMA_VERSION};".encode())
    if con is None or not _has_table(con, "series_meta"):
        return digest.hexdigest()
    for row in con.execute(f"SELECT {', '.join(_META_COLUMNS)} FROM series_meta ORDER BY name").fetchall():
        digest.update(f"series {row!r};".encode())
    for row in con.execute("SELECT series, count(*), CAST(sum(hash(date, value)) AS VARCHAR) FROM observations"
                           " GROUP BY series ORDER BY series").fetchall():
        digest.update(f"observations {row!r};".encode())
    if _has_table(con, "holdings"):
        for row in con.execute(_HOLDINGS_SELECT + " ORDER BY fund, as_of").fetchall():
            digest.update(f"holdings {row!r};".encode())
    if _has_table(con, "releases"):
        table = con.execute("SELECT series, CAST(date AS VARCHAR), CAST(released AS VARCHAR) FROM releases"
                            " ORDER BY series, date").fetchall()
        digest.update(f"releases {len(table)};".encode())
        digest.update(repr(table).encode())
    return digest.hexdigest()


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the store has ``table`` (a store written before schema 2 has no ``holdings``)."""
    return con.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
                       [table]).fetchone() is not None


def checked_holdings(files: Iterable[HoldingsFile]) -> list[tuple[HoldingsFile, StoredHoldings]]:
    """Parse every holdings file (before anything is written): each gets its stated date, row count and sha256."""
    from .providers.ishares import parse_holdings, table_closed

    out: list[tuple[HoldingsFile, StoredHoldings]] = []
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        fund = file.fund.strip().upper()
        if not fund or not fund.replace(".", "").replace("-", "").isalnum():
            raise DataError(f"bad fund ticker {file.fund!r} for holdings file {file.origin or file.file_name}")
        parsed = parse_holdings(file.content, source=file.origin or file.file_name)
        if not table_closed(file.content):
            raise DataError(f"holdings file {file.origin or file.file_name} ends inside its table (no blank line and "
                            "closing text after it, as every download has): cut off, nothing was written")
        as_of = parsed.as_of.date().isoformat()
        key = (fund, as_of)
        if key in seen:
            raise DataError(f"two holdings files of {fund} state the same date {as_of}: {seen[key]} and "
                            f"{file.origin or file.file_name}")
        seen[key] = file.origin or file.file_name
        out.append((file, StoredHoldings(
            fund=fund, as_of=as_of, file_name=file.file_name, provider=file.provider, source=file.source,
            fetched_at=file.fetched_at, sha256=hashlib.sha256(file.content).hexdigest(), rows=len(parsed.rows),
            bytes=len(file.content))))
    return out


def _holdings_from_row(row: tuple[Any, ...]) -> StoredHoldings:
    return StoredHoldings(fund=str(row[0]), as_of=str(row[1]), file_name=str(row[2]), provider=str(row[3]),
                          source=str(row[4]), fetched_at=str(row[5]), sha256=str(row[6]), rows=int(row[7] or 0),
                          bytes=int(row[8] or 0))


def _to_frame(dates: Any, values: Any) -> pd.DataFrame:
    """DuckDB's columns (dates as datetime64[us]) to a standard observation frame (datetime64[ns], float64)."""
    import numpy as np

    return pd.DataFrame({
        "date": pd.DatetimeIndex(np.asarray(dates, dtype="datetime64[ns]")),
        "value": np.asarray(values, dtype="float64"),
    })


def _split(table: dict[str, Any], count: int) -> list[pd.DataFrame]:
    """Split one unordered (code, date, value) result into ``count`` date-sorted frames (codes 1..count)."""
    import numpy as np

    codes = np.asarray(table["code"], dtype=np.int64)
    order = np.lexsort((np.asarray(table["date"]), codes))
    codes = codes[order]
    dates = np.asarray(table["date"], dtype="datetime64[ns]")[order]
    values = np.asarray(table["value"], dtype="float64")[order]
    bounds = np.searchsorted(codes, np.arange(1, count + 2))
    return [_to_frame(dates[lo:hi], values[lo:hi]) for lo, hi in pairwise(bounds)]


def _checked(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate an observation frame before it is written: dates unique, values finite; returns it sorted."""
    if not name or not isinstance(name, str):
        raise DataError(f"bad series name {name!r}")
    if list(frame.columns) != ["date", "value"]:
        raise DataError(f"series {name}: expected columns ['date', 'value'], got {list(frame.columns)}")
    dates = pd.DatetimeIndex(frame["date"])
    if dates.hasnans:
        raise DataError(f"series {name}: missing date in row {int(dates.isna().argmax())}")
    if dates.tz is not None:
        raise DataError(f"series {name}: dates must be naive calendar dates")
    out = pd.DataFrame({"date": dates.normalize().as_unit("ns"), "value": frame["value"].to_numpy(dtype="float64")})
    bad = ~out["value"].map(math.isfinite)
    if bad.any():
        row = out.loc[bad].iloc[0]
        raise DataError(f"series {name}: non-finite value {row['value']} on {row['date'].date()}")
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    dup = out["date"].duplicated()
    if dup.any():
        raise DataError(f"series {name}: duplicate date {out.loc[dup, 'date'].iloc[0].date()}")
    return out


def _finished_meta(item: Replacement, frame: pd.DataFrame) -> SeriesMeta:
    def iso(pos: int) -> str | None:
        return None if frame.empty else frame["date"].iloc[pos].date().isoformat()

    return dataclasses.replace(item.meta, name=item.name, first=iso(0), last=iso(-1), rows=len(frame),
                               content_hash=frames.content_hash(frame))


def _meta_from_row(row: tuple[Any, ...]) -> SeriesMeta:
    def iso(value: Any) -> str | None:
        return None if value is None else pd.Timestamp(value).date().isoformat()

    return SeriesMeta(name=str(row[0]), provider=str(row[1]), symbol=str(row[2]), source=str(row[3]),
                      fetched_at=str(row[4]), first=iso(row[5]), last=iso(row[6]), rows=int(row[7]),
                      content_hash=str(row[8]))


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a connection that already aborted it has nothing to undo."""
    try:
        con.execute("ROLLBACK")
    except Exception as exc:
        if not _is_duckdb_error(exc):
            raise


def _remove_new_store(path: Path) -> None:
    """Delete a store file this failed write created, so a failure leaves no trace."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _is_duckdb_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0].lstrip("_") == "duckdb"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
