"""Step lines on stderr for long commands: a spinner with dim lines on a terminal, plain lines in logs and pipes.

stdout stays free for the command's output. Off a terminal nothing is styled or wrapped (a log keeps each line
whole) and rich is not even imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Steps:
    """Prints one line per step; ``status`` shows a spinner beside the current step on a terminal."""

    def __init__(self) -> None:
        self._console: Any = None
        if sys.stderr.isatty():
            from rich.console import Console

            self._console = Console(stderr=True)

    def line(self, text: str, *, dim: bool = False) -> None:
        """One line on stderr (dim on a terminal, for progress under the spinner)."""
        if self._console is None:
            print(text, file=sys.stderr, flush=True)
        else:
            self._console.print(text, style="dim" if dim else None)

    @contextmanager
    def status(self, text: str) -> Iterator[Callable[[str], None]]:
        """A spinner labelled ``text`` while the block runs (terminal only); yields the function that relabels it."""
        if self._console is None:
            yield lambda _text: None
            return
        with self._console.status(text, spinner="dots") as status:
            yield lambda label: status.update(label)


__all__ = ["Steps"]
