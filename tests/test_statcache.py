"""The statistics cache in the store: a cached report is the uncached report, and new data or options miss."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ratecycle.data import statcache
from ratecycle.data.source import DataSource
from ratecycle.data.store import Store
from ratecycle.report import sections_robust
from ratecycle.report.build import ReportOptions, build_report, make_context
from ratecycle.report.write import report_json

AS_OF = "2025-09-17"


@dataclass(frozen=True)
class _Box:
    label: str
    values: np.ndarray


def _entries(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"SELECT key, kind FROM {statcache.TABLE} ORDER BY kind").fetchall()
    finally:
        con.close()


def test_fingerprint_follows_every_byte_and_option() -> None:
    a = np.array([1.0, 2.0, 3.0])
    base = statcache.fingerprint("k", _Box("x", a), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 200)
    assert statcache.fingerprint("k", _Box("x", a.copy()), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 200) == base
    changed = a.copy()
    changed[1] = np.nextafter(2.0, 3.0)  # one value one ulp away
    others = [statcache.fingerprint("k", _Box("x", changed), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 200),
              statcache.fingerprint("k", _Box("y", a), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 200),
              statcache.fingerprint("k", _Box("x", a), ("russell2000", "sp500"), pd.Timestamp("2025-09-18"), 200),
              statcache.fingerprint("k", _Box("x", a), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 201),
              statcache.fingerprint("k", _Box("x", a), ("iwm", "spy"), pd.Timestamp(AS_OF), 200),
              statcache.fingerprint("other", _Box("x", a), ("russell2000", "sp500"), pd.Timestamp(AS_OF), 200),
              statcache.fingerprint("k", _Box("x", a.astype("float32")), ("russell2000", "sp500"),
                                    pd.Timestamp(AS_OF), 200)]
    assert len({base, *others}) == 1 + len(others)
    with pytest.raises(TypeError):
        statcache.fingerprint("k", object())


def test_code_fingerprint_is_the_package_files() -> None:
    root = Path(statcache.__file__).resolve().parent.parent
    files = sorted((p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                    and not p.name.endswith(".pyc")), key=lambda p: p.relative_to(root).as_posix())
    names = {p.relative_to(root).as_posix() for p in files}
    assert {"presets/note-2025.toml", "report/assets/report.css", "report/build.py"} <= names
    digest = hashlib.sha256(f"python {sys.version}; numpy {np.__version__}; pandas {pd.__version__};".encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    assert statcache.code_fingerprint() == digest.hexdigest()


def test_cached_computes_once_per_key(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = DataSource(store_path=store_copy.path)
    calls: list[int] = []

    def compute(n: int) -> tuple[int, ...]:
        calls.append(n)
        return (n, n * 2)

    assert statcache.cached(ds, "t", (np.arange(3),), lambda: compute(1), tuple) == (1, 2)
    assert statcache.cached(ds, "t", (np.arange(3),), lambda: compute(1), tuple) == (1, 2)
    assert calls == [1]  # the second call was read back
    assert statcache.cached(ds, "t", (np.arange(4),), lambda: compute(2), tuple) == (2, 4)
    assert calls == [1, 2]  # other input, computed
    monkeypatch.setenv(statcache.ENV, "0")
    assert statcache.cached(ds, "t", (np.arange(3),), lambda: compute(3), tuple) == (3, 6)
    assert calls == [1, 2, 3]  # switched off: always computed
    assert [k for _, k in _entries(store_copy.path)] == ["t", "t"]


def test_snapshot_mode_never_writes(snapshot_dir: Path, tmp_path: Path) -> None:
    ds = DataSource(snapshot=snapshot_dir, store_path=tmp_path / "store.duckdb")
    assert statcache.cached(ds, "t", (1,), lambda: (1,), tuple) == (1,)
    assert not (tmp_path / "store.duckdb").exists()


def test_cached_report_equals_uncached(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    options = ReportOptions(as_of=AS_OF)
    monkeypatch.setenv(statcache.ENV, "0")
    plain = report_json(build_report(DataSource(store_path=store_copy.path), options))
    monkeypatch.setenv(statcache.ENV, "1")
    filled = report_json(build_report(DataSource(store_path=store_copy.path), options))
    assert [k for _, k in _entries(store_copy.path)] == ["report_spec_curve"]

    def fail(ctx: object) -> None:
        raise AssertionError("the specification curve was computed although it is cached")

    monkeypatch.setattr(sections_robust, "_curve_run", fail)
    from_cache = report_json(build_report(DataSource(store_path=store_copy.path), options))
    assert plain == filled == from_cache


def test_new_data_or_options_miss(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    compute = sections_robust._curve_run

    def counted(ctx):  # type: ignore[no-untyped-def]
        runs.append(str(ctx.as_of.date()))
        return compute(ctx)

    monkeypatch.setattr(sections_robust, "_curve_run", counted)

    def run(as_of: str) -> sections_robust.CurveRun:
        return sections_robust.curve_run(make_context(DataSource(store_path=store_copy.path),
                                                      ReportOptions(as_of=as_of)))

    first = run(AS_OF)
    assert run(AS_OF) == first and runs == [AS_OF]
    run("2025-06-30")  # another as-of date: computed
    assert runs == [AS_OF, "2025-06-30"]
    default = sections_robust.REPORT_PERMUTATIONS
    monkeypatch.setattr(sections_robust, "REPORT_PERMUTATIONS", 50)  # another option: computed
    assert run(AS_OF).curve.permutations == 50 and len(runs) == 3
    monkeypatch.setattr(sections_robust, "REPORT_PERMUTATIONS", default)
    frame, meta = store_copy.entry("fed_funds_monthly") or (None, None)
    assert frame is not None and meta is not None
    edited = frame.copy()
    edited.loc[edited.index[100], "value"] += 0.25  # one month of the long history's rate, long before the as-of
    store_copy.replace("fed_funds_monthly", edited, meta)
    again = run(AS_OF)
    assert len(runs) == 4  # new data: computed, not read back
    assert again.curve.as_of == first.curve.as_of
