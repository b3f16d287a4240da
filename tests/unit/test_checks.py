"""helpers.stats.checks and helpers.stats.heat.common: the shared argument checks of the
inequality measures and HEAT's shared pieces (result, subgroup order, scale, reference group).

Inputs are SYNTHETIC (small made-up vectors). Expected values are written out by hand: the
messages as the modules document them (each names the argument, says why, and where), the
normal quantile 1.959963984540054 for 95 % (any table), healthequal's automatic scale (1, 100,
1 000, …, 1 000 000: the smallest that is at least the largest estimate).
"""

import math

import numpy as np
import pytest

from helpers.stats import checks
from helpers.stats.heat import common

Z95 = 1.959963984540054  # standard normal 97.5 % quantile


# --- checks: vectors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "kwargs", "message"),
    [
        (None, {}, "x: is required"),
        (["a", "b"], {}, "x: must be numeric (could not convert string to float: 'a')"),
        (3.0, {}, "x: must be a sequence of numbers, one per group, not a scalar"),
        ([[1.0, 2.0], [3.0, 4.0]], {}, "x: must be one-dimensional, got shape (2, 2)"),
        ([], {}, "x: is empty"),
        ([1.0, 2.0, math.nan, math.nan], {}, "x: missing value (NaN) at position 2"),
        ([1.0, math.inf, -math.inf], {}, "x: infinite value at position 1"),
        ([math.nan, -math.inf], {"allow_nan": True}, "x: infinite value at position 1"),
    ],
)
def test_vector_refuses_with_the_argument_and_the_position(x, kwargs, message):
    with pytest.raises(ValueError) as info:
        checks._vector("x", x, **kwargs)
    assert str(info.value) == message


def test_vector_accepts_what_it_is_told_to():
    """A list becomes a float array; a scalar only with ``allow_scalar`` (one group); NaN only
    with ``allow_nan``."""
    arr = checks._vector("x", [1, 2, 3])
    assert arr.dtype == float and arr.tolist() == [1.0, 2.0, 3.0]
    assert checks._vector("x", 4, allow_scalar=True).tolist() == [4.0]
    assert np.isnan(checks._vector("x", [1.0, math.nan], allow_nan=True)[1])


def test_same_length_skips_missing_arrays_and_names_the_odd_one():
    a, b = np.zeros(3), np.zeros(2)
    checks._same_length(est=a, se=None, pop=np.zeros(3))  # None is not compared
    with pytest.raises(ValueError) as info:
        checks._same_length(est=a, se=None, pop=np.zeros(3), lower=b)
    assert str(info.value) == "lower: has 2 elements but est has 3; give one value per group"


def test_min_groups_message():
    checks._min_groups("est", np.zeros(3), 3)
    with pytest.raises(ValueError) as info:
        checks._min_groups("est", np.zeros(2), 3)
    assert str(info.value) == "est: needs at least 3 groups, got 2"


@pytest.mark.parametrize(
    ("check", "arr", "message"),
    [
        (
            checks._positive,
            [1.0, 0.0, -1.0],
            "pop: must be > 0 in every group; got 0 at position 1",
        ),
        (
            checks._positive,
            [1.0, math.nan],
            "pop: must be > 0 in every group; got nan at position 1",
        ),
        (checks._nonnegative, [0.0, -0.5, -2.0], "pop: must be >= 0; got -0.5 at position 1"),
    ],
)
def test_sign_checks_name_the_first_bad_value(check, arr, message):
    with pytest.raises(ValueError) as info:
        check("pop", np.array(arr))
    assert str(info.value) == message


def test_sign_checks_accept_their_boundaries():
    checks._positive("pop", np.array([1e-300, 5.0]))
    checks._nonnegative("se", np.array([0.0, 5.0]))


@pytest.mark.parametrize(("bad", "position"), [(0.0, 1), (1.0, 1), (1.5, 1)])
def test_open_unit_refuses_0_and_1(bad, position):
    with pytest.raises(ValueError) as info:
        checks._open_unit("value", np.array([0.5, bad, 0.0]), "for the logit")
    assert str(info.value) == (
        "value: proportions must lie strictly between 0 and 1 for the logit; "
        f"got {bad:g} at position {position}"
    )
    checks._open_unit("value", np.array([1e-9, 0.5, 1 - 1e-9]), "for the logit")


# --- checks: confidence levels and scalars ---------------------------------------------------


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("high", "conf_level: must be a number between 0 and 1, got 'high'"),
        (None, "conf_level: must be a number between 0 and 1, got None"),
        (0, "conf_level: must lie strictly between 0 and 1 (e.g. 0.95), got 0"),
        (1, "conf_level: must lie strictly between 0 and 1 (e.g. 0.95), got 1"),
    ],
)
def test_confidence_strictly_inside_0_and_1(level, message):
    with pytest.raises(ValueError) as info:
        checks._confidence("conf_level", level)
    assert str(info.value) == message


def test_confidence_returns_the_level_as_a_float():
    assert checks._confidence("conf_level", "0.9") == 0.9
    assert checks._confidence("conf_level", 0.999) == 0.999


@pytest.mark.parametrize(
    ("level", "expected"),
    [(0.9, 0.9), (0.95, 0.95), (1, 1.0), (90, 0.9), (95, 0.95), ("99.8", 0.998), (100, 1.0)],
)
def test_phe_confidence_accepts_0_9_to_1_and_90_to_100(level, expected):
    """As PHEindicatormethods: 0.9 to 1, or 90 to 100 read as percent."""
    assert checks.confidence_level(level) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("level", [0.89, 1.01, 50, 89.9, 100.1, -95])
def test_phe_confidence_refuses_the_rest(level):
    with pytest.raises(ValueError) as info:
        checks.confidence_level(level)
    assert str(info.value) == (
        "confidence: must be between 0.9 and 1 or between 90 and 100 (e.g. 0.95 or 95), "
        f"as in PHEindicatormethods; got {level!r}"
    )


def test_phe_confidence_not_a_number():
    with pytest.raises(ValueError) as info:
        checks._phe_confidence("confidence", "ninety")
    assert str(info.value) == (
        "confidence: must be a number between 0.9 and 1 or between 90 and 100, got 'ninety'"
    )


def test_z_is_the_two_sided_normal_quantile():
    assert checks._z(0.95) == pytest.approx(Z95, rel=1e-12)
    assert checks._z(0.9) == pytest.approx(1.6448536269514722, rel=1e-12)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ("ten", "refvalue: must be a number, got 'ten'"),
        (None, "refvalue: must be a number, got None"),
        (math.inf, "refvalue: must be finite, got inf"),
        (math.nan, "refvalue: must be finite, got nan"),
    ],
)
def test_finite_scalar(x, message):
    with pytest.raises(ValueError) as info:
        checks._finite_scalar("refvalue", x)
    assert str(info.value) == message
    assert checks._finite_scalar("refvalue", "2.5") == 2.5


# --- heat.common -----------------------------------------------------------------------------


def test_heat_result_and_intervals():
    """A symmetric interval is estimate ± z·se; a point estimate has NaN se and limits."""
    r = common._sym_ci(2.0, 0.5, 0.95)
    assert r.to_dict() == pytest.approx(
        {"estimate": 2.0, "se": 0.5, "lowerci": 2.0 - Z95 * 0.5, "upperci": 2.0 + Z95 * 0.5},
        rel=1e-12,
    )
    p = common._point_only(3)
    assert p.estimate == 3.0 and all(math.isnan(v) for v in (p.se, p.lowerci, p.upperci))


def test_heat_inputs_optional_population_and_standard_errors():
    est, pop, se, level = common._heat_inputs([1, 2, 3], None, None, 0.9, need_pop=False)
    assert est.tolist() == [1.0, 2.0, 3.0] and pop is None and se is None and level == 0.9
    est, pop, se, _ = common._heat_inputs([1, 2], [5, 6], [0, 1], 0.95, min_groups=2)
    assert pop.tolist() == [5.0, 6.0] and se.tolist() == [0.0, 1.0]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 2, 3], None, None, 0.95), {}, "pop: is required"),
        (([1, 2, 3], [1, 1], None, 0.95), {}, "pop: has 2 elements but est has 3"),
        (([1, 2, 3], [1, 0, 1], None, 0.95), {}, "pop: must be > 0 in every group; got 0"),
        (([1, 2, 3], [1, 1, 1], [1, 1], 0.95), {}, "se: has 2 elements but est has 3"),
        (([1, 2, 3], [1, 1, 1], [1, -1, 1], 0.95), {}, "se: must be >= 0; got -1"),
        (
            ([1, 2, 3], [1, 1, 1], None, 0.95),
            {"need_se": True},
            "se: subgroup standard errors are required for this interval",
        ),
        (([1, 2], [1, 1], None, 0.95), {}, "est: needs at least 3 groups, got 2"),
        (([1, 2, 3], [1, 1, 1], None, 95), {}, "conf_level: must lie strictly between 0 and 1"),
    ],
)
def test_heat_inputs_refusals(args, kwargs, message):
    with pytest.raises(ValueError) as info:
        common._heat_inputs(*args, **kwargs)
    assert str(info.value).startswith(message)


def test_order_defaults_to_the_given_order():
    assert common._order(None, 3).tolist() == [1.0, 2.0, 3.0]
    assert common._order([3, 1, 2], 3).tolist() == [3.0, 1.0, 2.0]
    with pytest.raises(ValueError) as info:
        common._order([1, 2], 3)
    assert str(info.value) == "subgroup_order: has 2 elements but est has 3"


@pytest.mark.parametrize(
    ("est", "scale"),
    [
        ([0.2, 1.0], 1.0),
        ([0.2, 1.0001], 100.0),
        ([100.0, 3.0], 100.0),
        ([100.5], 1e3),
        ([1e3], 1e3),
        ([1000.1], 1e4),
        ([1e4], 1e4),
        ([1e4 + 1], 1e5),
        ([1e5], 1e5),
        ([1e5 + 1, 2.0], 1e6),
        ([-5.0, 0.5], 1.0),
    ],
)
def test_auto_scale_is_the_smallest_that_holds_the_largest_estimate(est, scale):
    assert common._auto_scale(np.array(est)) == scale


def test_reference_mask_from_a_position_or_a_vector():
    assert common._reference_mask(None, 3) is None
    assert common._reference_mask(1, 3).tolist() == [False, True, False]
    assert common._reference_mask(2.0, 3).tolist() == [False, False, True]
    assert common._reference_mask(-1, 3).tolist() == [False, False, True]
    assert common._reference_mask(-3, 3).tolist() == [True, False, False]
    mask = common._reference_mask([0, 0, 1], 3)
    assert mask.dtype == bool and mask.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (True, "reference_subgroup: give a 0-based position or a 0/1 vector"),
        (1.5, "reference_subgroup: give a 0-based position or a 0/1 vector"),
        (3, "reference_subgroup: position 3 is outside 0..2"),
        (-4, "reference_subgroup: position -4 is outside 0..2"),
        ([0, 1], "reference_subgroup: has 2 elements but est has 3"),
        ([0, 2, 0], "reference_subgroup: a vector must contain only 0 and 1"),
        ([0, 0, 0], "reference_subgroup: must mark exactly one subgroup with 1, marks 0"),
        ([1, 1, 0], "reference_subgroup: must mark exactly one subgroup with 1, marks 2"),
    ],
)
def test_reference_mask_refusals(ref, message):
    with pytest.raises(ValueError) as info:
        common._reference_mask(ref, 3)
    assert str(info.value) == message


def test_se_order_and_reference_vectors_are_checked_under_their_own_names():
    """A missing entry in ``se``, ``subgroup_order`` or ``reference_subgroup`` is reported
    under that argument's name, not as ``est``."""
    with pytest.raises(ValueError) as info:
        common._heat_inputs([1, 2, 3], [1, 1, 1], [0.1, math.nan, 0.1], 0.95)
    assert str(info.value) == "se: missing value (NaN) at position 1"
    with pytest.raises(ValueError) as info:
        common._order([1.0, math.nan, 3.0], 3)
    assert str(info.value) == "subgroup_order: missing value (NaN) at position 1"
    with pytest.raises(ValueError) as info:
        common._reference_mask([0.0, math.nan, 1.0], 3)
    assert str(info.value) == "reference_subgroup: missing value (NaN) at position 1"
