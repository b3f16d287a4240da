"""Indicators published as a value only (e.g. FHI's vaccination coverage): no counts, no interval.

When a source gives the percentage but neither numerator nor denominator, no sampling interval
can be computed, and none is invented. The rank-based measures are still defined as point
estimates: the bydeler are ordered by the ranking variable and, lacking population counts, given
equal weight (rank = (order − ½)/n); SII and RII are then PHEindicatormethods' ``phe_sii`` point
estimates (the same weighted least squares, :func:`helpers.stats.phe_sii.sii`) with their limits
left missing. Trends across overlapping multi-year periods are shown as point estimates only:
consecutive 5-year moving averages share four of five years, so they are not independent and
no model of the change is fitted.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers import text
from helpers.stats import phe_sii

if TYPE_CHECKING:
    from helpers.catalogue import Indicator
    from helpers.stats.fit import GradientFit
    from helpers.stats.gradient import IndicatorResult

NO_INTERVAL_NB = "intervall kan ikke beregnes"


def has_counts(rows: pd.DataFrame) -> bool:
    """True when any row carries a denominator (the usual case); False for value-only series."""
    return bool(rows["denominator"].notna().any())


def point_sii(used: pd.DataFrame, indicator: Indicator) -> phe_sii.SIIResult:
    """phe_sii point estimates with equal weights; every limit NaN (no interval available)."""
    scale = indicator.multiplier or 1
    value = used["value"].to_numpy(float) / scale
    res = phe_sii.sii(
        value,
        np.ones(len(value)),
        value_type=0,
        se=np.zeros(len(value)),
        multiplier=-scale,
        repetitions=1000,
        seed=0,
    )
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
            "- Bydelene er vektet likt i rangeringen, fordi kilden ikke oppgir hvor mange barn "
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
        "kilden gir ingen antall, så det finnes ikke konfidensintervall). Bydelene er vektet likt."
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
