"""Tests for helpers.stats.models (gradient models with statsmodels).

All data here are synthetic (seeded numpy draws from known models, or tiny hand-made numbers),
except the PHE reference case in tests/fixtures/reference_cases.json (origin in
reference_cases.README.md); none of
them are Oslo's numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from helpers.stats.models import poisson_gradient, weighted_linear_gradient
from helpers.stats.ranks import midpoint_rank
from helpers.stats.trends import sii_by_year, trend_in_gap

REFERENCE_CASES = Path(__file__).parents[1] / "fixtures" / "reference_cases.json"


# ---------------------------------------------------------------------------------------------
# Synthetic data generators (labelled synthetic; seeded)
# ---------------------------------------------------------------------------------------------
def synthetic_counts(
    seed: int, *, rate_ratio: float = 0.4, n: int = 15, base_rate: float = 0.05, alpha: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SYNTHETIC: counts ~ Poisson(pop * base_rate * rate_ratio**rank), ranks from the populations.

    With ``alpha > 0`` each group's rate is multiplied by a Gamma(1/alpha, alpha) factor (mean 1,
    variance alpha), which makes the counts negative binomial (NB2) and overdispersed.
    """
    rng = np.random.default_rng(seed)
    pop = rng.integers(20_000, 60_000, n).astype(float)
    rank = midpoint_rank(pop)
    mu = pop * base_rate * rate_ratio**rank
    if alpha > 0:
        mu = mu * rng.gamma(1 / alpha, alpha, n)
    return rng.poisson(mu).astype(float), pop, rank


def synthetic_panel(
    seed: int,
    *,
    slope_change: float,
    kind: str = "wls",
    years: range = range(2015, 2024),
    n: int = 15,
    bydel_sd: float = 1.0,
    noise_sd: float = 0.5,
) -> pd.DataFrame:
    """SYNTHETIC panel of n bydeler over ``years`` whose gradient changes by a known amount a year.

    "wls": value = 12 + (-8 + slope_change * (year - mid)) * rank + bydel effect + noise.
    "poisson": numerator ~ Poisson(pop * 0.05 * exp((log 0.4 + slope_change * (year - mid)) * rank
    + bydel effect)), value = 100 * numerator / pop. ``mid`` is the middle of the year range.
    """
    rng = np.random.default_rng(seed)
    pop = rng.integers(20_000, 60_000, n).astype(float)
    rank = midpoint_rank(pop)
    bydel = rng.normal(0, bydel_sd, n)
    mid = (years[0] + years[-1]) / 2
    frames = []
    for year in years:
        frame = pd.DataFrame(
            {
                "year_end": year,
                "geo_code": [f"0301{i + 1:02d}" for i in range(n)],
                "denominator": pop,
                "rank": rank,
            }
        )
        if kind == "wls":
            slope = -8 + slope_change * (year - mid)
            frame["value"] = 12 + slope * rank + bydel + rng.normal(0, noise_sd, n)
        else:
            log_rr = np.log(0.4) + slope_change * (year - mid)
            counts = rng.poisson(pop * 0.05 * np.exp(log_rr * rank + bydel)).astype(float)
            frame["numerator"] = counts
            frame["value"] = 100 * counts / pop
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def wls_closed_form(y: np.ndarray, w: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    """Textbook weighted least squares: slope, intercept and the slope's standard error."""
    xm = np.sum(w * x) / np.sum(w)
    ym = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * (y - ym)) / sxx
    intercept = ym - slope * xm
    resid = y - intercept - slope * x
    sigma2 = np.sum(w * resid**2) / (len(y) - 2)
    return float(slope), float(intercept), float(np.sqrt(sigma2 / sxx))


# ---------------------------------------------------------------------------------------------
# midpoint_rank
# ---------------------------------------------------------------------------------------------
def test_midpoint_rank_by_hand():
    """Populations 1, 1, 2 → shares 1/4, 1/4, 1/2 → midpoints 1/8, 3/8, 3/4 (worked by hand)."""
    np.testing.assert_allclose(midpoint_rank([1, 1, 2]), [0.125, 0.375, 0.75])


@pytest.mark.parametrize("pop", [[1, 0, 2], [1, np.nan], []])
def test_midpoint_rank_rejects_bad_population(pop):
    """Zero, missing or no population: the rank is undefined."""
    with pytest.raises(ValueError, match="population"):
        midpoint_rank(pop)


# ---------------------------------------------------------------------------------------------
# poisson_gradient
# ---------------------------------------------------------------------------------------------
def test_poisson_two_groups_equals_hand_computation():
    """Hand check: 2 groups at ranks 0.25 and 0.75; the saturated Poisson fit reproduces the rates.

    r1 = 30/1000 = 0.03, r2 = 90/1500 = 0.06, so rate ratio = (r2/r1)^(1/0.5) = 2^2 = 4, and
    var(log r_i) = 1/count_i gives se(slope) = sqrt(1/30 + 1/90) / 0.5.
    """
    res = poisson_gradient([30, 90], [1000, 1500], [0.25, 0.75])
    r1, r2 = 30 / 1000, 90 / 1500
    assert res.rate_ratio == pytest.approx((r2 / r1) ** (1 / 0.5), rel=1e-8)
    assert res.rate_ratio == pytest.approx(4.0, rel=1e-8)
    assert res.se == pytest.approx(np.sqrt(1 / 30 + 1 / 90) / 0.5, rel=1e-6)
    z = 1.959963984540054
    assert res.lower == pytest.approx(4.0 * np.exp(-z * res.se), rel=1e-6)
    assert res.upper == pytest.approx(4.0 * np.exp(z * res.se), rel=1e-6)
    np.testing.assert_allclose(res.fitted, [r1, r2], rtol=1e-8)
    assert res.model == "poisson" and not res.overdispersed and np.isnan(res.dispersion)
    assert res.n_groups == 2


def test_poisson_matches_direct_likelihood_maximisation():
    """Point estimate and Pearson dispersion agree with an independent fit by scipy.optimize.

    Synthetic Poisson counts (seed 11); the log-likelihood sum(y*eta - exp(eta)) with
    eta = log(pop) + b0 + b1*rank is maximised numerically and X² = sum((y - mu)^2 / mu).
    """
    y, pop, rank = synthetic_counts(11)

    def negloglik(b):
        eta = np.log(pop) + b[0] + b[1] * rank
        return -np.sum(y * eta - np.exp(eta))

    opt = optimize.minimize(negloglik, x0=[np.log(y.sum() / pop.sum()), 0.0], method="BFGS")
    res = poisson_gradient(y, pop, rank)
    assert res.slope == pytest.approx(opt.x[1], abs=1e-4)
    assert res.intercept == pytest.approx(opt.x[0], abs=1e-4)
    mu = pop * np.exp(opt.x[0] + opt.x[1] * rank)
    assert res.dispersion == pytest.approx(np.sum((y - mu) ** 2 / mu) / (len(y) - 2), rel=1e-3)


def test_poisson_recovers_known_rate_ratio():
    """Synthetic Poisson counts with true rate ratio 0.4 (seed 2030): the CI covers 0.4."""
    y, pop, rank = synthetic_counts(2030, rate_ratio=0.4)
    res = poisson_gradient(y, pop, rank)
    assert res.lower <= 0.4 <= res.upper
    assert res.lower <= res.rate_ratio <= res.upper
    assert res.rate_ratio == pytest.approx(0.4, rel=0.1)
    assert res.n_groups == 15


@pytest.mark.parametrize(
    ("alpha", "overdispersion"),
    [(0.0, "quasipoisson"), (0.02, "quasipoisson")],
)
def test_poisson_interval_coverage(alpha, overdispersion):
    """Synthetic, 200 seeded replicates (true rate ratio 0.4): about 95 % of 95 % CIs cover 0.4.

    Bounds [0.90, 0.99] are about ±3 binomial standard errors (sqrt(.95*.05/200) = 0.015) around
    0.95. With alpha = 0.02 the counts are overdispersed, so this checks the quasi-Poisson scaling.
    """
    hits = 0
    for seed in range(200):
        y, pop, rank = synthetic_counts(seed, alpha=alpha)
        res = poisson_gradient(y, pop, rank, overdispersion=overdispersion)
        hits += res.lower <= 0.4 <= res.upper
    assert 0.90 <= hits / 200 <= 0.99


def test_overdispersion_flag_on_overdispersed_data():
    """Synthetic NB2 counts (alpha 0.02, seed 7): flagged, refitted as quasi-Poisson, CI wider."""
    y, pop, rank = synthetic_counts(7, alpha=0.02)
    res = poisson_gradient(y, pop, rank)
    assert res.overdispersed and res.dispersion > 1.5
    assert res.model == "quasipoisson"
    assert res.lower <= 0.4 <= res.upper
    # The quasi-Poisson SE is the Poisson SE, recomputed here from the Fisher information
    # sum(mu * x x'), times sqrt(dispersion).
    mu = pop * np.exp(res.intercept + res.slope * rank)
    info = np.array([[mu.sum(), (mu * rank).sum()], [(mu * rank).sum(), (mu * rank**2).sum()]])
    se_poisson = np.sqrt(np.linalg.inv(info)[1, 1])
    assert res.se == pytest.approx(se_poisson * np.sqrt(res.dispersion), rel=1e-4)


def test_overdispersion_flag_not_on_poisson_data():
    """Synthetic Poisson counts (seed 2030) are not flagged; over 200 seeds the false-positive
    rate of the 5 % chi-square test stays below 10 % (binomial SE 1.5 %)."""
    y, pop, rank = synthetic_counts(2030)
    res = poisson_gradient(y, pop, rank)
    assert not res.overdispersed and res.model == "poisson"
    flagged = sum(poisson_gradient(*synthetic_counts(s)).overdispersed for s in range(200))
    assert flagged / 200 < 0.10


def test_negative_binomial_option():
    """Synthetic NB2 counts (alpha 0.02, seed 7): NB fit gives alpha > 0 and its CI covers 0.4."""
    y, pop, rank = synthetic_counts(7, alpha=0.02)
    res = poisson_gradient(y, pop, rank, overdispersion="negative_binomial")
    assert res.model == "negative_binomial"
    assert 0 < res.alpha < 0.2
    assert res.lower <= 0.4 <= res.upper


def test_poisson_fitted_keeps_index_and_multiplier():
    """fitted is the rate per group times multiplier, on the input Series' index (hand check:
    2 groups are fitted exactly, 30/1000*100 = 3 and 90/1500*100 = 6)."""
    idx = pd.Index(["030101", "030102"], name="geo_code")
    res = poisson_gradient(
        pd.Series([30, 90], index=idx), [1000, 1500], [0.25, 0.75], multiplier=100
    )
    assert list(res.fitted.index) == list(idx)
    np.testing.assert_allclose(res.fitted.to_numpy(), [3.0, 6.0], rtol=1e-8)
    assert set(res.as_row()) >= {"rate_ratio", "lower", "upper", "slope", "se", "dispersion"}


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"counts": [1, 2], "population": [10, 20, 30], "rank": [0.1, 0.5, 0.9]}, "same length"),
        ({"counts": [1, np.nan, 3], "population": [10, 20, 30], "rank": [0.1, 0.5, 0.9]}, "counts"),
        ({"counts": [1, -2, 3], "population": [10, 20, 30], "rank": [0.1, 0.5, 0.9]}, "counts"),
        ({"counts": [0, 0, 0], "population": [10, 20, 30], "rank": [0.1, 0.5, 0.9]}, "counts"),
        ({"counts": [1, 2, 3], "population": [10, 0, 30], "rank": [0.1, 0.5, 0.9]}, "population"),
        ({"counts": [1, 2, 3], "population": [10, -5, 30], "rank": [0.1, 0.5, 0.9]}, "population"),
        ({"counts": [1, 2, 3], "population": [10, 20, 30], "rank": [0.1, 0.5, 1.2]}, "rank"),
        ({"counts": [1, 2, 3], "population": [10, 20, 30], "rank": [0.5, 0.5, 0.5]}, "rank"),
        ({"counts": [1], "population": [10], "rank": [0.5]}, "at least 2"),
    ],
)
def test_poisson_validates_inputs(kwargs, argument):
    """Bad inputs raise ValueError naming the argument (hand-made invalid inputs)."""
    with pytest.raises(ValueError, match=argument):
        poisson_gradient(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"confidence": 1.5}, "confidence"), ({"overdispersion": "x"}, "over")]
)
def test_poisson_validates_options(kwargs, argument):
    """Out-of-range confidence and unknown overdispersion choice are rejected."""
    with pytest.raises(ValueError, match=argument):
        poisson_gradient([1, 2, 3], [10, 20, 30], [0.1, 0.5, 0.9], **kwargs)


# ---------------------------------------------------------------------------------------------
# weighted_linear_gradient
# ---------------------------------------------------------------------------------------------
def test_wls_matches_numpy_closed_form():
    """Synthetic values (seed 3) vs the textbook WLS formulas (wls_closed_form) and a t interval."""
    rng = np.random.default_rng(3)
    w = rng.integers(10_000, 60_000, 15).astype(float)
    x = midpoint_rank(w)
    y = 20 - 9 * x + rng.normal(0, 1, 15)
    slope, intercept, se = wls_closed_form(y, w, x)
    res = weighted_linear_gradient(y, w, x, confidence=0.9)
    assert res.slope == pytest.approx(slope, rel=1e-10)
    assert res.intercept == pytest.approx(intercept, rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-10)
    t = 1.7709333959867  # qt(0.95, 13)
    assert res.lower == pytest.approx(slope - t * se, rel=1e-8)
    assert res.upper == pytest.approx(slope + t * se, rel=1e-8)
    np.testing.assert_allclose(res.fitted, intercept + slope * x, rtol=1e-10)


def test_wls_matches_phe_sii_reference_case():
    """PHEindicatormethods phe_sii, testdata_SII.xlsx RecordNo 1-10 (reference case
    phe_sii_normal_area1): deterministic SII 6.934616… and intercept 78.07663…, rel tol 1e-6."""
    case = next(
        c for c in json.loads(REFERENCE_CASES.read_text()) if c["id"] == "phe_sii_normal_area1"
    )
    inputs = case["inputs"]
    order = np.argsort(inputs["quantile"])
    pop = np.asarray(inputs["population"])[order]
    value = np.asarray(inputs["value"])[order]
    res = weighted_linear_gradient(value, pop, midpoint_rank(pop))
    assert res.slope == pytest.approx(case["expected"]["sii"], rel=1e-6)
    assert res.intercept == pytest.approx(case["expected"]["intercept"], rel=1e-6)


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        (([1.0, 2.0, 3.0], [1, 0, 1], [0.1, 0.5, 0.9]), "weight"),
        (([1.0, np.inf, 3.0], [1, 1, 1], [0.1, 0.5, 0.9]), "value"),
        (([1.0, 2.0], [1, 1], [0.2, 0.8]), "at least 3"),
        (([1.0, 2.0, 3.0], [1, 1], [0.1, 0.5, 0.9]), "same length"),
        (([1.0, 2.0, 3.0], [1, 1, 1], [0.1, -0.5, 0.9]), "rank"),
    ],
)
def test_wls_validates_inputs(args, argument):
    """Bad inputs raise ValueError naming the argument (hand-made invalid inputs)."""
    with pytest.raises(ValueError, match=argument):
        weighted_linear_gradient(*args)


# ---------------------------------------------------------------------------------------------
# trend_in_gap and sii_by_year
# ---------------------------------------------------------------------------------------------
def test_trend_noise_free_recovers_exact_change():
    """Synthetic noise-free panel: value = 12 + (-8 + 0.3 (year - 2019)) rank exactly, so the
    fitted interaction is 0.3 and the slopes in 2015 / 2023 are -9.2 / -6.8 (by hand)."""
    df = synthetic_panel(1, slope_change=0.3, bydel_sd=0.0, noise_sd=0.0)
    res = trend_in_gap(df, method="wls")
    assert res.slope_change == pytest.approx(0.3, abs=1e-9)
    assert res.slope_first == pytest.approx(-8 - 0.3 * 4, abs=1e-8)
    assert res.slope_last == pytest.approx(-8 + 0.3 * 4, abs=1e-8)
    assert res.reference_year == 2019
    assert res.years == tuple(range(2015, 2024)) and res.n_obs == 15 * 9


@pytest.mark.parametrize(("change", "expected"), [(0.4, True), (-0.4, False), (0.0, None)])
def test_trend_narrowing_wls(change, expected):
    """Synthetic panels (seed 5) with slope -8 at the middle year changing by +0.4 (toward 0:
    narrowing), -0.4 (away from 0: widening) or 0 a year; the CI covers the true change."""
    df = synthetic_panel(5, slope_change=change)
    res = trend_in_gap(df)
    assert res.model == "wls" and res.scale == "value" and res.cov == "cluster"
    assert res.lower <= change <= res.upper
    assert res.narrowing is expected


def test_trend_poisson_auto_with_counts():
    """Synthetic count panel (seed 8): log rate ratio -0.92 at the middle year rising 0.05 a year
    (the relative gap narrows); numerator present, so method "auto" picks Poisson."""
    df = synthetic_panel(8, slope_change=0.05, kind="poisson", bydel_sd=0.1)
    res = trend_in_gap(df)
    assert res.model == "poisson" and res.scale == "log_rate"
    assert res.lower <= 0.05 <= res.upper
    assert res.narrowing is True
    nonrobust = trend_in_gap(df, cov="nonrobust")
    assert nonrobust.model == "quasipoisson" and nonrobust.dispersion > 1.5
    assert nonrobust.lower <= 0.05 <= nonrobust.upper


def test_trend_cluster_interval_coverage():
    """Synthetic, 200 seeded WLS panels with bydel effects (true change 0.3): coverage of the
    cluster-robust 95 % CI lies in [0.88, 0.99] (about ±3 binomial SE; CR1 is slightly liberal
    with 15 clusters)."""
    hits = sum(
        (lambda r: r.lower <= 0.3 <= r.upper)(trend_in_gap(synthetic_panel(s, slope_change=0.3)))
        for s in range(200)
    )
    assert 0.88 <= hits / 200 <= 0.99


def test_trend_validates_inputs():
    """Hand-modified synthetic panels: Oslo rows, duplicates, missing values, one year, too few
    bydeler and bad options are rejected with a message naming the problem."""
    df = synthetic_panel(1, slope_change=0.1)
    with_oslo = pd.concat([df, df.iloc[[0]].assign(geo_code="0301")], ignore_index=True)
    with pytest.raises(ValueError, match="Oslo"):
        trend_in_gap(with_oslo)
    with pytest.raises(ValueError, match="more than one row"):
        trend_in_gap(pd.concat([df, df.iloc[[0]]], ignore_index=True))
    with pytest.raises(ValueError, match='"value"'):
        trend_in_gap(df.assign(value=df["value"].where(df.index != 3)))
    with pytest.raises(ValueError, match="2 years"):
        trend_in_gap(df[df["year_end"] == 2020])
    with pytest.raises(ValueError, match="at least 3 bydeler"):
        trend_in_gap(df[df["geo_code"].isin(["030101", "030102"])])
    with pytest.raises(ValueError, match="missing column"):
        trend_in_gap(df.drop(columns="rank"))
    with pytest.raises(ValueError, match="population"):
        trend_in_gap(df.assign(denominator=0.0))
    with pytest.raises(ValueError, match="method"):
        trend_in_gap(df, method="ols")
    with pytest.raises(ValueError, match="cov"):
        trend_in_gap(df, cov="hc3")


def test_sii_by_year_matches_closed_form():
    """Synthetic panel (seed 4): each year's slope equals the textbook WLS slope of that year;
    with multiplier -1 the SII is -slope and its bounds are swapped (phe_sii's multiplier)."""
    df = synthetic_panel(4, slope_change=0.2)
    out = sii_by_year(df)
    assert list(out.columns) == [
        "year_end",
        "sii",
        "lower",
        "upper",
        "se",
        "slope",
        "intercept",
        "n_groups",
    ]
    assert out["year_end"].tolist() == list(range(2015, 2024))
    for row in out.itertuples():
        part = df[df["year_end"] == row.year_end]
        slope, intercept, se = wls_closed_form(
            part["value"].to_numpy(), part["denominator"].to_numpy(), part["rank"].to_numpy()
        )
        assert row.slope == pytest.approx(slope, rel=1e-10)
        assert row.sii == pytest.approx(slope, rel=1e-10)
        assert row.intercept == pytest.approx(intercept, rel=1e-10)
        assert row.se == pytest.approx(se, rel=1e-10)
        assert row.lower < row.sii < row.upper
    flipped = sii_by_year(df, multiplier=-1)
    np.testing.assert_allclose(flipped["sii"], -out["sii"])
    np.testing.assert_allclose(flipped["lower"], -out["upper"])
    np.testing.assert_allclose(flipped["upper"], -out["lower"])
    with pytest.raises(ValueError, match="multiplier"):
        sii_by_year(df, multiplier=0)
