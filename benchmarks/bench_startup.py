"""(d) Start-up time of ``ratecycle --help`` (a fresh interpreter each run; goal < 0.3 s)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import emit, row

GOAL_S = 0.3


def main() -> None:
    """Run ``ratecycle --help`` 7 times in fresh processes; report the median and the best."""
    exe = Path(sys.executable).with_name("ratecycle")
    command = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "ratecycle.cli.main", "--help"]
    # warm the OS file cache and write the bytecode cache, as a normal install has it (an environment setting
    # PYTHONDONTWRITEBYTECODE would otherwise recompile the command modules on every run)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=True, env=env)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    emit([row("cli_help_startup", median, "s", f"< {GOAL_S} s", median < GOAL_S,
              f"median of 7 fresh processes (best {min(times):.3f} s)")])


if __name__ == "__main__":
    main()
