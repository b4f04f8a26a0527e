"""Report wording that is derived from numbers: the sentence must match the signs it summarises."""

from __future__ import annotations

import itertools

import pytest

from ratecycle.report.sections_macro_parts import _lead_text


@pytest.mark.parametrize(("relatives", "text"), [
    ((0.03, 0.04, 0.001), "leads the S&P 500 on all 3 look-backs"),
    ((-0.012, 0.03, 0.02), "leads the S&P 500 on 2 of 3 look-backs"),
    ((-0.01, -0.02, 0.0), "lags the S&P 500 on 2 of 3 look-backs"),
    ((-0.01, -0.02, -0.03), "lags the S&P 500 on all 3 look-backs"),
    ((0.01, -0.02, 0.0), "is level with the S&P 500 (ahead on 1, behind on 1 of 3 look-backs)"),
])
def test_momentum_sentence_counts_the_signs(relatives: tuple[float, ...], text: str) -> None:
    horizons = [{"months": m, "relative": r} for m, r in zip((1, 3, 6), relatives, strict=True)]
    assert _lead_text(horizons, "S&P 500") == text


def test_holdings_sentence_matches_the_raw_holdings_file(ds, snapshot_dir) -> None:
    """Largest sectors, largest name and names above 1%, recomputed from the iShares CSV with the csv module."""
    import csv

    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.sections_macro_parts import rebalancing_section

    path = sorted((snapshot_dir / "market").glob("IWM_holdings_*.csv"))[-1]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Ticker"))
    equity = [r for r in csv.DictReader(lines[header:]) if r.get("Asset Class") == "Equity"]
    value = {id(r): float(r["Market Value"].replace(",", "")) for r in equity}
    total = sum(value.values())
    sectors: dict[str, float] = {}
    for r in equity:
        sectors[r["Sector"]] = sectors.get(r["Sector"], 0.0) + value[id(r)] / total
    top3 = sorted(sectors.items(), key=lambda kv: -kv[1])[:3]
    biggest = max(equity, key=lambda r: value[id(r)])
    above = sum(1 for r in equity if value[id(r)] / total > 0.01)

    text = rebalancing_section(make_context(ds, ReportOptions())).blocks[0]
    expected = ", ".join(f"{name} ({share * 100:.1f}%)" for name, share in top3[:2]) + \
        f" and {top3[2][0]} ({top3[2][1] * 100:.1f}%)"
    assert f"the largest sectors are {expected}" in text
    assert f"the largest is {biggest['Name']} ({biggest['Ticker']}) at {value[id(biggest)] / total * 100:.1f}%" in text
    assert (f"{above} names weigh" if above != 1 else "1 name weighs") in text


def test_summary_states_what_the_pe_is_made_of(ds) -> None:
    """The summary's P/E sentence names the price date and the earnings month, like the Valuation section."""
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.sections_value import valuation_section

    ctx = make_context(ds, ReportOptions(as_of="2025-09-17"))
    sentence = " ".join(b for b in valuation_section(ctx).blocks if isinstance(b, str))
    assert "price of 17 Sep 2025 / trailing earnings to May 2025 (published by 31 Aug 2025)" in sentence


def test_note_report_checks_the_early_phase_statements(ds) -> None:
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.model import Table
    from ratecycle.report.sections_market import note_audit_section

    section = note_audit_section(make_context(ds, ReportOptions(as_of="2025-09-17", preset="note-2025")))
    tables = [b for b in section.blocks if isinstance(b, Table)]
    early = next(t for t in tables if "early-phase statements" in t.title)
    assert len(early.rows) == 8  # four statements, two indices each
    text = next(b for b in section.blocks if isinstance(b, str) and b.startswith("The note's early-phase"))
    assert "hold for both indices in 2 of 4 cycles" in text and "the cycle from 2001" in text


def test_latest_phase_of_a_cycle_under_way_is_partial(ds) -> None:
    """The 2024 cycle is still running on the last data date: its latest phase is marked partial, earlier not."""
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.cyclesview import cutting_cycles
    from ratecycle.report.model import Table
    from ratecycle.report.sections_market import phases_section

    ctx = make_context(ds, ReportOptions())
    running = [c for c in cutting_cycles(ctx) if c.ongoing]
    assert [c.label for c in running] == ["cut 2024-09"]
    table = next(b for b in phases_section(ctx).blocks if isinstance(b, Table) and "Phase returns" in b.title)
    mine = [r for r in table.rows if r["cycle"] == "cut 2024-09" and not r["window"].endswith("later start")]
    assert [(r["window"], r["incomplete"]) for r in mine] == [("early phase", False), ("pause", False),
                                                             ("later phase", True)]
    done = [r for r in table.rows if r["cycle"] == "cut 2019-07" and r["window"] == "later phase"]
    assert done and done[0]["incomplete"] is False


def test_twelve_months_after_chart_matches_the_phase_table(ds) -> None:
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.figures import plotly_spec
    from ratecycle.report.model import Figure, Table
    from ratecycle.report.sections_market import phases_section

    section = phases_section(make_context(ds, ReportOptions(as_of="2025-09-17")))
    figure = next(b for b in section.blocks if isinstance(b, Figure) and "after each later phase" in b.title)
    table = next(b for b in section.blocks if isinstance(b, Table) and "Phase returns" in b.title)
    after = [r for r in table.rows if r["window"].startswith("12m after") and r["start"] != r["end"]]
    assert figure.traces[0].x == ("1987-11", "1989-06", "1995-07", "2001-01", "2007-09", "2019-07")
    assert list(figure.traces[0].y) == [r["return_a"] for r in after]
    assert list(figure.traces[1].y) == [r["return_b"] for r in after]
    assert plotly_spec(figure)["layout"]["xaxis"]["type"] == "category"  # '2001-01' is a label, not a date


def test_summary_says_when_cuts_may_be_pausing_again(ds, snapshot_dir) -> None:
    """Latest data: no cut since 10 Dec 2025 (from the raw target file), 254 days before 21 Aug 2026."""
    import csv
    import datetime as dt

    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.cyclesview import cutting_cycles
    from ratecycle.report.summary import _cycle_sentence

    with (snapshot_dir / "fred" / "DFEDTARU.csv").open(encoding="utf-8") as fh:
        rows = [(r["observation_date"] if "observation_date" in r else r["date"], r["DFEDTARU"])
                for r in csv.DictReader(fh)]
    rows = [(d, float(v)) for d, v in rows if v not in ("", ".") and d <= "2026-08-21"]
    last_cut = max(d for (d, v), (_, prev) in zip(rows[1:], rows[:-1], strict=True) if v < prev)
    announced = dt.date.fromisoformat(last_cut) - dt.timedelta(days=1)  # FRED dates the day after the decision
    ctx = make_context(ds, ReportOptions())
    cutting_cycles(ctx)
    quiet = (dt.date(2026, 8, 21) - announced).days
    assert f"{quiet} days before, longer than the 52-day pause rule: cuts may be pausing again" in \
        _cycle_sentence(ctx, ctx.facts)
    resumed = make_context(ds, ReportOptions(as_of="2025-09-17"))  # the cut of that day ended the pause
    cutting_cycles(resumed)
    assert "pausing again" not in _cycle_sentence(resumed, resumed.facts)


def test_cycles_before_the_data_are_listed_as_left_out(ds, snapshot_dir) -> None:
    """The 1984-86 cycle's later phase (December 1985) predates the Russell 2000 file: the table says so."""
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.model import Table
    from ratecycle.report.sections_market import significance_section

    first_rut = (snapshot_dir / "market" / "RUT_daily.csv").read_text(encoding="utf-8").splitlines()[1][:10]
    assert first_rut == "1987-09-10"
    section = significance_section(make_context(ds, ReportOptions()))
    table = next(b for b in section.blocks if isinstance(b, Table) and "months after the later phase" in b.title)
    assert any(n.startswith("Left out: cut 1984-09 (its window starts on 17 Dec 1985") and "10 Sep 1987" in n
               for n in table.notes)


def test_inflation_text_lists_monthly_changes_since_the_low(ds, snapshot_dir) -> None:
    """Month-on-month core PCE since its April 2025 low, from the raw FRED file, as of 17 Sep 2025 (July known)."""
    import csv

    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.sections_macro_parts import inflation_section

    with (snapshot_dir / "fred" / "PCEPILFE.csv").open(encoding="utf-8") as fh:
        level = {r["date"][:7]: float(r["PCEPILFE"]) for r in csv.DictReader(fh) if r["PCEPILFE"] not in ("", ".")}
    months = ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
    changes = [(level[m] / level[p] - 1) * 100 for p, m in itertools.pairwise(months)]
    ups = sum(1 for a, b in itertools.pairwise(changes) if b > a)
    text = inflation_section(make_context(ds, ReportOptions(as_of="2025-09-17"))).blocks[0]
    names = ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025"]
    expected = ", ".join(f"{v:+.2f}% in {n}" for v, n in zip(changes, names, strict=True))
    assert f"the index changed {expected}: more than in the month before in {ups} of 3 months." in text
    assert "Aug 2025" not in text  # August's index was published at the end of September


def test_note_gaps_on_one_common_window(ds, snapshot_dir) -> None:
    """The note's 2020 gap (+92.6% vs +29%) against the daily common window from the raw closes."""
    import bisect
    import csv

    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.sections_market import note_audit_section

    def closes(ticker: str) -> tuple[list[str], list[float]]:
        with (snapshot_dir / "market" / f"{ticker}_daily.csv").open(encoding="utf-8") as fh:
            rows = [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["close"]]
        return [d for d, _ in rows], [c for _, c in rows]

    def ret(data: tuple[list[str], list[float]], start: str, end: str) -> float:
        at = lambda day: data[1][bisect.bisect_right(data[0], day) - 1]  # noqa: E731
        return at(end) / at(start) - 1

    daily = ret(closes("RUT"), "2020-03-03", "2021-03-03") - ret(closes("GSPC"), "2020-03-03", "2021-03-03")
    section = note_audit_section(make_context(ds, ReportOptions(as_of="2025-09-17", preset="note-2025")))
    text = next(b for b in section.blocks if isinstance(b, str) and b.startswith("Checking the seed note"))
    assert f"2020: stated +63.6 pp, {daily * 100:+.1f} pp daily" in text


def test_history_sentence_gives_the_chance_of_the_record(ds) -> None:
    """4 of 6 at the baseline hit rate r: the chance of at least 4 hits in 6 draws, with r the share of positive
    baseline spreads (the note's calendar, 4 of 4, is only shown beside and gives r**4)."""
    from math import comb

    from ratecycle.report.bottom_line import confidence_reason
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.sections_market import significance_section

    ctx = make_context(ds, ReportOptions(as_of="2025-09-17", preset="note-2025"))
    significance_section(ctx)
    study = ctx.facts.study
    assert study is not None and study.baseline is not None
    rate = float((study.baseline.spreads > 0).mean())
    text = confidence_reason(None, study)
    assert "4 of 6 is few cycles" in text
    chance = sum(comb(6, k) * rate ** k * (1 - rate) ** (6 - k) for k in (4, 5, 6))
    assert f"chance gives a record this good {round(100 * chance)}% of the time" in text
    beside = ctx.facts.calendar_comparison
    assert beside is not None and (beside.figures.hits, beside.figures.n) == (4, 4)
    assert beside.figures.sign_test_p == pytest.approx(rate ** 4, rel=1e-12)


@pytest.mark.parametrize(("as_of", "expected"), [("2025-09-17", "4.00-4.25%"), ("2026-08-21", "3.50-3.75%"),
                                                 ("2005-06-01", "3.00%")])
def test_summary_states_the_target_in_the_data(ds, snapshot_dir, as_of: str, expected: str) -> None:
    """Last FRED target public by the as-of date's close, read from the raw files (a range after 2008, else one rate):
    on 17 Sep 2025 the cut decided that day, effective 18 Sep."""

    from pit_by_hand import known_target
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.cyclesview import cutting_cycles
    from ratecycle.report.summary import _cycle_sentence

    def last(name: str) -> float | None:
        known = known_target(snapshot_dir, name, as_of)
        return known[-1][1] if known else None

    upper = last("DFEDTARU") if as_of >= "2008-12-16" else last("DFEDTAR")
    lower = last("DFEDTARL") if as_of >= "2008-12-16" else upper
    assert expected == (f"{lower:.2f}-{upper:.2f}%" if upper != lower else f"{upper:.2f}%")
    ctx = make_context(ds, ReportOptions(as_of=as_of))
    cutting_cycles(ctx)
    assert f"in the data stands at {expected}." in _cycle_sentence(ctx, ctx.facts)


def test_a_preset_pause_or_end_is_not_known_before_the_rules_can_see_it(ds) -> None:
    """No hindsight in the calendar shown beside: on 1 May 2008 (one day after the cut the note-2025 calendar calls
    the pause start) its 2007 cycle has no pause yet; on 12 Dec 2001 (one day after its last cut) the 2001 cycle is
    still under way, because only max_gap days without a cut show that it ended."""
    from ratecycle.report.build import ReportOptions, make_context
    from ratecycle.report.comparison import calendar_cycles

    early = make_context(ds, ReportOptions(as_of="2008-05-01", preset="note-2025"))
    current = calendar_cycles(early)[-1]
    assert current.label.startswith("cut 2007") and current.pause is None and current.ongoing
    assert current.pause_from is None
    after_end = make_context(ds, ReportOptions(as_of="2001-12-12", preset="note-2025"))
    assert calendar_cycles(after_end)[-1].ongoing


def test_history_sentence_says_when_a_record_is_no_better_than_chance(ds) -> None:
    from types import SimpleNamespace

    from ratecycle.events.stats import binomial_tail
    from ratecycle.report.bottom_line import confidence_reason

    p = binomial_tail(3, 7, 0.47)
    summary = SimpleNamespace(n=7, hits=3, mean=-0.01, mean_percentile=0.4, small_sample=True, sign_test_p=p,
                              sign_test_rate=0.47)
    text = confidence_reason(None, SimpleNamespace(summary=summary))  # type: ignore[arg-type]
    assert f"chance gives a record this good {round(100 * p)}% of the time" in text
    assert text.endswith("so the record is no better than chance")
