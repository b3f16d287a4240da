"""Unit tests for helpers.stats.heat.dispersion (HEAT's BGV, BGSD, MLD, Theil index and index
of disparity), written against mutation-testing survivors (benchmarks/mutation.md, branch
mut9). The healthequal reference cases (bgv, mld) and the three-group hand checks are in
tests/reference/test_inequality.py.

Expected values are worked by hand from healthequal's R code (WHOequity/healthequal@3e7e040,
R/mld.R, R/ti.R) as the docstrings show. All inputs are synthetic (made-up numbers, not Oslo's).
"""

from __future__ import annotations

import math
import re

import pytest

from helpers.stats import heat


def test_mld_and_theil_replace_a_zero_estimate_by_one_millionth():
    """mld.R and ti.R: est_nonzero = ifelse(est == 0, 0.000001, est), also in the weighted
    mean. est (0, 1, 4), pop (1, 1, 2): y = (1e-6, 1, 4), p = (1/4, 1/4, 1/2),
    wm = (1e-6 + 1 + 8)/4; MLD = 1000·Σ p·(−ln(y/wm)), T = 1000·Σ p·(y/wm)·ln(y/wm)."""
    y, p = (1e-6, 1.0, 4.0), (0.25, 0.25, 0.5)
    wm = (1e-6 + 1 + 8) / 4
    mld = 1000 * sum(pi * -math.log(yi / wm) for yi, pi in zip(y, p, strict=True))
    theil = 1000 * sum(pi * yi / wm * math.log(yi / wm) for yi, pi in zip(y, p, strict=True))
    assert heat.mld([0.0, 1.0, 4.0], [1.0, 1.0, 2.0]).estimate == pytest.approx(mld, rel=1e-12)
    assert heat.theil([0.0, 1.0, 4.0], [1.0, 1.0, 2.0]).estimate == pytest.approx(theil, rel=1e-12)


@pytest.mark.parametrize("func", [heat.mld, heat.theil])
def test_a_negative_estimate_is_refused_by_the_log_based_indices(func):
    """0 and 0.5 are fine; the first negative estimate is -1 at position 2."""
    message = "est: must be >= 0 for a log-based index; got -1 at position 2"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        func([0.0, 0.5, -1.0, 3.0], [1.0, 1.0, 1.0, 1.0])


def test_theil_standard_error_with_unequal_subgroup_errors():
    """ti.R: se² = Σ (1 + ln r − k)²·p²·se²/wm², k = Σ r(1 + ln r)p, r = est/wm (not ×1000).
    est (10, 20, 30), pop (1, 1, 2), se (2, 0.5, 3): wm 22.5, r = (4/9, 8/9, 4/3)."""
    r, p, se = (4 / 9, 8 / 9, 4 / 3), (0.25, 0.25, 0.5), (2.0, 0.5, 3.0)
    k = sum(ri * (1 + math.log(ri)) * pi for ri, pi in zip(r, p, strict=True))
    var = sum(
        (1 + math.log(ri) - k) ** 2 * pi**2 * si**2 / 22.5**2
        for ri, pi, si in zip(r, p, se, strict=True)
    )
    res = heat.theil([10.0, 20.0, 30.0], [1.0, 1.0, 2.0], se=list(se))
    assert res.se == pytest.approx(math.sqrt(var), rel=1e-12)
    assert res.upperci == pytest.approx(res.estimate + 1.959963984540054 * math.sqrt(var))


@pytest.mark.parametrize("func", [heat.bgsd, heat.idisu, heat.idisw])
def test_an_se_column_that_does_not_fit_is_refused_even_where_unused(func):
    """BGSD and the indices of disparity give point estimates only, yet an se vector of the
    wrong length (a misaligned input column) is still a mistake and is named, not ignored."""
    with pytest.raises(ValueError, match=r"^se: has 2 elements but est has 3"):
        func([10.0, 20.0, 30.0], [1.0, 1.0, 2.0], se=[1.0, 1.0])
