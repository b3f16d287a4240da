"""Shared pieces of the WHO HEAT measures: the result object, input checks, subgroup order and
ranks, scale and reference subgroup.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from helpers.stats.checks import (
    _confidence,
    _min_groups,
    _nonnegative,
    _positive,
    _same_length,
    _vector,
    _z,
)


@dataclass(frozen=True)
class HeatResult:
    """A HEAT summary measure: estimate, standard error and confidence interval.

    ``se``, ``lowerci`` and ``upperci`` are NaN where healthequal gives no analytic interval
    (BGSD, IDISU/IDISW and the MD* family, whose intervals HEAT bootstraps; D and R without
    subgroup standard errors).
    """

    estimate: float
    se: float
    lowerci: float
    upperci: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


_NAN_CI = (math.nan, math.nan, math.nan)


def _heat_inputs(
    est: Any,
    pop: Any,
    se: Any,
    conf_level: float,
    *,
    min_groups: int = 3,
    need_pop: bool = True,
    need_se: bool = False,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, float]:
    y = _vector("est", est)
    p = None
    if pop is not None or need_pop:
        p = _vector("pop", pop)
        _same_length(est=y, pop=p)
        _positive("pop", p)
    s = None
    if se is not None:
        s = _vector("se", se)
        _same_length(est=y, se=s)
        _nonnegative("se", s)
    elif need_se:
        raise ValueError("se: subgroup standard errors are required for this interval")
    _min_groups("est", y, min_groups)
    return y, p, s, _confidence("conf_level", conf_level)


def _order(subgroup_order: Any, n: int) -> np.ndarray:
    """Subgroup order (1 = most disadvantaged); ``None`` means the given order."""
    if subgroup_order is None:
        return np.arange(1, n + 1, dtype=float)
    o = _vector("subgroup_order", subgroup_order)
    if len(o) != n:
        raise ValueError(f"subgroup_order: has {len(o)} elements but est has {n}")
    return o


def _auto_scale(est: np.ndarray) -> float:
    """healthequal's automatic indicator scale: 1, 100, 1 000, ..., 1 000 000."""
    bounds = [(1, 1.0), (100, 100.0), (1e3, 1e3), (1e4, 1e4), (1e5, 1e5)]
    scales = [next((s for lim, s in bounds if v <= lim), 1e6) for v in est]
    return max(scales)


def _reference_mask(reference_subgroup: Any, n: int) -> np.ndarray | None:
    """A reference subgroup as a position (int) or a 0/1 (boolean) vector -> boolean mask."""
    if reference_subgroup is None:
        return None
    if np.ndim(reference_subgroup) == 0:
        if isinstance(reference_subgroup, bool) or int(reference_subgroup) != reference_subgroup:
            raise ValueError("reference_subgroup: give a 0-based position or a 0/1 vector")
        i = int(reference_subgroup)
        if not -n <= i < n:
            raise ValueError(f"reference_subgroup: position {i} is outside 0..{n - 1}")
        mask = np.zeros(n, dtype=bool)
        mask[i] = True
        return mask
    v = _vector("reference_subgroup", reference_subgroup)
    if len(v) != n:
        raise ValueError(f"reference_subgroup: has {len(v)} elements but est has {n}")
    if not np.isin(v, (0, 1)).all():
        raise ValueError("reference_subgroup: a vector must contain only 0 and 1")
    if v.sum() != 1:
        raise ValueError(
            f"reference_subgroup: must mark exactly one subgroup with 1, marks {int(v.sum())}"
        )
    return v.astype(bool)


def _sym_ci(estimate: float, se: float, level: float) -> HeatResult:
    z = _z(level)
    return HeatResult(
        float(estimate), float(se), float(estimate - z * se), float(estimate + z * se)
    )


def _point_only(value: float) -> HeatResult:
    return HeatResult(float(value), *_NAN_CI)
