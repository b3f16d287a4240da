"""Statistics of the social gradient, one job per module.

- ``intervals``: confidence intervals for counts, proportions and rates, directly and
  indirectly standardised rates (PHEindicatormethods).
- ``phe_sii``: PHE's slope and relative index of inequality (``sii``) and the midpoint rank.
- ``heat``: the WHO HEAT summary measures, one module per family.
- ``models``, ``trend``: statsmodels models of the gradient and of its change over time.
- ``fit``, ``gradient``: one indicator's gradient as the report shows it.
- ``standardise``: age-standardised rates; ``no_counts``: indicators published as values only.

The measures of ``intervals``, ``phe_sii`` and ``heat`` are exposed here (``stats.sii``,
``stats.rci``, ...), as the former ``helpers.inequality`` exposed them.
"""

from helpers.stats import heat
from helpers.stats.checks import confidence_level
from helpers.stats.heat import *  # noqa: F403 (the HEAT measures: heat.__all__)
from helpers.stats.intervals import (
    ESP2013,
    ESP2013_AGEBANDS,
    DSRResult,
    byars,
    dsr,
    exact_poisson,
    proportion,
    rate,
    smr,
    wilson,
)
from helpers.stats.phe_sii import SIIResult, sii

__all__ = [
    *heat.__all__,
    "ESP2013",
    "ESP2013_AGEBANDS",
    "DSRResult",
    "SIIResult",
    "byars",
    "confidence_level",
    "dsr",
    "exact_poisson",
    "proportion",
    "rate",
    "sii",
    "smr",
    "wilson",
]
