"""HEAT's population attributable fraction (``paf``) and risk (``parisk``: ``par``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.stats.checks import _finite_scalar
from helpers.stats.heat.common import HeatResult, _heat_inputs, _order, _sym_ci


def _attributable(est, pop, subgroup_order, favourable_indicator, scaleval, conf_level):
    y, p, _, level = _heat_inputs(est, pop, None, conf_level)
    scale = _finite_scalar("scaleval", scaleval)
    if scale <= 0:
        raise ValueError(f"scaleval: must be > 0, got {scaleval!r}")
    fav = bool(favourable_indicator)
    if subgroup_order is not None:
        order = _order(subgroup_order, len(y))
        ref = order == order.max()
    else:
        ref = y == (y.max() if fav else y.min())
    wm = float(np.sum(p / p.sum() * y))
    if wm == 0:
        raise ValueError("est: the population-weighted mean is 0, so PAF/PAR is undefined")
    ref_est = float(y[ref].max())
    ref_pop = float(p[ref].max())
    # Walter's 2x2 table
    c = ref_est / scale * ref_pop
    dd = ref_pop - c
    a = wm / scale * p.sum() - c
    b = p.sum() - a - ref_pop
    n = a + b + c + dd
    with np.errstate(invalid="ignore", divide="ignore"):
        se_paf = math.sqrt((c * n * (a * dd * (n - c) + b * c**2)) / ((a + c) ** 3 * (c + dd) ** 3))
    against = (ref_est - wm < 0 and fav) or (ref_est - wm > 0 and not fav)
    return ref_est, wm, se_paf, against, level


def paf(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Population attributable fraction (percent) as healthequal's ``paf``.

    ``PAF = 100·(ref − wm)/wm`` with the population-weighted mean ``wm``. Reference group:
    the highest ``subgroup_order`` when an order is given (ordered dimension); otherwise the
    best-performing group (highest estimate if favourable, lowest if adverse) —
    ``reference_subgroup`` is not used, as in healthequal. PAF is 0 when its sign goes against
    favourability. SE (Walter 1978) from the 2×2 table ``c = ref/scaleval·pop_ref``,
    ``d = pop_ref − c``, ``a = wm/scaleval·Σpop − c``, ``b = Σpop − a − pop_ref``:
    ``sqrt(c·N·(a·d·(N−c) + b·c²)/((a+c)³(c+d)³))`` — not ×100, yet added to PAF in percent,
    as healthequal does. CI ``PAF ± z·se``.

    Reference: healthequal (WHO HEAT), ``paf`` (R/paf.R); Walter SD, Int J Epidemiol
    1978;7:175-82.
    """
    ref_est, wm, se_paf, against, level = _attributable(
        est, pop, subgroup_order, favourable_indicator, scaleval, conf_level
    )
    value = 0.0 if against else 100 * (ref_est - wm) / wm
    return _sym_ci(value, se_paf, level)


def par(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Population attributable risk as healthequal's ``parisk``.

    ``PAR = ref − wm`` with the reference group and sign rule of :func:`paf` (0 when against
    favourability); ``se = |wm·2z·se_PAF|/(2z) = |wm|·se_PAF`` with the PAF SE of :func:`paf`;
    CI ``PAR ± z·se``.

    Reference: healthequal (WHO HEAT), ``parisk`` (R/parisk.R).
    """
    ref_est, wm, se_paf, against, level = _attributable(
        est, pop, subgroup_order, favourable_indicator, scaleval, conf_level
    )
    value = 0.0 if against else ref_est - wm
    return _sym_ci(value, abs(wm) * se_paf, level)
