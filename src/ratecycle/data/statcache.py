"""Heavy statistics kept in the store, keyed by a fingerprint of their inputs, their options and the code.

A result is found again only when every input array, every option and every source file of the package are
byte for byte the same as when it was computed, so a cached result is the result the code would compute now.
The table ``stat_cache(key, kind, written_at, value)`` holds pickled results, each signed with this user's own key
(``RATECYCLE_CACHE_KEY``, default ``statcache.key`` in the user cache directory, made on first use and readable by
the user only): a store from elsewhere is never unpickled, its entries are recomputed and replaced. It is written
only in store mode (never in a snapshot folder), the newest entries of each kind are kept, and a store that is
locked, read-only or missing is simply not used (the statistic is computed). ``RATECYCLE_STAT_CACHE=0`` turns the
cache off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import duckdb

    from .source import DataSource

T = TypeVar("T")

TABLE = "stat_cache"
KEEP = 16
"""Entries kept per kind (the newest written): a specification curve is about half a megabyte, so at most about
8 MB of them, one per as-of date and pair."""
_DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (key VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL,"
        " written_at VARCHAR NOT NULL, value BLOB NOT NULL)")
ENV = "RATECYCLE_STAT_CACHE"
KEY_ENV = "RATECYCLE_CACHE_KEY"
_MAC = 32
"""Bytes of the HMAC-SHA256 signature in front of each pickled value."""


def enabled() -> bool:
    """False when ``RATECYCLE_STAT_CACHE`` is 0, off or no."""
    return os.environ.get(ENV, "1").strip().lower() not in {"0", "off", "no", "false"}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over every file of the package (path and bytes: sources, presets, style sheet; not bytecode) and the
    versions of Python, numpy and pandas: any change to the code, its data or the numerics under it misses the
    cache."""
    import sys

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"python {sys.version}; numpy {np.__version__}; pandas {pd.__version__};".encode())
    for path in package_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_files(root: Path) -> list[Path]:
    """The package's files ordered by relative path, without compiled bytecode (which differs between installs)."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        found += [Path(folder, name) for name in names if not name.endswith((".pyc", ".pyo"))]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def fingerprint(kind: str, *parts: object) -> str:
    """The cache key of a statistic: its kind, the code and every input (arrays by their bytes, not their repr)."""
    digest = hashlib.sha256()
    digest.update(kind.encode())
    digest.update(code_fingerprint().encode())
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def _feed(digest: Any, obj: object) -> None:
    """Add one value to the digest with its type, so that different structures never give the same bytes."""
    if obj is None or isinstance(obj, (bool, int, float, str, pd.Timestamp, np.generic, dt.date)):
        digest.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, np.ndarray):
        digest.update(f"ndarray:{obj.dtype.str}:{obj.shape};".encode())
        if obj.dtype == object:
            for item in obj.ravel():
                _feed(digest, item)
        else:
            digest.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, pd.Series):
        digest.update(f"Series:{obj.name!r};".encode())
        _feed(digest, obj.index.to_numpy())
        _feed(digest, obj.to_numpy())
    elif isinstance(obj, pd.DataFrame):
        digest.update(b"DataFrame;")
        _feed(digest, obj.index.to_numpy())
        for column in obj.columns:
            _feed(digest, str(column))
            _feed(digest, obj[column].to_numpy())
    elif isinstance(obj, pd.Index):
        _feed(digest, obj.to_numpy())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        digest.update(f"{type(obj).__qualname__}(".encode())
        for f in dataclasses.fields(obj):
            _feed(digest, f.name)
            _feed(digest, getattr(obj, f.name))
        digest.update(b")")
    elif isinstance(obj, (list, tuple)):
        digest.update(f"{type(obj).__name__}[{len(obj)}](".encode())
        for item in obj:
            _feed(digest, item)
        digest.update(b")")
    elif isinstance(obj, dict):
        digest.update(f"dict[{len(obj)}](".encode())
        for key in sorted(obj, key=repr):
            _feed(digest, key)
            _feed(digest, obj[key])
        digest.update(b")")
    else:
        raise TypeError(f"cannot fingerprint a {type(obj).__name__} for the statistics cache")


def key_path() -> Path:
    """The file holding this user's signing key: ``$RATECYCLE_CACHE_KEY`` or ``statcache.key`` in the cache dir."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ratecycle")) / "statcache.key"


@lru_cache(maxsize=4)
def _secret(path: Path) -> bytes | None:
    """The signing key in ``path``, made (32 random bytes, mode 600) when there is none; None when unusable."""
    for _ in range(2):
        try:
            found = path.read_bytes()
            return found if len(found) >= 32 else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile: read that one
            continue
        except OSError:
            return None
        secret = os.urandom(32)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
        return secret
    return None


def _sign(payload: bytes) -> bytes | None:
    secret = _secret(key_path())
    return None if secret is None else hmac.new(secret, payload, hashlib.sha256).digest() + payload


def _unpickle(blob: bytes) -> object | None:
    """The value of a signed blob, or None: not signed with this user's key, or unreadable by this Python."""
    secret = _secret(key_path())
    if secret is None or len(blob) <= _MAC:
        return None
    mac, payload = blob[:_MAC], blob[_MAC:]
    if not hmac.compare_digest(mac, hmac.new(secret, payload, hashlib.sha256).digest()):
        return None  # written with another key (a store from elsewhere): never unpickled
    try:
        value: object = pickle.loads(payload)
    except Exception:  # written by an incompatible Python or library: recompute and overwrite
        return None
    return value


def store_path(ds: DataSource) -> Path | None:
    """The store file of a store-mode source that exists while the cache is on, else None (snapshot folders are
    never written)."""
    if ds.snapshot is not None or not enabled():
        return None
    from .source import default_store_path

    path = ds.store_path or default_store_path()
    return path if path.is_file() else None


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection | None:
    import duckdb

    from .store import check_store_file

    try:
        check_store_file(path)
        return duckdb.connect(str(path), read_only=read_only)
    except Exception:  # locked by a writer, read-only file system, not a store: compute instead
        return None


def load(path: Path, key: str) -> object | None:
    """The unpickled value stored under ``key``, or None (no table, no entry, unreadable store)."""
    con = _connect(path, read_only=True)
    if con is None:
        return None
    try:
        blob = _entry(con, key)
    finally:
        con.close()
    return None if blob is None else _unpickle(blob)


def _entry(con: duckdb.DuckDBPyConnection, key: str) -> bytes | None:
    """The signed blob stored under ``key``, or None (no entry, or no cache table yet)."""
    try:
        row = con.execute(f"SELECT value FROM {TABLE} WHERE key = ?", [key]).fetchone()
    except Exception:  # no such table yet
        return None
    return None if row is None else bytes(row[0])


def load_for_data(path: Path, kind: str, *inputs: object) -> tuple[str, str, object | None]:
    """A result computed from the whole store: ``(data fingerprint, key, stored value or None)`` in one read.

    The key is that of ``kind`` for the store's data fingerprint (``store.data_fingerprint``) and ``inputs``; one
    connection serves both, as opening the store is a good part of a read.
    """
    from .store import data_fingerprint

    con = _connect(path, read_only=True)
    if con is None:
        return "", "", None
    try:
        data = data_fingerprint(con)
        key = fingerprint(kind, data, *inputs)
        blob = _entry(con, key)
    except Exception:  # an unreadable store: the computation that follows reports it properly
        return "", "", None
    finally:
        con.close()
    return data, key, None if blob is None else _unpickle(blob)


def save(path: Path, key: str, kind: str, value: object, *, keep: int = KEEP) -> bool:
    """Store ``value`` under ``key`` and keep the newest ``keep`` entries of its kind; False when the store cannot
    be written."""
    try:
        blob = _sign(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a value that cannot be pickled is simply not kept
        return False
    if blob is None:
        return False
    con = _connect(path, read_only=False)
    if con is None:
        return False
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(_DDL)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        con.execute(f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?)", [key, kind, now, blob])
        con.execute(f"DELETE FROM {TABLE} WHERE kind = ? AND key NOT IN "
                    f"(SELECT key FROM {TABLE} WHERE kind = ? ORDER BY written_at DESC LIMIT {int(keep)})",
                    [kind, kind])
        con.execute("COMMIT")
        return True
    except Exception:
        with contextlib.suppress(Exception):  # the transaction may never have begun
            con.execute("ROLLBACK")
        return False
    finally:
        con.close()


def cached(ds: DataSource, kind: str, inputs: tuple[object, ...], compute: Callable[[], T],
           result_type: type[T]) -> T:
    """``compute()``, or the same result stored by an earlier run with identical inputs, options and code.

    ``inputs`` must hold everything the result depends on (the data arrays, not their names). A stored value
    of another type is ignored and replaced.
    """
    path = store_path(ds)
    if path is None:
        return compute()
    key = fingerprint(kind, *inputs)
    found = load(path, key)
    if isinstance(found, result_type):
        return found
    value = compute()
    save(path, key, kind, value)
    return value


__all__ = ["KEEP", "KEY_ENV", "TABLE", "cached", "code_fingerprint", "enabled", "fingerprint", "key_path", "load",
           "load_for_data", "save", "store_path"]
