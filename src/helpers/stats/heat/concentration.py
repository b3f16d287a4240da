"""HEAT's absolute (``aci``) and relative (``rci``) concentration index."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.stats.heat.common import HeatResult, _heat_inputs, _order, _sym_ci
from helpers.stats.ranks import tied_midpoint_rank


def _concentration(est: Any, pop: Any, subgroup_order: Any, conf_level: float, absolute: bool):
    y, p, _, level = _heat_inputs(est, pop, None, conf_level)
    order = _order(subgroup_order, len(y))
    idx, rank = tied_midpoint_rank(p, order)
    y, p = y[idx], p[idx]
    total = p.sum()
    sigma2 = np.sum(p / total * (rank - 0.5) ** 2)
    mean = np.sum(p * y) / total
    if mean == 0:
        raise ValueError("est: the population-weighted mean is 0, so the index is undefined")
    root = np.sqrt(p)
    lhs = 2 * sigma2 * (y / mean) * root
    if absolute:
        lhs = lhs * mean
    x = np.column_stack([rank * root, root])
    coef, *_ = np.linalg.lstsq(x, lhs, rcond=None)
    resid = lhs - x @ coef
    dof = len(y) - 2
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.inv(x.T @ x)
    return _sym_ci(float(coef[0]), math.sqrt(max(cov[0, 0], 0.0)), level)


def aci(
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
    """Absolute concentration index by the "convenient regression" of healthequal's ``aci``.

    With midpoint ranks ``rᵢ``, ``σ² = Σ(popᵢ/N)(rᵢ − ½)²`` and ``μ = Σ popᵢ·estᵢ/N``,
    ``lhsᵢ = 2σ²·estᵢ·√popᵢ`` is regressed by unweighted OLS on ``rᵢ√popᵢ`` and ``√popᵢ``
    (no other intercept). ACI is the first coefficient and the SE its ordinary (residual
    variance) OLS standard error; CI ``ACI ± z·se``.

    Reference: healthequal (WHO HEAT), ``aci`` (R/aci.R).
    """
    return _concentration(est, pop, subgroup_order, conf_level, absolute=True)


def rci(
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
    """Relative concentration index by the convenient regression of healthequal's ``rci``.

    As :func:`aci` but with ``lhsᵢ = 2σ²·(estᵢ/μ)·√popᵢ``; the estimate is on the −1..1 scale
    (not ×100) and the SE is the ordinary OLS SE.

    Reference: healthequal (WHO HEAT), ``rci`` (R/rci.R).
    """
    return _concentration(est, pop, subgroup_order, conf_level, absolute=False)
