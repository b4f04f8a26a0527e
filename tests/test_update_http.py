"""The live path end to end: the real FRED provider against a local server speaking fredgraph.csv.

The server builds FRED's graph CSV from snapshot rows (read with the csv module), honours ``cosd``/``coed``
and records every request, so the test sees exactly what an incremental update asked for.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ratecycle.cli import main
from ratecycle.data.catalog import get_spec
from ratecycle.data.store import Store
from ratecycle.data.update import ProviderPool, update_series
from wire import fred_graph_csv, fred_rows


class FredGraph:
    """A stand-in for fred.stlouisfed.org/graph/fredgraph.csv serving snapshot rows up to ``cut``."""

    def __init__(self, snapshot: Path, cut: str) -> None:
        self.snapshot, self.cut = snapshot, cut
        self.edits: dict[tuple[str, str], str] = {}
        self.script: list[Response] = []  # canned answers served first, in order
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.args))
        if self.script:
            return self.script.pop(0)
        series_id = request.args["id"]
        start = request.args.get("cosd", "1776-07-04")
        end = min(request.args.get("coed", "9999-12-31"), self.cut)
        rows = [(d, self.edits.get((series_id, d), v)) for d, v in fred_rows(self.snapshot, series_id, start, end)]
        return Response(fred_graph_csv(rows, series_id), content_type="text/csv")


@pytest.fixture
def fred(httpserver: HTTPServer, snapshot_dir: Path) -> FredGraph:
    graph = FredGraph(snapshot_dir, "2026-03-01")
    httpserver.expect_request("/graph/fredgraph.csv").respond_with_handler(graph)
    return graph


def _pool(httpserver: HTTPServer) -> ProviderPool:
    options = {"base_url": httpserver.url_for("/").rstrip("/"), "sleep": lambda _s: None, "retries": 3}
    return ProviderPool(options={"fred": options})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_live_first_incremental_revised(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path,
                                        snapshot_dir: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    spec = get_spec("core_pce")
    first = update_series(spec, store, providers=_pool(httpserver))
    assert first.status == "updated" and fred.requests == [{"id": "PCEPILFE"}]
    raw = dict(fred_rows(snapshot_dir, "PCEPILFE", "1959-01-01", "2026-06-01"))
    assert first.rows_after == sum(d <= "2026-03-01" for d in raw) and first.last == "2026-03-01"

    fred.cut, fred.requests = "2026-06-01", []
    fred.edits[("PCEPILFE", "2026-02-01")] = "126.5"
    second = update_series(spec, store, providers=_pool(httpserver))
    assert fred.requests == [{"id": "PCEPILFE", "cosd": "2025-09-01"}]  # six months of overlap
    assert (second.status, second.added, second.revised) == ("updated", 3, 1)
    values = store.read("core_pce").set_index("date")["value"]
    assert values[pd.Timestamp("2026-02-01")] == 126.5
    assert values[pd.Timestamp("2026-06-01")] == float(raw["2026-06-01"])
    assert len(values) == len(raw)
    meta = store.metadata("core_pce")
    assert meta is not None and meta.provider == "fred" and "127.0.0.1" in meta.source


def test_live_500_then_200(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    fred.script = [Response("busy", status=500)]
    result = update_series(get_spec("fed_funds_monthly"), store, providers=_pool(httpserver))
    assert result.status == "updated" and len(fred.requests) == 2  # retried inside the provider
    assert store.metadata("fed_funds_monthly").last == "2026-03-01"


def test_live_html_page_leaves_store(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    before = sha256(store.path)
    fred.cut = "2026-06-01"
    fred.script = [Response("<html><head><title>FRED is down for maintenance</title></head></html>",
                            status=200, content_type="text/html")]
    result = update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    assert result.status == "failed" and "HTML page" in result.message and "maintenance" in result.message
    assert sha256(store.path) == before
    fred.script = [Response("busy", status=503)] * 3  # every retry fails
    assert update_series(get_spec("core_pce"), store, providers=_pool(httpserver)).status == "failed"
    assert sha256(store.path) == before


def test_cli_fetch_against_local_fred(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``ratecycle data fetch`` through the console entry point, pointed at the local server by RATECYCLE_FRED_URL."""
    store = tmp_path / "cli.duckdb"
    monkeypatch.setenv("RATECYCLE_STORE", str(store))
    monkeypatch.setenv("RATECYCLE_FRED_URL", httpserver.url_for("/").rstrip("/"))
    fred.cut = "2026-08-21"

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["ratecycle", "data", "fetch", *args])
        code = 0
        try:
            main.run()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("fed_target_upper", "core_pce", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [r["status"] for r in doc["results"]] == ["updated", "updated"]
    upper = Store(store).read("fed_target_upper").set_index("date")["value"]
    assert upper[pd.Timestamp("2008-12-15")] == 1.0 and upper[pd.Timestamp("2008-12-16")] == 0.25
    assert upper.index[-1] == pd.Timestamp("2026-08-21") and upper.iloc[-1] == 3.75
    fred.script = [Response("<html><title>Error</title></html>", status=200, content_type="text/html")]
    code, out, err = run("core_pce", "fed_target_upper")
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        "ratecycle: error: fetch failed for 1 of 2 series: core_pce (their stored data is unchanged)")
    assert "unchanged" in out  # fed_target_upper was still checked, and found unchanged
    assert Store(store).metadata("core_pce").content_hash == doc["results"][1]["content_hash"]
    assert [e.name for e in Store(store).log()] == ["fed_target_upper", "core_pce", "fed_target_upper"]


@pytest.mark.parametrize(("answers", "message"), [
    ([Response("", status=200, content_type="text/csv")] * 3, "empty"),
    ([Response("observation_date,PCEPILFE\n2026-04-01,oops\n", content_type="text/csv")], "oops"),
    ([Response("observation_date,PCEPILFE\n2026-04-01,127.1\n2026-0", content_type="text/csv")],
     "body cut off: no line end after its last row '2026-0'"),
    ([Response("no such series", status=404)], "404"),
    ([Response("busy", status=502)] * 3, "502"),
])
def test_live_failures_leave_store_bytes(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path,
                                         answers: list[Response], message: str) -> None:
    store = Store(tmp_path / "store.duckdb")
    update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    before = sha256(store.path)
    fred.cut, fred.script = "2026-06-01", list(answers)
    result = update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    assert result.status == "failed" and message in result.message and "\n" not in result.message
    assert sha256(store.path) == before


def test_live_429_then_success_adds_rows(fred: FredGraph, httpserver: HTTPServer, tmp_path: Path,
                                         snapshot_dir: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    fred.cut, fred.script = "2026-06-01", [Response("slow down", status=429, headers={"Retry-After": "1"})]
    result = update_series(get_spec("core_pce"), store, providers=_pool(httpserver))
    assert (result.status, result.added) == ("updated", 3) and len(fred.requests) == 3  # first fetch + 429 + retry
    raw = dict(fred_rows(snapshot_dir, "PCEPILFE", "2026-04-01", "2026-06-01"))
    values = store.read("core_pce").set_index("date")["value"]
    assert {d: values[pd.Timestamp(d)] for d in raw} == {d: float(v) for d, v in raw.items()}
