"""``ratecycle holdings FILE``: sector weights, top names and concentration of a fund; ``ratecycle momentum``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import RatecycleError
from .common import (
    parse_pair,
    print_csv,
    print_json,
    print_table,
    records,
    source,
)
from .options import DataOptions, data_command

if TYPE_CHECKING:
    from ..data.providers.ishares import Holdings

SUMMARY_FIELDS = ["equity_holdings", "top10_weight", "herfindahl", "effective_holdings", "rotation_sectors_weight",
                  "largest_sector", "largest_sector_weight", "published_equity_weight"]
PCT_FIELDS = {"top10_weight", "rotation_sectors_weight", "largest_sector_weight", "published_equity_weight"}


def _resolve(file: str, snapshot: Path | None, fund: str | None = None) -> Path | str:
    """A holdings path; ``snapshot`` means the newest holdings file of --snapshot (of --fund if given);
    ``ishares:FUND`` a download; ``store`` (handled by ``_stored``) the newest stored download."""
    if file.lower().startswith("ishares:"):
        return file
    if file != "snapshot":
        return Path(file)
    from ..data.providers.ishares import newest_holdings_file
    from ..data.providers.snapshot import SnapshotProvider

    if snapshot is None:
        raise RatecycleError("FILE 'snapshot' needs --snapshot DIR (or RATECYCLE_SNAPSHOT)")
    return newest_holdings_file(SnapshotProvider(snapshot).holdings_files(), fund)


def _stored(store: Path | None, fund: str | None) -> Holdings:
    """The newest stored holdings download of ``fund`` (or of the only fund stored when none is named)."""
    from ..data.store import Store

    target = Store(store)
    funds = sorted({h.fund for h in target.holdings_list()})
    if fund is None:
        if len(funds) != 1:
            known = f" (stored: {', '.join(funds)})" if funds else ""
            raise RatecycleError(f"FILE 'store' needs --fund FUND when the store {target.path} does not hold "
                                 f"exactly one fund's holdings{known}")
        fund = funds[0]
    found = target.holdings(fund)
    if not found:
        raise RatecycleError(f"the store {target.path} holds no {fund.upper()} holdings download; run "
                             f"'ratecycle data fetch-holdings {fund.upper()}' or 'ratecycle data import DIR'"
                             + (f" (stored funds: {', '.join(funds)})" if funds else ""))
    return max(found, key=lambda h: h.as_of)


DEFAULT_FUND = "IWM"
"""The fund whose downloads a date picks from when --fund is not given."""


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))


def _dated(day: str, snapshot: Path | None, store: Path | None, fund: str | None) -> Holdings:
    """The download of ``fund`` dated latest on or before ``day``, from the snapshot or the store (whichever
    --snapshot/--store select, as for every command)."""
    from .. import composition as comp
    from .._typing import to_timestamp
    from ..data.asof import as_of

    when = to_timestamp(day)
    name = (fund or DEFAULT_FUND).upper()
    downloads = as_of(source(snapshot, store), when).holdings(name)  # the as-of gate: files dated by then
    found = comp.holdings_on(downloads, when)
    if found is None:
        raise RatecycleError(f"no {name} holdings download dated on or before {when.date()}")
    return found


def _load(file: str, snapshot: Path | None, store: Path | None, fund: str | None) -> Holdings:
    from ..data.providers.ishares import Provider, read_holdings

    if _is_date(file):
        return _dated(file, snapshot, store, fund)
    if file == "store":
        return _stored(store, fund)
    path = _resolve(file, snapshot, fund)
    if isinstance(path, str):
        return Provider().fetch_holdings(path.split(":", 1)[1])
    return read_holdings(path)


@data_command
def holdings_command(
    file: Annotated[str, typer.Argument(help="iShares holdings CSV; 'snapshot' (newest in --snapshot); 'store' "
                                              "(newest stored download); a date YYYY-MM-DD (the download dated "
                                              "latest on or before it); 'ishares:IWM' to download today's file.")],
    top: Annotated[int, typer.Option("--top", help="Number of largest holdings to list.")] = 10,
    compare_with: Annotated[str | None, typer.Option(
        "--compare", help="A second holdings file, word or date to compare (sector weight changes).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Use the download dated latest on or before this date and state its age.")] = None,
    fund: Annotated[str | None, typer.Option("--fund", help="Fund ticker for 'snapshot'/'store', e.g. IWM.")] = None,
    opts: DataOptions = DataOptions(),
) -> None:
    """Sector weights, top holdings and concentration (top-10 weight, Herfindahl, effective number) of a fund."""
    from .. import composition as comp

    if as_of is not None and file not in {"snapshot", "store"} and not _is_date(file):
        raise RatecycleError("--as-of picks a download by date: FILE must be 'snapshot', 'store' or a date")
    if as_of is None and _is_date(file):
        as_of = file  # a date as FILE: the download in force on that date, with its age
    holdings = (_dated(as_of, opts.snapshot, opts.store, fund) if as_of is not None
                else _load(file, opts.snapshot, opts.store, fund))
    conc = comp.concentration(holdings)
    sectors = comp.sector_weights(holdings)
    leaders = comp.top_holdings(holdings, top)
    other = _load(compare_with, opts.snapshot, opts.store, fund) if compare_with else None
    comparison = comp.compare(holdings, other) if other is not None else None
    doc: dict[str, Any] = {"holdings": holdings.to_dict(), "concentration": conc.to_dict(),
                           "sectors": sectors.to_dict(orient="records"), "top": leaders.to_dict(orient="records")}
    if comparison is not None and other is not None:
        doc["compare"] = {"holdings": other.to_dict(), **comparison.to_dict()}
    from .._typing import to_timestamp

    when = to_timestamp(as_of) if as_of is not None else None
    if when is not None:
        doc["as_of"], doc["age_days"] = when.date().isoformat(), comp.age_days(holdings, when)
    if opts.as_json:
        print_json(doc)
        return
    rows = _long_rows(conc.to_dict(), sectors, leaders, comparison)
    if opts.as_csv:
        print_csv(rows, ["section", "item", "value", "value_compare", "difference"])
        return
    title = f"{holdings.fund}, holdings as of {holdings.as_of.date()}"
    if when is not None:
        title += f" ({doc['age_days']} days before {when.date()})"
    summary = [{"measure": k, "value": conc.to_dict()[k]} for k in SUMMARY_FIELDS]
    print_table([{"measure": r["measure"], "value": _show(r["measure"], r["value"])} for r in summary],
                ["measure", "value"], title=title)
    if comparison is None or other is None:
        print_table(records(sectors), ["sector", "weight", "published_weight", "holdings"],
                    title="Sector weights (share of equity market value)", pct_columns=["weight", "published_weight"])
    else:
        print_table(records(comparison.sectors),
                    ["sector", "weight_left", "weight_right", "difference"],
                    title=f"Sectors: {holdings.fund} ({holdings.as_of.date()}) vs {other.fund} "
                          f"({other.as_of.date()})",
                    pct_columns=["weight_left", "weight_right", "difference"])
    print_table(records(leaders),
                ["rank", "ticker", "name", "sector", "weight_mv", "weight", "cumulative_weight"],
                title=f"Top {top} holdings", pct_columns=["weight_mv", "weight", "cumulative_weight"],
                caption="weight_mv: share of equity market value; weight: as published (rounded)")


def _show(measure: str, value: Any) -> str:
    if measure in PCT_FIELDS:
        return f"{value * 100:.2f}%"
    if measure == "herfindahl":
        return f"{value:.6f}"
    if measure == "effective_holdings":
        return f"{value:.1f}"
    return str(value)


def _long_rows(summary: dict[str, Any], sectors: Any, leaders: Any, comparison: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    right = comparison.right.to_dict() if comparison is not None else {}
    for key in SUMMARY_FIELDS:
        other = right.get(key)
        diff = other - summary[key] if isinstance(other, float) and isinstance(summary[key], float) else None
        rows.append({"section": "summary", "item": key, "value": summary[key], "value_compare": other,
                     "difference": diff})
    if comparison is not None:
        for rec in comparison.sectors.to_dict(orient="records"):
            rows.append({"section": "sector", "item": rec["sector"], "value": rec["weight_left"],
                         "value_compare": rec["weight_right"], "difference": rec["difference"]})
    else:
        for rec in sectors.to_dict(orient="records"):
            rows.append({"section": "sector", "item": rec["sector"], "value": rec["weight"]})
    for rec in leaders.to_dict(orient="records"):
        rows.append({"section": "top", "item": rec["ticker"], "value": rec["weight_mv"]})
    return rows


@data_command
def momentum_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use closes on or before this date.")] = None,
    pair: Annotated[str, typer.Option("--pair", help="A,B series names.")] = "russell2000,sp500",
    opts: DataOptions = DataOptions(),
) -> None:
    """Relative momentum of A vs B over 1, 3 and 6 months (A's return relative to B's), point in time."""
    from ..momentum import relative_momentum

    a, b = parse_pair(pair)
    from .._typing import to_timestamp
    from ..data.asof import as_of as gate

    known = gate(opts.source(), to_timestamp(as_of))  # only closes released by the close of --as-of
    result = relative_momentum(known.load(a), known.load(b), as_of, a_name=a, b_name=b)
    rows = [h.to_dict() for h in result.horizons]
    opts.emit(rows, document=result.to_dict(),
              columns=["months", "start", "end", "return_a", "return_b", "relative", "sign"],
              pct_columns=["return_a", "return_b", "relative"],
              title=f"Relative momentum {a} vs {b} as of {result.as_of.date()} (signal {result.signal:+d})")


def register(app: typer.Typer) -> None:
    """Add the ``holdings`` and ``momentum`` commands."""
    app.command("holdings")(holdings_command)
    app.command("momentum")(momentum_command)
