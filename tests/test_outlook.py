"""The outlook scorecard: no look-ahead, evidence matching a hand computation, weights, ranks and the call."""

from __future__ import annotations

import bisect
import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle.cli.main import app
from ratecycle.data.source import DataSource
from ratecycle.errors import RatecycleError
from ratecycle.outlook import DEFAULT_WEIGHTS, inputs_from_source, parse_weights, scorecard
from ratecycle.outlook.scorecard import evidence_direction

AS_OF = "2025-09-17"


OUTLOOK_FILES = ("fred/DFEDTAR.csv", "fred/DFEDTARU.csv", "fred/DFEDTARL.csv", "fred/fomc_meeting_dates.csv",
                 "fred/PCEPILFE.csv", "fred/T10Y2Y.csv", "fred/DGS10.csv", "fred/DGS2.csv", "market/RUT_daily.csv",
                 "market/GSPC_daily.csv", "market/shiller_ie_data_monthly.csv")
"""Every file the outlook reads (with the Ken French 6-portfolio file, cut below); if it needed another one the
truncated run would differ and the test fail."""


def _truncated_snapshot(src: Path, dst: Path, cutoff: str) -> Path:
    """A raw-layout copy of the snapshot files keeping only rows dated on or before ``cutoff`` (first column), and
    the target rows public by then (a change announced on ``cutoff`` takes effect the next day)."""
    from pit_by_hand import known_target

    for name in OUTLOOK_FILES:
        with (src / name).open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][0].strip().lower() == "date"
        last = cutoff
        if name.startswith("fred/DFEDTAR"):
            last = max(cutoff, *(d for d, _ in known_target(src, Path(name).stem, cutoff)))
        kept = [rows[0]] + [r for r in rows[1:] if r and r[0][:10] <= last]
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        with (dst / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(kept)
    month, year = cutoff[:7].replace("-", ""), cutoff[:4]
    for path in (src / "market").glob("6_Portfolios_2x3*.csv"):  # Ken French rows: YYYYMM, or YYYY (whole years)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        stamp = [line.split(",", 1)[0].strip() if "," in line else "" for line in lines]
        kept_lines = [line for line, s in zip(lines, stamp, strict=True)
                      if not s.isdigit() or (len(s) == 6 and s <= month) or (len(s) == 4 and s < year)]
        (dst / "market" / path.name).write_text("".join(kept_lines), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def inputs_full(ds):  # type: ignore[no-untyped-def]
    return inputs_from_source(ds, AS_OF)


@pytest.fixture(scope="module")
def card_full(inputs_full):  # type: ignore[no-untyped-def]
    return scorecard(inputs_full)


def test_outlook_identical_with_data_truncated_at_as_of(tmp_path: Path, snapshot_dir: Path, card_full) -> None:  # type: ignore[no-untyped-def]
    short = _truncated_snapshot(snapshot_dir, tmp_path / "cut", AS_OF)
    ds_short = DataSource(snapshot=short)
    assert ds_short.load("russell2000").index[-1] == pd.Timestamp(AS_OF)
    assert ds_short.load("core_pce").index[-1] == pd.Timestamp("2025-09-01")
    # The command on the truncated files prints exactly the scorecard computed from the full snapshot.
    result = CliRunner().invoke(app, ["outlook", "--as-of", AS_OF, "--pair", "russell2000,sp500",
                                      "--snapshot", str(short), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(card_full.to_dict()))


def _hand_later_spreads(snapshot_dir: Path, ds) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Russell 2000 minus S&P 500 over the 12 months after each past later-phase start, from the raw closes."""
    from ratecycle.cycles import detect_cycles

    cycles = detect_cycles(ds.load("fed_target_upper", end=AS_OF), ds.load("fed_target_lower", end=AS_OF),
                           ds.load("fomc_meetings", end=AS_OF), direction="cut")  # past cycles: all ended by then

    def closes(name: str) -> dict[str, float]:
        with (snapshot_dir / "market" / name).open(newline="", encoding="utf-8") as fh:
            return {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}

    rut, spx = closes("RUT_daily.csv"), closes("GSPC_daily.csv")
    days = sorted(rut)

    def close_on(table: dict[str, float], day: pd.Timestamp) -> float | None:
        pos = bisect.bisect_right(days, day.strftime("%Y-%m-%d"))
        return table[days[pos - 1]] if pos else None

    spreads = {}
    for cycle in cycles:
        if cycle.pause is None:
            continue
        start = cycle.pause.end  # the later phase's start, daily convention: its close to the close 12 months later
        end = cycle.pause.end + pd.DateOffset(months=12)
        if end > pd.Timestamp(AS_OF) or start < pd.Timestamp(days[0]):
            continue
        a0, a1, b0, b1 = close_on(rut, start), close_on(rut, end), close_on(spx, start), close_on(spx, end)
        spreads[cycle.label] = (a1 / a0 - 1) - (b1 / b0 - 1)
    return spreads


def test_policy_evidence_matches_hand_computation(card_full, snapshot_dir: Path, ds) -> None:  # type: ignore[no-untyped-def]
    policy = next(r for r in card_full.rows if r.driver == "policy")
    # On 2025-09-17 the cut announced that day (effective 18 Sep) is known at the close: the later phase began.
    assert card_full.phase == "later" and card_full.anchor == "later_start"
    spreads = list(_hand_later_spreads(snapshot_dir, ds).values())
    assert policy.n == len(spreads) >= 3
    assert policy.hit_rate == pytest.approx(np.mean(np.array(spreads) > 0))
    assert policy.mean_spread == pytest.approx(np.mean(spreads))
    assert policy.direction == evidence_direction(len(spreads), policy.hit_rate, policy.mean_spread)
    assert card_full.policy_n == policy.n and card_full.policy_share == policy.hit_rate


def test_probability_posterior_and_call_by_hand(card_full, snapshot_dir: Path, ds) -> None:  # type: ignore[no-untyped-def]
    """Each past cycle counts once, weighted by the share of today's readable drivers whose rows list it."""
    from scipy.stats import beta

    spreads = _hand_later_spreads(snapshot_dir, ds)
    rows = {r.driver: r for r in card_full.rows}
    readable = [d for d, r in rows.items() if r.state is not None]  # equal weights: a count of drivers
    sims = {label: (1 + sum(1 for d in readable if d != "policy" and label in rows[d].cycles)) / len(readable)
            for label in spreads}
    assert dict(card_full.similarity) == pytest.approx(sims)
    n = sum(sims.values())
    hits = sum(s for label, s in sims.items() if spreads[label] > 0)
    assert card_full.effective_n == pytest.approx(n) and n < len(spreads)  # not every cycle resembles today
    assert card_full.probability == pytest.approx((hits + 1) / (n + 2))
    assert card_full.score == pytest.approx(2 * card_full.probability - 1)
    posterior = beta.sf(0.5, hits + 1, n - hits + 1)
    assert card_full.posterior_above_half == pytest.approx(posterior)
    side = 1 if posterior >= 0.8 else -1 if posterior <= 0.2 else 0
    assert card_full.call == {1: "russell2000 ahead of sp500", -1: "sp500 ahead of russell2000",
                              0: "no clear edge"}[side]
    assert card_full.confidence == "low" and "small sample" in card_full.confidence_reason  # n < 10
    doc = card_full.to_dict()
    assert (doc["probability"], doc["posterior_above_half"], doc["effective_n"]) == (
        card_full.probability, card_full.posterior_above_half, card_full.effective_n)


def test_score_ranks_and_contributions(inputs_full, card_full) -> None:  # type: ignore[no-untyped-def]
    rows = card_full.rows
    assert sorted(r.driver for r in rows) == sorted(DEFAULT_WEIGHTS)
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    assert all(abs(x.contribution) >= abs(y.contribution) for x, y in itertools.pairwise(rows))
    for row in rows:
        # dropping a driver = giving it weight 0: the probability moves by its contribution
        without = scorecard(inputs_full, weights={row.driver: 0.0})
        assert row.contribution == pytest.approx(card_full.probability - without.probability, abs=1e-12)
        assert row.direction in (-1, 0, 1) and row.weight == 0.2
        if row.n < 3:
            assert row.direction == 0
        if row.baseline_percentile is not None:
            assert 0.0 <= row.baseline_percentile <= 1.0
    valuation = next(r for r in rows if r.driver == "valuation")
    assert valuation.state is not None and valuation.state.startswith("book_to_market:")
    assert "ratecycle data import-series pe_russell2000" in valuation.note
    inflation = next(r for r in rows if r.driver == "inflation")
    assert inflation.detail["month"] == "2025-07"
    # the release rules in the notes come from the catalog
    from ratecycle.data.catalog import release_rule

    for name in ("core_pce", "bm_small_big"):  # the inflation row's series and the valuation row's
        rule = release_rule(name)
        assert rule is not None and f"{name} {rule.describe()}" in " ".join(card_full.notes)
    assert "bm_small_big month M at the end of month M+1" in " ".join(card_full.notes)


def test_weights_change_the_probability_not_the_evidence(inputs_full, card_full) -> None:  # type: ignore[no-untyped-def]
    only_policy = {d: 0.0 for d in DEFAULT_WEIGHTS} | {"policy": 1.0}
    card = scorecard(inputs_full, weights=only_policy)
    policy = next(r for r in card.rows if r.driver == "policy")
    assert policy.hit_rate is not None
    hits = round(policy.hit_rate * policy.n)
    assert card.probability == pytest.approx((hits + 1) / (policy.n + 2)) and card.effective_n == policy.n
    before = {r.driver: (r.n, r.hit_rate, r.mean_spread) for r in card_full.rows}
    assert {r.driver: (r.n, r.hit_rate, r.mean_spread) for r in card.rows} == before


def test_parse_weights() -> None:
    weights = parse_weights("policy=0.5, curve=0")
    assert weights["policy"] == 0.5 and weights["curve"] == 0.0 and weights["momentum"] == DEFAULT_WEIGHTS["momentum"]
    for bad in ("bogus=1", "policy=-1", "policy=x", "policy"):
        with pytest.raises(RatecycleError):
            parse_weights(bad)
    assert evidence_direction(5, 0.8, 0.05) == 1 and evidence_direction(5, 0.2, -0.01) == -1
    assert evidence_direction(5, 0.8, -0.01) == 0 and evidence_direction(2, 1.0, 0.3) == 0
    assert evidence_direction(7, 4 / 7, 0.02) == 0 and evidence_direction(5, 0.6, 0.01) == 1
    assert evidence_direction(5, 0.4, -0.01) == -1


def test_day_after_the_decision_sees_the_later_phase(ds) -> None:  # type: ignore[no-untyped-def]
    card = scorecard(inputs_from_source(ds, "2025-09-18"))
    assert card.phase == "later" and card.anchor == "later_start"
    policy = next(r for r in card.rows if r.driver == "policy")
    assert "cuts resumed 2025-09-17" in policy.reading
    assert [r.rank for r in card.rows] == [1, 2, 3, 4, 5]


def test_as_of_well_after_the_data_is_an_error(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RatecycleError, match=r"more than 7 days after the last common close .* \(2026-08-21\)"):
        inputs_from_source(ds, "2030-01-01")
    assert inputs_from_source(ds, "2026-08-23").as_of == pd.Timestamp("2026-08-23")  # the weekend after is fine


# --- policy driver with a cycle calendar (--preset) ---------------------------------------------------------------

NOTE_PRESET = Path(__file__).resolve().parents[1] / "src" / "ratecycle" / "presets" / "note-2025.toml"


def _note_calendar() -> list[dict[str, str]]:
    """The note's calendar read straight from its TOML file (not through the cycle engine)."""
    import tomllib

    return tomllib.loads(NOTE_PRESET.read_text(encoding="utf-8"))["cycle"]


def _raw_close_table(snapshot_dir: Path, name: str) -> tuple[list[str], dict[str, float]]:
    with (snapshot_dir / "market" / name).open(newline="", encoding="utf-8") as fh:
        table = {r["date"]: float(r["close"]) for r in csv.DictReader(fh) if r["close"]}
    return sorted(table), table


def _hand_month_end_spreads(snapshot_dir: Path, anchors: list[str], as_of: str, months: int = 12) -> list[float]:
    """Russell 2000 minus S&P 500 over month end of each anchor to month end ``months`` later, complete windows only."""
    rut_days, rut = _raw_close_table(snapshot_dir, "RUT_daily.csv")
    spx_days, spx = _raw_close_table(snapshot_dir, "GSPC_daily.csv")

    def close_on(days: list[str], table: dict[str, float], day: pd.Timestamp) -> float:
        return table[days[bisect.bisect_right(days, day.strftime("%Y-%m-%d")) - 1]]

    out = []
    for anchor in anchors:
        start = pd.Timestamp(anchor) + pd.offsets.MonthEnd(0)
        end = pd.Timestamp(anchor) + pd.DateOffset(months=months) + pd.offsets.MonthEnd(0)
        if end > pd.Timestamp(as_of):
            continue
        ra = close_on(rut_days, rut, end) / close_on(rut_days, rut, start) - 1
        rb = close_on(spx_days, spx, end) / close_on(spx_days, spx, start) - 1
        out.append(ra - rb)
    return out


@pytest.fixture(scope="module")
def note_cycles(ds):  # type: ignore[no-untyped-def]
    """The preset's cutting cycles from the full snapshot (later moves included: clipping must drop them)."""
    from ratecycle.cycles import cycles_from_source

    return cycles_from_source(ds, direction="cut", preset="note-2025")


def test_note_date_with_the_preset_reads_the_later_phase(inputs_full, note_cycles, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    card = scorecard(inputs_full, cycles=note_cycles, convention="month_end")
    assert card.phase == "later" and card.anchor == "later_start"
    policy = next(r for r in card.rows if r.driver == "policy")
    assert policy.state == "later" and policy.reading.startswith("later phase: cuts resumed 2025-09-17")
    assert policy.detail["calendar"] == "calendar preset note-2025"
    # evidence: the later-phase starts written in the preset file, windows measured on the raw closes
    calendar = _note_calendar()
    later_starts = [c["pause_end"] for c in calendar if "pause_end" in c]
    spreads = _hand_month_end_spreads(snapshot_dir, later_starts, AS_OF)
    assert policy.n == len(spreads) == 4
    assert policy.cycles == tuple(f"cut {c['start'][:7]}" for c in calendar[:4])
    assert policy.hit_rate == pytest.approx(np.mean(np.array(spreads) > 0)) and policy.hit_rate == 0.75
    assert policy.mean_spread == pytest.approx(np.mean(spreads))
    assert policy.direction == evidence_direction(4, policy.hit_rate, policy.mean_spread) == 1
    assert "calendar preset note-2025" in card.notes[0] and "later_start" in card.notes[0]
    assert not any("detected" in n for n in card.notes)


def test_preset_boundary_after_the_as_of_date_is_not_used(tmp_path: Path, snapshot_dir: Path, ds,  # type: ignore[no-untyped-def]
                                                         note_cycles) -> None:
    day_before = "2025-09-16"
    card = scorecard(inputs_from_source(ds, day_before), cycles=note_cycles, convention="month_end")
    # the calendar's later phase starts on 17 Sep 2025: the day before it is still the pause
    assert card.phase == "pause" and card.anchor == "pause_start"
    policy = next(r for r in card.rows if r.driver == "policy")
    assert policy.reading == "pause: no move for 272 days since 2024-12-18 (cycle begun 2024-09-18)"
    pause_starts = [c["pause_start"] for c in _note_calendar() if "pause_start" in c]
    spreads = _hand_month_end_spreads(snapshot_dir, pause_starts, day_before)
    assert policy.n == len(spreads) and policy.mean_spread == pytest.approx(np.mean(spreads))
    # the command on files cut at that day, with the preset, prints the same scorecard: nothing later was used
    short = _truncated_snapshot(snapshot_dir, tmp_path / "cut", day_before)
    result = CliRunner().invoke(app, ["outlook", "--as-of", day_before, "--preset", "note-2025", "--convention",
                                      "month_end", "--snapshot", str(short), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(card.to_dict()))


@pytest.mark.parametrize(("day", "phase", "cuts"), [
    ("2024-09-17", "none", None),   # before the cycle's first cut (the 2019-20 cycle ended on 15 Mar 2020)
    ("2024-09-18", "early", 1),     # the first cut counts on its announcement day (effective the next day)
    ("2024-12-17", "early", 2),
    ("2024-12-18", "early", 3),     # the cut the calendar calls pause_start: a pause is not known on its first day
    ("2025-02-07", "early", 3),     # 51 days without a cut: still the early phase (min_pause is 52 days)
    ("2025-02-08", "pause", 3),     # 52 days: now the pause is known
    ("2025-09-16", "pause", 3),
    ("2025-09-17", "later", 4),     # pause_end (first cut of the later phase) counts on its announcement day
    ("2001-12-11", "later", 11),    # the 2001 cycle's last cut
    ("2001-12-12", "later", 11),    # its end is known only after max_gap (370) days without a cut
    ("2002-10-07", "later", 11),    # 300 days: still under way (the next calendar cycle starts 2002-11-06)
    ("2009-12-20", "later", 10),    # 369 days after the 2007-08 cycle's last cut (2008-12-16)
    ("2009-12-21", "none", None),   # 370 days: the cycle is over
])
def test_calendar_phase_on_boundary_days(note_cycles, day: str, phase: str, cuts: int | None) -> None:  # type: ignore[no-untyped-def]
    from ratecycle.outlook.drivers import calendar_phase

    result = calendar_phase(note_cycles, pd.Timestamp(day))
    assert result.phase == phase and result.calendar == "calendar preset note-2025"
    if cuts is None:
        assert result.label is None
    else:
        assert result.label is not None and result.label.moves_in_cycle == cuts
        assert result.label.last_move is not None and result.label.last_move <= pd.Timestamp(day)


def test_without_a_calendar_the_phase_is_detected(inputs_full, card_full) -> None:  # type: ignore[no-untyped-def]
    assert scorecard(inputs_full, cycles=None).to_dict() == card_full.to_dict()
    policy = next(r for r in card_full.rows if r.driver == "policy")
    assert card_full.phase == "later" and "calendar" not in policy.detail
    assert "cycles detected from target data" in card_full.notes[0]
    assert "a decision announced on the as-of date is included" in card_full.notes[1]


def test_an_empty_calendar_has_no_phase_and_no_evidence(inputs_full) -> None:  # type: ignore[no-untyped-def]
    card = scorecard(inputs_full, cycles=[])
    policy = next(r for r in card.rows if r.driver == "policy")
    assert card.phase == "none" and policy.n == 0 and policy.direction == 0
    assert (card.probability, card.effective_n, card.call) == (0.5, 0.0, "no clear edge")
    assert all(r.n == 0 for r in card.rows)  # no cycle under way: no past cycle is in today's situation
    assert policy.reading == "no cutting cycle under way"
    assert "the given calendar (no cycles)" in card.notes[0]


def test_valuation_proxy_is_the_price_updated_pe(inputs_full, card_full, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import pe_by_hand
    from ratecycle.outlook.drivers import valuation_state

    hand = pe_by_hand.price_updated(snapshot_dir, AS_OF)
    inputs_full = replace(inputs_full, book_to_market=None)  # without the small-over-big book-to-market
    row = valuation_state(inputs_full, pd.Timestamp(AS_OF))
    assert row.detail["method"] == "price_updated" and row.detail["price_date"] == AS_OF
    assert row.detail["value"] == pytest.approx(hand.value, rel=1e-12)
    assert row.detail["zscore"] == pytest.approx(hand.zscore, rel=1e-9)
    assert row.detail["month_end_value"] == pytest.approx(hand.lagged_value, rel=1e-12)
    assert "price of 2025-09-17 / trailing earnings to 2025-05 (published by 2025-08-31)" in row.reading
    assert row.state == "proxy:fair"  # z +0.80 is below the +1 'rich' line
    # Past states use the same reading at each cycle's anchor: in July 1995 the price-updated P/E (17.0, z -0.86)
    # is fair, although the month-end P/E of March 1995 (15.2, z -1.40) would have called it cheap.
    past = valuation_state(inputs_full, pd.Timestamp("1995-07-06"))
    then = pe_by_hand.price_updated(snapshot_dir, "1995-07-06")
    assert past.detail["value"] == pytest.approx(then.value, rel=1e-12) and past.detail["earnings_month"] == "1995-03"
    assert past.state == "proxy:fair" and -1 < then.zscore < -0.8 and then.lagged_month == "1995-03"
    assert (then.lagged_value - then.mean) / then.std < -1
    proxy_card = scorecard(inputs_full)
    assert "cut 1995-07" in next(r for r in proxy_card.rows if r.driver == "valuation").cycles


def test_valuation_proxy_without_prices_is_the_month_end_pe(inputs_full) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from ratecycle import valuation as val
    from ratecycle.outlook.drivers import valuation_state

    state = valuation_state(replace(inputs_full, pe_price=None, book_to_market=None), pd.Timestamp(AS_OF))
    month_end = val.valuation(inputs_full.pe_b, name="pe_sp500", as_of=AS_OF, years=5,
                              released=inputs_full.released_of("pe_sp500"))
    assert state.detail["method"] == "month_end" and state.detail["value"] == month_end.value
    assert state.state == "proxy:fair" and "month-end 2025-05, published by 2025-08-31" in state.reading
    assert "price-updated P/E not available (sp500 not available in this data source)" in state.note


def test_valuation_row_is_the_small_over_big_book_to_market(inputs_full, card_full, snapshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Without a Russell 2000 P/E the row reads bm_small_big, computed here from the raw 6-portfolio file."""
    from ratecycle.data.providers.snapshot import SnapshotProvider
    from ratecycle.outlook.drivers import valuation_state
    from test_kenfrench_portfolios import raw_block

    path = SnapshotProvider(snapshot_dir).portfolio_path("6_Portfolios_2x3")
    bm, firms = raw_block(path, "Value Weight Average of BE/ME"), raw_block(path, "Number of Firms")
    cap = raw_block(path, "Average Market Cap")

    def ratio(stamp: str) -> float:
        sides = []
        for labels in (("SMALL LoBM", "ME1 BM2", "SMALL HiBM"), ("BIG LoBM", "ME2 BM2", "BIG HiBM")):
            weights = [firms[x][stamp] * cap[x][stamp] for x in labels]
            sides.append(sum(w * bm[x][stamp] for w, x in zip(weights, labels, strict=True)) / sum(weights))
        return sides[0] / sides[1]

    def hand(as_of: str) -> tuple[str, float, float]:
        """(latest month published by as_of, its ratio, z against the 60 months to it): month M public end M+1."""
        day = pd.Timestamp(as_of)
        months = [m for m in bm["SMALL LoBM"]
                  if (pd.Period(f"{m[:4]}-{m[4:]}", "M") + 1).end_time.normalize() <= day]
        window = np.array([ratio(m) for m in months[-60:]])
        return months[-1], ratio(months[-1]), (ratio(months[-1]) - window.mean()) / window.std(ddof=1)

    row = next(r for r in card_full.rows if r.driver == "valuation")
    month, value, z = hand(AS_OF)
    assert row.detail["series"] == "bm_small_big" and row.detail["observation_date"][:7] == f"{month[:4]}-{month[4:]}"
    assert row.detail["value"] == pytest.approx(value, rel=1e-12) and row.detail["zscore"] == pytest.approx(z, rel=1e-9)
    # High small-over-big BE/ME is cheap small caps: z >= +1 reads cheap and leans towards A.
    assert row.state == ("book_to_market:cheap" if z >= 1 else "book_to_market:rich" if z <= -1 else
                         "book_to_market:fair")
    assert row.signal == (1 if z >= 1 else -1 if z <= -1 else 0)
    assert "not a P/E" in row.note
    past = valuation_state(inputs_full, pd.Timestamp("1995-07-06"))
    month, value, z = hand("1995-07-06")
    assert month == "199505" and past.detail["value"] == pytest.approx(value, rel=1e-12)
    assert past.detail["zscore"] == pytest.approx(z, rel=1e-9)


def test_a_supplied_small_cap_pe_comes_before_book_to_market(inputs_full) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from ratecycle import valuation as val
    from ratecycle.outlook.drivers import valuation_state

    pe = pd.Series(np.linspace(14.0, 18.0, 80), index=pd.date_range("2019-01-31", periods=80, freq="ME"))
    state = valuation_state(replace(inputs_full, pe_a=pe), pd.Timestamp(AS_OF))
    expected = val.relative_valuation(pe, inputs_full.pe_b, a_name="pe_russell2000", b_name="pe_sp500", as_of=AS_OF,
                                      released_b=inputs_full.released_of("pe_sp500"))
    assert state.state is not None and state.state.startswith("relative:")
    assert state.detail["value"] == expected.value and state.detail["series"] == "pe_russell2000/pe_sp500"
