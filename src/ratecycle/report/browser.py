"""Headless Chromium (via Playwright) for the PDF and for checking that the page renders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import RatecycleError

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


CHARTS_READY = ("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".every(d => d.querySelector('svg.main-svg'))")
"""JavaScript predicate: every plotly div has drawn its SVG."""


def chromium_path() -> str | None:
    """The Chromium binary: $RATECYCLE_CHROMIUM, /usr/bin/chromium, or chromium/chromium-browser on PATH."""
    for candidate in (os.environ.get("RATECYCLE_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print the HTML report to PDF with headless Chromium (A4, print CSS, backgrounds on)."""
    exe = chromium_path()
    if exe is None:
        raise RatecycleError("--pdf needs Chromium: install it (apt-get install chromium) or set RATECYCLE_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RatecycleError("--pdf needs playwright: pip install 'ratecycle[browser]'") from None
    html_file, pdf_file = Path(html_path).resolve(), Path(pdf_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.goto(html_file.as_uri(), wait_until="load")
            page.wait_for_function(CHARTS_READY, timeout=60_000)
            page.emulate_media(media="print")
            page.evaluate("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                          ".forEach(d => window.Plotly && Plotly.Plots.resize(d))")
            page.pdf(path=str(pdf_file), format="A4", print_background=True,
                     margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return pdf_file


def screenshot(html_path: str | Path, png_path: str | Path, *, full_page: bool = False,
               width: int = 1100, height: int = 900) -> Path:
    """Save a PNG of the rendered report (the top of the page, or the whole page)."""
    exe = chromium_path()
    if exe is None:
        raise RatecycleError("a screenshot needs Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.wait_for_function(CHARTS_READY, timeout=60_000)
            page.screenshot(path=str(png_path), full_page=full_page)
        finally:
            browser.close()
    return Path(png_path)
