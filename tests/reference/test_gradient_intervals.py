"""SII/RII as the report computes them: phe_sii's recommended transform, and the two intervals.

Synthetic tables (tests/synthetic.py, made-up numbers, not Oslo's) plus the PHEindicatormethods
reference case for transform = TRUE (tests/fixtures/reference_cases.json, case
phe_sii_rate_logtransform_area1 from ukhsa-collaboration/PHEindicatormethods@093fd288d8f8949dbcf
bed70049dbbf385b6141d, tests/testthat/testdata_SII.xlsx rows 306-315).
"""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import special
from synthetic import tidy_table

from helpers import catalogue, config, stats
from helpers.present import report
from helpers.stats import gradient
from helpers.stats.fit import gradient_fit

CASES = {
    c["id"]: c
    for c in json.loads(
        (config.ROOT / "tests" / "fixtures" / "reference_cases.json").read_text("utf-8")
    )
}


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def _analyse(cat, tidy, **kw):
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(
        tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000, seed=5, **kw
    )


def _scatter(tidy: pd.DataFrame, amplitude: float) -> pd.DataFrame:
    """Add an alternating +/- ``amplitude`` percentage points to the indicator's bydel values
    (made-up scatter around the line), keeping numerator = value x denominator / 100."""
    tidy = tidy.copy()
    rows = (tidy["indicator_id"] == "uforetrygd") & (tidy["geo_level"] == "bydel")
    sign = np.where(np.arange(rows.sum()) % 2 == 0, 1.0, -1.0)
    value = tidy.loc[rows, "value"].to_numpy() + amplitude * sign
    tidy.loc[rows, "value"] = value
    tidy.loc[rows, "numerator"] = np.round(value / 100 * tidy.loc[rows, "denominator"])
    tidy.loc[rows, "ci_low"] = value - 0.3
    tidy.loc[rows, "ci_high"] = value + 0.3
    return tidy


def test_default_is_phe_transform_for_proportions(cat):
    """The report's SII is phe_sii with transform=TRUE (logit for a proportion) by default, and
    the plain regression with sii_transform=False; both on the same bydeler and limits."""
    tidy = tidy_table()
    res = _analyse(cat, tidy)
    used = res.table[res.table["rank"].notna()]
    args = dict(
        value_type=2, lower_cl=used["ci_low"] / 100, upper_cl=used["ci_high"] / 100,
        multiplier=-100, repetitions=2000, seed=5,
    )  # fmt: skip
    with_t = stats.sii(used["value"] / 100, used["denominator"], transform=True, **args)
    assert res.sii == with_t
    plain = _analyse(cat, tidy, sii_transform=False)
    without = stats.sii(used["value"] / 100, used["denominator"], transform=False, **args)
    assert plain.sii == without
    assert res.sii.rii != pytest.approx(plain.sii.rii, rel=1e-3)
    assert res.fit.transform == "logit" and plain.fit.transform == ""


def test_rii_is_ratio_of_fitted_ends(cat):
    """RII = fitted value at the disadvantaged end (rank 0) / at the advantaged end (rank 1), on
    the line the report draws, and equals phe_sii's RII (inverted for multiplier -100)."""
    res = _analyse(cat, _scatter(tidy_table(), 0.7))
    f = res.fit
    assert f.value_at(0.0) / f.value_at(1.0) == pytest.approx(res.sii.rii, rel=1e-9)
    assert f.value_at(0.0) - f.value_at(1.0) == pytest.approx(res.sii.sii, rel=1e-9)
    assert f.rii == pytest.approx(res.sii.rii, rel=1e-9)
    assert f.sii == pytest.approx(res.sii.sii, rel=1e-9)


@pytest.mark.parametrize("transform", [True, False])
def test_gradient_fit_matches_phe_sii_point_estimates_on_reference_case(transform):
    """gradient_fit (WLS) reproduces phe_sii's SII and RII for the PHE log-transform case
    (rate, value_type 1) with and without transform; expected values with transform are the
    case's own (PHEindicatormethods@093fd288..., testdata_SII.xlsx rows 306-315)."""
    case = CASES["phe_sii_rate_logtransform_area1"]
    i = case["inputs"]
    n = len(i["value"])
    share = np.asarray(i["population"], float) / np.sum(i["population"])
    used = pd.DataFrame({
        "value": i["value"], "denominator": i["population"],
        "ci_low": i["lower_cl"], "ci_high": i["upper_cl"],
        "rank": np.cumsum(share) - share / 2,
    })  # fmt: skip
    ind = catalogue.load_catalogue().indicator("uforetrygd")
    ind = type(ind)(**{**ind.__dict__, "value_type": "rate", "multiplier": 1})
    fit = gradient_fit(used, ind, transform=transform)
    ref = stats.sii(
        i["value"], i["population"], value_type=1, lower_cl=i["lower_cl"],
        upper_cl=i["upper_cl"], transform=transform, multiplier=-1, repetitions=1000, seed=1,
    )  # fmt: skip
    assert fit.sii == pytest.approx(ref.sii, rel=1e-9)
    assert fit.rii == pytest.approx(ref.rii, rel=1e-9)
    if transform:
        assert fit.sii == pytest.approx(-case["expected"]["sii"], rel=1e-6)
        assert fit.rii == pytest.approx(1 / case["expected"]["rii"], rel=1e-6)
    assert fit.n_groups == n


def test_model_interval_includes_between_bydel_scatter(cat):
    """Same line, more scatter between bydeler: the within-bydel (phe_sii) interval stays as
    narrow as the bydeler's own limits make it, the model-based interval widens."""
    tight, loose = (_analyse(cat, _scatter(tidy_table(), a)) for a in (0.05, 1.5))
    width = lambda lo, hi: hi - lo  # noqa: E731
    assert width(loose.fit.sii_lower, loose.fit.sii_upper) > 5 * width(
        tight.fit.sii_lower, tight.fit.sii_upper
    )
    assert loose.fit.sii_lower <= loose.fit.sii <= loose.fit.sii_upper
    assert loose.fit.rii_lower <= loose.fit.rii <= loose.fit.rii_upper


def test_clear_gradient_needs_the_model_interval(cat):
    """Synthetic: a weak slope with much scatter. phe_sii's within-bydel interval excludes 0,
    the model-based one does not, so the text says the gradient is not clear."""
    res = _analyse(cat, _scatter(tidy_table(slope=-0.05), 1.5))
    assert res.sii.sii_lower > 0  # within-bydel noise only: "significant"
    assert res.fit.sii_lower < 0 < res.fit.sii_upper
    assert not res.fit.clear
    sentence = report.finding(res)
    assert "ikke si at det er en tydelig gradient" in sentence
    assert "høyere" not in sentence and "lavere" not in sentence
    assert "tydelig: " not in sentence
    strong = _analyse(cat, _scatter(tidy_table(slope=-0.4), 0.2))
    assert strong.fit.clear and "Gradienten er tydelig" in report.finding(strong)


def test_summary_names_both_intervals(cat):
    res = _analyse(cat, _scatter(tidy_table(), 0.5))
    lines = report.summary_line(res).splitlines()
    sii = next(x for x in lines if x.startswith("- SII"))
    assert "logit-skala" in sii
    assert "med variasjonen mellom bydelene" in sii and "bare tilfeldig variasjon" in sii
    rii = next(x for x in lines if x.startswith("- RII"))
    assert "ressurssvake enden delt på verdien i den ressurssterke" in rii
    assert "ganger høyere enn i den mest ressurssterke bydelen" not in report.finding(res)


def test_logit_fit_hand_checked():
    """Hand check: four equal bydeler whose logits lie exactly on -2 + 2·rank: the fit recovers
    the line, SII = 100·(expit(-2) - expit(0)) reported as disadvantaged minus advantaged,
    and with no scatter the model interval collapses onto the estimate."""
    rank = np.array([0.125, 0.375, 0.625, 0.875])
    p = special.expit(-2 + 2 * rank)
    used = pd.DataFrame({
        "value": 100 * p, "denominator": 1000.0, "ci_low": 100 * p * 0.9,
        "ci_high": 100 * p * 1.1, "rank": rank,
    })  # fmt: skip
    ind = catalogue.load_catalogue().indicator("uforetrygd")
    fit = gradient_fit(used, ind)
    assert fit.intercept == pytest.approx(-2) and fit.slope == pytest.approx(2)
    assert fit.sii == pytest.approx(100 * (special.expit(-2) - 0.5))
    assert fit.rii == pytest.approx(special.expit(-2) / 0.5)
    assert fit.sii_lower == pytest.approx(fit.sii, abs=1e-6)
    assert fit.sii_upper == pytest.approx(fit.sii, abs=1e-6)


def test_confidence_as_percent_is_accepted(cat):
    """As PHEindicatormethods: confidence 95 means 0.95."""
    a = _analyse(cat, tidy_table(), confidence=95)
    b = _analyse(cat, tidy_table(), confidence=0.95)
    assert a.sii == b.sii and a.fit == b.fit
