"""helpers.stats.gradient.rank_bydeler on SYNTHETIC tables (tests/synthetic.py: made-up numbers,
not Oslo's). The ranking variable there is 20 + 3·i for the i-th bydel code (1 = 030101), so the
expected orders and values below follow from that formula, not from the code's output."""

import numpy as np
import pandas as pd
import pytest
from synthetic import tidy_table

from helpers import catalogue, config
from helpers.errors import ParameterError
from helpers.stats import gradient

RANK_BY = "hoyere_utdanning_30_66"
CODES = list(config.BYDELER)


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def _ranking_rows(tidy: pd.DataFrame, year: int) -> pd.Series:
    return (
        (tidy["indicator_id"] == RANK_BY)
        & (tidy["year_end"] == year)
        & (tidy["geo_level"] == "bydel")
    )


def test_ranking_carries_variable_name_year_spec_and_exactly_its_columns(cat):
    ranking = gradient.rank_bydeler(tidy_table(), cat, RANK_BY, 2024)
    spec = cat.ranking(RANK_BY)
    assert ranking.variable == RANK_BY
    assert ranking.name_nb == spec.name_nb and ranking.spec == spec
    assert ranking.year == 2024 and isinstance(ranking.year, int)
    assert list(ranking.table.columns) == ["geo_code", "geo_name", "ses_value", "order"]
    assert list(ranking.table.index) == list(range(15))
    # low education is disadvantaged: lowest value (first code) first, 20 + 3·i
    assert ranking.table["ses_value"].tolist() == [20.0 + 3 * i for i in range(1, 16)]
    assert ranking.table["geo_name"].tolist() == [config.BYDELER[c] for c in CODES]


def test_latest_year_by_default_and_a_year_given_as_text(cat):
    """SYNTHETIC: in 2024 the ranking variable is reversed, so the year used shows in the order."""
    tidy = tidy_table()
    rows = _ranking_rows(tidy, 2024)
    tidy.loc[rows, "value"] = 100.0 - tidy.loc[rows, "value"]
    latest = gradient.rank_bydeler(tidy, cat, RANK_BY)
    assert latest.year == 2024
    assert latest.table["geo_code"].tolist() == CODES[::-1]
    earlier = gradient.rank_bydeler(tidy, cat, RANK_BY, "2023")  # papermill may pass text
    assert earlier.year == 2023
    assert earlier.table["geo_code"].tolist() == CODES


def test_only_both_sexes_and_bydel_rows_are_ranked(cat):
    """SYNTHETIC: reversed rows for women and an Oslo row must not enter the ranking."""
    tidy = tidy_table()
    women = tidy[_ranking_rows(tidy, 2024)].copy()
    women["sex"] = "kvinner"
    women["value"] = 100.0 - women["value"]
    oslo = tidy[_ranking_rows(tidy, 2024)].iloc[[0]].copy()
    oslo[["geo_code", "geo_level", "value"]] = [config.OSLO_CODE, "kommune", 1.0]
    tidy = pd.concat([tidy, women, oslo], ignore_index=True)
    ranking = gradient.rank_bydeler(tidy, cat, RANK_BY, 2024)
    assert ranking.table["geo_code"].tolist() == CODES
    assert ranking.table["ses_value"].tolist() == [20.0 + 3 * i for i in range(1, 16)]


@pytest.mark.parametrize("rank_by", [RANK_BY, "lavinntekt_husholdninger"])
def test_ties_are_broken_by_bydel_code_ascending_in_either_direction(cat, rank_by):
    """SYNTHETIC: all 15 values equal; the order is then the codes' order for a variable whose
    low end (education) or high end (low income) is disadvantaged."""
    tidy = tidy_table()
    rows = tidy["indicator_id"] == RANK_BY
    tidy.loc[rows, "indicator_id"] = rank_by
    tidy.loc[rows, "value"] = 50.0
    ranking = gradient.rank_bydeler(tidy, cat, rank_by, 2024)
    assert ranking.table["geo_code"].tolist() == CODES
    assert ranking.table["order"].tolist() == list(range(1, 16))


def test_a_missing_value_is_an_error_naming_the_variable_and_year(cat):
    tidy = tidy_table()
    tidy.loc[_ranking_rows(tidy, 2024) & (tidy["geo_code"] == "030105"), "value"] = np.nan
    message = f"rank_by: '{RANK_BY}' in 2024 must have a value for all 15 bydeler"
    with pytest.raises(ValueError) as err:
        gradient.rank_bydeler(tidy, cat, RANK_BY, 2024)
    assert str(err.value) == message
    missing = tidy_table()
    missing = missing[~(_ranking_rows(missing, 2024) & (missing["geo_code"] == "030105"))]
    with pytest.raises(ValueError) as err:
        gradient.rank_bydeler(missing, cat, RANK_BY, 2024)
    assert str(err.value) == message


def test_a_variable_without_rows_or_year_is_a_parameter_error(cat):
    with pytest.raises(ParameterError) as err:
        gradient.rank_bydeler(tidy_table(), cat, "sysselsetting_25_59", 2024)
    assert err.value.parameter == "rank_by"
    assert str(err.value) == "rank_by: no data for ranking variable 'sysselsetting_25_59'"
    with pytest.raises(ParameterError) as err:
        gradient.rank_bydeler(tidy_table(), cat, RANK_BY, 2030)
    assert err.value.parameter == "rank_year"
    assert str(err.value) == (
        f"rank_year: '{RANK_BY}' has no data for 2030; it has 2022–2024"
        f" (the catalogue suggests {cat.ranking(RANK_BY).year})"
    )


def test_an_unknown_ranking_variable_is_a_parameter_error(cat):
    with pytest.raises(ParameterError) as err:
        gradient.rank_bydeler(tidy_table(), cat, "formue", 2024)
    assert err.value.parameter == "rank_by"
    assert "formue" in str(err.value) and RANK_BY in str(err.value)


def _edited(cat, **changes):
    """A copy of the shipped catalogue with the ranking variables changed (id -> fields)."""
    import dataclasses

    variables = tuple(
        dataclasses.replace(r, **changes[r.id]) if r.id in changes else r
        for r in cat.ranking_variables
    )
    return dataclasses.replace(cat, ranking_variables=variables)


def test_the_catalogue_given_is_the_one_checked(cat):
    """A variable the given catalogue marks as planned is refused as planned, even though the
    shipped catalogue has it; a variable without a suggested year is not given one."""
    edited = _edited(cat, sysselsetting_25_59={"status": "planned"}, **{RANK_BY: {"year": None}})
    with pytest.raises(ParameterError) as err:
        gradient.rank_bydeler(tidy_table(), edited, "sysselsetting_25_59", 2024)
    assert err.value.parameter == "rank_by" and "is planned and has no data yet" in str(err.value)
    with pytest.raises(ParameterError) as err:
        gradient.rank_bydeler(tidy_table(), edited, RANK_BY, 2030)
    assert str(err.value) == f"rank_year: '{RANK_BY}' has no data for 2030; it has 2022–2024"
