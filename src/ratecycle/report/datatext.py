"""Text that comes from data files (holdings names, tickers, sectors, file names) made safe for the report.

A holdings file is written by someone else: a name such as ``<img src=x onerror=...>`` or a Markdown link
``[x](javascript:...)`` must not become markup in report.md (any Markdown renderer passes HTML through) or
in report.json (whose consumers may render it). Tags are stripped, stray angle brackets dropped and square
brackets made round, so the text reads the same and carries no markup.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^<>]*>")


def plain(value: object) -> str:
    """``value`` as one line of plain text: HTML tags removed, ``<``/``>`` dropped, ``[``/``]`` made ``(``/``)``."""
    text = _TAG.sub("", str(value))
    text = text.replace("<", "").replace(">", "").replace("[", "(").replace("]", ")")
    return " ".join(text.split())
