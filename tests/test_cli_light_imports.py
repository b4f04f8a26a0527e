"""Building the CLI (every command module registered) must not import the heavy libraries: --help stays fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ratecycle.data.source import DataSource


def test_cli_modules_import_no_heavy_library() -> None:
    code = ("import sys, ratecycle.cli.main as m; heavy = ('pandas', 'numpy', 'plotly', 'duckdb', 'scipy', 'arch'); "
            "print(','.join(sorted(h for h in heavy if h in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_program_exit_keeps_all_output_and_codes(snapshot_dir: Path, ds: DataSource) -> None:
    """The program ends without interpreter teardown: large output must still arrive whole, codes unchanged."""
    base = [sys.executable, "-m", "ratecycle.cli.main"]
    listed = subprocess.run([*base, "data", "show", "sp500", "--snapshot", str(snapshot_dir), "--csv"],
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert lines[0] == "date,value" and len(lines) == len(ds.frame("sp500")) + 1 > 20_000
    assert lines[-1].startswith(ds.frame("sp500")["date"].iloc[-1].date().isoformat())
    bad = subprocess.run([*base, "data", "show", "no_such_series", "--snapshot", str(snapshot_dir)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown series 'no_such_series'" in bad.stderr
    assert subprocess.run([*base, "--version"], capture_output=True, text=True).stdout.startswith("ratecycle ")


def test_usage_error_is_a_message_and_code_2_not_a_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "ratecycle.cli.main", "data", "show", "sp500", "--bogus"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "No such option: --bogus" in proc.stderr and "Traceback" not in proc.stderr


def test_exit_code_of_a_command_reaches_the_shell() -> None:
    """A command ending with typer.Exit(3) must make the program exit 3 (it ends through os._exit)."""
    code = ("import sys, typer; from ratecycle.cli import main as m\n"
            "@m.app.command('exit-three')\n"
            "def exit_three() -> None:\n"
            "    raise typer.Exit(3)\n"
            "sys.argv = ['ratecycle', 'exit-three']; m.main()")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 3
