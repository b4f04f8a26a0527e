"""The FOMC provider against fakes of the Federal Reserve's calendar pages in their real markup."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fed_pages import calendar_page, historical_page
from ratecycle.data.catalog import CATALOG, Segment
from ratecycle.data.providers import fomc
from ratecycle.data.providers.base import get_provider
from ratecycle.data.store import Store
from ratecycle.data.update import ProviderPool, update_series
from ratecycle.errors import ProviderError

TODAY = dt.date(2026, 8, 20)
CALENDAR = {
    2026: [("January", "27-28"), ("March", "17-18*"), ("April", "28-29"), ("June", "16-17*"), ("July", "28-29"),
           ("September", "15-16*"), ("October", "27-28"), ("December", "8-9*")],
    2025: [("January", "28-29"), ("March", "18-19*"), ("May", "6-7"), ("June", "17-18*"), ("July", "29-30"),
           ("August", "22 (notation vote)"), ("September", "16-17*"), ("October", "28-29")],
    2023: [("Jan/Feb", "31-1"), ("March", "10 (unscheduled)"), ("March", "21-22*"), ("May", "2 (cancelled)")],
}
HELD = ["2023-02-01", "2023-03-10", "2023-03-22",
        "2025-01-29", "2025-03-19", "2025-05-07", "2025-06-18", "2025-07-30", "2025-08-22", "2025-09-17",
        "2025-10-29", "2026-01-28", "2026-03-18", "2026-04-29", "2026-06-17", "2026-07-29"]
"""What CALENDAR holds by TODAY, written out by hand: last days, the notation vote and the unscheduled meeting kept,
the cancelled meeting and the meetings after TODAY left out."""
H2020 = ["January 28-29 Meeting - 2020", "March 3 Conference Call - 2020", "March 15 (unscheduled) Meeting - 2020",
         "March 17-18 (cancelled) Meeting - 2020", "April 28-29 Meeting - 2020", "August 27 (notation vote) - 2020"]
HISTORICAL = {2020: historical_page(2020, H2020),
              2021: historical_page(2021, ["December 14-15 Meeting - 2021"]),
              2022: historical_page(2022, ["July 26-27 Meeting - 2022", "December 13-14 Meeting - 2022"])}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fomc, "today", lambda: TODAY)


def _days(frame: object) -> list[str]:
    return list(frame["date"].dt.strftime("%Y-%m-%d"))  # type: ignore[index]


def test_calendar_page_rows_give_last_days_and_kinds() -> None:
    found = fomc.parse_calendar(calendar_page(CALENDAR))
    kinds = {m.decision.isoformat(): m.kind for m in found}
    assert kinds["2025-08-22"] == "notation vote" and kinds["2023-03-10"] == "unscheduled"
    assert kinds["2023-05-02"] == "cancelled" and kinds["2026-12-09"] == "meeting"
    assert _days(fomc.decision_dates(found, TODAY)) == HELD


def test_historical_headings_of_both_styles() -> None:
    assert [m.decision.isoformat() for m in fomc.parse_historical(HISTORICAL[2020], 2020)] == [
        "2020-01-29", "2020-03-03", "2020-03-15", "2020-03-18", "2020-04-29", "2020-08-27"]
    assert _days(fomc.decision_dates(fomc.parse_historical(HISTORICAL[2020], 2020), TODAY)) == [
        "2020-01-29", "2020-03-03", "2020-03-15", "2020-04-29", "2020-08-27"]
    old = historical_page(2006, ["January 31-February 1 Meeting - 2006", "March 27-28 Meeting - 2006",
                                 "Related information - 2005"], bare=True)
    assert [m.decision.isoformat() for m in fomc.parse_historical(old, 2006)] == ["2006-02-01", "2006-03-28"]
    slash = historical_page(1996, ["April/May 30-1 Meeting - 1996", "September 15 Meeting - 1996",
                                   "September 16 Meeting - 1996"])
    assert [m.decision.isoformat() for m in fomc.parse_historical(slash, 1996)] == ["1996-05-01", "1996-09-16"]


def _serve(httpserver: HTTPServer, pages: dict[str, tuple[int, bytes]]) -> list[str]:
    asked: list[str] = []

    def route(request: Request) -> Response:
        asked.append(request.path)
        status, body = pages.get(request.path, (404, b"<html><title>Page Not Found</title></html>"))
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(route)
    return asked


def _pages() -> dict[str, tuple[int, bytes]]:
    pages = {"/monetarypolicy/fomccalendars.htm": (200, calendar_page(CALENDAR))}
    pages.update({f"/monetarypolicy/fomchistorical{y}.htm": (200, body) for y, body in HISTORICAL.items()})
    return pages


def _provider(httpserver: HTTPServer, **options: object) -> fomc.Provider:
    provider = get_provider("fomc", base_url=httpserver.url_for("/").rstrip("/"), retries=1, first_year=2020,
                            **options)
    assert isinstance(provider, fomc.Provider)
    return provider


def test_fetch_reads_the_calendar_and_each_older_year(httpserver: HTTPServer) -> None:
    asked = _serve(httpserver, _pages())
    frame = _provider(httpserver).fetch(Segment("fomc", "meetings"), "fomc_meetings")
    assert _days(frame) == ["2020-01-29", "2020-03-03", "2020-03-15", "2020-04-29", "2020-08-27", "2021-12-15",
                            "2022-07-27", "2022-12-14", *HELD]
    assert set(frame["value"]) == {1.0}
    assert asked == ["/monetarypolicy/fomccalendars.htm", *(f"/monetarypolicy/fomchistorical{y}.htm"
                                                           for y in (2020, 2021, 2022))]


def test_an_update_from_a_recent_start_reads_only_the_calendar(httpserver: HTTPServer) -> None:
    asked = _serve(httpserver, _pages())
    frame = _provider(httpserver).fetch(Segment("fomc", "meetings"), "fomc_meetings",
                                        start=dt.date(2025, 6, 1))  # type: ignore[arg-type]
    assert _days(frame) == [d for d in HELD if d >= "2025-06-01"]
    assert asked == ["/monetarypolicy/fomccalendars.htm"]


@pytest.mark.parametrize(("path", "body", "status", "expected"), [
    ("/monetarypolicy/fomccalendars.htm", b"<html><head><title>Meeting calendars</title></head><body><table>"
     b"<tr><td>2026</td><td>January 27-28</td></tr></table></body></html>", 200,
     "the page layout changed: no 'YYYY FOMC Meetings' panels (page title 'Meeting calendars')"),
    ("/monetarypolicy/fomccalendars.htm", b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
     b"<body><h1>Sorry</h1><p>The site is down for maintenance.</p></body></html>", 200,
     "(page title 'Service Unavailable')"),
    ("/monetarypolicy/fomchistorical2021.htm", b"<html><head><title>Page Not Found</title></head><body>"
     b"<h5>Search the site</h5></body></html>", 200,
     "no '<Month> <days> Meeting - 2021' headings (page title 'Page Not Found')"),
    ("/monetarypolicy/fomchistorical2022.htm", b"<html><title>Page Not Found</title></html>", 404,
     "fomc 2022: HTTP 404"),
])
def test_a_changed_or_error_page_is_one_line_naming_the_service(
        httpserver: HTTPServer, path: str, body: bytes, status: int, expected: str) -> None:
    pages = _pages()
    pages[path] = (status, body)
    _serve(httpserver, pages)
    with pytest.raises(ProviderError) as caught:
        _provider(httpserver).fetch(Segment("fomc", "meetings"), "fomc_meetings")
    message = str(caught.value)
    assert "\n" not in message and expected in message and path in message
    assert message.startswith("fomc")


def test_an_update_stores_the_list_and_a_failure_leaves_the_store_unchanged(httpserver: HTTPServer,
                                                                           tmp_path: object) -> None:
    pages = _pages()
    _serve(httpserver, pages)
    store = Store(tmp_path / "s.duckdb")  # type: ignore[operator]
    pool = ProviderPool(providers={"fomc": _provider(httpserver)}, only_injected=True)
    result = update_series(CATALOG["fomc_meetings"], store, providers=pool)
    assert result.ok and result.rows_after == 8 + len(HELD) and result.last == "2026-07-29"
    pages["/monetarypolicy/fomccalendars.htm"] = (200, b"<html><title>New design</title></html>")
    again = update_series(CATALOG["fomc_meetings"], store, providers=pool)
    assert not again.ok and "layout changed" in again.message
    stored = store.read("fomc_meetings")
    assert stored is not None and len(stored) == 8 + len(HELD)
