"""The first run: fill an empty or stale store from the live providers before a store-mode report.

A fresh machine has an empty store; ``ratecycle report`` then fetches every series with a live source (the set
``ratecycle data fetch`` updates) with progress per provider and the size to expect. When no provider can be
reached the report stops with one line saying what to run; a stale store that cannot be refreshed is used as it is.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import RatecycleError
from .catalog import CATALOG, SeriesSpec
from .providers.base import get_provider
from .store import Store
from .update import ProviderPool, UpdateResult, freshness, has_live_source, update_many

APPROX_MB = {"fred": 0.3, "yahoo": 1.5, "stooq": 0.5, "kenfrench": 0.3, "shiller": 1.5, "fomc": 4.0}
"""Rough size of one symbol's full download by provider, in MB (the whole history, as served today)."""
CONNECT_TIMEOUT = 3.0


@dataclass(frozen=True)
class Plan:
    """Series the report needs that the store lacks (missing) or holds out of date (stale)."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """True when nothing needs fetching."""
        return not self.missing and not self.stale


def needed() -> list[SeriesSpec]:
    """The series a store-mode report reads from the store: every catalog series with a live source."""
    return [spec for spec in CATALOG.values() if has_live_source(spec)]


def plan(store: Store, today: dt.date, *, check_stale: bool = True) -> Plan:
    """What is missing from the store, and (with ``check_stale``) what is older than its frequency allows."""
    held = store.entries() if store.exists() else {}
    missing, stale = [], []
    for spec in needed():
        entry = held.get(spec.name)
        if entry is None:
            missing.append(spec.name)
        elif check_stale and freshness(spec, entry[0], today).stale:
            stale.append(spec.name)
    return Plan(tuple(missing), tuple(stale))


def provider_address(name: str, options: Mapping[str, object] | None = None) -> tuple[str, int] | None:
    """Host and port a provider talks to (its configured root, environment overrides included)."""
    try:
        provider = get_provider(name, **dict(options or {}))
    except (RatecycleError, ImportError):
        return None
    root = getattr(provider, "api_url", None) if getattr(provider, "api_key", None) else None
    parts = urlsplit(str(root or getattr(provider, "base_url", "")))
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def can_connect(address: tuple[str, int], timeout: float = CONNECT_TIMEOUT) -> str | None:
    """None when a TCP connection to ``address`` opens within ``timeout`` seconds, else why not (one phrase)."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return None
    except socket.gaierror:
        return f"cannot resolve {address[0]} (no DNS: offline?)"
    except TimeoutError:
        return f"no answer from {address[0]}:{address[1]} within {timeout:g}s"
    except OSError as exc:
        return f"cannot connect to {address[0]}:{address[1]} ({exc.strerror or exc})"


def offline_message(store: Store, missing: tuple[str, ...]) -> str:
    """The one line an offline first run prints: what is missing and what to run instead."""
    shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
    return (f"the store {store.path} lacks {len(missing)} series the report needs ({shown}) and no data provider "
            "can be reached (offline?): run 'ratecycle data fetch' on a connected machine, or read a snapshot with "
            "--snapshot DIR (e.g. ratecycle report --snapshot ../shared/data)")


MEETINGS_FAILED_HINT = ("fomc_meetings could not be read from the Federal Reserve's calendar pages: the cycle "
                        "sections need it; import a meeting list with 'ratecycle data import DIR' "
                        "(a snapshot's fred/fomc_meeting_dates.csv)")


def prepare_store(store: Store, *, today: dt.date | None = None, check_stale: bool = True,
                  progress: Callable[[str], None] | None = None,
                  options: Mapping[str, Mapping[str, object]] | None = None) -> list[UpdateResult]:
    """Fetch what a store-mode report needs; offline with series missing is a one-line RatecycleError."""
    say = progress or (lambda _message: None)
    todo = plan(store, today or dt.date.today(), check_stale=check_stale)
    if todo.empty:
        return []
    names = [*todo.missing, *todo.stale]
    by_provider: dict[str, list[str]] = {}
    for name in names:
        by_provider.setdefault(CATALOG[name].provider, []).append(name)
    addresses = [a for a in (provider_address(p, (options or {}).get(p)) for p in by_provider) if a is not None]
    with ThreadPoolExecutor(max_workers=max(1, len(addresses))) as probes:  # all at once: offline is known in seconds
        reasons = list(probes.map(can_connect, addresses))
    if all(reason is not None for reason in reasons):
        if todo.missing:
            raise RatecycleError(offline_message(store, todo.missing))
        say(f"{len(todo.stale)} stored series are out of date and no provider can be reached: "
            "the note uses the stored data")
        return []
    for provider, members in by_provider.items():
        fresh = [m for m in members if m in todo.missing]
        symbols = {s.symbol for m in fresh for s in CATALOG[m].segments}
        size = len(symbols) * APPROX_MB.get(provider, 0.2)
        expect = f", about {size:.1f} MB" if fresh else ", a few kB each"
        say(f"{provider}: {len(members)} series to fetch ({len(fresh)} new{expect})")
    pool = ProviderPool(options=options or {})
    done = [0]

    def report_one(result: UpdateResult) -> None:
        done[0] += 1
        tail = f"{result.rows_after} rows to {result.last}" if result.ok else f"failed: {result.message[:160]}"
        say(f"[{done[0]}/{len(names)}] {result.name}: {tail}")

    specs = [CATALOG[name] for name in names]
    results = update_many(specs, store, providers=pool, done=report_one)
    if any(r.name == "fomc_meetings" and not r.ok for r in results) and store.metadata("fomc_meetings") is None:
        say(MEETINGS_FAILED_HINT)
    return results
