"""Summary measures of health inequality as WHO's Health Equity Assessment Toolkit (HEAT,
R package healthequal) computes them for aggregated (non-survey) data, one module per family.

Groups are always ordered from the most disadvantaged (first) to the most advantaged (last).
Validated against healthequal's own results in ``tests/reference/test_inequality.py``. Reference:
Schlotheuber A, Hosseinpoor AR. Summary measures of health inequality: a review of existing
measures and their application. Int J Environ Res Public Health 2022;19(6):3697.
"""

from helpers.stats.heat.attributable import paf, par
from helpers.stats.heat.common import HeatResult
from helpers.stats.heat.concentration import aci, rci
from helpers.stats.heat.differences import d, mdbu, mdbw, mdmu, mdmw, mdru, mdrw, r
from helpers.stats.heat.dispersion import bgsd, bgv, idisu, idisw, mld, theil
from helpers.stats.heat.regression import heat_rii, heat_sii

__all__ = [
    "HeatResult",
    "aci",
    "bgsd",
    "bgv",
    "d",
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
    "r",
    "rci",
    "theil",
]
