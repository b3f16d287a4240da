"""FHI Kommunehelsa vaccination coverage (data/raw/fhi_khs_barnevaksinasjon_5aar_2002_2018.xlsx).

Expected numbers are read off the shipped file (PROVENANCE.md entry 32) by eye in a spreadsheet:
e.g. "Bydel Gamle Oslo", "2 år", "Meslinger", 2010-2014 = 88.5 on Excel row 1500.
Bad-input workbooks are written by the tests themselves (synthetic, labelled as such).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import special

from helpers import config
from helpers.catalogue import load_catalogue
from helpers.errors import DataError
from helpers.ingest import fhi
from helpers.pipeline.denominators import load_population
from helpers.pipeline.loaders import INDICATOR_LOADERS, INDICATOR_TABLES, load_indicator
from helpers.present import report, tables
from helpers.stats import gradient, no_counts

FILE = config.DATA_RAW / fhi.VACCINATION_FILE
IDS = ("vaksinert_meslinger_2_ar", "vaksinert_meslinger_16_ar", "vaksinert_hpv_jenter_16_ar")


@pytest.fixture(scope="module")
def long() -> pd.DataFrame:
    return fhi.read_khs_export(FILE)


def test_reader_layout(long: pd.DataFrame) -> None:
    assert long.attrs["title"].startswith("Vaksinasjonsdekning - barnevaksinasjonprogrammet")
    assert long.attrs["measure"] == "andel (prosent)"
    assert sorted(long["alder"].unique()) == ["16 år", "2 år", "9 år"]
    assert long["periode"].nunique() == 13  # 2002-2006 ... 2014-2018
    cell = long[
        (long["geografi"] == "Bydel Gamle Oslo")
        & (long["alder"] == "2 år")
        & (long["dimensjon"] == "Meslinger")
        & (long["periode"] == "2010-2014")
    ]
    assert len(cell) == 1
    assert cell["verdi"].iat[0] == pytest.approx(88.5)
    assert (cell["_row"].iat[0], cell["_column"].iat[0]) == (1500, "L (2010-2014)")
    # ".." and ":" are flags, never 0: as many as the workbook's cells hold (counted here with
    # openpyxl, independently of the reader)
    cells = [v for row in openpyxl.load_workbook(FILE, read_only=True).active.iter_rows(
        values_only=True) for v in row]  # fmt: skip
    for symbol in ("..", ":"):
        flagged = long[long["verdi_flag"] == symbol]
        assert len(flagged) == cells.count(symbol), symbol
        assert flagged["verdi"].isna().all()
    assert not (long["verdi"] == 0).any()


def test_bydel_names_match_config(long: pd.DataFrame) -> None:
    """The 15 "Bydel …" blocks after Oslo kommune map one-to-one onto config.BYDELER."""
    rows = fhi._oslo_rows(long, FILE)
    names = rows.drop_duplicates("geo_code").set_index("geo_code")["geografi"]
    assert set(names.index) == {*config.BYDELER, config.OSLO_CODE}
    assert names["030104"] == "Bydel St.Hanshaugen"
    assert names["030102"] == "Bydel Grünerløkka"
    # Oslo kommune (the second "Oslo"), not fylke 03: they differ in 2 år Difteri 2002-2006
    oslo = rows[
        (rows["geo_code"] == "0301")
        & (rows["alder"] == "2 år")
        & (rows["dimensjon"] == "Difteri")
        & (rows["periode"] == "2002-2006")
    ]
    assert oslo["verdi"].iat[0] == pytest.approx(90.4)


@pytest.mark.parametrize("ind", IDS)
def test_tidy_has_values_only(ind: str) -> None:
    tidy = load_indicator(ind)
    assert tidy["numerator"].isna().all() and tidy["denominator"].isna().all()
    assert tidy["ci_low"].isna().all() and tidy["ci_high"].isna().all()
    assert set(tidy["geo_code"]) == {*config.BYDELER, config.OSLO_CODE}
    assert (tidy["period"].str[-4:].astype(int) == tidy["year_end"]).all()
    assert tidy["value"].between(0, 100).all()


def test_tidy_periods_and_values() -> None:
    m2 = load_indicator("vaksinert_meslinger_2_ar")
    assert sorted(m2["period"].unique()) == [f"{y - 4}-{y}" for y in range(2014, 2019)]
    row = m2[(m2["geo_code"] == "030101") & (m2["period"] == "2010-2014")]
    assert row["value"].iat[0] == pytest.approx(88.5)
    hpv = load_indicator("vaksinert_hpv_jenter_16_ar")
    assert sorted(hpv["period"].unique()) == ["2013-2017", "2014-2018"]
    assert set(hpv["sex"]) == {"kvinner"}
    gamle = hpv[(hpv["geo_code"] == "030101") & (hpv["period"] == "2014-2018")]
    assert gamle["value"].iat[0] == pytest.approx(70.9)


def test_registered_in_data() -> None:
    for ind in IDS:
        assert ind in INDICATOR_LOADERS
        assert INDICATOR_TABLES[ind] == fhi.VACCINATION_TABLE


@pytest.fixture(scope="module")
def results():
    cat = load_catalogue()
    frames = [load_indicator(i) for i in IDS]
    rank = load_indicator(config.DEFAULT_RANK_BY)
    tidy = pd.concat([*frames, rank], ignore_index=True)
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)
    return {
        i: gradient.analyse_indicator(tidy, cat.indicator(i), ranking, repetitions=1000)
        for i in IDS
    }


def test_sii_point_estimate_population_weights(results) -> None:
    """Bydeler weighted by the mean number of 16–17-year-olds over 2014–2018 (the shipped
    population tables; single years and sexes are not published); rank = midpoint of the
    cumulative population share in rank order; SII/RII = phe_sii's point estimates with the
    logit transform (DEFAULT_SII_TRANSFORM): weighted least squares of logit(value/100) on rank,
    SII = 100·(expit(b0) − expit(b0 + b1)), RII = expit(b0)/expit(b0 + b1). No interval."""
    res = results["vaksinert_meslinger_16_ar"]
    assert not res.counts and res.period == "2014-2018"
    pop = load_population()
    sel = pop[pop["age_group"].eq("16-17") & pop["year"].between(2014, 2018)]
    mean = sel.groupby("geo_code")["population"].mean()
    used = res.table[res.table["rank"].notna()]
    assert len(used) == 15
    share = used["geo_code"].map(mean).to_numpy(float)
    share = share / share.sum()
    x = np.cumsum(share) - share / 2
    assert np.allclose(used["rank"].to_numpy(), x)
    y = special.logit(used["value"].to_numpy(float) / 100)
    design = np.column_stack([np.ones(15), x]) * np.sqrt(share)[:, None]
    b0, b1 = np.linalg.lstsq(design, y * np.sqrt(share), rcond=None)[0]
    assert res.sii.sii == pytest.approx(100 * (special.expit(b0) - special.expit(b0 + b1)))
    assert res.sii.rii == pytest.approx(special.expit(b0) / special.expit(b0 + b1))
    assert res.fit.transform == "logit" and res.fit.sii == pytest.approx(res.sii.sii)
    assert np.isnan(
        [res.sii.sii_lower, res.sii.sii_upper, res.sii.rii_lower, res.sii.rii_upper]
    ).all()
    assert res.rci is None and res.poisson is None


def test_trend_without_model(results) -> None:
    res = results["vaksinert_meslinger_2_ar"]
    assert res.trend is not None and len(res.trend) == 5
    assert res.trend[["lower", "upper"]].isna().all().all()
    assert res.gap_trend is None  # overlapping periods: no model of change
    assert results["vaksinert_hpv_jenter_16_ar"].trend is None  # two periods only


def test_trend_without_counts_is_a_numeric_table(results) -> None:
    """Values without counts have no interval, but the trend table stays numeric (NaN, not
    None), as the chart and the downloads expect; it has the same columns as any trend."""
    trend = results["vaksinert_meslinger_2_ar"].trend
    assert list(trend.columns) == [
        "year_end", "sii", "lower", "upper", "lower_within", "upper_within",
    ]  # fmt: skip
    assert all(pd.api.types.is_numeric_dtype(trend[c]) for c in trend.columns)


def test_report_text_is_honest(results) -> None:
    res = results["vaksinert_meslinger_16_ar"]
    finding = report.finding(res)
    assert "uten konfidensintervall" in finding
    assert "(SII 2,0; RII 1,02)" in finding  # test_sii_point_estimate_population_weights
    summary = report.summary_line(res)
    assert "ikke uavhengige" in summary and "ikke testet" in summary
    assert no_counts.NO_INTERVAL_NB in summary
    table = no_counts.bydel_table(tables.bydel_table(res))
    assert list(table.columns) == ["Rang", "Bydel", "Prosent av 16-åringene"]
    over = tables.overview_table([res])
    assert over[tables.OVERVIEW_SII].iat[0] == "2,0 (ingen KI)"


def test_value_only_finding_names_ties(results) -> None:
    """The finding's opening sentence is report.finding's for every indicator: two bydeler
    printing the same lowest value are both named (made-up tie on the shipped table)."""
    res = results["vaksinert_meslinger_16_ar"]
    table = res.table.copy()
    pub = res.published
    low, second = pub["value"].nsmallest(2).index
    table.loc[second, "value"] = table.loc[low, "value"]
    finding = report.finding(dataclasses.replace(res, table=table))
    lowest = finding.split("høyest")[0]
    assert "lavest i" in lowest
    assert table.loc[low, "geo_name"] in lowest and table.loc[second, "geo_name"] in lowest
    assert "uten konfidensintervall" in finding


# -------------------------------------------------------------- bad input (synthetic workbooks)
def _workbook(tmp_path, edit=None) -> str:
    """A small KHS-shaped workbook with SYNTHETIC values (not FHI's numbers): title block,
    header rows 7-8, then Hele landet, Oslo (fylke), Oslo (kommune) and the 15 bydeler, each with
    2 år / Meslinger on one row. Bydel i (1-15) has 90 + i/10 in both periods."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Vaksinasjonsdekning - barnevaksinasjonprogrammet, 5-årige gjennomsnitt (B)"
    ws["A4"] = "Variabler i filter"
    ws["A5"] = "andel (prosent)"
    ws.append([])
    ws.append(["År", None, None, "2013-2017", "2014-2018"])  # row 7
    ws.append(["Geografi", "Alder", "Vaksine mot"])  # row 8
    names = ["Hele landet", "Oslo", "Oslo"] + [
        "Bydel St.Hanshaugen" if n == "St. Hanshaugen" else f"Bydel {n}"
        for n in config.BYDELER.values()
    ]
    for i, name in enumerate(names):
        ws.append([name, "2 år", "Meslinger", 90 + i / 10, 90 + i / 10])  # rows 9-26
    if edit is not None:
        edit(ws)
    out = tmp_path / "khs.xlsx"
    wb.save(out)
    return str(out)


def test_synthetic_workbook_reads(tmp_path) -> None:
    tidy = load_indicator("vaksinert_meslinger_2_ar", _workbook(tmp_path))
    assert sorted(tidy["period"].unique()) == ["2013-2017", "2014-2018"]
    gamle = tidy[(tidy["geo_code"] == "030101") & (tidy["period"] == "2014-2018")]
    assert gamle["value"].iat[0] == pytest.approx(90.3)  # 4th block (after 3 non-bydeler)


def test_unknown_bydel_names_row(tmp_path) -> None:
    path = _workbook(tmp_path, lambda ws: ws.__setitem__("A12", "Bydel Gamle Olso"))
    with pytest.raises(DataError, match=r"row 12.*did you mean \"Gamle Oslo\""):
        load_indicator("vaksinert_meslinger_2_ar", path)


def test_bad_value_names_cell(tmp_path) -> None:
    path = _workbook(tmp_path, lambda ws: ws.__setitem__("E14", "n/a"))
    with pytest.raises(DataError, match=r'row 14, column "E \(2014-2018\)".*not a number'):
        load_indicator("vaksinert_meslinger_2_ar", path)


def test_changed_layout(tmp_path) -> None:
    path = _workbook(tmp_path, lambda ws: ws.__setitem__("A7", "Periode"))
    with pytest.raises(DataError, match='header row starting with "År"'):
        load_indicator("vaksinert_meslinger_2_ar", path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_indicator("vaksinert_meslinger_2_ar", tmp_path / "none.xlsx")
