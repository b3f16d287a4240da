"""helpers.stats.gradient on synthetic tables (tests/synthetic.py: made-up numbers, not Oslo's)."""

import numpy as np
import pytest
from synthetic import tidy_table

from helpers import catalogue, config
from helpers.pipeline import suppress
from helpers.stats import gradient


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def test_ranking_orders_most_disadvantaged_first(cat):
    """Education rises with the bydel number in the fixture, and low education = disadvantaged."""
    ranking = gradient.rank_bydeler(tidy_table(), cat, "hoyere_utdanning_30_66", 2024)
    assert ranking.table["geo_code"].tolist() == list(config.BYDELER)
    assert ranking.table["order"].tolist() == list(range(1, 16))
    assert ranking.year == 2024


def test_ranking_requires_all_bydeler(cat):
    tidy = tidy_table()
    tidy = tidy[
        ~((tidy["indicator_id"] == "hoyere_utdanning_30_66") & (tidy["geo_code"] == "030105"))
    ]
    with pytest.raises(ValueError, match="rank_by"):
        gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)


def test_midpoint_rank_by_population_share(cat):
    """rank_i = sum of earlier shares + own share / 2 (phe_sii), computed here by hand."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000)
    denom = 10_000.0 + 1_000 * np.arange(1, 16)
    share = denom / denom.sum()
    expected = np.cumsum(share) - share / 2
    np.testing.assert_allclose(res.table["rank"].to_numpy(), expected, rtol=1e-12)
    assert res.period == "2024"


def test_sii_positive_when_disadvantaged_end_is_higher(cat):
    """The fixture's share falls from the most to the least disadvantaged bydel."""
    tidy = tidy_table(slope=-0.4)
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=5000)
    assert res.sii.sii > 0 and res.sii.sii_lower <= res.sii.sii <= res.sii.sii_upper
    assert res.sii.rii > 1
    assert res.poisson.rate_ratio > 1  # disadvantaged over advantaged end
    assert res.trend is not None and len(res.trend) == 3
    assert (res.trend["sii"] > 0).all()


def test_sii_is_seeded(cat):
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    ind = cat.indicator("uforetrygd")
    a = gradient.analyse_indicator(tidy, ind, ranking, repetitions=3000, seed=7)
    b = gradient.analyse_indicator(tidy, ind, ranking, repetitions=3000, seed=7)
    assert a.sii == b.sii


def test_suppressed_bydeler_are_excluded_and_listed(cat):
    tidy = suppress.suppress(tidy_table(small={"030107": 2}), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000)
    # Vestre Aker (primary) and exactly one more (secondary), as the suppressed rows say
    hidden = tidy[
        (tidy["indicator_id"] == "uforetrygd")
        & (tidy["period"] == res.period)
        & (tidy["flag"] == "prikket")
    ]
    assert len(hidden) == 2
    assert "Vestre Aker" in res.excluded and sorted(res.excluded) == sorted(hidden["geo_name"])
    assert res.published["geo_name"].isin(res.excluded).sum() == 0
    assert res.table.loc[res.table["geo_name"] == "Vestre Aker", "rank"].isna().all()


def test_period_must_exist(cat):
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    with pytest.raises(ValueError, match="period"):
        gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, period="1999")


def test_for_area_rejects_unknown_area(cat):
    with pytest.raises(ValueError, match="area"):
        gradient.for_area("helse", tidy=tidy_table(), catalogue=cat)


def test_for_area_rejects_unsupported_geo_level(cat):
    with pytest.raises(ValueError, match="geo_level"):
        gradient.for_area("levekar", geo_level="delbydel", tidy=tidy_table(), catalogue=cat)


def test_rank_year_without_data_names_available_years(cat):
    with pytest.raises(ValueError, match=r"rank_year: .* has no data for 2030; it has 2022–2024"):
        gradient.rank_bydeler(tidy_table(), cat, "hoyere_utdanning_30_66", 2030)


def test_no_gradient_when_ranking_is_the_indicator_itself(cat):
    """Sensitivity ranking by low income must not rank low income itself (circular)."""
    tidy = tidy_table("lavinntekt_husholdninger", slope=0.5)
    ranking = gradient.rank_bydeler(tidy, cat, "lavinntekt_husholdninger", 2024)
    res = gradient.analyse_indicator(
        tidy, cat.indicator("lavinntekt_husholdninger"), ranking, repetitions=1000
    )
    assert res.circular and res.sii is None and res.trend is None
    assert ranking.table["geo_code"].iloc[0] == "030115"  # highest low-income share first


def test_share_with_zero_lower_limit_still_gets_an_sii(cat):
    """Synthetic: a Wilson lower limit of 0 cannot go on the logit scale; the SII still works."""
    tidy = tidy_table()
    row = (tidy["indicator_id"] == "uforetrygd") & (tidy["geo_code"] == "030115")
    tidy.loc[row, "ci_low"] = 0.0
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    assert res.sii is not None and res.sii.sii > 0
