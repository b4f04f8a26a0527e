"""Run every benchmark in its own process (so peak memory is per benchmark), print a table, write the raw numbers
and regenerate the results block of docs/benchmarks.md (between its ``results:start``/``results:end`` markers).

Usage: python benchmarks/run_all.py [--out benchmarks/results.json] [--no-docs]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "benchmarks.md"
START, END = "<!-- results:start (written by benchmarks/run_all.py) -->", "<!-- results:end -->"
LETTER = {"bench_event_study.py": "a", "bench_sweep.py": "b", "bench_cross_section.py": "c", "bench_startup.py": "d",
          "bench_report.py": "e", "bench_explorer.py": "f"}
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


def _value(r: dict) -> str:
    """A result's value with its unit, as the table shows it."""
    value, unit = r.get("value"), r.get("unit", "")
    if value is None:
        return "-"
    if unit == "x":
        return f"{value:,.1f}x" if value < 100 else f"{value:,.0f}x"
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.01 else f"{value * 1000:.1f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:.4g} {unit}".strip()


def results_block(info: dict, rows: list[dict], started: dt.datetime, load: tuple[float, float]) -> str:
    """The generated part of docs/benchmarks.md: machine, date, load and one table row per result."""
    lines = [START, "",
             f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; "
             f"Python {info['python']}, numpy {info['numpy']}, pandas {info['pandas']}.",
             f"Run: {started:%Y-%m-%d %H:%M} UTC (`python benchmarks/run_all.py`; raw numbers in "
             f"`benchmarks/results.json`); load average {load[0]:.1f} at the start and {load[1]:.1f} at the end.",
             "", "| benchmark | value | goal | met |", "|---|---|---|---|"]
    for r in rows:
        label = f"({LETTER.get(r.get('script', ''), '?')}) `{r['benchmark']}`: {r.get('detail', '')}"
        met = "-" if r.get("goal") in {"reported", "(reported)"} else ("yes" if r.get("met") else "no")
        lines.append(f"| {label.replace('|', '/')} | {_value(r)} | {r.get('goal', '')} | {met} |")
    return "\n".join([*lines, "", END])


def write_doc(block: str, doc: Path = DOC) -> None:
    """Replace the results block of the benchmarks page (the prose around it is kept)."""
    text = doc.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no results markers; add {START!r} and {END!r}")
    head, rest = text.split(START, 1)
    doc.write_text(head + block + rest.split(END, 1)[1])


def main() -> None:
    """Run all scripts, print a table, write results JSON (default benchmarks/results.json) and the docs block."""
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else HERE / "results.json"
    info = machine()
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()[0]
    rows: list[dict] = []
    for script in SCRIPTS:
        script_start = time.perf_counter()
        results = run_script(script)
        for r in results:
            r["script"] = script
            r["script_wall_s"] = round(time.perf_counter() - script_start, 2)
        rows.extend(results)
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    header = f"{'benchmark':<34} {'value':>12} {'unit':<6} {'goal':<16} {'met':<4} detail"
    print(header)
    print("-" * len(header))
    for r in rows:
        value = "-" if r.get("value") is None else f"{r['value']:.4g}"
        print(f"{r['benchmark']:<34} {value:>12} {r.get('unit', ''):<6} {r.get('goal', ''):<16} "
              f"{'yes' if r.get('met') else 'no':<4} {r.get('detail', '')}")
    load = (load_start, os.getloadavg()[0])
    out.write_text(json.dumps({"machine": info, "started_utc": started.isoformat(timespec="seconds"),
                               "load_average": load, "results": rows}, indent=2) + "\n")
    print(f"written: {out}")
    if "--no-docs" not in sys.argv:
        write_doc(results_block(info, rows, started, load))
        print(f"written: {DOC}")


if __name__ == "__main__":
    main()
