"""Federal Reserve FOMC calendar pages in the markup the real site serves (fomccalendars.htm panels with
``fomc-meeting__month``/``fomc-meeting__date`` rows, fomchistorical{YEAR}.htm ``<h5>`` meeting headings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

_ROW = """
        <div class="{shade}row fomc-meeting" ">
            <div class="{shade}fomc-meeting__month col-xs-5 col-sm-3 col-md-2"><strong>{month}</strong></div>

            <div class="fomc-meeting__date col-xs-4 col-sm-9 col-md-10 col-lg-1">{days}</div>
            <div class="col-xs-12 col-md-4 col-lg-2">
               <strong>Statement:</strong><br>
               <a href="/newsevents/pressreleases/monetary{stamp}a.htm">HTML</a><br>
            </div>
            <div class="col-xs-12 col-md-4 col-lg-4 fomc-meeting__minutes">
                <a href="/monetarypolicy/fomcminutes{stamp}.htm">HTML</a>
            </div>
        </div>
"""


def calendar_page(years: Mapping[int, Sequence[tuple[str, str]]]) -> bytes:
    """The current calendar page: one panel per year (newest first), a row per (month text, date text)."""
    panels = []
    for year in sorted(years, reverse=True):
        rows = "".join(_ROW.format(shade="fomc-meeting--shaded " if "*" in days else "", month=month, days=days,
                                   stamp=f"{year}0101") for month, days in years[year])
        panels.append(f'<div class="panel panel-default"><div class="panel-heading"><h4><a id="{40000 + year}">'
                      f'{year} FOMC Meetings</a></h4></div>\n{rows}\n<div class="panel-footer">* Meeting associated '
                      'with a Summary of Economic Projections.</div>\n</div>\n')
    return ("<!DOCTYPE html><html><head><title>Federal Reserve Board - Meeting calendars and information</title>"
            "</head><body><div id=\"article\">" + "".join(panels) + "</div></body></html>").encode()


def historical_page(year: int, headings: Iterable[str], *, bare: bool = False) -> bytes:
    """A historical year page: one panel per meeting heading (bare ``<h5>`` as on pages before 2011)."""
    tag = "<h5>" if bare else '<h5 class="panel-heading panel-heading--shaded">'
    panels = "".join(f'<div class="panel panel-default">{tag}{h}</h5>\n<div class="row divided-row"><div '
                     f'class="col-xs-12 col-md-6"><p><a href="/monetarypolicy/fomcminutes{year}0101.htm">Minutes'
                     "</a></p></div></div></div>\n" for h in headings)
    return (f"<!DOCTYPE html><html><head><title>Federal Reserve Board - FOMC {year} Meetings</title></head><body>"
            f'<div id="article"><h3>{year} FOMC Meetings</h3>{panels}</div></body></html>').encode()


def two_day(decision: dt.date) -> tuple[dt.date, dt.date]:
    """A two-day meeting ending on ``decision``."""
    return decision - dt.timedelta(days=1), decision


def calendar_row(decision: dt.date) -> tuple[str, str]:
    """(month text, date text) of a two-day meeting ending on ``decision`` as the calendar page writes it."""
    first, last = two_day(decision)
    if first.month == last.month:
        return last.strftime("%B"), f"{first.day}-{last.day}"
    return f"{first:%b}/{last:%b}", f"{first.day}-{last.day}"


def historical_heading(decision: dt.date) -> str:
    """The heading of a two-day meeting ending on ``decision`` as a historical page writes it."""
    first, last = two_day(decision)
    if first.month == last.month:
        return f"{last:%B} {first.day}-{last.day} Meeting - {last.year}"
    return f"{first:%B} {first.day}-{last:%B} {last.day} Meeting - {last.year}"
