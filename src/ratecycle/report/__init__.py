"""The research-note report: gathers typed analysis results as of a date and writes HTML, Markdown, JSON and PDF.

``build_report(ds, ReportOptions(as_of="2025-09-17"))`` returns a :class:`Report`; ``write_report(report, dir)``
writes it. The report formats results; every number comes from the analysis modules.
"""

from .build import ReportOptions, build_report
from .model import Column, Figure, Report, Section, Table, Trace
from .write import report_json, write_report

__all__ = ["Column", "Figure", "Report", "ReportOptions", "Section", "Table", "Trace", "build_report",
           "report_json", "write_report"]
