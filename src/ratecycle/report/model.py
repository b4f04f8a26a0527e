"""The report as a document: sections holding paragraphs, numbered figures and numbered tables.

Builders fill this model from typed analysis results; the HTML, Markdown and JSON writers only render it,
so the three outputs carry the same numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .fmt import Format, cell

if TYPE_CHECKING:
    from .calendar_result import CalendarComparison


@dataclass(frozen=True)
class Column:
    """A table column: the key in each row, its header and how its values are formatted."""

    key: str
    label: str
    kind: Format = "text"


@dataclass(frozen=True)
class Table:
    """A numbered table: raw values in ``rows`` (fractions, ISO dates), formatted only when rendered."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    source: str
    notes: tuple[str, ...] = ()
    number: int = 0
    origin: str = ""
    """Key of the section this table belongs to when the layout moved it to the supporting-tables appendix."""

    def formatted(self) -> list[list[str]]:
        """Every row as display strings, in column order (what HTML and Markdown show)."""
        return [[cell(row.get(c.key), c.kind) for c in self.columns] for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: raw values plus the column formats."""
        return {"number": self.number, "label": f"Table {self.number}", "title": self.title,
                "columns": [{"key": c.key, "label": c.label, "format": c.kind} for c in self.columns],
                "rows": [dict(r) for r in self.rows], "source": self.source, "notes": list(self.notes),
                **({"origin": self.origin} if self.origin else {})}


@dataclass(frozen=True)
class Trace:
    """One drawn series of a figure: x values (ISO dates or labels) and y values."""

    name: str
    x: tuple[Any, ...]
    y: tuple[float | None, ...]
    kind: str = "line"
    """'line', 'bar', 'marker' or 'hist' (a histogram of ``y``)."""
    color: str | None = None
    dash: str | None = None
    text: tuple[str, ...] | None = None
    hover: str | None = None
    """What the hover box says (a plotly hovertemplate without its <extra>); None: written from kind and units."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "x": list(self.x), "y": list(self.y)}
        if self.text is not None:
            out["text"] = list(self.text)
        return out


@dataclass(frozen=True)
class Band:
    """A shaded interval on the x axis (e.g. a cycle phase)."""

    start: str
    end: str
    label: str
    color: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass(frozen=True)
class Figure:
    """A numbered chart: traces, optional shaded bands and reference lines, a source line and notes."""

    title: str
    traces: tuple[Trace, ...]
    source: str
    notes: tuple[str, ...] = ()
    y_title: str = ""
    x_title: str = ""
    bands: tuple[Band, ...] = ()
    hlines: tuple[float, ...] = ()
    barmode: str = "group"
    log_y: bool = False
    y_percent: bool = False
    x_percent: bool = False
    """Axis values are fractions shown as percentages."""
    vlines: tuple[tuple[float, str], ...] = ()
    """Vertical reference lines (x value, label), e.g. each cycle's spread on a histogram."""
    number: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the plotted data (already downsampled) and captions."""
        return {"number": self.number, "label": f"Figure {self.number}", "title": self.title,
                "y_title": self.y_title, "log_y": self.log_y, "traces": [t.to_dict() for t in self.traces],
                "bands": [b.to_dict() for b in self.bands], "hlines": list(self.hlines),
                "vlines": [{"x": x, "label": label} for x, label in self.vlines],
                "source": self.source, "notes": list(self.notes)}


ParagraphRole = Literal["text", "call", "bottom_line"]
"""How a paragraph is shown: ordinary text, the overall call (boxed), or the bottom line (boxed, larger)."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose with its role, so renderers never guess a style from the words."""

    text: str
    role: ParagraphRole = "text"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "paragraph", "text": self.text, "role": self.role}


@dataclass(frozen=True)
class Explorer:
    """Interactive controls over a precomputed grid: drawn in HTML only; JSON keeps a summary, Markdown a pointer."""

    grid: dict[str, Any] = field(repr=False)
    """The document the page embeds (options, per-variant statistics, windows)."""
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: what the explorer offers, not its grid."""
        return {"type": "explorer", **self.summary}


Block = Figure | Table | Paragraph | Explorer | str
"""A section's content, in reading order: a paragraph (Paragraph, or a plain str), a figure or a table."""


def as_paragraph(block: Paragraph | str) -> Paragraph:
    """A prose block as a Paragraph (a plain string is ordinary text)."""
    return block if isinstance(block, Paragraph) else Paragraph(block)


@dataclass(frozen=True)
class Section:
    """One report section; ``available`` is False when the analysis it shows could not run."""

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    available: bool = True
    reason: str = ""
    appendix: bool = False
    """True for the appendices (lettered A, B... after the numbered main body)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form: paragraphs, figures and tables in order."""
        blocks: list[dict[str, Any]] = []
        for block in self.blocks:
            if isinstance(block, (str, Paragraph)):
                blocks.append(as_paragraph(block).to_dict())
            elif isinstance(block, Figure):
                blocks.append({"type": "figure", **block.to_dict()})
            elif isinstance(block, Explorer):
                blocks.append(block.to_dict())
            else:
                blocks.append({"type": "table", **block.to_dict()})
        return {"key": self.key, "title": self.title, "available": self.available,
                "reason": self.reason or None, "appendix": self.appendix, "blocks": blocks}


@dataclass(frozen=True)
class Report:
    """The whole report: settings, sections in order, and the ex-post appendix kept apart."""

    title: str
    as_of: str
    pair: tuple[str, str]
    settings: dict[str, Any]
    sections: tuple[Section, ...]
    what_happened_next: Section | None = None
    next_data: dict[str, Any] = field(default_factory=dict)
    bottom_line: str = ""
    """The answer to the title in at most 120 words (also the first section's text)."""
    calendar_comparison: CalendarComparison | None = None
    """A fixed calendar's record beside the rule-based one (None when no calendar is shown)."""

    def figures(self) -> list[Figure]:
        """All figures in order (appendix last)."""
        return [b for s in self._all() for b in s.blocks if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        """All tables in order (appendix last)."""
        return [b for s in self._all() for b in s.blocks if isinstance(b, Table)]

    def _all(self) -> list[Section]:
        return [*self.sections, *([self.what_happened_next] if self.what_happened_next else [])]

    def to_dict(self) -> dict[str, Any]:
        """The report.json document; everything after the as-of date lives under ``what_happened_next`` only."""
        return {"title": self.title, "as_of": self.as_of, "pair": list(self.pair), "settings": dict(self.settings),
                "bottom_line": self.bottom_line,
                "calendar_comparison": (self.calendar_comparison.to_dict() if self.calendar_comparison is not None
                                        else None),
                "sections": [s.to_dict() for s in self.sections],
                "what_happened_next": ({**self.next_data, "section": self.what_happened_next.to_dict()}
                                       if self.what_happened_next else self.next_data or None)}


def number_blocks(sections: list[Section]) -> list[Section]:
    """Give every figure and table its running number (Figure 1, Table 1...) in reading order."""
    from dataclasses import replace

    fig = tab = 0
    out = []
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Figure):
                fig += 1
                block = replace(block, number=fig)
            elif isinstance(block, Table):
                tab += 1
                block = replace(block, number=tab)
            blocks.append(block)
        out.append(replace(section, blocks=tuple(blocks)))
    return out
