"""Markdown twin of the HTML report: the same sections, tables and captions; charts are referenced by number."""

from __future__ import annotations

import string

from .glossary import Term, link_terms
from .model import Explorer, Figure, Paragraph, Report, Section, Table, as_paragraph


def section_labels(report: Report) -> dict[str, str]:
    """Heading numbers: '1.', '2.'... for the main body, 'Appendix A.', 'Appendix B.'... for the appendices."""
    labels: dict[str, str] = {}
    number = appendix = 0
    listed = [*report.sections, *([report.what_happened_next] if report.what_happened_next else [])]
    for section in listed:
        if section.appendix or section is report.what_happened_next:
            labels[section.key] = f"Appendix {string.ascii_uppercase[appendix]}."
            appendix += 1
        else:
            number += 1
            labels[section.key] = f"{number}."
    return labels


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_md(table: Table) -> str:
    """A pipe table with caption, notes and source."""
    head = "| " + " | ".join(_cell(c.label) for c in table.columns) + " |"
    rule = "|" + "|".join("---" if c.kind in {"text", "date"} else "---:" for c in table.columns) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.formatted()]
    notes = [f"Note: {n}" for n in table.notes]
    return "\n".join([f"**Table {table.number}: {table.title}**", "", head, rule, *rows, "",
                      *[f"{n}  " for n in notes], f"Source: {table.source}", ""])


def figure_md(figure: Figure) -> str:
    """Caption block for a chart (the interactive chart is in report.html)."""
    notes = [f"Note: {n}  " for n in figure.notes]
    traces = ", ".join(t.name for t in figure.traces)
    return "\n".join([f"**Figure {figure.number}: {figure.title}**", "",
                      f"_Chart in report.html (series: {traces})._  ", *notes, f"Source: {figure.source}", ""])


def _md_link(words: str, term: Term) -> str:
    return f"[{words}](#{term.anchor})"


def paragraph_md(block: Paragraph, seen: set[str] | None) -> str:
    """A paragraph; with ``seen``, the first use of each glossary term links to its entry."""
    text = block.text if seen is None else link_terms(block.text, seen, _md_link, lambda t: t)
    return f"**{text}**" if block.role == "bottom_line" else text


def section_md(section: Section, label: str, seen: set[str] | None = None) -> str:
    """A section heading and its blocks."""
    parts = [f'## <a id="{section.key}"></a>{label} {section.title}', ""]
    if not section.available:
        parts += [f"_Not available: {section.reason}_", ""]
    for block in section.blocks:
        if isinstance(block, Figure):
            parts.append(figure_md(block))
        elif isinstance(block, Table):
            parts.append(table_md(block))
        elif isinstance(block, Explorer):
            parts += [f"_The explorer's controls and its {block.summary.get('variants', 0):,} precomputed combinations "
                      "are in report.html._", ""]
        else:
            parts += [paragraph_md(as_paragraph(block), seen), ""]
    return "\n".join(parts)


def glossary_md(section: Section, label: str) -> str:
    """The glossary with an anchor on every entry, so links from the text land on it."""
    from .glossary import TERMS, entry_text

    parts = [f'## <a id="{section.key}"></a>{label} {section.title}', ""]
    for term in TERMS:
        parts += [f'<a id="{term.anchor}"></a>{entry_text(term)}', ""]
    return "\n".join(parts)


def render_markdown(report: Report) -> str:
    """The report as one Markdown document."""
    labels = section_labels(report)
    head = [f"# {report.title}", "",
            f"As of {report.settings.get('as_of_text', report.as_of)} · pair "
            f"{report.settings.get('pair_text', ', '.join(report.pair))} · cycles: "
            f"{report.settings.get('cycles_text', '')}", ""]
    seen: set[str] = set()
    body = [glossary_md(s, labels[s.key]) if s.key == "glossary"
            else section_md(s, labels[s.key], None if s.appendix else seen) for s in report.sections]
    if report.what_happened_next:
        body.append(section_md(report.what_happened_next, labels[report.what_happened_next.key]))
    return "\n".join(head + body).rstrip() + "\n"
