"""Helpers for the report tests: parse the HTML report's tables and captions with the standard library."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})")


class ReportParser(HTMLParser):
    """Collects section keys, figure/table numbers and every table's cells (by data-table number)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.figures: list[int] = []
        self.tables: dict[int, list[list[str]]] = {}
        self.captions: list[str] = []
        self.paragraphs: list[str] = []
        self._table: int | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._para: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-section"):
            self.sections.append(str(a["data-section"]))
        if tag == "figure" and a.get("data-figure"):
            self.figures.append(int(str(a["data-figure"])))
        if tag == "div" and a.get("data-table"):
            self._table = int(str(a["data-table"]))
            self.tables[self._table] = []
        if tag == "tr" and self._table is not None:
            self._row = []
        if tag in {"td", "th"} and self._row is not None:
            self._cell = []
        if tag == "figcaption" or (tag == "div" and a.get("class") == "caption"):
            self._caption = []
        if tag == "p":
            self._para = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None
        if tag in {"figcaption", "div"} and self._caption is not None:
            self.captions.append("".join(self._caption))
            self._caption = None
        if tag == "p" and self._para is not None:
            self.paragraphs.append("".join(self._para))
            self._para = None

    def handle_data(self, data: str) -> None:
        for buf in (self._cell, self._caption, self._para):
            if buf is not None:
                buf.append(data)


def parse_report(html: str) -> ReportParser:
    """Parse the report page (the inlined plotly.js is skipped as script data)."""
    parser = ReportParser()
    parser.feed(html)
    return parser


def dates_in(value: Any, skip_keys: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Every ISO date found in a JSON value, with the key path where it was found."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in skip_keys:
                    walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str):
            found.extend((m, path) for m in ISO_DATE.findall(node))

    walk(value, "$")
    return found


def section_of(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """A section of report.json with the tables the layout moved to the supporting-tables appendix put back."""
    section = next(s for s in doc["sections"] if s["key"] == key)
    moved = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == "table" and b.get("origin") == key]
    return {**section, "blocks": [*section["blocks"], *moved]}
