"""Unit tests for helpers.stats.intervals written against mutation-testing survivors.

The reference cases (PHEindicatormethods) are checked in tests/reference/test_inequality.py;
the checks here pin defaults, scalar input, boundaries and bad input, with every expected
number derived by hand in the test. All inputs are synthetic (made-up counts, not Oslo's).
"""

from __future__ import annotations

import math
import warnings

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
        ("wilson", ([-1], [10]), {}, "x: must be >= 0; got -1 at position 0"),
        # x = n at position 0 is fine: the first bad one is at position 1
        ("wilson", ([5, 7], [5, 6]), {}, "x: must not exceed n; got x=7 > n=6 at position 1"),
        ("byars", (None,), {}, "x: is required"),
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


# dsr: two bands as in tests/reference/test_inequality.py::test_dsr_hand_checked_two_bands
COUNT, POP, STD = [10, 20], [100, 200], [1, 1]


def test_dsr_default_is_per_100000_and_weights_need_not_sum_to_anything():
    """Both band rates are 0.1, so the DSR is 0.1 per person = 10 000 per 100 000 (phe_dsr's
    default multiplier). Standard weights (0.5, 0.5) total 1 and give the same rate and limits
    as (1, 1): only their proportions matter."""
    res = intervals.dsr(COUNT, POP, stdpop=STD)
    assert res.value == pytest.approx(10_000)
    assert intervals.dsr(COUNT, POP, stdpop=[0.5, 0.5]) == pytest.approx(res)


def test_dsr_count_with_persons_by_freq_may_have_missing_bands():
    """A given ``count`` is checked against persons_by_freq with missing counts as 0 (phe_dsr:
    NA counts are 0), so (NaN, 20) agrees with 20 persons with one event in band 2."""
    persons = {1: [0, 20]}
    with_count = intervals.dsr([math.nan, 20], POP, STD, persons_by_freq=persons)
    assert with_count == intervals.dsr(None, POP, STD, persons_by_freq=persons)
    assert with_count.total_count == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(pop=None), "pop: is required"),
        (dict(pop="a"), "pop: must be numeric"),
        (dict(stdpop="a"), "stdpop: must be numeric"),
        (dict(stdpop=[1, -1]), "stdpop: must be >= 0; got -1 at position 1"),
        (dict(stdpop=[0, 0]), "stdpop: must have a positive total"),
        (dict(multiplier="x"), "multiplier: must be a number, got 'x'"),
        (dict(confidence=0.5), "confidence: must be between 0.9 and 1 or between 90 and 100"),
        (dict(count="a"), "count: must be numeric"),
        (dict(count=[10, 20, 30]), "count: has 3 elements but pop has 2; give one value per group"),
        (
            dict(count=None, persons_by_freq=[[5, 5]]),
            "persons_by_freq: must be a non-empty mapping {event frequency: persons per band}",
        ),
        (dict(count=None, persons_by_freq={"a": [5, 5]}), "persons_by_freq: must be a number"),
        (
            dict(count=None, persons_by_freq={0: [5, 5]}),
            "persons_by_freq: event frequencies must be > 0, got 0",
        ),
        (
            dict(count=None, persons_by_freq={2: [5]}),
            "persons_by_freq[2]: has 1 elements but pop has 2; give one value per group",
        ),
        (dict(count=None, persons_by_freq={2: "a"}), "persons_by_freq[2]: must be numeric"),
        (
            dict(count=None, persons_by_freq={2: [5, -1]}),
            "persons_by_freq[2]: must be >= 0; got -1 at position 1",
        ),
        (dict(count="a", persons_by_freq={1: [10, 20]}), "count: must be numeric"),
        (
            dict(count=[10, 20, 30], persons_by_freq={1: [10, 20]}),
            "count: has 3 elements but pop has 2",
        ),
        # off by one event: in a small band, and in 100 000 (a relative tolerance of 1e-5
        # would let that one through)
        *[
            (
                dict(count=count, persons_by_freq={1: [10, persons]}),
                "count: does not equal the events implied by persons_by_freq (sum over f of "
                "f * persons); leave count as None",
            )
            for count, persons in (([10, 21], 20), ([10, 100_001], 100_000))
        ],
    ],
)
def test_dsr_bad_input_names_the_argument(kwargs, message):
    """Bad input to dsr: one line naming the argument (and the frequency, for persons_by_freq)."""
    args = dict(count=COUNT, pop=POP, stdpop=STD)
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        intervals.dsr(**args)
    assert str(err.value).startswith(message)


def test_dsr_needs_ten_events():
    """phe_dsr: NA below 10 events, a value from 10. By hand: (5, 5) events in bands of 100
    with equal weights is 0.05 per person = 5000 per 100 000; (4, 5) is 9 events, so no value,
    but the totals are still reported."""
    ten = intervals.dsr([5, 5], [100, 100], stdpop=[1, 1])
    assert ten.value == pytest.approx(5000) and ten.lower < 5000 < ten.upper
    nine = intervals.dsr([4, 5], [100, 200], stdpop=[1, 1])
    assert math.isnan(nine.value) and (nine.total_count, nine.total_pop) == (9, 300)


def test_byars_at_zero_warns_nothing():
    """Byars' lower limit at x = 0 (and at tiny x) is undefined: NaN, without numpy's divide,
    invalid or overflow warnings reaching a notebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lower, _ = intervals.byars([0, 1e-300])
    assert all(math.isnan(v) for v in lower)
