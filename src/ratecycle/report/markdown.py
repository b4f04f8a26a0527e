"""Markdown twin of the HTML report: the same sections, tables and captions; charts are referenced by number."""

from __future__ import annotations

from .model import Figure, Report, Section, Table


def section_labels(report: Report) -> dict[str, str]:
    """Heading numbers: '1.', '2.'... for the body, 'Appendix A.' for methods, 'Appendix B.' for what happened next."""
    labels: dict[str, str] = {}
    number = 0
    for section in report.sections:
        if section.key == "methods":
            labels[section.key] = "Appendix A."
        else:
            number += 1
            labels[section.key] = f"{number}."
    if report.what_happened_next:
        labels[report.what_happened_next.key] = "Appendix B."
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


def section_md(section: Section, label: str) -> str:
    """A section heading and its blocks."""
    parts = [f"## {label} {section.title}", ""]
    if not section.available:
        parts += [f"_Not available: {section.reason}_", ""]
    for block in section.blocks:
        if isinstance(block, Figure):
            parts.append(figure_md(block))
        elif isinstance(block, Table):
            parts.append(table_md(block))
        else:
            parts += [block, ""]
    return "\n".join(parts)


def render_markdown(report: Report) -> str:
    """The report as one Markdown document."""
    labels = section_labels(report)
    head = [f"# {report.title}", "",
            f"As of {report.settings.get('as_of_text', report.as_of)} · pair "
            f"{report.settings.get('pair_text', ', '.join(report.pair))} · cycles: "
            f"{report.settings.get('cycles_text', '')}", ""]
    body = [section_md(s, labels[s.key]) for s in report.sections]
    if report.what_happened_next:
        body.append(section_md(report.what_happened_next, labels[report.what_happened_next.key]))
    return "\n".join(head + body).rstrip() + "\n"
