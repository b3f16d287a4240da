"""HEAT's mean differences (from the best, mean or reference subgroup: ``mdbu`` … ``mdrw``) and
the pairwise difference (``d``) and ratio (``r``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.stats.checks import _z
from helpers.stats.heat.common import (
    _NAN_CI,
    HeatResult,
    _heat_inputs,
    _order,
    _point_only,
    _reference_mask,
    _sym_ci,
)
from helpers.stats.heat.dispersion import _shares_mean


def _best(y: np.ndarray, favourable_indicator: bool) -> float:
    return float(y.max() if favourable_indicator else y.min())


def mdbu(
    est: Any,
    pop: Any = None,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Mean difference from the best-performing subgroup, unweighted (healthequal ``mdbu``).

    ``MDBU = Σ|estᵢ − best|/n``, best = highest estimate (favourable) or lowest (adverse).
    ``pop`` is not used. Point estimate only (se and CI NaN).

    Reference: healthequal (WHO HEAT), ``mdbu`` (R/mdbu.R).
    """
    y, _, _, _ = _heat_inputs(est, pop, se, conf_level, need_pop=False)
    return _point_only(np.sum(np.abs(y - _best(y, favourable_indicator))) / len(y))


def mdbw(
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
    """Mean difference from the best-performing subgroup, weighted: ``Σpᵢ|estᵢ − best|``.

    Point estimate only (se and CI NaN). Reference: healthequal (WHO HEAT), ``mdbw``
    (R/mdbw.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    share, _ = _shares_mean(y, p)
    return _point_only(np.sum(share * np.abs(y - _best(y, favourable_indicator))))


def mdmu(
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
    """Mean difference from the mean, unweighted: ``Σ|estᵢ − wm|/n`` (population-weighted wm).

    Point estimate only (se and CI NaN). Reference: healthequal (WHO HEAT), ``mdmu``
    (R/mdmu.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    _, wm = _shares_mean(y, p)
    return _point_only(np.sum(np.abs(y - wm)) / len(y))


def mdmw(
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
    """Mean difference from the mean, weighted: ``Σpᵢ|estᵢ − wm|``.

    Point estimate only (se and CI NaN). Reference: healthequal (WHO HEAT), ``mdmw``
    (R/mdmw.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    share, wm = _shares_mean(y, p)
    return _point_only(np.sum(share * np.abs(y - wm)))


def _reference_value(y: np.ndarray, reference_subgroup: Any) -> float:
    mask = _reference_mask(reference_subgroup, len(y))
    if mask is None:
        raise ValueError("reference_subgroup: is required (a 0-based position or a 0/1 vector)")
    return float(y[mask][0])


def mdru(
    est: Any,
    pop: Any = None,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Mean difference from a reference subgroup, unweighted: ``Σ|estᵢ − ref|/n``.

    ``reference_subgroup`` (required) is a 0-based position or a 0/1 vector marking one
    group. ``pop`` is not used. Point estimate only (se and CI NaN).

    Reference: healthequal (WHO HEAT), ``mdru`` (R/mdru.R).
    """
    y, _, _, _ = _heat_inputs(est, pop, se, conf_level, need_pop=False)
    return _point_only(np.sum(np.abs(y - _reference_value(y, reference_subgroup))) / len(y))


def mdrw(
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
    """Mean difference from a reference subgroup, weighted: ``Σpᵢ|estᵢ − ref|``.

    ``reference_subgroup`` as in :func:`mdru`. Point estimate only (se and CI NaN).

    Reference: healthequal (WHO HEAT), ``mdrw`` (R/mdrw.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    share, _ = _shares_mean(y, p)
    return _point_only(np.sum(share * np.abs(y - _reference_value(y, reference_subgroup))))


def _pair(
    y: np.ndarray, subgroup_order: Any, favourable_indicator: bool, reference_subgroup: Any
) -> tuple[int, int]:
    """Positions of y₁ and y₂ for D = y₁ − y₂ and R = y₁/y₂, following healthequal's d/r."""
    fav = bool(favourable_indicator)
    if subgroup_order is not None:
        order = _order(subgroup_order, len(y))
        hi = int(np.flatnonzero(order == order.max())[0])  # most advantaged
        lo = int(np.flatnonzero(order == order.min())[0])  # most disadvantaged
        return (hi, lo) if fav else (lo, hi)
    mask = _reference_mask(reference_subgroup, len(y))
    if mask is None:
        return int(np.argmax(y)), int(np.argmin(y))
    # the other group is the lowest (favourable) or highest (adverse) of the *other* groups
    i_ref = int(np.flatnonzero(mask)[0])
    others = np.flatnonzero(~mask)
    if fav:
        return i_ref, int(others[np.argmin(y[others])])
    return int(others[np.argmax(y[others])]), i_ref


def d(
    est: Any,
    pop: Any = None,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Difference ``D = y₁ − y₂`` between two subgroups, as healthequal's ``d``.

    Ordered dimension (``subgroup_order`` given): favourable indicator → most advantaged
    (highest order) − most disadvantaged (lowest order); adverse indicator → most disadvantaged
    − most advantaged. Non-ordered (no order): highest − lowest estimate (the first of tied
    ones); with a ``reference_subgroup``, reference − lowest of the other groups (favourable)
    or highest of the other groups − reference (adverse). With subgroup SEs,
    ``se = sqrt(se₁² + se₂²)`` and CI ``D ± z·se``; otherwise NaN. ``pop`` is not used.

    Reference: healthequal (WHO HEAT), ``d`` (R/d.R).
    """
    y, _, s, level = _heat_inputs(est, pop, se, conf_level, min_groups=2, need_pop=False)
    i1, i2 = _pair(y, subgroup_order, favourable_indicator, reference_subgroup)
    value = float(y[i1] - y[i2])
    if s is None:
        return HeatResult(value, *_NAN_CI)
    return _sym_ci(value, math.sqrt(s[i1] ** 2 + s[i2] ** 2), level)


def r(
    est: Any,
    pop: Any = None,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float = 100,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Ratio ``R = y₁/y₂`` between two subgroups, as healthequal's ``r``.

    The two subgroups are chosen as in :func:`d`. With subgroup SEs,
    ``se_R = sqrt((se₁² + R²·se₂²)/y₂²)`` (Ahn et al. 2018), the reported ``se`` is on the log
    scale, ``se_R/R``, and the CI is ``exp(log R ± z·se)``; otherwise NaN. ``pop`` is not used.

    Reference: healthequal (WHO HEAT), ``r`` (R/r.R); Ahn J et al., JCO Clin Cancer Inform
    2018;2:1-19.
    """
    y, _, s, level = _heat_inputs(est, pop, se, conf_level, min_groups=2, need_pop=False)
    i1, i2 = _pair(y, subgroup_order, favourable_indicator, reference_subgroup)
    if not y[i2] > 0 or y[i1] < 0:
        raise ValueError(
            f"est: the ratio needs a positive denominator and a non-negative numerator; "
            f"got {y[i1]:g}/{y[i2]:g}"
        )
    value = float(y[i1] / y[i2])
    if s is None:
        return HeatResult(value, *_NAN_CI)
    if value == 0:
        raise ValueError("est: the ratio is 0, so its log-scale interval is undefined")
    se_r = math.sqrt((s[i1] ** 2 + value**2 * s[i2] ** 2) / y[i2] ** 2)
    se_log = se_r / value
    z = _z(level)
    return HeatResult(
        value,
        se_log,
        math.exp(math.log(value) - z * se_log),
        math.exp(math.log(value) + z * se_log),
    )
