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

from helpers.stats.checks import confidence_level
from helpers.stats.heat import (
    HeatResult,
    aci,
    bgsd,
    bgv,
    d,
    heat_rii,
    heat_sii,
    idisu,
    idisw,
    mdbu,
    mdbw,
    mdmu,
    mdmw,
    mdru,
    mdrw,
    mld,
    paf,
    par,
    r,
    rci,
    theil,
)
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
    "ESP2013",
    "ESP2013_AGEBANDS",
    "DSRResult",
    "HeatResult",
    "SIIResult",
    "aci",
    "bgsd",
    "bgv",
    "byars",
    "confidence_level",
    "d",
    "dsr",
    "exact_poisson",
    "heat_rii",
    "heat_sii",
    "idisu",
    "idisw",
    "mdbu",
    "mdbw",
    "mdmu",
    "mdmw",
    "mdru",
    "mdrw",
    "mld",
    "paf",
    "par",
    "proportion",
    "r",
    "rate",
    "rci",
    "sii",
    "smr",
    "theil",
    "wilson",
]
