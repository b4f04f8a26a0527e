"""Move whole data sets between snapshot directories and the store.

``import_snapshot`` reads a snapshot directory (raw or export layout) and writes every series and every
holdings download it holds into the store in one transaction. ``export_store`` / ``export_snapshot`` write
the export layout: ``series/<name>.csv`` (``date,value``, floats in their shortest exact form; a third column
``released`` when release dates are stored with the series, e.g. ALFRED's for core PCE),
``holdings/<FUND>_holdings_<YYYY-MM-DD>.csv`` (the downloads byte for byte) plus ``manifest.json`` with
provenance and content hashes, so that importing an export gives back identical frames and files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import DataError, where
from . import frames
from .catalog import CATALOG, SeriesSpec
from .files import read_bounded
from .meta import SeriesMeta
from .providers.snapshot import MANIFEST, SnapshotProvider, export_file_name
from .store import HoldingsFile, Replacement, Store, StoredHoldings, checked_holdings, holdings_file_name

if TYPE_CHECKING:
    from .source import DataSource

EXPORT_FORMAT = "ratecycle-export"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class Skipped:
    """A catalog series an import or export left out, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class TransferResult:
    """What an import or export moved: the series and holdings downloads written (with provenance), series skipped."""

    directory: str
    layout: str
    series: tuple[SeriesMeta, ...]
    skipped: tuple[Skipped, ...]
    holdings: tuple[StoredHoldings, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form for JSON output."""
        return {"directory": self.directory, "layout": self.layout,
                "series": [m.to_dict() for m in self.series],
                "skipped": [dataclasses.asdict(s) for s in self.skipped],
                "holdings_files": len(self.holdings), "holdings": [h.to_dict() for h in self.holdings]}


def layout_of(directory: Path) -> str:
    """'export' when the directory holds a ratecycle manifest, else 'raw'."""
    return "export" if (Path(directory) / MANIFEST).is_file() else "raw"


def read_snapshot(directory: str | Path, names: list[str] | None = None, *, source: DataSource | None = None,
                  allow_outliers: bool = False) -> tuple[list[tuple[pd.DataFrame, SeriesMeta]], list[Skipped], str]:
    """Every catalog series (or those in ``names``) a snapshot holds as (frame, provenance), those it lacks,
    and its layout. A series whose files are absent is skipped; a file that is malformed is an error.
    ``source`` may be a DataSource already reading this directory (its parsed frames are reused).
    """
    root = Path(directory).expanduser()
    provider = SnapshotProvider(root)
    wanted = None if names is None else set(names)
    if layout_of(root) == "export":
        loaded, skipped = _read_export(provider, wanted)
        layout = "export"
    else:
        loaded, skipped = _read_raw(provider, wanted, source, allow_outliers)
        layout = "raw"
    if names is not None:
        held = {meta.name for _, meta in loaded} | {s.name for s in skipped}
        skipped += [Skipped(n, f"not in snapshot {root}") for n in names if n not in held]
    return loaded, skipped, layout


def read_snapshot_holdings(directory: str | Path) -> list[HoldingsFile]:
    """The holdings downloads of a snapshot (``SnapshotProvider.holdings_files``) as files to store, bytes unchanged.

    In the export layout each file must match the sha256 its manifest entry records, and keeps that provenance;
    in the raw layout the provider is ishares and the source names the snapshot file.
    """
    root = Path(directory).expanduser()
    provider = SnapshotProvider(root)
    listed = provider.holdings_manifest()
    out = []
    for path in provider.holdings_files():
        content = read_bounded(path, what="holdings file")
        fund = path.name.partition("_holdings_")[0]
        info = listed.get(path.name)
        if isinstance(info, dict):
            digest = hashlib.sha256(content).hexdigest()
            if info.get("sha256") not in (None, digest):
                raise DataError(f"holdings file does not match its manifest sha256 ({where(path)})")
            out.append(HoldingsFile(
                fund=str(info.get("fund", fund)), file_name=str(info.get("file_name", path.name)), content=content,
                provider=str(info.get("provider", "ishares")),
                source=str(info.get("source", f"snapshot holdings/{path.name}")),
                fetched_at=str(info.get("fetched_at", "")), origin=str(path)))
        else:
            relative = path.relative_to(root)
            out.append(HoldingsFile(fund=fund, file_name=path.name, content=content, provider="ishares",
                                    source=f"snapshot {relative}", fetched_at="", origin=str(path)))
    return out


def import_snapshot(directory: str | Path, store: Store, *, source: DataSource | None = None,
                    allow_outliers: bool = False, replace: bool = False) -> TransferResult:
    """Write every series and holdings download of a snapshot directory into the store in ONE transaction.

    All or nothing: a malformed series file or holdings file, a series that breaks its plausibility rules
    (``allow_outliers`` lifts the move bound) or one that would roll a stored series back to an earlier last
    date (unless ``replace``) is an error naming it, and the store is unchanged.
    """
    root = Path(directory).expanduser()
    loaded, skipped, layout = read_snapshot(root, source=source, allow_outliers=allow_outliers)
    holdings = read_snapshot_holdings(root)
    if not loaded and not holdings:
        raise DataError(f"no catalog series found in {root} (expected fred/*.csv and market/*.csv, "
                        f"or {MANIFEST} with series/*.csv)")
    items = [Replacement(meta.name, frame, meta, origin=_origin(root, layout, meta.name),
                         released=read_export_releases(root / "series" / export_file_name(meta.name), meta.name)
                         if layout == "export" else None) for frame, meta in loaded]
    written, stored = store.write(items, holdings, allow_outliers=allow_outliers, replace=replace)
    return TransferResult(str(root), layout, tuple(written), tuple(skipped), tuple(stored))


def export_store(store: Store, directory: str | Path, names: list[str] | None = None) -> TransferResult:
    """Write stored series (all, or ``names``) and every stored holdings download to the export layout."""
    stored = store.entries(names)
    wanted = names if names is not None else list(stored)
    items = [stored[name] for name in wanted if name in stored]
    skipped = [Skipped(name, f"not in the store {store.path}") for name in wanted if name not in stored]
    releases = {name: found for name in wanted if name in stored and (found := store.releases(name)) is not None}
    return write_export(Path(directory).expanduser(), items, skipped, origin=f"store {store.path}",
                         holdings=store.holdings_content(), releases=releases)


def export_snapshot(snapshot: str | Path, directory: str | Path, names: list[str] | None = None) -> TransferResult:
    """Re-write a snapshot directory (either layout) in the export layout; never touches the network."""
    root = Path(snapshot).expanduser()
    loaded, skipped, _ = read_snapshot(root, names)
    if Path(directory).expanduser().resolve() == root.resolve():
        raise DataError(f"export directory must differ from the snapshot being read: {root}")
    holdings = [(meta, file.content) for file, meta in checked_holdings(read_snapshot_holdings(root))]
    return write_export(Path(directory).expanduser(), loaded, skipped, origin=f"snapshot {root}", holdings=holdings)


def read_export_csv(path: Path, name: str) -> pd.DataFrame:
    """Read a ``series/<name>.csv`` file of the export layout.

    The strict ``YYYY-MM-DD,<float>`` form is parsed in bulk; anything else goes through the general
    row-by-row reader, which names the offending row.
    """
    try:
        text = read_bounded(path, series=name).decode("utf-8")
    except UnicodeDecodeError:
        return frames.read_date_value_csv(path, series=name)
    lines = text.splitlines()
    if not lines or lines[0] != "date,value" or any("," not in line for line in lines[1:]):
        return frames.read_date_value_csv(path, series=name)
    cells = [line.split(",", 1) for line in lines[1:]]
    try:
        dates = pd.to_datetime([c[0] for c in cells], format="%Y-%m-%d", errors="raise")
        values = np.array([float(c[1]) for c in cells], dtype="float64")
    except (ValueError, TypeError):
        return frames.read_date_value_csv(path, series=name)
    in_order = len(dates) < 2 or bool((np.diff(dates.asi8) > 0).all())
    if not in_order or not np.isfinite(values).all():
        return frames.read_date_value_csv(path, series=name)
    return pd.DataFrame({"date": dates.as_unit("ns"), "value": values})


def read_export_releases(path: Path, name: str) -> pd.Series | None:
    """The ``released`` column of an export series file (release day by observation date), or None without one."""
    if not path.is_file():
        return None
    lines = read_bounded(path, series=name).decode("utf-8", errors="replace").splitlines()
    if not lines or lines[0].strip().split(",") != ["date", "value", "released"]:
        return None
    cells = [line.split(",") for line in lines[1:] if line.strip()]
    known = [(c[0], c[2]) for c in cells if len(c) == 3 and c[2].strip()]
    if not known:
        return None
    days = [frames.parse_day(r, file=path, series=name, row=i) for i, (_, r) in enumerate(known, start=2)]
    dates = [frames.parse_day(d, file=path, series=name) for d, _ in known]
    return pd.Series(pd.DatetimeIndex(days), index=pd.DatetimeIndex(dates, name="date"), name=name)


def format_value(value: float) -> str:
    """The shortest decimal text that reads back as exactly the same float (Python's repr)."""
    return repr(float(value))


# -- internals ---------------------------------------------------------------------------------------------------
def _origin(root: Path, layout: str, name: str) -> Path | None:
    """The one file a series was read from (named by a validation error), or None for a spliced series."""
    if layout == "export":
        return root / "series" / export_file_name(name)
    segments = CATALOG[name].segments
    if len(segments) != 1:
        return None
    return _located(SnapshotProvider(root), segments[0])


def _importable(spec: SeriesSpec) -> bool:
    return bool(spec.segments) and not spec.derived


def _read_raw(provider: SnapshotProvider, wanted: set[str] | None, source: DataSource | None,
              allow_outliers: bool = False) -> tuple[list[tuple[pd.DataFrame, SeriesMeta]], list[Skipped]]:
    from .source import DataSource

    if (source is None or source.snapshot is None or Path(source.snapshot).resolve() != provider.root.resolve()
            or source.allow_outliers != allow_outliers):
        source = DataSource(snapshot=provider.root, allow_outliers=allow_outliers)
    loaded, skipped = [], []
    for spec in CATALOG.values():
        if wanted is not None and spec.name not in wanted:
            continue
        if not _importable(spec):
            reason = "derived from other series" if spec.derived else "user-supplied: use data import-series"
            skipped.append(Skipped(spec.name, reason))
            continue
        # a path that exists but is not a regular file (a directory, a pipe) is read, and refused, not skipped
        missing = [p for p in (_located(provider, seg) for seg in spec.segments) if p is None or not p.exists()]
        if missing:
            skipped.append(Skipped(spec.name, "no file in this snapshot"))
            continue
        frame = source.frame(spec.name)
        labels = "+".join(provider.source_label(seg) for seg in spec.segments)
        meta = dataclasses.replace(source.meta(spec.name), source=f"snapshot {labels}")
        loaded.append((frame, meta))
    return loaded, skipped


def _located(provider: SnapshotProvider, segment: Any) -> Path | None:
    try:
        return provider.locate(segment)[0]
    except DataError:
        return None


def _read_export(provider: SnapshotProvider, wanted: set[str] | None,
                 ) -> tuple[list[tuple[pd.DataFrame, SeriesMeta]], list[Skipped]]:
    manifest = provider.manifest()
    manifest_path = provider.root / MANIFEST
    loaded, skipped = [], []
    for name, info in manifest.items():
        if wanted is not None and name not in wanted:
            continue
        if name not in CATALOG or CATALOG[name].derived:
            skipped.append(Skipped(name, "not a stored catalog series"))
            continue
        if not isinstance(info, dict):
            raise DataError(f"manifest entry is not an object ({where(manifest_path, name)})")
        path = provider.root / "series" / export_file_name(name)
        if not path.is_file():
            raise DataError(f"manifest lists a series whose file is missing ({where(path, name)})")
        frame = read_export_csv(path, name)
        digest = frames.content_hash(frame)
        if info.get("content_hash") not in (None, digest) or info.get("rows") not in (None, len(frame)):
            raise DataError(f"file does not match its manifest entry (rows {len(frame)} vs {info.get('rows')}, "
                            f"content hash differs) ({where(path, name)})")
        spec = CATALOG[name]
        meta = SeriesMeta(
            name=name, provider=str(info.get("provider", spec.provider)), symbol=str(info.get("symbol", spec.symbol)),
            source=str(info.get("source", f"snapshot series/{export_file_name(name)}")),
            fetched_at=str(info.get("fetched_at", "")),
            first=None if frame.empty else frame["date"].iloc[0].date().isoformat(),
            last=None if frame.empty else frame["date"].iloc[-1].date().isoformat(),
            rows=len(frame), content_hash=digest,
        )
        loaded.append((frame, meta))
    return loaded, skipped


def write_export(directory: Path, items: list[tuple[pd.DataFrame, SeriesMeta]], skipped: list[Skipped],
                  *, origin: str, holdings: list[tuple[StoredHoldings, bytes]] | None = None,
                  releases: dict[str, pd.Series] | None = None) -> TransferResult:
    """Write series and holdings files first, the manifest last, each through a temporary file and an atomic rename.
    A series with stored release days (``releases``) gets them as a third column, ``released``."""
    if directory.exists() and not directory.is_dir():
        raise DataError(f"export target is not a directory: {directory}")
    series_dir = directory / "series"
    try:
        series_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {series_dir}: {exc.strerror or exc}") from None
    entries: dict[str, dict[str, Any]] = {}
    metas = []
    for frame, meta in items:
        file_name = export_file_name(meta.name)
        dates = frame["date"].dt.strftime("%Y-%m-%d").tolist()
        values = frame["value"].to_numpy(dtype="float64").tolist()
        lines = ["date,value", *(f"{d},{v!r}" for d, v in zip(dates, values, strict=True))]
        stored = (releases or {}).get(meta.name)
        if stored is not None:
            known = stored.reindex(pd.DatetimeIndex(frame["date"]))
            days = ["" if pd.isna(r) else pd.Timestamp(r).strftime("%Y-%m-%d") for r in known]
            lines = ["date,value,released", *(f"{line},{r}" for line, r in zip(lines[1:], days, strict=True))]
        atomic_write(series_dir / file_name, ("\n".join(lines) + "\n").encode("utf-8"))
        spec = CATALOG.get(meta.name)
        entry = meta.to_dict()
        entry.pop("name")
        entry["file"] = f"series/{file_name}"
        if spec is not None:
            entry.update(description=spec.description, units=spec.units, frequency=spec.frequency)
        entries[meta.name] = entry
        metas.append(meta)
    held: dict[str, dict[str, Any]] = {}
    if holdings:
        holdings_dir = directory / "holdings"
        try:
            holdings_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(f"cannot create {holdings_dir}: {exc.strerror or exc}") from None
        for info, content in holdings:
            name = holdings_file_name(info.fund, info.as_of)
            atomic_write(holdings_dir / name, content)
            held[name] = {**info.to_dict(), "file": f"holdings/{name}"}
    manifest = {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "origin": origin, "series": entries, "holdings": held,
    }
    atomic_write(directory / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return TransferResult(str(directory), "export", tuple(metas), tuple(skipped),
                          tuple(info for info, _ in (holdings or [])))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and ``os.replace``."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DataError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def import_user_series(name: str, path: str | Path, store: Store, *, allow_outliers: bool = False,
                       replace: bool = False) -> SeriesMeta:
    """Store a user-supplied ``date,value`` CSV as the catalog user series ``name`` (provider 'user').

    Exactly two columns; a header line is optional; dates ``YYYY-MM-DD`` or ``YYYY-MM``. Any bad line is an
    error naming the file and row; the series' plausibility rules and the no-rollback rule apply as on import.
    """
    spec = CATALOG.get(name)
    if spec is None:
        from .catalog import get_spec

        get_spec(name)  # raises the unknown-series error with suggestions
        raise DataError(f"unknown series {name!r}")
    if spec.segments or spec.derived:
        users = ", ".join(n for n, s in CATALOG.items() if not s.segments and not s.derived)
        origin = "is derived from other series" if spec.derived else f"comes from provider {spec.provider}"
        raise DataError(f"series {name} {origin}; import-series fills user series only ({users})")
    file = Path(path).expanduser()
    raw = read_bounded(file, series=name)
    frame = frames.build(_user_rows(raw, file, name), file=file, series=name, skip_missing=False)
    if frame.empty:
        raise DataError(f"no observations ({where(file, name)})")
    meta = SeriesMeta(name=name, provider="user", symbol=file.name, source=str(file.resolve()),
                      fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                      first=None, last=None, rows=0, content_hash="")
    return store.replace(name, frame, meta, origin=file, allow_outliers=allow_outliers, replace=replace)


def _user_rows(raw: bytes, file: Path, name: str) -> list[tuple[int, str, str]]:
    """(line number, date, value) of a two-column CSV; a first line whose date cell is not a date is the header."""
    import csv
    import io

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text ({where(file, name)})") from None
    rows: list[tuple[int, str, str]] = []
    first_line = True
    reader = csv.reader(io.StringIO(text))
    try:
        for number, record in enumerate(reader, start=1):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != 2:
                raise DataError(f"expected 2 columns (date,value), found {len(record)}: {record[:4]} "
                                f"({where(file, name, number)})")
            header, first_line = first_line and _is_header(record[0]), False
            if not header:
                rows.append((number, record[0], record[1]))
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc} ({where(file, name, reader.line_num)})") from None
    return rows


def _is_header(cell: str) -> bool:
    """True for a header cell such as 'date' (anything that does not start like a date)."""
    text = cell.strip()
    if not text or not text[0].isdigit():
        return True
    try:
        return pd.isna(pd.Timestamp(text))
    except (ValueError, TypeError, OverflowError):
        return True
