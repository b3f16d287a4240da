"""HEAT's regression-based measures: slope (``sii``) and relative (``rii``) index of inequality
from a quasibinomial logit GLM with HC1 sandwich standard errors.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import statsmodels.api as sm
from scipy import special
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from helpers.stats.checks import _finite_scalar, _first_bad, _z
from helpers.stats.heat.common import HeatResult, _auto_scale, _heat_inputs, _order
from helpers.stats.ranks import tied_midpoint_rank

_EPS = float(np.finfo(float).eps)


def _logit_glm_hc1(
    est: np.ndarray, pop: np.ndarray, subgroup_order: Any, scaleval: float | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """healthequal's aggregated-data SII/RII model: coefficients, HC1 covariance, scale.

    ``pop ← ceiling(pop)``, ``y = round(est/scale·pop)``; the ranks use the ceiled populations.
    ``glm(cbind(y, pop − y) ~ rank, weights = pop, family = quasibinomial)`` has binomial
    weights ``pop·pop``: it is fitted here by IRLS on the proportions ``y/pop`` with prior
    weights ``pop²`` (R's glm.fit, with step-halving where the deviance would rise). The HC1
    sandwich is ``n/(n−2)·B·M·B`` with ``B = (XᵀWX)⁻¹``
    (``W = prior·μ(1−μ)``) and ``M = Σ (priorᵢ(pᵢ − μᵢ))² xᵢxᵢᵀ`` (sandwich::vcovHC type HC1;
    the quasi-dispersion cancels).
    """
    if (est < 0).any():
        i = _first_bad(est < 0)
        raise ValueError(f"est: must be >= 0 for the logit model; got {est[i]:g} at position {i}")
    scale = _auto_scale(est) if scaleval is None else _finite_scalar("scaleval", scaleval)
    if scale <= 0:
        raise ValueError(f"scaleval: must be > 0, got {scaleval!r}")
    if (est > scale).any():
        i = _first_bad(est > scale)
        raise ValueError(
            f"est: value {est[i]:g} at position {i} exceeds the indicator scale {scale:g}; "
            "set scaleval to the indicator's scale (e.g. 100 for percent)"
        )
    n_pop = np.ceil(pop)
    y = np.round(est / scale * n_pop)
    order = _order(subgroup_order, len(est))
    idx, rank = tied_midpoint_rank(n_pop, order)
    n_pop, y = n_pop[idx], y[idx]
    prop = y / n_pop
    prior = n_pop * n_pop
    x = np.column_stack([np.ones_like(rank), rank])

    # statsmodels' binomial GLM (IRLS) with prior weights pop²; its GLM "HC1" leaves out the
    # n/(n − k) factor of sandwich::vcovHC, so HC0 is scaled by n/(n − 2) here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (PerfectSeparationWarning, ConvergenceWarning))
        fit = sm.GLM(prop, x, family=sm.families.Binomial(), var_weights=prior).fit(
            cov_type="HC0", maxiter=100
        )
    beta = np.asarray(fit.params, dtype=float)
    mu = np.asarray(fit.fittedvalues, dtype=float)
    if not fit.converged or np.any((mu < 10 * _EPS) | (mu > 1 - 10 * _EPS)):
        warnings.warn(
            "est: the logistic model for the HEAT SII/RII did not converge or fitted "
            "probabilities of 0 or 1 (counts at 0 or at the full population separate the "
            "groups); the estimate is unreliable",
            RuntimeWarning,
            stacklevel=3,
        )
    n = len(est)
    vcov = n / (n - 2) * np.asarray(fit.cov_params(), dtype=float)
    return beta, vcov, scale


def heat_sii(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float | None = None,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Slope index of inequality as healthequal's ``sii`` (logistic model, aggregated data).

    ``SII = expit(b0 + b1) − expit(b0)`` from the quasibinomial logit GLM of the subgroup
    counts on the midpoint rank (see :func:`_logit_glm_hc1`: effective weights pop², HC1
    sandwich). Delta-method SE ``sqrt(gᵀVg)``, ``g = (μ₁(1−μ₁) − μ₀(1−μ₀), μ₁(1−μ₁))``.
    Estimate and CI are multiplied by the scale; the reported ``se`` is on the 0-1 scale, as
    healthequal reports it. ``scaleval=None`` picks healthequal's automatic scale (100 for
    estimates up to 100, etc.). ``subgroup_order``: 1 = most disadvantaged; ``None`` = the given
    order. ``se``, ``favourable_indicator`` and ``reference_subgroup`` are not used. Equal
    estimates give SII 0 (healthequal stops instead). When rounded counts are 0 or the whole
    population in a way that separates the groups, the fit has no finite maximum: the result is
    R's (clamped IRLS) and a ``RuntimeWarning`` says it is unreliable.

    Reference: healthequal (WHO HEAT), ``sii`` (R/sii.R), marginaleffects ``avg_comparisons``
    with ``vcov = "HC1"``.
    """
    y, p, _, level = _heat_inputs(est, pop, se, conf_level)
    beta, vcov, scale = _logit_glm_hc1(y, p, subgroup_order, scaleval)
    mu0, mu1 = special.expit(beta[0]), special.expit(beta[0] + beta[1])
    grad = np.array([mu1 * (1 - mu1) - mu0 * (1 - mu0), mu1 * (1 - mu1)])
    est_01 = mu1 - mu0
    se_01 = math.sqrt(max(float(grad @ vcov @ grad), 0.0))
    z = _z(level)
    return HeatResult(
        float(est_01 * scale), se_01, float((est_01 - z * se_01) * scale),
        float((est_01 + z * se_01) * scale),
    )  # fmt: skip


def heat_rii(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float | None = None,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Relative index of inequality as healthequal's ``rii`` (logistic model, aggregated data).

    ``log RII = log(expit(b0 + b1)/expit(b0))`` from the same GLM as :func:`heat_sii`; its
    delta-method HC1 SE uses ``g = (μ₀ − μ₁, 1 − μ₁)``. ``estimate = exp(log RII)``, CI
    ``exp(log RII ± z·se)``, and the reported ``se`` is on the log scale. At least 3 groups.

    Reference: healthequal (WHO HEAT), ``rii`` (R/rii.R), marginaleffects ``avg_comparisons``
    with ``comparison = "lnratio"`` and ``vcov = "HC1"``.
    """
    y, p, _, level = _heat_inputs(est, pop, se, conf_level)
    beta, vcov, _ = _logit_glm_hc1(y, p, subgroup_order, scaleval)
    mu0, mu1 = special.expit(beta[0]), special.expit(beta[0] + beta[1])
    if mu0 <= 0:
        raise ValueError("est: the fitted value at rank 0 is 0, so the RII is undefined")
    log_rii = float(np.log(mu1) - np.log(mu0))
    grad = np.array([mu0 - mu1, 1 - mu1])
    se_log = math.sqrt(max(float(grad @ vcov @ grad), 0.0))
    z = _z(level)
    return HeatResult(
        math.exp(log_rii), se_log, math.exp(log_rii - z * se_log), math.exp(log_rii + z * se_log)
    )
