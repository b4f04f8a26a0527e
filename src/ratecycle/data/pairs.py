"""Named pairs of catalog series: what each small-versus-large (or growth-versus-value) comparison isolates.

Any two catalog series can be passed as ``--pair A,B``; these are the comparisons the report shows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PairSpec:
    """Two catalog series compared as A against B, and what the comparison measures."""

    a: str
    b: str
    measures: str

    @property
    def option(self) -> str:
        """The ``--pair`` value that selects this pair."""
        return f"{self.a},{self.b}"


SIZE_PAIRS: tuple[PairSpec, ...] = (
    PairSpec("russell2000", "sp500", "price indexes, dividends excluded (the note's comparison)"),
    PairSpec("iwm", "spy", "the same with dividends: ETF total-return proxy"),
    PairSpec("ijr", "spy", "S&P SmallCap 600 (small caps with an earnings screen) vs S&P 500"),
    PairSpec("rsp", "spy", "S&P 500 equal weight vs cap weight: the size tilt inside large caps"),
    PairSpec("iwm", "iwb", "Russell 2000 vs Russell 1000: one index family, split by size alone"),
)
"""Small against large, each isolating a different part of the size effect."""

STYLE_PAIRS: tuple[PairSpec, ...] = (
    PairSpec("iwo", "iwn", "Russell 2000 growth vs value (iShares, since 2000)"),
    PairSpec("vtwg", "vtwv", "Russell 2000 growth vs value (Vanguard, since 2010)"),
    PairSpec("iwo", "iwm", "growth vs the whole Russell 2000 (iShares)"),
    PairSpec("iwn", "iwm", "value vs the whole Russell 2000 (iShares)"),
    PairSpec("vtwg", "vtwo", "growth vs the whole Russell 2000 (Vanguard)"),
    PairSpec("vtwv", "vtwo", "value vs the whole Russell 2000 (Vanguard)"),
)
"""Growth against value small caps head to head, and each against its whole-index fund."""
