"""Policy-rate cycles: moves, cutting/hiking cycles, pauses, early/later phases, point-in-time labels."""

from .model import Cycle, Move, Pause, Phase

__all__ = ["Cycle", "Move", "Pause", "Phase"]
