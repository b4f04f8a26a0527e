"""Incremental, atomic updates of stored series (and holdings downloads) from the live providers.

For each segment of a series only what is missing is requested, plus a short overlap (10 days for daily
series, 6 months for monthly ones) so that recent revisions are picked up. Fetched values win over stored
ones; revised values are counted. When any segment of the primary source fails, the fallback sources are
tried in order. Everything is fetched and validated in memory before one transaction writes it, so a
failed or partial download leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DataError, ProviderError, RatecycleError
from .catalog import Segment, SeriesSpec
from .meta import SeriesMeta
from .providers.base import HoldingsProvider, Provider, get_provider
from .store import Store

Status = Literal["updated", "unchanged", "failed", "skipped"]
Progress = Callable[[str, str], None]
"""Called as ``progress(series, message)`` while a series is being updated."""

DAILY_OVERLAP = pd.DateOffset(days=10)
MONTHLY_OVERLAP = pd.DateOffset(months=6)
EVENTS_OVERLAP = pd.DateOffset(years=1)
MAX_LEVEL_SHIFT = 0.01
"""Median relative difference between fetched and stored values on the overlap above which the update is refused."""


@dataclass(frozen=True)
class Request:
    """One provider call made by an update: which segment, from which date (None = full history)."""

    provider: str
    symbol: str
    field: str
    start: str | None
    end: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class UpdateResult:
    """What an update of one series did: status, rows added, values revised, the requests it made."""

    name: str
    status: Status
    provider: str | None = None
    fallback: bool = False
    requests: tuple[Request, ...] = ()
    rows_before: int = 0
    rows_after: int = 0
    added: int = 0
    revised: int = 0
    first: str | None = None
    last: str | None = None
    content_hash: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """False only for a failed update."""
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        doc = asdict(self)
        doc["requests"] = [r.to_dict() for r in self.requests]
        return doc


@dataclass
class ProviderPool:
    """Provider instances by name: injected ones first, else ``get_provider(name, **options)``, built once each.

    With ``only_injected`` no other provider is ever built (tests use it so nothing can reach the network).
    """

    providers: Mapping[str, Provider] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    only_injected: bool = False
    _built: dict[str, Provider] = field(default_factory=dict, repr=False)

    def get(self, name: str) -> Provider:
        """The provider called ``name``; a provider module that cannot be loaded is a ProviderError."""
        if name in self.providers:
            return self.providers[name]
        if self.only_injected:
            raise ProviderError(f"provider {name} was not supplied")
        if name not in self._built:
            try:
                self._built[name] = get_provider(name, **dict(self.options.get(name, {})))
            except ImportError as exc:
                raise ProviderError(f"provider {name} is not available ({exc})") from None
        return self._built[name]


def default_overlap(spec: SeriesSpec) -> pd.DateOffset:
    """How far before the last stored date an update re-requests data, by the series' frequency."""
    frequency = spec.frequency.lower()
    if frequency.startswith("monthly"):
        return MONTHLY_OVERLAP
    if frequency.startswith("events"):
        return EVENTS_OVERLAP
    return DAILY_OVERLAP


def fetchable(spec: SeriesSpec) -> bool:
    """True for series a provider can fetch; derived and user-supplied series are never fetched or stored here."""
    return bool(spec.segments) and not spec.derived


def has_live_source(spec: SeriesSpec) -> bool:
    """True when the primary source or a fallback uses only providers with a live implementation.

    A user-supplied series such as ``pe_russell2000`` has none.
    """
    from .providers import base

    live = set(base._MODULES)
    return fetchable(spec) and any(all(s.provider in live for s in alt) for alt in (spec.segments, *spec.fallbacks))


def update_series(
    spec: SeriesSpec,
    store: Store,
    *,
    providers: ProviderPool | Mapping[str, Provider] | None = None,
    overlap_days: int | None = None,
    full: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    allow_outliers: bool = False,
    replace: bool = False,
) -> UpdateResult:
    """Fetch what ``spec`` is missing (plus the overlap), merge, validate and write it in one transaction.

    ``full`` refetches the whole history and replaces the stored series (an answer ending earlier than the
    stored series is refused unless ``replace``). The merged series must pass its plausibility rules
    (``validate.check_series``; ``allow_outliers`` lifts the move bound). Provider and data failures are
    returned as a ``failed`` result (the store is untouched), never raised.
    """
    if not fetchable(spec):
        kind = "derived from other series" if spec.derived else "user-supplied (data import-series)"
        return UpdateResult(spec.name, "skipped", message=f"not fetched: {kind}")
    pool = _pool(providers)
    overlap = pd.DateOffset(days=overlap_days) if overlap_days is not None else default_overlap(spec)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    report = progress or (lambda _name, _message: None)
    try:
        stored = store.entry(spec.name)
    except RatecycleError as exc:
        return UpdateResult(spec.name, "failed", message=str(exc))
    old = stored[0] if stored is not None else None
    alternatives = (spec.segments, *spec.fallbacks)
    errors: list[str] = []
    for number, segments in enumerate(alternatives):
        label = "+".join(f"{s.provider}:{s.symbol}" for s in segments)
        report(spec.name, f"fetching {label}")
        try:
            merged, requests, revised, added = _attempt(spec, segments, old, pool, overlap, full, stamp)
            from .validate import check_series

            check_series(merged, spec, origin=label, on=_today(now), allow_outliers=allow_outliers)
        except RatecycleError as exc:
            errors.append(f"{label}: {exc}")
            continue
        report(spec.name, "writing")
        meta = SeriesMeta(
            name=spec.name, provider=segments[0].provider, symbol=_symbol(segments),
            source=" + ".join(_source_label(pool.get(s.provider), s) for s in segments),
            fetched_at=stamp.isoformat(), first=None, last=None, rows=0, content_hash="",
        )
        starts = [r.start for r in requests]
        first_start = None if not starts or None in starts else min(s for s in starts if s is not None)
        released, note = release_dates(spec, segments, pool, first_start, report)
        if note:
            errors.append(note)
        try:
            written = store.replace(spec.name, merged, meta, requested_start=first_start, added=added,
                                    revised=revised, origin=label, allow_outliers=allow_outliers, replace=replace,
                                    on=_today(now), released=released)
        except RatecycleError as exc:
            return UpdateResult(spec.name, "failed", message=f"write failed: {exc}")
        changed = stored is None or written.content_hash != stored[1].content_hash
        return UpdateResult(
            spec.name, "updated" if changed else "unchanged", provider=written.provider, fallback=number > 0,
            requests=tuple(requests), rows_before=0 if old is None else len(old), rows_after=written.rows,
            added=added, revised=revised, first=written.first, last=written.last,
            content_hash=written.content_hash, message="; ".join(errors),
        )
    return UpdateResult(spec.name, "failed", rows_before=0 if old is None else len(old),
                        rows_after=0 if old is None else len(old), message="; ".join(errors))


def release_dates(spec: SeriesSpec, segments: tuple[Segment, ...], pool: ProviderPool, start: str | None,
                  report: Progress) -> tuple[pd.Series | None, str]:
    """For a series whose release rule reads stored release dates: each observation's first vintage date from
    ALFRED (FRED with FRED_API_KEY), from ``start`` on, and a note; (None, '') when the rule or provider has none.
    A failed vintage request is a note, not a failed update: the catalog's fallback rule then dates those months."""
    from .providers.fred import Provider as FredProvider
    from .providers.fred import first_release

    if spec.release is None or spec.release.kind != "stored_release" or len(segments) != 1:
        return None, ""
    provider = pool.get(segments[0].provider)
    if not isinstance(provider, FredProvider) or not provider.api_key:
        return None, ""
    report(spec.name, f"fetching ALFRED vintage dates of {segments[0].symbol}")
    try:
        firsts = first_release(provider.fetch_vintages(segments[0].symbol, start=start))
    except RatecycleError as exc:
        return None, f"release dates not updated (ALFRED): {exc}"
    return pd.Series(pd.DatetimeIndex(firsts["realtime_start"]), index=pd.DatetimeIndex(firsts["date"]),
                     name=spec.name), ""


def update_many(
    specs: Iterable[SeriesSpec],
    store: Store,
    *,
    providers: ProviderPool | Mapping[str, Provider] | None = None,
    overlap_days: int | None = None,
    full: bool = False,
    progress: Progress | None = None,
    done: Callable[[UpdateResult], None] | None = None,
    allow_outliers: bool = False,
    replace: bool = False,
) -> list[UpdateResult]:
    """Update several series one after another; a failure is reported and the others still run."""
    pool = _pool(providers)
    results = []
    for spec in specs:
        try:
            result = update_series(spec, store, providers=pool, overlap_days=overlap_days, full=full,
                                   progress=progress, allow_outliers=allow_outliers, replace=replace)
        except Exception as exc:  # a provider bug must not stop the other series
            result = UpdateResult(spec.name, "failed", message=f"unexpected {type(exc).__name__}: {exc}")
        results.append(result)
        if done is not None:
            done(result)
    return results


HoldingsStatus = Literal["added", "updated", "unchanged", "failed"]


@dataclass(frozen=True)
class HoldingsUpdate:
    """What a holdings download did: added (new fund/date), updated (file changed), unchanged or failed."""

    fund: str
    status: HoldingsStatus
    as_of: str | None = None
    rows: int = 0
    sha256: str | None = None
    fetched_at: str | None = None
    url: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """False only for a failed download."""
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


def update_holdings(
    fund: str,
    store: Store,
    *,
    as_of: dt.date | None = None,
    providers: ProviderPool | Mapping[str, Provider] | None = None,
    now: dt.datetime | None = None,
) -> HoldingsUpdate:
    """Download ``fund``'s holdings file (today's, or as of a past date) from iShares into the store.

    The file is stored byte for byte under the date it states, replacing a stored file of that fund and
    date only when its bytes differ. Provider and data failures are returned as a ``failed`` result
    (the store is untouched), never raised.
    """
    import hashlib

    from .store import HoldingsFile, holdings_file_name

    symbol = fund.strip().upper()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0).isoformat()
    try:
        provider = _pool(providers).get("ishares")
        if not isinstance(provider, HoldingsProvider):
            raise ProviderError(f"provider {provider.name!r} cannot download holdings")
        download = provider.download_holdings(symbol, as_of)
        day = download.holdings.as_of.date().isoformat()
        digest = hashlib.sha256(download.content).hexdigest()
        before = {h.as_of: h for h in store.holdings_list(symbol)}.get(day)
        rows = len(download.holdings.rows)
        if before is not None and before.sha256 == digest:
            return HoldingsUpdate(symbol, "unchanged", as_of=day, rows=rows, sha256=digest,
                                  fetched_at=before.fetched_at, url=download.url,
                                  message=f"the stored file of {day} is identical")
        store.write_holdings([HoldingsFile(fund=symbol, file_name=holdings_file_name(symbol, day),
                                           content=download.content, provider="ishares", source=download.url,
                                           fetched_at=stamp, origin=download.url)])
    except RatecycleError as exc:
        return HoldingsUpdate(symbol, "failed", message=str(exc))
    return HoldingsUpdate(symbol, "added" if before is None else "updated", as_of=day, rows=rows, sha256=digest,
                          fetched_at=stamp, url=download.url)


# -- one attempt: fetch every segment of one alternative, merge, validate ------------------------------------------
def _attempt(
    spec: SeriesSpec,
    segments: tuple[Segment, ...],
    old: pd.DataFrame | None,
    pool: ProviderPool,
    overlap: pd.DateOffset,
    full: bool,
    now: dt.datetime,
) -> tuple[pd.DataFrame, list[Request], int, int]:
    """Fetch and merge one list of segments; raises on any failure so nothing partial is ever written."""
    requests: list[Request] = []
    parts: list[pd.DataFrame] = []
    for segment in segments:
        have = segment.clip(old) if old is not None and not full else None
        start = _ts(segment.start)
        end = _ts(segment.end)
        if have is not None and not have.empty:
            last = have["date"].iloc[-1]
            if end is not None and last >= end:
                continue  # a closed segment (e.g. DFEDTAR, discontinued in 2008) that is already complete
            start = max(last - overlap, start) if start is not None else last - overlap
        provider = pool.get(segment.provider)
        requests.append(Request(segment.provider, segment.symbol, segment.field, _iso(start), _iso(end)))
        fetched = provider.fetch(segment, spec.name, start=start, end=end)
        part = _valid_fetch(fetched, spec.name, segment)
        part = segment.clip(part)
        if start is not None:
            part = part[part["date"] >= start]
        if have is not None and not have.empty:
            expected = have[have["date"] >= start] if start is not None else have
            if part.empty and not expected.empty:
                raise DataError(f"{segment.provider} {segment.symbol} returned no observations from {_iso(start)} "
                                f"although {len(expected)} are stored there (series {spec.name})")
            if segment.field == "adj_close" and old is not None:
                old = _rebase_adjusted(old, have, part, segment)
        parts.append(part.reset_index(drop=True))
    new = pd.concat(parts, ignore_index=True) if parts else _empty()
    new = new.sort_values("date", kind="stable").reset_index(drop=True)
    dup = new["date"].duplicated()
    if dup.any():
        raise DataError(f"spliced segments overlap on {new.loc[dup, 'date'].iloc[0].date()} (series {spec.name})")
    if old is None or old.empty:
        merged, revised, added = new, 0, len(new)
    else:
        merged, revised, added = merge(old, new)
        if full:
            merged = new  # a full refetch replaces the stored history, rebasing included
        else:
            _check_level(spec.name, old, new)
    _check_merged(spec, merged, now)
    return merged, requests, revised, added


def _rebase_adjusted(old: pd.DataFrame, have: pd.DataFrame, part: pd.DataFrame, segment: Segment) -> pd.DataFrame:
    """Put stored adjusted closes on the basis of a fetch that re-adjusted them (a new dividend or split).

    The provider scales every close before an ex-date by one factor; the fetch shows it on the first date it
    shares with the store, so the stored closes before that date are scaled by the same factor. Shifts above
    ``MAX_LEVEL_SHIFT`` are left to ``_check_level``, which refuses them (a full refetch is needed).
    """
    joined = pd.merge(have, part, on="date", suffixes=("_old", "_new"))
    if joined.empty or joined["value_old"].iloc[0] == 0:
        return old
    first = joined["date"].iloc[0]
    factor = float(joined["value_new"].iloc[0] / joined["value_old"].iloc[0])
    if factor == 1.0 or not abs(factor - 1.0) <= MAX_LEVEL_SHIFT:
        return old
    inside = segment.clip(old)["date"]
    earlier = old["date"].isin(inside[inside < first]).to_numpy()
    values = old["value"].to_numpy(dtype="float64").copy()
    values[earlier] *= factor
    return pd.DataFrame({"date": old["date"].to_numpy(dtype="datetime64[ns]"), "value": values})


def merge(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Union of stored and fetched observations, fetched values winning; returns (frame, revised, added).

    Stored observations the fetch did not return are kept (an update never deletes history).
    """
    old_s = pd.Series(old["value"].to_numpy(), index=pd.DatetimeIndex(old["date"]))
    new_s = pd.Series(new["value"].to_numpy(), index=pd.DatetimeIndex(new["date"]))
    common = new_s.index.intersection(old_s.index)
    revised = int((new_s.loc[common] != old_s.loc[common]).sum())
    added = int((~new_s.index.isin(old_s.index)).sum())
    combined = pd.concat([old_s[~old_s.index.isin(new_s.index)], new_s]).sort_index()
    frame = pd.DataFrame({"date": combined.index.to_numpy(dtype="datetime64[ns]"),
                          "value": combined.to_numpy(dtype="float64")})
    return frame, revised, added


def _check_level(name: str, old: pd.DataFrame, new: pd.DataFrame) -> None:
    """Refuse a fetch whose overlap disagrees with the stored values wholesale (rebased index, wrong symbol)."""
    joined = pd.merge(old, new, on="date", suffixes=("_old", "_new"))
    if joined.empty:
        return
    scale = np.maximum(np.abs(joined["value_old"].to_numpy()), 1e-12)
    relative = np.abs(joined["value_new"].to_numpy() - joined["value_old"].to_numpy()) / scale
    median = float(np.median(relative))
    if median > MAX_LEVEL_SHIFT:
        raise DataError(f"fetched values differ from the stored ones by a median {median:.1%} on "
                        f"{len(joined)} overlapping dates (series {name}); the source may have been rebased: "
                        f"refetch the whole history with 'ratecycle data fetch --full {name}'")


def _check_merged(spec: SeriesSpec, merged: pd.DataFrame, now: dt.datetime) -> None:
    """The frame about to be written: not empty, finite values, nothing dated after today (except events)."""
    if merged.empty:
        raise DataError(f"no observations returned (series {spec.name})")
    if not np.isfinite(merged["value"].to_numpy(dtype="float64")).all():
        raise DataError(f"non-finite value in fetched data (series {spec.name})")
    if not spec.frequency.lower().startswith("events"):
        limit = pd.Timestamp(now.date()) + pd.Timedelta(days=1)
        future = merged["date"] > limit
        if future.any():
            raise DataError(f"observation dated in the future: {merged.loc[future, 'date'].iloc[0].date()} "
                            f"(series {spec.name})")


def _valid_fetch(fetched: object, name: str, segment: Segment) -> pd.DataFrame:
    """Check a provider's answer has the observation-frame shape before it is used."""
    where = f"{segment.provider} {segment.symbol}, series {name}"
    if not isinstance(fetched, pd.DataFrame) or list(fetched.columns)[:2] != ["date", "value"]:
        raise DataError(f"provider answer is not a date,value frame ({where})")
    try:
        dates = pd.DatetimeIndex(fetched["date"])
        values = pd.to_numeric(fetched["value"], errors="raise").to_numpy(dtype="float64")
    except (ValueError, TypeError) as exc:
        raise DataError(f"provider answer has bad dates or values: {exc} ({where})") from None
    if dates.hasnans or not np.isfinite(values).all():
        raise DataError(f"provider answer has missing dates or non-finite values ({where})")
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    frame = pd.DataFrame({"date": dates.normalize().as_unit("ns"), "value": values})
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    if frame["date"].duplicated().any():
        raise DataError(f"provider answer has duplicate dates ({where})")
    return frame


def _today(now: dt.datetime | None) -> dt.date | None:
    """The day the date rules treat as today: that of an injected ``now``, else None (validate.today())."""
    return None if now is None else now.astimezone(dt.UTC).date()


def _pool(providers: ProviderPool | Mapping[str, Provider] | None) -> ProviderPool:
    """A pool from what the caller passed: a plain mapping means 'these providers and no others'."""
    if isinstance(providers, ProviderPool):
        return providers
    if providers is None:
        return ProviderPool()
    return ProviderPool(dict(providers), only_injected=True)


def _source_label(provider: Provider, segment: Segment) -> str:
    labeller = getattr(provider, "source_label", None)
    if callable(labeller):
        try:
            return str(labeller(segment.symbol))
        except Exception:  # a label is provenance text only; fall back to a plain one
            pass
    return f"{getattr(provider, 'name', segment.provider)} {segment.symbol}"


def _symbol(segments: tuple[Segment, ...]) -> str:
    return "+".join(s.symbol + (f"[{s.field}]" if s.field != "value" else "") for s in segments)


def _ts(value: str | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def _iso(value: pd.Timestamp | None) -> str | None:
    return None if value is None else value.date().isoformat()


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]"), "value": pd.Series([], dtype="float64")})


# -- freshness: is a stored series up to date, and does it have holes? ---------------------------------------------
@dataclass(frozen=True)
class Expectation:
    """What a frequency promises: the longest normal gap between observations and the oldest normal last one."""

    max_gap_days: int | None
    max_age_days: int | None


EXPECTATIONS: dict[str, Expectation] = {
    "daily (effective date)": Expectation(1, 7),
    "daily (business days)": Expectation(5, 7),
    "daily": Expectation(5, 7),
    "monthly": Expectation(31, 95),
    "events": Expectation(None, 70),
}
"""Daily gaps allow a weekend plus a holiday; monthly ages allow a publication lag of about two months."""


@dataclass(frozen=True)
class Gap:
    """Two consecutive observations further apart than the frequency allows."""

    after: str
    before: str
    days: int


@dataclass(frozen=True)
class Freshness:
    """Age of the last observation against the frequency (stale flag) and the unexpected gaps of a series."""

    name: str
    frequency: str
    last: str | None
    age_days: int | None
    max_age_days: int | None
    stale: bool | None
    max_gap_days: int | None
    gaps: tuple[Gap, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


def expectation(spec: SeriesSpec) -> Expectation:
    """The expectation for a series' frequency (no expectations for user-supplied series)."""
    frequency = spec.frequency.lower()
    for key in sorted(EXPECTATIONS, key=len, reverse=True):
        if frequency.startswith(key):
            return EXPECTATIONS[key]
    return Expectation(None, None)


def freshness(spec: SeriesSpec, frame: pd.DataFrame, as_of: dt.date) -> Freshness:
    """Days since the last observation (stale when beyond the frequency's allowance) and gaps longer than allowed."""
    rule = expectation(spec)
    if frame.empty:
        return Freshness(spec.name, spec.frequency, None, None, rule.max_age_days, None, rule.max_gap_days, ())
    dates = pd.DatetimeIndex(frame["date"])
    last = dates[-1]
    age = int((pd.Timestamp(as_of) - last).days)
    stale = None if rule.max_age_days is None else age > rule.max_age_days
    gaps: tuple[Gap, ...] = ()
    if rule.max_gap_days is not None and len(dates) > 1:
        steps = np.diff(dates.to_numpy(dtype="datetime64[D]")).astype("int64")
        gaps = tuple(Gap(dates[i].date().isoformat(), dates[i + 1].date().isoformat(), int(steps[i]))
                     for i in np.flatnonzero(steps > rule.max_gap_days).tolist())
    return Freshness(spec.name, spec.frequency, last.date().isoformat(), age, rule.max_age_days, stale,
                     rule.max_gap_days, gaps)

