"""Incremental, atomic updates: only missing data plus an overlap is requested, and a failure changes nothing.

Providers here are small objects passed in explicitly; they serve rows read straight from the snapshot
files with the csv module, cut at a chosen date to play the part of an earlier download.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.data.catalog import CATALOG, Segment, get_spec
from ratecycle.data.store import Store
from ratecycle.data.update import freshness, has_live_source, merge, update_many, update_series
from ratecycle.errors import ProviderError

MARKET = {"^RUT": "RUT", "^GSPC": "GSPC", "^rut": "RUT", "IWM": "IWM", "iwm.us": "IWM"}


def raw_rows(snapshot: Path, segment: Segment) -> list[tuple[str, float]]:
    """(date, value) of a segment, read with the csv module from the raw snapshot file."""
    if segment.provider == "fred":
        path, column = snapshot / "fred" / f"{segment.symbol}.csv", segment.symbol
    else:
        path, column = snapshot / "market" / f"{MARKET[segment.symbol]}_daily.csv", segment.field
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["date"], float(r[column])) for r in csv.DictReader(fh) if r[column].strip()]


class FakeRemote:
    """A provider serving snapshot rows up to ``cut`` (the remote's 'today'), recording every request."""

    def __init__(self, name: str, snapshot: Path, cut: str, *, fail: set[str] | None = None,
                 edits: dict[str, float] | None = None, scale: float = 1.0) -> None:
        self.name, self.snapshot, self.cut = name, snapshot, cut
        self.fail, self.edits, self.scale = fail or set(), edits or {}, scale
        self.calls: list[tuple[str, str | None, str | None]] = []

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        self.calls.append((segment.symbol, None if start is None else start.date().isoformat(),
                           None if end is None else end.date().isoformat()))
        if segment.symbol in self.fail:
            raise ProviderError(f"{self.name} {segment.symbol}: HTTP 503 after 4 attempts")
        rows = [(d, self.edits.get(d, v) * self.scale) for d, v in raw_rows(self.snapshot, segment)
                if d <= self.cut and (start is None or d >= start.date().isoformat())]
        return pd.DataFrame({"date": pd.to_datetime([d for d, _ in rows]), "value": [v for _, v in rows]})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.duckdb")


def test_first_then_incremental_fetch(store: Store, snapshot_dir: Path) -> None:
    spec = get_spec("fed_target_upper")
    remote = FakeRemote("fred", snapshot_dir, "2025-06-30")
    first = update_series(spec, store, providers={"fred": remote})
    assert first.status == "updated" and first.rows_before == 0
    assert remote.calls == [("DFEDTAR", None, "2008-12-15"), ("DFEDTARU", "2008-12-16", None)]
    old = raw_rows(snapshot_dir, spec.segments[0])
    new = raw_rows(snapshot_dir, spec.segments[1])
    assert first.rows_after == len(old) + sum(d <= "2025-06-30" for d, _ in new)
    assert first.last == "2025-06-30"

    remote.cut, remote.calls = "2026-08-21", []
    second = update_series(spec, store, providers={"fred": remote})
    # the closed DFEDTAR segment is not asked again; DFEDTARU from 10 days before the last stored date
    assert remote.calls == [("DFEDTARU", "2025-06-20", None)]
    assert second.requests[0].start == "2025-06-20"
    assert second.added == sum(d > "2025-06-30" for d, _ in new) and second.revised == 0
    values = store.read("fed_target_upper").set_index("date")["value"]
    assert len(values) == len(old) + len(new)
    assert values[pd.Timestamp("2025-12-11")] == dict(new)["2025-12-11"] == 3.75
    log = store.log("fed_target_upper")
    assert [(e.requested_start, e.added) for e in log] == [(None, first.rows_after), ("2025-06-20", second.added)]


def test_monthly_overlap_picks_up_revisions(store: Store, snapshot_dir: Path) -> None:
    spec = get_spec("core_pce")
    remote = FakeRemote("fred", snapshot_dir, "2026-03-01")
    update_series(spec, store, providers={"fred": remote})
    raw = dict(raw_rows(snapshot_dir, spec.segments[0]))
    revised_value = raw["2026-01-01"] + 0.06  # a typical BEA revision
    remote.cut, remote.calls, remote.edits = "2026-06-01", [], {"2026-01-01": revised_value}
    result = update_series(spec, store, providers={"fred": remote})
    assert remote.calls == [("PCEPILFE", "2025-09-01", None)]  # six months before 2026-03-01
    assert (result.added, result.revised) == (3, 1)
    values = store.read("core_pce").set_index("date")["value"]
    assert values[pd.Timestamp("2026-01-01")] == revised_value  # the fetched value wins
    assert values[pd.Timestamp("2026-06-01")] == raw["2026-06-01"]
    assert values[pd.Timestamp("2025-08-01")] == raw["2025-08-01"]


def test_unchanged_when_nothing_new(store: Store, snapshot_dir: Path) -> None:
    remote = FakeRemote("fred", snapshot_dir, "2026-08-21")
    update_series(get_spec("ust2y"), store, providers={"fred": remote})
    again = update_series(get_spec("ust2y"), store, providers={"fred": remote}, overlap_days=3)
    assert again.status == "unchanged" and (again.added, again.revised) == (0, 0)
    assert again.requests[0].start == "2026-08-17"


def test_provider_failure_leaves_store_bytes(store: Store, snapshot_dir: Path) -> None:
    remote = FakeRemote("fred", snapshot_dir, "2025-06-30")
    update_series(get_spec("fed_target_upper"), store, providers={"fred": remote})
    before = sha256(store.path)
    remote.cut, remote.fail = "2026-08-21", {"DFEDTARU"}
    result = update_series(get_spec("fed_target_upper"), store, providers={"fred": remote})
    assert result.status == "failed" and "HTTP 503" in result.message
    assert sha256(store.path) == before


def test_partial_download_never_written(store: Store, snapshot_dir: Path) -> None:
    """The first segment downloads fine, the second fails: nothing of the first reaches the store."""
    remote = FakeRemote("fred", snapshot_dir, "2026-08-21", fail={"DFEDTARL"})
    result = update_series(get_spec("fed_target_lower"), store, providers={"fred": remote})
    assert result.status == "failed" and [c[0] for c in remote.calls] == ["DFEDTAR", "DFEDTARL"]
    assert not store.exists() and store.read("fed_target_lower") is None


@pytest.mark.parametrize("fault", ["rebased", "empty", "future", "duplicates"])
def test_validation_failure_leaves_store_bytes(store: Store, snapshot_dir: Path, fault: str) -> None:
    spec = get_spec("russell2000")
    update_series(spec, store, providers={"yahoo": FakeRemote("yahoo", snapshot_dir, "2026-06-30")})
    before = sha256(store.path)

    class Broken(FakeRemote):
        def fetch(self, segment, series, start=None, end=None):  # type: ignore[no-untyped-def]
            frame = super().fetch(segment, series, start, end)
            if fault == "empty":
                return frame.iloc[0:0]
            if fault == "future":
                return pd.concat([frame, pd.DataFrame({"date": [pd.Timestamp("2099-01-02")], "value": [1.0]})])
            if fault == "duplicates":
                return pd.concat([frame, frame.tail(1)])
            return frame

    broken = Broken("yahoo", snapshot_dir, "2026-08-21", scale=1.5 if fault == "rebased" else 1.0)
    result = update_series(spec, store, providers={"yahoo": broken, "stooq": broken}, now=dt.datetime(2026, 8, 22))
    assert result.status == "failed"
    expected = {"rebased": "median 50.0%", "empty": "returned no observations from 2026-06-20",
                "future": "in the future: 2099-01-02", "duplicates": "duplicate dates"}[fault]
    assert expected in result.message
    assert sha256(store.path) == before


def test_fallback_used_when_primary_fails(store: Store, snapshot_dir: Path) -> None:
    spec = get_spec("russell2000")
    yahoo = FakeRemote("yahoo", snapshot_dir, "2026-08-21", fail={"^RUT"})
    stooq = FakeRemote("stooq", snapshot_dir, "2026-08-21")
    result = update_series(spec, store, providers={"yahoo": yahoo, "stooq": stooq})
    assert result.status == "updated" and result.fallback and result.provider == "stooq"
    assert "HTTP 503" in result.message and stooq.calls == [("^rut", None, None)]
    meta = store.metadata("russell2000")
    assert meta is not None and meta.provider == "stooq" and meta.symbol == "^rut[close]"
    assert meta.rows == len(raw_rows(snapshot_dir, Segment("yahoo", "^RUT", "close")))


def test_full_refetch_replaces_rebased_history(store: Store, snapshot_dir: Path) -> None:
    spec = get_spec("iwm")
    update_series(spec, store, providers={"yahoo": FakeRemote("yahoo", snapshot_dir, "2026-08-21")})
    rescaled = FakeRemote("yahoo", snapshot_dir, "2026-08-21", scale=0.5)
    refused = update_series(spec, store, providers={"yahoo": rescaled, "stooq": rescaled})
    assert refused.status == "failed" and "--full iwm" in refused.message
    result = update_series(spec, store, providers={"yahoo": rescaled}, full=True)
    assert result.status == "updated" and result.requests[0].start is None
    raw = dict(raw_rows(snapshot_dir, spec.segments[0]))
    assert store.read("iwm").set_index("date")["value"][pd.Timestamp("2026-08-21")] == raw["2026-08-21"] * 0.5


def test_update_many_keeps_going(store: Store, snapshot_dir: Path) -> None:
    fred = FakeRemote("fred", snapshot_dir, "2026-08-21", fail={"DGS10"})
    specs = [get_spec(n) for n in ("ust10y", "ust2y", "pe_sp500", "pe_russell2000")]
    seen: list[str] = []
    results = update_many(specs, store, providers={"fred": fred}, done=lambda r: seen.append(r.name))
    assert [(r.name, r.status) for r in results] == [("ust10y", "failed"), ("ust2y", "updated"),
                                                     ("pe_sp500", "skipped"), ("pe_russell2000", "skipped")]
    assert seen == ["ust10y", "ust2y", "pe_sp500", "pe_russell2000"]
    assert store.read("ust10y") is None and store.read("ust2y") is not None


def test_missing_provider_is_a_failure(store: Store) -> None:
    spec = dataclasses.replace(CATALOG["fomc_meetings"], segments=(Segment("nowhere", "meetings"),))
    result = update_series(spec, store)
    assert result.status == "failed" and "no live provider for 'nowhere'" in result.message and not store.exists()
    only_given = update_series(get_spec("ust2y"), store, providers={})
    assert only_given.status == "failed" and "provider fred was not supplied" in only_given.message


def test_live_sources() -> None:
    assert has_live_source(get_spec("russell2000")) and has_live_source(get_spec("ff_factors:SMB"))
    assert has_live_source(get_spec("fomc_meetings"))  # the Federal Reserve's calendar pages
    assert not has_live_source(get_spec("pe_sp500")) and not has_live_source(get_spec("pe_russell2000"))


def test_merge_counts() -> None:
    old = pd.DataFrame({"date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]), "value": [1.0, 2.0, 3.0]})
    new = pd.DataFrame({"date": pd.to_datetime(["2026-01-02", "2026-01-03", "2026-01-04"]), "value": [2.0, 3.5, 4.0]})
    frame, revised, added = merge(old, new)
    assert (revised, added) == (1, 1)
    assert frame["value"].tolist() == [1.0, 2.0, 3.5, 4.0]


def test_freshness_gaps_and_staleness(ds, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    spec = get_spec("sp500")
    report = freshness(spec, ds.frame("sp500"), dt.date(2026, 11, 23))
    dates = [pd.Timestamp(d) for d, _ in raw_rows(snapshot_dir, Segment("yahoo", "^GSPC", "close"))]
    by_hand = [(a.date().isoformat(), (b - a).days) for a, b in itertools.pairwise(dates) if (b - a).days > 5]
    assert [(g.after, g.days) for g in report.gaps] == by_hand
    assert ("2001-09-10", 7) in by_hand  # the 9/11 closure named in the provenance notes
    assert (report.last, report.age_days, report.stale) == ("2026-08-21", 94, True)
    fresh = freshness(spec, ds.frame("sp500"), dt.date(2026, 8, 24))
    assert (fresh.age_days, fresh.stale) == (3, False)
    pce = freshness(get_spec("core_pce"), ds.frame("core_pce"), dt.date(2026, 8, 25))
    assert (pce.age_days, pce.stale, pce.gaps) == (85, False, ())  # June is the newest month in late August
    target = freshness(get_spec("fed_target_upper"), ds.frame("fed_target_upper"), dt.date(2026, 8, 22))
    assert target.gaps == () and target.max_gap_days == 1
    user = freshness(get_spec("pe_russell2000"), ds.frame("core_pce"), dt.date(2026, 8, 22))
    assert user.stale is None and user.gaps == ()


class ReadjustedRemote(FakeRemote):
    """Serves adjusted closes re-based for a dividend going ex on ``ex_date``: every earlier close times ``factor``."""

    def __init__(self, snapshot: Path, cut: str, ex_date: str, factor: float) -> None:
        super().__init__("yahoo", snapshot, cut)
        self.ex_date, self.factor = pd.Timestamp(ex_date), factor

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        frame = super().fetch(segment, series, start, end)
        before = frame["date"] < self.ex_date
        return frame.assign(value=frame["value"].where(~before, frame["value"] * self.factor))


def test_incremental_adjusted_close_follows_a_new_dividend(store: Store, snapshot_dir: Path) -> None:
    spec = get_spec("iwm")
    update_series(spec, store, providers={"yahoo": FakeRemote("yahoo", snapshot_dir, "2026-08-14")})
    readjusted = ReadjustedRemote(snapshot_dir, "2026-08-21", ex_date="2026-08-18", factor=0.9965)
    result = update_series(spec, store, providers={"yahoo": readjusted})
    assert result.status == "updated" and result.requests[0].start is not None  # incremental, not a full refetch
    whole = readjusted.fetch(spec.segments[0], "iwm")  # what a full refetch would hold
    stored = store.read("iwm")
    assert list(stored["date"]) == list(whole["date"])
    assert stored["value"].to_numpy() == pytest.approx(whole["value"].to_numpy(), rel=1e-12)
    raw = dict(raw_rows(snapshot_dir, spec.segments[0]))  # independent: the file's adj_close times the factor
    assert stored.set_index("date")["value"][pd.Timestamp("2010-06-01")] == pytest.approx(raw["2010-06-01"] * 0.9965)
