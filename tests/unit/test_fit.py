"""helpers.stats.fit: the scale phe_sii works on for an indicator's rows (``_value_type``).

Rows are synthetic (made-up values and limits, not Oslo's); the indicators are real catalogue
entries, used for their value type and multiplier only: ``uforetrygd`` (proportion, per 100),
``anmeldt_vold_mishandling`` (rate, per 1000), ``forventet_levealder_bydel`` (mean, 1),
``inntektsulikhet_p90_p10`` (ratio, 1). The phe_sii check uses tests/synthetic.py's table.
"""

import pandas as pd
import pytest
from synthetic import tidy_table

from helpers import catalogue
from helpers.stats import fit, gradient


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def _rows(value, low, high) -> pd.DataFrame:
    return pd.DataFrame({"value": value, "ci_low": low, "ci_high": high})


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        # percentages 40-60 are proportions 0.4-0.6 once divided by the multiplier 100
        ([50.0, 20.0], [40.0, 15.0], [60.0, 25.0], 2),
        # a lower limit of 0 % has no logit: natural scale
        ([50.0, 2.0], [40.0, 0.0], [60.0, 9.0], 0),
        # an upper limit of 100 % has no logit either
        ([50.0, 98.0], [40.0, 91.0], [60.0, 100.0], 0),
        # 0.5 % to 1.5 % is still strictly inside (0, 1) after dividing by 100: not compared
        # with 1 on the percent scale
        ([1.0, 0.8], [0.5, 0.4], [1.5, 1.2], 2),
    ],
)
def test_proportion_is_logit_scale_only_strictly_inside_0_and_1(cat, value, low, high, expected):
    """phe_sii needs proportions strictly between 0 and 1 for its logit (value_type 2); rows
    with a limit at 0 % or 100 % fall back to the natural scale (0), as ``_value_type`` says."""
    used = _rows(value, low, high)
    assert fit._value_type(used, cat.indicator("uforetrygd")) == expected


@pytest.mark.parametrize(
    ("low", "expected"),
    [
        ([2.0, 0.5], 1),  # positive limits: log scale
        ([2.0, 0.0], 0),  # a lower limit of 0 has no log: natural scale
    ],
)
def test_rate_is_log_scale_only_with_positive_limits(cat, low, expected):
    """A rate goes on phe_sii's log scale (value_type 1) when every lower limit is > 0; an
    upper limit above the multiplier (1500 per 1000) does not matter for a rate."""
    used = _rows([3.0, 1200.0], low, [4.0, 1500.0])
    assert fit._value_type(used, cat.indicator("anmeldt_vold_mishandling")) == expected


@pytest.mark.parametrize("indicator_id", ["forventet_levealder_bydel", "inntektsulikhet_p90_p10"])
def test_means_and_ratios_stay_on_the_natural_scale(cat, indicator_id):
    """A mean (life expectancy) or a ratio (P90/P10) is never transformed, even with every
    limit inside (0, 1): phe_sii's log and logit are for rates and proportions only."""
    used = _rows([0.5, 0.6], [0.4, 0.5], [0.6, 0.7])
    assert fit._value_type(used, cat.indicator(indicator_id)) == 0


def test_phe_sii_uses_the_requested_confidence_level(cat):
    """The report's phe_sii limits are read at the confidence level asked for: with the same
    seed (the same draws), the 99 % limits are order statistics further out than the 95 %
    ones, and the result says which level it is."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = {
        level: gradient.analyse_indicator(
            tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000, seed=3, confidence=level
        ).sii
        for level in (0.95, 0.99)
    }
    assert (res[0.95].confidence, res[0.99].confidence) == (0.95, 0.99)
    assert res[0.99].sii == res[0.95].sii
    assert res[0.99].sii_lower < res[0.95].sii_lower < res[0.95].sii_upper < res[0.99].sii_upper
