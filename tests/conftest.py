"""Shared fixtures: the offline snapshot (``../shared/data`` beside the repo, or $RATECYCLE_TEST_SNAPSHOT)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("RATECYCLE_TEST_SNAPSHOT", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session", autouse=True)
def _cache_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One signing key for the statistics cache for the whole session, never the user's own."""
    before = os.environ.get("RATECYCLE_CACHE_KEY")
    os.environ["RATECYCLE_CACHE_KEY"] = str(tmp_path_factory.mktemp("key") / "statcache.key")
    yield
    if before is None:
        os.environ.pop("RATECYCLE_CACHE_KEY", None)
    else:
        os.environ["RATECYCLE_CACHE_KEY"] = before


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the user's store or a snapshot from the environment unless they ask."""
    monkeypatch.delenv("RATECYCLE_SNAPSHOT", raising=False)
    monkeypatch.setenv("RATECYCLE_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    monkeypatch.delenv("STOOQ_API_KEY", raising=False)


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    """The read-only snapshot directory; tests fail loudly (not skip) when it is missing."""
    assert SNAPSHOT.is_dir(), f"snapshot directory missing: {SNAPSHOT}"
    return SNAPSHOT


@pytest.fixture(scope="session")
def ds(snapshot_dir: Path):  # type: ignore[no-untyped-def]
    """A DataSource reading the snapshot (cached for the whole session)."""
    from ratecycle.data.source import DataSource

    return DataSource(snapshot=snapshot_dir)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 with an ephemeral port (never a name that could resolve elsewhere)."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="module")
def imported(snapshot_dir: Path, ds, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A store holding the whole snapshot, series and holdings (imported once per module; tests copy it to write)."""
    from ratecycle.data.snapshot_io import import_snapshot
    from ratecycle.data.store import Store

    path = tmp_path_factory.mktemp("store") / "imported.duckdb"
    import_snapshot(snapshot_dir, Store(path), source=ds)  # reuses the session's parsed snapshot
    return path


@pytest.fixture
def store_copy(imported: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the imported store, for tests that write."""
    import shutil

    from ratecycle.data.store import Store

    target = tmp_path / "copy.duckdb"
    shutil.copyfile(imported, target)
    return Store(target)
