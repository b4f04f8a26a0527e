"""The one HTTP layer every live provider uses: timeouts, bounds, retries with backoff, and body checks.

Transient faults (connection errors, timeouts, resets, incomplete bodies, HTTP 429 and 5xx) are retried with
exponential backoff plus jitter, honouring ``Retry-After``; other 4xx answers fail at once. Every request has an
overall deadline (a server that drips one byte at a time cannot keep it going), a body is never allowed to grow
beyond a cap once decompressed (a gzip bomb stops at the cap), and all attempts together have a time budget.
Whatever happens, the caller gets either a complete response body or a one-line ProviderError naming provider,
symbol and URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import random
import re
import time
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pandas as pd

from ...errors import ProviderError
from ..files import positive_from_env

if TYPE_CHECKING:  # httpx is imported on first use: commands that read the store never load it
    import httpx

DEFAULT_TIMEOUT = 10.0
"""Seconds allowed for connecting and for each read."""
DEFAULT_DEADLINE = 20.0
"""Seconds one request may take in all, however the bytes trickle in (``RATECYCLE_HTTP_DEADLINE``)."""
DEFAULT_RETRY_BUDGET = 40.0
"""Seconds all attempts of one request may take together, waits included (``RATECYCLE_HTTP_RETRY_BUDGET``)."""
DEFAULT_MAX_MB = 100.0
"""Largest body accepted, in megabytes after decompression (``RATECYCLE_HTTP_MAX_MB``); the largest real
answer (Yahoo's full S&P 500 history) is about 10 MB."""
DEFAULT_RETRIES = 4
"""Attempts in all (the first try included)."""
DEFAULT_BACKOFF = 1.0
"""Seconds before the first retry; doubles with each further attempt."""
MAX_BACKOFF = 60.0
MAX_RETRY_AFTER = 120.0
"""A server's Retry-After is honoured up to this many seconds."""
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/138.0.0.0 Safari/537.36")
"""A current desktop browser's User-Agent: Yahoo and iShares refuse or throttle clients that look like scripts."""

_SECRET_PARAMS = re.compile(r"(api_key|apikey|token)=[^&\s)]*", re.IGNORECASE)


def redact(url: str) -> str:
    """The URL with secrets (``api_key=...``) masked, fit for error messages and provenance."""
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", url)


def base_url_for(name: str, base_url: str | None, default: str, *, env: str | None = None) -> str:
    """The service root: an explicit ``base_url``, else ``$RATECYCLE_<NAME>_URL``, else the real service."""
    if base_url:
        return base_url.rstrip("/")
    variable = env or f"RATECYCLE_{name.upper()}_URL"
    from_env = os.environ.get(variable, "").strip()
    return (from_env or default).rstrip("/")


@dataclass(frozen=True)
class Fetched:
    """A complete response: status, headers, body and the (redacted) URL it came from."""

    url: str
    status: int
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def retry_after_seconds(value: str | None, *, cap: float = MAX_RETRY_AFTER,
                        now: dt.datetime | None = None) -> float | None:
    """Parse a Retry-After header (delay in seconds or an HTTP-date) into seconds, capped; None if absent/invalid."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return min(float(text), cap)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return min(max((when - current).total_seconds(), 0.0), cap)


def limit_from_env(variable: str, default: float) -> float:
    """A positive number from ``$variable`` (a limit a user may change), else ``default``."""
    return positive_from_env(variable, default, error=ProviderError)


class _Refused(Exception):
    """A body refused while it arrived: the deadline passed (retried) or the size went over the cap (not retried)."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


def _describe(exc: Exception, timeout: float) -> str:
    """A short phrase for a transport failure."""
    import httpx

    detail = " ".join(str(exc).split())[:160]
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timeout ({timeout:.3g}s)"
    if isinstance(exc, httpx.ReadTimeout):
        return f"read timeout ({timeout:.3g}s)"
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({timeout:.3g}s)"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({detail or 'connection refused'})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"incomplete response ({detail or 'server closed the connection'})"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        return f"connection reset ({detail or type(exc).__name__})"
    return f"{type(exc).__name__} ({detail})" if detail else type(exc).__name__


class HttpClient:
    """GET with retries for one provider; ``client`` and ``sleep`` are injection points for tests."""

    def __init__(
        self,
        provider: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_retry_after: float = MAX_RETRY_AFTER,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        retry_budget: float | None = None,
        max_bytes: int | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if retries < 1:
            raise ProviderError(f"{provider}: retries must be at least 1, got {retries}")
        self.provider = provider
        self.timeout = float(timeout)
        self.deadline = float(deadline if deadline is not None
                              else limit_from_env("RATECYCLE_HTTP_DEADLINE", DEFAULT_DEADLINE))
        self.retry_budget = float(retry_budget if retry_budget is not None
                                  else limit_from_env("RATECYCLE_HTTP_RETRY_BUDGET", DEFAULT_RETRY_BUDGET))
        self.max_bytes = int(max_bytes if max_bytes is not None
                             else limit_from_env("RATECYCLE_HTTP_MAX_MB", DEFAULT_MAX_MB) * 1_000_000)
        self.clock = clock or time.monotonic
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_retry_after = float(max_retry_after)
        self.client = client
        self.sleep = sleep or time.sleep
        self.rng = rng or random.Random()
        self.headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})}

    def backoff_delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): exponential plus up to 50% jitter."""
        base = min(MAX_BACKOFF, self.backoff * 2.0 ** (attempt - 1))
        return base + self.rng.uniform(0.0, base / 2)

    def get(
        self,
        url: str,
        *,
        symbol: str,
        params: Mapping[str, str | int] | None = None,
        error_detail: Callable[[bytes], str | None] | None = None,
        accept: Collection[int] = (),
    ) -> Fetched:
        """Fetch ``url`` completely, retrying transient faults; raise ProviderError when it cannot.

        Statuses in ``accept`` (e.g. 401 for a provider that renews its session) are returned, not raised.
        """
        import httpx

        shown = redact(f"{url}?{urlencode(params)}" if params else url)
        prefix = f"{self.provider} {symbol}"
        what = "no attempt made"
        started = self.clock()
        attempts = 0
        for attempt in range(1, self.retries + 1):
            delay = self.backoff_delay(attempt)
            left = self.retry_budget - (self.clock() - started)
            if attempt > 1 and left <= 0:
                break
            attempts = attempt
            allowed = min(self.deadline, max(left, 0.001))  # this attempt's share of the deadline and budget
            try:
                response, content = self._send(url, params, allowed)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as exc:
                raise ProviderError(f"{prefix}: {_describe(exc, self.timeout)} ({shown})") from None
            except (httpx.DecodingError, zlib.error) as exc:
                raise ProviderError(f"{prefix}: undecodable response body ({exc}) ({shown})") from None
            except _Refused as exc:
                if not exc.retry:  # the same answer would come again
                    raise ProviderError(f"{prefix}: {exc}, not retried ({shown})") from None
                what = str(exc)
            except httpx.TransportError as exc:
                what = _describe(exc, min(self.timeout, allowed))
            else:
                status = response.status_code
                if 200 <= status < 300:
                    short = _shortfall(response, content)
                    if short is None:
                        return Fetched(url=shown, status=status, content=content.body,
                                       headers={k.lower(): v for k, v in response.headers.items()})
                    what = short
                elif status == 429 or status >= 500:
                    what = f"HTTP {status} {response.reason_phrase or ''}".strip()
                    waited = retry_after_seconds(response.headers.get("retry-after"), cap=self.max_retry_after)
                    if waited is not None:
                        delay = waited
                elif status in accept:
                    return Fetched(url=shown, status=status, content=content.body,
                                   headers={k.lower(): v for k, v in response.headers.items()})
                else:
                    detail = _safe_detail(error_detail, content.body)
                    extra = f": {detail}" if detail else ""
                    raise ProviderError(f"{prefix}: HTTP {status} {response.reason_phrase or ''}{extra}, "
                                        f"not retried ({shown})")
            if attempt < self.retries:
                if delay >= self.retry_budget - (self.clock() - started):
                    break  # the wait alone would spend the budget: give up now rather than at its end
                self.sleep(delay)
        plural = "attempt" if attempts == 1 else "attempts"
        budget = (f" (retry time budget {self.retry_budget:g}s spent)" if attempts < self.retries else "")
        raise ProviderError(f"{prefix}: {what} after {attempts} {plural}{budget} ({shown})")

    def touch(self, url: str) -> int | None:
        """One plain GET whose only purpose is the cookies it sets (kept by the client); the status, None on failure."""
        import httpx

        try:
            return self._send(url, None, self.deadline)[0].status_code
        except (httpx.HTTPError, _Refused, zlib.error):
            return None

    def _send(self, url: str, params: Mapping[str, str | int] | None,
              seconds: float) -> tuple[httpx.Response, _Body]:
        """One GET read to the end within ``seconds`` in all; the body is decompressed here, chunk by chunk,
        so that it can be stopped at ``max_bytes`` before a bomb inflates."""
        if self.client is None:  # one pooled client per provider (building TLS contexts is slow)
            import httpx

            self.client = httpx.Client(timeout=self.timeout, follow_redirects=True)
        ends = self.clock() + seconds
        timeout = min(self.timeout, seconds)
        with self.client.stream("GET", url, params=params, headers=self.headers, timeout=timeout,
                                follow_redirects=True) as response:
            if response.is_stream_consumed:  # an answer built in memory (a test transport), already decoded
                body = _Body("", self.max_bytes)
                body.feed(response.content)
                return response, body
            body = _Body(response.headers.get("content-encoding", ""), self.max_bytes)
            for raw in response.iter_raw():  # each network read as it arrives, so the deadline is checked
                body.feed(raw)
                if self.clock() > ends:
                    raise _Refused(f"deadline of {seconds:.3g}s passed after {body.received:,} bytes "
                                   f"(RATECYCLE_HTTP_DEADLINE)", retry=True)
            body.finish()
        return response, body


class _Body:
    """A response body assembled from raw chunks: counted as received, inflated (gzip/deflate) under a cap."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in {"gzip", "x-gzip", "deflate"}):
            raise _Refused(f"unsupported content encoding {encoding[:40]!r}", retry=False)
        self.decoder = zlib.decompressobj(zlib.MAX_WBITS | 32) if codings else None  # 32: gzip or zlib header
        self.encoded = bool(codings)
        self.max_bytes = max_bytes
        self.received = 0
        self.parts: list[bytes] = []
        self.size = 0

    def feed(self, raw: bytes) -> None:
        """Take one raw chunk; inflate it at most 1 MB at a time so the cap stops a bomb early."""
        self.received += len(raw)
        if self.decoder is None:
            self._keep(raw)
            return
        data = raw
        while data:
            out = self.decoder.decompress(data, 1 << 20)
            self._keep(out)
            data = self.decoder.unconsumed_tail
            if self.decoder.eof and self.decoder.unused_data:  # a further gzip member follows
                data = self.decoder.unused_data
                self.decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)

    def finish(self) -> None:
        """Flush the decoder at the end of the body."""
        if self.decoder is not None:
            self._keep(self.decoder.flush())

    def _keep(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.max_bytes:
            raise _Refused(f"body larger than {self.max_bytes:,} bytes once decompressed (RATECYCLE_HTTP_MAX_MB)",
                           retry=False)
        if out:
            self.parts.append(out)

    @property
    def body(self) -> bytes:
        """The whole (decompressed) body."""
        if len(self.parts) != 1:
            self.parts = [b"".join(self.parts)]
        return self.parts[0]


def _shortfall(response: httpx.Response, content: _Body) -> str | None:
    """'truncated body (n of m bytes)' when fewer bytes arrived than Content-Length says (a cut connection)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and content.received < int(declared):
        return f"truncated body ({content.received} of {declared} bytes)"
    return None


def _safe_detail(extract: Callable[[bytes], str | None] | None, body: bytes) -> str | None:
    """A provider's explanation from an error body, or a short plain-text excerpt; never raises."""
    try:
        if extract is not None:
            found = extract(body)
            if found:
                return " ".join(found.split())[:200]
    except Exception:  # an unparseable error body must not hide the HTTP status
        pass
    text = body[:300].decode("utf-8", "replace").strip()
    if not text or text.startswith("<"):
        return None
    return " ".join(text.split())[:200]


def check_body(fetched: Fetched, prefix: str, *, lines: bool = False) -> bytes:
    """The body if it can be data; an empty body or an HTML page (error page with status 200) is an error.

    With ``lines`` (a CSV of rows) the body must end with a line end after its last row: without one, and
    without a Content-Length to compare with, a connection cut mid-number (3.6 for 3.63) looks complete.
    """
    body = fetched.content
    if not body.strip():
        raise ProviderError(f"{prefix}: empty response body ({fetched.url})")
    if fetched.content_type in {"text/html", "application/xhtml+xml"} or body.lstrip()[:1] == b"<":
        match = re.search(rb"<title[^>]*>(.*?)</title>", body[:4096], re.IGNORECASE | re.DOTALL)
        title = match.group(1).decode("utf-8", "replace").strip()[:80] if match else ""
        page = f" ({title!r})" if title else ""
        raise ProviderError(f"{prefix}: got an HTML page{page} instead of data ({fetched.url})")
    if lines and b"\n" in body.strip() and not body.endswith((b"\n", b"\r")):  # one line: a message
        last = body.rsplit(b"\n", 1)[-1][:40].decode("utf-8", "replace")
        raise ProviderError(f"{prefix}: body cut off: no line end after its last row {last!r} ({fetched.url})")
    return body


class HttpProvider:
    """Shared constructor of the live providers: service root, timeouts, retries and test injection points."""

    name = "http"
    default_url = ""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        deadline: float | None = None,
        retry_budget: float | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.base_url = base_url_for(self.name, base_url, self.default_url)
        self.http = HttpClient(self.name, timeout=timeout, retries=retries, backoff=backoff, client=client,
                               sleep=sleep, rng=rng, deadline=deadline, retry_budget=retry_budget,
                               max_bytes=max_bytes)

    def source_label(self, symbol: str) -> str:
        """Where a symbol is fetched from, for provenance (the service root, without secrets)."""
        return redact(f"{self.base_url} {symbol}")


def within(frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    """Rows of an observation frame dated in [start, end] (either bound optional), index reset."""
    mask = pd.Series(True, index=frame.index)
    if start is not None:
        mask &= frame["date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= frame["date"] <= pd.Timestamp(end)
    return frame.loc[mask].reset_index(drop=True)
