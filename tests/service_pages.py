"""Fakes of the real services as they answer today (2026), for tests on 127.0.0.1.

Each fake speaks the service's current wire format, built from snapshot rows with the csv module (no ratecycle
code), and can answer with the failure pages real users meet: Yahoo's cookie/crumb refusals and 100-year limit,
Stooq's API-key and challenge pages, iShares' HTML page instead of the CSV and another fund's file, Shiller's
publisher page with its versioned workbook link, ALFRED's 2,000-vintage-date limit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from werkzeug import Request, Response

from wire import NEW_YORK, alfred_json, yahoo_chart_json

YAHOO_COOKIE = "A3=d=AQABBGv0ZWcCEBxP&S=AQAAAj6x"
YAHOO_CRUMB = "Xq7.bJ0mNc2"
YAHOO_UNAUTHORIZED = {"finance": {"result": None, "error": {
    "code": "Unauthorized", "description": "User is unable to access this feature - "
                                           "https://bit.ly/yahoo-finance-api-feedback"}}}
YAHOO_INVALID_CRUMB = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Crumb"}}}
HUNDRED_YEARS = 100 * 366 * 86400


def _epoch(day: str) -> int:
    d = dt.date.fromisoformat(day)
    return int(dt.datetime(d.year, d.month, d.day, 9, 30, tzinfo=NEW_YORK).timestamp())


class YahooFake:
    """query1.finance.yahoo.com and fc.yahoo.com in one: cookie at ``/``, ``/v1/test/getcrumb``, the chart."""

    def __init__(self, rows: Sequence[dict[str, str]], symbol: str, *, need_cookie: bool = True,
                 need_crumb: bool = False, crumb_answer: tuple[int, bytes] | None = None) -> None:
        self.rows, self.symbol = list(rows), symbol
        self.need_cookie, self.need_crumb = need_cookie, need_crumb
        self.crumb_answer = crumb_answer or (200, YAHOO_CRUMB.encode())
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: Request) -> Response:
        has_cookie = request.cookies.get("A3") == YAHOO_COOKIE.split("=", 1)[1]
        self.requests.append({"path": request.path, "args": dict(request.args), "cookie": has_cookie,
                              "agent": request.headers.get("User-Agent", "")})
        if request.path == "/":  # fc.yahoo.com: 404 with the session cookie
            return Response("", status=404, headers={"Set-Cookie": f"{YAHOO_COOKIE}; Path=/; HttpOnly"})
        if request.path == "/v1/test/getcrumb":
            if not has_cookie:
                return Response("", status=403)
            status, body = self.crumb_answer
            return Response(body, status=status, content_type="text/plain" if body[:1] != b"<" else "text/html")
        if not request.path.startswith("/v8/finance/chart/"):
            return Response("not found", status=404)
        if self.need_cookie and not has_cookie:
            return Response(json.dumps(YAHOO_UNAUTHORIZED), status=401, content_type="application/json")
        if self.need_crumb and request.args.get("crumb") != YAHOO_CRUMB:
            return Response(json.dumps(YAHOO_INVALID_CRUMB), status=401, content_type="application/json")
        period1, period2 = int(request.args["period1"]), int(request.args["period2"])
        if period2 - period1 > HUNDRED_YEARS:
            doc = {"chart": {"result": None, "error": {"code": "Bad Request", "description": (
                f"1d data not available for startTime={period1} and endTime={period2}. Only 100 years worth of day "
                "granularity data are allowed to be fetched per request.")}}}
            return Response(json.dumps(doc), status=400, content_type="application/json")
        rows = [r for r in self.rows if period1 <= _epoch(r["date"]) <= period2]
        doc = json.loads(yahoo_chart_json(rows, self.symbol))
        doc["chart"]["result"][0]["meta"]["firstTradeDate"] = _epoch(self.rows[0]["date"])
        return Response(json.dumps(doc), content_type="application/json")


STOOQ_KEY_PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Stooq</title></head>
<body><p>Pobieranie danych wymaga klucza API. Downloading data requires an API key.</p>
<p>Get your key: <a href="/q/d/?s=^rut&get_apikey">get_apikey</a>, then add &amp;apikey=... to the address.</p>
</body></html>
"""
STOOQ_CHALLENGE_PAGE = b"""<!DOCTYPE html>
<html><head><title>Just a moment...</title></head>
<body><noscript>Enable JavaScript and cookies to continue</noscript>
<div id="challenge-stage">Verifying you are human. This may take a few seconds.</div></body></html>
"""

ISHARES_PRODUCT_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>iShares Russell 2000 ETF | IWM</title></head>
<body><div class="fund-holdings"><a class="icon-xls-export" href="latest-holdings.csv">Detailed Holdings and
Analytics</a></div></body></html>
"""


def ishares_file_for(raw: bytes, fund_name: str) -> bytes:
    """An iShares holdings download with another fund's name on line 1 (the rest as published)."""
    text = raw.decode("utf-8-sig")
    first, rest = text.split("\n", 1)
    return ("\ufeff" + fund_name + ("\r" if first.endswith("\r") else "") + "\n" + rest).encode()


def shiller_page(workbook_url: str) -> bytes:
    """shillerdata.com's page: the ie_data.xls link is a versioned address on the site host's file store."""
    return f"""<!DOCTYPE html>
<html><head><title>Online Data Robert Shiller</title></head><body>
<h4>U.S. Stock Markets 1871-Present and CAPE Ratio</h4>
<p><a href="{workbook_url}" target="_blank">ie_data.xls</a></p>
<p><a href="/downloads/Fig3-1.xls?ver=1778098504874">Home prices</a></p>
</body></html>
""".encode()



class AlfredFake:
    """ALFRED (the FRED API with real-time periods): ``vintagedates`` in pages and ``observations`` that refuses more
    than 2,000 vintage dates per request and clips each value's real-time period to the period asked, as ALFRED does.

    ``vintages`` are (realtime_start, realtime_end, date, value) rows of the whole history.
    """

    def __init__(self, vintages: Sequence[tuple[str, str, str, str]], *, page: int = 10000) -> None:
        self.vintages = list(vintages)
        self.dates = sorted({v[0] for v in self.vintages})
        self.page = page
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        args = dict(request.args)
        self.requests.append({"path": request.path, **args})
        if request.path.endswith("/vintagedates"):
            offset = int(args.get("offset", 0))
            limit = min(int(args.get("limit", self.page)), self.page)
            doc = {"count": len(self.dates), "offset": offset, "limit": limit,
                   "vintage_dates": self.dates[offset:offset + limit]}
            return Response(json.dumps(doc), content_type="application/json")
        low, high = args["realtime_start"], args["realtime_end"]
        inside = [d for d in self.dates if low <= d <= high]
        if len(inside) > 2000:
            doc = {"error_code": 400, "error_message": "Bad Request. This exceeds the maximum number of vintage "
                                                       "dates allowed (2000)."}
            return Response(json.dumps(doc), status=400, content_type="application/json")
        rows = [(max(s, low), min(e, high), d, v) for s, e, d, v in self.vintages if s <= high and e >= low]
        return Response(alfred_json(sorted(rows, key=lambda r: (r[2], r[0]))), content_type="application/json")
