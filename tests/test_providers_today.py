"""The live providers against fakes of today's services: the access each needs and each failure page it meets.

Expected values come from the snapshot files read with the csv module; every failure is one line naming the
service and what to do.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from ratecycle.data.catalog import Segment
from ratecycle.data.providers import fred, ishares, shiller, stooq, yahoo
from ratecycle.errors import ProviderError
from service_pages import (
    ISHARES_PRODUCT_PAGE,
    STOOQ_CHALLENGE_PAGE,
    STOOQ_KEY_PAGE,
    AlfredFake,
    YahooFake,
    ishares_file_for,
    shiller_page,
)
from wire import fred_graph_csv, fred_rows, market_rows, read_rows, shiller_xls, stooq_csv


def _pairs(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["date"].dt.strftime("%Y-%m-%d"), frame["value"].tolist(), strict=True))


def _one_line(exc: pytest.ExceptionInfo[ProviderError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


# -- Yahoo ---------------------------------------------------------------------------------------------------------
def _yahoo(server: HTTPServer, fake: YahooFake) -> yahoo.Provider:
    server.expect_request(re.compile(".*")).respond_with_handler(fake)
    return yahoo.Provider(base_url=server.url_for("/").rstrip("/"), sleep=lambda _s: None, retries=2)


def test_yahoo_cookie_session_and_browser_agent(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "RUT", "2025-09-10", "2025-09-24")
    fake = YahooFake(rows, "^RUT")
    frame = _yahoo(httpserver, fake).fetch(Segment("yahoo", "^RUT", "close"), "russell2000",
                                           pd.Timestamp("2025-09-15"), pd.Timestamp("2025-09-19"))
    assert _pairs(frame) == {r["date"]: float(r["close"]) for r in rows if "2025-09-15" <= r["date"] <= "2025-09-19"}
    assert [r["path"] for r in fake.requests] == ["/", "/v8/finance/chart/^RUT"]
    assert fake.requests[1]["cookie"] and "crumb" not in fake.requests[1]["args"]
    assert fake.requests[1]["agent"].startswith("Mozilla/5.0") and "Chrome/" in fake.requests[1]["agent"]


def test_yahoo_crumb_fallback(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "IWM", "2025-09-22", "2025-10-03")
    fake = YahooFake(rows, "IWM", need_crumb=True)
    provider = _yahoo(httpserver, fake)
    frame = provider.fetch(Segment("yahoo", "IWM", "adj_close"), "iwm")
    assert _pairs(frame) == {r["date"]: float(r["adj_close"]) for r in rows}
    paths = [r["path"] for r in fake.requests]
    assert paths == ["/", "/v8/finance/chart/IWM", "/v1/test/getcrumb", "/v8/finance/chart/IWM"]
    assert fake.requests[-1]["args"]["crumb"] == "Xq7.bJ0mNc2"
    provider.fetch(Segment("yahoo", "IWM", "close"), "iwm")  # the crumb is kept for the session
    assert [r["path"] for r in fake.requests[4:]] == ["/v8/finance/chart/IWM"]


def test_yahoo_crumb_refused_is_one_line(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "IWM", "2025-09-22", "2025-10-03")
    page = b"<!DOCTYPE html>\n<html lang=\"en\"><body>Too Many Requests</body></html>"
    provider = _yahoo(httpserver, YahooFake(rows, "IWM", need_crumb=True, crumb_answer=(200, page)))
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("yahoo", "IWM", "close"), "iwm")
    assert re.match(r"yahoo IWM: Yahoo refused a session crumb .*wait an hour.*--snapshot DIR", _one_line(exc))


def test_yahoo_without_cookie_is_one_line(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "IWM", "2025-09-22", "2025-10-03")
    httpserver.expect_request(re.compile(".*")).respond_with_handler(YahooFake(rows, "IWM"))
    provider = yahoo.Provider(base_url=httpserver.url_for("/").rstrip("/"), cookie_url="http://127.0.0.1:9",
                              sleep=lambda _s: None, retries=2)
    with pytest.raises(ProviderError) as exc:  # no cookie: the chart answers 401 and the crumb page 403
        provider.fetch(Segment("yahoo", "IWM", "close"), "iwm")
    assert re.match(r"yahoo IWM: Yahoo refused a session crumb \(answer ''\)", _one_line(exc))


def test_yahoo_crumb_not_accepted_is_one_line(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = market_rows(snapshot_dir, "IWM", "2025-09-22", "2025-10-03")
    provider = _yahoo(httpserver, YahooFake(rows, "IWM", need_crumb=True, crumb_answer=(200, b"0ther.crumb")))
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("yahoo", "IWM", "close"), "iwm")
    assert re.match(r"yahoo IWM: HTTP 401 \(Invalid Crumb\) even with a session cookie and crumb; Yahoo changed its "
                    r"access rules: fetch later, or read a snapshot with --snapshot DIR", _one_line(exc))


def test_yahoo_full_history_in_one_99_year_request(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = read_rows(snapshot_dir / "market" / "GSPC_daily.csv")
    fake = YahooFake(rows, "^GSPC")
    frame = _yahoo(httpserver, fake).fetch(Segment("yahoo", "^GSPC", "close"), "sp500")
    (chart,) = [r["args"] for r in fake.requests if r["path"].startswith("/v8/")]  # 1927 onwards: one span
    assert int(chart["period2"]) - int(chart["period1"]) == yahoo.MAX_SPAN
    expected = {r["date"]: float(r["close"]) for r in rows if r["close"]}
    assert _pairs(frame) == expected and min(expected) == "1927-12-30"


def test_yahoo_spans_are_adjacent_and_merged(httpserver: HTTPServer, snapshot_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yahoo, "MAX_SPAN", 30 * 365 * 86400)
    rows = read_rows(snapshot_dir / "market" / "GSPC_daily.csv")
    fake = YahooFake(rows, "^GSPC")
    frame = _yahoo(httpserver, fake).fetch(Segment("yahoo", "^GSPC", "close"), "sp500")
    charts = [r["args"] for r in fake.requests if r["path"].startswith("/v8/")]
    assert len(charts) == 4  # 1900 to today in 30-year spans, newest first
    assert all(a["period1"] == b["period2"] for a, b in itertools.pairwise(charts))
    assert _pairs(frame) == {r["date"]: float(r["close"]) for r in rows if r["close"]}


def test_yahoo_refuses_a_span_over_100_years_like_the_service(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    # what the provider used to ask (everything since 1900) is what the service refuses
    rows = market_rows(snapshot_dir, "RUT", "2025-09-10", "2025-09-24")
    httpserver.expect_request(re.compile(".*")).respond_with_handler(YahooFake(rows, "^RUT", need_cookie=False))
    provider = yahoo.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None, retries=1)
    with pytest.raises(ProviderError, match=r"Only 100 years worth of day granularity"):
        provider.http.get(f"{provider.base_url}/v8/finance/chart/^RUT", symbol="^RUT",
                          params={"period1": yahoo.EARLIEST, "period2": int(dt.datetime(2026, 1, 1).timestamp())},
                          error_detail=yahoo._chart_error)


def test_yahoo_429_backoff_then_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("", status=404)
    httpserver.expect_request("/v8/finance/chart/^RUT").respond_with_data(
        "Too Many Requests\r\n", status=429, headers={"Retry-After": "7"})
    sleeps: list[float] = []
    provider = yahoo.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=sleeps.append, retries=3)
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("yahoo", "^RUT", "close"), "russell2000", pd.Timestamp("2025-09-15"))
    assert sleeps == [7.0, 7.0]
    assert re.match(r"yahoo \^RUT: HTTP 429 .* after 3 attempts .*; Yahoo is rate-limiting this network address: "
                    r"wait an hour", _one_line(exc))


# -- Stooq ---------------------------------------------------------------------------------------------------------
def test_stooq_key_page_without_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/q/d/l/").respond_with_data(STOOQ_KEY_PAGE, content_type="text/html; charset=utf-8")
    provider = stooq.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None)
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("stooq", "^rut", "close"), "russell2000")
    assert re.match(r"stooq \^rut: Stooq now requires an API key .*get one at http://127\.0\.0\.1:\d+/q/d/\?s=\^rut"
                    r"&get_apikey and set STOOQ_API_KEY", _one_line(exc))


def test_stooq_key_sent_and_data_read(httpserver: HTTPServer, snapshot_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rows = market_rows(snapshot_dir, "SPY", "2024-09-16", "2024-09-20")
    httpserver.expect_request("/q/d/l/", query_string={"s": "spy.us", "i": "d", "apikey": "k3y"}).respond_with_data(
        stooq_csv(rows), content_type="text/csv")
    httpserver.expect_request("/q/d/l/").respond_with_data(STOOQ_KEY_PAGE, content_type="text/html")
    monkeypatch.setenv("STOOQ_API_KEY", "k3y")
    provider = stooq.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None)
    frame = provider.fetch(Segment("stooq", "spy.us", "close"), "spy")
    assert _pairs(frame) == {r["date"]: float(r["close"]) for r in rows}
    wrong = stooq.Provider(base_url=httpserver.url_for("/").rstrip("/"), api_key="old", sleep=lambda _s: None)
    with pytest.raises(ProviderError) as exc:
        wrong.fetch(Segment("stooq", "spy.us", "close"), "spy")
    message = _one_line(exc)
    assert message.startswith("stooq spy.us: Stooq refused the key in STOOQ_API_KEY") and "apikey=***" in message


def test_stooq_challenge_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/q/d/l/").respond_with_data(STOOQ_CHALLENGE_PAGE, status=200,
                                                           content_type="text/html")
    provider = stooq.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None)
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("stooq", "^spx", "close"), "sp500")
    assert re.match(r"stooq \^spx: Stooq answered a browser check \(challenge page\) instead of data; open "
                    r"stooq\.com once in a browser", _one_line(exc))


# -- iShares -------------------------------------------------------------------------------------------------------
def _raw_iwm(snapshot_dir: Path) -> bytes:
    return (snapshot_dir / "market" / "IWM_holdings_2026-05-05.csv").read_bytes()


def _ishares(server: HTTPServer) -> ishares.Provider:
    return ishares.Provider(base_url=server.url_for("/").rstrip("/"), sleep=lambda _s: None, retries=1)


def test_ishares_product_ids_are_the_funds() -> None:
    # IWN is product 239712; 239714 is the Russell 3000 fund (IWV)
    assert ishares.FUND_PAGES["IWN"].startswith("239712/") and ishares.FUND_PAGES["IWM"].startswith("239710/")
    assert ishares.FUND_PAGES["IWO"].startswith("239709/") and ishares.FUND_PAGES["IVV"].startswith("239726/")
    assert "239714/" not in " ".join(ishares.FUND_PAGES.values())


def test_ishares_iwn_from_its_own_page(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    body = ishares_file_for(_raw_iwm(snapshot_dir), "iShares Russell 2000 Value ETF")
    httpserver.expect_request("/239712/ishares-russell-2000-value-etf/latest-holdings.csv").respond_with_data(
        body, content_type="text/csv")
    download = _ishares(httpserver).download_holdings("IWN")
    assert download.holdings.fund == "iShares Russell 2000 Value ETF" and download.content == body
    assert download.url.endswith("/239712/ishares-russell-2000-value-etf/latest-holdings.csv")


def test_ishares_refuses_another_funds_file(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    body = ishares_file_for(_raw_iwm(snapshot_dir), "iShares Russell 3000 ETF")
    httpserver.expect_request("/239712/ishares-russell-2000-value-etf/latest-holdings.csv").respond_with_data(
        body, content_type="text/csv")
    with pytest.raises(ProviderError) as exc:
        _ishares(httpserver).download_holdings("IWN")
    assert re.match(r"ishares IWN: the file is for 'iShares Russell 3000 ETF', not 'iShares Russell 2000 Value ETF'; "
                    r"refused", _one_line(exc))


def test_ishares_html_instead_of_csv_falls_back(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    page = "/239710/ishares-russell-2000-etf"
    httpserver.expect_request(f"{page}/latest-holdings.csv").respond_with_data(ISHARES_PRODUCT_PAGE,
                                                                               content_type="text/html")
    httpserver.expect_request(f"{page}/1467271812596.ajax").respond_with_data(_raw_iwm(snapshot_dir),
                                                                              content_type="text/csv")
    download = _ishares(httpserver).download_holdings("IWM")
    assert download.content == _raw_iwm(snapshot_dir) and ".ajax?fileType=csv" in download.url


def test_ishares_html_at_both_addresses_is_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(ISHARES_PRODUCT_PAGE, content_type="text/html")
    with pytest.raises(ProviderError) as exc:
        _ishares(httpserver).download_holdings("IWM")
    message = _one_line(exc)
    assert message.startswith("ishares IWM: got an HTML page ('iShares Russell 2000 ETF | IWM') instead of data")
    assert "fallback: ishares IWM: got an HTML page" in message
    assert message.endswith("save the CSV from the fund's page as market/IWM_holdings_<YYYY-MM-DD>.csv in a folder "
                            "and run 'ratecycle data import FOLDER'")


def test_ishares_past_date_unavailable(httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile(".*ajax")).respond_with_data(ISHARES_PRODUCT_PAGE, content_type="text/html")
    with pytest.raises(ProviderError) as exc:
        _ishares(httpserver).download_holdings("IWM", dt.date(2019, 3, 1))
    assert _one_line(exc).endswith("iShares may not publish IWM holdings as of 2019-03-01: try another date or "
                                   "today's file")


# -- FRED graph CSV ------------------------------------------------------------------------------------------------
def test_fred_graph_csv_with_empty_cells(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = fred_rows(snapshot_dir, "DGS10", "2025-12-15", "2026-01-09")
    # today's downloads write a missing day as an empty cell (and older ones as '.'): both are left out
    served = [(d, "" if d in {"2025-12-25", "2026-01-01"} else ("." if d == "2025-12-26" else v)) for d, v in rows]
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_data(fred_graph_csv(served, "DGS10"),
                                                                        content_type="text/csv")
    provider = fred.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None)
    frame = provider.fetch(Segment("fred", "DGS10"), "ust10y")
    assert _pairs(frame) == {d: float(v) for d, v in served if v not in {"", "."}}
    assert "2025-12-25" not in _pairs(frame) and "2025-12-24" in _pairs(frame)


# -- Shiller -------------------------------------------------------------------------------------------------------
def _shiller_rows(snapshot_dir: Path, last: str) -> list[dict[str, str]]:
    rows = read_rows(snapshot_dir / "market" / "shiller_ie_data_monthly.csv")
    return [r for r in rows if "2020" <= r["date"] <= last]


def test_shiller_follows_the_publishers_versioned_link(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    rows = _shiller_rows(snapshot_dir, "9999")
    blob = "/blobby/go/e5e77e0b/downloads/441f0d2c/ie_data.xls"
    httpserver.expect_request("/").respond_with_data(shiller_page(httpserver.url_for(blob) + "?ver=1778098504874"),
                                                     content_type="text/html")
    httpserver.expect_request(blob, query_string={"ver": "1778098504874"}).respond_with_data(
        shiller_xls(rows), content_type="application/vnd.ms-excel")
    provider = shiller.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None,
                                today=dt.date(2026, 8, 20))
    frame = provider.fetch(Segment("shiller", "ie_data", "P"), "shiller:P")
    assert [(d.strftime("%Y-%m"), v) for d, v in zip(frame["date"], frame["value"], strict=True)] == \
        [(r["date"], float(r["P"])) for r in rows if r["P"]]
    assert provider.source_label("ie_data") == httpserver.url_for(blob) + "?ver=1778098504874"


def test_shiller_page_without_a_link(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(b"<html><title>Online Data</title><p>Moved.</p></html>",
                                                     content_type="text/html")
    provider = shiller.Provider(base_url=httpserver.url_for("/").rstrip("/"), sleep=lambda _s: None)
    with pytest.raises(ProviderError) as exc:
        provider.fetch(Segment("shiller", "ie_data", "P"), "shiller:P")
    assert re.match(r"shiller ie_data: no link to ie_data\.xls on the publisher's page .*; the page changed: give the "
                    r"workbook's address with RATECYCLE_SHILLER_URL", _one_line(exc))


def test_shiller_refuses_a_stale_download_but_not_a_local_file(httpserver: HTTPServer, snapshot_dir: Path,
                                                               tmp_path: Path) -> None:
    rows = _shiller_rows(snapshot_dir, "2023-09")  # where the Yale copy stopped
    body = shiller_xls(rows)
    httpserver.expect_request("/~shiller/data/ie_data.xls").respond_with_data(body,
                                                                            content_type="application/vnd.ms-excel")
    url = httpserver.url_for("/~shiller/data/ie_data.xls")
    stale = shiller.Provider(base_url=url, sleep=lambda _s: None, today=dt.date(2026, 12, 4))
    with pytest.raises(ProviderError) as exc:
        stale.fetch(Segment("shiller", "ie_data", "P"), "shiller:P")
    assert _one_line(exc) == (f"shiller ie_data: the workbook downloaded from {url} ends in 2023-09, more than 6 "
                              "months before today (2026-12-04): a stale copy; give the current address from "
                              "shillerdata.com with RATECYCLE_SHILLER_URL, or read a snapshot with --snapshot DIR")
    # six months is the limit: a 2023-09 workbook is still fresh on 2024-03-31
    fresh = shiller.Provider(base_url=url, sleep=lambda _s: None, today=dt.date(2024, 3, 31))
    assert fresh.fetch(Segment("shiller", "ie_data", "P"), "shiller:P")["date"].iloc[-1] == pd.Timestamp("2023-09-01")
    local = tmp_path / "ie_data.xls"
    local.write_bytes(body)
    kept = shiller.Provider(today=dt.date(2026, 12, 4)).fetch(Segment("shiller", str(local), "P"), "shiller:P")
    assert kept["date"].iloc[-1] == pd.Timestamp("2023-09-01")


# -- ALFRED --------------------------------------------------------------------------------------------------------
def _daily_vintages(snapshot_dir: Path) -> list[tuple[str, str, str, str]]:
    """DFF values 2015-2025, each first published the next day and every 7th one revised 30 days later."""
    out = []
    for n, (day, value) in enumerate(fred_rows(snapshot_dir, "DFF", "2015-01-01", "2025-12-31")):
        first = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        if n % 7:
            out.append((first, "9999-12-31", day, value))
            continue
        revised = dt.date.fromisoformat(day) + dt.timedelta(days=30)
        out.append((first, (revised - dt.timedelta(days=1)).isoformat(), day, f"{float(value) + 0.01:.2f}"))
        out.append((revised.isoformat(), "9999-12-31", day, value))
    return out


def test_alfred_more_than_2000_vintage_dates_in_windows(httpserver: HTTPServer, snapshot_dir: Path) -> None:
    vintages = _daily_vintages(snapshot_dir)
    fake = AlfredFake(vintages, page=1500)
    httpserver.expect_request(re.compile("/fred/series/.*")).respond_with_handler(fake)
    provider = fred.Provider(api_url=httpserver.url_for("/").rstrip("/"), api_key="k", sleep=lambda _s: None)
    table = provider.fetch_vintages("DFF")
    windows = [(r["realtime_start"], r["realtime_end"]) for r in fake.requests if r["path"].endswith("observations")]
    assert len(fake.dates) > 4000 and len(windows) == -(-len(fake.dates) // 2000)
    assert sum(r["path"].endswith("vintagedates") for r in fake.requests) == -(-len(fake.dates) // 1500)
    expected = sorted((d, float(v), s, None if e == "9999-12-31" else e) for s, e, d, v in vintages)
    got = sorted(zip(table["date"].dt.strftime("%Y-%m-%d"), table["value"],
                     table["realtime_start"].dt.strftime("%Y-%m-%d"),
                     [None if pd.isna(e) else e.strftime("%Y-%m-%d") for e in table["realtime_end"]], strict=True))
    assert got == expected  # the windows joined again: every vintage exactly as published, none cut in two
    day = dt.date(2020, 3, 20)
    known = fred.known_on(table, day.isoformat())
    assert _pairs(known) == {d: float(v) for s, e, d, v in vintages if s <= day.isoformat() <= e}


def test_alfred_one_request_over_2000_is_refused_like_the_service(httpserver: HTTPServer,
                                                                    snapshot_dir: Path) -> None:
    fake = AlfredFake(_daily_vintages(snapshot_dir))
    httpserver.expect_request(re.compile("/fred/series/.*")).respond_with_handler(fake)
    provider = fred.Provider(api_url=httpserver.url_for("/").rstrip("/"), api_key="k", sleep=lambda _s: None)
    with pytest.raises(ProviderError, match=r"exceeds the maximum number of vintage dates allowed \(2000\)"):
        provider._pages("DFF", {"series_id": "DFF", "api_key": "k", "file_type": "json", "output_type": 1,
                                "realtime_start": "1776-07-04", "realtime_end": "9999-12-31"},
                        lambda body, src: fred.parse_vintages_json(body, series="DFF", source=src))
