"""Run the ``ratecycle`` command line in process, as the console script does (shared by the CLI tests)."""

from __future__ import annotations

import sys

import pytest

from ratecycle.cli.main import run


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``ratecycle ARGS``; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["ratecycle", *args])
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
