"""Helpers shared by the benchmark scripts: timing, peak memory, machine description, JSON output."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("RATECYCLE_BENCH_SNAPSHOT", REPO.parent / "shared" / "data")).resolve()


def best_of(func: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The fastest wall time of ``repeat`` calls (seconds) and the last call's result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine() -> dict[str, Any]:
    """CPU model, core count, RAM and Python/numpy/pandas versions of this machine."""
    import numpy as np
    import pandas as pd

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram_gb, "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "os": f"{platform.system()} {platform.release()}"}


def emit(rows: list[dict[str, Any]]) -> None:
    """Print benchmark rows as one JSON document (read by run_all.py) or as text when run by hand."""
    if "--json" in sys.argv:
        sys.stdout.write(json.dumps(rows) + "\n")
    else:
        for row in rows:
            print(", ".join(f"{k}={v}" for k, v in row.items()))


def row(name: str, value: float, unit: str, goal: str, ok: bool, detail: str = "", **extra: Any) -> dict[str, Any]:
    """One result line: what was measured, the value, the goal and whether it was met."""
    return {"benchmark": name, "value": round(value, 4), "unit": unit, "goal": goal, "met": bool(ok),
            "detail": detail, **extra}
