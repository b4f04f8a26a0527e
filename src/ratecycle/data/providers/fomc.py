"""FOMC meeting (decision) dates from the Federal Reserve's own calendar pages.

Two kinds of page, parsed from their markup as published:

* ``/monetarypolicy/fomccalendars.htm``, the recent years (about five): one panel per year headed
  ``<h4>YYYY FOMC Meetings</h4>``, one ``row fomc-meeting`` block per meeting holding a ``fomc-meeting__month``
  (``January``, ``Apr/May``) and a ``fomc-meeting__date`` (``27-28``, ``17-18*`` with ``*`` marking a Summary of
  Economic Projections, ``30-1`` across months, ``22 (notation vote)``, ``15 (unscheduled)``);
* ``/monetarypolicy/fomchistorical{YEAR}.htm``, one page per older year: an ``<h5>`` heading per meeting such as
  ``January 31-February 1 Meeting - 2006``, ``April/May 30-1 Meeting - 1996``, ``March 10 Conference Call - 2008``
  or ``October 4 (unscheduled) - 2019``.

The date kept is the last day of each meeting (the day the decision is announced). Unscheduled meetings,
conference calls and notation votes are kept, as the snapshot list keeps them; cancelled meetings are dropped, and
so are meetings after today (the calendar lists the year's scheduled future meetings).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...errors import DataError, ProviderError
from ..catalog import Segment
from .http import Fetched, HttpProvider, within

FED_URL = "https://www.federalreserve.gov"
CALENDAR_PATH = "/monetarypolicy/fomccalendars.htm"
HISTORICAL_PATH = "/monetarypolicy/fomchistorical{year}.htm"
FIRST_YEAR = 1982
"""First year fetched on a full download: the target-rate series (DFEDTAR) starts in 1982."""
SERVICE = "fomc (federalreserve.gov)"

_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_PANEL = re.compile(r"<h4[^>]*>(?:\s|<[^>]+>)*(\d{4})\s+FOMC\s+Meetings", re.IGNORECASE)
_ROW = re.compile(r'class="[^"]*\bfomc-meeting__month\b[^"]*"[^>]*>(.*?)</div>\s*'
                  r'<div[^>]*class="[^"]*\bfomc-meeting__date\b[^"]*"[^>]*>(.*?)</div>', re.IGNORECASE | re.DOTALL)
_H5 = re.compile(r"<h5[^>]*>(.*?)</h5>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"^(?P<m1>[A-Za-z]+)\.?(?:\s*/\s*(?P<m2>[A-Za-z]+)\.?)?\s+(?P<d1>\d{1,2})"
                      r"(?:\s*[-\u2013]\s*(?:(?P<m3>[A-Za-z]+)\.?\s+)?(?P<d2>\d{1,2}))?\b(?P<rest>.*?)"
                      r"\s+[-\u2013]\s+(?P<year>\d{4})\b(?P<tail>.*)$")
_DAYS = re.compile(r"^(?P<d1>\d{1,2})(?:\s*[-\u2013]\s*(?P<d2>\d{1,2}))?\s*\**\s*(?P<rest>.*)$")


def today() -> dt.date:
    """Today's date (a function so tests can fix it)."""
    return dt.date.today()


@dataclass(frozen=True)
class Meeting:
    """One entry of a Fed calendar page: its decision (last) day and its kind as the page labels it."""

    decision: dt.date
    kind: str
    label: str


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _kind(words: str) -> str:
    """The kind of entry from the words around its dates: cancelled, notation vote, unscheduled, call or meeting."""
    lower = words.lower()
    if "cancel" in lower:
        return "cancelled"
    if "notation" in lower:
        return "notation vote"
    if "unscheduled" in lower:
        return "unscheduled"
    if "conference call" in lower:
        return "conference call"
    return "meeting"


def _month(name: str) -> int | None:
    return _MONTHS.get(name.strip().rstrip(".").lower())


def _last_day(year: int, first_month: int, last_month: int, first_day: int, last_day: int) -> dt.date:
    """The decision day; a range whose last day is before its first runs into the next month (``30-1``)."""
    if last_month == first_month and last_day < first_day:
        last_month += 1
    if last_month > 12:
        return dt.date(year + 1, last_month - 12, last_day)
    return dt.date(year + (1 if last_month < first_month else 0), last_month, last_day)


def changed(url: str, what: str, body: bytes = b"") -> ProviderError:
    """The one-line error for a page that no longer has the layout this parser reads."""
    match = _TITLE.search(body[:8192])
    title = f" (page title {_text(match.group(1).decode('utf-8', 'replace'))[:80]!r})" if match else ""
    return ProviderError(f"{SERVICE}: the page layout changed: {what}{title}; read the meeting list from a "
                         f"snapshot ('ratecycle data import DIR') until the parser is updated ({url})")


def parse_calendar(body: bytes, url: str = "fomccalendars.htm") -> list[Meeting]:
    """Every entry of the current calendar page, oldest first; a page without the yearly panels is an error."""
    page = body.decode("utf-8", "replace")
    panels = list(_PANEL.finditer(page))
    if not panels:
        raise changed(url, "no 'YYYY FOMC Meetings' panels", body)
    found: list[Meeting] = []
    for number, panel in enumerate(panels):
        year = int(panel.group(1))
        section = page[panel.end(): panels[number + 1].start() if number + 1 < len(panels) else len(page)]
        for row in _ROW.finditer(section):
            month_text, date_text = _text(row.group(1)), _text(row.group(2))
            months = [_month(m) for m in month_text.split("/")]
            days = _DAYS.match(date_text)
            if not months or None in months or days is None:
                raise changed(url, f"unreadable meeting {month_text!r} {date_text!r} in the {year} panel", body)
            first_day = int(days.group("d1"))
            last_day = int(days.group("d2") or first_day)
            try:
                decision = _last_day(year, months[0] or 0, months[-1] or 0, first_day, last_day)
            except ValueError:
                raise changed(url, f"impossible date {month_text!r} {date_text!r} {year}", body) from None
            found.append(Meeting(decision, _kind(days.group("rest")), f"{month_text} {date_text} {year}"))
    if not found:
        raise changed(url, "no fomc-meeting__month/fomc-meeting__date rows in the yearly panels", body)
    return sorted(found, key=lambda m: m.decision)


def parse_historical(body: bytes, year: int, url: str = "fomchistorical.htm") -> list[Meeting]:
    """The entries of one historical year page (its ``<h5>`` headings of that year), oldest first."""
    page = body.decode("utf-8", "replace")
    found: list[Meeting] = []
    for heading in _H5.finditer(page):
        text = _text(heading.group(1))
        match = _HEADING.match(text)
        if match is None or int(match.group("year")) != year:
            continue
        first_month = _month(match.group("m1"))
        last_month = _month(match.group("m3") or match.group("m2") or match.group("m1"))
        if first_month is None or last_month is None:
            continue
        first_day = int(match.group("d1"))
        last_day = int(match.group("d2") or first_day)
        try:
            decision = _last_day(year, first_month, last_month, first_day, last_day)
        except ValueError:
            raise changed(url, f"impossible date in heading {text!r}", body) from None
        found.append(Meeting(decision, _kind(f"{match.group('rest')} {match.group('tail')}"), text))
    if not found:
        raise changed(url, f"no '<Month> <days> Meeting - {year}' headings", body)
    return _merge_split_meetings(sorted(found, key=lambda m: m.decision))


def _merge_split_meetings(meetings: list[Meeting]) -> list[Meeting]:
    """One two-day meeting listed as two one-day meetings on consecutive days keeps only its last day."""
    merged: list[Meeting] = []
    for meeting in meetings:
        if (merged and merged[-1].kind == meeting.kind == "meeting"
                and meeting.decision - merged[-1].decision == dt.timedelta(days=1)):
            merged[-1] = meeting
        else:
            merged.append(meeting)
    return merged


def decision_dates(meetings: list[Meeting], until: dt.date) -> pd.DataFrame:
    """The observation frame (value 1 per date) of entries held by ``until``, cancelled ones left out."""
    days = sorted({m.decision for m in meetings if m.kind != "cancelled" and m.decision <= until})
    return pd.DataFrame({"date": pd.to_datetime(pd.Series(days, dtype="object")),
                         "value": [1.0] * len(days)})


def check_dates(frame: pd.DataFrame, series: str, now: dt.date) -> pd.DataFrame:
    """Refuse an empty list, unsorted or repeated dates, and any date after tomorrow."""
    if frame.empty:
        raise DataError(f"{SERVICE}: no FOMC meetings on or before {now} in the pages read (series {series})")
    dates = pd.DatetimeIndex(frame["date"])
    if not dates.is_monotonic_increasing or dates.has_duplicates:
        raise DataError(f"{SERVICE}: meeting dates are not strictly increasing (series {series})")
    limit = pd.Timestamp(now) + pd.Timedelta(days=1)
    if dates[-1] > limit:
        raise DataError(f"{SERVICE}: meeting dated after tomorrow: {dates[-1].date()} (series {series})")
    return frame


class Provider(HttpProvider):
    """FOMC decision dates from the current calendar page plus the historical page of each older year."""

    name = "fomc"
    default_url = FED_URL

    def __init__(self, base_url: str | None = None, *, first_year: int = FIRST_YEAR, **options: Any) -> None:
        super().__init__(base_url, **options)
        self.first_year = int(first_year)

    def _page(self, path: str, symbol: str) -> Fetched:
        got = self.http.get(f"{self.base_url}{path}", symbol=symbol)
        if not got.content.strip():
            raise ProviderError(f"{SERVICE} {symbol}: empty response body ({got.url})")
        return got

    def calendar(self) -> list[Meeting]:
        """Every entry of the current calendar page (the recent years), oldest first: one request."""
        got = self._page(CALENDAR_PATH, "calendar")
        return parse_calendar(got.content, got.url)

    def meetings(self, first_year: int) -> list[Meeting]:
        """Entries from ``first_year`` on: the calendar page, then each older year's historical page."""
        current = self.calendar()
        found = list(current)
        for year in range(first_year, min(m.decision.year for m in current)):
            page = self._page(HISTORICAL_PATH.format(year=year), str(year))
            found.extend(parse_historical(page.content, year, page.url))
        return sorted(found, key=lambda m: m.decision)

    def fetch(self, segment: Segment, series: str, start: pd.Timestamp | None = None,
              end: pd.Timestamp | None = None) -> pd.DataFrame:
        """Decision dates in [start, end] (from ``first_year`` without a start), future meetings dropped."""
        if segment.symbol != "meetings":
            raise DataError(f"{SERVICE} has only the symbol 'meetings', not {segment.symbol!r} (series {series})")
        first = max(self.first_year, pd.Timestamp(start).year) if start is not None else self.first_year
        now = today()
        frame = decision_dates(self.meetings(first), now)
        frame = within(frame, start if start is not None else pd.Timestamp(first, 1, 1), end)
        return check_dates(frame, series, now)
