"""Rebalancing lens on a fund's holdings: sector weights, top names, concentration, side-by-side comparison.

Weights are each equity holding's market value as a share of the fund's total *equity* market value, so they
sum to 1 and keep the precision the published ``Weight (%)`` column (rounded to 0.01%) loses. The published
weights are reported alongside where they are meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .data.providers.ishares import Holdings
from .errors import DataError

ROTATION_SECTORS: tuple[str, ...] = ("Financials", "Health Care")
"""The two sectors the small-cap rotation argument leans on; their combined share is reported."""


def equity_weights(holdings: Holdings) -> pd.DataFrame:
    """Equity rows with ``weight_mv`` (share of equity market value) next to the published ``weight``."""
    equity = holdings.equity
    total = float(equity["market_value"].sum())
    if not total > 0:
        raise DataError(f"holdings have no positive equity market value ({holdings.source})")
    out = equity[["ticker", "name", "sector", "market_value", "weight"]].copy()
    out["weight_mv"] = out["market_value"] / total
    return out.sort_values("weight_mv", ascending=False, kind="stable").reset_index(drop=True)


def sector_weights(holdings: Holdings) -> pd.DataFrame:
    """One row per sector: share of equity market value, published weight sum and number of holdings."""
    weights = equity_weights(holdings)
    grouped = weights.groupby("sector", sort=False).agg(
        weight=("weight_mv", "sum"), published_weight=("weight", "sum"), holdings=("ticker", "size"))
    grouped = grouped.sort_values("weight", ascending=False, kind="stable").reset_index()
    return grouped


def top_holdings(holdings: Holdings, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest equity holdings by market value, with weights and cumulative weight."""
    if n < 1:
        raise DataError(f"--top must be at least 1, got {n}")
    top = equity_weights(holdings).head(n).copy()
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    top["cumulative_weight"] = top["weight_mv"].cumsum()
    return top[["rank", "ticker", "name", "sector", "weight_mv", "weight", "cumulative_weight"]]


@dataclass(frozen=True)
class Concentration:
    """How concentrated a fund is: top-10 weight, Herfindahl index and its effective number of holdings."""

    fund: str
    as_of: pd.Timestamp
    equity_holdings: int
    equity_market_value: float
    published_equity_weight: float
    top10_weight: float
    herfindahl: float
    effective_holdings: float
    rotation_sectors_weight: float
    largest_sector: str
    largest_sector_weight: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        out["as_of"] = self.as_of.date().isoformat()
        return {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in out.items()}


def concentration(holdings: Holdings) -> Concentration:
    """Concentration figures of the equity sleeve (weights by market value share)."""
    weights = equity_weights(holdings)
    shares = weights["weight_mv"].to_numpy(dtype="float64")
    hhi = float(np.sum(shares ** 2))
    sectors = sector_weights(holdings)
    rotation = float(sectors.loc[sectors["sector"].isin(ROTATION_SECTORS), "weight"].sum())
    return Concentration(
        fund=holdings.fund, as_of=holdings.as_of, equity_holdings=len(weights),
        equity_market_value=float(weights["market_value"].sum()),
        published_equity_weight=float(weights["weight"].sum()),
        top10_weight=float(np.sort(shares)[::-1][:10].sum()), herfindahl=hhi, effective_holdings=1.0 / hhi,
        rotation_sectors_weight=rotation, largest_sector=str(sectors["sector"].iloc[0]),
        largest_sector_weight=float(sectors["weight"].iloc[0]),
    )


@dataclass(frozen=True)
class Comparison:
    """Two holdings files side by side: concentration of each and sector weights with differences."""

    left: Concentration
    right: Concentration
    sectors: pd.DataFrame
    """Columns: sector, weight_left, weight_right, difference (right minus left)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"left": self.left.to_dict(), "right": self.right.to_dict(),
                "sectors": self.sectors.to_dict(orient="records")}


def compare(left: Holdings, right: Holdings) -> Comparison:
    """Side-by-side sector weights (missing sectors count as 0) and concentration of two holdings files."""
    a = sector_weights(left).set_index("sector")["weight"]
    b = sector_weights(right).set_index("sector")["weight"]
    table = pd.concat([a.rename("weight_left"), b.rename("weight_right")], axis=1, sort=False).fillna(0.0)
    table["difference"] = table["weight_right"] - table["weight_left"]
    table = table.sort_values("weight_left", ascending=False, kind="stable").rename_axis("sector").reset_index()
    return Comparison(left=concentration(left), right=concentration(right), sectors=table)


def holdings_on(downloads: list[Holdings], as_of: pd.Timestamp) -> Holdings | None:
    """The download dated latest on or before ``as_of`` (a later file is never used), or None when there is none."""
    usable = [h for h in downloads if h.as_of <= as_of]
    return max(usable, key=lambda h: h.as_of) if usable else None


def age_days(holdings: Holdings, as_of: pd.Timestamp) -> int:
    """Calendar days from a download's own date to ``as_of``: how old the holdings are on that date."""
    return int((pd.Timestamp(as_of).normalize() - pd.Timestamp(holdings.as_of).normalize()).days)
