"""The research-note report: gathers typed analysis results as of a date and writes HTML, Markdown, JSON and PDF.

``build_report(ds, ReportOptions(as_of="2025-09-17"))`` returns a :class:`Report`; ``write_report(report, dir)``
writes it; ``report_for`` is ``build_report`` that reads back a report built earlier from the same stored data,
options and code. The report formats results; every number comes from the analysis modules.

Names are imported on first use, so that writing a stored report does not import every analysis.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import build_report
    from .model import Column, Figure, Report, Section, Table, Trace
    from .options import ReportOptions
    from .reuse import report_for
    from .write import report_json, write_report

_WHERE = {"build_report": "build", "Column": "model", "Figure": "model", "Report": "model", "Section": "model",
          "Table": "model", "Trace": "model", "ReportOptions": "options", "report_for": "reuse",
          "report_json": "write", "write_report": "write"}


def __getattr__(name: str) -> Any:
    """The public name from the module that defines it, imported on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


__all__ = ["Column", "Figure", "Report", "ReportOptions", "Section", "Table", "Trace", "build_report",
           "report_for", "report_json", "write_report"]
