"""Holdings parser and rebalancing lens against the real IWM download and mangled copies of it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ratecycle import composition as comp
from ratecycle.cli.main import app
from ratecycle.data.providers.ishares import newest_holdings_file, parse_holdings, read_holdings
from ratecycle.errors import DataError

IWM = "IWM_holdings_2026-05-05.csv"


@pytest.fixture(scope="module")
def iwm_path(snapshot_dir: Path) -> Path:
    return snapshot_dir / "market" / IWM


@pytest.fixture(scope="module")
def raw_equity(iwm_path: Path) -> list[dict[str, str]]:
    """Equity rows read independently: skip the 9 preamble lines, csv.DictReader, keep Asset Class == Equity."""
    text = iwm_path.read_text(encoding="utf-8-sig")
    body = "\n".join(text.splitlines()[9:])
    return [r for r in csv.DictReader(io.StringIO(body)) if r.get("Asset Class") == "Equity"]


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def test_parse_real_iwm_file(iwm_path: Path, raw_equity: list[dict[str, str]]) -> None:
    holdings = read_holdings(iwm_path)
    assert holdings.fund == "iShares Russell 2000 ETF"
    assert holdings.as_of == pd.Timestamp("2026-05-05")
    assert len(holdings.equity) == len(raw_equity) == 1924
    assert holdings.equity["weight"].sum() == pytest.approx(sum(_num(r["Weight (%)"]) for r in raw_equity) / 100)
    assert holdings.equity["weight"].sum() == pytest.approx(0.9939)
    by_ticker = holdings.rows.set_index("ticker")
    assert by_ticker.loc["BE", "sector"] == "Industrials"
    assert by_ticker.loc["CRDO", "sector"] == "Information Technology"
    assert by_ticker.loc["BE", "row"] == 11  # header on line 10, first holding on line 11
    assert set(holdings.rows["asset_class"]) >= {"Equity", "Cash", "Money Market", "Futures"}


def test_concentration_matches_independent_computation(iwm_path: Path, raw_equity: list[dict[str, str]]) -> None:
    values = [_num(r["Market Value"]) for r in raw_equity]
    total = sum(values)
    shares = sorted((v / total for v in values), reverse=True)
    hhi = sum(s * s for s in shares)
    fin_hc = sum(_num(r["Market Value"]) for r in raw_equity if r["Sector"] in {"Financials", "Health Care"}) / total
    result = comp.concentration(read_holdings(iwm_path))
    assert result.equity_holdings == 1924
    assert result.top10_weight == pytest.approx(sum(shares[:10]), rel=1e-12)
    assert result.herfindahl == pytest.approx(hhi, rel=1e-12)
    assert result.effective_holdings == pytest.approx(1 / hhi, rel=1e-12)
    assert result.rotation_sectors_weight == pytest.approx(fin_hc, rel=1e-12)
    assert result.largest_sector == "Industrials"


def test_sector_weights_and_top(iwm_path: Path, raw_equity: list[dict[str, str]]) -> None:
    holdings = read_holdings(iwm_path)
    sectors = comp.sector_weights(holdings).set_index("sector")
    total = sum(_num(r["Market Value"]) for r in raw_equity)
    health = [r for r in raw_equity if r["Sector"] == "Health Care"]
    assert sectors.loc["Health Care", "weight"] == pytest.approx(sum(_num(r["Market Value"]) for r in health) / total)
    assert sectors.loc["Health Care", "holdings"] == len(health)
    assert sectors["weight"].sum() == pytest.approx(1.0)
    top = comp.top_holdings(holdings, 3)
    assert list(top["ticker"]) == ["BE", "CRDO", "STRL"]
    assert top["weight_mv"].iloc[0] == pytest.approx(_num(raw_equity[0]["Market Value"]) / total)
    assert top["cumulative_weight"].iloc[-1] == pytest.approx(top["weight_mv"].sum())


def test_compare_two_files(tmp_path: Path, iwm_path: Path) -> None:
    lines = iwm_path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [ln for ln in lines if '"Financials","Equity"' not in ln]
    other = tmp_path / "IWM_holdings_2026-06-01.csv"
    other.write_text("".join(kept), encoding="utf-8")
    left, right = read_holdings(iwm_path), read_holdings(other)
    result = comp.compare(left, right)
    table = result.sectors.set_index("sector")
    assert table.loc["Financials", "weight_right"] == 0.0
    no_fin = comp.sector_weights(left).set_index("sector")["weight"].drop("Financials")
    assert table.loc["Health Care", "weight_right"] == pytest.approx(no_fin["Health Care"] / no_fin.sum())
    assert table["difference"].sum() == pytest.approx(0.0, abs=1e-12)
    assert newest_holdings_file([iwm_path, other]) == other


def _mangled(tmp_path: Path, iwm_path: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    lines = iwm_path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    target = tmp_path / name
    target.write_text("".join(edit(lines)), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("label", "edit", "message"),
    [
        ("no_preamble", lambda ls: ls[9:], r"missing preamble.*row 1\b"),
        ("renamed", lambda ls: [*ls[:9], ls[9].replace("Weight (%)", "Wt"), *ls[10:]],
         r"lacks column 'Weight \(%\)'.*row 10\b"),
        ("garbage_after_table", lambda ls: [*ls[:25], "#### end of file ####\n"],
         r"1 fields, the header has 15.*row 26\b"),
        ("garbage_after_disclaimer", lambda ls: [*ls, '\n"ZZZ",junk,1,2\n'],
         r"unexpected content after the holdings table.*row 1951\b"),
        ("bad_number", lambda ls: [*ls[:11], ls[11].replace('"741,955,358.56"', '"7x1"', 1), *ls[12:]],
         r"bad number '7x1' in column 'Market Value'.*row 12\b"),
        ("empty", lambda ls: [], r"empty holdings file"),
        ("header_only", lambda ls: ls[:10], r"no holdings rows after the header.*row 10\b"),
    ],
)
def test_mangled_files_give_one_line_errors(tmp_path: Path, iwm_path: Path, label: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _mangled(tmp_path, iwm_path, f"{label}.csv", edit)
    with pytest.raises(DataError, match=message) as info:
        read_holdings(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_cli_holdings_json_and_error(snapshot_dir: Path, tmp_path: Path, iwm_path: Path) -> None:
    result = CliRunner().invoke(app, ["holdings", "snapshot", "--snapshot", str(snapshot_dir), "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["holdings"]["equity_rows"] == 1924 and doc["holdings"]["as_of"] == "2026-05-05"
    assert [r["ticker"] for r in doc["top"]] == ["BE", "CRDO", "STRL"]
    expected = comp.concentration(read_holdings(iwm_path)).to_dict()
    assert doc["concentration"] == json.loads(json.dumps(expected))
    broken = _mangled(tmp_path, iwm_path, "broken.csv", lambda ls: ls[9:])
    proc = subprocess.run([sys.executable, "-m", "ratecycle.cli.main", "holdings", str(broken)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "missing preamble" in proc.stderr and "Traceback" not in proc.stderr


def test_live_fetch_parses_served_file(httpserver, iwm_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ratecycle.data.providers.ishares import Provider
    from ratecycle.errors import ProviderError

    path = "/239710/ishares-russell-2000-etf/1467271812596.ajax"
    httpserver.expect_request(path, query_string={"fileType": "csv", "fileName": "IWM_holdings",
                                                  "dataType": "fund"}).respond_with_data(
        iwm_path.read_bytes(), content_type="text/csv")
    provider = Provider(base_url=httpserver.url_for("/"), retries=1)
    holdings = provider.fetch_holdings("IWM")
    assert len(holdings.equity) == 1924 and holdings.as_of == pd.Timestamp("2026-05-05")
    httpserver.clear()
    httpserver.expect_request(path).respond_with_data("<html><title>Sorry</title></html>", content_type="text/html")
    with pytest.raises(ProviderError, match="HTML page"):
        provider.fetch_holdings("IWM")
    with pytest.raises(DataError, match="no iShares holdings address known for 'XYZ'"):
        provider.fetch_holdings("XYZ")


def test_parse_from_text_without_bom() -> None:
    text = ('Tiny Fund\nFund Holdings as of,"Jan 02, 2026"\n \nTicker,Name,Sector,Asset Class,Market Value,'
            'Weight (%)\n"A","A CO","Energy","Equity","300.00","75.00"\n"B","B CO","Utilities","Equity","100.00",'
            '"25.00"\n"USD","USD CASH","Cash and/or Derivatives","Cash","1.00","0.00"\n \n"Disclaimer text"\n')
    holdings = parse_holdings(text, source="tiny.csv")
    result = comp.concentration(holdings)
    assert result.equity_holdings == 2
    assert result.herfindahl == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    assert result.effective_holdings == pytest.approx(1 / 0.625)
    assert result.top10_weight == pytest.approx(1.0)


def test_cli_downloads_with_ishares_prefix(httpserver, iwm_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/239710/ishares-russell-2000-etf/1467271812596.ajax").respond_with_data(
        iwm_path.read_bytes(), content_type="text/csv")
    monkeypatch.setenv("RATECYCLE_ISHARES_URL", httpserver.url_for("/"))
    result = CliRunner().invoke(app, ["holdings", "ishares:IWM", "--top", "1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["holdings"]["equity_rows"] == 1924 and doc["top"][0]["ticker"] == "BE"
