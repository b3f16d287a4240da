"""The registry of inequality measures the report computes for every indicator.

A measure is one :class:`Measure` in :data:`MEASURES`: a key (where its result is kept in
``IndicatorResult.measures``), a function computing it from the bydeler (:class:`MeasureInput`),
and, optionally, its columns in the overview table and its bullet in the indicator's summary.
Adding a measure is one function, one line in :data:`MEASURES` and one test; the overview and
summary tables take their columns from here, in registry order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.present import text
from helpers.stats import heat, models, no_counts
from helpers.stats.fit import _phe_sii, gradient_fit

if TYPE_CHECKING:
    from helpers.catalogue import Indicator
    from helpers.stats.gradient import IndicatorResult

#: Overview columns: the interval shown is the model-based one (variation between bydeler).
OVERVIEW_SII = "SII (95 % KI med variasjon mellom bydeler)"
OVERVIEW_RII = "RII (95 % KI med variasjon mellom bydeler)"

#: The scale phe_sii's regression ran on, in words.
SCALE_NB = {"logit": "logit-skala", "log": "log-skala", "": "den opprinnelige skalaen"}


@dataclass(frozen=True)
class MeasureInput:
    """What a measure sees: the bydeler with a rank (``used``, rank order), and the rows the
    gradient uses (``gradient_used``/``gradient_indicator``: age-standardised rates where the
    indicator is standardised, else the same as ``used``/``indicator``)."""

    used: pd.DataFrame
    indicator: Indicator
    gradient_used: pd.DataFrame
    gradient_indicator: Indicator
    counts: bool  # False: values only (helpers.stats.no_counts), no intervals
    confidence: float
    seed: int
    repetitions: int
    transform: bool

    @property
    def favourable(self) -> bool:
        return self.indicator.polarity == "higher_is_better"


Cell = Callable[["IndicatorResult"], str]


@dataclass(frozen=True)
class Measure:
    """One inequality measure: ``compute`` returns its result (or None where it does not apply);
    ``overview`` its columns in the overview table (title, cell); ``summary`` its bullet lines."""

    key: str
    compute: Callable[[MeasureInput], Any]
    overview: tuple[tuple[str, Cell], ...] = ()
    summary: Callable[[IndicatorResult], list[str]] | None = field(default=None)


# --- SII and RII (phe_sii, and the line with the model-based interval) ----------------------
def compute_sii(m: MeasureInput):
    """phe_sii on the bydeler (point estimates only without counts)."""
    return _phe_sii(
        m.gradient_used, m.gradient_indicator, seed=m.seed, repetitions=m.repetitions,
        confidence=m.confidence, transform=m.transform,
    )  # fmt: skip


def compute_fit(m: MeasureInput):
    """The SII line with its model-based interval (drawn without a band without counts)."""
    if not m.counts:
        points = no_counts.as_points(m.used)
        fit = gradient_fit(points, m.indicator, transform=m.transform, confidence=m.confidence)
        return no_counts.point_fit(fit)
    return gradient_fit(
        m.gradient_used, m.gradient_indicator, transform=m.transform, confidence=m.confidence
    )


def _sii_cell(res: IndicatorResult) -> str:
    if not res.counts:
        return no_counts.overview_cells(res.sii)[0]
    f = res.fit
    return text.estimate(f.sii, f.sii_lower, f.sii_upper) if f else ""


def _rii_cell(res: IndicatorResult) -> str:
    if not res.counts:
        return no_counts.overview_cells(res.sii)[1]
    f = res.fit
    return text.estimate(f.rii, f.rii_lower, f.rii_upper, 2) if f else ""


def _sii_summary(result: IndicatorResult) -> list[str]:
    if result.sii is None or result.fit is None:
        return []
    s, f = result.sii, result.fit
    scale = f" (beregnet på {SCALE_NB[f.transform]})" if f.transform else ""
    if result.standardised is not None:
        scale = f" for aldersstandardiserte rater{scale}"
    return [
        f"- SII{scale}: {text.number(f.sii)}; 95 % KI med variasjonen mellom bydelene "
        f"{text.interval(f.sii_lower, f.sii_upper)}, bare tilfeldig variasjon i hver bydels "
        f"tall {text.interval(s.sii_lower, s.sii_upper)}",
        f"- RII (linjens verdi i den ressurssvake enden delt på verdien i den ressurssterke "
        f"enden): {text.number(f.rii, 2)}; 95 % KI med variasjonen mellom bydelene "
        f"{text.interval(f.rii_lower, f.rii_upper, 2)}, bare tilfeldig variasjon i hver "
        f"bydels tall {text.interval(s.rii_lower, s.rii_upper, 2)}",
    ]


# --- Relative concentration index (WHO HEAT) ------------------------------------------------
def compute_rci(m: MeasureInput):
    if not m.counts:
        return None
    return heat.rci(
        m.used["value"].to_numpy(float),
        m.used["denominator"].to_numpy(float),
        subgroup_order=m.used["order"].to_numpy(int),
        favourable_indicator=m.favourable,
        conf_level=m.confidence,
    )


def _rci_summary(result: IndicatorResult) -> list[str]:
    r = result.rci
    if r is None or not pd.notna(r.estimate):
        return []
    return [
        "- Relativ konsentrasjonsindeks (RCI): "
        f"{text.estimate(r.estimate, r.lowerci, r.upperci, 3)}"
    ]


# --- Rate ratio across the gradient (Poisson / negative binomial) ---------------------------
def compute_poisson(m: MeasureInput):
    if not m.counts or not m.used["numerator"].notna().all():
        return None
    return models.poisson_gradient(
        m.used["numerator"].to_numpy(float),
        m.used["denominator"].to_numpy(float),
        1.0 - m.used["rank"].to_numpy(float),  # ratio disadvantaged / advantaged end
        confidence=m.confidence,
    )


_MODEL_NB = {"negative_binomial": "negativ binomisk", "quasipoisson": "kvasi-Poisson"}


def _poisson_summary(result: IndicatorResult) -> list[str]:
    p = result.poisson
    if p is None:
        return []
    model = _MODEL_NB.get(p.model, "Poisson")
    crude = ", ikke aldersjustert" if result.standardised is not None else ""
    return [
        f"- Rateratio, mest ressurssvake mot mest ressurssterke ende ({model}-modell{crude}): "
        f"{text.estimate(p.rate_ratio, p.lower, p.upper, 2)}"
    ]


# --- Population attributable risk (WHO HEAT parisk) ------------------------------------------
#: Overview column of PAR: the most advantaged bydel's value minus the population-weighted mean.
OVERVIEW_PAR = "PAR: ressurssterkeste bydel minus Oslo-snittet (95 % KI)"


def compute_par(m: MeasureInput):
    """HEAT's PAR with the most advantaged bydel (last in the ranking) as reference, in the
    indicator's unit (0 when that bydel is not the favourable end); proportions and rates
    with counts only (the 2×2 table behind its interval needs them)."""
    if not m.counts or m.indicator.value_type not in ("proportion", "rate"):
        return None
    return heat.par(
        m.used["value"].to_numpy(float),
        m.used["denominator"].to_numpy(float),
        subgroup_order=m.used["order"].to_numpy(int),
        favourable_indicator=m.favourable,
        scaleval=float(m.indicator.multiplier or 1),
        conf_level=m.confidence,
    )


def _par_cell(res: IndicatorResult) -> str:
    p = res.measures.get("par")
    return text.estimate(p.estimate, p.lowerci, p.upperci) if p is not None else ""


#: The measures, in the order of the overview's columns and the summary's bullets.
MEASURES: tuple[Measure, ...] = (
    Measure("sii", compute_sii, summary=_sii_summary),
    Measure("fit", compute_fit, overview=((OVERVIEW_SII, _sii_cell), (OVERVIEW_RII, _rii_cell))),
    Measure("rci", compute_rci, summary=_rci_summary),
    Measure("poisson", compute_poisson, summary=_poisson_summary),
    Measure("par", compute_par, overview=((OVERVIEW_PAR, _par_cell),)),
)


def compute_all(m: MeasureInput) -> dict[str, Any]:
    """Every registered measure for one indicator, by key."""
    return {measure.key: measure.compute(m) for measure in MEASURES}


def overview_columns() -> list[str]:
    """The overview table's measure columns, in registry order."""
    return [title for measure in MEASURES for title, _ in measure.overview]


def overview_cells(result: IndicatorResult) -> list[str]:
    """One indicator's cells in :func:`overview_columns`."""
    return [cell(result) for measure in MEASURES for _, cell in measure.overview]


def summary_lines(result: IndicatorResult) -> list[str]:
    """The bullets of the measures that have a summary, in registry order."""
    return [line for measure in MEASURES if measure.summary for line in measure.summary(result)]
