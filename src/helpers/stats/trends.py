"""Whether the social gradient changes over time (statsmodels), on the midpoint cumulative
population rank of ``helpers.stats.models``:

- ``trend_in_gap``: value ~ rank * year (WLS, or Poisson with offset when counts exist),
  cluster-robust by bydel;
- ``sii_by_year``: the per-year WLS slope (SII on the value scale) with its interval, for a chart.

All functions are pure: DataFrames in, small results out. Bad arguments raise ``ValueError``
naming the argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.config import OSLO_CODE
from helpers.stats.models import (
    _check_confidence,
    _dispersion,
    _fit_poisson,
    _ResultRow,
    weighted_linear_gradient,
)


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
