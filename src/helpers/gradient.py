"""The social gradient of one indicator across Oslo's bydeler, as the report shows it.

Bydeler are ordered by a socioeconomic ranking variable from the most to the least disadvantaged
(order 1 = most disadvantaged) and given the midpoint of their cumulative population share as rank.
For each indicator we compute the slope and relative index of inequality (PHEindicatormethods
``phe_sii``), the relative concentration index (WHO HEAT), and, where counts exist, a Poisson or
negative-binomial rate ratio across the gradient (``helpers.models``). SII is oriented so that a
positive value means *higher values at the disadvantaged end*, whatever the indicator's polarity:
``multiplier = -100`` in ``phe_sii`` terms (percentage points, disadvantaged minus advantaged).

The input is the tidy table *after* small-number suppression: suppressed bydeler ("prikket") are
left out of every model and listed in ``IndicatorResult.excluded``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers import config, inequality, models, no_counts
from helpers.catalogue import Catalogue, Indicator, RankingVariable

# phe_sii value_type codes
_VALUE_TYPE = {"proportion": 2, "rate": 1, "mean": 0}


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
    sii: inequality.SIIResult | None
    rci: inequality.HeatResult | None
    poisson: models.PoissonGradient | None
    trend: pd.DataFrame | None  # phe_sii per year: year_end, sii, lower, upper
    excluded: list[str] = field(default_factory=list)
    circular: bool = False  # the ranking variable is (built from) this indicator: no gradient
    gap_trend: models.TrendResult | None = None  # is the gap narrowing? (model across years)
    counts: bool = True  # False: the source gives values only (no counts, no intervals)

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
    spec = catalogue.ranking(rank_by)
    rows = tidy[(tidy["indicator_id"] == rank_by) & (tidy["geo_level"] == "bydel")]
    if rows.empty:
        raise ValueError(f"rank_by: no data for ranking variable {rank_by!r}")
    years = sorted(int(y) for y in rows["year_end"].unique())
    year = years[-1] if year is None else int(year)
    rows = rows[(rows["year_end"] == year) & (rows["sex"] == "alle")]
    if rows.empty:
        raise ValueError(
            f"rank_year: {rank_by!r} has no data for {year}; it has {years[0]}–{years[-1]}"
            + (f" (the catalogue suggests {spec.year})" if spec.year else "")
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


def select_period(rows: pd.DataFrame, period: str) -> str:
    """Resolve ``"latest"`` (or a year) to one of the indicator's periods."""
    if rows.empty:
        raise ValueError("period: the indicator has no rows")
    if period == "latest":
        return str(rows.loc[rows["year_end"].idxmax(), "period"])
    if period not in set(rows["period"]):
        raise ValueError(f"period: {period!r} not among {sorted(set(rows['period']))}")
    return period


def _bydel_table(rows: pd.DataFrame, ranking: Ranking) -> pd.DataFrame:
    """Bydel rows of one period joined to the ranking, with midpoint cumulative population rank."""
    table = ranking.table.merge(
        rows.drop(columns=["geo_name"]), on="geo_code", how="left", validate="one_to_one"
    )
    table["flag"] = table["flag"].fillna("..")
    table = table.sort_values("order").reset_index(drop=True)
    ok = table["flag"].eq("") & table["value"].notna()
    # values without counts (helpers.no_counts): every bydel with a value gets equal weight
    weight = table["denominator"] if no_counts.has_counts(table) else ok.astype(float)
    ok &= weight.gt(0)
    share = weight.where(ok) / weight[ok].sum()
    table["rank"] = (share.fillna(0).cumsum() - share / 2).where(ok)
    return table


def analyse_indicator(
    tidy: pd.DataFrame,
    indicator: Indicator,
    ranking: Ranking,
    *,
    period: str = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    confidence: float = config.DEFAULT_CONFIDENCE,
) -> IndicatorResult:
    """Gradient statistics for one indicator (all sexes and ages combined)."""
    rows = tidy[tidy["indicator_id"] == indicator.id]
    sexes = set(rows["sex"])
    # one sex only (e.g. HPV vaccination of girls): that is the indicator's whole population
    rows = rows[rows["sex"] == ("alle" if "alle" in sexes or len(sexes) != 1 else sexes.pop())]
    period = select_period(rows, period)
    current = rows[rows["period"] == period]
    table = _bydel_table(current[current["geo_level"] == "bydel"], ranking)
    oslo_rows = current[current["geo_code"] == config.OSLO_CODE]
    oslo = oslo_rows.iloc[0] if len(oslo_rows) else None
    used = table[table["rank"].notna()]
    excluded = table.loc[table["rank"].isna(), "geo_name"].tolist()

    sii = rci = poisson = None
    circular = not ranking.suitable_for(indicator.id)
    counts = no_counts.has_counts(rows)
    if len(used) >= 3 and not circular and not counts:
        sii = no_counts.point_sii(used, indicator)
    elif len(used) >= 3 and not circular:
        sii = _phe_sii(used, indicator, seed=seed, repetitions=repetitions, confidence=confidence)
        rci = inequality.rci(
            used["value"].to_numpy(float),
            used["denominator"].to_numpy(float),
            subgroup_order=used["order"].to_numpy(int),
            favourable_indicator=indicator.polarity == "higher_is_better",
            conf_level=confidence,
        )
        if used["numerator"].notna().all():
            poisson = models.poisson_gradient(
                used["numerator"].to_numpy(float),
                used["denominator"].to_numpy(float),
                1.0 - used["rank"].to_numpy(float),  # ratio disadvantaged / advantaged end
                confidence=confidence,
            )
    trend, gap_trend = (
        (None, None)
        if circular
        else _trend(
            rows, indicator, ranking, seed=seed, repetitions=repetitions, confidence=confidence
        )
    )
    return IndicatorResult(
        indicator,
        period,
        ranking,
        table,
        oslo,
        sii,
        rci,
        poisson,
        trend,
        excluded,
        circular,
        gap_trend,
        counts,
    )


def _phe_sii(
    used: pd.DataFrame, indicator: Indicator, *, seed: int, repetitions: int, confidence: float
) -> inequality.SIIResult:
    """phe_sii on the bydeler in rank order; shares go in as proportions with Wilson limits.

    phe_sii takes a proportion's standard error on the logit scale, which needs values and
    limits strictly between 0 and 1; a share of exactly 0 or 100 % falls back to the natural
    scale (value_type 0), as phe_sii would require of its user.
    """
    scale = indicator.multiplier or 1
    value = used["value"].to_numpy(float) / scale
    lower = used["ci_low"].to_numpy(float) / scale
    upper = used["ci_high"].to_numpy(float) / scale
    value_type = _VALUE_TYPE.get(indicator.value_type, 0)
    if not no_counts.has_counts(used):
        return no_counts.point_sii(used, indicator)
    inside = np.all((lower > 0) & (upper < 1)) if value_type == 2 else np.all(lower > 0)
    if value_type in (1, 2) and not inside:
        value_type = 0
    return inequality.sii(
        value,
        used["denominator"].to_numpy(float),
        value_type=value_type,
        lower_cl=lower,
        upper_cl=upper,
        multiplier=-scale,
        confidence=confidence,
        repetitions=repetitions,
        seed=seed,
    )


def _trend(
    rows: pd.DataFrame,
    indicator: Indicator,
    ranking: Ranking,
    *,
    seed: int,
    repetitions: int,
    confidence: float,
) -> tuple[pd.DataFrame | None, models.TrendResult | None]:
    """Over 3+ periods: phe_sii per year on the fixed ranking (the same measure as the headline
    SII, so chart and table agree), and a model of the change in the gradient across years
    (``models.trend_in_gap``: Poisson with offset when counts exist, cluster-robust by bydel)."""
    bydel = rows[(rows["geo_level"] == "bydel") & rows["flag"].eq("") & rows["value"].notna()]
    if bydel["year_end"].nunique() < 3:
        return None, None
    frames, per_year = [], []
    for year, group in bydel.groupby("year_end"):
        table = _bydel_table(group, ranking)
        used = table[table["rank"].notna()]
        if len(used) < 3:
            continue
        frames.append(used)
        s = _phe_sii(used, indicator, seed=seed, repetitions=repetitions, confidence=confidence)
        per_year.append(
            {"year_end": int(year), "sii": s.sii, "lower": s.sii_lower, "upper": s.sii_upper}
        )
    if len(per_year) < 3:
        return None, None
    long = pd.concat(frames, ignore_index=True)
    if not no_counts.has_counts(long):  # overlapping periods, no counts: no model of change
        return pd.DataFrame(per_year), None
    return pd.DataFrame(per_year), models.trend_in_gap(long, confidence=confidence)


def for_area(
    area: str,
    *,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int | None = config.DEFAULT_RANK_YEAR,
    period: str = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    geo_level: str = "bydel",
    tidy: pd.DataFrame,
    catalogue: Catalogue,
) -> list[IndicatorResult]:
    """Analyse every available indicator of an innsatsområde, in catalogue order."""
    if area not in config.AREAS:
        raise ValueError(f"area: {area!r} is not one of {sorted(config.AREAS)}")
    if geo_level != "bydel":
        raise ValueError(f"geo_level: only 'bydel' has shipped data, not {geo_level!r}")
    ranking = rank_bydeler(tidy, catalogue, rank_by, rank_year)
    return [
        analyse_indicator(tidy, ind, ranking, period=period, seed=seed, repetitions=repetitions)
        for ind in catalogue.available(area)
    ]
