"""The headline of the 17 Sep 2025 report recomputed from the raw snapshot files with plain pandas and scipy.

Nothing here uses ratecycle to compute: the target moves, cycles, pauses, later-phase starts, 12-month spreads,
baseline, sign test, scorecard posterior and Brier score are rebuilt from the CSV files (docs/cycles.md default
rules, docs/events.md daily convention, docs/outlook.md combination) and compared with the report's JSON and the
command line's, so a change in the code that moves a headline figure fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cli_run import cli

AS_OF = pd.Timestamp("2025-09-17")
MONTHS = 12


def _series(path: Path, column: str) -> pd.Series:
    frame = pd.read_csv(path, parse_dates=["date"])
    return frame.set_index("date")[column].dropna().sort_index()


@pytest.fixture(scope="module")
def raw(snapshot_dir: Path) -> dict[str, pd.Series]:
    """The raw files the headline rests on."""
    fred, market = snapshot_dir / "fred", snapshot_dir / "market"
    meetings = pd.read_csv(fred / "fomc_meeting_dates.csv", parse_dates=["date"])["date"].sort_values()
    return {"single": _series(fred / "DFEDTAR.csv", "DFEDTAR"), "upper": _series(fred / "DFEDTARU.csv", "DFEDTARU"),
            "meetings": meetings.reset_index(drop=True), "rut": _series(market / "RUT_daily.csv", "close"),
            "spx": _series(market / "GSPC_daily.csv", "close")}


def _close(prices: pd.Series, day: pd.Timestamp) -> float:
    """Last close on or before the day."""
    return float(prices[prices.index <= day].iloc[-1])


def _later_phases(raw: dict[str, pd.Series]) -> list[tuple[str, pd.Timestamp]]:
    """(cycle label, later-phase start) of every cutting cycle with a pause, as known at the close of AS_OF."""
    target = pd.concat([raw["single"], raw["upper"]]).sort_index()
    target = target[~target.index.duplicated()]
    change = target.diff().dropna()
    change = change[change != 0]
    meetings = raw["meetings"]
    moves = []
    for effective, size in change.items():
        near = meetings[(meetings <= effective) & (meetings >= effective - pd.Timedelta(days=3))]
        announced = near.iloc[-1] if len(near) else effective
        if announced <= AS_OF:
            moves.append((announced, 100 * size))

    def runs(kept: list[tuple[pd.Timestamp, float]]) -> list[list[tuple[pd.Timestamp, float]]]:
        out: list[list[tuple[pd.Timestamp, float]]] = []
        for day, bps in kept:
            if out and np.sign(out[-1][-1][1]) == np.sign(bps) and (day - out[-1][-1][0]).days <= 370:
                out[-1].append((day, bps))
            else:
                out.append([(day, bps)])
        return out

    kept = list(moves)
    while True:  # drop noise runs (< 2 moves or < 50 bp), smallest first, and group again; the last run may grow
        grouped = runs(kept)
        noise = [r for r in grouped[:-1] if len(r) < 2 or abs(sum(b for _, b in r)) < 50]
        if not noise:
            break
        drop = {d for d, _ in min(noise, key=lambda r: abs(sum(b for _, b in r)))}
        kept = [m for m in kept if m[0] not in drop]
    out = []
    for run in runs(kept):
        if run[0][1] > 0:
            continue
        days = [d for d, b in moves if b < 0 and run[0][0] <= d <= run[-1][0]]  # own-direction noise stays inside
        gaps = np.diff(np.array(days, dtype="datetime64[D]")).astype(int)
        if len(gaps) and gaps.max() >= 52:
            out.append((f"cut {days[0]:%Y-%m}", days[int(gaps.argmax()) + 1]))
    return out


def _spread(raw: dict[str, pd.Series], start: pd.Timestamp) -> float:
    end = start + pd.DateOffset(months=MONTHS)
    return (_close(raw["rut"], end) / _close(raw["rut"], start)) - (_close(raw["spx"], end) / _close(raw["spx"], start))


@pytest.fixture(scope="module")
def spreads(raw: dict[str, pd.Series]) -> dict[str, tuple[pd.Timestamp, float]]:
    """Later-phase start and 12-month spread of each cycle whose window closed by AS_OF and after the RUT began."""
    return {label: (start, _spread(raw, start)) for label, start in _later_phases(raw)
            if start >= raw["rut"].index[0] and start + pd.DateOffset(months=MONTHS) <= AS_OF}


@pytest.fixture(scope="module")
def report(ds) -> dict:  # type: ignore[no-untyped-def]
    from ratecycle.report import ReportOptions, build_report, report_json

    return json.loads(report_json(build_report(ds, ReportOptions(as_of=AS_OF.date().isoformat()))))


def _section(report: dict, key: str) -> dict:
    return next(s for s in report["sections"] if s["key"] == key)


def _key(report: dict, prefix: str) -> dict:
    return next(r for r in _section(report, "key_figures")["blocks"][0]["rows"] if r["measure"].startswith(prefix))


def _cli_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], snapshot: Path, *args: str) -> dict:
    code, out, err = cli(monkeypatch, capsys, *args, "--json", "--snapshot", str(snapshot))
    assert code == 0, err
    return json.loads(out)


def test_later_phase_windows_from_raw_files(report: dict, spreads: dict[str, tuple[pd.Timestamp, float]]) -> None:
    """Six later phases with a closed window; each anchor and spread equals the report's table."""
    assert [start.date().isoformat() for start, _ in spreads.values()] == [
        "1988-01-28", "1990-07-13", "1995-12-19", "2002-11-06", "2008-10-08", "2020-03-03"]
    table = _section(report, "significance")["blocks"][1]["rows"]
    rows = {r["cycle"]: r for r in table if not r["incomplete"] and r["spread"] is not None}
    assert set(rows) == set(spreads)
    for label, (start, spread) in spreads.items():
        assert rows[label]["anchor"] == start.date().isoformat()
        assert rows[label]["spread"] == pytest.approx(spread, abs=1e-12)


def test_record_figures_from_raw_files(report: dict, spreads: dict[str, tuple[pd.Timestamp, float]]) -> None:
    """4 of 6, mean +7.7 pp, t-interval -5.3 to +20.7 pp, median +5.0 pp, +4.5 pp without 2001-01."""
    x = np.array([s for _, s in spreads.values()])
    n, hits, mean = len(x), int((x > 0).sum()), float(x.mean())
    half = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)
    best = list(spreads)[int(x.argmax())]
    rest = float(np.delete(x, x.argmax()).mean())
    assert (hits, n) == (4, 6)
    assert _key(report, "Past later phases with the Russell 2000 ahead")["display"] == f"{hits} of {n}"
    row = _key(report, "Mean spread, Russell 2000")
    assert row["value"] == pytest.approx(mean, abs=1e-12)
    assert (row["display"], round(100 * mean, 1)) == ("+7.7 pp", 7.7)
    low, high = 100 * (mean - half), 100 * (mean + half)
    assert row["detail"].startswith(f"95% t-interval {low:+.1f} pp to {high:+.1f} pp")
    assert (round(low, 1), round(high, 1)) == (-5.3, 20.7)
    assert _key(report, "Median spread")["value"] == pytest.approx(float(np.median(x)), abs=1e-12)
    without = _key(report, "Mean spread without its best cycle")
    assert without["value"] == pytest.approx(rest, abs=1e-12)
    assert (best, round(100 * rest, 1)) == ("cut 2001-01", 4.5)
    assert without["detail"] == "leave-one-out: 2001-01 left out"
    line = report["bottom_line"]
    assert f"{100 * mean:+.1f} pp (mean of 6 past later phases, 95% t-interval {low:+.1f} pp to {high:+.1f} pp)" in line
    assert f"mean {100 * rest:+.1f} pp without the best cycle (2001-01)" in line
    assert "2 Russell 2000 losses (1995-07 -5.5 pp, 1989-06 -3.5 pp)" in line


def test_sign_test_and_percentile_from_raw_files(report: dict, raw: dict[str, pd.Series],
                                                  spreads: dict[str, tuple[pd.Timestamp, float]]) -> None:
    """The baseline: every 12-month window from the first of a month; the sign test against its hit rate."""
    starts = pd.date_range("1987-10-01", AS_OF - pd.DateOffset(months=MONTHS), freq="MS")
    base = np.array([_spread(raw, s) for s in starts])
    x = np.array([s for _, s in spreads.values()])
    rate = float((base > 0).mean())
    chance = float(stats.binom.sf(int((x > 0).sum()) - 1, len(x), rate))
    row = _key(report, "Chance of a record this good by luck")
    assert row["value"] == pytest.approx(chance, abs=1e-12)
    assert row["display"] == f"{100 * chance:.1f}%" == "29.1%"
    assert f"({rate:.0%})" in row["detail"]
    assert f"chance gives a record this good {round(100 * chance)}% of the time" in report["bottom_line"]
    assert _key(report, "Mean spread among all windows")["value"] == pytest.approx(
        100 * float((base < x.mean()).mean()), abs=1e-9)
    assert _key(report, "Mean spread among all windows")["detail"].startswith(f"{len(base)} windows")


def test_scorecard_posterior_from_similarity(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             snapshot_dir: Path, report: dict,
                                             spreads: dict[str, tuple[pd.Timestamp, float]]) -> None:
    """Outcomes from the raw files, weights from `outlook --json`: p = 3.2/5, P(win rate > 1/2) from scipy's Beta."""
    card = _cli_json(monkeypatch, capsys, snapshot_dir, "outlook", "--as-of", "2025-09-17")
    s = {c["cycle"]: c["similarity"] for c in card["similarity"]}
    assert set(s) == set(spreads)
    won = {label: float(spread > 0) for label, (_, spread) in spreads.items()}
    wins = sum(s[c] * won[c] for c in s)
    losses = sum(s[c] * (1 - won[c]) for c in s)
    p = (wins + 1) / (wins + losses + 2)
    posterior = float(stats.beta.sf(0.5, wins + 1, losses + 1))
    assert card["probability"] == pytest.approx(p, abs=1e-12)
    assert card["posterior_above_half"] == pytest.approx(posterior, abs=1e-9)
    assert (round(p, 2), round(posterior, 2), card["call"]) == (0.64, 0.75, "no clear edge")  # 0.754 < 0.80
    assert card["effective_n"] == pytest.approx(wins + losses, abs=1e-12)
    row = _key(report, "Driver scorecard: probability")
    assert row["value"] == pytest.approx(p, abs=1e-12)
    assert f"P(win rate > 1/2) {posterior:.2f}" in row["detail"]
    one_more = float(stats.beta.sf(0.5, wins + 2, losses + 1))  # one more cycle like today, Russell ahead
    assert f"(posterior {posterior:.2f} to {one_more:.2f}, call at 0.80)" in report["bottom_line"]
    assert one_more >= 0.80


def test_track_record_brier(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                            snapshot_dir: Path, report: dict, spreads: dict[str, tuple[pd.Timestamp, float]]) -> None:
    """Brier scores from the listed probabilities and outcomes; the Russell era's outcomes are the raw spreads."""
    record = _cli_json(monkeypatch, capsys, snapshot_dir, "outlook", "--track-record")
    scored = [c for c in record["calls"] if c["realised_spread"] is not None]
    by_date = {start.date().isoformat(): spread for start, spread in spreads.values()}
    russell = [c for c in scored if c["era"].startswith("russell2000")]
    assert {c["date"]: c["realised_spread"] for c in russell} == pytest.approx(by_date, abs=1e-12)
    y = np.array([float(c["realised_spread"] > 0) for c in scored])
    prob = np.array([c["probability"] for c in scored])
    brier = float(((prob - y) ** 2).mean())
    assert record["brier"] == pytest.approx(brier, abs=1e-12)
    assert record["brier_always_small"] == pytest.approx(float(((1 - y) ** 2).mean()), abs=1e-12)
    assert record["brier_always_large"] == pytest.approx(float((y ** 2).mean()), abs=1e-12)
    row = _key(report, "Track record of the scorecard")
    assert row["measure"].endswith(f"({len(scored)} past later phases)")
    verdict = "better than a coin flip" if brier < 0.25 else "no better than a coin flip"
    assert row["detail"] == (f"Brier {brier:.3f} ({verdict}); always small {float(((1 - y) ** 2).mean()):.3f}; "
                             "coin flip 0.250")
    assert (len(scored), round(brier, 3)) == (13, 0.275)


def test_same_figures_in_cli_and_report(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                        snapshot_dir: Path, report: dict) -> None:
    """Study, long history and specification curve: the command line and the report print the same numbers."""
    study = _cli_json(monkeypatch, capsys, snapshot_dir, "study", "--as-of", "2025-09-17", "--convention", "daily")
    s = study["summary"]
    assert _key(report, "Mean spread, Russell 2000")["value"] == pytest.approx(s["mean"], abs=1e-12)
    assert _key(report, "Chance of a record this good")["value"] == pytest.approx(s["sign_test_p"], abs=1e-12)
    longrun = _cli_json(monkeypatch, capsys, snapshot_dir, "study", "--long-history", "--as-of", "2025-09-17")
    lo30 = next(p["summary"] for p in longrun["size_portfolios"] if p["small"] == "ff_size:lo30")
    row = _key(report, "Long history since 1954")
    assert row["display"] == f"{lo30['hits']} of {lo30['n']}" == "8 of 13"
    assert row["detail"] == f"mean {100 * lo30['mean']:+.1f} pp; chance of a record this good " \
                            f"{100 * lo30['sign_test_p']:.1f}%"
    evidence = _section(report, "robustness")["blocks"][3]["rows"][1]
    assert evidence["p"] == pytest.approx(lo30["sign_test_p"], abs=1e-12)
    assert (evidence["t_low"], evidence["t_high"]) == pytest.approx(tuple(lo30["t_interval"]), abs=1e-12)
    assert f"since 1954 small caps led in 8 of 13 cycles, p {lo30['sign_test_p']:.2f}" in report["bottom_line"]
    curve = _cli_json(monkeypatch, capsys, snapshot_dir, "robustness", "--as-of", "2025-09-17")
    row = _key(report, "Specifications with small caps ahead")
    assert row["value"] == pytest.approx(curve["share_positive"], abs=1e-12)
    assert row["detail"].endswith(f"permutation p {curve['p_share']:.3f}")
    assert (f"small caps ahead in {curve['share_positive']:.0%} of {curve['n_specs']} specifications "
            f"(p {curve['p_share']:.2f}") in report["bottom_line"]


def _size_portfolios(path: Path) -> pd.DataFrame:
    """Value-weighted monthly returns (percent) of the bottom and top 30% from Ken French's file as published."""
    lines = path.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if "Average Value Weight Returns -- Monthly" in line) + 2
    rows = []
    for line in lines[first:]:
        cells = [c.strip() for c in line.split(",")]
        if len(cells) < 5 or not (cells[0].isdigit() and len(cells[0]) == 6):
            break
        rows.append((pd.Period(f"{cells[0][:4]}-{cells[0][4:]}", "M"), float(cells[2]), float(cells[4])))
    return pd.DataFrame(rows, columns=["month", "lo30", "hi30"]).set_index("month")


def test_long_history_record_from_raw_file(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           snapshot_dir: Path, report: dict) -> None:
    """Ken French small 30% minus big 30% over the 12 months after each listed anchor month: 8 of 13, +11.8 pp,
    t-interval -2.5 to +26.2 pp, and the sign test against every 12-month window published by 17 Sep 2025."""
    longrun = _cli_json(monkeypatch, capsys, snapshot_dir, "study", "--long-history", "--as-of", "2025-09-17")
    anchors = [pd.Period(r["anchor"][:7], "M") for r in
               next(p for p in longrun["size_portfolios"] if p["small"] == "ff_size:lo30")["rows"]]
    ff = _size_portfolios(snapshot_dir / "market" / "Portfolios_Formed_on_ME_202602.csv")
    growth = (1 + ff / 100).cumprod()
    growth.loc[ff.index[0] - 1] = 1.0
    growth = growth.sort_index()

    def spread(m: pd.Period) -> float:  # month_end: the close of m's month to that of m + 12
        end = m + MONTHS
        return float(growth.lo30[end] / growth.lo30[m] - growth.hi30[end] / growth.hi30[m])

    x = np.array([spread(m) for m in anchors])
    n, hits = len(x), int((x > 0).sum())
    half = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)
    last = pd.Period("2025-07", "M")  # month M is published at the end of M+1: July 2025 is the last by 17 Sep
    base = np.array([spread(m) for m in growth.index if m + MONTHS <= last])
    chance = float(stats.binom.sf(hits - 1, n, float((base > 0).mean())))
    assert (hits, n, len(base)) == (8, 13, 1178)
    row = _key(report, "Long history since 1954")
    assert row["display"] == "8 of 13"
    assert row["detail"] == f"mean {100 * x.mean():+.1f} pp; chance of a record this good {100 * chance:.1f}%"
    evidence = _section(report, "robustness")["blocks"][3]["rows"][1]
    assert evidence["mean"] == pytest.approx(float(x.mean()), abs=1e-12)
    assert (evidence["t_low"], evidence["t_high"]) == pytest.approx((x.mean() - half, x.mean() + half), abs=1e-12)
    assert evidence["p"] == pytest.approx(chance, abs=1e-12)
    assert f"since 1954 small caps led in 8 of 13 cycles, p {chance:.2f}" in report["bottom_line"]
