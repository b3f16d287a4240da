"""The barometer's rule on constructed cases (numbers chosen by hand, not Oslo's)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import synthetic

from helpers import catalogue, config
from helpers.present import barometer
from helpers.present.barometer import (
    BETTER,
    HIGHER,
    LOWER,
    NOT_ASSESSED,
    SIMILAR,
    SUPPRESSED,
    WORSE,
    classify,
)


@pytest.mark.parametrize(
    ("value", "low", "high", "oslo", "polarity", "flag", "expected"),
    [
        # Oslo 10: interval entirely above it
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "", WORSE),
        (12.0, 11.0, 13.0, 10.0, "higher_is_better", "", BETTER),
        (12.0, 11.0, 13.0, 10.0, "context_dependent", "", HIGHER),
        # interval entirely below Oslo
        (8.0, 7.0, 9.0, 10.0, "lower_is_better", "", BETTER),
        (8.0, 7.0, 9.0, 10.0, "higher_is_better", "", WORSE),
        (8.0, 7.0, 9.0, 10.0, "context_dependent", "", LOWER),
        # the value differs, but the interval holds Oslo's value: no clear difference
        (12.0, 9.5, 14.5, 10.0, "lower_is_better", "", SIMILAR),
        (8.0, 6.0, 10.5, 10.0, "higher_is_better", "", SIMILAR),
        # Oslo exactly on a bound counts as inside
        (12.0, 10.0, 14.0, 10.0, "lower_is_better", "", SIMILAR),
        (8.0, 6.0, 10.0, 10.0, "higher_is_better", "", SIMILAR),
        # an interval of zero width (a count without sampling error) is still an interval
        (5.0, 5.0, 5.0, 4.0, "lower_is_better", "", WORSE),
        (5.0, 5.0, 5.0, 5.0, "lower_is_better", "", SIMILAR),
        # an SSB symbol is never classified, even with numbers left in the row
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "..", NOT_ASSESSED),
        # suppressed: never classified, whatever numbers remain in the row
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "prikket", SUPPRESSED),
        (math.nan, math.nan, math.nan, 10.0, "lower_is_better", "prikket", SUPPRESSED),
        # missing value, interval or Oslo value
        (math.nan, math.nan, math.nan, 10.0, "lower_is_better", "..", NOT_ASSESSED),
        (12.0, math.nan, math.nan, 10.0, "lower_is_better", "", NOT_ASSESSED),
        (12.0, 11.0, 13.0, math.nan, "lower_is_better", "", NOT_ASSESSED),
    ],
)
def test_classify(value, low, high, oslo, polarity, flag, expected):
    assert classify(value, low, high, oslo, polarity, flag) == expected


def test_classify_rejects_a_reversed_interval():
    with pytest.raises(ValueError, match="reversed"):
        classify(5.0, 6.0, 4.0, 1.0, "lower_is_better")


def test_rank_is_neutral_highest_first_and_skips_suppressed():
    values = pd.Series([3.0, 9.0, 5.0, math.nan, 9.0])
    flags = pd.Series(["", "", "prikket", "..", ""])
    ranks = barometer.rank_highest_first(values, flags)
    # 5.0 is suppressed: not ranked even though a value is present
    assert ranks.tolist() == [3, 1, pd.NA, pd.NA, 1]


def test_indicator_rows_on_synthetic_data():
    """Synthetic (made-up) shares fall 0.4 points per bydel number from 10 %: the first bydeler
    are above Oslo, the last below; one is suppressed and stays unclassified and unranked."""
    tidy = synthetic.tidy_table(small={"030105": 2})
    codes = list(config.BYDELER)
    tidy.loc[(tidy["geo_code"] == "030105") & (tidy["indicator_id"] == "uforetrygd"), "flag"] = (
        "prikket"
    )
    tidy.loc[tidy["flag"] == "prikket", ["value", "numerator", "ci_low", "ci_high"]] = math.nan
    cat = catalogue.load_catalogue()
    ind = cat.indicator("uforetrygd")
    rows = barometer.indicator_rows(tidy, ind)
    assert list(rows["geo_code"]) == codes
    assert rows["period"].unique().tolist() == ["2024"]
    oslo = rows["oslo_value"].iloc[0]
    by_code = rows.set_index("geo_code")
    assert by_code.loc["030105", "klass"] == SUPPRESSED
    assert pd.isna(by_code.loc["030105", "rank"])
    assert by_code.loc["030105", "n_ranked"] == 14
    # uføretrygd: lower is better; bydel 1 has 9.6 % ± 0.5 vs Oslo (about 7 %)
    assert oslo < by_code.loc["030101", "ci_low"]
    assert by_code.loc["030101", "klass"] == WORSE
    assert by_code.loc["030101", "rank"] == 1
    assert by_code.loc["030115", "klass"] == BETTER
    for r in rows.itertuples():
        if r.klass == SIMILAR:
            assert r.ci_low <= oslo <= r.ci_high


def test_city_barometer_and_grid_figure():
    tidy = synthetic.tidy_table()
    cat = catalogue.load_catalogue()
    grid = barometer.city_barometer(tidy, cat)
    assert set(grid["indicator_id"]) == {"uforetrygd"}  # only indicators with data
    assert len(grid) == len(config.BYDELER)
    assert {"area_title", "mal", "indicator_name", "klass"} <= set(grid.columns)
    fig = barometer.grid_figure(grid)
    assert fig.axes[0].get_legend() is not None
    c = barometer.counts(grid)
    assert c.to_numpy().sum() == len(config.BYDELER)
    table = barometer.bydel_table(grid, "030101")
    assert table.iloc[0]["Mot Oslo"] == "dårligere (\u2212)"
    assert table.iloc[0]["Rang (1 = høyest)"] == f"1 av {len(config.BYDELER)}"
    assert "bydelens 95 % konfidensintervall" in barometer.legend_markdown()


def test_report_cells_never_start_with_typst_markup():
    """Typst reads a line starting with "=" as a heading and "+" as a list item; pandoc's Typst
    writer does not escape them in table cells (a level-1 heading in a table broke the PDF)."""
    grid = barometer.city_barometer(synthetic.tidy_table(), catalogue.load_catalogue())
    cells = barometer.bydel_table(grid, "030108").to_numpy().ravel().tolist()
    cells += list(barometer.counts_table(grid).columns)
    assert not [c for c in cells if str(c).lstrip()[:1] in {"=", "+", "-", "*", "#"}]


def _uforetrygd_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    return barometer.indicator_rows(tidy, catalogue.load_catalogue().indicator("uforetrygd"))


def test_indicator_rows_columns_and_a_bydel_without_a_row():
    """Synthetic: Nordre Aker (030108) has no row at all; it is still listed, as ".." (not
    available), for the same period and indicator, unranked and not assessed. The columns are
    the tidy table's and the barometer's four, nothing else."""
    tidy = synthetic.tidy_table()
    tidy = tidy[~((tidy["geo_code"] == "030108") & (tidy["indicator_id"] == "uforetrygd"))]
    rows = _uforetrygd_rows(tidy)
    assert sorted(rows.columns) == sorted(
        [*config.TIDY_COLUMNS, "oslo_value", "rank", "n_ranked", "klass"]
    )
    assert list(rows["geo_code"]) == list(config.BYDELER)
    r = rows.set_index("geo_code").loc["030108"]
    assert (r["geo_name"], r["flag"], r["period"], r["indicator_id"]) == (
        "Nordre Aker",
        "..",
        "2024",
        "uforetrygd",
    )
    assert r["klass"] == NOT_ASSESSED and pd.isna(r["rank"]) and r["n_ranked"] == 14


def test_indicator_rows_without_an_oslo_value_assess_nothing():
    """Synthetic: without an Oslo row, or with Oslo's value suppressed, there is nothing to
    compare with: every bydel is "ikke vurdert", but still ranked."""
    tidy = synthetic.tidy_table()
    oslo = tidy["geo_code"] == config.OSLO_CODE
    suppressed = tidy.copy()
    suppressed.loc[oslo, ["value", "numerator", "ci_low", "ci_high"]] = math.nan
    suppressed.loc[oslo, "flag"] = "prikket"
    for table in (tidy[~oslo], suppressed):
        rows = _uforetrygd_rows(table)
        assert rows["oslo_value"].isna().all()
        assert set(rows["klass"]) == {NOT_ASSESSED}
        assert list(rows["rank"]) == list(range(1, 16))  # values fall with the bydel number
