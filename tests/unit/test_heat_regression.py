"""Unit tests for helpers.stats.heat (regression and concentration) written against
mutation-testing survivors. The healthequal reference cases are checked in
tests/reference/test_inequality.py; these pin input checks, the unreliable-fit warning and
the use of every argument. All inputs are synthetic (made-up percentages, not Oslo's).
"""

from __future__ import annotations

import os
import re
import warnings

import pytest

from helpers.stats import heat

EST, POP = [20.0, 30.0, 45.0], [1000, 2000, 1500]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # a share of 0 is fine; the first negative one is at position 1
        (
            dict(est=[0.0, -1.0, 45.0]),
            "est: must be >= 0 for the logit model; got -1 at position 1",
        ),
        (dict(scaleval="x"), "scaleval: must be a number, got 'x'"),
        (dict(scaleval=0), "scaleval: must be > 0, got 0"),
        # 100 % is fine on the percent scale; the first share above it is at position 2
        (
            dict(est=[100.0, 50.0, 120.0], scaleval=100),
            "est: value 120 at position 2 exceeds the indicator scale 100; set scaleval to the "
            "indicator's scale (e.g. 100 for percent)",
        ),
    ],
)
def test_heat_sii_bad_input(kwargs, message):
    """One line naming the argument, the value and its position, and the remedy."""
    args = dict(est=EST, pop=POP)
    args.update(kwargs)
    with pytest.raises(ValueError) as err:
        heat.heat_sii(args.pop("est"), args.pop("pop"), **args)
    assert str(err.value) == message


@pytest.mark.parametrize("est", [[0.0, 30.0, 45.0], [100.0, 60.0, 40.0]])
def test_shares_of_0_and_100_percent_are_accepted(est):
    """0 % and 100 % are valid shares (counts of 0 or the whole group); the model is fitted
    without a warning when the other groups lie in between."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = heat.heat_sii(est, POP, scaleval=100)
    assert res.lowerci < res.estimate < res.upperci


@pytest.mark.parametrize(("values", "scaleval"), [([0.2, 0.3, 0.45], 1), ([200, 300, 450], 1000)])
def test_rii_uses_the_given_scale(values, scaleval):
    """The RII, a ratio, is the same for the same shares on another scale: proportions with
    scaleval=1, or per 1000 with scaleval=1000, against percent with scaleval=100 (hand
    argument: the counts est/scale·pop agree)."""
    in_percent = heat.heat_rii(EST, POP, scaleval=100)
    other = heat.heat_rii(values, POP, scaleval=scaleval)
    assert other.estimate == pytest.approx(in_percent.estimate, rel=1e-9)
    assert other.upperci == pytest.approx(in_percent.upperci, rel=1e-9)


def test_rii_scale_is_not_guessed_when_given():
    """Shares of 20-45 per 1000 (scaleval=1000) are 2-4.5 %: the same counts, so the same RII;
    healthequal's automatic scale would take 20-45 as percent (10 times the counts)."""
    per_1000 = heat.heat_rii(EST, POP, scaleval=1000)
    in_percent = heat.heat_rii([e / 10 for e in EST], POP, scaleval=100)
    assert per_1000.estimate == pytest.approx(in_percent.estimate, rel=1e-9)


def test_well_behaved_fit_warns_nothing_and_separated_one_warns_at_the_caller():
    """No warning for shares between 0 and 100 %; for (0, 0, 30, 100) % the fitted
    probabilities reach 0 and 1, and the RuntimeWarning points at the caller (stacklevel), so a
    notebook shows which of its lines gave the unreliable estimate."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        heat.heat_sii(EST, POP, scaleval=100)
        heat.heat_rii(EST, POP, scaleval=100)
    message = (
        "est: the logistic model for the HEAT SII/RII did not converge or fitted probabilities "
        "of 0 or 1 (counts at 0 or at the full population separate the groups); the estimate "
        "is unreliable"
    )
    with pytest.warns(RuntimeWarning, match=f"^{re.escape(message)}$") as w:
        heat.heat_sii([0.0, 0.0, 30.0, 100.0], [100] * 4, scaleval=100)
    # attributed to a caller's line, not to the library's own warn() call (the exact frame is
    # this file; under mutmut its trampolines add frames, so only the library is ruled out)
    (where,) = [r.filename for r in w if "logistic model" in str(r.message)]
    assert not where.endswith(os.path.join("heat", "regression.py"))


@pytest.mark.parametrize("measure", [heat.heat_rii, heat.rci])
def test_subgroup_order_is_used(measure):
    """Giving ``subgroup_order`` is the same as giving the groups already in that order
    (1 = most disadvantaged): order (3, 1, 2) puts the second group first."""
    ordered = measure(EST, POP, subgroup_order=[3, 1, 2])
    by_hand = measure([30.0, 45.0, 20.0], [2000, 1500, 1000])
    assert ordered.estimate == pytest.approx(by_hand.estimate, rel=1e-9)
    assert ordered.estimate != pytest.approx(measure(EST, POP).estimate, rel=1e-3)


def test_concentration_index_of_a_zero_mean_is_refused():
    """The relative concentration index divides by the population-weighted mean: all zeros
    give one line saying so, not a division by zero."""
    with pytest.raises(ValueError) as err:
        heat.rci([0.0, 0.0, 0.0], POP)
    assert str(err.value) == "est: the population-weighted mean is 0, so the index is undefined"


def test_a_fit_separated_only_at_the_top_warns_too():
    """(30, 100, 100) %: the lowest group is at 30 %, the others at the full population, so the
    fitted probabilities of the upper groups reach 1 while none reaches 0 (quasi-complete
    separation at the upper end only): the same unreliable-fit warning."""
    with pytest.warns(RuntimeWarning, match="^est: the logistic model for the HEAT SII/RII"):
        heat.heat_sii([30.0, 100.0, 100.0], [100] * 3, scaleval=100)


def test_only_separation_and_convergence_warnings_are_silenced(monkeypatch):
    """Inside the GLM fit only statsmodels' separation and convergence warnings are silenced
    (the module says the same in its own warning); any other warning raised there reaches the
    caller. A stand-in warning is raised from within the fit to check it."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    real_fit = sm.GLM.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("stand-in", UserWarning, stacklevel=2)
        warnings.warn("separated", PerfectSeparationWarning, stacklevel=2)
        warnings.warn("not converged", ConvergenceWarning, stacklevel=2)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(sm.GLM, "fit", noisy_fit)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        heat.heat_sii(EST, POP, scaleval=100)
    assert [(w.category, str(w.message)) for w in seen] == [(UserWarning, "stand-in")]
