"""The registry of inequality measures (helpers.stats.measures) on synthetic tables
(tests/synthetic.py: made-up numbers, not Oslo's)."""

import numpy as np
import pytest
from synthetic import tidy_table

from helpers import catalogue
from helpers.present import tables, text
from helpers.stats import gradient, measures


@pytest.fixture(scope="module")
def analysed():
    cat = catalogue.load_catalogue()
    tidy = tidy_table(slope=-0.4)
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)


def test_every_registered_measure_is_computed_and_overview_columns_follow_the_registry(analysed):
    assert set(analysed.measures) == {m.key for m in measures.MEASURES}
    table = tables.overview_table([analysed])
    assert list(table.columns[5:]) == measures.overview_columns()


def test_par_in_the_overview_is_heats_parisk_by_hand(analysed):
    """PAR (healthequal ``parisk``) with the most advantaged bydel as reference: its value minus
    the population-weighted mean, 0 when that goes against favourability. Uføretrygd is adverse
    (lower is better) and falls towards the advantaged end, so PAR = ref − mean < 0."""
    used = analysed.table[analysed.table["rank"].notna()]
    y, pop = used["value"].to_numpy(float), used["denominator"].to_numpy(float)
    ref = y[used["order"].to_numpy() == used["order"].max()][0]
    by_hand = ref - np.sum(pop / pop.sum() * y)
    par = analysed.measures["par"]
    assert by_hand < 0
    assert par.estimate == pytest.approx(by_hand, rel=1e-12)
    assert par.lowerci < par.estimate < par.upperci
    cell = tables.overview_table([analysed])[measures.OVERVIEW_PAR].iat[0]
    assert cell.startswith(text.number(by_hand))


def test_overview_widths_follow_the_registry():
    """One width per overview column, measure columns included: a measure added to the registry
    needs no width of its own in the notebook."""
    columns = tables.overview_table([]).columns
    assert len(tables.overview_widths()) == len(columns)
    assert list(columns[len(tables.OVERVIEW_WIDTHS) :]) == measures.overview_columns()
