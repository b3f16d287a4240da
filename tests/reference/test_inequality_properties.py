"""Property tests (hypothesis) for helpers.stats on synthetic data.

The data are synthetic: drawn by the strategies below (labelled ``synthetic_*``), never Oslo's.
The properties follow from the definitions in PHEindicatormethods (phe_sii, Wilson, Byars, DSR)
and healthequal (WHO HEAT) as summarised in the shared reference-cases METHODS.md: reversing the
group order mirrors the ranks (r → 1 − r), so slopes change sign; relative measures do not
depend on the unit; equal groups show no inequality; intervals contain their estimates.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import stats as iq

SETTINGS = settings(max_examples=40, deadline=None)
REPS = 2_000


@st.composite
def synthetic_groups(draw, min_size: int = 3, max_size: int = 15, lo: float = 5, hi: float = 95):
    """Synthetic groups: values in [lo, hi], populations 50-100 000, SEs 0.1-3 (not real data)."""
    n = draw(st.integers(min_size, max_size))
    values = draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n))
    pops = draw(st.lists(st.floats(50, 100_000), min_size=n, max_size=n))
    ses = draw(st.lists(st.floats(0.1, 3), min_size=n, max_size=n))
    return np.array(values), np.array(pops), np.array(ses)


synthetic_scale = st.floats(0.01, 1000)
synthetic_seed = st.integers(0, 2**32 - 1)


@SETTINGS
@given(synthetic_groups())
def test_phe_sii_changes_sign_when_order_reversed(groups):
    """phe_sii: reversing the quantile order maps ranks b → 1 − b, so the slope changes sign."""
    v, p, s = groups
    fwd = iq.sii(v, p, se=s, repetitions=REPS, seed=1)
    rev = iq.sii(v[::-1], p[::-1], se=s[::-1], repetitions=REPS, seed=1)
    assert rev.sii == pytest.approx(-fwd.sii, rel=1e-9, abs=1e-9)


@SETTINGS
@given(synthetic_groups(lo=1, hi=99))
def test_heat_sii_changes_sign_when_order_reversed(groups):
    """healthequal sii: the logit model on ranks 1 − r has slope −b1 and intercept b0 + b1, so
    SII = expit(b0) − expit(b0 + b1) changes sign; ACI changes sign too. Populations are
    raised to at least 1 000 so that no rounded count is 0 or the whole group (where the
    logistic fit separates and has no finite maximum)."""
    v, p, _ = groups
    p = p + 1000
    order = np.arange(1, len(v) + 1)
    fwd = iq.heat_sii(v, p, subgroup_order=order, scaleval=100)
    rev = iq.heat_sii(v, p, subgroup_order=order[::-1], scaleval=100)
    assert rev.estimate == pytest.approx(-fwd.estimate, rel=1e-6, abs=1e-8)
    assert rev.se == pytest.approx(fwd.se, rel=1e-6, abs=1e-10)
    a_fwd = iq.aci(v, p, subgroup_order=order)
    a_rev = iq.aci(v, p, subgroup_order=order[::-1])
    assert a_rev.estimate == pytest.approx(-a_fwd.estimate, rel=1e-9, abs=1e-9)


@SETTINGS
@given(synthetic_groups(), synthetic_scale)
def test_phe_rii_invariant_to_scaling_values(groups, c):
    """phe_sii (no transform): scaling every value by c > 0 scales b0 and b1 by c, so
    RII = (b0 + b1)/b0 is unchanged and SII scales by c."""
    v, p, s = groups
    base = iq.sii(v, p, se=s, repetitions=REPS, seed=2)
    scaled = iq.sii(c * v, p, se=c * s, repetitions=REPS, seed=2)
    assert scaled.rii == pytest.approx(base.rii, rel=1e-9)
    assert scaled.sii == pytest.approx(c * base.sii, rel=1e-9, abs=1e-9)


@SETTINGS
@given(synthetic_groups(), synthetic_scale)
def test_rci_invariant_to_scaling_values(groups, c):
    """healthequal rci: est/μ is unchanged by scaling est, so the RCI and its SE are unchanged."""
    v, p, _ = groups
    base = iq.rci(v, p)
    scaled = iq.rci(c * v, p)
    assert scaled.estimate == pytest.approx(base.estimate, rel=1e-7, abs=1e-12)
    assert scaled.se == pytest.approx(base.se, rel=1e-6, abs=1e-12)


@SETTINGS
@given(
    st.integers(3, 15),
    st.integers(1, 99),
    st.lists(st.integers(1, 1000), min_size=15, max_size=15),
)
def test_equal_groups_show_no_inequality(n, level, hundreds):
    """Synthetic equal groups: every difference measure is 0, every ratio measure 1. Populations
    are whole hundreds so that HEAT's rounded counts round(est/100·pop) are exact and the
    groups stay equal after rounding."""
    v = np.full(n, float(level))
    p = 100.0 * np.array(hundreds[:n])
    se = np.full(n, 1.0)
    order = np.arange(1, n + 1)
    phe = iq.sii(v, p, se=se, repetitions=REPS, seed=3)
    assert phe.sii == pytest.approx(0, abs=1e-9)
    assert phe.rii == pytest.approx(1, abs=1e-12)
    heat = {"subgroup_order": order, "scaleval": 100}  # est = 1 would auto-scale to 0-1
    assert iq.heat_sii(v, p, **heat).estimate == pytest.approx(0, abs=1e-9)
    assert iq.heat_rii(v, p, **heat).estimate == pytest.approx(1, abs=1e-9)
    for f in (iq.aci, iq.rci, iq.bgv, iq.bgsd, iq.mld, iq.theil, iq.idisu, iq.idisw, iq.mdbu,
              iq.mdbw, iq.mdmu, iq.mdmw, iq.paf, iq.par, iq.d):  # fmt: skip
        assert f(v, p, subgroup_order=order).estimate == pytest.approx(0, abs=1e-9), f.__name__
    assert iq.mdru(v, p, reference_subgroup=0).estimate == 0
    assert iq.mdrw(v, p, reference_subgroup=0).estimate == 0
    assert iq.r(v, p, subgroup_order=order).estimate == pytest.approx(1)


@SETTINGS
@given(synthetic_groups(lo=50, hi=90, max_size=12), synthetic_seed)
def test_phe_sii_intervals_contain_estimates(groups, seed):
    """phe_sii's simulated limits (value_type 0, values far from 0 so b0 is never near 0)
    contain the SII and RII."""
    v, p, s = groups
    res = iq.sii(v, p, se=s, repetitions=REPS, seed=seed)
    assert res.sii_lower <= res.sii <= res.sii_upper
    assert res.rii_lower <= res.rii <= res.rii_upper


@SETTINGS
@given(synthetic_groups(lo=1, hi=60, max_size=12), synthetic_seed, st.booleans())
def test_phe_sii_transform_intervals_contain_estimates(groups, seed, rate):
    """phe_sii with transform=True maps the slope quantiles around the midpoint; since the
    simulated log/logit slopes are centred on b1, the limits contain SII and RII."""
    v, p, s = groups
    x = v / 100 if not rate else v
    res = iq.sii(
        x, p, value_type=2 if not rate else 1, transform=True,
        lower_cl=x * 0.8, upper_cl=x * 1.2, repetitions=REPS, seed=seed,
    )  # fmt: skip
    assert res.sii_lower <= res.sii <= res.sii_upper
    assert res.rii_lower <= res.rii <= res.rii_upper


@SETTINGS
@given(synthetic_groups(lo=0.5, hi=99.5), st.floats(0.5, 0.999))
def test_heat_intervals_contain_estimates(groups, level):
    """healthequal's analytic intervals (SII, RII, ACI, RCI, PAF, PAR, BGV, MLD, Theil, D, R)
    contain their estimates at any confidence level. Populations start at 1 000 so that the
    logistic fit never separates."""
    v, p, s = groups
    p = p + 1000
    order = np.arange(1, len(v) + 1)
    for f in (iq.heat_sii, iq.heat_rii, iq.aci, iq.rci, iq.paf, iq.par, iq.bgv, iq.mld,
              iq.theil, iq.d, iq.r):  # fmt: skip
        res = f(v, p, se=s, subgroup_order=order, conf_level=level, scaleval=100)
        assert res.lowerci <= res.estimate <= res.upperci, f.__name__


@SETTINGS
@given(
    st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1)), min_size=1, max_size=10),
    st.floats(0.9, 0.999),
)
def test_wilson_contains_proportion(pairs, level):
    """Wilson score limits (synthetic x ≤ n) contain x/n and stay within [0, 1]."""
    n = np.array([a for a, _ in pairs]) + 1
    x = n * np.array([b for _, b in pairs])
    lo, hi = iq.wilson(x, n, level)
    assert np.all(lo <= x / n + 1e-12) and np.all(x / n <= hi + 1e-12)
    assert np.all(lo >= -1e-12) and np.all(hi <= 1 + 1e-12)


@SETTINGS
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=10), st.floats(0.9, 0.999))
def test_poisson_limits_contain_count(xs, level):
    """Byars' and exact Poisson limits (synthetic counts) contain the count; Byars' lower is
    NaN only where it would be negative or x = 0."""
    x = np.array(xs)
    for lo, hi in (iq.exact_poisson(x, level), iq.byars(x, level)):
        ok = ~np.isnan(lo)
        assert np.all(lo[ok] <= x[ok] + 1e-9 * (1 + x[ok])) and np.all(x <= hi)
    rates = iq.rate(x, np.full(len(x), 1000.0), confidence=level)
    assert np.all(rates["lower"] <= rates["value"] + 1e-9) and np.all(
        rates["value"] <= rates["upper"]
    )


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 500), st.floats(100, 1e5)), min_size=19, max_size=19),
    st.floats(0.9, 0.999),
)
def test_dsr_interval_contains_value(bands, level):
    """Dobson limits (synthetic 19-band counts and populations, ESP2013) contain the DSR
    whenever the total count is at least 10 (NaN otherwise)."""
    count = [c for c, _ in bands]
    pop = [p for _, p in bands]
    res = iq.dsr(count, pop, confidence=level)
    if sum(count) < 10:
        assert math.isnan(res.value)
    else:
        assert res.lower <= res.value <= res.upper
