"""Write report.html, report.md and report.json (and report.pdf on request) into one directory."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import RatecycleError
from .html import render_html
from .markdown import render_markdown
from .model import Report


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


def report_json(report: Report) -> str:
    """The JSON document (stable key order, no NaN)."""
    from ..cli.common import jsonable

    return json.dumps(jsonable(report.to_dict()), indent=2, allow_nan=False) + "\n"


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write the three text outputs; returns their paths by kind ('html', 'md', 'json')."""
    out = Path(out_dir).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RatecycleError(f"cannot create output directory {out}: {exc.strerror or exc}") from None
    paths = {"html": out / "report.html", "md": out / "report.md", "json": out / "report.json"}
    _atomic_write(paths["json"], report_json(report))
    _atomic_write(paths["md"], render_markdown(report))
    _atomic_write(paths["html"], render_html(report))
    return paths
