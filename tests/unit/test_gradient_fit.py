"""helpers.stats.fit.gradient_fit: the model-based interval the report prints, and ``clear``.

Every table here is SYNTHETIC (made-up values, weights and limits, not Oslo's). The expected
numbers are computed independently in each test from the textbook formulas, not from the code:
weighted least squares by its normal equations with numpy (β = (XᵀWX)⁻¹XᵀWy, residual variance
Σwe²/(n − 2), t with n − 2 df), the delta method for log(b0/(b0 + b1)) on the natural scale, and
phe_sii's mapping of a slope s around the fitted midpoint m with a transform
(SII = scale·(g(m − s/2) − g(m + s/2)), RII = g(m − s/2)/g(m + s/2)). The indicators are real
catalogue entries, used for their value type and multiplier only: ``forventet_levealder_bydel``
(mean, multiplier 1), ``uforetrygd`` (proportion, per 100) and ``anmeldt_vold_mishandling``
(rate, per 1000).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from helpers import catalogue
from helpers.stats.fit import GradientFit, gradient_fit

# five SYNTHETIC bydeler: populations and their midpoint cumulative population shares
POP = np.array([1000.0, 2000.0, 1500.0, 2500.0, 3000.0])
RANK = (np.cumsum(POP) - POP / 2) / POP.sum()


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def _used(value, half=0.5) -> pd.DataFrame:
    value = np.asarray(value, float)
    return pd.DataFrame({
        "value": value, "denominator": POP, "ci_low": value - half,
        "ci_high": value + half, "rank": RANK,
    })  # fmt: skip


def _wls_by_hand(y, w, r, confidence):
    """β, its covariance and the t quantile of a WLS of y on [1, r] (normal equations)."""
    x = np.column_stack([np.ones(len(y)), r])
    xtwx = x.T @ (w[:, None] * x)
    beta = np.linalg.solve(xtwx, x.T @ (w * y))
    resid = y - x @ beta
    sigma2 = np.sum(w * resid**2) / (len(y) - 2)
    cov = sigma2 * np.linalg.inv(xtwx)
    q = stats.t.ppf(1 - (1 - confidence) / 2, len(y) - 2)
    return beta, cov, q


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_natural_scale_interval_by_hand(cat, confidence):
    """A mean (no transform): SII = −slope with the slope's t interval negated, RII =
    b0/(b0 + b1) with the delta-method interval of its log, at the level asked for."""
    y = np.array([78.0, 79.5, 79.0, 81.0, 82.5])
    f = gradient_fit(_used(y), cat.indicator("forventet_levealder_bydel"), confidence=confidence)
    (b0, b1), cov, q = _wls_by_hand(y, POP, RANK, confidence)
    se_b1 = np.sqrt(cov[1, 1])
    assert (f.intercept, f.slope) == pytest.approx((b0, b1), rel=1e-9)
    assert (f.slope_lower, f.slope_upper) == pytest.approx(
        (b1 - q * se_b1, b1 + q * se_b1), rel=1e-9
    )
    assert (f.sii, f.sii_lower, f.sii_upper) == pytest.approx(
        (-b1, -b1 - q * se_b1, -b1 + q * se_b1), rel=1e-9
    )
    rii = b0 / (b0 + b1)
    grad = np.array([1 / b0 - 1 / (b0 + b1), -1 / (b0 + b1)])
    se_log = np.sqrt(grad @ cov @ grad)
    assert (f.rii, f.rii_lower, f.rii_upper) == pytest.approx(
        (rii, rii * np.exp(-q * se_log), rii * np.exp(q * se_log)), rel=1e-9
    )
    assert f.transform == "" and f.scale == 1.0
    assert (f.n_groups, f.confidence) == (5, confidence)
    assert f.clear  # about 4 years from end to end, interval well away from 0


def test_natural_scale_rii_interval_for_small_positive_ends(cat):
    """0 < b0 < b0 + b1 < 1 and b1 > b0 (the value more than doubles along the ranking): the
    RII interval is defined (only b0 and b0 + b1 must be positive, not above 1 or b1)."""
    y = np.array([0.10, 0.16, 0.22, 0.30, 0.34])
    f = gradient_fit(_used(y, 0.02), cat.indicator("forventet_levealder_bydel"))
    (b0, b1), cov, q = _wls_by_hand(y, POP, RANK, 0.95)
    assert 0 < b0 < b1 and b0 + b1 < 1
    grad = np.array([1 / b0 - 1 / (b0 + b1), -1 / (b0 + b1)])
    se_log = np.sqrt(grad @ cov @ grad)
    assert (f.rii_lower, f.rii_upper) == pytest.approx(
        (f.rii * np.exp(-q * se_log), f.rii * np.exp(q * se_log)), rel=1e-9
    )


@pytest.mark.parametrize(
    "y",
    [
        [3.0, 1.5, -0.5, -2.0, -3.5],  # b0 > 0, b0 + b1 < 0: the line crosses 0
        [-3.5, -2.0, 0.5, 1.5, 3.0],  # b0 < 0, b0 + b1 > 0
    ],
)
def test_natural_scale_rii_interval_is_missing_when_an_end_is_not_positive(cat, y):
    """A ratio of the two ends has no log-scale interval when a fitted end is 0 or below: both
    limits are NaN (the report prints no RII interval), while the SII interval is still there."""
    f = gradient_fit(_used(y), cat.indicator("forventet_levealder_bydel"))
    (b0, b1), _, _ = _wls_by_hand(np.asarray(y), POP, RANK, 0.95)
    assert min(b0, b0 + b1) < 0 < max(b0, b0 + b1)
    assert np.isnan(f.rii_lower) and np.isnan(f.rii_upper)
    assert np.isfinite(f.sii_lower) and np.isfinite(f.sii_upper)


def test_logit_interval_maps_the_slope_limits_around_the_midpoint(cat):
    """A proportion with the (default) logit transform: the slope's t interval on the logit
    scale, each limit s mapped to SII = 100·(expit(m − s/2) − expit(m + s/2)) and
    RII = expit(m − s/2)/expit(m + s/2) around the fitted midpoint m, then sorted."""
    y = np.array([12.0, 10.5, 9.8, 7.1, 6.6])  # percent
    f = gradient_fit(_used(y, 0.4), cat.indicator("uforetrygd"), confidence=0.9)
    (b0, b1), cov, q = _wls_by_hand(special.logit(y / 100), POP, RANK, 0.9)
    lo, hi = b1 - q * np.sqrt(cov[1, 1]), b1 + q * np.sqrt(cov[1, 1])
    m = b0 + b1 / 2
    sii = lambda s: 100 * (special.expit(m - s / 2) - special.expit(m + s / 2))  # noqa: E731
    rii = lambda s: special.expit(m - s / 2) / special.expit(m + s / 2)  # noqa: E731
    assert (f.slope, f.slope_lower, f.slope_upper) == pytest.approx((b1, lo, hi), rel=1e-9)
    assert (f.sii, f.rii) == pytest.approx((sii(b1), rii(b1)), rel=1e-9)
    # a falling line: the lower slope limit gives the larger SII and RII
    assert (f.sii_lower, f.sii_upper) == pytest.approx((sii(hi), sii(lo)), rel=1e-9)
    assert (f.rii_lower, f.rii_upper) == pytest.approx((rii(hi), rii(lo)), rel=1e-9)
    assert (f.transform, f.scale, f.n_groups) == ("logit", 100.0, 5)


def test_value_at_is_the_fitted_line_in_the_indicators_unit(cat):
    """``value_at`` on the logit line: 100·expit(b0 + b1·rank); with ``slope`` the line of that
    slope through the same midpoint rank 0.5."""
    y = np.array([12.0, 10.5, 9.8, 7.1, 6.6])
    f = gradient_fit(_used(y, 0.4), cat.indicator("uforetrygd"))
    (b0, b1), _, _ = _wls_by_hand(special.logit(y / 100), POP, RANK, 0.95)
    rank = np.array([0.0, 0.3, 1.0])
    assert f.value_at(rank) == pytest.approx(100 * special.expit(b0 + b1 * rank), rel=1e-9)
    m = b0 + b1 / 2
    assert f.value_at(rank, slope=-0.2) == pytest.approx(
        100 * special.expit(m - 0.2 * (rank - 0.5)), rel=1e-9
    )
    g = gradient_fit(_used(y, 0.4), cat.indicator("uforetrygd"), transform=False)
    (c0, c1), _, _ = _wls_by_hand(y / 100, POP, RANK, 0.95)
    assert g.value_at(0.3) == pytest.approx(100 * (c0 + c1 * 0.3), rel=1e-9)


def test_value_at_on_the_log_line_of_a_rate(cat):
    """A rate (per 1000) goes on the log scale: ``value_at`` is 1000·exp(b0 + b1·rank)."""
    y = np.array([14.0, 11.0, 9.5, 7.0, 6.2])  # per 1000
    f = gradient_fit(_used(y, 0.5), cat.indicator("anmeldt_vold_mishandling"))
    (b0, b1), _, _ = _wls_by_hand(np.log(y / 1000), POP, RANK, 0.95)
    assert f.transform == "log"
    rank = np.array([0.0, 0.4, 1.0])
    assert f.value_at(rank) == pytest.approx(1000 * np.exp(b0 + b1 * rank), rel=1e-9)
    assert f.rii == pytest.approx(np.exp(-b1), rel=1e-9)


def _fit(lower: float, upper: float) -> GradientFit:
    nan = float("nan")
    return GradientFit(
        intercept=nan, slope=nan, slope_lower=nan, slope_upper=nan, transform="", scale=1.0,
        sii=(lower + upper) / 2, sii_lower=lower, sii_upper=upper, rii=nan, rii_lower=nan,
        rii_upper=nan, n_groups=5, confidence=0.95,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lower", "upper", "clear"),
    [
        (0.1, 2.0, True),
        (-2.0, -0.1, True),
        (-1.0, 1.0, False),
        (0.0, 2.0, False),  # an interval that reaches 0 does not exclude it
        (-2.0, 0.0, False),
    ],
)
def test_clear_means_the_interval_excludes_zero(lower, upper, clear):
    """The report calls a gradient clear only when the model interval excludes 0; a limit of
    exactly 0 does not."""
    assert _fit(lower, upper).clear is clear
