"""Offline snapshot directories: the layout of ``shared/data`` and the layout ``data export`` writes.

Two layouts are read:

* **raw layout** (as gathered from the providers): ``fred/<FRED_ID>.csv`` (``date,<ID>``),
  ``fred/fomc_meeting_dates.csv``, ``market/<TICKER>_daily.csv`` (``date,open,high,low,close,adj_close,volume``),
  ``market/ff3_factors_monthly.csv``, ``market/shiller_ie_data_monthly.csv`` and iShares holdings CSVs.
* **export layout**: ``manifest.json`` plus ``series/<name>.csv`` (``date,value``) per catalog series and
  ``holdings/<FUND>_holdings_<YYYY-MM-DD>.csv`` per holdings download (the bytes as published);
  written by ``ratecycle data export`` and read back identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ...errors import DataError, where
from .. import frames
from ..catalog import Segment

if TYPE_CHECKING:
    from .kenfrench_portfolios import PortfolioFile

YAHOO_FILES = {
    "^RUT": "RUT", "^GSPC": "GSPC", "^SP500TR": "SP500TR",
    "IWM": "IWM", "SPY": "SPY", "IWN": "IWN", "IWO": "IWO", "VTWO": "VTWO", "VTWG": "VTWG", "VTWV": "VTWV",
    "IJR": "IJR", "RSP": "RSP", "IWB": "IWB",
}
STOOQ_FILES = {"^rut": "RUT", "^spx": "GSPC", **{f"{t.lower()}.us": t for t in
                                                  ("IWM", "SPY", "IWN", "IWO", "VTWO", "VTWG", "VTWV", "IJR", "RSP",
                                                   "IWB")}}
MANIFEST = "manifest.json"


def export_file_name(name: str) -> str:
    """File name of a catalog series in the export layout (':' is not portable in file names)."""
    return name.replace(":", "__") + ".csv"


@dataclass
class SnapshotProvider:
    """Read series from a snapshot directory; every call is local file I/O."""

    root: Path
    _manifest: dict[str, dict[str, object]] | None = field(default=None, init=False, repr=False)
    _holdings_manifest: dict[str, dict[str, object]] | None = field(default=None, init=False, repr=False)
    _portfolios: dict[Path, PortfolioFile] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).expanduser()
        if not self.root.is_dir():
            raise DataError(f"snapshot directory not found: {self.root}")

    # -- export layout -------------------------------------------------
    def manifest(self) -> dict[str, dict[str, object]]:
        """The export manifest's per-series metadata, or {} for a raw-layout snapshot (read once per provider)."""
        if self._manifest is None:
            self._manifest, self._holdings_manifest = self._read_manifest()
        return self._manifest

    def holdings_manifest(self) -> dict[str, dict[str, object]]:
        """The export manifest's holdings entries by file name (``holdings/<name>``), or {} when there are none."""
        if self._holdings_manifest is None:
            self._manifest, self._holdings_manifest = self._read_manifest()
        return self._holdings_manifest

    def _read_manifest(self) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
        """(series entries, holdings entries) of the export manifest; both empty without one."""
        path = self.root / MANIFEST
        if not path.exists():
            return {}, {}
        from ..files import read_bounded

        try:
            doc = json.loads(read_bounded(path).decode("utf-8"))
            return dict(doc["series"]), dict(doc.get("holdings") or {})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"malformed manifest ({where(path)}): {exc}") from None

    def exported(self, name: str) -> pd.DataFrame | None:
        """The series as written by ``data export``, or None when this snapshot does not hold it."""
        if name not in self.manifest():
            return None
        path = self.root / "series" / export_file_name(name)
        return frames.read_date_value_csv(_whole_file(path, name), series=name, file=path)

    # -- raw layout ----------------------------------------------------
    def locate(self, segment: Segment) -> tuple[Path, str, str]:
        """(file, date column, value column) holding a segment in the raw layout."""
        provider, symbol, field = segment.provider, segment.symbol, segment.field
        if provider == "fred":
            return self.root / "fred" / f"{symbol}.csv", "date", symbol
        if provider == "fomc":
            return self.root / "fred" / "fomc_meeting_dates.csv", "date", ""
        if provider in {"yahoo", "stooq"}:
            table = YAHOO_FILES if provider == "yahoo" else STOOQ_FILES
            stem = table.get(symbol, symbol.lstrip("^").split(".")[0].upper())
            return self.root / "market" / f"{stem}_daily.csv", "date", field
        if provider == "kenfrench" and ":" in field:  # a portfolio file's block:column
            return self.portfolio_path(symbol), "", field
        if provider == "kenfrench":
            original = self.root / "market" / f"{symbol}.CSV"
            if original.exists():  # the library's file exactly as published, parsed by the kenfrench provider
                return original, "", field
            return self.root / "market" / "ff3_factors_monthly.csv", "date", field
        if provider == "shiller":
            return self.root / "market" / "shiller_ie_data_monthly.csv", "date", field
        raise DataError(f"provider {provider!r} has no file in a snapshot ({where(self.root, symbol)})")

    def fetch(self, segment: Segment, series: str) -> pd.DataFrame:
        """Read one segment from the raw layout as an observation frame (unclipped)."""
        path, date_col, value_col = self.locate(segment)
        if not path.exists():
            raise DataError(f"snapshot has no file for {segment.provider}:{segment.symbol} "
                            f"({where(path, series)})")
        if segment.provider == "fomc":
            return frames.read_event_dates_csv(path, series=series)
        if segment.provider == "kenfrench" and ":" in value_col:
            return self.portfolio_file(path).series(value_col, series=series)
        if segment.provider == "kenfrench" and not date_col:
            from ..files import read_bounded
            from .kenfrench import parse_factor_csv

            table = parse_factor_csv(read_bounded(path, series=series), source=str(path))
            return table.series(value_col, series=series)
        return frames.read_date_value_csv(_whole_file(path, series), series=series, date_column=date_col,
                                          value_column=value_col, file=path)

    def portfolio_path(self, symbol: str) -> Path:
        """The Ken French portfolio file ``market/<symbol>.csv`` or, of ``market/<symbol>_<YYYYMM>.csv``
        (the vintage in the name), the newest."""
        market = self.root / "market"
        plain = [p for p in (market / f"{symbol}.csv", market / f"{symbol}.CSV") if p.is_file()]
        if plain:
            return plain[0]
        dated = sorted(p for p in market.glob(f"{symbol}_*") if p.suffix.lower() == ".csv"
                       and p.stem[len(symbol) + 1:].isdigit())
        return dated[-1] if dated else market / f"{symbol}.csv"

    def portfolio_file(self, path: Path) -> PortfolioFile:
        """A Ken French portfolio file, parsed once per provider (many series come from one file)."""
        if path not in self._portfolios:
            from .kenfrench_portfolios import parse_portfolio_csv

            self._portfolios[path] = parse_portfolio_csv(_whole_file(path, path.name), source=str(path))
        return self._portfolios[path]

    def holdings_files(self) -> list[Path]:
        """iShares holdings downloads of the snapshot: those its export manifest lists (``holdings/``), else
        every ``market/*_holdings_*.csv`` and ``holdings/*_holdings_*.csv``. A listed file that is missing is
        an error."""
        if (self.root / MANIFEST).is_file():
            names = list(self.holdings_manifest())
            for name in names:
                if not name or Path(name).name != name or "_holdings_" not in name:
                    raise DataError(f"manifest holdings entry is not a <FUND>_holdings_<date>.csv file name: "
                                    f"{name[:80]!r} ({where(self.root / MANIFEST)})")
            listed = [self.root / "holdings" / name for name in names]
            for path in listed:
                if not path.is_file():
                    raise DataError(f"manifest lists a holdings file that is missing ({where(path)})")
            return sorted(listed)
        found = [*(self.root / "market").glob("*_holdings_*.csv"), *(self.root / "holdings").glob("*_holdings_*.csv")]
        return sorted(found)

    def source_label(self, segment: Segment) -> str:
        """Relative path of the file a segment comes from (and a Ken French file's CRSP vintage), for provenance."""
        path, _, value_col = self.locate(segment)
        try:
            label = str(path.relative_to(self.root))
        except ValueError:
            label = str(path)
        if segment.provider == "kenfrench" and ":" in value_col and path in self._portfolios:
            vintage = self._portfolios[path].vintage
            label += f" (CRSP {vintage} vintage)" if vintage else ""
        return label


def _whole_file(path: Path, series: str) -> bytes:
    """The bytes of a snapshot CSV; every file a provider download or ``data export`` writes ends with a line end,
    so one that does not was cut off (its last value may be a truncated number) and is an error, never data."""
    from ..files import read_bounded

    raw = read_bounded(path, series=series)
    if raw.strip() and not raw.endswith((b"\n", b"\r")):
        rows = raw.count(b"\n") + 1
        raise DataError(f"file looks cut off: no line end after its last row (add one if the file is complete) "
                        f"({where(path, series, rows)})")
    return raw
