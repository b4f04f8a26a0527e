"""Market sections: rotation window, cycle calendar, phase returns, long history, significance."""

from __future__ import annotations

from typing import Any, get_args

import pandas as pd

from ..cycles import cycles_from_source, long_history_cycles, rules_text
from ..events import (
    NOTE_2025_EARLY_CLAIMS,
    compare_window,
    event_study,
    note_check,
    phase_returns,
    rebased_paths,
    smb_study,
)
from ..events.pair import row_records
from .comparison import calendar_comparison, comparison_blocks
from .context import CONVENTION, Context, Unavailable
from .cyclesview import cutting_cycles, mark_running_phase
from .figures import PALETTE, PHASE_COLORS, line
from .fmt import date_text, pct, pp
from .model import Band, Column, Figure, Section, Table, Trace

PHASE_LABELS = {"early": "early phase", "pause": "pause", "later": "later phase"}


def plain_words(value: object) -> object:
    """Internal option names in a text value as plain words ('prior_month_end' -> 'prior month end')."""
    return value.replace("_", " ") if isinstance(value, str) else value


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    return pd.Timestamp(value).date().isoformat()


def rotation_section(ctx: Context) -> Section:
    """Figure: both series rebased to 100 at the rotation window's start; the window's returns."""
    a_name, b_name = ctx.names
    result = compare_window(ctx.prices(ctx.a), ctx.prices(ctx.b), start=ctx.rotation_start, end=ctx.as_of)
    ctx.facts.rotation = result
    doc = result.to_dict()
    path = result.paths.path.set_index("date")
    traces = (line(a_name, path["a"], PALETTE["a"], digits=2), line(b_name, path["b"], PALETTE["b"], digits=2))
    start, end = doc["start_a"], doc["end_a"]
    figure = Figure(
        title=f"{a_name} vs {b_name}, {date_text(start)} to {date_text(end)}", traces=traces, y_title="Rebased = 100",
        hlines=(100.0,), source=ctx.source(ctx.a, ctx.b),
        notes=(f"Rebased: {date_text(start)} = 100 (close of that day).", "Price indexes, dividends excluded."))
    table = Table(
        title="Returns over the rotation window",
        columns=(Column("series", "Series"), Column("start", "Start close on", "date"),
                 Column("close_start", "Start close", "num"), Column("end", "End close on", "date"),
                 Column("close_end", "End close", "num"), Column("return", "Return", "pct")),
        rows=({"series": a_name, "start": start, "close_start": doc["close_start_a"], "end": end,
               "close_end": doc["close_end_a"], "return": doc["return_a"]},
              {"series": b_name, "start": doc["start_b"], "close_start": doc["close_start_b"], "end": doc["end_b"],
               "close_end": doc["close_end_b"], "return": doc["return_b"]}),
        source=ctx.source(ctx.a, ctx.b), notes=(f"Spread ({a_name} minus {b_name}): {pp(doc['spread'])}.",))
    text = (f"From {date_text(start)} to {date_text(end)} the {a_name} returned {pct(doc['return_a'])} and the "
            f"{b_name} {pct(doc['return_b'])}, a spread of {pp(doc['spread'])} in favour of the "
            f"{a_name if doc['spread'] > 0 else b_name}.")
    if ctx.rotation_start == (ctx.as_of.to_period("M") - 1).to_timestamp():
        text += (" The window starts on the first day of the month before the as-of date, the report's default "
                 "(another start: --rotation-start).")
    return Section("rotation", "The rotation window", (text, figure, table))


def calendar_section(ctx: Context) -> Section:
    """Table: every cutting cycle known at the as-of date, with its pause and phases."""
    cycles = cutting_cycles(ctx)
    if not cycles:
        raise Unavailable("no cutting cycle found in the data up to the as-of date")
    rows = []
    for cycle in cycles:
        pause, later = cycle.pause, cycle.later_phase
        rows.append({"cycle": cycle.label, "start": _iso(cycle.start),
                     "pause_start": _iso(pause.start) if pause else None,
                     "pause_end": _iso(pause.end) if pause else None, "pause_days": pause.days if pause else None,
                     "later_start": _iso(later.start) if later else None, "end": _iso(cycle.end),
                     "cuts": len(cycle.moves), "total_bps": round(cycle.total_change_bps, 4),
                     "ongoing": cycle.ongoing})
    notes = (f"Detected from the target series: {rules_text(ctx.rules)}.",
             "A dash under the pause means the cycle had no qualifying pause (so no later phase).")
    table = Table(
        title="Cutting cycles, pauses and phases (announcement dates)",
        columns=(Column("cycle", "Cycle"), Column("start", "First cut", "date"),
                 Column("pause_start", "Pause from", "date"), Column("pause_end", "Pause to", "date"),
                 Column("pause_days", "Pause days", "int"), Column("later_start", "Later phase from", "date"),
                 Column("end", "Last cut", "date"), Column("cuts", "Cuts", "int"),
                 Column("total_bps", "Total change", "bps"), Column("ongoing", "Ongoing", "flag")),
        rows=tuple(rows), source=ctx.source("fed_target_upper", "fed_target_lower", "fomc_meetings"), notes=notes)
    with_pause = sum(1 for r in rows if r["pause_start"])
    text = (f"{len(rows)} cutting cycles are known on {date_text(ctx.as_of)}; {with_pause} of them have a pause "
            "and so an early and a later phase.")
    return Section("calendar", "Cutting cycles: the calendar", (text, table))


def phases_section(ctx: Context) -> Section:
    """Figure and table: return of each series in the early phase, pause and later phase of each cycle."""
    a_name, b_name = ctx.names
    cycles = cutting_cycles(ctx)
    result = phase_returns(ctx.prices(ctx.a), ctx.prices(ctx.b), cycles, convention=CONVENTION,
                                  months=ctx.months, anchors=("later_start",))
    ctx.facts.phases = result
    rows: list[dict[str, Any]] = []
    for r in row_records(result.rows):
        if r["before_data"]:
            continue
        window = str(r["window"])
        rows.append({"cycle": r["cycle"], "window": PHASE_LABELS.get(window, window.replace("_", " ")),
                     "start": r["start_a"], "end": r["end_a"], "return_a": r["return_a"], "return_b": r["return_b"],
                     "spread": r["spread"], "incomplete": r["incomplete"]})
    mark_running_phase(rows, cycles, {"early phase", "pause", "later phase"})
    bars = [r for r in rows if r["window"] in ("early phase", "later phase") and r["start"] != r["end"]]
    x = tuple(f"{r['cycle'].removeprefix('cut ')} {r['window'].split()[0]}" for r in bars)
    figure = Figure(
        title=f"{a_name} and {b_name} returns in the early and later phase of each cutting cycle",
        traces=(Trace(a_name, x, tuple(r["return_a"] for r in bars), "bar", PALETTE["a"]),
                Trace(b_name, x, tuple(r["return_b"] for r in bars), "bar", PALETTE["b"])),
        y_title="Return", y_percent=True, source=ctx.source(ctx.a, ctx.b),
        notes=("Each phase runs from the close of its first announcement day to the close of its last one.",
               "Phases that start and end on the same day (a single cut) are not drawn.",
               "Windows and exact dates are listed in the next table; partial phases are marked there."))
    table = Table(
        title=f"Phase returns and the {ctx.months} months after the later phase starts",
        columns=(Column("cycle", "Cycle"), Column("window", "Window"), Column("start", "From close", "date"),
                 Column("end", "To close", "date"), Column("return_a", a_name, "pct"),
                 Column("return_b", b_name, "pct"), Column("spread", "Spread", "pp"),
                 Column("incomplete", "Partial", "flag")),
        rows=tuple(rows), source=ctx.source(ctx.a, ctx.b),
        notes=(f"Convention: {CONVENTION} (close of the announcement day).",
               f"Partial: the window runs past {date_text(ctx.as_of)} and ends at the last close before it, or the "
               "phase belongs to a cycle still under way, so later cuts may extend it."))
    after = [r for r in rows if r["window"].startswith(f"{ctx.months}m after") and not r["incomplete"]]
    shown = [r for r in rows if r["window"].startswith(f"{ctx.months}m after") and r["start"] != r["end"]]
    labels = tuple(r["cycle"].removeprefix("cut ") + (" (partial)" if r["incomplete"] else "") for r in shown)
    after_figure = Figure(
        title=f"{a_name} and {b_name} over the {ctx.months} months after each later phase began",
        traces=(Trace(a_name, labels, tuple(r["return_a"] for r in shown), "bar", PALETTE["a"],
                      text=tuple(pct(r["return_a"]) for r in shown)),
                Trace(b_name, labels, tuple(r["return_b"] for r in shown), "bar", PALETTE["b"],
                      text=tuple(pct(r["return_b"]) for r in shown))),
        y_title="Return", y_percent=True, source=ctx.source(ctx.a, ctx.b),
        notes=(f"Each window runs from the close of the later phase's first announcement day for {ctx.months} "
               "months; cycles are labelled by the month they began.",
               f"A partial window ends at the last close on or before {date_text(ctx.as_of)}."))
    phases = [r for r in rows if r["window"] == "later phase" and not r["incomplete"] and r["start"] != r["end"]]
    text = (f"Over the {ctx.months} months after the later phase began, the {a_name} beat the {b_name} in "
            f"{sum(1 for r in after if r['spread'] > 0)} of {len(after)} completed windows ("
            + "; ".join(f"{r['cycle']}: {pct(r['return_a'])} vs {pct(r['return_b'])}" for r in after)
            + f"). Within the later phases themselves (first to last cut after the pause) it was ahead in "
            f"{sum(1 for r in phases if r['spread'] > 0)} of {len(phases)} that lasted more than a day.")
    blocks = (text.strip(), figure, *((after_figure,) if shown else ()), table)
    return Section("phases", "Early and later phase returns", blocks)


def note_audit_section(ctx: Context) -> Section:
    """The seed note's stated figures checked against this data under each window convention."""
    blocks = _note_check(ctx)
    if not blocks:
        raise Unavailable("the seed note compares the Russell 2000 with the S&P 500 only, so it is checked only "
                          "for that pair")
    return Section("note_audit", "Checking the seed note's figures", tuple(blocks))


NOTE_CLAIMS_END = pd.Timestamp("2025-09-17")
"""The seed note's last stated window ends here; its figures can be checked only from this date on."""


def _note_check(ctx: Context) -> list[Any]:
    """The seed note's stated figures against ours under each window convention (Russell 2000 vs S&P 500 only)."""
    if ctx.pair != ("russell2000", "sp500"):
        return []
    if ctx.as_of < NOTE_CLAIMS_END:
        return [f"The seed note's figures refer to windows ending on {date_text(NOTE_CLAIMS_END)}, after the as-of "
                "date, so they are not checked here."]
    from .cyclesview import clip_cycles

    calendar = clip_cycles(cycles_from_source(ctx.data, direction="cut", preset="note-2025"), ctx.as_of)
    result = note_check(ctx.prices(ctx.a), ctx.prices(ctx.b), calendar)
    names = dict(zip(ctx.pair, ctx.names, strict=True))
    table = _claim_table(
        result, names, title="The seed note's figures against this data, by window convention",
        claim_label="Claim in the note", reproduced_label="Reproduced by", with_window=True,
        source=ctx.source(ctx.a, ctx.b, extra="calendar preset note-2025"),
        notes=(f"Reproduced: within {result.tolerance_pp:.1f} pp of the stated figure (or its rounding).",
               "Window that matches: besides the three conventions, windows starting and ending on nearby days (the "
               "month end before, the first trading day of the month, the announcement day, the month end) are "
               "searched; the first that reproduces the figure is named, 'none' when no window does.",
               *result.notes))
    best = result.convention_pairs()[0]
    text = (f"Checking the seed note: the convention pair that reproduces most of its figures is "
            f"{plain_words(best['convention_a'])} for the {ctx.names[0]} and {plain_words(best['convention_b'])} "
            f"for the {ctx.names[1]} "
            f"({best['reproduced']} of {best['claims']} claims), so the note's two indices evidently do not always "
            "share one window. This report uses one convention for both series throughout.")
    gaps = _gap_sentence(result, NOTE_2025_VALUE_CLAIMS)
    return [f"{text} {gaps}" if gaps else text, table, *_early_claims(ctx, note_check, calendar, names)]


NOTE_2025_VALUE_CLAIMS = ("later_2003", "later_2020", "later_2001", "rotation_2025")
"""Claims where the note states a number for both indices, so its gap can be compared with ours."""


def _gap_sentence(result: Any, keys: tuple[str, ...]) -> str:
    """The gap (A minus B) the note states against the gap on one common window under each convention."""
    parts = []
    for claim in result.claims:
        if claim.key not in keys:
            continue
        stated_a, stated_b = (_stated_value(side.stated) for side in (claim.side_a, claim.side_b))
        if stated_a is None or stated_b is None:
            continue
        ours = {conv: claim.side_a.by_convention[conv]["value"] - claim.side_b.by_convention[conv]["value"]
                for conv in ("daily", "month_end")}
        parts.append(f"{claim.key.split('_')[-1]}: stated {pp(stated_a - stated_b)}, "
                     f"{pp(ours['daily'])} daily and {pp(ours['month_end'])} month-end")
    return ("On one common window the gaps the note states change: " + "; ".join(parts) + ".") if parts else ""


def _stated_value(text: str) -> float | None:
    """'+31.9%' -> 0.319; None for a sign or range statement."""
    try:
        return float(text.rstrip("%")) / 100.0
    except ValueError:
        return None


def _claim_table(result: Any, names: dict[str, str], *, title: str, claim_label: str, reproduced_label: str,
                 with_window: bool, source: str, notes: tuple[str, ...]) -> Table:
    """A note-check result as a table: one row per claim and series, our value under each convention."""
    summaries = {c.key: c.summary for c in result.claims}
    rows = tuple({"claim": summaries[r["claim"]], "series": names.get(r["series"], r["series"]),
                  "stated": r["stated"], "daily": r["daily"], "month_end": r["month_end"],
                  "prior_month_end": r["prior_month_end"], "reproduced_by": plain_words(r["reproduced_by"]),
                  **({"window": plain_words(r["window_found"])} if with_window else {})} for r in result.table())
    return Table(
        title=title,
        columns=(Column("claim", claim_label), Column("series", "Series"), Column("stated", "Stated"),
                 Column("daily", "Daily", "pct"), Column("month_end", "Month end", "pct"),
                 Column("prior_month_end", "Prior month end", "pct"), Column("reproduced_by", reproduced_label),
                 *((Column("window", "Window that matches"),) if with_window else ())),
        rows=rows, source=source, notes=notes)


def _early_claims(ctx: Context, note_check: Any, calendar: list[Any], names: dict[str, str]) -> list[Any]:
    """The note's early-phase statements (both indices down in 2001 and 2007-08, both up in 2002-03 and 2019)."""
    result = note_check(ctx.prices(ctx.a), ctx.prices(ctx.b), calendar, claims=NOTE_2025_EARLY_CLAIMS)
    table = _claim_table(
        result, names, title="The seed note's early-phase statements against this data",
        claim_label="Statement in the note", reproduced_label="Sign holds under", with_window=False,
        source=ctx.source(ctx.a, ctx.b, extra="dates from the note's wording (months)"),
        notes=("The note names months only: each window runs from the first cut of the cycle to the end of the month "
               "before the month the note says the pause began.",
               "A window that starts and ends in the same month returns 0 under the month-based conventions."))
    def daily(side: Any) -> dict[str, Any]:
        return dict(side.by_convention["daily"])

    held = [c for c in result.claims if daily(c.side_a)["matches"] and daily(c.side_b)["matches"]]
    failed = [c for c in result.claims if c not in held]
    a, b = ctx.names
    detail = "; ".join(f"the cycle from {c.key.split('_')[-1]} ({a} {pct(daily(c.side_a)['value'])}, "
                       f"{b} {pct(daily(c.side_b)['value'])})" for c in failed)
    text = (f"The note's early-phase statements hold for both indices in {len(held)} of {len(result.claims)} cycles "
            "on daily windows" + (f"; not in {detail}." if failed else "."))
    return [text, table]


def history_section(ctx: Context) -> Section:
    """Figure: both series rebased to 100 over the long run, cycle phases shaded."""
    a_name, b_name = ctx.names
    cycles = cutting_cycles(ctx)
    first = cycles[0].start if cycles else ctx.rotation_start
    start = max(pd.Timestamp(first) - pd.DateOffset(months=6), ctx.prices(ctx.a).index[0], ctx.prices(ctx.b).index[0])
    result = rebased_paths(ctx.prices(ctx.a), ctx.prices(ctx.b), start, start=start, cycles=cycles)
    path = result.path.set_index("date")
    as_of = ctx.as_of.date().isoformat()
    bands = tuple(Band(p["start"], p["end"] or as_of, f"{p['cycle']} {p['phase']}",
                       PHASE_COLORS.get(p["phase"], PHASE_COLORS["pause"]))
                  for p in result.phases if p["start"] >= path.index[0].date().isoformat())
    base_day = _iso(result.base_a)
    both = pd.concat([ctx.prices(ctx.a), ctx.prices(ctx.b)], axis=1, join="inner").dropna()
    ratio = both.iloc[:, 0] / both.iloc[:, 1]  # the whole common history, whatever cycles are shown
    ratio_bands = tuple(Band(p["start"], p["end"] or as_of, f"{p['cycle']} {p['phase']}",
                             PHASE_COLORS.get(p["phase"], PHASE_COLORS["pause"]))
                        for p in result.phases if p["start"] >= ratio.index[0].date().isoformat())
    shading = "Shading: yellow = early phase, grey = pause, green = later phase of each cutting cycle."
    ratio_figure = Figure(
        title=f"{a_name} / {b_name} price ratio since {date_text(ratio.index[0])}, cutting-cycle phases shaded",
        traces=(line(f"{a_name} / {b_name}", ratio, PALETTE["a"], digits=5,
                     hover=f"{a_name} / {b_name}: %{{y:.4f}}"),),
        bands=ratio_bands, y_title=f"{a_name} / {b_name} (log scale)", log_y=True, source=ctx.source(ctx.a, ctx.b),
        notes=(f"{shading} A rising line means the {a_name} is ahead; weekly closes.",))
    figure = Figure(
        title=f"{a_name} and {b_name} since {date_text(base_day)}, rebased, cutting-cycle phases shaded",
        traces=(line(a_name, path["a"], PALETTE["a"], digits=2), line(b_name, path["b"], PALETTE["b"], digits=2)),
        bands=bands, y_title="Rebased = 100 (log scale)", log_y=True, source=ctx.source(ctx.a, ctx.b),
        notes=(f"Rebased: {date_text(base_day)} = 100; weekly closes. {shading}",))
    first_ratio, last_ratio = float(ratio.iloc[0]), float(ratio.iloc[-1])
    text = (f"The {a_name} stood at {first_ratio:.3f} times the {b_name} on {date_text(ratio.index[0])} and at "
            f"{last_ratio:.3f} times on {date_text(ratio.index[-1])}: over the whole period small caps "
            f"{'gained' if last_ratio > first_ratio else 'lost'} {abs(last_ratio / first_ratio - 1):.0%} against "
            "large caps in price terms.")
    return Section("history", "The long view, phases shaded", (text, ratio_figure, figure))


def significance_section(ctx: Context) -> Section:
    """Hit rate, mean spread with its interval, baseline percentile and test; long-history SMB when available."""
    a_name, b_name = ctx.names
    cycles = cutting_cycles(ctx)
    study = event_study(ctx.prices(ctx.a), ctx.prices(ctx.b), cycles, anchor="later_start",
                               months=ctx.months, convention=CONVENTION)
    ctx.facts.study = study
    doc = study.to_dict()
    s = doc["summary"]
    rows = [{"cycle": r["cycle"], "anchor": r["anchor"], "start": r["start_a"], "end": r["end_a"],
             "return_a": r["return_a"], "return_b": r["return_b"], "spread": r["spread"],
             "percentile": None if r["baseline_percentile"] is None else 100 * r["baseline_percentile"],
             "incomplete": r["incomplete"]} for r in doc["rows"] if not r["before_data"]]
    per_cycle = Table(
        title=f"{ctx.months} months after the later phase starts, against all {ctx.months}-month windows",
        columns=(Column("cycle", "Cycle"), Column("anchor", "Later phase from", "date"),
                 Column("start", "From close", "date"), Column("end", "To close", "date"),
                 Column("return_a", a_name, "pct"), Column("return_b", b_name, "pct"),
                 Column("spread", "Spread", "pp"), Column("percentile", "Baseline percentile", "pctile"),
                 Column("incomplete", "Partial", "flag")),
        rows=tuple(rows), source=ctx.source(ctx.a, ctx.b),
        notes=(f"Convention: {CONVENTION}. Partial windows are left out of every statistic.",
               *(f"Left out: {x['cycle']} ({x['reason']})." for x in doc["skipped"]),
               *(f"Left out: {r['cycle']} (its window starts on {date_text(r['anchor'])}, before the data of both "
                 f"series begin on {date_text(_common_start(ctx))})." for r in doc["rows"] if r["before_data"])))
    test = s.get("test") or {}
    base = doc["baseline"] or {}
    stats_rows = (
        {"measure": "Cycles with a complete window (n)", "value": s["n"], "kind": "int"},
        {"measure": f"{a_name} ahead (hits)", "value": s["hits"], "kind": "int"},
        {"measure": "Hit rate", "value": s["hit_rate"], "kind": "pct0"},
        {"measure": "Mean spread", "value": s["mean"], "kind": "pp"},
        {"measure": f"Mean spread, {round(100 * s['ci_level'])}% bootstrap interval",
         "value": _interval(s["mean_ci"]), "kind": "text"},
        {"measure": "Median spread", "value": s["median"], "kind": "pp"},
        {"measure": "Baseline windows (all months, overlapping)", "value": base.get("n"), "kind": "int"},
        {"measure": "Baseline mean spread", "value": base.get("mean"), "kind": "pp"},
        {"measure": "Baseline hit rate", "value": base.get("hit_rate"), "kind": "pct0"},
        {"measure": "Percentile of the mean spread in the baseline",
         "value": None if s["mean_percentile"] is None else 100 * s["mean_percentile"], "kind": "pctile"},
        {"measure": "Permutation test p-value (cycle spreads > random windows)", "value": test.get("p_value"),
         "kind": "p"},
        {"measure": (f"Sign test p-value: at least {s['hits']} of {s['n']} ahead if each cycle were ahead with the "
                     f"baseline hit rate ({_stat(s['sign_test_rate'], 'pct0')})"),
         "value": s.get("sign_test_p"), "kind": "p"},
    )
    stats = Table(
        title="Is the later-phase spread unusual? Summary statistics",
        columns=(Column("measure", "Measure"), Column("display", "Value")),
        rows=tuple({"measure": r["measure"], "value": r["value"], "display": _stat(r["value"], str(r["kind"]))}
                   for r in stats_rows),
        source=ctx.source(ctx.a, ctx.b, extra=f"bootstrap {s['bootstrap_reps']} draws, seed {s['seed']}"),
        notes=(*((s["warning"] or "Small sample: read the interval and p-value as rough.",) if s["small_sample"]
                 else ()), f"Baseline: every {ctx.months}-month window starting in each month of the common history."))
    marks = [(round(100 * float(r["spread"]), 2), str(r["cycle"]).removeprefix("cut "))
             for r in rows if not r["incomplete"]]
    if s["mean"] is not None:
        marks.append((round(100 * float(s["mean"]), 2), "mean"))
    figure = Figure(
        title=f"Distribution of all {ctx.months}-month spreads, {a_name} minus {b_name}, with each cycle marked",
        traces=(Trace("All windows", (), tuple(round(100 * float(v), 2) for v in study.baseline.spreads), "hist",
                      PALETTE["grey"]),) if study.baseline is not None else (),
        vlines=tuple(marks), hlines=(),
        x_title="Spread, percentage points", y_title="Number of windows", source=ctx.source(ctx.a, ctx.b),
        notes=("Vertical lines: the spread of each completed later-phase window (labelled by the month its cycle "
               f"began) and the mean of those spreads ({pp(s['mean'])}).",
               *((f"Mean of all {base.get('n')} windows: {pp(base.get('mean'))}.",) if base.get("mean") is not None
                 else ())))
    pctile = None if s["mean_percentile"] is None else 100 * s["mean_percentile"]
    text = (f"In {s['hits']} of {s['n']} cutting cycles with a completed window, the {a_name} beat the {b_name} "
            f"over the {ctx.months} months after the later phase began; the mean spread was {pp(s['mean'])} "
            f"({_interval(s['mean_ci'])}), at the {_stat(pctile, 'pctile')} percentile of all {base.get('n')} "
            f"{ctx.months}-month windows.")
    blocks: list[Any] = [text, per_cycle, stats, figure]
    blocks.extend(_long_history_blocks(ctx))
    ctx.facts.calendar_comparison = calendar_comparison(ctx, study)
    blocks.extend(comparison_blocks(ctx, ctx.facts.calendar_comparison))
    return Section("significance", "Significance and baseline", tuple(blocks))


def _common_start(ctx: Context) -> pd.Timestamp:
    """First date on which both series of the pair have a close."""
    return pd.Timestamp(max(ctx.prices(ctx.a).index[0], ctx.prices(ctx.b).index[0]))


def _interval(ci: Any) -> str:
    return "-" if not ci else f"{pp(ci[0])} to {pp(ci[1])}"


def _stat(value: Any, kind: str) -> str:
    from .._typing import choose
    from .fmt import Format, cell, ordinal

    if value is None:
        return "-"
    if kind == "pct0":
        return f"{100 * float(value):.0f}%"
    if kind == "p":
        return f"{float(value):.3f}"
    if kind == "pctile":
        return ordinal(float(value))
    return cell(value, choose(kind, get_args(Format), "cell format"))


def _long_history_blocks(ctx: Context) -> list[Any]:
    """Fama-French SMB after each cutting cycle's later phase began: a different, longer measure of small vs large."""
    if not ctx.data.has("ff_factors:SMB"):
        return ["The long-history check with Fama-French SMB is not available in this data source."]
    smb = ctx.prices("ff_factors:SMB")  # the as-of view holds only the months published by then
    if ctx.data.has("fed_funds_monthly"):
        fedfunds = ctx.prices("fed_funds_monthly")
        cycles = [c for c in long_history_cycles(fedfunds) if c.direction == "cut"]
        basis = ("cutting cycles found in the monthly effective fed funds rate since 1954 (low confidence: a "
                 "smoothed monthly average, not the target)")
        names: tuple[str, ...] = ("ff_factors:SMB", "fed_funds_monthly")
    else:
        cycles = cutting_cycles(ctx)
        basis = "the same cutting cycles as above (the data hold no monthly fed funds rate)"
        names = ("ff_factors:SMB",)
    result = smb_study(smb, cycles, anchor="later_start", months=ctx.months, convention="month_end")
    doc = result.to_dict()
    s = doc["summary"]
    rows = tuple({"cycle": r["cycle"], "anchor": r["anchor"], "start": r["start"], "end": r["end"],
                  "smb": r["cumulative_smb"],
                  "percentile": None if r["baseline_percentile"] is None or r["incomplete"]
                  else 100 * r["baseline_percentile"],
                  "incomplete": r["incomplete"]} for r in doc["rows"] if not r["before_data"])
    table = Table(
        title=f"Fama-French SMB (small minus big) over the {ctx.months} months after each later phase began",
        columns=(Column("cycle", "Cycle"), Column("anchor", "Later phase from", "date"),
                 Column("start", "From month end", "date"), Column("end", "To month end", "date"),
                 Column("smb", "Cumulative SMB", "pct"), Column("percentile", "Baseline percentile", "pctile"),
                 Column("incomplete", "Partial", "flag")),
        rows=rows, source=ctx.source(*names, extra="Kenneth French data library, 3-factor file"),
        notes=("SMB is a long-short factor of US stocks sorted by size, not the Russell 2000 against the S&P 500.",
               "Month M of SMB is used only from the end of month M+1 (publication lag).",
               f"Cycles: {basis}."))
    text = (f"Long history: with Fama-French SMB as the measure, small beat big in {s['hits']} of {s['n']} "
            f"completed windows after a later phase began (mean cumulative SMB {pct(s['mean'])}, "
            f"baseline of {doc['baseline_n']} windows"
            + (f", p-value {s['test']['p_value']:.3f}" if s.get("test") else "") + ").")
    return [text, table]
