"""Argument checks shared by the inequality measures: every failure is a ValueError that names
the argument and says why.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats


def _vector(
    name: str, x: Any, *, allow_nan: bool = False, allow_scalar: bool = False
) -> np.ndarray:
    """Return ``x`` as a 1-D float array, or raise ``ValueError`` naming ``name``."""
    if x is None:
        raise ValueError(f"{name}: is required")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: must be numeric ({exc})") from None
    if arr.ndim == 0:
        if not allow_scalar:
            raise ValueError(f"{name}: must be a sequence of numbers, one per group, not a scalar")
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: is empty")
    if not allow_nan and np.isnan(arr).any():
        pos = int(np.flatnonzero(np.isnan(arr))[0])
        raise ValueError(f"{name}: missing value (NaN) at position {pos}")
    if np.isinf(arr).any():
        pos = int(np.flatnonzero(np.isinf(arr))[0])
        raise ValueError(f"{name}: infinite value at position {pos}")
    return arr


def _same_length(**arrays: np.ndarray | None) -> None:
    """Raise if the given arrays (``None`` skipped) do not all have the first one's length."""
    items = [(k, v) for k, v in arrays.items() if v is not None]
    ref_name, ref = items[0]
    for name, arr in items[1:]:
        if len(arr) != len(ref):
            raise ValueError(
                f"{name}: has {len(arr)} elements but {ref_name} has {len(ref)}; "
                "give one value per group"
            )


def _min_groups(name: str, arr: np.ndarray, minimum: int) -> None:
    if len(arr) < minimum:
        raise ValueError(f"{name}: needs at least {minimum} groups, got {len(arr)}")


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _positive(name: str, arr: np.ndarray) -> None:
    bad = ~(arr > 0)
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(f"{name}: must be > 0 in every group; got {arr[i]:g} at position {i}")


def _nonnegative(name: str, arr: np.ndarray) -> None:
    bad = arr < 0
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(f"{name}: must be >= 0; got {arr[i]:g} at position {i}")


def _open_unit(name: str, arr: np.ndarray, why: str) -> None:
    bad = ~((arr > 0) & (arr < 1))
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(
            f"{name}: proportions must lie strictly between 0 and 1 {why}; "
            f"got {arr[i]:g} at position {i}"
        )


def _confidence(name: str, level: Any) -> float:
    try:
        c = float(level)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number between 0 and 1, got {level!r}") from None
    if not (0 < c < 1):
        raise ValueError(f"{name}: must lie strictly between 0 and 1 (e.g. 0.95), got {level!r}")
    return c


def _phe_confidence(name: str, level: Any) -> float:
    """A confidence level as PHEindicatormethods accepts it: 0.9 to 1 or 90 to 100 (scaled to
    0.9-1); 1 (or 100) gives the widest possible interval, e.g. Wilson 0-1."""
    try:
        c = float(level)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: must be a number between 0.9 and 1 or between 90 and 100, got {level!r}"
        ) from None
    if not (0.9 <= c <= 1 or 90 <= c <= 100):
        raise ValueError(
            f"{name}: must be between 0.9 and 1 or between 90 and 100 (e.g. 0.95 or 95), "
            f"as in PHEindicatormethods; got {level!r}"
        )
    return c / 100 if c >= 90 else c


def confidence_level(level: Any) -> float:
    """A confidence level as PHEindicatormethods accepts it (0.9-1 or 90-100), as 0.9-1."""
    return _phe_confidence("confidence", level)


def _z(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _finite_scalar(name: str, x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name}: must be finite, got {x!r}")
    return v
