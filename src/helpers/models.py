"""Regression models of the social gradient across Oslo's bydeler (statsmodels).

Bydeler are ordered from most to least disadvantaged and placed on the midpoint cumulative
population rank (0 = most disadvantaged end, 1 = least), as in the slope index of inequality
(Mackenbach & Kunst 1997; PHEindicatormethods ``phe_sii``). The models here complement the
simulation-based SII/RII of ``helpers.inequality``:

- ``poisson_gradient``: a Poisson GLM of counts on rank with offset log(population), i.e. a
  log-linear model of the rate, so exp(slope) is the rate ratio between rank 1 and rank 0 (the
  relative index of inequality on the rate scale). Overdispersion, which is the rule rather than the
  exception for area counts, is handled by quasi-Poisson by default (McCullagh & Nelder 1989,
  §4.5; scale = Pearson X²/df, t intervals on df_resid) or, on request, a negative binomial (NB2)
  model with its ancillary parameter estimated by maximum likelihood (statsmodels ``discrete``).
- ``weighted_linear_gradient``: weighted least squares of the value on rank (weights =
  population), whose slope is the SII on the value scale, with the model-based WLS interval.
- ``trend_in_gap`` and ``sii_by_year``: whether the gradient changes over time
  (value ~ rank * year).

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

from helpers.config import OSLO_CODE

__all__ = [
    "PoissonGradientResult",
    "PoissonGradient",
    "LinearGradientResult",
    "TrendResult",
    "midpoint_rank",
    "poisson_gradient",
    "weighted_linear_gradient",
    "trend_in_gap",
    "sii_by_year",
]

# Significance level of the Pearson chi-square goodness-of-fit test used to call a Poisson fit
# overdispersed (under the Poisson model X² ~ chi²(df_resid)).
OVERDISPERSION_ALPHA = 0.05


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class TrendResult(_ResultRow):
    """Change of the gradient over time, from value ~ rank * (year - reference_year).

    ``slope_change`` is the rank × year interaction: the change per year in the gradient's slope,
    on ``scale`` ("value": indicator units, WLS; "log_rate": log rate ratio, Poisson). ``lower`` /
    ``upper`` bound it. ``slope_reference`` is the slope at ``reference_year`` (the middle of the
    observed years); ``slope_first`` / ``slope_last`` are the fitted slopes in the first and last
    year (for the Poisson model exp() of these are rate ratios). ``narrowing`` is True when the
    interval excludes 0 and the slope moves toward 0 (the gap narrows), False when it excludes 0 and
    the slope moves away from 0 (the gap widens), and None when the interval includes 0 or the
    reference slope is exactly 0. ``cov`` is "cluster" (cluster-robust by geo_code) or "nonrobust";
    ``model`` is "wls", "poisson" or "quasipoisson".
    """

    slope_change: float
    lower: float
    upper: float
    se: float
    p_value: float
    slope_reference: float
    slope_first: float
    slope_last: float
    reference_year: float
    narrowing: bool | None
    scale: str
    model: str
    cov: str
    dispersion: float
    n_groups: int
    n_years: int
    n_obs: int
    years: tuple[int, ...]
    confidence: float


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Rank
# ---------------------------------------------------------------------------------------------
def midpoint_rank(population: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Midpoint cumulative population share of groups given in order (most disadvantaged first).

    ``b_i = sum_{j<i} a_j + a_i / 2`` with ``a_i = pop_i / sum(pop)`` (PHEindicatormethods
    ``phe_sii``; WHO HEAT). Returns an array in the input order.
    """
    pop = _as_array(population, "population")
    if len(pop) == 0:
        raise ValueError("population: empty")
    _check_positive(pop, "population")
    share = pop / pop.sum()
    return np.cumsum(share) - share / 2


# ---------------------------------------------------------------------------------------------
# Poisson / quasi-Poisson / negative binomial gradient
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Weighted linear gradient (SII on the value scale)
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Change over time
# ---------------------------------------------------------------------------------------------
def _validate_panel(
    tidy_long: pd.DataFrame, columns: dict[str, str], *, min_groups: int = 3
) -> pd.DataFrame:
    """Check a long table for the trend models; return the needed columns, sorted."""
    if not isinstance(tidy_long, pd.DataFrame):
        raise ValueError(f"tidy_long: expected a DataFrame, got {type(tidy_long).__name__}")
    needed = ["year_end", "geo_code", *columns.values()]
    missing = [c for c in needed if c not in tidy_long.columns]
    if missing:
        raise ValueError(f"tidy_long: missing column(s) {missing}")
    df = tidy_long[list(dict.fromkeys(needed))].copy()
    if df.empty:
        raise ValueError("tidy_long: no rows")
    if (df["geo_code"].astype(str) == OSLO_CODE).any():
        raise ValueError(
            f'tidy_long: contains the Oslo total (geo_code "{OSLO_CODE}"); pass bydel rows only'
        )
    for role, col in {"year_end": "year_end", **columns}.items():
        num = pd.to_numeric(df[col], errors="coerce")
        bad = ~np.isfinite(num.to_numpy(dtype=float))
        if bad.any():
            row = df.index[np.flatnonzero(bad)[0]]
            raise ValueError(
                f'tidy_long: column "{col}" ({role}) has {int(bad.sum())} missing or non-numeric '
                f"value(s), first at index {row!r} (drop suppressed rows first)"
            )
        df[col] = num.astype(float)
    df["year_end"] = df["year_end"].astype(int)
    dup = df.duplicated(["geo_code", "year_end"])
    if dup.any():
        row = df.loc[dup].iloc[0]
        raise ValueError(
            f"tidy_long: more than one row for geo_code {row['geo_code']!r}, year_end "
            f"{row['year_end']} (filter to one indicator, sex and age group)"
        )
    bad_rank = (df[columns["rank"]] < 0) | (df[columns["rank"]] > 1)
    if bad_rank.any():
        raise ValueError(f'tidy_long: column "{columns["rank"]}" (rank) must lie in [0, 1]')
    pop = df[columns["population"]]
    if (pop <= 0).any():
        raise ValueError(
            f'tidy_long: column "{columns["population"]}" (population) must be > 0, got '
            f"{pop[pop <= 0].iloc[0]:g}"
        )
    if "count" in columns and (df[columns["count"]] < 0).any():
        raise ValueError(f'tidy_long: column "{columns["count"]}" (count) must be >= 0')
    n_groups = df["geo_code"].nunique()
    if n_groups < min_groups:
        raise ValueError(f"tidy_long: need at least {min_groups} bydeler, got {n_groups}")
    return df.sort_values(["year_end", "geo_code"]).reset_index(drop=True)


def trend_in_gap(
    tidy_long: pd.DataFrame,
    *,
    rank_col: str = "rank",
    population_col: str = "denominator",
    value_col: str = "value",
    count_col: str = "numerator",
    method: Literal["auto", "wls", "poisson"] = "auto",
    cov: Literal["cluster", "nonrobust"] = "cluster",
    confidence: float = 0.95,
) -> TrendResult:
    """Does the gradient on rank change over time? Fits value ~ rank * (year - reference_year).

    ``tidy_long``: bydel rows of one series (one indicator, sex, age group) for two or more years,
    with columns ``year_end``, ``geo_code``, the rank, the population (weights / offset), and the
    value or count; no missing values (drop suppressed rows first), no Oslo total.

    - ``method="wls"``: WLS of the value, weights = population. Slopes in indicator units.
    - ``method="poisson"``: Poisson GLM of the counts with offset log(population); slopes are log
      rate ratios (the relative gap). With ``cov="nonrobust"`` the standard errors are scaled by
      Pearson X²/df when the fit is overdispersed (quasi-Poisson).
    - ``method="auto"``: "poisson" when ``count_col`` exists and has no missing values, else "wls".

    ``cov="cluster"`` (default) uses cluster-robust standard errors by geo_code (statsmodels CR1
    with t on G - 1 df), because each bydel's residuals are correlated across years; this also
    absorbs overdispersion. ``cov="nonrobust"`` treats rows as independent.
    """
    _check_confidence(confidence)
    if method not in ("auto", "wls", "poisson"):
        raise ValueError(f'method: expected "auto", "wls" or "poisson", got {method!r}')
    if cov not in ("cluster", "nonrobust"):
        raise ValueError(f'cov: expected "cluster" or "nonrobust", got {cov!r}')
    if method == "auto":
        has_counts = (
            isinstance(tidy_long, pd.DataFrame)
            and count_col in tidy_long.columns
            and tidy_long[count_col].notna().all()
        )
        method = "poisson" if has_counts else "wls"
    response = {"count": count_col} if method == "poisson" else {"value": value_col}
    columns = {"rank": rank_col, "population": population_col, **response}
    df = _validate_panel(tidy_long, columns)
    years = tuple(sorted(df["year_end"].unique().tolist()))
    if len(years) < 2:
        raise ValueError(f"tidy_long: need at least 2 years, got {list(years)}")

    ref_year = (years[0] + years[-1]) / 2
    t = df["year_end"].to_numpy(dtype=float) - ref_year
    r = df[rank_col].to_numpy(dtype=float)
    exog = np.column_stack([np.ones(len(df)), r, t, r * t])
    groups = pd.factorize(df["geo_code"])[0]
    fit_kwargs: dict[str, Any] = (
        {"cov_type": "cluster", "cov_kwds": {"groups": groups}, "use_t": True}
        if cov == "cluster"
        else {}
    )
    dispersion = float("nan")
    if method == "wls":
        res = sm.WLS(df[value_col].to_numpy(), exog, weights=df[population_col].to_numpy()).fit(
            **fit_kwargs
        )
        model, scale = "wls", "value"
        params = np.asarray(res.params, dtype=float)
        se = float(res.bse[3])
        lo, hi = np.asarray(res.conf_int(alpha=1 - confidence))[3]
        p_value = float(res.pvalues[3])
    else:
        y = df[count_col].to_numpy(dtype=float)
        if y.sum() == 0:
            raise ValueError(f'tidy_long: column "{count_col}" (count) is all zero')
        offset = np.log(df[population_col].to_numpy(dtype=float))
        res = _fit_poisson(y, exog, offset, **fit_kwargs)
        dispersion, _, overdispersed = _dispersion(_fit_poisson(y, exog, offset))
        params = np.asarray(res.params, dtype=float)
        model, scale = "poisson", "log_rate"
        if cov == "nonrobust" and overdispersed:
            model = "quasipoisson"
            df_resid = float(res.df_resid)
            se = float(res.bse[3]) * np.sqrt(dispersion)
            q = float(stats.t.ppf(0.5 + confidence / 2, df_resid))
            lo, hi = params[3] - q * se, params[3] + q * se
            p_value = float(2 * stats.t.sf(abs(params[3]) / se, df_resid))
        else:
            se = float(res.bse[3])
            lo, hi = np.asarray(res.conf_int(alpha=1 - confidence))[3]
            p_value = float(res.pvalues[3])

    slope_ref, change = float(params[1]), float(params[3])
    if lo <= 0 <= hi or slope_ref == 0:
        narrowing = None
    else:
        narrowing = bool(np.sign(change) != np.sign(slope_ref))
    return TrendResult(
        slope_change=change,
        lower=float(lo),
        upper=float(hi),
        se=se,
        p_value=p_value,
        slope_reference=slope_ref,
        slope_first=slope_ref + change * (years[0] - ref_year),
        slope_last=slope_ref + change * (years[-1] - ref_year),
        reference_year=float(ref_year),
        narrowing=narrowing,
        scale=scale,
        model=model,
        cov=cov,
        dispersion=dispersion,
        n_groups=int(df["geo_code"].nunique()),
        n_years=len(years),
        n_obs=len(df),
        years=years,
        confidence=float(confidence),
    )


def sii_by_year(
    tidy_long: pd.DataFrame,
    *,
    rank_col: str = "rank",
    population_col: str = "denominator",
    value_col: str = "value",
    multiplier: float = 1.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per-year WLS slope of value on rank (SII on the value scale) with its interval, for a chart.

    Same input as ``trend_in_gap`` (bydel rows of one series, no missing values). Returns one row
    per year, sorted, with columns ``year_end, sii, lower, upper, se, slope, intercept, n_groups``:
    ``slope`` is the fitted value at rank 1 minus rank 0; ``sii = multiplier * slope`` as in
    PHEindicatormethods ``phe_sii`` (e.g. ``multiplier=-1`` for "most disadvantaged minus least");
    ``lower``/``upper`` bound ``sii`` (sorted) and ``se`` is its standard error. Each year needs at
    least 3 bydeler.
    """
    _check_confidence(confidence)
    if not (isinstance(multiplier, int | float) and np.isfinite(multiplier) and multiplier != 0):
        raise ValueError(f"multiplier: expected a non-zero number, got {multiplier!r}")
    cols = {"rank": rank_col, "population": population_col, "value": value_col}
    df = _validate_panel(tidy_long, cols)
    rows = []
    for year, part in df.groupby("year_end", sort=True):
        if len(part) < 3:
            raise ValueError(f"tidy_long: year {year} has {len(part)} bydeler, need at least 3")
        fit = weighted_linear_gradient(
            part[value_col], part[population_col], part[rank_col], confidence=confidence
        )
        bounds = sorted((multiplier * fit.lower, multiplier * fit.upper))
        rows.append(
            {
                "year_end": int(year),
                "sii": multiplier * fit.slope,
                "lower": bounds[0],
                "upper": bounds[1],
                "se": abs(multiplier) * fit.se,
                "slope": fit.slope,
                "intercept": fit.intercept,
                "n_groups": fit.n_groups,
            }
        )
    return pd.DataFrame(rows)
