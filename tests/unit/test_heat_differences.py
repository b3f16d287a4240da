"""Unit tests for helpers.stats.heat.differences (HEAT's D, R and mean differences MD*), written
against mutation-testing survivors (benchmarks/mutation.md, branch mut9). The healthequal
reference case (mdbu) and the three-group hand checks are in tests/reference/test_inequality.py.

Expected values are worked by hand from healthequal's R code (WHOequity/healthequal@3e7e040,
R/d.R, R/r.R, R/mdbu.R, R/mdru.R) as the comments show. All inputs are synthetic (made-up
numbers, not Oslo's), chosen unequal and asymmetric so that a swapped end or a wrong power shows.
"""

from __future__ import annotations

import math
import re

import pytest

from helpers.stats import heat

Z95 = 1.959963984540054  # qnorm(0.975)

# Synthetic: est (10, 20, 60), pop (1, 1, 2) -> shares (1/4, 1/4, 1/2).
EST, POP = [10.0, 20.0, 60.0], [1.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("reference", "favourable", "d_expected", "r_expected"),
    [
        # d.R, non-ordered with a reference: favourable -> y1 = reference, y2 = lowest of the
        # OTHER groups; adverse -> y1 = highest of the other groups, y2 = reference.
        (0, True, 10 - 20, 10 / 20),  # the reference is the lowest: y2 = min(20, 60)
        (2, False, 20 - 60, 20 / 60),  # the reference is the highest: y1 = max(10, 20)
        (1, True, 20 - 10, 20 / 10),
        (1, False, 60 - 20, 60 / 20),
        ([0, 1, 0], False, 60 - 20, 60 / 20),  # a 0/1 vector marks the same group
    ],
)
def test_d_and_r_with_a_reference_compare_it_with_the_other_groups(
    reference, favourable, d_expected, r_expected
):
    """healthequal's d and r with a reference subgroup compare it with the lowest (favourable)
    or highest (adverse) of the other subgroups, so a reference at that end gives a non-zero
    difference. (Before the fix the reference itself was taken as the other end: D = 0, R = 1.)
    """
    kwargs = dict(reference_subgroup=reference, favourable_indicator=favourable)
    assert heat.d(EST, **kwargs).estimate == pytest.approx(d_expected, rel=1e-12)
    assert heat.r(EST, **kwargs).estimate == pytest.approx(r_expected, rel=1e-12)


def test_d_and_r_with_a_reference_find_the_other_end_wherever_it_is():
    """est (20, 10, 60), reference 60 (position 2), favourable: the lowest of the other groups
    is 10 at position 1, after 20, so D = 60 − 10 = 50 and R = 6 (d.R/r.R); adverse with
    reference 10: the highest other is 60, D = 60 − 10, R = 6."""
    est = [20.0, 10.0, 60.0]
    assert heat.d(est, reference_subgroup=2).estimate == pytest.approx(50)
    assert heat.r(est, reference_subgroup=2).estimate == pytest.approx(6)
    adverse = dict(reference_subgroup=1, favourable_indicator=False)
    assert heat.d(est, **adverse).estimate == pytest.approx(50)
    assert heat.r(est, **adverse).estimate == pytest.approx(6)


def test_d_and_r_of_an_ordered_dimension_follow_the_order_not_the_position():
    """subgroup_order (2, 3, 1): the most advantaged group (order 3) is at position 1 (est 20),
    the most disadvantaged (order 1) at position 2 (est 60). Favourable: D = 20 − 60, R = 20/60;
    adverse: D = 60 − 20, R = 60/20 (d.R/r.R, ordered dimension)."""
    order = [2, 3, 1]
    assert heat.d(EST, subgroup_order=order).estimate == pytest.approx(-40)
    assert heat.r(EST, subgroup_order=order).estimate == pytest.approx(1 / 3)
    adverse = dict(subgroup_order=order, favourable_indicator=False)
    assert heat.d(EST, **adverse).estimate == pytest.approx(40)
    assert heat.r(EST, **adverse).estimate == pytest.approx(3)


def test_d_and_r_without_order_or_reference_use_the_highest_and_lowest_wherever_they_are():
    """est (20, 10, 60): highest 60 (position 2), lowest 10 (position 1), so D = 50, R = 6."""
    assert heat.d([20.0, 10.0, 60.0]).estimate == pytest.approx(50)
    assert heat.r([20.0, 10.0, 60.0]).estimate == pytest.approx(6)


def test_d_and_r_intervals_with_unequal_standard_errors():
    """se (2, 0.5, 3), ordered (1, 2, 3), favourable: y1 = 60 (se 3), y2 = 10 (se 2).
    D = 50, se = sqrt(3² + 2²) = √13, CI 50 ∓ z·√13 (d.R).
    R = 6, se_R = sqrt((3² + 6²·2²)/10²) = sqrt(1.53), log-scale se sqrt(1.53)/6,
    CI exp(log 6 ∓ z·se) (r.R)."""
    kwargs = dict(se=[2.0, 0.5, 3.0], subgroup_order=[1, 2, 3])
    dd = heat.d(EST, **kwargs)
    assert dd.estimate == pytest.approx(50)
    assert dd.se == pytest.approx(math.sqrt(13), rel=1e-12)
    assert dd.lowerci == pytest.approx(50 - Z95 * math.sqrt(13), rel=1e-12)
    assert dd.upperci == pytest.approx(50 + Z95 * math.sqrt(13), rel=1e-12)
    rr = heat.r(EST, **kwargs)
    se_log = math.sqrt(1.53) / 6
    assert rr.estimate == pytest.approx(6)
    assert rr.se == pytest.approx(se_log, rel=1e-12)
    assert rr.lowerci == pytest.approx(6 * math.exp(-Z95 * se_log), rel=1e-12)
    assert rr.upperci == pytest.approx(6 * math.exp(Z95 * se_log), rel=1e-12)


def test_d_and_r_of_two_groups():
    """healthequal's d and r set no minimum number of subgroups: two give D = 5 − 2 and
    R = 5/2."""
    assert heat.d([2.0, 5.0]).estimate == pytest.approx(3)
    assert heat.r([2.0, 5.0]).estimate == pytest.approx(2.5)


def test_r_with_a_numerator_of_zero():
    """Adverse, ordered (1, 2, 3), est (0, 2, 4): y1 = the most disadvantaged group's 0,
    y2 = 4, so R = 0 (r.R); its log-scale interval does not exist, so with SEs it is refused."""
    kwargs = dict(subgroup_order=[1, 2, 3], favourable_indicator=False)
    res = heat.r([0.0, 2.0, 4.0], **kwargs)
    assert res.estimate == 0
    assert math.isnan(res.se) and math.isnan(res.lowerci) and math.isnan(res.upperci)
    message = "est: the ratio is 0, so its log-scale interval is undefined"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        heat.r([0.0, 2.0, 4.0], se=[1.0, 1.0, 1.0], **kwargs)


def test_mdbu_is_favourable_by_default_and_needs_no_population():
    """mdbu.R: best = max(est) for a favourable indicator (the default), min(est) for an
    adverse one; pop is not needed. est (10, 20, 60): (50 + 40 + 0)/3 = 30 and
    (0 + 10 + 50)/3 = 20. mdru.R likewise: reference 10 gives (0 + 10 + 50)/3."""
    assert heat.mdbu(EST).estimate == pytest.approx(30)
    assert heat.mdbu(EST, favourable_indicator=False).estimate == pytest.approx(20)
    assert heat.mdru(EST, reference_subgroup=0).estimate == pytest.approx(20)


@pytest.mark.parametrize(
    "func",
    [heat.mdbu, heat.mdbw, heat.mdmu, heat.mdmw, heat.mdru, heat.mdrw, heat.d, heat.r],
)
def test_an_se_column_that_does_not_fit_is_refused_even_where_unused(func):
    """The MD* measures give point estimates only, yet an se vector of the wrong length (a
    misaligned input column) is still a mistake and is named, not ignored."""
    with pytest.raises(ValueError, match=r"^se: has 2 elements but est has 3"):
        func(EST, POP, se=[1.0, 1.0], reference_subgroup=1)


@pytest.mark.parametrize("func", [heat.mdbu, heat.mdru, heat.d, heat.r])
def test_a_population_that_does_not_fit_is_refused_even_where_unused(func):
    """mdbu, mdru, d and r do not use pop, but a pop given with the wrong length or a zero is
    still named as the mistake."""
    with pytest.raises(ValueError, match=r"^pop: has 2 elements but est has 3"):
        func(EST, [1.0, 1.0], reference_subgroup=1)
    with pytest.raises(ValueError, match=r"^pop: must be > 0 in every group; got 0 at position 1"):
        func(EST, [1.0, 0.0, 1.0], reference_subgroup=1)
