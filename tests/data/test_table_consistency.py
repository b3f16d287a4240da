"""Property tests over the tidy table built from data/raw and the report tables made from it.

Invariant (issue 9, item 1): every row satisfies value ≈ numerator / denominator × multiplier
within the rounding of the published value, or it is the publisher's own figure
(``loaders.PUBLISHED_VALUES``), in which case the report table prints no denominator and says so.
Real data: the shipped files in data/raw, nothing synthetic.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers import catalogue
from helpers.ingest import oslo
from helpers.pipeline import build_data, denominators, loaders, suppress
from helpers.present import report, tables, text
from helpers.stats import gradient

#: Half a unit of the one decimal the publishers print (and the report prints).
ROUNDING = 0.05


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


@pytest.fixture(scope="module")
def tidy(cat) -> pd.DataFrame:
    return suppress.suppress(build_data.build_tidy(), cat.thresholds())


def _number(cell: str) -> float:
    return float(cell.replace(text.NBSP, "").replace(" ", "").replace(",", "."))


def _multiplier(cat, indicator_id: str) -> float:
    """The catalogue's multiplier; ranking-only variables are percentages (unit percent)."""
    if indicator_id in cat:
        return cat.indicator(indicator_id).multiplier or 1
    assert cat.ranking(indicator_id).unit == "percent"
    return 100


def test_every_tidy_row_is_its_own_ratio_or_the_publishers(tidy, cat):
    full = tidy.dropna(subset=["value", "numerator", "denominator"])
    assert len(full) > 1000
    mult = full["indicator_id"].map(lambda i: _multiplier(cat, i))
    off = (full["value"] - full["numerator"] / full["denominator"] * mult).abs() > ROUNDING
    bad = full[off & ~full["indicator_id"].isin(loaders.PUBLISHED_VALUES)]
    assert bad.empty, bad[["indicator_id", "geo_name", "year_end", "value"]].head().to_string()


def test_published_values_are_declared_because_they_differ(tidy, cat):
    """Only indicators that need it are exempt: the publisher's sosialhjelp share differs from
    count / project population (St. Hanshaugen 2023: 1 639 / 41 026 = 4,0 %, published 4,2)."""
    for ind in loaders.PUBLISHED_VALUES:
        rows = tidy[(tidy["indicator_id"] == ind)].dropna(subset=["numerator", "denominator"])
        ratio = rows["numerator"] / rows["denominator"] * 100
        assert ((rows["value"] - ratio).abs() > ROUNDING).any(), ind
    row = tidy[
        (tidy["indicator_id"] == "sosialhjelp")
        & (tidy["geo_name"] == "St. Hanshaugen")
        & (tidy["year_end"] == 2023)
    ].iloc[0]
    assert (row["value"], row["numerator"], row["denominator"]) == (4.2, 1639, 41026)


def _periods(tidy: pd.DataFrame, ind: str) -> list[str]:
    periods = sorted(tidy.loc[tidy["indicator_id"] == ind, "period"].unique())
    return sorted({periods[0], periods[len(periods) // 2], periods[-1]})


def test_printed_tables_agree_with_themselves(tidy, cat):
    """Every printed row with teller and nevner: printed value = teller / nevner × multiplier
    to the printed precision; rows of a publisher's value print no nevner and the note says
    whose value it is. Every note names the population date where the nevner is BEF's."""
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    checked = 0
    for ind in cat.available():
        if ind.id not in set(tidy["indicator_id"]):
            continue
        for period in _periods(tidy, ind.id):
            res = gradient.analyse_indicator(tidy, ind, ranking, period=period, repetitions=1000)
            table = tables.bydel_table(res)
            value_col = table.columns[2]
            note = report.table_note(res)
            for _, row in table.iterrows():
                if ind.id in loaders.PUBLISHED_VALUES:
                    assert row["Nevner"] == "", (ind.id, period)
                    continue
                if row["Teller"] and row["Nevner"] and re.search(r"\d", row[value_col]):
                    exact = _number(row["Teller"]) / _number(row["Nevner"]) * ind.multiplier
                    assert abs(_number(row[value_col]) - exact) <= ROUNDING + 1e-9, (
                        ind.id, period, row["Bydel"],
                    )  # fmt: skip
                    checked += 1
            if ind.id in loaders.PUBLISHED_VALUES:
                assert "publiserte andel" in note and "ikke" in note
            if ind.id in oslo.COUNT_RATES or ind.id == "sosialhjelp":
                assert re.search(r"per 1\.1\.\d{4}", note), (ind.id, note)
    assert checked > 250


@pytest.mark.parametrize(
    ("indicator", "year", "expected"),
    [
        ("uforetrygd", 2024, "bosatte 18–66 år per 1.1.2025"),
        ("barn_berort_sosialhjelp", 2023, "bosatte 0–17 år per 1.1.2024"),
        ("sosialhjelp", 2023, "hele befolkningen per 1.1.2023"),
        ("sosialhjelp", 2018, "bosatte 18 år og over per 1.1.2019"),
        ("valgdeltakelse", 2023, ""),
    ],
)
def test_denominator_date(indicator, year, expected):
    """The dates follow data.py: counts per 31.12 over BEF 1.1. of the next year; sosialhjelp
    from 2019 over the whole population on 1.1. of the same year (OK-STØ020's own share)."""
    got = denominators.denominator_date(indicator, year)
    assert (expected in got) if expected else got == ""
