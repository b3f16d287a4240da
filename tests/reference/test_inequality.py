"""Tests for helpers.stats: reference cases from the R packages, hand checks, bad input.

Reference numbers come from tests/fixtures/reference_cases.json, an unchanged copy of the shared
reference cases (see tests/fixtures/reference_cases.README.md): PHEindicatormethods
(ukhsa-collaboration/PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d) and
healthequal (WHOequity/healthequal@3e7e0406a7eda3cbc7398fe1260d48ebad8fec4c). Hand checks use
small numbers whose results follow from the published formulas with pencil and paper.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import special

from helpers import stats as iq
from helpers.config import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "reference_cases.json"
CASES = {c["id"]: c for c in json.loads(FIXTURE.read_text(encoding="utf-8"))}

PHE = "ukhsa-collaboration/PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d"
HEQ = "WHOequity/healthequal@3e7e0406a7eda3cbc7398fe1260d48ebad8fec4c"

SIM_SEED = 20230415  # any fixed seed; simulated limits are compared at 5 % relative
SIM_REL = 0.05

# which test covers each case; test_every_reference_case_is_covered keeps this complete
SII_CASES = ["phe_sii_normal_area1", "phe_sii_rate_area1", "phe_sii_rate_logtransform_area1"]
HEAT_CASES = {
    "heq_sii_ordered": iq.heat_sii,
    "heq_aci_ordered": iq.aci,
    "heq_paf_ordered": iq.paf,
    "heq_bgv_nonordered": iq.bgv,
    "heq_mld_nonordered": iq.mld,
    "heq_mdbu_nonordered": iq.mdbu,
}
OTHER_CASES = [
    "phe_dsr_esp2013_testdata_big",
    "phe_wilson_direct_95",
    "phe_byars_direct_95",
    "phe_rate_per100000",
]


def _rel(case: dict, default: float = 1e-6) -> float:
    """The relative tolerance a case states (its own test's), else ``default``."""
    tol = case["tolerance"]
    text = json.dumps(tol)
    for token in ("1e-3", "1e-4", "1e-6"):
        if f"rel {token}" in text or f"tolerance={token}" in text:
            return float(token)
    return default


def _close(actual: float, expected: float, rel: float, what: str, case: dict) -> None:
    assert actual == pytest.approx(expected, rel=rel), (
        f"{case['id']} {what}: got {actual!r}, expected {expected!r} (rel {rel}); "
        f"source: {case['source']}"
    )


def test_fixture_is_the_shared_copy():
    """The fixture is an unchanged copy of the shared cases.json (13 cases, sha256 in README)."""
    import hashlib

    digest = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    readme = (FIXTURE.parent / "reference_cases.README.md").read_text(encoding="utf-8")
    assert digest in readme
    assert len(CASES) == 13


def test_every_reference_case_is_covered():
    """Every case in reference_cases.json is checked by one of the tests below."""
    covered = set(SII_CASES) | set(HEAT_CASES) | set(OTHER_CASES)
    assert covered == set(CASES)


# --------------------------------------------------------------------------------------------
# PHE phe_sii
# --------------------------------------------------------------------------------------------


def _sii_case(case: dict, levels: list[float], **override) -> tuple:
    i = case["inputs"]
    kwargs = dict(
        value_type=i["value_type"],
        lower_cl=i["lower_cl"],
        upper_cl=i["upper_cl"],
        transform=i["transform"],
        multiplier=i["multiplier"],
        confidence=levels,
        repetitions=100_000,
        seed=SIM_SEED,
    )
    kwargs.update(override)
    return iq.sii(i["value"], i["population"], **kwargs)


@pytest.mark.parametrize("case_id", SII_CASES)
def test_phe_sii_point_estimates(case_id):
    """SII, RII and intercept from phe_sii test data: PHEindicatormethods@093fd288d8f8949dbcf
    bed70049dbbf385b6141d, tests/testthat/testdata_SII.xlsx (used by tests/testthat/testSII.R);
    the rows are named in each case's ``source``. Deterministic, rel 1e-6."""
    case = CASES[case_id]
    res = _sii_case(case, [0.95])[0]
    for key in case["deterministic"]:
        _close(getattr(res, key), case["expected"][key], case["tolerance"][key], key, case)


@pytest.mark.parametrize("case_id", SII_CASES)
def test_phe_sii_simulated_limits(case_id):
    """Simulated SII/RII limits at every level the case gives (0.95, 0.98, 0.99) from
    PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d tests/testthat/testdata_SII.xlsx
    (testSII.R compares them at testthat tolerance 0.05); here 100 000 draws, fixed seed, 5 %."""
    case = CASES[case_id]
    ci = case["expected"]["ci"]
    levels = [float(k) for k in ci]
    results = _sii_case(case, levels)
    for level, res in zip(levels, results, strict=True):
        assert res.confidence == level
        for key, expected in ci[str(level)].items():
            _close(getattr(res, key), expected, SIM_REL, f"{key} at {level}", case)


def test_phe_sii_supplied_se_matches_limits_from_cls():
    """phe_sii_rate_area1 (PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d,
    testdata_SII.xlsx rows 71-80): its ``se`` column is the log-scale SE, so supplying it gives
    the same point estimates and, with the same seed, the same limits as the CLs (to 1e-5: the
    sheet's se column was rounded slightly differently)."""
    case = CASES["phe_sii_rate_area1"]
    i = case["inputs"]
    from_cl = _sii_case(case, 0.95)
    from_se = iq.sii(i["value"], i["population"], value_type=1, se=i["se"], seed=SIM_SEED)
    assert from_se.sii == pytest.approx(case["expected"]["sii"], rel=1e-6)
    for key in ("sii_lower", "sii_upper", "rii_lower", "rii_upper"):
        assert getattr(from_se, key) == pytest.approx(getattr(from_cl, key), rel=1e-5)


def test_phe_sii_transform_refuses_se():
    """phe_sii forbids ``se`` with transform=TRUE (reference-cases METHODS.md, se_note of
    phe_sii_rate_logtransform_area1 from PHEindicatormethods@093fd288...)."""
    i = CASES["phe_sii_rate_logtransform_area1"]["inputs"]
    with pytest.raises(ValueError, match=r"^se:"):
        iq.sii(i["value"], i["population"], value_type=1, se=i["se"], transform=True)


def test_phe_sii_negative_multiplier_flips_sii_and_inverts_rii():
    """Negative multiplier (phe_sii docs, PHEindicatormethods R/SII_function.R): SII × −1, RII
    inverted, limits swapped. Inputs: phe_sii_normal_area1 (testdata_SII.xlsx rows 1-10)."""
    case = CASES["phe_sii_normal_area1"]
    pos = _sii_case(case, 0.95)
    neg = _sii_case(case, 0.95, multiplier=-1)
    assert neg.sii == pytest.approx(-case["expected"]["sii"], rel=1e-6)
    assert neg.rii == pytest.approx(1 / case["expected"]["rii"], rel=1e-6)
    assert neg.intercept == pytest.approx(case["expected"]["intercept"], rel=1e-6)
    # same draws: the limits mirror up to one order statistic
    assert neg.sii_lower == pytest.approx(-pos.sii_upper, rel=1e-3)
    assert neg.sii_upper == pytest.approx(-pos.sii_lower, rel=1e-3)
    assert neg.rii_lower == pytest.approx(1 / pos.rii_upper, rel=1e-3)
    assert neg.rii_upper == pytest.approx(1 / pos.rii_lower, rel=1e-3)


def test_phe_sii_transform_negative_multiplier():
    """Transform mode with multiplier −100 (METHODS.md, phe_sii): SII = −100 × the case's SII,
    RII inverted, intercept × |multiplier|. Case phe_sii_rate_logtransform_area1
    (PHEindicatormethods@093fd288..., testdata_SII.xlsx rows 306-315)."""
    case = CASES["phe_sii_rate_logtransform_area1"]
    e = case["expected"]
    res = _sii_case(case, 0.95, multiplier=-100)
    assert res.sii == pytest.approx(-100 * e["sii"], rel=1e-6)
    assert res.rii == pytest.approx(1 / e["rii"], rel=1e-6)
    assert res.intercept == pytest.approx(100 * e["intercept"], rel=1e-6)
    ci = e["ci"]["0.95"]
    assert res.sii_lower == pytest.approx(-100 * ci["sii_upper"], rel=SIM_REL)
    assert res.rii_upper == pytest.approx(1 / ci["rii_lower"], rel=SIM_REL)


def test_phe_sii_sequence_of_levels_uses_the_same_draws():
    """A sequence of confidence levels returns one result per level read from one simulation:
    with the same seed the 0.95 result equals the single-level call (phe_sii's multiple-CI
    behaviour, PHEindicatormethods R/SII_function.R). Inputs: phe_sii_normal_area1."""
    case = CASES["phe_sii_normal_area1"]
    single = _sii_case(case, 0.95)
    both = _sii_case(case, [0.95, 0.99])
    assert isinstance(single, iq.SIIResult)
    assert both[0] == single
    assert both[1].sii_lower < single.sii_lower < single.sii_upper < both[1].sii_upper
    assert set(single.to_dict()) >= {"sii", "sii_lower", "rii_upper", "intercept"}


def test_phe_sii_hand_checked_straight_line():
    """Hand check: two equal groups have ranks 0.25 and 0.75; values 10 and 20 lie on the line
    y = 5 + 20·rank, so SII = 20, intercept = 5 and RII = (5 + 20)/5 = 5. With SE = 0 every draw
    is the same line, so the limits equal the estimates."""
    res = iq.sii([10, 20], [50, 50], se=[0, 0], repetitions=1000, seed=1)
    assert res.sii == pytest.approx(20)
    assert res.intercept == pytest.approx(5)
    assert res.rii == pytest.approx(5)
    assert res.sii_lower == pytest.approx(20) and res.sii_upper == pytest.approx(20)
    assert res.rii_lower == pytest.approx(5) and res.rii_upper == pytest.approx(5)


def test_phe_sii_logit_transform_hand_checked():
    """Hand check of the logit transform (METHODS.md, phe_sii value_type 2): proportions whose
    logits lie on a line logit(p) = −2 + 2·rank give SII = expit(0) − expit(−2), RII =
    expit(0)/expit(−2) and intercept = expit(−2) × |multiplier|."""
    ranks = np.array([0.25, 0.75])
    p = special.expit(-2 + 2 * ranks)
    res = iq.sii(
        p, [10, 10], value_type=2, transform=True, multiplier=100,
        lower_cl=p * 0.9, upper_cl=p * 1.1, repetitions=1000, seed=3,
    )  # fmt: skip
    assert res.sii == pytest.approx(100 * (0.5 - special.expit(-2)))
    assert res.rii == pytest.approx(0.5 / special.expit(-2))
    assert res.intercept == pytest.approx(100 * special.expit(-2))


# --------------------------------------------------------------------------------------------
# PHE DSR, Wilson, Byars, exact, rates, ISR
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_dsr_reference_case(level):
    """DSR per 100 000 with Dobson limits, ESP2013: PHEindicatormethods@093fd288d8f8949dbcfbed7
    0049dbbf385b6141d tests/testthat/testdata_DSR_ISR.xlsx, sheets testdata_multiarea and
    testresults_DSR row 5 (tests/testthat/testpheDSRs.R). testthat default tolerance."""
    case = CASES["phe_dsr_esp2013_testdata_big"]
    i, e = case["inputs"], case["expected"]
    res = iq.dsr(i["count"], i["pop"], i["stdpop"], i["multiplier"], level)
    _close(res.value, e["value"], 1e-8, "value", case)
    _close(res.lower, e["ci"][str(level)]["lower"], 1e-8, "lower", case)
    _close(res.upper, e["ci"][str(level)]["upper"], 1e-8, "upper", case)
    assert res.total_count == e["total_count"]
    assert res.total_pop == e["total_pop"]


def test_esp2013_matches_reference_case():
    """ESP2013 as used by the phe_dsr case (PHEindicatormethods@093fd288..., testdata_DSR_ISR.xlsx)
    and METHODS.md: 19 bands 0-4 ... 90+, total 100 000."""
    assert iq.ESP2013.tolist() == CASES["phe_dsr_esp2013_testdata_big"]["inputs"]["stdpop"]
    assert iq.ESP2013.sum() == 100_000
    assert len(iq.ESP2013_AGEBANDS) == 19 and iq.ESP2013_AGEBANDS[-1] == "90+"
    with pytest.raises(ValueError):
        iq.ESP2013[0] = 1


def test_wilson_reference_case():
    """Wilson bounds: PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d
    tests/testthat/testdata_Byars_Wilson.xlsx rows 7-9 (tests/testthat/testWilson.R)."""
    case = CASES["phe_wilson_direct_95"]
    lo, hi = iq.wilson(case["inputs"]["x"], case["inputs"]["n"], case["inputs"]["confidence"])
    np.testing.assert_allclose(lo, case["expected"]["lower"], rtol=1e-8)
    np.testing.assert_allclose(hi, case["expected"]["upper"], rtol=1e-8)


def test_byars_reference_case():
    """Byars bounds on the count scale: PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b
    6141d tests/testthat/testdata_Byars_Wilson.xlsx rows 1-3 (tests/testthat/testByars.R)."""
    case = CASES["phe_byars_direct_95"]
    lo, hi = iq.byars(case["inputs"]["x"], case["inputs"]["confidence"])
    np.testing.assert_allclose(lo, case["expected"]["lower"], rtol=1e-8)
    np.testing.assert_allclose(hi, case["expected"]["upper"], rtol=1e-8)


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_rate_reference_case(level):
    """phe_rate per 100 000, exact below 10 events and Byars from 10:
    PHEindicatormethods@093fd288d8f8949dbcfbed70049dbbf385b6141d tests/testthat/testdata_Rate.xlsx
    sheet testdata_Rate rows 9-16 (tests/testthat/testRates.R)."""
    case = CASES["phe_rate_per100000"]
    i, e = case["inputs"], case["expected"]
    res = iq.rate(i["numerator"], i["denominator"], i["multiplier"], level)
    np.testing.assert_allclose(res["value"], e["value"], rtol=1e-8)
    np.testing.assert_allclose(res["lower"], e["ci"][str(level)]["lower"], rtol=1e-8)
    np.testing.assert_allclose(res["upper"], e["ci"][str(level)]["upper"], rtol=1e-8)
    assert list(res["method"]) == [m.lower() for m in e["method"]]


def test_wilson_hand_checked_extremes():
    """Hand check of the Wilson formula: x = 0 gives (0, z²/(n + z²)); x = n gives
    (n/(n + z²), 1)."""
    z2 = 1.959963984540054**2
    lo, hi = iq.wilson([0, 10], [10, 10])
    np.testing.assert_allclose(lo, [0, 10 / (10 + z2)], atol=1e-12)
    np.testing.assert_allclose(hi, [z2 / (10 + z2), 1], atol=1e-12)


def test_exact_poisson_hand_checked():
    """Hand check: with 2 degrees of freedom the chi-square quantile is −2·ln(1 − q), so for
    x = 0 the 95 % exact interval is (0, −ln 0.025) and for x = 1 its lower limit is −ln 0.975."""
    lo, hi = iq.exact_poisson([0, 1], 0.95)
    assert lo[0] == 0
    assert hi[0] == pytest.approx(-math.log(0.025), rel=1e-12)
    assert lo[1] == pytest.approx(-math.log(0.975), rel=1e-12)


def test_byars_lower_is_nan_at_zero_and_negative():
    """Byars' lower limit is NA when negative (PHEindicatormethods byars_lower) and undefined
    at x = 0; the upper at x = 0 is (1 − 1/9 + z/3)³ by hand."""
    z = 1.959963984540054
    lo, hi = iq.byars([0, 0.01])
    assert np.isnan(lo).all()
    assert hi[0] == pytest.approx((1 - 1 / 9 + z / 3) ** 3, rel=1e-12)


def test_rate_switches_method_at_ten():
    """phe_rate's rule (PHEindicatormethods R/Rates.R): exact for 9 events, Byars for 10."""
    res = iq.rate([9, 10], [1000, 1000], multiplier=1000)
    assert list(res["method"]) == ["exact", "byars"]
    exact_lo, _ = iq.exact_poisson(9)
    by_lo, _ = iq.byars(10)
    assert res["lower"].tolist() == pytest.approx([exact_lo[0], by_lo[0]])


def test_proportion_hand_checked():
    """phe_proportion with multiplier 100: 65/100 → 65 % with the Wilson limits of the
    reference case phe_wilson_direct_95 (testdata_Byars_Wilson.xlsx row 7) times 100."""
    case = CASES["phe_wilson_direct_95"]
    res = iq.proportion(65, 100, multiplier=100)
    assert res.loc[0, "value"] == pytest.approx(65)
    assert res.loc[0, "lower"] == pytest.approx(100 * case["expected"]["lower"][0], rel=1e-8)
    assert res.loc[0, "upper"] == pytest.approx(100 * case["expected"]["upper"][0], rel=1e-8)


def test_smr_exact_and_byars():
    """calculate_ISRatio's rule (PHEindicatormethods R/ISRatio.R): O/E with exact limits for
    O < 10 and Byars' for O ≥ 10, divided by E. Hand check: O = 0, E = 4 gives (0, 0,
    −ln(0.025)/4); O = 65, E = 50 uses the Byars limits of the case phe_byars_direct_95."""
    byars_case = CASES["phe_byars_direct_95"]["expected"]
    res = iq.smr([0, 65], [4, 50], refvalue=100)
    assert res["value"].tolist() == pytest.approx([0, 130])
    assert res.loc[0, "lower"] == 0
    assert res.loc[0, "upper"] == pytest.approx(-100 * math.log(0.025) / 4, rel=1e-12)
    assert res.loc[1, "lower"] == pytest.approx(100 * byars_case["lower"][0] / 50, rel=1e-8)
    assert res.loc[1, "upper"] == pytest.approx(100 * byars_case["upper"][0] / 50, rel=1e-8)
    assert list(res["method"]) == ["exact", "byars"]


def test_dsr_hand_checked_two_bands():
    """Hand check of the Dobson DSR: standard weights (1, 1), populations (100, 200), counts
    (10, 20) → both band rates 0.1, DSR = 0.1 × 1000 = 100; var = (10/100² + 20/200²)/2² =
    0.000375, so the limits are 100 + sqrt(0.000375/30)·(Byars(30) − 30)·1000."""
    res = iq.dsr([10, 20], [100, 200], stdpop=[1, 1], multiplier=1000)
    lo30, hi30 = iq.byars(30)
    half = math.sqrt(0.000375 / 30)
    assert res.value == pytest.approx(100)
    assert res.lower == pytest.approx(100 + half * (lo30[0] - 30) * 1000)
    assert res.upper == pytest.approx(100 + half * (hi30[0] - 30) * 1000)


def test_dsr_missing_count_is_zero_and_small_totals_are_nan():
    """phe_dsr (PHEindicatormethods R/DSR.R): a missing count counts as 0, and the DSR is NA
    when the total count is below 10."""
    with_nan = iq.dsr([np.nan, 20], [100, 200], stdpop=[1, 1])
    with_zero = iq.dsr([0, 20], [100, 200], stdpop=[1, 1])
    assert with_nan == with_zero
    small = iq.dsr([3, 6], [100, 200], stdpop=[1, 1])
    assert small.total_count == 9
    assert math.isnan(small.value) and math.isnan(small.lower) and math.isnan(small.upper)


def test_dsr_non_independent_events_hand_checked():
    """Non-independent events (METHODS.md, PHE calculate_dsr): 5 persons with 2 events in each of
    two bands (populations 100, weights 1) give 10 events per band and DSR 0.1 as independent
    counts (10, 10) do, but var = 2²·(5/100² + 5/100²)/2² = 0.001, twice the independent
    (10/100² + 10/100²)/2² = 0.0005: the distance to each limit grows by √2."""
    indep = iq.dsr([10, 10], [100, 100], stdpop=[1, 1], multiplier=1)
    nonind = iq.dsr(None, [100, 100], stdpop=[1, 1], multiplier=1, persons_by_freq={2: [5, 5]})
    assert nonind.value == pytest.approx(0.1) == indep.value
    assert nonind.total_count == 20
    ratio = (nonind.upper - nonind.value) / (indep.upper - indep.value)
    assert ratio == pytest.approx(math.sqrt(2))
    # everyone with one event is the independent case
    ones = iq.dsr([10, 10], [100, 100], stdpop=[1, 1], multiplier=1, persons_by_freq={1: [10, 10]})
    assert ones == indep


def test_dsr_non_independent_absent_band_uses_present_weights():
    """METHODS.md: Σw for a frequency is taken over the bands present for it. Persons with 1
    event (10, 10) and with 2 events (absent, 5): var = (10/100² + 10/100²)/2² +
    2²·(5/100²)/1² = 0.0005 + 0.002 = 0.0025; events (10, 20), DSR = (0.1 + 0.2)/2 = 0.15."""
    res = iq.dsr(
        [10, 20], [100, 100], stdpop=[1, 1], multiplier=1,
        persons_by_freq={1: [10, 10], 2: [np.nan, 5]},
    )  # fmt: skip
    lo30, hi30 = iq.byars(30)
    assert res.value == pytest.approx(0.15)
    assert res.upper == pytest.approx(0.15 + math.sqrt(0.0025 / 30) * (hi30[0] - 30))
    assert res.lower == pytest.approx(0.15 + math.sqrt(0.0025 / 30) * (lo30[0] - 30))


# --------------------------------------------------------------------------------------------
# healthequal (WHO HEAT)
# --------------------------------------------------------------------------------------------


def _heat_call(case: dict, func):
    i = case["inputs"]
    kwargs = {}
    if "subgroup_order" in i:
        kwargs["subgroup_order"] = i["subgroup_order"]
    if "se" in i:
        kwargs["se"] = i["se"]
    if "favourable_indicator" in i:
        kwargs["favourable_indicator"] = bool(i["favourable_indicator"])
    if "scaleval" in i:
        kwargs["scaleval"] = i["scaleval"]
    return func(i["est"], i["pop"], **kwargs)


@pytest.mark.parametrize("case_id", list(HEAT_CASES))
def test_healthequal_reference_case(case_id):
    """healthequal expected values: WHOequity/healthequal@3e7e0406a7eda3cbc7398fe1260d48ebad8fec4c
    tests/testthat/test-<measure>.R (sii, aci, paf, bgv, mld, mdbu; each case's ``source``);
    inputs are the numbers those tests generate with set.seed(123). Tolerance as the test's
    own expect_equal (1e-6, 1e-3 for MLD, 1e-4 for MDBU)."""
    case = CASES[case_id]
    res = _heat_call(case, HEAT_CASES[case_id])
    rel = _rel(case)
    for key in case["deterministic"]:
        _close(getattr(res, key), case["expected"][key], rel, key, case)


ORDERED = CASES["heq_aci_ordered"]["inputs"]  # set.seed(123) data of healthequal's tests


def test_rci_is_aci_over_the_weighted_mean():
    """RCI on the data of healthequal's test-aci.R (WHOequity/healthequal@3e7e040...): both
    convenient regressions differ only by the factor μ on the left-hand side, so RCI = ACI/μ and
    se_RCI = se_ACI/μ, with ACI = 7.3284202 and se 0.29368517 from test-aci.R and
    μ = 22 220/539 (population-weighted mean, by hand)."""
    e = CASES["heq_aci_ordered"]["expected"]
    mu = 22220 / 539
    res = iq.rci(ORDERED["est"], ORDERED["pop"], subgroup_order=ORDERED["subgroup_order"])
    assert res.estimate == pytest.approx(e["estimate"] / mu, rel=1e-6)
    assert res.se == pytest.approx(e["se"] / mu, rel=1e-5)


def test_par_ordered_matches_paf_case():
    """PAR on the data of healthequal's test-paf.R (WHOequity/healthequal@3e7e040...): the
    reference group is the highest order (est 60) and wm = 22 220/539, so PAR = 60 − wm; its SE
    is wm × se_PAF with se_PAF = 0.10689361 from test-paf.R."""
    wm = 22220 / 539
    se_paf = CASES["heq_paf_ordered"]["expected"]["se"]
    res = iq.par(ORDERED["est"], ORDERED["pop"], subgroup_order=ORDERED["subgroup_order"])
    assert res.estimate == pytest.approx(60 - wm, rel=1e-9)
    assert res.se == pytest.approx(wm * se_paf, rel=1e-6)
    assert res.lowerci == pytest.approx(res.estimate - 1.959963984540054 * res.se)


def test_heat_rii_against_statsmodels_glm():
    """heat_rii on the data of healthequal's test-sii.R (WHOequity/healthequal@3e7e040...),
    checked against an independent fit: statsmodels' binomial GLM of y/pop on rank with
    var_weights pop² (y = round(est/100·pop)) gives b0, b1 and the HC0 sandwich; healthequal's
    HC1 is n/(n−2) times HC0. RII = expit(b0+b1)/expit(b0), se by the delta method."""
    est, pop = np.array(ORDERED["est"]), np.array(ORDERED["pop"])
    rank = (np.cumsum(pop) - pop / 2) / pop.sum()
    y = np.round(est / 100 * pop)
    fit = sm.GLM(
        y / pop, sm.add_constant(rank), family=sm.families.Binomial(), var_weights=pop**2
    ).fit(cov_type="HC0")
    b0, b1 = fit.params
    vcov = fit.cov_params() * len(est) / (len(est) - 2)
    mu0, mu1 = special.expit(b0), special.expit(b0 + b1)
    grad = np.array([mu0 - mu1, 1 - mu1])
    res = iq.heat_rii(est, pop, subgroup_order=ORDERED["subgroup_order"])
    assert res.estimate == pytest.approx(mu1 / mu0, rel=1e-8)
    assert res.se == pytest.approx(math.sqrt(grad @ vcov @ grad), rel=1e-6)
    assert res.lowerci < res.estimate < res.upperci
    # the same model gives healthequal's SII of test-sii.R
    sii_case = CASES["heq_sii_ordered"]["expected"]
    assert 100 * (mu1 - mu0) == pytest.approx(sii_case["estimate"], rel=1e-6)


def test_heat_sii_subgroup_order_sorts_groups():
    """Groups given in shuffled order with their subgroup_order give the same SII as sorted
    input (healthequal sorts by subgroup_order; expected value from test-sii.R,
    WHOequity/healthequal@3e7e040...)."""
    perm = [3, 0, 4, 2, 1]
    est = np.array(ORDERED["est"])[perm]
    pop = np.array(ORDERED["pop"])[perm]
    order = np.array(ORDERED["subgroup_order"])[perm]
    res = iq.heat_sii(est, pop, subgroup_order=order)
    assert res.estimate == pytest.approx(CASES["heq_sii_ordered"]["expected"]["estimate"], rel=1e-6)


def test_heat_sii_warns_when_counts_separate():
    """healthequal's counts round(est/100·pop) for est (1, 1, 2) and pop 50 are (0, 0, 1): the
    logistic fit separates (no finite maximum; R's glm warns "fitted probabilities numerically
    0 or 1"), so heat_sii warns that the estimate is unreliable."""
    with pytest.warns(RuntimeWarning, match=r"^est: the logistic model"):
        iq.heat_sii([1, 1, 2], [50, 50, 50], scaleval=100)


# Three groups worked by hand: est (10, 20, 30), pop (1, 1, 2) → shares (¼, ¼, ½),
# population-weighted mean wm = 2.5 + 5 + 15 = 22.5; |est − wm| = (12.5, 2.5, 7.5).
EST3, POP3 = [10, 20, 30], [1, 1, 2]


@pytest.mark.parametrize(
    ("func", "kwargs", "expected"),
    [
        (iq.idisu, {}, 100 / 3 * 22.5 / 22.5),  # 100/n·Σ|est−wm|/wm
        (iq.idisw, {}, 100 * 7.5 / 22.5),  # 100·Σp|est−wm|/wm, Σp|·| = 3.125+0.625+3.75
        (iq.mdmu, {}, 22.5 / 3),
        (iq.mdmw, {}, 7.5),
        (iq.mdbu, {}, (20 + 10 + 0) / 3),  # best = 30 (favourable)
        (iq.mdbu, {"favourable_indicator": False}, (0 + 10 + 20) / 3),  # best = 10
        (iq.mdbw, {}, 0.25 * 20 + 0.25 * 10),
        (iq.mdbw, {"favourable_indicator": False}, 0.25 * 10 + 0.5 * 20),
        (iq.mdru, {"reference_subgroup": 1}, (10 + 0 + 10) / 3),  # reference = 20
        (iq.mdrw, {"reference_subgroup": [0, 1, 0]}, 0.25 * 10 + 0.5 * 10),
        (iq.bgv, {}, 0.25 * 12.5**2 + 0.25 * 2.5**2 + 0.5 * 7.5**2),  # 68.75
        (iq.bgsd, {}, math.sqrt(68.75)),
        (iq.paf, {"subgroup_order": [1, 2, 3]}, 100 * 7.5 / 22.5),  # ref = highest order
        (iq.paf, {"favourable_indicator": False}, 100 * (10 - 22.5) / 22.5),  # ref = lowest
        (iq.paf, {"subgroup_order": [1, 2, 3], "favourable_indicator": False}, 0.0),  # sign
        (iq.par, {"subgroup_order": [1, 2, 3]}, 7.5),
        (iq.par, {"favourable_indicator": False}, 10 - 22.5),
        (iq.d, {"subgroup_order": [1, 2, 3]}, 30 - 10),  # advantaged − disadvantaged
        (iq.d, {"subgroup_order": [1, 2, 3], "favourable_indicator": False}, 10 - 30),
        (iq.d, {}, 30 - 10),  # non-ordered: highest − lowest
        (iq.d, {"reference_subgroup": 1}, 20 - 10),  # favourable: reference − lowest
        (iq.d, {"reference_subgroup": 1, "favourable_indicator": False}, 30 - 20),
        (iq.r, {"subgroup_order": [1, 2, 3]}, 3.0),
        (iq.r, {"subgroup_order": [1, 2, 3], "favourable_indicator": False}, 1 / 3),
        (iq.r, {}, 3.0),
        (
            iq.theil,
            {},
            1000
            * (
                0.25 * (10 / 22.5) * math.log(10 / 22.5)
                + 0.25 * (20 / 22.5) * math.log(20 / 22.5)
                + 0.5 * (30 / 22.5) * math.log(30 / 22.5)
            ),
        ),  # fmt: skip
        (
            iq.mld,
            {},
            1000
            * (
                0.25 * -math.log(10 / 22.5)
                + 0.25 * -math.log(20 / 22.5)
                + 0.5 * -math.log(30 / 22.5)
            ),
        ),  # fmt: skip
    ],
)
def test_heat_measures_hand_checked(func, kwargs, expected):
    """Hand-worked three-group example for the healthequal formulas in reference-cases
    METHODS.md and healthequal's R/<measure>.R (WHOequity/healthequal): est (10, 20, 30),
    pop (1, 1, 2), wm 22.5. Point-only measures have NaN se and limits."""
    res = func(EST3, POP3, **kwargs)
    assert res.estimate == pytest.approx(expected, rel=1e-12, abs=1e-12)
    if func in (iq.idisu, iq.idisw, iq.mdmu, iq.mdmw, iq.mdbu, iq.mdbw, iq.mdru, iq.mdrw, iq.bgsd):
        assert math.isnan(res.se) and math.isnan(res.lowerci) and math.isnan(res.upperci)


def test_d_and_r_standard_errors_hand_checked():
    """healthequal d.R and r.R (WHOequity/healthequal): with SEs (1, 1, 1), D = 30 − 10 has
    se √2; R = 3 has se_R = sqrt((1 + 3²·1)/10²) = √0.1 and log-scale se √0.1/3, CI
    exp(log 3 ± z·se)."""
    z = 1.959963984540054
    dd = iq.d(EST3, POP3, se=[1, 1, 1], subgroup_order=[1, 2, 3])
    assert dd.se == pytest.approx(math.sqrt(2))
    assert dd.lowerci == pytest.approx(20 - z * math.sqrt(2))
    rr = iq.r(EST3, POP3, se=[1, 1, 1], subgroup_order=[1, 2, 3])
    assert rr.se == pytest.approx(math.sqrt(0.1) / 3)
    assert rr.upperci == pytest.approx(3 * math.exp(z * math.sqrt(0.1) / 3))
    assert math.isnan(iq.d(EST3).se)


def test_mld_and_theil_standard_errors_hand_checked():
    """MLD and Theil SEs as in METHODS.md and healthequal mld.R / ti.R (not ×1000), worked by hand
    for est (10, 20, 30), pop (1, 1, 2), se (1, 1, 1): wm = 22.5, r = (4/9, 8/9, 4/3),
    p = (¼, ¼, ½). MLD: se² = Σ se²p²/wm²·(1 − 1/r)² = [(1/16)(−5/4)² + (1/16)(−1/8)² +
    (1/4)(1/4)²]/22.5². Theil: se² = Σ (1 + ln r − k)²p²se²/wm² with k = Σ r(1 + ln r)p."""
    mld_se = math.sqrt((1 / 16 * (5 / 4) ** 2 + 1 / 16 * (1 / 8) ** 2 + 1 / 4 * (1 / 4) ** 2)
                       / 22.5**2)  # fmt: skip
    res = iq.mld(EST3, POP3, se=[1, 1, 1])
    assert res.se == pytest.approx(mld_se, rel=1e-12)
    assert res.lowerci == pytest.approx(res.estimate - 1.959963984540054 * mld_se)
    r1, r2, r3 = 4 / 9, 8 / 9, 4 / 3
    k = (
        0.25 * r1 * (1 + math.log(r1))
        + 0.25 * r2 * (1 + math.log(r2))
        + 0.5 * r3 * (1 + math.log(r3))
    )
    theil_se = math.sqrt(
        (1 / 16 * (1 + math.log(r1) - k) ** 2 + 1 / 16 * (1 + math.log(r2) - k) ** 2
         + 1 / 4 * (1 + math.log(r3) - k) ** 2) / 22.5**2
    )  # fmt: skip
    assert iq.theil(EST3, POP3, se=[1, 1, 1]).se == pytest.approx(theil_se, rel=1e-12)


def test_heat_result_to_dict():
    """HeatResult.to_dict gives the four fields healthequal returns (estimate, se, lowerci,
    upperci); values from the hand-worked BGV example (68.75, no SE)."""
    out = iq.bgv(EST3, POP3).to_dict()
    assert list(out) == ["estimate", "se", "lowerci", "upperci"]
    assert out["estimate"] == pytest.approx(68.75)


# --------------------------------------------------------------------------------------------
# Bad input: each raises ValueError whose message starts with the argument's name
# --------------------------------------------------------------------------------------------

V10 = [70.0 + k for k in range(10)]
P10 = [1000.0] * 10
SE10 = [1.0] * 10


def test_sii_rejects_mismatched_lengths():
    """Bad input: population shorter than value."""
    with pytest.raises(ValueError, match=r"^population: has 9 elements but value has 10"):
        iq.sii(V10, P10[:9], se=SE10)


def test_sii_rejects_zero_population():
    """Bad input: a group with population 0 (phe_sii refuses zero populations)."""
    with pytest.raises(ValueError, match=r"^population: must be > 0"):
        iq.sii(V10, [0.0] + P10[1:], se=SE10)


def test_sii_rejects_negative_population():
    """Bad input: a negative population."""
    with pytest.raises(ValueError, match=r"^population: must be > 0.*position 2"):
        iq.sii(V10, P10[:2] + [-5.0] + P10[3:], se=SE10)


def test_sii_rejects_one_group():
    """Bad input: fewer than 2 groups."""
    with pytest.raises(ValueError, match=r"^value: needs at least 2 groups"):
        iq.sii([70.0], [1000.0], se=[1.0])


def test_sii_rejects_nan_value():
    """Bad input: a missing value."""
    with pytest.raises(ValueError, match=r"^value: missing value \(NaN\) at position 3"):
        iq.sii(V10[:3] + [math.nan] + V10[4:], P10, se=SE10)


def test_sii_rejects_proportion_outside_unit_interval():
    """Bad input: value_type=2 needs proportions strictly between 0 and 1 (logit scale)."""
    with pytest.raises(ValueError, match=r"^value: proportions must lie strictly between 0 and 1"):
        iq.sii([0.2, 1.3, 0.5], [10, 10, 10], value_type=2, se=[0.1] * 3)


def test_sii_rejects_proportion_cl_of_zero():
    """Bad input: a lower CL of 0 has no logit."""
    with pytest.raises(ValueError, match=r"^lower_cl: proportions must lie strictly"):
        iq.sii(
            [0.2, 0.3, 0.5], [10, 10, 10], value_type=2, transform=True,
            lower_cl=[0.0, 0.2, 0.4], upper_cl=[0.3, 0.4, 0.6],
        )  # fmt: skip


def test_sii_rejects_nonpositive_rate():
    """Bad input: value_type=1 needs positive rates (log scale)."""
    with pytest.raises(ValueError, match=r"^value: must be > 0"):
        iq.sii([0.0, 2.0, 3.0], [10, 10, 10], value_type=1, se=[0.1] * 3)


def test_sii_rejects_missing_limits():
    """Bad input: neither se nor both CLs."""
    with pytest.raises(ValueError, match=r"^upper_cl: give both lower_cl and upper_cl, or se"):
        iq.sii(V10, P10, lower_cl=V10)


def test_sii_rejects_crossed_limits():
    """Bad input: lower CL above upper CL."""
    with pytest.raises(ValueError, match=r"^lower_cl: exceeds upper_cl at position 0"):
        iq.sii(V10, P10, lower_cl=[v + 1 for v in V10], upper_cl=V10)


def test_sii_rejects_transform_of_other_values():
    """Bad input: transform=True is only for rates and proportions."""
    with pytest.raises(ValueError, match=r"^transform:"):
        iq.sii(V10, P10, lower_cl=V10, upper_cl=V10, transform=True)


def test_sii_rejects_unknown_value_type():
    """Bad input: value_type 3."""
    with pytest.raises(ValueError, match=r"^value_type:"):
        iq.sii(V10, P10, se=SE10, value_type=3)


def test_sii_rejects_too_few_repetitions():
    """Bad input: phe_sii needs at least 1000 repetitions."""
    with pytest.raises(ValueError, match=r"^repetitions: must be an integer >= 1000"):
        iq.sii(V10, P10, se=SE10, repetitions=500)


def test_sii_accepts_confidence_as_percent_like_phe():
    """PHEindicatormethods accepts 0.9-1 or 90-100 (R/utils.R: "confidence level must be
    between 90 and 100 or between 0.9 and 1"); 95 is 0.95."""
    a = iq.sii(V10, P10, se=SE10, confidence=95, repetitions=1000, seed=2)
    b = iq.sii(V10, P10, se=SE10, confidence=0.95, repetitions=1000, seed=2)
    assert a == b and a.confidence == 0.95


@pytest.mark.parametrize("level", [0.8, 50, 101, 0])
def test_sii_rejects_confidence_outside_phe_range(level):
    """Bad input: PHE refuses levels below 0.9, between 1 and 90, and above 100."""
    with pytest.raises(ValueError, match=r"^confidence: must be between 0.9 and 1 or between 90"):
        iq.sii(V10, P10, se=SE10, confidence=level)


def test_sii_rejects_zero_multiplier():
    """Bad input: multiplier 0."""
    with pytest.raises(ValueError, match=r"^multiplier:"):
        iq.sii(V10, P10, se=SE10, multiplier=0)


def test_sii_rejects_negative_se():
    """Bad input: a negative standard error."""
    with pytest.raises(ValueError, match=r"^se: must be >= 0"):
        iq.sii(V10, P10, se=[-1.0] + SE10[1:])


def test_sii_rejects_non_numeric():
    """Bad input: text in value."""
    with pytest.raises(ValueError, match=r"^value: must be numeric"):
        iq.sii(["a"] * 10, P10, se=SE10)


def test_wilson_rejects_x_above_n():
    """Bad input: more successes than trials."""
    with pytest.raises(ValueError, match=r"^x: must not exceed n"):
        iq.wilson([5, 12], [10, 10])


def test_wilson_rejects_zero_n():
    """Bad input: zero denominator."""
    with pytest.raises(ValueError, match=r"^n: must be > 0"):
        iq.wilson([0], [0])


def test_byars_rejects_negative_count():
    """Bad input: a negative count."""
    with pytest.raises(ValueError, match=r"^x: must be >= 0"):
        iq.byars([-1])


def test_rate_rejects_zero_denominator():
    """Bad input: rate with denominator 0."""
    with pytest.raises(ValueError, match=r"^denominator: must be > 0"):
        iq.rate([5, 6], [100, 0])


def test_rate_rejects_mismatched_lengths():
    """Bad input: two numerators, one denominator list of three."""
    with pytest.raises(ValueError, match=r"^denominator: has 3 elements but numerator has 2"):
        iq.rate([5, 6], [100, 200, 300])


def test_proportion_rejects_numerator_above_denominator():
    """Bad input: 11 of 10."""
    with pytest.raises(ValueError, match=r"^numerator: must not exceed denominator"):
        iq.proportion(11, 10)


def test_smr_rejects_zero_expected():
    """Bad input: expected count 0."""
    with pytest.raises(ValueError, match=r"^expected: must be > 0"):
        iq.smr([3], [0])


def test_dsr_rejects_stdpop_of_wrong_length():
    """Bad input: 18 standard weights for 19 bands."""
    with pytest.raises(ValueError, match=r"^stdpop: has 18 elements but pop has 19"):
        iq.dsr([10] * 19, [1000] * 19, stdpop=iq.ESP2013[:18])


def test_dsr_rejects_zero_population():
    """Bad input: a band with population 0 (phe_dsr: denominators must all be > 0)."""
    with pytest.raises(ValueError, match=r"^pop: must be > 0"):
        iq.dsr([10, 10], [100, 0], stdpop=[1, 1])


def test_dsr_rejects_negative_count():
    """Bad input: a negative count (phe_dsr: numerators must be >= 0)."""
    with pytest.raises(ValueError, match=r"^count: must be >= 0"):
        iq.dsr([10, -1], [100, 100], stdpop=[1, 1])


def test_dsr_rejects_count_inconsistent_with_persons_by_freq():
    """Bad input: counts that do not match Σ f·persons."""
    with pytest.raises(ValueError, match=r"^count: does not equal the events"):
        iq.dsr([10, 10], [100, 100], stdpop=[1, 1], persons_by_freq={2: [5, 4]})


def test_heat_rejects_mismatched_lengths():
    """Bad input: HEAT measure with 3 estimates and 2 populations."""
    with pytest.raises(ValueError, match=r"^pop: has 2 elements but est has 3"):
        iq.bgv([1, 2, 3], [10, 10])


def test_heat_rejects_zero_population():
    """Bad input: HEAT measure with a zero population."""
    with pytest.raises(ValueError, match=r"^pop: must be > 0"):
        iq.aci([1, 2, 3], [10, 0, 10])


def test_heat_rejects_nan_estimate():
    """Bad input: a missing estimate."""
    with pytest.raises(ValueError, match=r"^est: missing value"):
        iq.paf([1, math.nan, 3], [10, 10, 10])


def test_heat_rejects_two_groups_where_healthequal_needs_three():
    """Bad input: healthequal's bgv needs more than two subgroups."""
    with pytest.raises(ValueError, match=r"^est: needs at least 3 groups"):
        iq.bgv([1, 2], [10, 10])


def test_heat_d_rejects_one_group():
    """Bad input: a difference needs two groups."""
    with pytest.raises(ValueError, match=r"^est: needs at least 2 groups"):
        iq.d([1.0])


def test_heat_rejects_subgroup_order_of_wrong_length():
    """Bad input: subgroup_order shorter than est."""
    with pytest.raises(ValueError, match=r"^subgroup_order: has 2 elements but est has 3"):
        iq.heat_sii([10, 20, 30], [10, 10, 10], subgroup_order=[1, 2])


def test_heat_sii_rejects_estimate_above_scale():
    """Bad input: an estimate above the declared scale (counts would exceed the population)."""
    with pytest.raises(ValueError, match=r"^est: value 120 at position 2 exceeds the indicator"):
        iq.heat_sii([10, 20, 120], [10, 10, 10], scaleval=100)


def test_heat_mdru_requires_reference():
    """Bad input: mdru without a reference subgroup."""
    with pytest.raises(ValueError, match=r"^reference_subgroup: is required"):
        iq.mdru([1, 2, 3])


def test_heat_rejects_two_reference_subgroups():
    """Bad input: a 0/1 reference vector marking two groups."""
    with pytest.raises(ValueError, match=r"^reference_subgroup: must mark exactly one"):
        iq.mdrw([1, 2, 3], [1, 1, 1], reference_subgroup=[1, 1, 0])


def test_heat_rejects_bad_conf_level():
    """Bad input: conf_level 1."""
    with pytest.raises(ValueError, match=r"^conf_level:"):
        iq.bgv([1, 2, 3], [10, 10, 10], conf_level=1)


def test_heat_rejects_negative_se():
    """Bad input: a negative subgroup SE."""
    with pytest.raises(ValueError, match=r"^se: must be >= 0"):
        iq.bgv([1, 2, 3], [10, 10, 10], se=[1, -1, 1])


def test_heat_r_rejects_zero_denominator():
    """Bad input: a ratio whose denominator group is 0."""
    with pytest.raises(ValueError, match=r"^est: the ratio needs a positive denominator"):
        iq.r([0.0, 2.0, 3.0], subgroup_order=[1, 2, 3])


# --------------------------------------------------------------------------------------------
# Accepted confidence levels as in PHEindicatormethods
# --------------------------------------------------------------------------------------------


def test_wilson_confidence_one_is_the_whole_range():
    """PHEindicatormethods tests/testthat/testWilson.R: wilson_lower(c(65,1045,0.445),
    c(100,5000,1), confidence=1) is 0 and wilson_upper(..., confidence=1) is 1."""
    lo, hi = iq.wilson([65, 1045, 0.445], [100, 5000, 1], confidence=1)
    assert lo.tolist() == [0, 0, 0] and hi.tolist() == [1, 1, 1]
    lo100, hi100 = iq.wilson([65, 1045, 0.445], [100, 5000, 1], confidence=100)
    assert lo100.tolist() == [0, 0, 0] and hi100.tolist() == [1, 1, 1]


def test_percent_levels_equal_fractions():
    """testWilson.R compares confidence=99.8 and 0.998 with the same expected values."""
    for f in (lambda c: iq.wilson(65, 100, c), lambda c: iq.byars(65, c)):
        np.testing.assert_array_equal(f(99.8), f(0.998))
    assert iq.dsr([20, 30], [1000, 2000], [1, 1], confidence=95) == iq.dsr(
        [20, 30], [1000, 2000], [1, 1], confidence=0.95
    )


def test_poisson_limits_at_confidence_one():
    """z is infinite at 1: Byars' lower limit is negative, so missing (PHE: NA), the upper is
    infinite; the exact limits are 0 and infinity."""
    lo, hi = iq.byars([20.0], confidence=1)
    assert math.isnan(lo[0]) and math.isinf(hi[0])
    lo, hi = iq.exact_poisson([3.0], confidence=1)
    assert lo[0] == 0 and math.isinf(hi[0])


@pytest.mark.parametrize("level", [0.89, 1.5, 89, 100.5, "høy"])
def test_phe_functions_refuse_levels_outside_the_range(level):
    """PHE's message: "confidence level must be between 90 and 100 or between 0.9 and 1"."""
    for call in (
        lambda: iq.wilson(65, 100, level),
        lambda: iq.byars(65, level),
        lambda: iq.exact_poisson(5, level),
        lambda: iq.proportion([5], [10], confidence=level),
        lambda: iq.rate([5], [10], confidence=level),
    ):
        with pytest.raises(ValueError, match=r"^confidence: must be"):
            call()
