"""``ratecycle robustness``: the specification curve of the small-cap spread with permutation p-values."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import CsvOpt, JsonOpt, SnapshotOpt, StoreOpt, emit, parse_pair, print_table, source


def robustness_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the curve (default: last common close).")]
    = None,
    pair: Annotated[str, typer.Option("--pair", help="A,B: the market measure (small, large).")] = "russell2000,sp500",
    permutations: Annotated[int, typer.Option("--permutations", help="Pseudo-event draws for the p-values.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the pseudo-event draws.")] = 20250917,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Every specification (rules, convention, horizon, anchor, measure), share won, median, permutation p."""
    from .._typing import to_timestamp
    from ..data.asof import AsOfSource
    from ..robustness import specification_curve
    from ..robustness.load import families_from_source

    a, b = parse_pair(pair)
    base = source(snapshot, store)
    when = to_timestamp(as_of) if as_of else base.last_date(a, b)
    base.check_fresh(when, a, b)
    ds = AsOfSource(base=base, as_of=when)
    curve = specification_curve(families_from_source(ds, (a, b)), when.normalize(), permutations=permutations,
                                seed=seed, progress=lambda msg: typer.echo(msg, err=True))
    doc = curve.to_dict()
    if as_json or as_csv:
        emit(doc["specs"], as_json=as_json, as_csv=as_csv, document=doc)
        return
    rows: list[dict[str, Any]] = [f.to_dict() for f in curve.families]
    rows.append(curve.to_dict() | {"family": "all"})
    print_table([{"family": r["family"], "specs": r["n_specs"], "share small ahead": f"{r['share_positive']:.0%}",
                  "median spread": f"{r['median_spread'] * 100:+.1f} pp", "p (share)": f"{r['p_share']:.3f}",
                  "p (median)": f"{r['p_median']:.3f}"} for r in rows],
                ["family", "specs", "share small ahead", "median spread", "p (share)", "p (median)"],
                title=f"Specification curve as of {when.date()}: small minus large caps after easing cycles",
                caption="; ".join(curve.notes))
    ordered = curve.sorted_specs()
    picks = [ordered[int(q * (len(ordered) - 1))] for q in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)]
    emit([_compact(p.to_dict()) for p in picks], as_json=False, as_csv=False,
         columns=["measure", "cycle rules", "window", "anchor", "n", "mean spread", "hit rate"],
         pct_columns=("mean spread",), title="Specifications at the 0/10/25/50/75/90/100th percentile of the curve",
         caption="--json or --csv lists every specification")


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """One specification in a few short columns (fits 100 terminal columns)."""
    moves = "" if row["min_moves"] is None else f" {row['min_moves']}+ moves"
    return {"measure": row["measure"].split(" ")[0],
            "cycle rules": f"{row['rules']} {row['min_pause']}/{row['max_gap']} d{moves}",
            "window": f"{row['convention']} {row['months']}m", "anchor": row["anchor"], "n": row["n_events"],
            "mean spread": row["mean_spread"], "hit rate": f"{row['hit_rate']:.0%}"}


def register(app: typer.Typer) -> None:
    """Add the ``robustness`` command."""
    app.command("robustness")(robustness_command)
