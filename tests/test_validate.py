"""The validation layer's rules, with "today" injected so that they do not change with the calendar (#13)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ratecycle.data import validate
from ratecycle.data.catalog import CATALOG, SeriesSpec
from ratecycle.data.providers.ishares import read_holdings
from ratecycle.data.source import DataSource
from ratecycle.errors import DataError, StoreError

DAY = dt.date(2026, 12, 4)


def _frame(days: list[str], values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), "value": values})


def test_tomorrow_is_the_last_date_accepted_whatever_the_calendar() -> None:
    spec = CATALOG["russell2000"]
    validate.check_series(_frame(["2026-12-04", "2026-12-05"], [2500.0, 2501.0]), spec, on=DAY)
    with pytest.raises(DataError, match=r"date after 2026-12-05 \(today is 2026-12-04\): 2026-12-06"):
        validate.check_series(_frame(["2026-12-04", "2026-12-06"], [2500.0, 2501.0]), spec, on=DAY)
    validate.check_series(_frame(["2026-12-04", "2026-12-06"], [2500.0, 2501.0]), spec, on=dt.date(2026, 12, 5))


def test_today_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATECYCLE_TODAY", "2030-01-31")
    assert validate.today() == dt.date(2030, 1, 31)
    monkeypatch.setenv("RATECYCLE_TODAY", "31.01.2030")
    with pytest.raises(DataError, match="RATECYCLE_TODAY"):
        validate.today()


def test_scheduled_meetings_may_lie_three_years_ahead() -> None:
    spec = CATALOG["fomc_meetings"]
    validate.check_series(_frame(["2026-12-09", "2029-12-01"], [1.0, 1.0]), spec, on=DAY)
    with pytest.raises(DataError, match="date after"):
        validate.check_series(_frame(["2026-12-09", "2030-01-15"], [1.0, 1.0]), spec, on=DAY)


@pytest.mark.parametrize(("name", "ok", "bad"), [
    ("russell2000", [100.0, 149.0, 75.0], [100.0, 151.0]),  # 50% a day
    ("shiller:P", [10.0, 19.9], [10.0, 20.1]),  # 100% a month
    ("core_pce", [100.0, 124.0], [100.0, 126.0]),  # 25% a month
    ("fed_target_upper", [10.0, 5.0], [10.0, 4.9]),  # 5 points
    ("fed_effective", [14.0, 6.11], [20.0, 4.9]),  # 15 points; the real -7.89 of 1987-01-02 passes
    ("ust10y", [5.0, 9.9], [5.0, 10.1]),  # 5 points
])
def test_move_bounds_per_kind(name: str, ok: list[float], bad: list[float]) -> None:
    spec = CATALOG[name]
    days = [f"2020-0{i + 1}-01" for i in range(len(ok))]
    validate.check_series(_frame(days, ok), spec, on=DAY)
    days = [f"2020-0{i + 1}-01" for i in range(len(bad))]
    with pytest.raises(DataError, match=rf"implausible move .*for kind {validate.rule_for(spec).kind}.*series {name}"):
        validate.check_series(_frame(days, bad), spec, on=DAY)
    validate.check_series(_frame(days, bad), spec, on=DAY, allow_outliers=True)


def test_levels_signs_and_sizes() -> None:
    with pytest.raises(DataError, match="must be above 0"):
        validate.check_series(_frame(["2020-01-01"], [0.0]), CATALOG["shiller:P"], on=DAY)
    with pytest.raises(DataError, match="must be one of 0, 1"):
        validate.check_series(_frame(["2020-01-01"], [0.5]), CATALOG["recession"], on=DAY)
    with pytest.raises(DataError, match="below -100"):
        validate.check_series(_frame(["2020-01-01"], [-101.0]), CATALOG["ff_factors:SMB"], on=DAY)
    with pytest.raises(DataError, match="beyond 1e\\+12"):
        validate.check_series(_frame(["2020-01-01"], [1e308]), CATALOG["shiller:E"], on=DAY)
    with pytest.raises(DataError, match="date before 1800-01-01"):
        validate.check_series(_frame(["1799-12-31"], [1.0]), CATALOG["shiller:E"], on=DAY)
    with pytest.raises(DataError, match="no observations"):
        validate.check_series(_frame([], []), CATALOG["shiller:E"], on=DAY)


def test_every_catalog_series_has_a_rule_and_new_ones_get_one_from_their_units() -> None:
    for spec in CATALOG.values():
        validate.rule_for(spec)
    assert validate.rule_for(SeriesSpec("x", "", "index points", "daily")).kind == "index"
    assert validate.rule_for(SeriesSpec("x", "", "USD (dividend-adjusted)", "monthly")).kind == "monthly_index"
    assert validate.rule_for(SeriesSpec("x", "", "percent per month", "monthly")).kind == "return_percent"
    assert validate.rule_for(SeriesSpec("x", "", "firms", "monthly")).kind == "any"


def test_the_real_snapshot_passes_every_rule(ds: DataSource) -> None:
    """The bounds come from the data: every catalog series of the snapshot passes without --allow-outliers."""
    checked = 0
    for name, spec in CATALOG.items():
        if spec.segments and ds.has(name):
            validate.check_series(ds.frame(name), spec, on=DAY)
            checked += 1
    assert checked >= 30


def test_real_holdings_pass_though_some_tickers_repeat(snapshot_dir: Path) -> None:
    for path in sorted((snapshot_dir / "market").glob("*_holdings_*.csv")):
        holdings = read_holdings(path)
        validate.check_holdings(holdings, on=DAY)
        assert len(holdings.rows) > 1000


def test_a_locked_store_says_it_is_locked(tmp_path: Path, snapshot_dir: Path) -> None:
    """While another process writes the store, a reader is told so, not that the series is missing."""
    from ratecycle.data.meta import SeriesMeta
    from ratecycle.data.store import Replacement, Store

    path = tmp_path / "store.duckdb"
    meta = SeriesMeta("sp500", "test", "x", "test", "2026-01-01T00:00:00+00:00", None, None, 0, "")
    Store(path).replace_many([Replacement("sp500", _frame(["2020-01-02"], [3000.0]), meta)])
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(30)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"is locked by another ratecycle process"):
            DataSource(store_path=path).has("sp500")
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
