"""Everything the outlook reads, as known at the as-of date: the only place the scorecard touches a DataSource.

Each series is read through the as-of gate (``ratecycle.data.asof``), so only observations released by the close
of the as-of date reach the scorecard: core PCE from the end of the following month, Shiller earnings a quarter
late, and a target change from the close of its announcement day (an outlook dated on a decision day includes
that day's decision, although FRED dates it by the next day). For the S&P 500
P/E the S&P 500 closes and Shiller's earnings are loaded too, so the valuation driver can price-update the P/E
(close on the date / latest published earnings) on the as-of date and on past dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from .._typing import DateLike, to_timestamp
from ..data.derived import SPREAD_INPUTS, treasury_spread
from ..errors import DataError

if TYPE_CHECKING:
    from ..data.source import DataSource
    from ..valuation import PEData

DEFAULT_PAIR = ("russell2000", "sp500")
DEFAULT_VALUATION_PAIR = ("pe_russell2000", "pe_sp500")
"""Relative valuation uses A's P/E over B's; without ``pe_russell2000`` the small-over-big book-to-market
(``BOOK_TO_MARKET``) is used, and only without that the S&P 500 P/E alone is a proxy."""
BOOK_TO_MARKET = "bm_small_big"
PE_NOW = ("pe_sp500", "sp500", "shiller:E")
"""The P/E that is price-updated, its index closes and its trailing earnings."""


@dataclass(frozen=True)
class OutlookInputs:
    """The pandas objects behind one outlook, all cut at ``as_of``."""

    as_of: pd.Timestamp
    a: str
    b: str
    prices_a: pd.Series
    prices_b: pd.Series
    target_upper: pd.Series
    target_lower: pd.Series
    meetings: pd.Series
    core_pce: pd.Series | None
    curve_spread: pd.Series | None
    pe_a_name: str
    pe_b_name: str
    pe_a: pd.Series | None
    pe_b: pd.Series | None
    missing: tuple[str, ...] = ()
    """Series that could not be loaded (their drivers say so instead of guessing)."""
    pe_price: pd.Series | None = None
    """S&P 500 closes for the price-updated P/E (None when B's P/E is not ``pe_sp500`` or they cannot be loaded)."""
    pe_earnings: pd.Series | None = None
    """Shiller trailing 12-month earnings for the price-updated P/E (None as for ``pe_price``)."""
    book_to_market: pd.Series | None = None
    """Small over big book-to-market (``bm_small_big``): the valuation input when A's P/E is not supplied."""
    released: Mapping[str, pd.Series] = field(default_factory=dict)
    """Release day of each observation of every series loaded, by catalog name (``ratecycle.data.asof.released``):
    analyses stepping through past dates count an observation only from its release."""

    def released_of(self, name: str) -> pd.Series | None:
        """The release days of a loaded series (None when it was not loaded)."""
        return self.released.get(name)

    @cached_property
    def pe_now(self) -> PEData | None:
        """B's P/E with its closes and earnings as arrays, built once so readings on many dates stay cheap."""
        if self.pe_b is None or self.pe_b_name != PE_NOW[0]:
            return None
        from ..valuation import PEData

        return PEData.build(self.pe_price, self.pe_earnings, self.pe_b, earnings_released=self.released_of(PE_NOW[2]),
                            pe_released=self.released_of(PE_NOW[0]), name=PE_NOW[0])


def _optional(ds: DataSource, name: str, missing: list[str]) -> pd.Series | None:
    """A series of the gated source, or None (recorded in ``missing``) when it has none."""
    if not ds.has(name):
        missing.append(name)
        return None
    return ds.load(name)


def _released(ds: DataSource, names: tuple[str, ...]) -> dict[str, pd.Series]:
    """Release days of the named series the gated source holds."""
    from ..data.asof import released

    return {name: released(ds, name) for name in names if ds.has(name)}


def inputs_from_source(ds: DataSource, as_of: DateLike, pair: tuple[str, str] = DEFAULT_PAIR,
                       valuation_pair: tuple[str, str] = DEFAULT_VALUATION_PAIR) -> OutlookInputs:
    """Load every input of the outlook from ``ds`` with nothing after ``as_of``."""
    when = to_timestamp(as_of)
    if when is None:
        raise DataError("the outlook needs an as-of date")
    from ..data.asof import as_of as gate

    ds = gate(ds, when)
    a, b = pair
    missing: list[str] = []
    spread: pd.Series | None
    try:
        spread = treasury_spread(ds, when)
    except DataError:
        spread = None
        missing.extend(name for name in SPREAD_INPUTS if not ds.has(name))
    prices_a, prices_b = ds.load(a), ds.load(b)
    if len(prices_a) and len(prices_b):
        ds.check_fresh(when, a, b)
    pe_price = pe_earnings = None
    if valuation_pair[1] == PE_NOW[0] and ds.has(PE_NOW[0]):
        pe_price = prices_b if b == PE_NOW[1] else _optional(ds, PE_NOW[1], missing)
        pe_earnings = _optional(ds, PE_NOW[2], missing)
    return OutlookInputs(
        as_of=when, a=a, b=b, prices_a=prices_a, prices_b=prices_b,
        target_upper=ds.load("fed_target_upper"), target_lower=ds.load("fed_target_lower"),
        meetings=ds.load("fomc_meetings"), core_pce=_optional(ds, "core_pce", missing),
        curve_spread=spread, pe_a_name=valuation_pair[0], pe_b_name=valuation_pair[1],
        pe_a=_optional(ds, valuation_pair[0], missing), pe_b=_optional(ds, valuation_pair[1], missing),
        missing=tuple(missing), pe_price=pe_price, pe_earnings=pe_earnings,
        book_to_market=_optional(ds, BOOK_TO_MARKET, missing),
        released=_released(ds, ("core_pce", *valuation_pair, *PE_NOW[1:], BOOK_TO_MARKET)),
    )
