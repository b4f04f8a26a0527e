"""Building the CLI (every command module registered) must not import the heavy libraries: --help stays fast."""

from __future__ import annotations

import subprocess
import sys


def test_cli_modules_import_no_heavy_library() -> None:
    code = ("import sys, ratecycle.cli.main as m; heavy = ('pandas', 'numpy', 'plotly', 'duckdb', 'scipy', 'arch'); "
            "print(','.join(sorted(h for h in heavy if h in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
