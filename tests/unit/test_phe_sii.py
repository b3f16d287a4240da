"""Unit tests for helpers.stats.phe_sii written against mutation-testing survivors.

The reference cases (PHEindicatormethods) are checked in tests/reference/test_inequality.py;
the checks here pin pieces the reference cases leave loose (order statistics, the simulation's
scale, fork safety), with every expected number derived by hand in the test. All data are
synthetic (made-up numbers, not Oslo's).
"""

from __future__ import annotations

import math
import os
import signal

import numpy as np
import pytest

from helpers.stats import phe_sii


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_simulation_works_in_a_forked_child():
    """Large simulations fill the draws in a thread pool. A child forked after the pool has
    started (multiprocessing's fork start method, mutmut's forked mutants) inherits the pool
    object but not its threads; it must start its own instead of waiting forever. Synthetic
    values; 100 000 x 5 draws are above the 200 000-number threshold for the pool."""
    args = dict(se=[1.0] * 5, repetitions=100_000, seed=1)
    parent = phe_sii.sii([1, 2, 3, 4, 5], [10] * 5, **args)
    assert phe_sii._EXECUTOR is not None  # the pool exists before the fork
    pid = os.fork()
    if pid == 0:  # child: a hang ends by SIGALRM after 20 s
        code = 1
        try:
            signal.alarm(20)
            code = 0 if phe_sii.sii([1, 2, 3, 4, 5], [10] * 5, **args) == parent else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child hung or differed"


def _documented_draws(seed: int, reps: int, groups: int) -> np.ndarray:
    """The standard normal draws as sii's docstring describes them: default_rng(seed) split into
    two child streams (Generator.spawn) that fill the first and the second half of the rows."""
    first, second = np.random.default_rng(seed).spawn(2)
    half = reps // 2
    return np.vstack(
        [first.standard_normal((half, groups)), second.standard_normal((reps - half, groups))]
    )


@pytest.mark.parametrize(
    ("level", "lo_index", "hi_index"),
    [
        # cv = 0.975: round(1000 * 0.025) = 25 and round(1000 * 0.975) = 975, 1-based
        (0.95, 24, 974),
        # cv = 1: round(0) = 0 is clamped to the first draw, round(1000) = 1000 is the last
        (1.0, 0, 999),
    ],
)
def test_simulated_limits_are_the_documented_order_statistics(level, lo_index, hi_index):
    """Hand derivation for two synthetic groups of equal population (ranks 0.25 and 0.75): the
    weighted line goes through both points, so every simulated slope is
    (y2 − y1)/(0.75 − 0.25) = 2·(y2 − y1) and the intercept is y1 − 0.25·slope. With the draws
    of the documented seeding, the limits are the sorted simulated SIIs and RIIs at positions
    round(reps·(1 − cv)) and round(reps·cv) (1-based, at least 1), cv = c + (1 − c)/2."""
    value, se, reps, seed = np.array([10.0, 20.0]), np.array([1.0, 2.0]), 1000, 7
    sim = value + se * _documented_draws(seed, reps, 2)
    slope = 2 * (sim[:, 1] - sim[:, 0])
    intercept = sim[:, 0] - 0.25 * slope
    sii_sorted = np.sort(slope)
    rii_sorted = np.sort((intercept + slope) / intercept)

    res = phe_sii.sii(value, [50, 50], se=se, confidence=level, repetitions=reps, seed=seed)
    assert res.sii == pytest.approx(20) and res.rii == pytest.approx(5)  # 5 + 20·rank
    assert res.sii_lower == pytest.approx(sii_sorted[lo_index], rel=1e-12)
    assert res.sii_upper == pytest.approx(sii_sorted[hi_index], rel=1e-12)
    assert res.rii_lower == pytest.approx(rii_sorted[lo_index], rel=1e-12)
    assert res.rii_upper == pytest.approx(rii_sorted[hi_index], rel=1e-12)


def test_default_repetitions_are_phe_siis_100000():
    """phe_sii's default is reps = 100000 (PHEindicatormethods R/SII_function.R; METHODS.md
    "CIs are simulated"): without ``repetitions`` the limits are those of 100 000 draws of the
    same seed. Synthetic values."""
    args = dict(se=[1.0, 2.0, 1.5], seed=11)
    default = phe_sii.sii([10, 20, 25], [30, 50, 20], **args)
    assert default == phe_sii.sii([10, 20, 25], [30, 50, 20], repetitions=100_000, **args)
    assert default != phe_sii.sii([10, 20, 25], [30, 50, 20], repetitions=100_001, **args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(population=None), "population: is required"),
        (dict(population=["a", "b"]), "population: must be numeric"),
        (dict(population=5), "population: must be a sequence of numbers, one per group"),
        (dict(multiplier="x"), "multiplier: must be a number, got 'x'"),
        (dict(multiplier=math.inf), "multiplier: must be finite, got inf"),
        (
            dict(confidence="high"),
            "confidence: must be a number between 0.9 and 1 or between 90 and 100, got 'high'",
        ),
        (dict(confidence=[]), "confidence: give a level such as 0.95, or a non-empty sequence"),
        (dict(repetitions=1000.5), "repetitions: must be an integer >= 1000 (as phe_sii), got"),
        (
            dict(value=[0.2, 1.0], value_type=2),
            "value: proportions must lie strictly between 0 and 1 for value_type=2 (logit "
            "scale); got 1 at position 1",
        ),
        (dict(se="x"), "se: must be numeric"),
        (dict(se=[1.0, 1.0, 1.0]), "se: has 3 elements but value has 2; give one value per group"),
        (dict(se=[1.0, -1.0]), "se: must be >= 0; got -1 at position 1"),
        (
            dict(se=None, lower_cl=[0.5, 1.5], upper_cl=None),
            "upper_cl: give both lower_cl and upper_cl, or se",
        ),
        (
            dict(se=None, lower_cl=None, upper_cl=[1.5, 2.5]),
            "lower_cl: give both lower_cl and upper_cl, or se",
        ),
        (dict(se=None, lower_cl="a", upper_cl=[1.5, 2.5]), "lower_cl: must be numeric"),
        (dict(se=None, lower_cl=[0.5, 1.5], upper_cl="a"), "upper_cl: must be numeric"),
        (
            dict(se=None, lower_cl=[0.5, 1.5, 2.0], upper_cl=[1.5, 2.5]),
            "lower_cl: has 3 elements but value has 2",
        ),
        (
            dict(se=None, lower_cl=[0.5, 1.5], upper_cl=[1.5, 2.5, 3.0]),
            "upper_cl: has 3 elements but value has 2",
        ),
        (
            # equal limits at position 0 are fine: the first bad one is at position 1
            dict(se=None, lower_cl=[1.0, 3.0], upper_cl=[1.0, 2.5]),
            "lower_cl: exceeds upper_cl at position 1 (3 > 2.5)",
        ),
        (
            dict(value_type=1, se=None, lower_cl=[0.0, 1.5], upper_cl=[1.5, 2.5]),
            "lower_cl: must be > 0 in every group; got 0 at position 0",
        ),
        (
            dict(value=[0.2, 0.3], value_type=2, se=None, lower_cl=[0.0, 0.2], upper_cl=[0.3, 0.4]),
            "lower_cl: proportions must lie strictly between 0 and 1 for value_type=2 (logit "
            "scale); got 0 at position 0",
        ),
        (
            dict(value=[0.2, 0.9], value_type=2, se=None, lower_cl=[0.1, 0.8], upper_cl=[0.3, 1.0]),
            "upper_cl: proportions must lie strictly between 0 and 1 for value_type=2 (logit "
            "scale); got 1 at position 1",
        ),
        (
            dict(value_type=2, transform=True, value=[0.1, 0.2]),
            "se: phe_sii does not accept a standard error with transform=True; "
            "give lower_cl and upper_cl instead",
        ),
    ],
)
def test_bad_input_names_the_argument_and_the_remedy(kwargs, message):
    """A user's mistake gets one line that names the argument and says what is valid (the
    project's rule for bad input); synthetic two-group input."""
    args = dict(value=[1.0, 2.0], population=[1, 1], se=[1.0, 1.0], repetitions=1000)
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        phe_sii.sii(args.pop("value"), args.pop("population"), **args)
    assert str(err.value).startswith(message)


def test_limits_of_zero_width_are_accepted():
    """lower_cl equal to upper_cl is a standard error of 0, not an error: every draw is the
    fitted line. Hand check as in the reference tests: values 10 and 20 at ranks 0.25 and 0.75
    lie on y = 5 + 20·rank, so SII = 20 and RII = 25/5 = 5, with limits equal to them."""
    res = phe_sii.sii(
        [10, 20], [50, 50], lower_cl=[10, 20], upper_cl=[10, 20], repetitions=1000, seed=1
    )
    assert (res.sii_lower, res.sii, res.sii_upper) == pytest.approx((20, 20, 20))
    assert (res.rii_lower, res.rii, res.rii_upper) == pytest.approx((5, 5, 5))


@pytest.mark.parametrize("multiplier", [0.5, 100.0])
def test_a_positive_multiplier_scales_the_sii_and_leaves_the_rii(multiplier):
    """A positive multiplier below or above 1 scales SII and its limits and leaves RII alone
    (only a negative one inverts it). Hand check: 10 and 20 at ranks 0.25 and 0.75 lie on
    y = 5 + 20·rank, SII = 20·multiplier, RII = 25/5 = 5, intercept 5; zero-width limits."""
    res = phe_sii.sii(
        [10, 20], [50, 50], se=[0, 0], multiplier=multiplier, repetitions=1000, seed=1
    )
    sii = 20 * multiplier
    assert (res.sii_lower, res.sii, res.sii_upper) == pytest.approx((sii, sii, sii))
    assert (res.rii_lower, res.rii, res.rii_upper) == pytest.approx((5, 5, 5))
    assert res.intercept == pytest.approx(5)


@pytest.mark.parametrize("multiplier", [0.5, 100.0, -100.0])
def test_log_transform_limits_with_a_multiplier(multiplier):
    """transform=True for rates (METHODS.md, log transform), hand check: rates e¹ and e² at
    ranks 0.25 and 0.75 lie on log(y) = 0.5 + 2·rank, so b0 = 0.5, b1 = 2,
    SII = (e^2.5 − e^0.5)·multiplier and RII = e² (inverted for a negative multiplier),
    intercept = e^0.5·|multiplier|. Limits of zero width (lower_cl = upper_cl) make every
    simulated slope 2, so both SII limits equal the SII and both RII limits the RII."""
    value = [math.e, math.e**2]
    res = phe_sii.sii(
        value, [50, 50], value_type=1, transform=True, lower_cl=value, upper_cl=value,
        multiplier=multiplier, repetitions=1000, seed=1,
    )  # fmt: skip
    sii = (math.exp(2.5) - math.exp(0.5)) * multiplier
    rii = math.exp(2) if multiplier > 0 else math.exp(-2)
    assert (res.sii_lower, res.sii, res.sii_upper) == pytest.approx((sii, sii, sii))
    assert (res.rii_lower, res.rii, res.rii_upper) == pytest.approx((rii, rii, rii))
    assert res.intercept == pytest.approx(math.exp(0.5) * abs(multiplier))


# The draws of an integer seed are kept between calls (the report uses one seed for every
# indicator and year). Synthetic rates (labelled so): five groups, no real data.
_SYNTHETIC = {
    "value": [0.30, 0.25, 0.21, 0.18, 0.12],
    "population": [900, 1100, 1000, 950, 1050],
    "lower_cl": [0.27, 0.22, 0.18, 0.15, 0.10],
    "upper_cl": [0.33, 0.28, 0.24, 0.21, 0.14],
}


@pytest.mark.parametrize("value_type", [1, 2])  # the branch that rescales the draws
def test_kept_draws_give_the_same_interval_as_fresh_ones(value_type):
    """A second call with the same seed reads the kept draws: its interval equals the first
    call's and that of a call on freshly made draws (the kept matrix is never changed)."""
    phe_sii._kept_draws.cache_clear()
    options = dict(_SYNTHETIC, value_type=value_type, transform=False, repetitions=2000, seed=7)
    first = phe_sii.sii(**options)
    second = phe_sii.sii(**options)
    phe_sii._kept_draws.cache_clear()
    fresh = phe_sii.sii(**options)
    assert first == second == fresh
    kept = phe_sii._standard_normal_draws(7, (2000, 5))
    assert not kept.flags.writeable
    assert np.array_equal(kept, phe_sii._fresh_draws(7, (2000, 5)))


def test_seeds_that_are_not_integers_are_drawn_afresh():
    """``None`` (fresh entropy) must not be kept: two calls give different draws."""
    a = phe_sii._standard_normal_draws(None, (1000, 3))
    b = phe_sii._standard_normal_draws(None, (1000, 3))
    assert not np.array_equal(a, b)
