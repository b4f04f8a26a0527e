"""``ratecycle data doctor``: which data services answer from this network, in seconds."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import RatecycleError
from .common import CsvOpt, JsonOpt, check_output_flags, emit
from .data import data_app


@data_app.command("doctor")
def doctor(
    only: Annotated[list[str] | None, typer.Argument(
        help="Providers to try (default: fred yahoo stooq kenfrench shiller ishares fomc).")] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Try each provider with one tiny request: reachable, refused (why) or changed format; offline at once."""
    check_output_flags(as_json, as_csv)
    from ..data import doctor as checks

    names = tuple(only or checks.PROVIDERS)
    unknown = [n for n in names if n not in checks.PROVIDERS]
    if unknown:
        raise RatecycleError(f"unknown provider {unknown[0]!r} (one of {', '.join(checks.PROVIDERS)})")
    results = checks.doctor(providers=names)
    rows = [r.to_dict() for r in results]
    emit(rows, as_json=as_json, as_csv=as_csv, document={"providers": rows}, title="data services from this network",
         columns=None if as_json or as_csv else ["provider", "verdict", "seconds", "request", "detail"])
    broken = [r.provider for r in results if r.verdict != "reachable"]
    if broken and not (as_json or as_csv):
        typer.echo(f"not usable now: {', '.join(broken)} (see docs/providers.md for what each needs)", err=True)


def register(app: typer.Typer) -> None:
    """The command attaches to the ``data`` group defined in cli/data.py, which registers it."""
    del app
