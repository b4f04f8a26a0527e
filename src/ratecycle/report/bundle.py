"""plotly.js for a page that opens offline: the bundle the installed plotly package ships, packed into the page
(``packing``: gzip and base85) and unpacked by the browser (no third-party code in this repo)."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

from ..errors import RatecycleError
from .packing import pack


def plotly_js_path() -> Path:
    """The plotly.js bundle inside the installed plotly package, found without importing plotly (a ~0.5 s import)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RatecycleError("the HTML report needs the plotly package (it ships plotly.js): pip install plotly")
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RatecycleError(f"plotly.js not found at {path}: reinstall the plotly package")
    return path


def _cache_file(source: Path) -> Path | None:
    """Where the encoded bundle is kept between runs, keyed by the bundle's size and mtime (None: no cache dir)."""
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    stat = source.stat()
    return Path(user_cache_dir("ratecycle")) / f"plotly-{stat.st_size}-{int(stat.st_mtime)}.js.gz.b85"


@lru_cache(maxsize=1)
def plotly_packed() -> str:
    """plotly.js packed for the page (computed once, about 0.3 s, then read from the user cache directory)."""
    source = plotly_js_path()
    cache = _cache_file(source)
    if cache is not None and cache.is_file():
        return cache.read_text(encoding="ascii")
    text = pack(source.read_bytes())
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="ascii")
            os.replace(tmp, cache)
        except OSError:  # a read-only cache directory only costs the compression next time
            pass
    return text


LOADER = """window.plotlyReady=window.rcUnpack('plotly-bundle').then(function(code){
var s=document.createElement('script');s.textContent=code;document.head.appendChild(s);return window.Plotly;});"""
"""Unpacks the embedded bundle and runs it; charts wait on ``window.plotlyReady``."""


def bundle_html() -> str:
    """The embedded bundle and its loader, for the page head after ``packing.UNPACK_JS``."""
    return (f'<script type="application/octet-stream" id="plotly-bundle">{plotly_packed()}</script>'
            f"<script>{LOADER}</script>")
