"""Unit tests for helpers.stats.heat.attributable (HEAT's PAF and PAR), written against
mutation-testing survivors (benchmarks/mutation.md, branch mut9). The healthequal reference case
(test-paf.R) and the three-group hand checks are in tests/reference/test_inequality.py.

Reference numbers: heq_paf_ordered in tests/fixtures/reference_cases.json (healthequal
WHOequity/healthequal@3e7e0406a7eda3cbc7398fe1260d48ebad8fec4c tests/testthat/test-paf.R).
Other expected values are worked by hand from healthequal's R/paf.R and R/parisk.R as the
comments show; those inputs are synthetic (made-up numbers, not Oslo's).
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.config import ROOT
from helpers.stats import heat

CASES = {
    c["id"]: c
    for c in json.loads(
        (ROOT / "tests" / "fixtures" / "reference_cases.json").read_text(encoding="utf-8")
    )
}
PAF_CASE = CASES["heq_paf_ordered"]
ORDERED = PAF_CASE["inputs"]  # est (20, 30, 40, 50, 60), pop (78, 91, 162, 103, 105)
WM = 22220 / 539  # population-weighted mean of ORDERED, by hand


def test_paf_scale_is_percent_by_default():
    """test-paf.R passes scaleval = 100; the default is the same percent scale, so the same SE."""
    res = heat.paf(ORDERED["est"], ORDERED["pop"], subgroup_order=ORDERED["subgroup_order"])
    assert res.estimate == pytest.approx(PAF_CASE["expected"]["estimate"], rel=1e-6)
    assert res.se == pytest.approx(PAF_CASE["expected"]["se"], rel=1e-6)


def test_paf_and_par_of_proportions_on_the_scale_of_one():
    """The same data as proportions (est/100) with scaleval = 1: Walter's 2×2 table holds the
    same counts (est/scaleval·pop), so PAF and its SE are test-paf.R's; PAR = (60 − wm)/100 with
    se wm/100 · se_PAF (parisk.R)."""
    est = [e / 100 for e in ORDERED["est"]]
    kwargs = dict(subgroup_order=ORDERED["subgroup_order"], scaleval=1)
    res = heat.paf(est, ORDERED["pop"], **kwargs)
    assert res.estimate == pytest.approx(PAF_CASE["expected"]["estimate"], rel=1e-6)
    assert res.se == pytest.approx(PAF_CASE["expected"]["se"], rel=1e-6)
    par = heat.par(est, ORDERED["pop"], **kwargs)
    assert par.estimate == pytest.approx((60 - WM) / 100, rel=1e-9)
    assert par.se == pytest.approx(WM / 100 * PAF_CASE["expected"]["se"], rel=1e-6)


@pytest.mark.parametrize(
    ("scaleval", "message"),
    [
        ("x", "scaleval: must be a number, got 'x'"),
        (float("nan"), "scaleval: must be finite, got nan"),
        (0, "scaleval: must be > 0, got 0"),
        (-100, "scaleval: must be > 0, got -100"),
    ],
)
@pytest.mark.parametrize("func", [heat.paf, heat.par])
def test_bad_scaleval_is_named(func, scaleval, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        func([10.0, 20.0, 30.0], [1.0, 1.0, 2.0], scaleval=scaleval)


def test_reference_of_an_ordered_dimension_follows_the_order_not_the_position():
    """est (10, 28, 30), pop (2, 1, 1): wm = (20 + 28 + 30)/4 = 19.5. subgroup_order (1, 3, 2):
    the reference (highest order) is est 28, not the highest estimate 30 (paf.R, ordered), so
    PAR = 28 − 19.5 = 8.5 and PAF = 100·8.5/19.5."""
    kwargs = dict(subgroup_order=[1, 3, 2])
    est, pop = [10.0, 28.0, 30.0], [2.0, 1.0, 1.0]
    assert heat.par(est, pop, **kwargs).estimate == pytest.approx(8.5)
    assert heat.paf(est, pop, **kwargs).estimate == pytest.approx(100 * 8.5 / 19.5)


def test_reference_of_a_non_ordered_dimension_is_the_best_group():
    """est (10, 20, 30), pop (1, 1, 2), wm 22.5, favourable, no order: the reference is the
    highest estimate 30 (paf.R), PAR 7.5, PAF 100·7.5/22.5."""
    assert heat.par([10.0, 20.0, 30.0], [1.0, 1.0, 2.0]).estimate == pytest.approx(7.5)
    assert heat.paf([10.0, 20.0, 30.0], [1.0, 1.0, 2.0]).estimate == pytest.approx(100 / 3)


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        # favourable, yet the most advantaged group (order 3: est 10) is below wm 22.5
        (dict(subgroup_order=[3, 2, 1]), "favourable below the mean"),
        # adverse, yet the most advantaged group (est 30) is above wm 22.5
        (dict(subgroup_order=[1, 2, 3], favourable_indicator=False), "adverse above the mean"),
    ],
)
def test_paf_and_par_are_zero_when_the_reference_goes_against_favourability(kwargs, why):
    """paf.R/parisk.R set the estimate to 0 when ref − wm has the wrong sign for the
    indicator; est (10, 20, 30), pop (1, 1, 2)."""
    for func in (heat.paf, heat.par):
        assert func([10.0, 20.0, 30.0], [1.0, 1.0, 2.0], **kwargs).estimate == 0, why


def test_the_sign_rule_is_about_the_sign_not_the_size_of_the_difference():
    """est (20, 20.4, 20.8), equal pop: wm 20.4, so ref − wm is only ±0.4. Favourable, no
    order: ref 20.8, PAR 0.4, PAF 100·0.4/20.4. Adverse, ordered (1, 2, 3): ref 20.8 is above
    the mean, so 0. Adverse, no order: ref 20 (the lowest), PAR −0.4."""
    est, pop = [20.0, 20.4, 20.8], [1.0, 1.0, 1.0]
    assert heat.par(est, pop).estimate == pytest.approx(0.4)
    assert heat.paf(est, pop).estimate == pytest.approx(100 * 0.4 / 20.4)
    adverse = dict(favourable_indicator=False)
    assert heat.par(est, pop, subgroup_order=[1, 2, 3], **adverse).estimate == 0
    assert heat.paf(est, pop, subgroup_order=[1, 2, 3], **adverse).estimate == 0
    assert heat.par(est, pop, **adverse).estimate == pytest.approx(-0.4)


@pytest.mark.parametrize("func", [heat.paf, heat.par])
def test_a_mean_of_zero_is_refused(func):
    message = "est: the population-weighted mean is 0, so PAF/PAR is undefined"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        func([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
