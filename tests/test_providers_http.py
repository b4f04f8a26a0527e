"""The shared HTTP layer against real local servers: retries, backoff, Retry-After, faults and body checks."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ratecycle.data.providers.http import (
    Fetched,
    HttpClient,
    base_url_for,
    check_body,
    redact,
    retry_after_seconds,
)
from ratecycle.errors import ProviderError
from wire import CLOSE, RESET, http_response, raw_server


def _client(sleeps: list[float], **kw: object) -> HttpClient:
    options: dict[str, object] = {"timeout": 2.0, "retries": 3, "backoff": 0.5, "rng": random.Random(7)}
    options.update(kw)
    return HttpClient("test", sleep=sleeps.append, **options)  # type: ignore[arg-type]


def test_success_returns_whole_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a", query_string="x=1").respond_with_data("date,value\n", content_type="text/csv")
    sleeps: list[float] = []
    got = _client(sleeps).get(httpserver.url_for("/a"), symbol="S", params={"x": 1})
    assert got.status == 200 and got.content == b"date,value\n" and got.content_type == "text/csv"
    assert sleeps == []


def test_500_then_success_is_retried_with_backoff(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/r").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/r").respond_with_data("oops", status=503)
    httpserver.expect_ordered_request("/r").respond_with_data("ok")
    sleeps: list[float] = []
    got = _client(sleeps).get(httpserver.url_for("/r"), symbol="S")
    assert got.content == b"ok"
    # exponential: first wait in [0.5, 0.75], second in [1.0, 1.5] (base doubles, jitter adds up to half)
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 0.75 and 1.0 <= sleeps[1] <= 1.5
    httpserver.check_assertions()


def test_5xx_exhausts_attempts_with_one_line_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=502)
    sleeps: list[float] = []
    with pytest.raises(ProviderError) as info:
        _client(sleeps).get(httpserver.url_for("/down"), symbol="DFF")
    message = str(info.value)
    assert message.startswith("test DFF: HTTP 502")
    assert "after 3 attempts" in message and httpserver.url_for("/down") in message
    assert "\n" not in message
    assert len(sleeps) == 2
    assert len(httpserver.log) == 3


def test_429_retry_after_seconds_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/t").respond_with_data("slow down", status=429, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/t").respond_with_data("ok")
    sleeps: list[float] = []
    assert _client(sleeps).get(httpserver.url_for("/t"), symbol="S").content == b"ok"
    assert sleeps == [3.0]


def test_429_retry_after_http_date_and_cap(httpserver: HTTPServer) -> None:
    when = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=40), usegmt=True)
    httpserver.expect_ordered_request("/d").respond_with_data("", status=429, headers={"Retry-After": when})
    httpserver.expect_ordered_request("/d").respond_with_data("", status=429, headers={"Retry-After": "86400"})
    httpserver.expect_ordered_request("/d").respond_with_data("ok")
    sleeps: list[float] = []
    client = _client(sleeps, max_retry_after=60.0, retry_budget=1000.0)
    assert client.get(httpserver.url_for("/d"), symbol="S").content == b"ok"
    assert 35.0 <= sleeps[0] <= 40.0
    assert sleeps[1] == 60.0


def test_waits_stop_at_the_retry_budget(httpserver: HTTPServer) -> None:
    """Waits count against the total retry time: after one 30 s Retry-After, a second would pass the 40 s budget."""
    httpserver.expect_request("/d").respond_with_data("", status=503, headers={"Retry-After": "30"})
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    client = HttpClient("test", sleep=sleep, clock=lambda: now[0], retry_budget=40.0, retries=5)
    with pytest.raises(ProviderError, match=r"HTTP 503 .* after 2 attempts \(retry time budget 40s spent\)"):
        client.get(httpserver.url_for("/d"), symbol="S")
    assert sleeps == [30.0]


def test_retry_after_parser() -> None:
    now = dt.datetime(2026, 8, 21, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7", now=now) == 7.0
    assert retry_after_seconds("Fri, 21 Aug 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Fri, 21 Aug 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("999", cap=10.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_other_4xx_not_retried_and_detail_shown(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data('{"error_message": "Bad Request. No series."}',
                                                            status=400, content_type="application/json")
    sleeps: list[float] = []
    with pytest.raises(ProviderError, match=r"HTTP 400 BAD REQUEST: from-body, not retried"):
        _client(sleeps).get(httpserver.url_for("/missing"), symbol="S", error_detail=lambda b: "from-body")
    assert sleeps == [] and len(httpserver.log) == 1


def test_read_timeout_is_retried_then_fails() -> None:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)

    def slow(_: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    server.start()
    try:
        sleeps: list[float] = []
        with pytest.raises(ProviderError, match=r"test S: read timeout \(0.2s\) after 2 attempts"):
            _client(sleeps, timeout=0.2, retries=2).get(server.url_for("/slow"), symbol="S")
        assert len(sleeps) == 1
    finally:
        time.sleep(0.5)
        server.clear()
        server.stop()


def test_connection_reset_then_success() -> None:
    ok = http_response(200, b"date,value\n2020-01-01,1\n", content_type="text/csv")
    with raw_server([RESET, CLOSE, ok]) as (url, received):
        sleeps: list[float] = []
        got = _client(sleeps).get(url + "/x", symbol="S")
    assert got.content.endswith(b"2020-01-01,1\n")
    assert len(received) == 3 and len(sleeps) == 2


def test_connection_reset_every_time() -> None:
    pattern = r"test S: (connection reset|incomplete response).* after 2 attempts"
    with raw_server([RESET, RESET]) as (url, _), pytest.raises(ProviderError, match=pattern):
        _client([], retries=2).get(url + "/x", symbol="S")


def test_truncated_body_is_never_data() -> None:
    short = http_response(200, b"date,value\n2020-01-01,1\n", content_type="text/csv", content_length=5000)
    with raw_server([short, short]) as (url, _), pytest.raises(ProviderError, match=r"incomplete response.* after 2"):
        _client([], retries=2).get(url + "/x", symbol="S")


def test_connection_refused() -> None:
    with raw_server([]) as (url, _):
        pass  # the port is closed again now
    with pytest.raises(ProviderError, match=r"cannot connect .* after 2 attempts"):
        _client([], retries=2).get(url + "/x", symbol="S")


def test_check_body_rejects_html_and_empty() -> None:
    html = Fetched("u", 200, b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>",
                   {"content-type": "text/html; charset=utf-8"})
    with pytest.raises(ProviderError, match=r"p S: got an HTML page \('Service Unavailable'\) instead of data \(u\)"):
        check_body(html, "p S")
    sneaky = Fetched("u", 200, b"  <html>maintenance</html>", {"content-type": "text/csv"})
    with pytest.raises(ProviderError, match="HTML page"):
        check_body(sneaky, "p S")
    with pytest.raises(ProviderError, match="empty response body"):
        check_body(Fetched("u", 200, b" \n", {}), "p S")
    assert check_body(Fetched("u", 200, b"a,b\n", {}), "p S") == b"a,b\n"


def test_redact_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert redact("https://x/obs?series_id=DFF&api_key=abc123&file_type=json") == \
        "https://x/obs?series_id=DFF&api_key=***&file_type=json"
    monkeypatch.setenv("RATECYCLE_FRED_URL", "http://127.0.0.1:9/")
    assert base_url_for("fred", None, "https://fred.stlouisfed.org") == "http://127.0.0.1:9"
    assert base_url_for("fred", "http://h:1", "https://fred.stlouisfed.org") == "http://h:1"
    monkeypatch.delenv("RATECYCLE_FRED_URL")
    assert base_url_for("fred", None, "https://fred.stlouisfed.org") == "https://fred.stlouisfed.org"


def test_retries_must_be_positive() -> None:
    with pytest.raises(ProviderError, match="retries must be at least 1"):
        HttpClient("test", retries=0)


def test_body_shorter_than_content_length_is_retried_then_fails() -> None:
    import httpx

    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(200, headers={"Content-Length": "100"}, content=b"date,value\n")
        return httpx.Response(200, content=b"date,value\n2020-01-01,1\n")

    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler))
    got = _client(sleeps, client=client).get("http://test.invalid/a", symbol="S")
    assert got.content == b"date,value\n2020-01-01,1\n" and len(calls) == 2 and len(sleeps) == 1

    always_short = httpx.Client(transport=httpx.MockTransport(
        lambda _: httpx.Response(200, headers={"Content-Length": "100"}, content=b"date,value\n")))
    with pytest.raises(ProviderError, match=r"test S: truncated body \(11 of 100 bytes\) after 3 attempts"):
        _client([], client=always_short).get("http://test.invalid/a", symbol="S")
