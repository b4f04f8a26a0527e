"""Phase-rotation backtests: hold A or B by point-in-time cycle phase, with lag, costs and standard metrics."""

from .engine import BacktestResult, positions, run_backtest, simulate
from .metrics import Metrics
from .strategies import PHASES, STRATEGIES, Strategy, parse_strategy, phases_from_labels

__all__ = ["PHASES", "STRATEGIES", "BacktestResult", "Metrics", "Strategy", "parse_strategy", "phases_from_labels",
           "positions", "run_backtest", "simulate"]
