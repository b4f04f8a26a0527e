"""Run every benchmark in its own process (so peak memory is per benchmark) and print/write a table.

Usage: python benchmarks/run_all.py [--out benchmarks/results.json]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import machine  # noqa: E402

SCRIPTS = ("bench_event_study.py", "bench_sweep.py", "bench_cross_section.py", "bench_startup.py", "bench_report.py",
           "bench_explorer.py")


def run_script(name: str) -> list[dict]:
    """Run one benchmark script with --json; a failure becomes a row saying why."""
    path = HERE / name
    if not path.exists():
        return [{"benchmark": name, "value": None, "unit": "", "goal": "", "met": False, "detail": "script missing"}]
    proc = subprocess.run([sys.executable, str(path), "--json"], capture_output=True, text=True, cwd=HERE)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [{"benchmark": name, "value": None, "unit": "", "goal": "", "met": False,
                 "detail": f"failed: {tail[:200]}"}]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run all scripts, print a table and write results JSON (default benchmarks/results.json)."""
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else HERE / "results.json"
    info = machine()
    rows: list[dict] = []
    for script in SCRIPTS:
        started = time.perf_counter()
        results = run_script(script)
        for r in results:
            r["script"] = script
            r["script_wall_s"] = round(time.perf_counter() - started, 2)
        rows.extend(results)
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    header = f"{'benchmark':<34} {'value':>12} {'unit':<6} {'goal':<16} {'met':<4} detail"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = "-" if r.get("value") is None else f"{r['value']:.4g}"
        print(f"{r['benchmark']:<34} {value:>12} {r.get('unit', ''):<6} {r.get('goal', ''):<16} "
              f"{'yes' if r.get('met') else 'no':<4} {r.get('detail', '')}")
    out.write_text(json.dumps({"machine": info, "results": rows}, indent=2) + "\n")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
