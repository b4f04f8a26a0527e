"""The methods and data-sources appendices: definitions, window conventions, provenance of every series."""

from __future__ import annotations

from ..data.catalog import get_spec
from .context import Context, display
from .fmt import date_text
from .model import Column, Section, Table

DEFINITIONS = (
    "Cutting cycle: an unbroken run of Fed target changes in one direction (here: cuts), read from the FRED target "
    "series (the single target DFEDTAR until 15 Dec 2008, then the upper bound of the range, DFEDTARU). A cycle ends "
    "at a move the other way or after a long gap with no move.",
    "Pause: the longest stretch inside a cycle with no move (or every stretch above a minimum length, depending on "
    "the rule chosen). Early phase: from the first cut to the last cut before the pause. Later phase: from the first "
    "cut after the pause to the last cut of the cycle. A cycle without a qualifying pause has no later phase.",
    "Dates of moves and phases are FOMC announcement days, when markets react; the FRED target changes on the "
    "effective date, usually the next day.",
    "Return: the change of a price index between two closes, as a fraction shown in percent. The Russell 2000 and "
    "S&P 500 series are price indexes (dividends excluded). Spread: return of the first series minus return of the "
    "second, in percentage points. Rebased: a series divided by its close on the start date, times 100.",
    "Point in time: a statement as of a date uses only data that existed on that date. Every series in this report "
    "is read through one as-of gate before any analysis runs: an observation counts only once its series' release "
    "rule says it was public by the close of the as-of date (a target change from the close of its announcement "
    "day, core PCE for month M from the end of month M+1, Shiller earnings three months late; docs/data.md lists "
    "every rule). Only Appendix B looks past the as-of date.",
)

CONVENTIONS = (
    "Window conventions: 'daily' runs from the close of the anchor day to the close N months later (or the last "
    "close before it); 'month_end' from the last close of the anchor's month; 'prior_month_end' from the last close "
    "of the month before the anchor. Each table states the convention and the exact start and end dates used.",
    "A window that would run past the as-of date is cut at the last available close and marked incomplete.",
)


def methods_section(ctx: Context) -> Section:
    """Definitions and window conventions, in plain words."""
    blocks = (*DEFINITIONS, *CONVENTIONS,
              f"The pair compared is {display(ctx.a)} (first) against {display(ctx.b)} (second). "
              "Full definitions: docs/report.md, docs/cycles.md and docs/events.md in the project.")
    return Section("methods", "Methods", blocks, appendix=True)


def data_section(ctx: Context, notes: tuple[str, ...] = ()) -> Section:
    """The provenance of every series the report read, and the table and figure notes the main body leaves out."""
    rows = []
    for name in ctx.data.loaded():
        meta = ctx.data.meta(name)
        spec = get_spec(name)
        rows.append({"series": display(name), "description": spec.description, "provider": meta.provider,
                     "symbol": meta.symbol, "source": meta.source,
                     "fetched_at": meta.fetched_at[:10] or "not recorded",
                     "first": meta.first, "last": meta.last, "rows": meta.rows, "known": ctx.latest_known(name)})
    table = Table(
        title="Data sources used in this report (observations up to the as-of date)",
        columns=(Column("series", "Series"), Column("provider", "Provider"),
                 Column("symbol", "Symbol"), Column("source", "Read from"), Column("fetched_at", "Fetched"),
                 Column("first", "First", "date"), Column("last", "Last dated", "date"), Column("rows", "Rows", "int"),
                 Column("known", "Latest usable on the as-of date")),
        rows=tuple(rows),
        source=f"ratecycle data catalog and provenance ({ctx.full.mode})",
        notes=(f"'Fetched' is when the copy was retrieved, as the data source records it (a raw snapshot file does "
               f"not: see its provenance notes); rows and last date count only observations released by the close of "
               f"{date_text(ctx.as_of)} under each series' release rule (docs/data.md), so a target change counts "
               "from its announcement day and core PCE or Shiller earnings from their publication.",))
    extra = ("Further notes to the tables and figures of the main body:", *notes) if notes else ()
    return Section("data_sources", "Data sources", (table, *extra), appendix=True)
