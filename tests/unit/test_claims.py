"""Property test over the report built from the shipped data (data/raw): no sentence states a
direction that its interval does not support (issue 9: "clear gradient" and trend sentences need
an interval with the variation between bydeler, on a series without breaks)."""

from __future__ import annotations

import pytest

from helpers import catalogue
from helpers.pipeline import build_data, suppress
from helpers.present import report
from helpers.stats import gradient

DIRECTION_WORDS = ("høyere i den mest", "lavere i den mest", "Gradienten er tydelig")
TREND_WORDS = ("forskjellen har økt", "forskjellen har blitt mindre")  # any gap


@pytest.fixture(scope="module")
def results():
    cat = catalogue.load_catalogue()
    tidy = suppress.suppress(build_data.build_tidy(), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return [
        gradient.analyse_indicator(tidy, ind, ranking, repetitions=2000)
        for ind in cat.available()
        if ind.id in set(tidy["indicator_id"])
    ]


def test_gradient_sentences_follow_the_model_interval(results):
    seen = set()
    for res in results:
        if res.fit is None or not res.counts:  # value-only series: no interval, no claim
            continue
        sentence = report.gradient_sentence(res)
        includes_zero = res.fit.sii_lower <= 0 <= res.fit.sii_upper
        seen.add(includes_zero)
        if includes_zero:
            assert not any(w in sentence for w in DIRECTION_WORDS), (res.indicator.id, sentence)
            assert "ikke si at det er en tydelig gradient" in sentence
        else:
            assert "Gradienten er tydelig" in sentence, res.indicator.id
    assert seen == {True, False}  # the shipped data has both kinds (low income: not clear)


def test_trend_sentences_follow_their_interval_and_break(results):
    trends = [r for r in results if r.gap_trend is not None]
    assert trends
    for res in trends:
        g = res.gap_trend
        line = next(x for x in report.summary_line(res).splitlines() if "Utvikling" in x)
        if g.lower <= 0 <= g.upper:
            assert g.narrowing is None
            assert not any(w in line for w in TREND_WORDS), (res.indicator.id, line)
        brk = res.indicator.latest_break
        if brk is not None:
            assert g.years[0] >= brk.year, res.indicator.id
            assert f"bruddet i serien i {brk.year}" in line


def test_uforetrygd_trend_after_2015_is_not_a_widening_of_the_relative_gap():
    """The audit's case: 2007–2024 mixed uførepensjon and uføretrygd and read "forskjellen har
    økt"; from 2015 alone the crude rate ratio's change includes 0 (audit: −0,009 to 0,029
    per year in the report's orientation)."""
    cat = catalogue.load_catalogue()
    tidy = suppress.suppress(build_data.build_tidy(), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(
        tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000, age_standardise=False
    )
    assert res.gap_trend.years == tuple(range(2015, 2025))
    assert -res.gap_trend.upper == pytest.approx(-0.009, abs=0.001)
    assert -res.gap_trend.lower == pytest.approx(0.029, abs=0.001)
    assert res.gap_trend.narrowing is None
    line = next(x for x in report.summary_line(res).splitlines() if "Utvikling" in x)
    assert "ingen tydelig endring i den relative forskjellen" in line
    # the audit's interval as printed: the model's limits negated and swapped, three decimals
    minus, nbsp = "\u2212", "\u00a0"
    assert line.startswith("- Utvikling 2015–2024 ")
    assert line.endswith(f" ({minus}0,009{nbsp}til{nbsp}0,029))")
    assert "(endring i log-rateratio per år: " in line


def test_trend_sentence_names_which_gap(results):
    """A trend on standardised rates (WLS) is about the absolute gap, on counts (Poisson) about
    the relative one; the sentence says which."""
    scales = set()
    for res in results:
        if res.gap_trend is None:
            continue
        line = next(x for x in report.summary_line(res).splitlines() if "Utvikling" in x)
        gap = "absolutte" if res.gap_trend.scale == "value" else "relative"
        assert f"den {gap} forskjellen" in line, (res.indicator.id, line)
        # the measure whose change is printed: the SII of the standardised rates (WLS), or the
        # log rate ratio (Poisson)
        what = "SII" if res.gap_trend.scale == "value" else "log-rateratio"
        if res.standardised is not None:
            what += " for aldersstandardiserte rater"
        assert f"(endring i {what} per år: " in line, (res.indicator.id, line)
        scales.add((res.gap_trend.scale, res.standardised is not None))
    # the shipped data has both: standardised rates on the SII scale, counts as log rate ratios
    assert scales == {("value", True), ("log_rate", False)}
