"""Directly age-standardised rates for uføretrygd and AAP (helpers.stats.standardise).

Real data: the shipped raw files. The hand check uses numbers read off data/raw:
oslo_sos006_uforetrygd_bydel_2004_2024.csv lines 6500-6505 (Gamle Oslo 2024, I alt: 3 044;
18-29: 144, 30-39: 364, 40-49: 648, 50-59: 1 055, 60-67: 833) and
oslo_bef005_folkemengde_bydel_alder_2017_2026.csv lines 2719-2725 (Gamle Oslo 1.1.2025:
18-19 890, 20-22 1 636, 23-24 1 826, 25-29 8 804, 30-39 17 504, 40-49 9 623, 50-66 9 815).
"""

import pytest
from synthetic import tidy_table

from helpers import catalogue
from helpers.pipeline import build_data, loaders, suppress
from helpers.present import report, tables
from helpers.stats import gradient, standardise


def test_hand_checked_gamle_oslo_2024():
    """DSR = Σ count/pop × std / Σ std × 100 with Oslo's 18-66 population 1.1.2025 as standard
    (136 080, 139 719, 99 373, 130 614 by band, from the same BEF005 file)."""
    counts = [144, 364, 648, 1055 + 833]
    pop = [890 + 1636 + 1826 + 8804, 17504, 9623, 9815]
    std = [136080, 139719, 99373, 130614]
    expected = sum(c / p * w for c, p, w in zip(counts, pop, std, strict=True)) / sum(std) * 100
    rates = standardise.standardised_rates("uforetrygd", 2024).set_index("geo_code")
    assert rates.loc["030101", "value"] == pytest.approx(expected, rel=1e-12)
    assert round(expected, 1) == 7.2
    assert rates.loc["030101", "ci_low"] < expected < rates.loc["030101", "ci_high"]


@pytest.mark.parametrize("indicator", ["uforetrygd", "arbeidsavklaringspenger"])
def test_oslo_standardised_equals_crude_and_bands_reproduce_totals(indicator):
    """The standard is Oslo's own population, so Oslo's standardised rate is its crude rate;
    every year the bands sum to the tidy table's numerator and denominator."""
    tidy = loaders.load_indicator(indicator)
    for year in sorted(tidy["year_end"].unique()):
        rows = tidy[(tidy["year_end"] == year) & (tidy["geo_level"] == "bydel")]
        assert standardise.reproduces(rows, indicator, year), year
    year = int(tidy["year_end"].max())
    rates = standardise.standardised_rates(indicator, year).set_index("geo_code")
    oslo = tidy[(tidy["year_end"] == year) & (tidy["geo_code"] == "0301")].iloc[0]
    assert rates.loc["0301", "value"] == pytest.approx(oslo["value"], rel=1e-12)


def test_synthetic_tables_are_not_standardised_with_real_counts():
    """Synthetic (tests/synthetic.py, not Oslo's numbers): the real age bands do not add up to
    made-up rows, so nothing is standardised."""
    cat = catalogue.load_catalogue()
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    assert res.standardised is None and res.crude_fit is None


@pytest.fixture(scope="module")
def uforetrygd_2024():
    """Uføretrygd analysed on the shipped data, ranked by higher education in 2024."""
    cat = catalogue.load_catalogue()
    tidy = suppress.suppress(build_data.build_tidy(), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)


def test_report_shows_both_rates_and_says_which_the_gradient_uses(uforetrygd_2024):
    res = uforetrygd_2024
    table = tables.bydel_table(res)
    assert tables.STANDARDISED_COLUMN in table.columns
    row = table[table["Bydel"] == "St. Hanshaugen"].iloc[0]
    assert row.iloc[2] == "3,8" and row[tables.STANDARDISED_COLUMN] == "5,1"
    sentence = report.finding(res)
    assert "Gradienten nedenfor bygger på de aldersstandardiserte ratene" in sentence
    # the crude extremes first, then (one space apart) the standardised ones and the gradient
    first, rest = sentence.split(" Fordi ", 1)
    assert first.startswith("Mottakere av uføretrygd: ") and first.endswith(").")
    assert f"Fordi {rest}" == (
        f"{report.standardised_sentence(res)} {report.gradient_sentence(res)}"
    )
    assert res.fit.transform == "log"  # standardised rates are rates: log transform
    assert res.fit.sii != pytest.approx(res.crude_fit.sii)
    assert "ikke aldersjustert" in report.summary_line(res)
    assert "aldersstandardiserte rater" in report.summary_line(res)


def test_overview_says_that_the_measures_are_age_standardised(uforetrygd_2024):
    name = tables.overview_table([uforetrygd_2024]).loc[0, "Indikator"]
    unit = "per 100 innbyggere 18–66 år"  # unit_nb of uforetrygd in data/indicators.yml
    assert name == f"Mottakere av uføretrygd ({unit}; SII og RII aldersstandardisert)"
