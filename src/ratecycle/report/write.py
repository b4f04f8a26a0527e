"""Write report.html, report.md and report.json (and report.pdf on request) into a folder of their own."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._json import jsonable
from ..errors import RatecycleError
from .html import render_html
from .markdown import render_markdown
from .model import Report

if TYPE_CHECKING:
    import pandas as pd

REPORT_FILES = ("report.html", "report.md", "report.json", "report.pdf")
"""The files a report folder may hold; a folder with anything else is never written into."""


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_LEAF = re.compile(r'"\\u0000(\d+)\\u0000"')
"""A folded list's placeholder as ``json.dumps`` writes it."""


def report_json(report: Report) -> str:
    """The JSON document (stable key order, no NaN): nested structure indented, each innermost list or object (a
    chart's closes, a table row) on one line.

    A chart's thousands of closes are then one line instead of thousands, which halves the file and lets the fast C
    encoder write them. Parsing gives exactly what an indented dump of ``jsonable(report.to_dict())`` gives.
    """
    doc = report.to_dict()
    leaves: list[str] = []
    text, count = _LEAF.subn(lambda m: leaves[int(m.group(1))],
                             json.dumps(_fold(doc, leaves, top=True), indent=2, allow_nan=False))
    if count != len(leaves):  # a string of the report looked like a placeholder: write it the plain way
        text = json.dumps(jsonable(doc), indent=2, allow_nan=False)
    return text + "\n"


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _fold(value: Any, leaves: list[str], *, top: bool = False) -> Any:
    """``jsonable(value)`` with every innermost non-empty list or object of plain values replaced by a placeholder
    for its one-line JSON (the document itself stays indented)."""
    if isinstance(value, dict):
        if top or not value or any(isinstance(v, (dict, list, tuple)) for v in value.values()):
            return {str(k): _fold(v, leaves) for k, v in value.items()}
        plain = {type(v) for v in value.values()} <= _PLAIN
        return _leaf({str(k): v if plain else jsonable(v) for k, v in value.items()}, leaves)
    if not isinstance(value, (list, tuple)):
        return jsonable(value)
    if not value:
        return []
    if not {type(v) for v in value} <= _PLAIN:
        if any(isinstance(v, (dict, list, tuple)) for v in value):
            return [_fold(v, leaves) for v in value]
        return _leaf([jsonable(v) for v in value], leaves)
    return _leaf(value, leaves)


def _leaf(value: Any, leaves: list[str]) -> str:
    """The placeholder of one-line JSON for a list or object of plain values (NaN and infinities become null)."""
    try:  # built-in values go straight to the C encoder; a NaN or infinity raises
        leaves.append(json.dumps(value, allow_nan=False))
    except ValueError:
        leaves.append(json.dumps(jsonable(value), allow_nan=False))
    return f"\0{len(leaves) - 1}\0"


def default_out_dir(pair: tuple[str, str], as_of: pd.Timestamp | str) -> Path:
    """The folder a report goes to without --out, named by pair and as-of date (report-russell2000-sp500-2025-09-17)."""
    day = as_of if isinstance(as_of, str) else as_of.date().isoformat()
    return Path(f"report-{'-'.join(pair)}-{day}")


def _identity(doc: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two reports the same report: pair, as-of date and settings."""
    return (list(doc.get("pair") or []), doc.get("as_of"), doc.get("settings"))


def check_foreign_files(out: Path) -> None:
    """Refuse a folder (or a file) that holds anything other than the files of a ratecycle report."""
    if not out.exists():
        return
    if not out.is_dir():
        raise RatecycleError(f"output {out} is a file, not a folder; choose another --out")
    others = sorted(p.name for p in out.iterdir() if p.name not in REPORT_FILES)
    if others:
        raise RatecycleError(f"refusing to write into {out}: it holds files that are not a ratecycle report "
                             f"({', '.join(others[:3])}{', ...' if len(others) > 3 else ''}); choose another --out")


def check_out_dir(report: Report, out: Path) -> None:
    """Refuse a folder that holds anything but this same report (files of a re-run are replaced)."""
    check_foreign_files(out)
    existing = out / "report.json"
    if not existing.is_file():
        return
    try:
        doc = json.loads(existing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RatecycleError(f"refusing to write into {out}: its report.json is not a ratecycle report") from None
    this = jsonable({"pair": list(report.pair), "as_of": report.as_of, "settings": dict(report.settings)})
    if not isinstance(doc, dict) or _identity(doc) != _identity(this):
        other = f"{', '.join(doc.get('pair') or [])} as of {doc.get('as_of')}" if isinstance(doc, dict) else "?"
        raise RatecycleError(f"refusing to write into {out}: it holds another report ({other}); choose another "
                             "--out or remove that folder")


def write_report(report: Report, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write the three text outputs into ``out_dir`` (default: named by pair and as-of date); paths by kind."""
    out = Path(out_dir).expanduser() if out_dir is not None else default_out_dir(report.pair, report.as_of)
    check_out_dir(report, out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatecycleError(f"cannot create output directory {out}: {exc.strerror or exc}") from None
    paths = {"html": out / "report.html", "md": out / "report.md", "json": out / "report.json"}
    _atomic_write(paths["json"], report_json(report))
    _atomic_write(paths["md"], render_markdown(report))
    _atomic_write(paths["html"], render_html(report))
    return paths
