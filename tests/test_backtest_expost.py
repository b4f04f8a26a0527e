"""Ex-post labels (hindsight) are available for comparison, clearly marked, and follow the detected phases."""

from __future__ import annotations

import pandas as pd
import pytest

from ratecycle.backtest import STRATEGIES
from ratecycle.backtest.run import backtest_from_source
from ratecycle.cycles import cycles_from_source
from ratecycle.errors import RatecycleError


def test_ex_post_stints_follow_detected_later_phases(ds) -> None:  # type: ignore[no-untyped-def]
    result = backtest_from_source(ds, ("russell2000", "sp500"), STRATEGIES["later-phase"], labels="ex-post",
                                  start="2001-01-01")
    doc = result.to_dict()
    assert doc["labels"] == "ex-post" and doc["ex_post"] is True
    assert result.notes[0].startswith("EX POST")
    trading = result.returns.index
    expected = []
    for cycle in cycles_from_source(ds, direction="cut", since=2001):
        if cycle.later_phase is None:
            continue
        later = cycle.later_phase
        first = trading[trading.searchsorted(later.start, side="right")]  # label seen at that close, held next day
        stop = pd.Timestamp(trading[-1]) if cycle.ongoing else trading[trading.searchsorted(later.end, side="right")]
        expected.append((first.date().isoformat(), stop.date().isoformat()))
    got = [(s["start"], s["end"]) for s in doc["stints_in_a"]]
    assert got == expected


def test_point_in_time_is_the_default_and_bad_labels_fail(ds) -> None:  # type: ignore[no-untyped-def]
    result = backtest_from_source(ds, ("iwm", "spy"), STRATEGIES["later-phase"], start="2019-01-01",
                                  end="2019-12-31")
    assert result.to_dict()["labels"] == "point-in-time" and not result.to_dict()["ex_post"]
    with pytest.raises(RatecycleError, match="--labels"):
        backtest_from_source(ds, ("iwm", "spy"), STRATEGIES["later-phase"], labels="hindsight")
