"""Regression models of the social gradient across Oslo's bydeler (statsmodels).

Bydeler are ordered from most to least disadvantaged and placed on the midpoint cumulative
population rank (0 = most disadvantaged end, 1 = least), as in the slope index of inequality
(Mackenbach & Kunst 1997; PHEindicatormethods ``phe_sii``). The models here complement the
simulation-based SII/RII of ``helpers.stats.phe_sii``:

- ``poisson_gradient``: a Poisson GLM of counts on rank with offset log(population), i.e. a
  log-linear model of the rate, so exp(slope) is the rate ratio between rank 1 and rank 0 (the
  relative index of inequality on the rate scale). Overdispersion, which is the rule rather than the
  exception for area counts, is handled by quasi-Poisson by default (McCullagh & Nelder 1989,
  §4.5; scale = Pearson X²/df, t intervals on df_resid) or, on request, a negative binomial (NB2)
  model with its ancillary parameter estimated by maximum likelihood (statsmodels ``discrete``).
- ``weighted_linear_gradient``: weighted least squares of the value on rank (weights =
  population), whose slope is the SII on the value scale, with the model-based WLS interval.

Their change over time is modelled in ``helpers.stats.trends``.

All functions are pure: arrays or DataFrames in, small results out. Bad arguments raise
``ValueError`` naming the argument.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

# Significance level of the Pearson chi-square goodness-of-fit test used to call a Poisson fit
# overdispersed (under the Poisson model X² ~ chi²(df_resid)).
OVERDISPERSION_ALPHA = 0.05


class _ResultRow:
    """Mixin: a result's scalar fields as one row of a results table."""

    def as_row(self) -> dict[str, Any]:
        """The scalar fields as a dict (``fitted`` values left out)."""
        return {k: v for k, v in self.__dict__.items() if k != "fitted"}


@dataclass(frozen=True)
class PoissonGradientResult(_ResultRow):
    """Log-linear gradient of a rate across groups ordered by rank.

    ``rate_ratio`` = fitted rate at rank 1 / fitted rate at rank 0 = exp(slope); ``lower`` and
    ``upper`` bound it. ``slope``, ``se`` and ``intercept`` are on the log-rate scale (intercept =
    log of the fitted rate at rank 0, per person). ``dispersion`` is the Poisson fit's Pearson
    X²/df_resid (NaN when df_resid = 0, e.g. two groups); ``overdispersed`` is the chi-square
    goodness-of-fit test at ``OVERDISPERSION_ALPHA``. ``model`` is "poisson", "quasipoisson" or
    "negative_binomial"; ``alpha`` is the NB2 ancillary parameter (NaN otherwise). ``fitted`` is the
    fitted rate per group, times ``multiplier``, aligned with the input order (and index).
    """

    rate_ratio: float
    lower: float
    upper: float
    slope: float
    se: float
    intercept: float
    p_value: float
    dispersion: float
    dispersion_p_value: float
    overdispersed: bool
    model: str
    alpha: float
    n_groups: int
    confidence: float
    fitted: pd.Series = field(repr=False)


PoissonGradient = PoissonGradientResult  # short alias


@dataclass(frozen=True)
class LinearGradientResult(_ResultRow):
    """Weighted least-squares line value = intercept + slope * rank.

    ``slope`` is the SII on the value scale (fitted value at rank 1 minus rank 0); ``lower`` and
    ``upper`` are its model-based WLS interval (t with n - 2 df); ``intercept`` is the fitted value
    at rank 0. ``fitted`` is aligned with the input order (and index).
    """

    slope: float
    lower: float
    upper: float
    se: float
    intercept: float
    p_value: float
    r_squared: float
    n_groups: int
    confidence: float
    fitted: pd.Series = field(repr=False)


def _as_array(x: Any, name: str) -> np.ndarray:
    """A 1-D float array from an array-like; ValueError naming ``name`` if it is not one."""
    if isinstance(x, pd.DataFrame):
        raise ValueError(f"{name}: expected a 1-D sequence, got a DataFrame")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence, got {arr.ndim} dimensions")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name}: {int(bad.sum())} missing or infinite value(s), "
            f"first at position {int(np.flatnonzero(bad)[0])}"
        )
    return arr


def _check_lengths(**arrays: np.ndarray) -> int:
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        detail = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise ValueError(f"arguments must have the same length ({detail})")
    return next(iter(lengths.values()))


def _check_positive(arr: np.ndarray, name: str) -> None:
    bad = arr <= 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}: must be > 0, got {arr[i]:g} at position {i}")


def _check_rank(rank: np.ndarray, name: str = "rank") -> None:
    bad = (rank < 0) | (rank > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name}: must be a cumulative population share in [0, 1], got {rank[i]:g} at "
            f"position {i}"
        )
    if np.ptp(rank) == 0:
        raise ValueError(f"{name}: all groups have the same rank; the slope is not identified")


def _check_confidence(confidence: float) -> None:
    if not (isinstance(confidence, int | float) and 0 < confidence < 1):
        raise ValueError(f"confidence: must be strictly between 0 and 1, got {confidence!r}")


def _index_of(*candidates: Any, n: int) -> pd.Index:
    for c in candidates:
        if isinstance(c, pd.Series):
            return c.index
    return pd.RangeIndex(n)


def _validate_counts(counts: Any, population: Any, rank: Any) -> tuple[np.ndarray, ...]:
    y = _as_array(counts, "counts")
    pop = _as_array(population, "population")
    r = _as_array(rank, "rank")
    n = _check_lengths(counts=y, population=pop, rank=r)
    if n < 2:
        raise ValueError(f"counts: need at least 2 groups, got {n}")
    if (y < 0).any():
        i = int(np.flatnonzero(y < 0)[0])
        raise ValueError(f"counts: must be >= 0, got {y[i]:g} at position {i}")
    if y.sum() == 0:
        raise ValueError("counts: all zero; the rate ratio is not identified")
    _check_positive(pop, "population")
    _check_rank(r)
    return y, pop, r


def _fit_poisson(y: np.ndarray, exog: np.ndarray, offset: np.ndarray, **fit_kwargs: Any):
    model = sm.GLM(y, exog, family=sm.families.Poisson(), offset=offset)
    with warnings.catch_warnings():
        if len(y) <= exog.shape[1]:
            # Saturated fit (e.g. two groups): an exact fit is expected here, not a problem.
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
        return model.fit(tol=1e-12, **fit_kwargs)


def _dispersion(res) -> tuple[float, float, bool]:
    """Pearson X²/df_resid, its chi-square p-value, and whether the fit is overdispersed."""
    df = float(res.df_resid)
    if df <= 0:
        return float("nan"), float("nan"), False
    x2 = float(res.pearson_chi2)
    p = float(stats.chi2.sf(x2, df))
    return x2 / df, p, bool(p < OVERDISPERSION_ALPHA)


def poisson_gradient(
    counts: Sequence[float] | np.ndarray | pd.Series,
    population: Sequence[float] | np.ndarray | pd.Series,
    rank: Sequence[float] | np.ndarray | pd.Series,
    *,
    confidence: float = 0.95,
    overdispersion: Literal["quasipoisson", "negative_binomial"] = "quasipoisson",
    multiplier: float = 1.0,
) -> PoissonGradientResult:
    """Rate ratio between rank 1 and rank 0 from a Poisson GLM with offset log(population).

    Model: ``log E[count_i] = log(population_i) + b0 + b1 * rank_i``; rate ratio = exp(b1).

    Overdispersion is tested with the Pearson chi-square goodness-of-fit statistic (X² ~
    chi²(n - 2) under the Poisson model; overdispersed when p < 0.05). When overdispersed:

    - ``"quasipoisson"`` (default): same point estimate, standard error multiplied by
      sqrt(X²/df), t interval with n - 2 df. Chosen as default because it keeps the Poisson
      weighting of groups (by expected count, i.e. roughly by population, consistent with a
      population-weighted gradient), its point estimate is consistent whenever the mean model is
      right, and it needs no extra parameter estimated from only 15 bydeler.
    - ``"negative_binomial"``: NB2 model (var = mu + alpha * mu²) with alpha by maximum likelihood;
      Wald z interval. With large counts it weights bydeler nearly equally.

    With 2 groups the model is saturated (df = 0): dispersion is NaN and the Poisson interval is
    used. Otherwise Poisson intervals are Wald z intervals. ``fitted`` is the fitted rate per group
    times ``multiplier`` (e.g. 100 for "per 100"), in the input order.
    """
    _check_confidence(confidence)
    if overdispersion not in ("quasipoisson", "negative_binomial"):
        raise ValueError(
            'overdispersion: expected "quasipoisson" or "negative_binomial", '
            f"got {overdispersion!r}"
        )
    y, pop, r = _validate_counts(counts, population, rank)
    n = len(y)
    exog = np.column_stack([np.ones(n), r])
    offset = np.log(pop)
    res = _fit_poisson(y, exog, offset)
    dispersion, disp_p, overdispersed = _dispersion(res)

    params = np.asarray(res.params, dtype=float)
    se = float(res.bse[1])
    p_value = float(res.pvalues[1])
    alpha = float("nan")
    model = "poisson"
    q = float(stats.norm.ppf(0.5 + confidence / 2))

    if overdispersed and overdispersion == "quasipoisson":
        model = "quasipoisson"
        df = float(res.df_resid)
        se = se * np.sqrt(dispersion)
        q = float(stats.t.ppf(0.5 + confidence / 2, df))
        p_value = float(2 * stats.t.sf(abs(params[1]) / se, df))
    elif overdispersed:
        model = "negative_binomial"
        nb = sm.NegativeBinomial(y, exog, offset=offset, loglike_method="nb2")
        start = np.append(params, 0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb_res = nb.fit(start_params=start, method="bfgs", maxiter=2000, disp=0)
            nb_res = nb.fit(start_params=nb_res.params, method="newton", maxiter=100, disp=0)
        if not nb_res.mle_retvals.get("converged", False):
            raise ValueError("counts: the negative binomial model did not converge")
        nb_params = np.asarray(nb_res.params, dtype=float)
        params = nb_params[:2]
        alpha = float(nb_params[2])
        se = float(np.asarray(nb_res.bse)[1])
        p_value = float(2 * stats.norm.sf(abs(params[1]) / se))

    slope = float(params[1])
    fitted_rate = np.exp(params[0] + params[1] * r) * multiplier
    return PoissonGradientResult(
        rate_ratio=float(np.exp(slope)),
        lower=float(np.exp(slope - q * se)),
        upper=float(np.exp(slope + q * se)),
        slope=slope,
        se=float(se),
        intercept=float(params[0]),
        p_value=p_value,
        dispersion=dispersion,
        dispersion_p_value=disp_p,
        overdispersed=overdispersed,
        model=model,
        alpha=alpha,
        n_groups=n,
        confidence=float(confidence),
        fitted=pd.Series(fitted_rate, index=_index_of(counts, population, rank, n=n)),
    )


def weighted_linear_gradient(
    value: Sequence[float] | np.ndarray | pd.Series,
    weight: Sequence[float] | np.ndarray | pd.Series,
    rank: Sequence[float] | np.ndarray | pd.Series,
    *,
    confidence: float = 0.95,
) -> LinearGradientResult:
    """WLS of value on rank with the given weights (population); slope = SII on the value scale.

    Same point estimate as PHEindicatormethods ``phe_sii`` without transform (weights are scale
    free, so population or population share give the same line). The interval is the ordinary
    model-based WLS one (residual variance from the fit, t with n - 2 df), not phe_sii's
    simulation from each group's standard error; needs at least 3 groups.
    """
    _check_confidence(confidence)
    v = _as_array(value, "value")
    w = _as_array(weight, "weight")
    r = _as_array(rank, "rank")
    n = _check_lengths(value=v, weight=w, rank=r)
    if n < 3:
        raise ValueError(f"value: need at least 3 groups for an interval, got {n}")
    _check_positive(w, "weight")
    _check_rank(r)
    exog = np.column_stack([np.ones(n), r])
    res = sm.WLS(v, exog, weights=w).fit()
    lo, hi = np.asarray(res.conf_int(alpha=1 - confidence))[1]
    params = np.asarray(res.params, dtype=float)
    return LinearGradientResult(
        slope=float(params[1]),
        lower=float(lo),
        upper=float(hi),
        se=float(res.bse[1]),
        intercept=float(params[0]),
        p_value=float(res.pvalues[1]),
        r_squared=float(res.rsquared),
        n_groups=n,
        confidence=float(confidence),
        fitted=pd.Series(params[0] + params[1] * r, index=_index_of(value, weight, rank, n=n)),
    )
