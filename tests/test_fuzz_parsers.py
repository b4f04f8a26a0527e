"""Property tests: any input to any wire parser gives a valid observation frame or a RatecycleError, nothing else."""

from __future__ import annotations

import contextlib
import io
import json
import math
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SNAPSHOT
from ratecycle.data import frames
from ratecycle.data.providers import fred, ishares, kenfrench, localcsv, shiller, stooq, yahoo
from ratecycle.errors import RatecycleError

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_JSON = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces that look like the real formats, so examples get past the header checks and into the row parsing
_DATES = st.sampled_from(["2024-01-02", "2024-01-03", "2024-1-4", "20240105", "2024-13-01", "2024-02-30", "",
                          "1871-10", "2262-04-12", "0001-01-01", "nan", "NaT", "2024-01-02T23:00:00+05:00", "x",
                          "9999-12-31", "2024-01-02 "])
_VALUES = st.sampled_from(["1.5", "-0.25", ".", "", "NA", "nan", "inf", "-inf", "1e309", "1_000", "0x10", "abc",
                           "-99.99", "3", " 4.25 ", "NaN", "#N/A", "1,5"])
_TEXT = st.text(alphabet=st.sampled_from(list("0123456789-.,:;\"\n\r eE+TZ\x00é<")), max_size=200)


def _lines(header: str) -> st.SearchStrategy[bytes]:
    row = st.tuples(_DATES, _VALUES).map(lambda dv: f"{dv[0]},{dv[1]}")
    body = st.lists(st.one_of(row, _TEXT), max_size=12).map(lambda rows: "\n".join([header, *rows]))
    return st.one_of(body.map(str.encode), st.binary(max_size=300), _TEXT.map(str.encode))


def _check(parse: Callable[[], pd.DataFrame]) -> None:
    """The parser either raises a RatecycleError or returns a clean observation frame."""
    try:
        frame = parse()
    except RatecycleError as exc:
        assert "\n" not in str(exc)
        return
    assert list(frame.columns) == ["date", "value"]
    assert str(frame["date"].dtype) == "datetime64[ns]" and str(frame["value"].dtype) == "float64"
    assert frame["date"].is_monotonic_increasing and frame["date"].is_unique
    assert not frame["date"].isna().any()
    assert np.isfinite(frame["value"].to_numpy()).all()


@FUZZ
@given(_lines("observation_date,DFF") | _lines("DATE,DFF"))
def test_fred_graph_csv(body: bytes) -> None:
    _check(lambda: fred.parse_graph_csv(body, "DFF", series="s"))


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                  _DATES, _VALUES)
_JSON = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["observations", "date", "value", "count", "chart", "result", "error", "x"]), inner,
    max_size=4), max_leaves=20)


def _fred_doc() -> st.SearchStrategy[bytes]:
    obs = st.fixed_dictionaries({"date": _DATES | _LEAF, "value": _VALUES | _LEAF,
                                 "realtime_start": _DATES | _LEAF, "realtime_end": _DATES | _LEAF})
    doc = st.fixed_dictionaries({"observations": st.lists(obs, max_size=8)},
                                optional={"count": _LEAF, "error_message": st.none() | st.text(max_size=5)})
    return st.one_of(doc.map(lambda d: json.dumps(d).encode()), _JSON.map(lambda d: json.dumps(d).encode()),
                     st.binary(max_size=200))


@FUZZ_JSON
@given(_fred_doc())
def test_fred_json(body: bytes) -> None:
    _check(lambda: fred.parse_observations_json(body, series="s"))


@FUZZ_JSON
@given(_fred_doc())
def test_fred_vintages_json(body: bytes) -> None:
    try:
        table = fred.parse_vintages_json(body, series="s")
    except RatecycleError:
        return
    assert list(table.columns) == ["date", "value", "realtime_start", "realtime_end"]
    assert not table.duplicated(["date", "realtime_start"]).any()
    assert np.isfinite(table["value"].to_numpy()).all()


def _chart_doc() -> st.SearchStrategy[bytes]:
    size = st.integers(0, 6)

    def build(n: int) -> st.SearchStrategy[dict[str, Any]]:
        stamps = st.lists(st.one_of(st.integers(-10**12, 10**12), st.integers(0, 2 * 10**9), _LEAF),
                          min_size=n, max_size=n)
        values = st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none(), _LEAF),
                          min_size=n, max_size=n + 1)
        meta = st.fixed_dictionaries({}, optional={
            "gmtoffset": st.integers(-10**6, 10**6) | _LEAF,
            "exchangeTimezoneName": st.sampled_from(["America/New_York", "Nowhere/City", "", "../etc"]) | _LEAF})
        result = st.fixed_dictionaries({"meta": meta, "timestamp": stamps,
                                        "indicators": st.fixed_dictionaries({
                                            "quote": st.lists(st.fixed_dictionaries({"close": values}), max_size=1),
                                            "adjclose": st.lists(st.fixed_dictionaries({"adjclose": values}),
                                                                 max_size=1)})})
        return st.fixed_dictionaries({"chart": st.fixed_dictionaries({
            "result": st.lists(result, max_size=1) | _LEAF, "error": st.none() | _JSON})})

    return st.one_of(size.flatmap(build).map(lambda d: json.dumps(d).encode()),
                     _JSON.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200))


@FUZZ_JSON
@given(_chart_doc(), st.sampled_from(["close", "adj_close", "volume"]))
def test_yahoo_chart(body: bytes, field: str) -> None:
    _check(lambda: yahoo.parse_chart(body, field, symbol="X", series="s"))


@FUZZ
@given(_lines("Date,Close") | _lines("Date,Open,High,Low,Close,Volume") | st.just(b"No data"))
def test_stooq_csv(body: bytes) -> None:
    _check(lambda: stooq.parse_csv(body, "close", symbol="x", series="s"))


_FF_ROW = st.tuples(st.sampled_from(["202601", "202602", "202613", "2026", "  2025", "19260", "x"]),
                    st.lists(_VALUES, max_size=3)).map(lambda r: ",".join([r[0], *r[1]]))
_FF_TEXT = st.lists(st.one_of(_FF_ROW, st.sampled_from([",Mkt-RF,SMB", ",A,A", ",", "", " Annual Factors: x",
                                                        "Copyright"]), _TEXT), max_size=14).map("\n".join)


@FUZZ
@given(st.one_of(_FF_TEXT.map(str.encode), st.binary(max_size=300)), st.sampled_from(["SMB", "Mkt-RF", "HML"]))
def test_kenfrench_csv(body: bytes, field: str) -> None:
    _check(lambda: kenfrench.parse_factor_csv(body).series(field))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_kenfrench_zip(garbage: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("F.CSV", garbage)
    for body in (buffer.getvalue(), b"PK\x03\x04" + garbage, buffer.getvalue()[: max(1, len(garbage) // 2)]):
        with contextlib.suppress(RatecycleError):
            kenfrench.unzip_csv(body)


@FUZZ
@given(_lines("date,value") | _lines("when,pe"))
def test_local_csv(body: bytes) -> None:
    _check(lambda: localcsv.parse_csv(body, series="s"))


@FUZZ
@given(_lines("date,value") | _lines("date,x,value"))
def test_frames_read_date_value_csv(body: bytes) -> None:
    _check(lambda: frames.read_date_value_csv(body, series="s"))
    _check(lambda: frames.read_date_value_csv(body, series="s", date_column="date", value_column="value"))


_SHILLER_ROW = st.tuples(st.sampled_from(["1871-01", "1871-10", "1871-13", "1871.1", "2026-07", "x", ""]),
                         _VALUES, _VALUES).map(lambda r: ",".join(r))


@FUZZ
@given(st.lists(st.one_of(_SHILLER_ROW, _TEXT), max_size=10).map(lambda rows: "\n".join(["date,P,E", *rows]))
       .map(str.encode) | st.binary(max_size=300) | st.binary(max_size=300).map(lambda b: shiller.OLE2_MAGIC + b))
def test_shiller(body: bytes) -> None:
    def parse() -> pd.DataFrame:
        table = shiller.parse_ie_data(body, source="f")
        assert isinstance(table.index, pd.DatetimeIndex) and table.index.is_unique
        assert all(not math.isinf(v) for v in table.to_numpy(dtype="float64").ravel())
        return shiller.field_frame(table, "P", series="s", source="f")

    _check(parse)


_HOLDINGS = sorted((SNAPSHOT / "market").glob("IWM_holdings_*.csv"))


@FUZZ
@given(st.binary(max_size=300) | st.tuples(st.integers(0, 60), st.binary(max_size=30), st.integers(0, 5))
       | st.tuples(st.integers(0, 10**6), st.integers(0, 200)))
def test_ishares_holdings(edit: bytes | tuple[int, ...]) -> None:
    """Random bytes, or the real holdings file with lines replaced by junk or a stretch cut out."""
    real = _HOLDINGS[0].read_bytes()
    if isinstance(edit, bytes):
        body = edit
    elif len(edit) == 3:
        keep, junk, skip = edit
        lines = real.split(b"\n")
        body = b"\n".join(lines[:keep]) + junk + b"\n".join(lines[keep + skip:])
    else:
        start, length = edit
        body = real[: start % len(real)] + real[start % len(real) + length:]
    try:
        parsed = ishares.parse_holdings(body, source="f")
    except RatecycleError as exc:
        assert "\n" not in str(exc)
        return
    assert parsed.as_of is not pd.NaT and len(parsed.rows) > 0
    assert np.isfinite(parsed.rows["weight"].to_numpy(dtype="float64")).all()
