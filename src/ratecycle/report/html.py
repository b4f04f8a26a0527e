"""Self-contained HTML: inline CSS, plotly.js embedded once (compressed), one div per figure, print-friendly."""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

from .bundle import bundle_html, plotly_js_path
from .explorer_html import explorer_html
from .figures import plotly_spec
from .glossary import TERMS, Term, entry_text, link_terms
from .markdown import section_labels
from .model import Explorer, Figure, Paragraph, Report, Section, Table, as_paragraph
from .packing import UNPACK_JS

__all__ = ["PLOTLY_CONFIG", "chart_html", "plotly_js_path", "render_html", "script_json"]

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _css() -> str:
    return resources.files(__package__).joinpath("assets/report.css").read_text(encoding="utf-8")


_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
"""JSON escapes that keep ``</script>``, ``<!--`` and JS line separators out of an inline script (still valid JSON)."""


def script_json(value: Any) -> str:
    """Compact JSON that is safe inside a <script> element and still parses back to the same value."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    for char, escape in _SCRIPT_SAFE:  # str.replace runs in C; str.translate with a dict looks up every character
        text = text.replace(char, escape)
    return text


def chart_html(figure: Figure) -> str:
    """The chart div and the script that draws it with plotly.js (inlined once in the page head)."""
    div_id, spec = f"figure-{figure.number}", plotly_spec(figure)
    call = ", ".join(script_json(v) for v in (div_id, spec["data"], spec["layout"], PLOTLY_CONFIG))
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:380px; width:100%;"></div>'
            f'<script type="text/javascript">window.plotlyReady.then(function(){{Plotly.newPlot({call});}});</script>')


def figure_html(figure: Figure) -> str:
    """One numbered figure: caption, chart div with its drawing script, source line and notes."""
    chart = chart_html(figure)
    notes = "".join(f'<p class="note">Note: {_esc(n)}</p>' for n in figure.notes)
    return (f'<figure id="fig-{figure.number}" data-figure="{figure.number}">'
            f'<figcaption>Figure {figure.number}: {_esc(figure.title)}</figcaption>'
            f'<div class="chart">{chart}</div>{notes}<p class="source">Source: {_esc(figure.source)}</p></figure>')


_BREAKABLE = re.compile(r"(\S*[-/\u2010-\u2015]\S*)")
"""A run of non-space characters holding a hyphen, dash or slash, where browsers may break a line."""


def cell_html(text: str) -> str:
    """A cell's text, escaped, with every word a browser could break at a hyphen or slash kept whole."""
    return _BREAKABLE.sub(r'<span class="nw">\1</span>', _esc(text))


def table_html(table: Table) -> str:
    """One numbered table with formatted cells, its source line and notes."""
    head = "".join(f'<th class="{ "text" if c.kind in {"text", "date"} else "num"}">{cell_html(c.label)}</th>'
                   for c in table.columns)
    body = "".join("<tr>" + "".join(
        f'<td class="{"text" if c.kind in {"text", "date"} else "num"}">{cell_html(v)}</td>'
        for c, v in zip(table.columns, row, strict=True)) + "</tr>" for row in table.formatted())
    notes = "".join(f'<p class="note">Note: {_esc(n)}</p>' for n in table.notes)
    return (f'<div class="table-block" id="tab-{table.number}" data-table="{table.number}">'
            f'<div class="caption">Table {table.number}: {_esc(table.title)}</div>'
            f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
            f'{notes}<p class="source">Source: {_esc(table.source)}</p></div>')


def _term_link(words: str, term: Term) -> str:
    return f'<a class="term" href="#{term.anchor}" title="{_esc(term.definition)}">{_esc(words)}</a>'


def paragraph_html(block: Paragraph, seen: set[str] | None) -> str:
    """A paragraph with its role as a class; with ``seen``, the first use of each glossary term links to it."""
    text = _esc(block.text) if seen is None else link_terms(block.text, seen, _term_link, _esc)
    css = f' class="{block.role.replace("_", "-")}"' if block.role != "text" else ""
    return f"<p{css}>{text}</p>"


def glossary_html() -> str:
    """The glossary entries, one paragraph each with the term's anchor (the links in the text land here)."""
    return "".join(f'<p id="{t.anchor}" class="glossary-entry">{_esc(entry_text(t))}</p>' for t in TERMS)


def section_html(section: Section, number: str, seen: set[str] | None = None) -> str:
    """A section with its heading and blocks in order."""
    classes = " ".join(c for c in ("appendix" if section.appendix else "", "" if section.available else "unavailable",
                                   section.key.replace("_", "-")) if c)
    parts = [f'<section id="{section.key}" data-section="{section.key}" class="{classes}">',
             f"<h2>{_esc(number)} {_esc(section.title)}</h2>"]
    if not section.available:
        parts.append(f'<p class="unavailable">{_esc(section.reason)}</p>')
    if section.key == "glossary":
        parts.append(glossary_html())
    else:
        for block in section.blocks:
            if isinstance(block, Figure):
                parts.append(figure_html(block))
            elif isinstance(block, Table):
                parts.append(table_html(block))
            elif isinstance(block, Explorer):
                parts.append(explorer_html(block))
            else:
                parts.append(paragraph_html(as_paragraph(block), seen))
    parts.append("</section>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """The complete page as one string (about 2 MB, most of it the compressed plotly.js)."""
    labels = section_labels(report)
    listed = [*report.sections, *([report.what_happened_next] if report.what_happened_next else [])]
    toc = "".join(f'<li><span class="toc-num">{_esc(labels[s.key])}</span> <a href="#{s.key}">{_esc(s.title)}</a></li>'
                  for s in listed)
    seen: set[str] = set()
    body = "".join(section_html(s, labels[s.key], None if s.appendix else seen) for s in listed)
    subtitle = (f"As of {report.settings.get('as_of_text', report.as_of)} &middot; pair "
                f"{_esc(report.settings.get('pair_text', ', '.join(report.pair)))} &middot; "
                f"cycles: {_esc(str(report.settings.get('cycles_text', '')))}")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_esc(report.title)}</title><style>{_css()}</style><script>{UNPACK_JS}</script>{bundle_html()}"
            "</head><body>"
            f'<nav class="toc" aria-label="Contents"><details open><summary>Contents</summary><ul>{toc}</ul>'
            f'</details></nav><main><header class="report-head"><h1>{_esc(report.title)}</h1><p>{subtitle}</p>'
            f'</header>{body}</main><a class="to-top" href="#">Contents &uarr;</a></body></html>')
