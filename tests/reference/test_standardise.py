"""Directly age-standardised rates for uføretrygd and AAP (helpers.stats.standardise).

Real data: the shipped raw files. The hand check uses numbers read off data/raw:
oslo_sos006_uforetrygd_bydel_2004_2024.csv lines 6500-6505 (Gamle Oslo 2024, I alt: 3 044;
18-29: 144, 30-39: 364, 40-49: 648, 50-59: 1 055, 60-67: 833) and
oslo_bef005_folkemengde_bydel_alder_2017_2026.csv lines 2719-2725 (Gamle Oslo 1.1.2025:
18-19 890, 20-22 1 636, 23-24 1 826, 25-29 8 804, 30-39 17 504, 40-49 9 623, 50-66 9 815).
"""

import pandas as pd
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


def test_standardised_trend_uses_only_years_that_reproduce():
    """Real data (the shipped uføretrygd and education files), with one change: Gamle Oslo's
    2016 count raised by 1, so 2016's age bands no longer add up to the tidy row and that year
    cannot be standardised. The trend never mixes standardised and crude years: 2016 is left
    out, the years before and after it stay (each year's SII is the chapter's standardised
    SII for that year), and the change in the gap is the SII of the standardised rates (WLS,
    on the value scale) from the 2015 break."""
    cat = catalogue.load_catalogue()
    tidy = pd.concat(
        [loaders.load_indicator("uforetrygd"), loaders.load_indicator("hoyere_utdanning_30_66")],
        ignore_index=True,
    )
    cell = tidy["indicator_id"].eq("uforetrygd") & tidy["geo_code"].eq("030101")
    tidy.loc[cell & tidy["year_end"].eq(2016), "numerator"] += 1
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    ind = cat.indicator("uforetrygd")
    res = gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)
    years = sorted(int(y) for y in tidy.loc[tidy["indicator_id"].eq("uforetrygd"), "year_end"])
    assert res.trend["year_end"].tolist() == [y for y in dict.fromkeys(years) if y != 2016]
    for year in (2015, 2017, 2024):
        one = gradient.analyse_indicator(tidy, ind, ranking, period=str(year), repetitions=1000)
        assert one.standardised is not None
        row = res.trend[res.trend["year_end"].eq(year)].iloc[0]
        assert row["sii"] == pytest.approx(one.sii.sii, rel=1e-12)
        assert (row["lower"], row["upper"]) == pytest.approx(
            (one.fit.sii_lower, one.fit.sii_upper), rel=1e-12
        )
    assert res.gap_trend.scale == "value" and res.gap_trend.model == "wls"
    assert res.gap_trend.years == (2015, *range(2017, 2025))


def test_crude_line_beside_the_standardised_one_is_the_crude_analysis():
    """Real data (the shipped uføretrygd and education files). With other options than the
    defaults (no transform, 90 %) as with the defaults, the crude line kept beside the
    standardised gradient is the line of the crude analysis (``age_standardise=False``) with
    the same options, and the standardised rates carry intervals at the level asked for."""
    cat = catalogue.load_catalogue()
    tidy = pd.concat(
        [loaders.load_indicator("uforetrygd"), loaders.load_indicator("hoyere_utdanning_30_66")],
        ignore_index=True,
    )
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    ind = cat.indicator("uforetrygd")
    opts = dict(repetitions=1000, sii_transform=False, confidence=0.9)
    res = gradient.analyse_indicator(tidy, ind, ranking, **opts)
    crude = gradient.analyse_indicator(tidy, ind, ranking, age_standardise=False, **opts)
    assert crude.standardised is None and crude.crude_fit is None
    assert res.crude_fit == crude.fit and res.crude_fit.transform == ""
    assert res.fit.transform == "" and res.fit.sii != pytest.approx(crude.fit.sii)
    at_90 = standardise.standardised_rates("uforetrygd", 2024, 0.9)
    pd.testing.assert_frame_equal(res.standardised, at_90)
    at_95 = standardise.standardised_rates("uforetrygd", 2024)
    assert (at_90["ci_high"] < at_95["ci_high"]).all()
    # and with the defaults (logit for the crude shares)
    res = gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)
    crude = gradient.analyse_indicator(tidy, ind, ranking, age_standardise=False, repetitions=1000)
    assert res.crude_fit == crude.fit and res.crude_fit.transform == "logit"
