"""Unit tests for helpers.stats.intervals written against mutation-testing survivors.

The reference cases (PHEindicatormethods) are checked in tests/reference/test_inequality.py;
the checks here pin defaults, scalar input, boundaries and bad input, with every expected
number derived by hand in the test. All inputs are synthetic (made-up counts, not Oslo's).
"""

from __future__ import annotations

import pytest
from scipy import stats

from helpers.stats import intervals

Z95 = 1.959963984540054  # the 97.5 % point of the standard normal


def test_defaults_are_phes():
    """PHEindicatormethods' defaults: phe_proportion multiplier 1 (a proportion 0-1), phe_rate
    per 100 000, calculate_ISRatio refvalue 1. By hand: 1/4 = 0.25; 5 events in 1000 person-
    years = 500 per 100 000; 5 observed over 4 expected = 1.25. Scalars are accepted."""
    assert intervals.proportion(1, 4).loc[0, "value"] == pytest.approx(0.25)
    rate = intervals.rate(5, 1000)
    assert rate.loc[0, "value"] == pytest.approx(500)
    # exact limits for 5 events: chi-square quantiles with 10 and 12 degrees of freedom, / 2
    assert rate.loc[0, "lower"] == pytest.approx(stats.chi2.ppf(0.025, 10) / 2 * 100)
    assert rate.loc[0, "upper"] == pytest.approx(stats.chi2.ppf(0.975, 12) / 2 * 100)
    assert intervals.smr(5, 4).loc[0, "value"] == pytest.approx(1.25)


def test_proportion_of_all_is_accepted():
    """x = n is a valid proportion of 1 (everyone): Wilson gives (n/(n + z²), 1) by hand."""
    res = intervals.proportion(10, 10)
    assert res.loc[0, "value"] == 1
    assert res.loc[0, "lower"] == pytest.approx(10 / (10 + Z95**2))
    assert res.loc[0, "upper"] == pytest.approx(1)


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "message"),
    [
        ("wilson", (None, 10), {}, "x: is required"),
        ("wilson", ("a", 10), {}, "x: must be numeric"),
        ("wilson", ([1], None), {}, "n: is required"),
        ("exact_poisson", (None,), {}, "x: is required"),
        ("exact_poisson", ([-1.0],), {}, "x: must be >= 0; got -1 at position 0"),
        ("proportion", (None, 10), {}, "numerator: is required"),
        ("proportion", ([1], None), {}, "denominator: is required"),
        (
            "proportion",
            ([1], [5, 6]),
            {},
            "denominator: has 2 elements but numerator has 1; give one value per group",
        ),
        ("proportion", ([-1], [5]), {}, "numerator: must be >= 0; got -1 at position 0"),
        ("proportion", ([1], [0]), {}, "denominator: must be > 0 in every group; got 0"),
        # equal counts at position 0 are fine: the first bad one is at position 1
        (
            "proportion",
            ([5, 7], [5, 6]),
            {},
            "numerator: must not exceed denominator; got 7 > 6 at position 1",
        ),
        ("proportion", ([1], [5]), {"multiplier": "x"}, "multiplier: must be a number, got 'x'"),
        ("rate", (None, 10), {}, "numerator: is required"),
        ("rate", ([1], None), {}, "denominator: is required"),
        ("rate", ([-1], [10]), {}, "numerator: must be >= 0; got -1 at position 0"),
        ("rate", ([1], [10]), {"multiplier": "x"}, "multiplier: must be a number, got 'x'"),
        ("smr", (None, 10), {}, "observed: is required"),
        ("smr", ([1], None), {}, "expected: is required"),
        ("smr", ([-1], [10]), {}, "observed: must be >= 0; got -1 at position 0"),
        ("smr", ([1], [0]), {}, "expected: must be > 0 in every group; got 0 at position 0"),
        ("smr", ([1], [10]), {"refvalue": "x"}, "refvalue: must be a number, got 'x'"),
    ],
)
def test_bad_input_names_the_callers_argument(func, args, kwargs, message):
    """A user's mistake gets one line naming the argument as the caller spelled it (``rate``'s
    numerator, ``smr``'s observed) and what is valid."""
    with pytest.raises(ValueError) as err:
        getattr(intervals, func)(*args, **kwargs)
    assert str(err.value).startswith(message)
