"""The typed result of a sweep: per-variant statistics, every window, a heatmap table and a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._typing import Aggregate, Anchor
from .grid import SweepGrid


@dataclass(frozen=True)
class Verdict:
    """How often the conclusion 'A beats B after the later phase starts' holds across variants."""

    variants: int
    """Later-start variants with at least one usable window."""
    majority_beat: int
    """Variants whose hit rate (share of cycles with A ahead of B) is above one half."""
    mean_positive: int
    """Variants whose mean spread (A minus B) is positive."""
    median_hit_rate: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"variants": self.variants, "majority_beat": self.majority_beat, "mean_positive": self.mean_positive,
                "median_hit_rate": self.median_hit_rate, "text": self.text}


@dataclass(frozen=True)
class SweepResult:
    """Per-variant statistics (``variants``: parameters + n, hit rate, mean/median spread ...) and every window."""

    grid: SweepGrid
    variants: pd.DataFrame
    windows: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def heatmap(self, value: str = "hit_rate", index: str = "months", columns: str = "anchor",
                agg: Aggregate = "median") -> pd.DataFrame:
        """A pivot ready for a heatmap: ``agg`` of ``value`` over the variants in each (index, columns) cell."""
        usable = self.variants[self.variants["n_events"] > 0]
        return usable.pivot_table(index=index, columns=columns, values=value, aggfunc=agg)

    def heatmap_long(self, keys: tuple[str, ...] = ("pair", "anchor", "convention", "months")) -> pd.DataFrame:
        """Long form per cell of ``keys``: variants, share with hit rate > 1/2 and with a positive mean spread,
        and the median hit rate and mean spread (variants without a usable window are left out)."""
        usable = self.variants[self.variants["n_events"] > 0].assign(
            majority=lambda f: f["hit_rate"] > 0.5, positive=lambda f: f["mean_spread"] > 0)
        grouped = usable.groupby(list(keys), sort=True)
        out = grouped.agg(variants=("variant", "size"), share_hit_rate_above_half=("majority", "mean"),
                          share_mean_spread_positive=("positive", "mean"), median_hit_rate=("hit_rate", "median"),
                          median_mean_spread=("mean_spread", "median"), median_events=("n_events", "median"))
        return out.reset_index()

    def distribution(self, anchor: Anchor = "later_start",
                     quantiles: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)) -> pd.DataFrame:
        """Spread of the per-variant results for one anchor: quantiles across variants of the mean spread and of
        the hit rate, per pair and window length (variants without a usable window are left out)."""
        usable = self.variants[(self.variants["anchor"] == anchor) & (self.variants["n_events"] > 0)]
        rows = []
        for (pair, _), block in usable.groupby(["pair", "months"], sort=True):
            row: dict[str, Any] = {"pair": pair, "months": int(block["months"].iloc[0]), "variants": len(block)}
            for stat in ("mean_spread", "hit_rate"):
                values = block[stat].to_numpy(dtype="float64")
                for q in quantiles:
                    row[f"{stat}_p{round(q * 100):02d}"] = float(np.quantile(values, q))
            rows.append(row)
        return pd.DataFrame(rows)

    def verdict(self) -> Verdict:
        """One line: across later-start variants, how often A beat B in most cycles and on average."""
        later = self.variants[(self.variants["anchor"] == "later_start") & (self.variants["n_events"] > 0)]
        total = len(later)
        if total == 0:
            return Verdict(0, 0, 0, None, "No variant has a later phase with a complete window; no verdict.")
        majority = int((later["hit_rate"] > 0.5).sum())
        positive = int((later["mean_spread"] > 0).sum())
        med = float(np.median(later["hit_rate"]))
        lo, hi = int(later["n_events"].min()), int(later["n_events"].max())
        text = (f"A beat B in most cycles after the later phase started in {majority} of {total} variants "
                f"({majority / total:.0%}); the mean spread was positive in {positive} ({positive / total:.0%}); "
                f"median hit rate {med:.0%}; {lo}-{hi} cycles per variant (ex post).")
        return Verdict(total, majority, positive, med, text)

    def to_dict(self, with_windows: bool = False) -> dict[str, Any]:
        """JSON-ready form: grid, verdict, heatmap (long form) and per-variant rows (windows on request)."""
        from ..events.pair import row_records

        doc: dict[str, Any] = {
            "grid": self.grid.to_dict(), "ex_post": True, "verdict": self.verdict().to_dict(),
            "heatmap": row_records(self.heatmap_long()),
            "later_start_distribution": row_records(self.distribution("later_start")),
            "variants": row_records(self.variants),
            "notes": list(self.notes),
        }
        if with_windows:
            doc["windows"] = row_records(self.windows)
        return doc
