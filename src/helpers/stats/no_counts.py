"""Indicators published as a value only (e.g. FHI's vaccination coverage): no counts, no interval.

When a source gives the percentage but neither numerator nor denominator, no sampling interval
can be computed, and none is invented. The rank-based measures are still defined as point
estimates: the bydeler are ordered by the ranking variable and, lacking the counts behind each
value, weighted by the population of the indicator's age group (:func:`population_weight`, from
the shipped population tables), as counted indicators are weighted by their denominators. SII and
RII are then PHEindicatormethods' ``phe_sii`` point estimates (the same weighted least squares,
:func:`helpers.stats.phe_sii.sii`, with the same logit/log transform as every other indicator,
``DEFAULT_SII_TRANSFORM``) with their limits left missing. Trends across overlapping multi-year
periods are shown as point estimates only: consecutive 5-year moving averages share four of five
years, so they are not independent and no model of the change is fitted.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.pipeline import denominators
from helpers.present import text
from helpers.stats import phe_sii

if TYPE_CHECKING:
    from helpers.stats.fit import GradientFit
    from helpers.stats.gradient import IndicatorResult

NO_INTERVAL_NB = "intervall kan ikke beregnes"


def has_counts(rows: pd.DataFrame) -> bool:
    """True when any row carries a denominator (the usual case); False for value-only series."""
    return bool(rows["denominator"].notna().any())


#: The age group of the population table
#: (``helpers.pipeline.denominators.load_population``) whose size weights
#: each value-only indicator's bydeler: the published band containing the indicator's age (the
#: table has no single years and no sexes, so HPV for girls is weighted by all 16–17-year-olds).
#: Other value-only indicators are weighted by the whole population.
WEIGHT_AGE_GROUP = {
    "vaksinert_meslinger_2_ar": "1-2",
    "vaksinert_meslinger_16_ar": "16-17",
    "vaksinert_hpv_jenter_16_ar": "16-17",
}
_WEIGHT_AGE_NB = {"1-2": "1–2 år", "16-17": "16–17 år", "alle": "alle aldre"}


@functools.cache
def _population() -> pd.DataFrame:
    return denominators.load_population()


def _years(period: str) -> list[int]:
    first, _, last = str(period).partition("-")
    return list(range(int(first), int(last or first) + 1))


def population_weight(table: pd.DataFrame) -> pd.Series:
    """Each row's weight in the rank and the SII line: the mean population of the indicator's
    age group (:data:`WEIGHT_AGE_GROUP`) over the years of the row's period (a 5-year moving
    average: its five years), by bydel; NaN where the row has no period."""
    pop = _population()
    out = pd.Series(np.nan, index=table.index)
    for (ind, period), rows in table.dropna(subset=["period"]).groupby(["indicator_id", "period"]):
        age = WEIGHT_AGE_GROUP.get(ind, "alle")
        sel = pop[pop["age_group"].eq(age) & pop["year"].isin(_years(period))]
        mean = sel.groupby("geo_code")["population"].mean()
        out[rows.index] = rows["geo_code"].map(mean).to_numpy(float)
    return out


def weight_text(indicator_id: str) -> str:
    """How the bydeler are weighted, in words (bokmål)."""
    age = WEIGHT_AGE_GROUP.get(indicator_id, "alle")
    sexes = (
        " (begge kjønn: befolkningstallene er ikke fordelt på kjønn)"
        if indicator_id == "vaksinert_hpv_jenter_16_ar"
        else ""
    )
    return (
        f"Bydelene er vektet etter folketallet i aldersgruppen {_WEIGHT_AGE_NB[age]}{sexes}, "
        "snitt over årene i perioden"
    )


def as_points(used: pd.DataFrame) -> pd.DataFrame:
    """Value-only rows ready for the gradient: population weights as denominators, and each
    value as its own limits (no interval; phe_sii's simulation then has nothing to draw)."""
    return used.assign(
        denominator=population_weight(used), ci_low=used["value"], ci_high=used["value"]
    )


def point_sii(res: phe_sii.SIIResult) -> phe_sii.SIIResult:
    """phe_sii's point estimates with every limit NaN (no interval available)."""
    nan = float("nan")
    return dataclasses.replace(res, sii_lower=nan, sii_upper=nan, rii_lower=nan, rii_upper=nan)


def point_fit(fit: GradientFit) -> GradientFit:
    """The fitted line of a value-only indicator without its limits: with no counts there is no
    interval to draw around it."""
    nan = float("nan")
    return dataclasses.replace(
        fit,
        slope_lower=nan,
        slope_upper=nan,
        sii_lower=nan,
        sii_upper=nan,
        rii_lower=nan,
        rii_upper=nan,
    )


def _periods_overlap(result: IndicatorResult) -> bool:
    return "-" in str(result.period)


def gradient_sentence(result: IndicatorResult) -> str:
    """The gradient sentence of a value-only indicator's finding (after ``report.finding``'s
    opening sentence): SII and RII as point estimates, and why there is no interval."""
    if result.sii is None:
        return ""
    ind, s = result.indicator, result.sii
    direction = "høyere" if s.sii >= 0 else "lavere"
    sii_unit = "prosentpoeng" if ind.unit == "percent" else ind.unit_nb
    return (
        f" Regnet langs den sosiale gradienten er verdien {text.number(abs(s.sii))} "
        f"{sii_unit} {direction} i den mest ressurssvake enn i den mest ressurssterke enden "
        f"(SII {text.number(s.sii)}; RII {text.number(s.rii, 2)}). Kilden oppgir bare "
        "prosenten, ikke antall personer, så dette er punktestimater uten konfidensintervall: "
        "vi kan ikke si hvor mye av forskjellen som kan skyldes tilfeldig variasjon."
    )


def summary_line(result: IndicatorResult) -> str:
    """The bullet list of inequality measures, without intervals, and why."""
    parts = []
    if result.sii is not None:
        s = result.sii
        parts.append(f"- SII: {text.number(s.sii)} ({NO_INTERVAL_NB})")
        parts.append(f"- RII: {text.number(s.rii, 2)} ({NO_INTERVAL_NB})")
        parts.append(
            f"- {weight_text(result.indicator.id)}, fordi kilden ikke oppgir hvor mange barn "
            "og unge hver verdi bygger på."
        )
    if result.trend is not None:
        t = result.trend
        first, last = t.iloc[0], t.iloc[-1]
        overlap = (
            " Periodene er femårige glidende gjennomsnitt som deler fire av fem år, så de er "
            "ikke uavhengige målinger, og endringen er ikke testet."
            if _periods_overlap(result)
            else " Endringen er ikke testet."
        )
        parts.append(
            f"- Utvikling: SII {text.number(first['sii'])} i perioden som slutter "
            f"{int(first['year_end'])}, {text.number(last['sii'])} i perioden som slutter "
            f"{int(last['year_end'])}.{overlap}"
        )
    if not parts:
        return "For få bydeler med tall til å beregne ulikhetsmål."
    return "\n".join(parts) + "\n"


def gradient_caption(result: IndicatorResult, where: str) -> str:
    return (
        f"{where} etter bydelenes sosioøkonomiske rang. Linjen er SII-regresjonen (punktestimat; "
        "kilden gir ingen antall, så det finnes ikke konfidensintervall). "
        f"{weight_text(result.indicator.id)}."
    )


def trend_caption(result: IndicatorResult) -> str:
    return (
        f"{result.indicator.name_nb}: SII per periode (punktestimater, uten konfidensintervall; "
        f"fast rangering fra {result.ranking.year}). Periodene overlapper og er ikke uavhengige. "
        "Positiv SII betyr høyere verdi i den ressurssvake enden."
    )


def bydel_table(table: pd.DataFrame) -> pd.DataFrame:
    """The report's bydel table without the interval, numerator and denominator columns."""
    return table.iloc[:, :3]


def overview_cells(sii: phe_sii.SIIResult | None) -> tuple[str, str]:
    if sii is None:
        return "", ""
    return (
        f"{text.number(sii.sii)} (ingen KI)",
        f"{text.number(sii.rii, 2)} (ingen KI)",
    )
