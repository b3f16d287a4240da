"""helpers.stats.gradient on synthetic tables (tests/synthetic.py: made-up numbers, not Oslo's)."""

import dataclasses

import numpy as np
import pandas as pd
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


def _area_table(cat, area: str):
    """SYNTHETIC: tests/synthetic.py's table for every available indicator of ``area``."""
    ids = [i.id for i in cat.available(area)]
    keys = ["indicator_id", "geo_code", "period", "sex", "age_group"]
    tidy = pd.concat([tidy_table(i) for i in ids], ignore_index=True)
    return ids, tidy.drop_duplicates(keys).reset_index(drop=True)


def test_for_area_options_reach_every_analysis(cat):
    """``for_area``'s defaults (latest period) and its options (rank year, seed, repetitions,
    ``sii_transform``) are the ones each indicator is analysed with: the result equals
    ``analyse_indicator`` called with the same options directly."""
    ids, tidy = _area_table(cat, "levekar")
    latest = gradient.for_area("levekar", tidy=tidy, catalogue=cat, repetitions=1000, seed=7)
    assert [(r.indicator.id, r.period, r.ranking.year) for r in latest] == [
        (i, "2024", 2024) for i in ids
    ]
    first = latest[0]
    assert first.fit.transform == "logit"
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    direct = gradient.analyse_indicator(tidy, first.indicator, ranking, repetitions=1000, seed=7)
    assert first.sii == direct.sii  # same seed and repetitions: the same draws
    plain = gradient.for_area(
        "levekar", tidy=tidy, catalogue=cat, repetitions=1000, rank_year=2022, period=2023,
        sii_transform=False,
    )  # fmt: skip
    assert plain[0].ranking.year == 2022 and plain[0].fit.transform == ""


@pytest.mark.parametrize(
    ("options", "start"),
    [
        ({"area": "helse"}, "area: 'helse' is not an innsatsområde"),
        (
            {"area": "levekar", "geo_level": "delbydel"},
            "geo_level: 'delbydel' is not a level with data",
        ),
        ({"area": "levekar", "period": "siste"}, "period: 'siste': give 'latest' or a year"),
    ],
)
def test_for_area_bad_option_names_the_option(cat, options, start):
    """Each bad option is answered with its own name and what it should be."""
    options = dict(options)
    area = options.pop("area")
    with pytest.raises(ValueError) as info:
        gradient.for_area(area, tidy=tidy_table(), catalogue=cat, **options)
    assert str(info.value).startswith(start)


def test_period_no_indicator_has_lists_each_indicator_and_its_periods(cat):
    """The message lists the area's indicators one by one ("; " between them), an indicator
    without any rows as "none"."""
    with pytest.raises(ValueError) as info:
        gradient.for_area("levekar", period=2019, tidy=tidy_table(), catalogue=cat)
    message = str(info.value)
    ids = [i.id for i in cat.available("levekar")]
    other = next(i for i in ids if i != "uforetrygd")
    assert "uforetrygd 2022–2024; " in message or message.endswith("uforetrygd 2022–2024)")
    assert f"{other} none" in message
    assert message.count("; ") == len(ids) - 1


def test_a_period_with_only_an_oslo_row_is_missing_for_the_bydeler(cat):
    """Only bydel rows for the whole population count: an indicator that has Oslo's value but
    no bydel value for 2023 is missing there."""
    tidy = tidy_table()
    bydel_2023 = tidy["geo_level"].eq("bydel") & tidy["period"].eq("2023")
    tidy = tidy[~(bydel_2023 & tidy["indicator_id"].eq("uforetrygd"))]
    ind = cat.indicator("uforetrygd")
    assert gradient.missing_period(tidy, [ind], 2023) == [(ind, ["2022", "2024"])]
    assert gradient.missing_period(tidy, [ind], "latest") == []


def test_a_bydel_without_a_row_is_listed_as_missing_and_left_out(cat):
    """A bydel with no row for the period stays in the table (flag "..", no rank), is listed
    as excluded, and the ranks of the others are their own population shares' midpoints."""
    tidy = tidy_table()
    gone = tidy["indicator_id"].eq("uforetrygd") & tidy["geo_code"].eq("030103")
    tidy = tidy[~(gone & tidy["period"].eq("2024"))]
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    assert res.table["geo_code"].tolist() == list(config.BYDELER)
    row = res.table[res.table["geo_code"].eq("030103")].iloc[0]
    assert row["flag"] == ".." and np.isnan(row["rank"])
    assert res.excluded == [config.BYDELER["030103"]]
    rest = [c for c in tidy.columns if c not in ("geo_code", "geo_name")]
    assert list(res.table.columns) == [*ranking.table.columns, *rest, "rank"]
    denom = np.delete(10_000.0 + 1_000 * np.arange(1, 16), 2)  # bydel 3 left out
    share = denom / denom.sum()
    np.testing.assert_allclose(
        res.table["rank"].dropna().to_numpy(), np.cumsum(share) - share / 2, rtol=1e-12
    )


def test_two_rows_for_one_bydel_are_an_error(cat):
    """Two rows for one bydel in one period (e.g. an age group not filtered out) cannot be
    joined to the ranking one to one: an error, not a duplicated bydel in the gradient."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    rows = tidy[tidy["indicator_id"].eq("uforetrygd") & tidy["period"].eq("2024")]
    rows = rows[rows["geo_level"].eq("bydel")]
    with pytest.raises(pd.errors.MergeError):
        gradient._bydel_table(pd.concat([rows, rows.iloc[[0]]]), ranking)


def test_only_unflagged_rows_with_a_population_are_ranked(cat):
    """A row with a flag is left out of the ranks even if it still carries a value (the tidy
    schema allows a value beside a flag); a bydel of population 1 is ranked (weight > 0)."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    rows = tidy[tidy["indicator_id"].eq("uforetrygd") & tidy["period"].eq("2024")]
    rows = rows[rows["geo_level"].eq("bydel")].reset_index(drop=True)
    rows.loc[0, "flag"] = "prikket"  # value kept
    rows.loc[1, ["numerator", "denominator"]] = [0.0, 1.0]
    table = gradient._bydel_table(rows, ranking)
    assert np.isnan(table.loc[0, "rank"]) and not np.isnan(table.loc[1, "rank"])
    denom = np.r_[1.0, 10_000.0 + 1_000 * np.arange(3, 16)]
    share = denom / denom.sum()
    np.testing.assert_allclose(
        table["rank"].dropna().to_numpy(), np.cumsum(share) - share / 2, rtol=1e-12
    )


def test_select_period_resolves_latest_and_names_what_is_missing():
    """``"latest"`` is the period of the latest end year (whatever the row order and labels); a
    year as number or text with spaces is the period of that label; a missing period or an
    indicator without rows is an error that names the indicator (by default "the indicator")."""
    rows = pd.DataFrame(
        {"period": ["2020–2022", "2017–2019", "2021–2023"], "year_end": [2022, 2019, 2023]}
    )
    assert gradient.select_period(rows, "latest") == "2021–2023"
    assert gradient.select_period(rows, " 2017–2019 ") == "2017–2019"
    years = pd.DataFrame({"period": ["2023", "2024"], "year_end": [2023, 2024]})
    assert gradient.select_period(years, 2023) == "2023"
    with pytest.raises(ValueError) as info:
        gradient.select_period(years, 2019, "'uforetrygd'")
    assert str(info.value) == "period: 'uforetrygd' has no data for 2019; it has 2023–2024"
    with pytest.raises(ValueError) as info:
        gradient.select_period(years.iloc[:0], "latest")
    assert str(info.value) == "period: the indicator has no rows in the tidy table"
    with pytest.raises(ValueError) as info:
        gradient.select_period(years.iloc[:0], 2024, "'uforetrygd'")
    assert str(info.value) == "period: 'uforetrygd' has no rows in the tidy table"


def _yearly_table() -> pd.DataFrame:
    """SYNTHETIC (tests/synthetic.py's formulas, not Oslo's): uføretrygd 2020–2024 with a
    gradient that steepens by 0.05 points per bydel each year (slope −0.2 in 2020 to −0.4 in
    2024); in 2020 only bydel 1 and 2 are published, in 2022 only bydel 1–3 (the others
    suppressed: flag "prikket", no value or numerator). Ranked by 2024's education."""
    slopes = {2020: -0.2, 2021: -0.25, 2022: -0.3, 2023: -0.35, 2024: -0.4}
    published = {2020: 2, 2022: 3}
    frames = []
    for year, slope in slopes.items():
        frame = tidy_table(years=(year,), slope=slope)
        bydel = frame["indicator_id"].eq("uforetrygd") & frame["geo_level"].eq("bydel")
        hidden = bydel & ~frame["geo_code"].isin(list(config.BYDELER)[: published.get(year, 15)])
        frame.loc[hidden, ["value", "numerator", "ci_low", "ci_high"]] = np.nan
        frame.loc[hidden, "flag"] = "prikket"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("transform", [True, False])
def test_trend_is_each_years_headline_gradient(cat, transform):
    """The trend chart's SII per year is the SII the chapter prints for that year (the same
    seed, repetitions, confidence and transform): point, model interval (``lower``/``upper``,
    GradientFit) and phe_sii's within-bydel interval. A year with fewer than 3 published
    bydeler (2020) is left out; one with exactly 3 (2022) is kept. The change in the gap is
    modelled on the years shown (Poisson: counts), at the confidence level asked for: its
    interval is the estimate ± t(0.95, 15 − 1 bydeler) · se at 90 %."""
    from scipy import stats

    tidy = _yearly_table()
    ind = cat.indicator("uforetrygd")  # latest break 2015, before these years
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    opts = dict(seed=11, repetitions=1000, confidence=0.9, sii_transform=transform)
    res = gradient.analyse_indicator(tidy, ind, ranking, **opts)
    trend = res.trend
    assert list(trend.columns) == [
        "year_end", "sii", "lower", "upper", "lower_within", "upper_within",
    ]  # fmt: skip
    assert trend["year_end"].tolist() == [2021, 2022, 2023, 2024]
    for year, row in zip(trend["year_end"], trend.to_dict("records"), strict=True):
        one = gradient.analyse_indicator(tidy, ind, ranking, period=str(year), **opts)
        assert one.fit.transform == ("logit" if transform else "")
        assert row["sii"] == pytest.approx(one.sii.sii, rel=1e-12)
        assert (row["lower"], row["upper"]) == pytest.approx(
            (one.fit.sii_lower, one.fit.sii_upper), rel=1e-12
        )
        assert (row["lower_within"], row["upper_within"]) == pytest.approx(
            (one.sii.sii_lower, one.sii.sii_upper), rel=1e-12
        )
    gap = res.gap_trend
    assert gap.years == (2021, 2022, 2023, 2024) and gap.scale == "log_rate"
    half = stats.t.ppf(0.95, 14) * gap.se
    assert (gap.lower, gap.upper) == pytest.approx(
        (gap.slope_change - half, gap.slope_change + half), rel=1e-9
    )


def test_change_in_the_gap_needs_three_years_from_the_latest_break(cat):
    """The chart shows every year (2021–2024 of the synthetic yearly table), but the change in
    the gap is modelled only from the latest series break, and only on 3 or more years: a break
    in 2022 leaves 2022–2024 (modelled), a break in 2023 leaves two years (no model)."""
    tidy = _yearly_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    ind = cat.indicator("uforetrygd")
    for year, modelled in [(2022, (2022, 2023, 2024)), (2023, None)]:
        broken = dataclasses.replace(ind, series_breaks=(catalogue.SeriesBreak(year, "synthetic"),))
        res = gradient.analyse_indicator(tidy, broken, ranking, repetitions=1000)
        assert res.trend["year_end"].tolist() == [2021, 2022, 2023, 2024]
        assert (res.gap_trend.years if res.gap_trend else None) == modelled


def test_the_result_carries_oslos_row_and_no_standardised_rates(cat):
    """``oslo`` is Oslo's own row for the period (synthetic: the sum of the 15 bydeler's counts,
    2024), None when the table has no Oslo row; an indicator that is not age-standardised has
    neither standardised rates nor a crude line beside them. A period the indicator lacks is
    an error naming the indicator."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    ind = cat.indicator("uforetrygd")
    res = gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)
    denom = 10_000.0 + 1_000 * np.arange(1, 16)
    num = np.round((10.0 - 0.4 * np.arange(1, 16)) / 100 * denom)
    assert res.oslo["geo_code"] == config.OSLO_CODE and res.oslo["period"] == "2024"
    assert res.oslo["numerator"] == num.sum() and res.oslo["denominator"] == denom.sum()
    assert res.standardised is None and res.crude_fit is None and res.counts is True
    without = tidy[tidy["geo_code"].ne(config.OSLO_CODE)]
    assert gradient.analyse_indicator(without, ind, ranking, repetitions=1000).oslo is None
    with pytest.raises(ValueError) as info:
        gradient.analyse_indicator(tidy, ind, ranking, period=2019)
    assert str(info.value) == "period: 'uforetrygd' has no data for 2019; it has 2022–2024"
