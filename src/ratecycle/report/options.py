"""What a user chooses for a report, and the check that refuses an option that cannot work before any data is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._typing import DateLike
from ..cycles import CycleRules, rules_from_options
from ..errors import RatecycleError

Progress = Callable[[str], None]
"""Receives one line per step of a long build (a section's title, 'reading data')."""


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose: as-of date (default: last common date of the pair), pair, cycle rules, horizon, and the
    calendar preset shown beside the rule-based result (default: the note's, from its first cycle on)."""

    as_of: DateLike | None = None
    pair: tuple[str, str] = ("russell2000", "sp500")
    preset: str | None = None
    rules: str | None = None
    min_pause: int | None = None
    max_gap: int | None = None
    months: int = 12
    rotation_start: DateLike | None = None


def check_options(options: ReportOptions) -> CycleRules | None:
    """Fail at once on an option that cannot work (horizon, preset, rules); the rules chosen (None: defaults)."""
    if options.months < 1:
        raise RatecycleError(f"--months must be at least 1, got {options.months}")
    if options.preset is not None:
        from ..cycles import preset as load_preset

        load_preset(options.preset)  # an unknown preset is an error here, not a report of empty sections
    return _rules(options)


def _rules(options: ReportOptions) -> CycleRules | None:
    if options.rules is None and options.min_pause is None and options.max_gap is None:
        return None
    return rules_from_options(options.rules, options.min_pause, options.max_gap)


__all__ = ["Progress", "ReportOptions", "check_options"]
