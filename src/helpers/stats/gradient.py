"""The social gradient of one indicator across Oslo's bydeler, as the report shows it.

Bydeler are ordered by a socioeconomic ranking variable from the most to the least disadvantaged
(order 1 = most disadvantaged) and given the midpoint of their cumulative population share as rank.
For each indicator we compute the slope and relative index of inequality (PHEindicatormethods
``phe_sii``), the relative concentration index (WHO HEAT), and, where counts exist, a Poisson or
negative-binomial rate ratio across the gradient (``helpers.stats.models``). SII is oriented so
that a
positive value means *higher values at the disadvantaged end*, whatever the indicator's polarity:
``multiplier = -100`` in ``phe_sii`` terms (percentage points, disadvantaged minus advantaged).

As PHEindicatormethods' documentation recommends for rates and proportions, ``phe_sii`` runs with
``transform = TRUE`` by default (logit for proportions, log for rates: the regression is done on
the transformed scale and its two ends are transformed back), configurable with
``sii_transform``. RII is then the ratio of the fitted values at the two ends of the gradient.

Two intervals are reported for SII and RII, because they answer different questions:

* ``sii`` (phe_sii's simulation) covers only the sampling noise *within* each bydel's value
  (each value drawn from its own confidence interval). With 15 large bydeler it is narrow.
* ``fit`` (``GradientFit``): the same weighted regression with its model-based interval
  (residual variance of the bydeler around the line, t with n − 2 df), which also covers how
  much the bydeler scatter around the gradient. Only this interval decides whether the report
  calls a gradient clear (``GradientFit.clear``).

The input is the tidy table *after* small-number suppression: suppressed bydeler ("prikket") are
left out of every model and listed in ``IndicatorResult.excluded``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue, Indicator, RankingVariable
from helpers.errors import ParameterError
from helpers.stats import (
    checks,
    heat,
    measures,
    models,
    no_counts,
    phe_sii,
    ranks,
    standardise,
    trends,
)
from helpers.stats.fit import DEFAULT_SII_TRANSFORM, GradientFit, _phe_sii, gradient_fit


@dataclass(frozen=True)
class Ranking:
    """Socioeconomic order of the bydeler (order 1 = most disadvantaged)."""

    variable: str
    name_nb: str
    year: int
    table: pd.DataFrame  # geo_code, geo_name, ses_value, order
    spec: RankingVariable | None = None

    def suitable_for(self, indicator_id: str) -> bool:
        """False when ranking this indicator by the variable would be circular."""
        return self.spec is None or self.spec.suitable_for(indicator_id)


@dataclass
class IndicatorResult:
    """Everything the report shows for one indicator in one period."""

    indicator: Indicator
    period: str
    ranking: Ranking
    table: pd.DataFrame  # one row per bydel in rank order, with rank and order
    oslo: pd.Series | None
    # every registered measure's result by key (helpers.stats.measures.MEASURES), None where it
    # does not apply; empty when there is no gradient (circular ranking, fewer than 3 bydeler)
    measures: dict[str, Any]
    trend: pd.DataFrame | None  # phe_sii per year: year_end, sii, lower, upper
    excluded: list[str] = field(default_factory=list)
    circular: bool = False  # the ranking variable is (built from) this indicator: no gradient
    gap_trend: trends.TrendResult | None = None  # is the gap narrowing? (model across years)
    # Age-standardised rates (standardise.AGE_STANDARDISED): geo_code, value, ci_low, ci_high.
    # When set, sii, fit and trend use them; the crude gradient is kept in crude_fit.
    standardised: pd.DataFrame | None = None
    crude_fit: GradientFit | None = None
    counts: bool = True  # False: the source gives values only (no counts, no intervals)

    @property
    def sii(self) -> phe_sii.SIIResult | None:
        """phe_sii's SII and RII (within-bydel sampling noise only)."""
        return self.measures.get("sii")

    @property
    def fit(self) -> GradientFit | None:
        """The SII line with the model-based (between-bydel) interval."""
        return self.measures.get("fit")

    @property
    def rci(self) -> heat.HeatResult | None:
        """HEAT's relative concentration index."""
        return self.measures.get("rci")

    @property
    def poisson(self) -> models.PoissonGradient | None:
        """The rate ratio across the gradient (counts only)."""
        return self.measures.get("poisson")

    @property
    def published(self) -> pd.DataFrame:
        """Bydeler with a published (not suppressed, not missing) value."""
        return self.table[self.table["flag"].eq("") & self.table["value"].notna()]

    def extremes(self) -> tuple[pd.Series, pd.Series] | None:
        """The published bydeler with the lowest and the highest value (None if none)."""
        pub = self.published
        if pub.empty:
            return None
        return pub.loc[pub["value"].idxmin()], pub.loc[pub["value"].idxmax()]


def rank_bydeler(
    tidy: pd.DataFrame, catalogue: Catalogue, rank_by: str, year: int | None = None
) -> Ranking:
    """Order the 15 bydeler by ``rank_by`` in ``year`` (latest if None), most deprived first."""
    from helpers import params

    spec = catalogue.ranking(params.check_rank_by("rank_by", rank_by, catalogue))
    rows = tidy[(tidy["indicator_id"] == rank_by) & (tidy["geo_level"] == "bydel")]
    if rows.empty:
        raise ParameterError("rank_by", f"no data for ranking variable {rank_by!r}")
    years = sorted(int(y) for y in rows["year_end"].unique())
    year = years[-1] if year is None else int(year)
    rows = rows[(rows["year_end"] == year) & (rows["sex"] == "alle")]
    if rows.empty:
        raise ParameterError(
            "rank_year",
            f"{rank_by!r} has no data for {year}; it has {period_span(years)}"
            + (f" (the catalogue suggests {spec.year})" if spec.year else ""),
        )
    if rows["geo_code"].nunique() != len(config.BYDELER) or rows["value"].isna().any():
        raise ValueError(
            f"rank_by: {rank_by!r} in {year} must have a value for all {len(config.BYDELER)} "
            "bydeler"
        )
    ascending = spec.disadvantaged == "low"
    table = (
        rows[["geo_code", "geo_name", "value"]]
        .rename(columns={"value": "ses_value"})
        .sort_values(["ses_value", "geo_code"], ascending=[ascending, True])
        .reset_index(drop=True)
    )
    table["order"] = np.arange(1, len(table) + 1)
    return Ranking(rank_by, spec.name_nb, year, table, spec)


def select_period(rows: pd.DataFrame, period: str | int, name: str = "the indicator") -> str:
    """Resolve ``"latest"`` or a period (a year as number or text: ``2019``, ``"2019"``) to one
    of the indicator's periods; ``name`` is the indicator named in errors."""
    if rows.empty:
        raise ValueError(f"period: {name} has no rows in the tidy table")
    period = str(period).strip()  # papermill's `-p period 2019` passes an int
    if period == "latest":
        return str(rows.loc[rows["year_end"].idxmax(), "period"])
    if period not in set(rows["period"]):
        raise ParameterError(
            "period", f"{name} has no data for {period}; it has {period_span(rows['period'])}"
        )
    return period


def period_span(periods) -> str:
    """Periods in words for messages: ``2007–2019, 2021, 2023–2024`` (runs of years joined)."""
    labels = sorted({str(p) for p in periods})
    if not all(lab.isdigit() for lab in labels):
        return ", ".join(labels)
    years = sorted(int(lab) for lab in labels)
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def missing_period(
    tidy: pd.DataFrame, indicators, period: str | int
) -> list[tuple[Indicator, list[str]]]:
    """The indicators without bydel data for ``period`` (none for ``"latest"``), each with the
    periods it has."""
    period = str(period).strip()
    if period == "latest":
        return []
    bydel = tidy[tidy["geo_level"].eq("bydel") & tidy["sex"].eq("alle")]
    periods = bydel.groupby("indicator_id")["period"].agg(lambda s: sorted(set(s))).to_dict()
    return [
        (ind, periods.get(ind.id, []))
        for ind in indicators
        if period not in periods.get(ind.id, [])
    ]


def _bydel_table(rows: pd.DataFrame, ranking: Ranking) -> pd.DataFrame:
    """Bydel rows of one period joined to the ranking, with midpoint cumulative population rank."""
    table = ranking.table.merge(
        rows.drop(columns=["geo_name"]), on="geo_code", how="left", validate="one_to_one"
    )
    table["flag"] = table["flag"].fillna("..")
    table = table.sort_values("order").reset_index(drop=True)
    ok = table["flag"].eq("") & table["value"].notna()
    # values without counts (helpers.stats.no_counts): the age group's population
    weight = (
        table["denominator"] if no_counts.has_counts(table) else no_counts.population_weight(table)
    )
    ok &= weight.gt(0)
    table["rank"] = np.nan
    if ok.any():
        table.loc[ok, "rank"] = ranks.midpoint_rank(weight[ok])
    return table


def indicator_rows(tidy: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The rows of one indicator for its whole population: sex "alle", or the one sex it has
    when it has only one (e.g. HPV vaccination of girls: the girls are the whole population)."""
    rows = tidy[tidy["indicator_id"] == indicator_id]
    sexes = set(rows["sex"])
    return rows[rows["sex"] == ("alle" if "alle" in sexes or len(sexes) != 1 else sexes.pop())]


def analyse_indicator(
    tidy: pd.DataFrame,
    indicator: Indicator,
    ranking: Ranking,
    *,
    period: str = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    confidence: float = config.DEFAULT_CONFIDENCE,
    sii_transform: bool = DEFAULT_SII_TRANSFORM,
    age_standardise: bool = True,
) -> IndicatorResult:
    """Gradient statistics for one indicator (all sexes and ages combined).

    ``age_standardise``: for indicators that depend strongly on age
    (``standardise.AGE_STANDARDISED``) the gradient uses directly age-standardised rates
    (log transform, as for rates); the crude line is kept in ``crude_fit``.

    ``sii_transform``: phe_sii's ``transform`` for rates and proportions (default True, as
    PHEindicatormethods recommends); other values are never transformed."""
    confidence = checks.confidence_level(confidence)  # 0.9-1 or 90-100, as PHE
    rows = indicator_rows(tidy, indicator.id)
    period = select_period(rows, period, repr(indicator.id))
    current = rows[rows["period"] == period]
    table = _bydel_table(current[current["geo_level"] == "bydel"], ranking)
    oslo_rows = current[current["geo_code"] == config.OSLO_CODE]
    oslo = oslo_rows.iloc[0] if len(oslo_rows) else None
    used = table[table["rank"].notna()]
    excluded = table.loc[table["rank"].isna(), "geo_name"].tolist()

    circular = not ranking.suitable_for(indicator.id)
    counts = no_counts.has_counts(rows)
    opts = dict(seed=seed, repetitions=repetitions, confidence=confidence, transform=sii_transform)
    std_rates = crude_fit = None
    std = (
        age_standardise
        and indicator.id in standardise.AGE_STANDARDISED
        and standardise.reproduces(used, indicator.id, int(period))
    )
    if std:
        std_rates = standardise.standardised_rates(indicator.id, int(period), confidence)
    results: dict[str, Any] = {}
    if len(used) >= 3 and not circular:
        # values without counts: point estimates, the line drawn without a band (no_counts)
        g_used, g_ind = used, indicator
        if std and counts:
            crude_fit = gradient_fit(
                used, indicator, transform=sii_transform, confidence=confidence
            )
            g_used = standardise.standardise_rows(used, indicator.id, int(period))
            g_ind = dataclasses.replace(indicator, value_type="rate")
        results = measures.compute_all(
            measures.MeasureInput(used, indicator, g_used, g_ind, counts, **opts)
        )
    trend, gap_trend = (
        (None, None) if circular else _trend(rows, indicator, ranking, standardised=std, **opts)
    )
    return IndicatorResult(
        indicator,
        period,
        ranking,
        table,
        oslo,
        results,
        trend,
        excluded,
        circular,
        gap_trend,
        std_rates,
        crude_fit,
        counts,
    )


def _trend(
    rows: pd.DataFrame,
    indicator: Indicator,
    ranking: Ranking,
    *,
    seed: int,
    repetitions: int,
    confidence: float,
    transform: bool = DEFAULT_SII_TRANSFORM,
    standardised: bool = False,
) -> tuple[pd.DataFrame | None, trends.TrendResult | None]:
    """Over 3+ periods: the SII per year on the fixed ranking (the same measure as the headline
    SII, so chart and table agree; ``lower``/``upper`` the model-based interval with the
    variation between bydeler, ``lower_within``/``upper_within`` phe_sii's), and a model of the
    change in the gradient across years (``trends.trend_in_gap``: Poisson with offset when
    counts exist, cluster-robust by bydel). The model uses only the years from the indicator's
    latest series break (``Indicator.latest_break``), and needs 3 of them. With
    ``standardised`` every year uses the age-standardised rates, and the change is modelled by
    weighted least squares of those rates (cluster-robust by bydel)."""
    bydel = rows[(rows["geo_level"] == "bydel") & rows["flag"].eq("") & rows["value"].notna()]
    if bydel["year_end"].nunique() < 3:
        return None, None
    frames, per_year = [], []
    for year, group in bydel.groupby("year_end"):
        table = _bydel_table(group, ranking)
        used = table[table["rank"].notna()]
        if len(used) < 3:
            continue
        ind = indicator
        if standardised:
            if not standardise.reproduces(used, indicator.id, int(year)):
                continue  # never mix standardised and crude years in one trend
            used = standardise.standardise_rows(used, indicator.id, int(year))
            ind = dataclasses.replace(indicator, value_type="rate")
        frames.append(used)
        s = _phe_sii(
            used, ind, seed=seed, repetitions=repetitions, confidence=confidence,
            transform=transform,
        )  # fmt: skip
        lower = upper = float("nan")  # values without counts: no interval (helpers.stats.no_counts)
        if no_counts.has_counts(used):
            f = gradient_fit(used, ind, transform=transform, confidence=confidence)
            lower, upper = f.sii_lower, f.sii_upper
        per_year.append(
            {
                "year_end": int(year), "sii": s.sii, "lower": lower, "upper": upper,
                "lower_within": s.sii_lower, "upper_within": s.sii_upper,
            }
        )  # fmt: skip
    if len(per_year) < 3:
        return None, None
    long = pd.concat(frames, ignore_index=True)
    if not no_counts.has_counts(long):  # overlapping periods, no counts: no model of change
        return pd.DataFrame(per_year), None
    brk = indicator.latest_break
    if brk is not None:
        long = long[long["year_end"] >= brk.year]
    gap = (
        trends.trend_in_gap(long, confidence=confidence, method="wls" if standardised else "auto")
        if long["year_end"].nunique() >= 3
        else None
    )
    return pd.DataFrame(per_year), gap


def for_area(area: str, **options) -> list[IndicatorResult]:
    """Analyse every available indicator of an innsatsområde, in catalogue order
    (:func:`for_areas` with one area; the same keyword options).

    With a given ``period`` (a year, as number or text) the indicators that have it are analysed
    and the others left out (:func:`missing_period` names them); a period that none of the
    area's indicators has is a ``ParameterError`` naming each indicator and its periods.
    """
    return for_areas([area], **options)


def for_areas(
    areas,
    *,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int | None = config.DEFAULT_RANK_YEAR,
    period: str | int = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    geo_level: str = "bydel",
    tidy: pd.DataFrame,
    catalogue: Catalogue,
    sii_transform: bool = DEFAULT_SII_TRANSFORM,
) -> list[IndicatorResult]:
    """Analyse every available indicator of the innsatsområder ``areas`` (the overview), in
    catalogue order; only a period that no indicator of any of them has is an error."""
    from helpers import params

    for area in areas:
        params.check_choice("area", area, config.AREAS, "an innsatsområde")
    params.check_choice("geo_level", geo_level, params.GEO_LEVELS, "a level with data")
    period = params.check_period("period", period)
    ranking = rank_bydeler(tidy, catalogue, rank_by, rank_year)
    indicators = [ind for area in areas for ind in catalogue.available(area)]
    missing = missing_period(tidy, indicators, period)
    if indicators and len(missing) == len(indicators):
        have = "; ".join(f"{ind.id} {period_span(p) or 'none'}" for ind, p in missing)
        raise ParameterError("period", f"no indicator has data for {period} ({have})")
    return [
        analyse_indicator(
            tidy,
            ind,
            ranking,
            period=period,
            seed=seed,
            repetitions=repetitions,
            sii_transform=sii_transform,
        )
        for ind in indicators
        if ind.id not in {m.id for m, _ in missing}
    ]
