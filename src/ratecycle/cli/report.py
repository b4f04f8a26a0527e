"""``ratecycle report``: the research note as HTML, Markdown and JSON (and PDF), as of any date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import RatecycleError
from .common import SnapshotOpt, StoreOpt, parse_pair, source
from .steps import Steps


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report)


def report(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Report date (default: last common date of the pair).")]
    = None,
    pair: Annotated[str, typer.Option("--pair", help="Two series: small caps, large caps.")] = "russell2000,sp500",
    preset: Annotated[str | None, typer.Option(
        "--preset", help="Calendar shown beside the rule-based record for comparison (default: note-2025 from its "
                         "first cycle on); it never replaces the detected cycles.")] = None,
    rules: Annotated[str | None, typer.Option("--rules", help="Pause rule: longest or threshold.")] = None,
    min_pause: Annotated[int | None, typer.Option("--min-pause", help="Minimum pause length in days.")] = None,
    max_gap: Annotated[int | None, typer.Option("--max-gap", help="Days without a move that end a cycle.")] = None,
    months: Annotated[int, typer.Option("--months", help="Horizon after an anchor, in months.")] = 12,
    rotation_start: Annotated[str | None, typer.Option(
        "--rotation-start", help="Start of the rotation window (default: 1st of the month before --as-of).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: report-PAIR-ASOF, e.g. report-russell2000-sp500-2025-09-17).")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open report.html in a browser when done.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print report.pdf with headless Chromium.")] = False,
    no_fetch: Annotated[bool, typer.Option(
        "--no-fetch", help="Use the store as it is (by default an empty or stale store is filled first).")] = False,
    snapshot: SnapshotOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write DIR/report.html, report.md and report.json with the same numbers; --pdf adds report.pdf.

    In store mode an empty or stale store is first filled from the live providers (progress on stderr);
    offline with series missing, one line says what to run instead.
    """
    from .._typing import to_timestamp
    from ..report.options import ReportOptions, check_options
    from ..report.reuse import report_for
    from ..report.write import check_foreign_files, default_out_dir, write_report

    steps = Steps()
    options = ReportOptions(as_of=as_of, pair=parse_pair(pair), preset=preset, rules=rules, min_pause=min_pause,
                            max_gap=max_gap, months=months, rotation_start=rotation_start)
    check_options(options)  # a bad option is one line, before any fetch or progress output
    day = to_timestamp(as_of)  # so is a malformed date
    data = source(snapshot, store)
    if data.snapshot is None and not no_fetch:
        _fill_store(data, options.pair, check_stale=as_of is None, steps=steps)
    # The default folder is named by the as-of date: known now when given, else the report's (the pair's last
    # common date), and then checked when writing. Nothing is read here, so a report kept in the store is found.
    folder = out if out is not None else default_out_dir(options.pair, day) if day is not None else None
    if folder is not None:
        check_foreign_files(folder)  # before the build: a folder holding other files is refused at once
    with steps.status("building report") as relabel:
        def progress(message: str) -> None:
            relabel(f"building report: {message}")
            steps.line(f"  {message}", dim=True)

        built = report_for(data, options, progress=progress)
        relabel("writing files")
        paths = write_report(built, folder)
        if pdf:
            from ..report.browser import write_pdf

            relabel("printing PDF with headless Chromium")
            paths["pdf"] = write_pdf(paths["html"], paths["html"].with_suffix(".pdf"))
    for kind, path in paths.items():
        size = path.stat().st_size / 1e6
        steps.line(f"wrote {path} ({size:.1f} MB)" if kind in {"html", "pdf"} else f"wrote {path}")
    unavailable = [s.title for s in built.sections if not s.available]
    if unavailable:
        steps.line(f"sections not available: {', '.join(unavailable)}")
    if open_:
        import webbrowser

        webbrowser.open(paths["html"].resolve().as_uri())


def _fill_store(ds: Any, pair: tuple[str, str], *, check_stale: bool, steps: Steps) -> None:
    """Fetch what the store lacks (first run) or holds out of date; a pair series still missing is an error."""
    from ..data.firstrun import prepare_store
    from ..data.source import default_store_path
    from ..data.store import Store

    target = Store(ds.store_path or default_store_path())
    results = prepare_store(target, check_stale=check_stale, progress=lambda m: steps.line(f"  {m}", dim=True))
    failed = {r.name: r.message for r in results if not r.ok}
    for name in pair:
        if name in failed and target.metadata(name) is None:
            raise RatecycleError(f"could not fetch {name}, which the report needs: {failed[name][:300]}")
    if results:
        steps.line(f"fetched {sum(r.ok for r in results)} of {len(results)} series into {target.path}")
