"""The SII line fitted to the bydeler with its model-based interval (``GradientFit``).

Weighted least squares of the (logit/log-transformed) value on the midpoint population rank with
population weights: the same line as phe_sii, but its interval comes from the bydeler's residual
variance around the line (t with n − 2 df), so it also covers how much the bydeler scatter
around the gradient. Only this interval decides whether the report calls a gradient clear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from helpers import config
from helpers.catalogue import Indicator
from helpers.stats import models, no_counts, phe_sii

# phe_sii value_type codes
_VALUE_TYPE = {"proportion": 2, "rate": 1, "mean": 0}


# phe_sii transform per value_type (transform = TRUE): name, link, inverse link
_LINKS = {2: ("logit", special.logit, special.expit), 1: ("log", np.log, np.exp)}


#: Default for ``sii_transform``: PHEindicatormethods recommends transform = TRUE for rates and
#: proportions (phe_sii documentation, argument ``transform``).
DEFAULT_SII_TRANSFORM = True


@dataclass(frozen=True)
class GradientFit:
    """The SII regression line with its model-based interval (between-bydel variation included).

    ``intercept`` and ``slope`` are the weighted least-squares line on the regression scale
    (``transform``: "logit", "log" or "" for the natural scale), rank 0 = most disadvantaged
    end; ``slope_lower``/``slope_upper`` its model-based interval (WLS residual variance, t with
    n − 2 df). ``sii_*`` and ``rii_*`` are the same interval on the report's scale and
    orientation (disadvantaged minus / over advantaged end); with a transform the slope limits
    are mapped back around the fitted midpoint as phe_sii maps its simulated slopes.
    """

    intercept: float
    slope: float
    slope_lower: float
    slope_upper: float
    transform: str
    scale: float
    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    n_groups: int
    confidence: float

    def value_at(self, rank: np.ndarray | float, slope: float | None = None) -> np.ndarray:
        """Fitted value at ``rank`` (0 = disadvantaged end), in the indicator's unit; with
        ``slope`` the line of that slope through the same midpoint (for interval bands)."""
        rank = np.asarray(rank, dtype=float)
        mid = self.intercept + self.slope / 2
        s = self.slope if slope is None else slope
        eta = mid + s * (rank - 0.5)
        inverse = {"logit": special.expit, "log": np.exp}.get(self.transform)
        return (inverse(eta) if inverse else eta) * self.scale

    @property
    def clear(self) -> bool:
        """True when the model-based SII interval excludes 0 (no difference)."""
        return bool(self.sii_lower > 0 or self.sii_upper < 0)


def _value_type(used: pd.DataFrame, indicator: Indicator) -> int:
    """phe_sii's value_type for these rows: a share of exactly 0 or 100 % (or a rate of 0) has no
    logit (log), so it falls back to the natural scale (0), as phe_sii would require."""
    scale = indicator.multiplier or 1
    lower = used["ci_low"].to_numpy(float) / scale
    upper = used["ci_high"].to_numpy(float) / scale
    value = used["value"].to_numpy(float) / scale
    value_type = _VALUE_TYPE.get(indicator.value_type, 0)
    if value_type == 2:
        inside = np.all((lower > 0) & (upper < 1) & (value > 0) & (value < 1))
    else:
        inside = np.all((lower > 0) & (value > 0))
    return value_type if value_type in (1, 2) and inside else 0


def gradient_fit(
    used: pd.DataFrame,
    indicator: Indicator,
    *,
    transform: bool = DEFAULT_SII_TRANSFORM,
    confidence: float = config.DEFAULT_CONFIDENCE,
) -> GradientFit:
    """The SII line fitted to the bydeler (``used``: rank, value, denominator) with its
    model-based interval, which includes the bydeler's scatter around the line.

    Weighted least squares of the (logit/log-transformed when ``transform``) value on rank with
    population weights (``models.weighted_linear_gradient``: the same line as phe_sii, interval
    from the residual variance, t with n − 2 df). With a transform the slope limits ``s`` become
    ``SII = g(m − s/2) − g(m + s/2)`` and ``RII = g(m − s/2)/g(m + s/2)`` around the fitted
    midpoint ``m`` (as phe_sii maps its simulated slopes); without one, SII = −slope and the RII
    interval is the delta-method interval of log(b0/(b0 + b1)).
    """
    scale = float(indicator.multiplier or 1)
    value_type = _value_type(used, indicator)
    link = _LINKS.get(value_type) if transform else None
    y = used["value"].to_numpy(float) / scale
    y_t = link[1](y) if link else y
    rank = used["rank"].to_numpy(float)
    weight = used["denominator"].to_numpy(float)
    lin = models.weighted_linear_gradient(y_t, weight, rank, confidence=confidence)
    b0, b1 = lin.intercept, lin.slope
    if link:
        g = link[2]
        mid = b0 + b1 / 2

        def ends(s: float) -> tuple[float, float]:
            lo_end, hi_end = g(mid - s / 2), g(mid + s / 2)
            return scale * (lo_end - hi_end), lo_end / hi_end

        (sii_hat, rii_hat), (sii_a, rii_a), (sii_b, rii_b) = (
            ends(b1),
            ends(lin.lower),
            ends(lin.upper),
        )
        sii_lo, sii_hi = sorted((sii_a, sii_b))
        rii_lo, rii_hi = sorted((rii_a, rii_b))
    else:
        sii_hat = -scale * b1
        sii_lo, sii_hi = sorted((-scale * lin.lower, -scale * lin.upper))
        rii_hat = b0 / (b0 + b1)
        rii_lo, rii_hi = _ratio_interval(y_t, weight, rank, confidence, rii_hat)
    return GradientFit(
        intercept=b0, slope=b1, slope_lower=lin.lower, slope_upper=lin.upper,
        transform=link[0] if link else "", scale=scale,
        sii=float(sii_hat), sii_lower=float(sii_lo), sii_upper=float(sii_hi),
        rii=float(rii_hat), rii_lower=float(rii_lo), rii_upper=float(rii_hi),
        n_groups=lin.n_groups, confidence=confidence,
    )  # fmt: skip


def _ratio_interval(
    y: np.ndarray, weight: np.ndarray, rank: np.ndarray, confidence: float, rii: float
) -> tuple[float, float]:
    """Delta-method interval of b0/(b0 + b1) on the log scale from the WLS covariance."""
    import statsmodels.api as sm
    from scipy import stats

    res = sm.WLS(y, np.column_stack([np.ones(len(y)), rank]), weights=weight).fit()
    b0, b1 = (float(v) for v in res.params)
    if not (b0 > 0 and b0 + b1 > 0):
        return float("nan"), float("nan")
    grad = np.array([1 / b0 - 1 / (b0 + b1), -1 / (b0 + b1)])
    se = float(np.sqrt(grad @ np.asarray(res.cov_params()) @ grad))
    q = float(stats.t.ppf(0.5 + confidence / 2, res.df_resid))
    return rii * float(np.exp(-q * se)), rii * float(np.exp(q * se))


def _phe_sii(
    used: pd.DataFrame,
    indicator: Indicator,
    *,
    seed: int,
    repetitions: int,
    confidence: float,
    transform: bool = DEFAULT_SII_TRANSFORM,
) -> phe_sii.SIIResult:
    """phe_sii on the bydeler in rank order; shares go in as proportions with Wilson limits,
    with ``transform`` (logit/log) for proportions and rates when asked (the default)."""
    counts = no_counts.has_counts(used)
    if not counts:  # values only: population weights, point estimates (helpers.stats.no_counts)
        used = no_counts.as_points(used)
    scale = indicator.multiplier or 1
    value_type = _value_type(used, indicator)
    res = phe_sii.sii(
        used["value"].to_numpy(float) / scale,
        used["denominator"].to_numpy(float),
        value_type=value_type,
        lower_cl=used["ci_low"].to_numpy(float) / scale,
        upper_cl=used["ci_high"].to_numpy(float) / scale,
        transform=bool(transform) and value_type in _LINKS,
        multiplier=-scale,
        confidence=confidence,
        repetitions=repetitions,
        seed=seed,
    )
    return res if counts else no_counts.point_sii(res)
