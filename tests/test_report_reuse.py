"""A report read back from the store is the report the code builds now; new data, options or code build it again."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli_run import cli
from ratecycle._json import jsonable
from ratecycle.cli.main import app, app_for
from ratecycle.data import statcache
from ratecycle.data.source import DataSource
from ratecycle.data.store import HoldingsFile, Store
from ratecycle.report import build as build_module
from ratecycle.report import reuse
from ratecycle.report.model import Report
from ratecycle.report.options import ReportOptions
from ratecycle.report.write import report_json, write_report

AS_OF = "2025-09-17"


def _kinds(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [str(r[0]) for r in con.execute(f"SELECT kind FROM {statcache.TABLE} ORDER BY kind").fetchall()]
    finally:
        con.close()


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[ReportOptions]:
    """Record every real build (reuse imports ``build_report`` from the build module when it must build)."""
    built: list[ReportOptions] = []
    real = build_module.build_report

    def counted(ds: DataSource, options: ReportOptions | None = None, progress: object = None) -> Report:
        built.append(options or ReportOptions())
        return real(ds, options)

    monkeypatch.setattr(build_module, "build_report", counted)
    return built


def test_read_back_is_the_built_report_byte_for_byte(store_copy: Store, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    options = ReportOptions(as_of=AS_OF)
    monkeypatch.setenv(statcache.ENV, "0")
    plain = build_module.build_report(DataSource(store_path=store_copy.path), options)
    plain_files = {k: p.read_bytes() for k, p in write_report(plain, tmp_path / "plain").items()}
    monkeypatch.setenv(statcache.ENV, "1")
    builds = _count_builds(monkeypatch)
    steps: list[str] = []
    first = reuse.report_for(DataSource(store_path=store_copy.path), options)
    again = reuse.report_for(DataSource(store_path=store_copy.path), options, progress=steps.append)
    assert len(builds) == 1  # the second came from the store
    assert steps == ["same data, options and code as an earlier report: read back from the store"]
    assert report_json(plain) == report_json(first) == report_json(again)
    again_files = {k: p.read_bytes() for k, p in write_report(again, tmp_path / "again").items()}
    assert again_files == plain_files
    assert _kinds(store_copy.path).count(reuse.KIND) == 1


def test_new_data_options_or_switch_build_again(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    source = DataSource(store_path=store_copy.path)
    reuse.report_for(source, ReportOptions(as_of=AS_OF))
    reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of="2025-06-30"))  # other option
    assert len(builds) == 2
    frame, meta = store_copy.entry("sp500") or (None, None)
    assert frame is not None and meta is not None
    edited = frame.copy()
    edited.loc[edited.index[-1], "value"] *= 1.0001  # one close, the last one
    store_copy.replace("sp500", edited, meta, allow_outliers=True)
    latest = reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    assert len(builds) == 3  # new data: built, not read back
    assert latest.as_of == AS_OF
    monkeypatch.setenv(statcache.ENV, "0")
    reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    assert len(builds) == 4  # switched off: always built


def test_snapshot_reports_are_never_kept(snapshot_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    source = DataSource(snapshot=snapshot_dir, store_path=tmp_path / "store.duckdb")
    reuse.report_for(source, ReportOptions(as_of=AS_OF))
    assert len(builds) == 1 and not (tmp_path / "store.duckdb").exists()


def test_data_fingerprint_follows_everything_read_but_not_the_cache(store_copy: Store) -> None:
    base = store_copy.data_fingerprint()
    assert base == store_copy.data_fingerprint()
    statcache.save(store_copy.path, "k" * 64, "other", (1, 2))
    assert store_copy.data_fingerprint() == base  # a cached statistic is not data
    stored, content = store_copy.holdings_content()[0]
    store_copy.write_holdings([HoldingsFile(stored.fund, stored.file_name, content, stored.provider, stored.source,
                                            fetched_at="2026-12-05T00:00:00+00:00")])
    after_holdings = store_copy.data_fingerprint()
    assert after_holdings != base  # the same file fetched again is new provenance
    frame, meta = store_copy.entry("core_pce") or (None, None)
    assert frame is not None and meta is not None
    released = pd.Series(pd.DatetimeIndex([frame["date"].iloc[-1] + pd.Timedelta(days=40)]),
                         index=pd.DatetimeIndex([frame["date"].iloc[-1]]))
    store_copy.replace("core_pce", frame, meta, released=released)
    assert store_copy.data_fingerprint() != after_holdings  # a stored release day changes what the gate lets through
    assert Store(store_copy.path.with_name("absent.duckdb")).data_fingerprint() != base


def test_reports_kept_per_kind(store_copy: Store) -> None:
    statcache.save(store_copy.path, "s" * 64, "stat", (0,))
    for i in range(reuse.REPORTS_KEPT + 3):
        statcache.save(store_copy.path, f"{i:064d}", reuse.KIND, (i,), keep=reuse.REPORTS_KEPT)
    kinds = _kinds(store_copy.path)
    assert kinds.count(reuse.KIND) == reuse.REPORTS_KEPT and kinds.count("stat") == 1
    _, _, found = statcache.load_for_data(store_copy.path, "nothing", 1)
    assert found is None


def test_report_json_puts_plain_lists_on_one_line(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(statcache.ENV, "0")
    report = build_module.build_report(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    text = report_json(report)
    indented = json.dumps(jsonable(report.to_dict()), indent=2, allow_nan=False)
    assert json.loads(text) == json.loads(indented)
    assert text.count("\n") < indented.count("\n") / 5
    closes = max((t for s in json.loads(text)["sections"] for b in s["blocks"] if b.get("type") == "figure"
                  for t in b["traces"]), key=lambda t: len(t["y"]))
    assert len(closes["y"]) > 1000 and f'"y": {json.dumps(closes["y"])}' in text
    odd = replace(report, settings={**report.settings, "note": "\x000\x00"})  # looks like a placeholder
    assert json.loads(report_json(odd)) == json.loads(json.dumps(jsonable(odd.to_dict()), indent=2))


def test_cli_second_report_is_read_back_and_identical(store_copy: Store, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = ("report", "--store", str(store_copy.path), "--as-of", AS_OF, "--no-fetch")
    code, _, err = cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "a"))
    assert code == 0 and "read back" not in err and "section: Valuation" in err
    code, _, err = cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "b"))
    assert code == 0 and "read back from the store" in err and "section:" not in err
    for name in ("report.html", "report.md", "report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_app_for_keeps_only_the_command_asked_for() -> None:
    only = app_for(["ratecycle", "report", "--store", "x"])
    assert [c.name for c in only.registered_commands] == ["report"] and not only.registered_groups
    data = app_for(["ratecycle", "data", "status"])
    assert not data.registered_commands and [g.name for g in data.registered_groups] == ["data"]
    for argv in (["ratecycle"], ["ratecycle", "--help"], ["ratecycle", "--version"], ["ratecycle", "nosuch"]):
        assert app_for(argv) is app
    assert len(app.registered_commands) > 10  # the whole app is untouched


def test_steps_are_whole_lines_off_a_terminal(store_copy: Store, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(monkeypatch, capsys, "report", "--store", str(store_copy.path), "--as-of", AS_OF,
                       "--no-fetch", "--out", str(tmp_path / "r"))
    assert code == 0
    long_title = "  section: Does it survive other choices, the long history and its own track record?"
    assert long_title in err.splitlines()  # not wrapped at 80 columns
    assert "\x1b[" not in err  # no styling in a log


def test_steps_on_a_terminal_use_rich(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from ratecycle.cli.steps import Steps

    plain = Steps()
    with plain.status("working") as relabel:
        relabel("still working")  # no spinner off a terminal: relabelling does nothing
        plain.line("  a step", dim=True)
    assert capsys.readouterr().err == "  a step\n"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    styled = Steps()
    assert styled._console is not None
    with styled.status("working") as relabel:
        relabel("still working")
        styled.line("  a step", dim=True)
    assert "a step" in capsys.readouterr().err


def test_a_write_during_the_build_keeps_nothing(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = build_module.build_report

    def build_then_write(ds: DataSource, options: ReportOptions | None = None, progress: object = None) -> Report:
        report = real(ds, options)
        frame, meta = store_copy.entry("sp500") or (None, None)
        assert frame is not None and meta is not None
        edited = frame.copy()
        edited.loc[edited.index[-1], "value"] *= 1.0001
        store_copy.replace("sp500", edited, meta, allow_outliers=True)  # a fetch finishing meanwhile
        return report

    monkeypatch.setattr(build_module, "build_report", build_then_write)
    reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    assert reuse.KIND not in _kinds(store_copy.path)


def test_a_locked_store_after_the_build_is_no_error(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from ratecycle.errors import StoreError

    def locked(self: Store) -> str:
        raise StoreError(f"store {self.path} is locked by another ratecycle process")

    monkeypatch.setattr(Store, "data_fingerprint", locked)
    report = reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    assert report.as_of == AS_OF and reuse.KIND not in _kinds(store_copy.path)


def test_a_source_that_has_read_already_is_built_from(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    used = DataSource(store_path=store_copy.path)
    assert used.untouched
    used.frame("sp500")  # holds the store as it was now; a fingerprint taken later may describe newer data
    assert not used.untouched
    reuse.report_for(used, ReportOptions(as_of=AS_OF))
    reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=AS_OF))
    reuse.report_for(DataSource(store_path=store_copy.path), ReportOptions(as_of=pd.Timestamp(AS_OF)))
    assert len(builds) == 2  # the used source built without the cache; a date as text or Timestamp is one key


def test_release_days_moved_store_and_direct_edits_build_again(store_copy: Store, monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    import shutil

    builds = _count_builds(monkeypatch)
    options = ReportOptions(as_of=AS_OF)
    reuse.report_for(DataSource(store_path=store_copy.path), options)
    moved = tmp_path / "moved.duckdb"
    shutil.copyfile(store_copy.path, moved)
    reuse.report_for(DataSource(store_path=moved), options)
    assert len(builds) == 2  # a section that cannot be computed names the store's path: another path, another key
    frame, meta = store_copy.entry("core_pce") or (None, None)
    assert frame is not None and meta is not None
    released = pd.Series(pd.DatetimeIndex([frame["date"].iloc[-1] + pd.Timedelta(days=40)]),
                         index=pd.DatetimeIndex([frame["date"].iloc[-1]]))
    store_copy.replace("core_pce", frame, meta, released=released)
    reuse.report_for(DataSource(store_path=store_copy.path), options)
    assert len(builds) == 3
    before = Store(moved).data_fingerprint()
    con = duckdb.connect(str(moved))
    try:  # an edit made around ratecycle: observations change, their provenance row does not
        con.execute("UPDATE observations SET value = value * 1.01 WHERE series = 'sp500' AND date = "
                    "(SELECT max(date) FROM observations WHERE series = 'sp500')")
    finally:
        con.close()
    assert Store(moved).data_fingerprint() != before
    reuse.report_for(DataSource(store_path=moved), options)
    assert len(builds) == 4


_UNPICKLED: list[str] = []


def _record(text: str) -> None:
    _UNPICKLED.append(text)


class _Tripwire:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_record, ("unpickled",))


def test_entries_signed_with_another_key_are_never_unpickled(store_copy: Store, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    import pickle

    key = statcache.fingerprint("t", 1)
    assert statcache.save(store_copy.path, key, "t", _Tripwire())
    assert statcache.load(store_copy.path, key) is None and _UNPICKLED == ["unpickled"]  # own key: read
    monkeypatch.setenv(statcache.KEY_ENV, str(tmp_path / "other.key"))  # the same store on another account
    assert statcache.load(store_copy.path, key) is None and _UNPICKLED == ["unpickled"]  # not unpickled again
    con = duckdb.connect(str(store_copy.path))
    try:  # a bare pickle put in the table by hand
        con.execute(f"INSERT OR REPLACE INTO {statcache.TABLE} VALUES (?, 't', '9999', ?)",
                    [key, pickle.dumps(_Tripwire())])
    finally:
        con.close()
    assert statcache.load(store_copy.path, key) is None and _UNPICKLED == ["unpickled"]
    assert (tmp_path / "other.key").stat().st_mode & 0o077 == 0  # the key is the user's own


def test_cli_reports_kept_across_processes_and_the_default_folder(store_copy: Store, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "RATECYCLE_STORE": str(store_copy.path)}
    command = [sys.executable, "-m", "ratecycle.cli.main", "report", "--no-fetch"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    folder = next(tmp_path.glob("report-russell2000-sp500-*"))
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert second.returncode == 0 and "read back from the store" in second.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert folder.name == f"report-russell2000-sp500-{json.loads(files['report.json'])['as_of']}"
