"""``data doctor``: which data services answer from this network, each tried with one tiny request.

Per provider the verdict is *reachable* (data came back and parsed), *refused* (the service answered but would not
serve: a key page, a challenge page, a cookie refusal, an HTTP error), *changed format* (an answer that no longer
parses, an HTML page instead of data) or *unreachable* (no connection within the deadline). Offline (no service
host can be reached at all) is one error raised at once, before any request.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd

from ..errors import DataError, ProviderError, RatecycleError
from .catalog import Segment
from .firstrun import can_connect, provider_address
from .providers.base import get_provider
from .providers.fomc import Meeting

Verdict = Literal["reachable", "refused", "changed format", "unreachable"]
PROVIDERS = ("fred", "yahoo", "stooq", "kenfrench", "shiller", "ishares", "fomc")
DEADLINE = 5.0
"""Seconds allowed to connect and for each read of a doctor request."""
REQUESTS = {
    "fred": "DFF, last two weeks",
    "yahoo": "^GSPC close, last two weeks",
    "stooq": "^spx close, last two weeks",
    "kenfrench": "F-F_Research_Data_Factors (zip, about 30 kB)",
    "shiller": "the publisher's page (its ie_data.xls link)",
    "ishares": "IWM holdings (today's file)",
    "fomc": "the Fed's meeting calendar page (recent years)",
}
"""What each provider's tiny request asks for."""
_TRANSPORT = re.compile(r"cannot connect|connect timeout|read timeout|timeout \(|connection reset|incomplete response")
_FORMAT = re.compile(r"HTML page|not a holdings file|no link to|unexpected answer|unexpected header|"
                     r"page layout changed")


@dataclass(frozen=True)
class Check:
    """One provider's verdict, why, and what the tiny request asked for."""

    provider: str
    verdict: Verdict
    detail: str
    request: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return asdict(self)


def _probe(name: str, provider: Any, today: dt.date) -> tuple[str, str]:
    """Make the provider's tiny request (see REQUESTS); returns (what was asked, what came back)."""
    recent = pd.Timestamp(today) - pd.Timedelta(days=14)
    if name == "fred":
        frame = provider.fetch(Segment("fred", "DFF"), "fed_effective", start=recent)
        return "DFF, last two weeks", f"{len(frame)} observations"
    if name == "yahoo":
        frame = provider.fetch(Segment("yahoo", "^GSPC", "close"), "sp500", start=recent)
        return "^GSPC close, last two weeks", f"{len(frame)} observations"
    if name == "stooq":
        frame = provider.fetch(Segment("stooq", "^spx", "close"), "sp500", start=recent)
        return "^spx close, last two weeks", f"{len(frame)} observations"
    if name == "kenfrench":
        frame = provider.fetch(Segment("kenfrench", "F-F_Research_Data_Factors", "SMB"), "ff_factors:SMB")
        return "F-F_Research_Data_Factors (zip, about 30 kB)", f"monthly factors to {frame['date'].iloc[-1]:%Y-%m}"
    if name == "shiller":
        location = provider.location("ie_data")
        if location != provider.base_url or location.lower().split("?")[0].endswith((".xls", ".xlsx", ".csv")):
            return "the configured workbook address (not downloaded)", f"explicit address {location}"
        return "the publisher's page (its ie_data.xls link)", f"link found: {provider.workbook_url('ie_data')}"
    if name == "fomc":
        return REQUESTS["fomc"], _calendar_found(provider.calendar(), today)
    download = provider.download_holdings("IWM")
    return "IWM holdings (today's file)", f"{len(download.holdings.rows)} rows as of {download.holdings.as_of:%Y-%m-%d}"


def _calendar_found(meetings: list[Meeting], today: dt.date) -> str:
    """What the calendar page lists: meetings (cancelled ones left out) over which years, the latest held by today."""
    listed = [m.decision for m in meetings if m.kind != "cancelled"]
    if not listed:
        return f"only cancelled meetings listed ({len(meetings)})"
    held = [d for d in listed if d <= today]
    latest = f"latest decision {held[-1]:%Y-%m-%d}" if held else "none held yet"
    return f"{len(listed)} meetings listed for {listed[0].year}-{listed[-1].year}, {latest}"


def _verdict(exc: Exception) -> Verdict:
    text = str(exc)
    if isinstance(exc, DataError) or _FORMAT.search(text):
        return "changed format"
    if _TRANSPORT.search(text):
        return "unreachable"
    return "refused"


def check(name: str, *, options: Mapping[str, object] | None = None, today: dt.date | None = None) -> Check:
    """Try one provider with its tiny request under a short deadline and one attempt."""
    import time

    started = time.monotonic()
    settings = {"timeout": DEADLINE, "retries": 1, **dict(options or {})}
    asked = REQUESTS.get(name, "-")
    try:
        provider = get_provider(name, **settings)
        asked, found = _probe(name, provider, today or dt.date.today())
        verdict: Verdict = "reachable"
        detail = found
    except (ProviderError, DataError) as exc:
        verdict, detail = _verdict(exc), str(exc)
    return Check(name, verdict, detail, asked, round(time.monotonic() - started, 2))


def offline(options: Mapping[str, Mapping[str, object]] | None = None,
            providers: tuple[str, ...] = PROVIDERS) -> str | None:
    """Why no provider host can be reached (the first reason), or None when at least one accepts a connection."""
    addresses = [a for a in (provider_address(p, (options or {}).get(p)) for p in providers) if a is not None]
    if not addresses:
        return "no provider address configured"
    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        reasons = list(pool.map(lambda a: can_connect(a, timeout=2.0), addresses))
    if all(r is not None for r in reasons):
        return str(reasons[0])
    return None


def doctor(*, options: Mapping[str, Mapping[str, object]] | None = None, today: dt.date | None = None,
           providers: tuple[str, ...] = PROVIDERS,
           done: Callable[[Check], None] | None = None) -> list[Check]:
    """Check every provider (in parallel); offline is one RatecycleError raised before any request."""
    why = offline(options, providers)
    if why is not None:
        raise RatecycleError(f"offline: no data service can be reached ({why}); read a snapshot with --snapshot DIR, "
                             "or run 'ratecycle data doctor' again once connected")
    with ThreadPoolExecutor(max_workers=len(providers)) as pool:
        futures = [pool.submit(check, p, options=(options or {}).get(p), today=today) for p in providers]
        results = []
        for future in futures:
            result = future.result()
            results.append(result)
            if done is not None:
                done(result)
    return results
