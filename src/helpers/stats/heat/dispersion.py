"""HEAT's measures of dispersion around the mean: between-group variance and standard deviation
(``bgv``, ``bgsd``), mean log deviation (``mld``), Theil index (``ti``) and index of
disparity (``idisu``, ``idisw``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.stats.checks import _first_bad
from helpers.stats.heat.common import _NAN_CI, HeatResult, _heat_inputs, _point_only, _sym_ci


def _shares_mean(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, float]:
    share = p / p.sum()
    return share, float(np.sum(share * y))


def bgv(
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
    """Between-group variance as healthequal's ``bgv``.

    ``BGV = Σ pᵢ(estᵢ − wm)²`` with population shares ``pᵢ``. With subgroup SEs,
    ``se = sqrt(4·Σp²se²(est−wm)² + 2·((Σp²se²)² − Σp⁴se⁴ + Σp²(1−p)²se⁴))`` and CI
    ``BGV ± z·se``; without them se and CI are NaN.

    Reference: healthequal (WHO HEAT), ``bgv`` (R/bgv.R).
    """
    y, p, s, level = _heat_inputs(est, pop, se, conf_level)
    share, wm = _shares_mean(y, p)
    value = float(np.sum(share * (y - wm) ** 2))
    if s is None:
        return HeatResult(value, *_NAN_CI)
    se2 = np.sum(share**2 * s**2 * (y - wm) ** 2)
    s2 = np.sum(share**2 * s**2)
    s4 = np.sum(share**4 * s**4)
    se4 = np.sum(share**2 * (1 - share) ** 2 * s**4)
    return _sym_ci(value, math.sqrt(4 * se2 + 2 * (s2**2 - s4 + se4)), level)


def bgsd(
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
    """Between-group standard deviation as healthequal's ``bgsd``: ``sqrt(BGV)``.

    healthequal's interval is a parametric bootstrap, so se and CI are NaN here.

    Reference: healthequal (WHO HEAT), ``bgsd`` (R/bgsd.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    share, wm = _shares_mean(y, p)
    return HeatResult(math.sqrt(float(np.sum(share * (y - wm) ** 2))), *_NAN_CI)


def _nonzero(y: np.ndarray) -> np.ndarray:
    """healthequal replaces zero estimates by 1e-6 before taking logarithms."""
    if (y < 0).any():
        i = _first_bad(y < 0)
        raise ValueError(f"est: must be >= 0 for a log-based index; got {y[i]:g} at position {i}")
    return np.where(y == 0, 1e-6, y)


def mld(
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
    """Mean log deviation (×1000) as healthequal's ``mld``.

    ``MLD = 1000·Σ pᵢ·(−log(estᵢ/wm))`` (zero estimates replaced by 1e-6). With subgroup SEs,
    ``se = sqrt(Σ se²p²/wm²·(1 − 1/rᵢ)²)``, ``rᵢ = estᵢ/wm`` — not ×1000, as healthequal —
    and CI ``MLD ± z·se``.

    Reference: healthequal (WHO HEAT), ``mld`` (R/mld.R).
    """
    y, p, s, level = _heat_inputs(est, pop, se, conf_level)
    y = _nonzero(y)
    share, wm = _shares_mean(y, p)
    value = float(np.sum(share * -np.log(y / wm)) * 1000)
    if s is None:
        return HeatResult(value, *_NAN_CI)
    rj = y / wm
    return _sym_ci(value, math.sqrt(np.sum(s**2 * share**2 / wm**2 * (1 - 1 / rj) ** 2)), level)


def theil(
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
    """Theil index (×1000) as healthequal's ``ti``.

    ``T = 1000·Σ pᵢ·rᵢ·log rᵢ`` with ``rᵢ = estᵢ/wm`` (zero estimates replaced by 1e-6).
    With subgroup SEs, ``se = sqrt(Σ (1 + log rᵢ − Σⱼ rⱼ(1 + log rⱼ)pⱼ)²·pᵢ²seᵢ²/wm²)`` —
    not ×1000, as healthequal — and CI ``T ± z·se``.

    Reference: healthequal (WHO HEAT), ``ti`` (R/ti.R).
    """
    y, p, s, level = _heat_inputs(est, pop, se, conf_level)
    y = _nonzero(y)
    share, wm = _shares_mean(y, p)
    rj = y / wm
    value = float(np.sum(share * rj * np.log(rj)) * 1000)
    if s is None:
        return HeatResult(value, *_NAN_CI)
    prep = np.sum(rj * (1 + np.log(rj)) * share)
    se_t = math.sqrt(np.sum((1 + np.log(rj) - prep) ** 2 * share**2 * s**2 / wm**2))
    return _sym_ci(value, se_t, level)


def idisu(
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
    """Index of disparity, unweighted, as healthequal's ``idisu``.

    ``IDISU = 100/n·Σ|estᵢ − wm|/wm`` — note the population-weighted mean ``wm``. Point
    estimate only (healthequal bootstraps the interval; se and CI are NaN).

    Reference: healthequal (WHO HEAT), ``idisu`` (R/idisu.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    _, wm = _shares_mean(y, p)
    return _point_only(100 / len(y) * np.sum(np.abs(y - wm)) / wm)


def idisw(
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
    """Index of disparity, weighted, as healthequal's ``idisw``: ``100·Σpᵢ|estᵢ − wm|/wm``.

    Point estimate only (se and CI NaN). Reference: healthequal (WHO HEAT), ``idisw``
    (R/idisw.R).
    """
    y, p, _, _ = _heat_inputs(est, pop, se, conf_level)
    share, wm = _shares_mean(y, p)
    return _point_only(100 * np.sum(share * np.abs(y - wm)) / wm)
