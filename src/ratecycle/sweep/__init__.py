"""Robustness sweeps: later-phase spreads and hit rates across every choice of rules, anchors and windows."""

from .engine import anchor_events, compute_chunk, sweep_windows, variant_stats
from .grid import DEFAULT_MONTHS, DEFAULT_PAIRS, SweepGrid
from .result import SweepResult, Verdict
from .run import open_client, run_sweep, sweep_from_source

__all__ = ["DEFAULT_MONTHS", "DEFAULT_PAIRS", "SweepGrid", "SweepResult", "Verdict", "anchor_events",
           "compute_chunk", "open_client", "run_sweep", "sweep_from_source", "sweep_windows", "variant_stats"]
