"""Confidence intervals for counts, proportions and rates (a port of PHEindicatormethods).

``wilson_lower``/``wilson_upper`` and ``phe_proportion``, ``byars_lower``/``byars_upper`` and
``phe_rate`` (exact Poisson below 10 events), ``phe_dsr``/``calculate_dsr`` (directly
standardised rates with Dobson limits, ESP 2013) and ``calculate_ISRatio`` (indirectly
standardised ratio); validated against the package's own tests in
``tests/reference/test_inequality.py``.

Reference: Dobson AJ et al. Confidence intervals for weighted sums of Poisson parameters.
Stat Med 1991;10:457-62.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from helpers.stats.checks import (
    _finite_scalar,
    _first_bad,
    _nonnegative,
    _phe_confidence,
    _positive,
    _same_length,
    _vector,
    _z,
)

#: European Standard Population 2013, 19 age bands 0-4, 5-9, ..., 85-89, 90+ (as PHE's esp2013).
ESP2013: np.ndarray = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=float,
)  # fmt: skip
ESP2013.flags.writeable = False


#: Labels of the ESP2013 bands, in the same order.
ESP2013_AGEBANDS: tuple[str, ...] = tuple(f"{lo}-{lo + 4}" for lo in range(0, 90, 5)) + ("90+",)


def wilson(x: Any, n: Any, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (no continuity correction) for the proportion ``x / n``.

    ``lower, upper = (2x + z² ∓ z·sqrt(z² + 4x(1 − x/n))) / (2(n + z²))`` with
    ``z = Φ⁻¹(1 − (1 − confidence)/2)``. ``x`` need not be an integer.

    Reference: PHEindicatormethods, ``wilson_lower`` / ``wilson_upper`` (R/utils.R); Wilson EB,
    J Am Stat Assoc 1927;22:209-12.

    Returns ``(lower, upper)`` as float arrays on the proportion scale (0-1).
    """
    xa = _vector("x", x, allow_scalar=True)
    na = _vector("n", n, allow_scalar=True)
    xa, na = np.broadcast_arrays(xa, na)
    _nonnegative("x", xa)
    _positive("n", na)
    if (xa > na).any():
        i = _first_bad(xa > na)
        raise ValueError(f"x: must not exceed n; got x={xa[i]:g} > n={na[i]:g} at position {i}")
    level = _phe_confidence("confidence", confidence)
    if level == 1:  # z is infinite: the interval is the whole range (PHE's testWilson.R)
        return np.zeros_like(xa), np.ones_like(xa)
    z = _z(level)
    root = z * np.sqrt(z**2 + 4 * xa * (1 - xa / na))
    denom = 2 * (na + z**2)
    return (2 * xa + z**2 - root) / denom, (2 * xa + z**2 + root) / denom


def byars(x: Any, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byars' approximation to the Poisson confidence interval for an observed count ``x``.

    ``lower = x(1 − 1/(9x) − z/(3√x))³`` (NaN when negative or when ``x = 0``),
    ``upper = (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³``, on the count scale.

    Reference: PHEindicatormethods, ``byars_lower`` / ``byars_upper`` (R/utils.R); Breslow NE,
    Day NE, Statistical methods in cancer research vol. II, IARC 1987.
    """
    xa = _vector("x", x, allow_scalar=True)
    _nonnegative("x", xa)
    z = _z(_phe_confidence("confidence", confidence))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lower = xa * (1 - 1 / (9 * xa) - z / (3 * np.sqrt(xa))) ** 3
    lower = np.where((xa > 0) & (lower >= 0), lower, np.nan)
    x1 = xa + 1
    with np.errstate(over="ignore", invalid="ignore"):
        upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    return lower, upper


def exact_poisson(x: Any, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-square based) Poisson confidence interval for an observed count ``x``.

    ``lower = χ²_{(1−c)/2}(2x) / 2`` (0 when ``x = 0``),
    ``upper = χ²_{1−(1−c)/2}(2x + 2) / 2``.

    Reference: PHEindicatormethods, ``phe_rate`` / ``calculate_ISRatio`` (method "Exact").
    """
    xa = _vector("x", x, allow_scalar=True)
    _nonnegative("x", xa)
    c = _phe_confidence("confidence", confidence)
    with np.errstate(invalid="ignore"):
        lower = np.where(xa > 0, stats.chi2.ppf((1 - c) / 2, 2 * np.maximum(xa, 1e-300)) / 2, 0.0)
    upper = stats.chi2.ppf(1 - (1 - c) / 2, 2 * xa + 2) / 2
    return lower, upper


def _poisson_limits(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact limits for ``x < 10``, Byars' for ``x >= 10`` (phe_rate's rule), plus the method."""
    ex_lo, ex_hi = exact_poisson(x, confidence)
    by_lo, by_hi = byars(x, confidence)
    small = x < 10
    method = np.where(small, "exact", "byars")
    return np.where(small, ex_lo, by_lo), np.where(small, ex_hi, by_hi), method


def proportion(
    numerator: Any, denominator: Any, multiplier: float = 1, confidence: float = 0.95
) -> pd.DataFrame:
    """Proportions with Wilson score confidence limits.

    ``value = x / n · multiplier``; the limits are :func:`wilson` times ``multiplier``
    (use ``multiplier=100`` for percentages).

    Reference: PHEindicatormethods, ``phe_proportion`` (R/Proportions.R).

    Returns a DataFrame with columns ``value``, ``lower``, ``upper``, one row per element.
    """
    x = _vector("numerator", numerator, allow_scalar=True)
    n = _vector("denominator", denominator, allow_scalar=True)
    _same_length(numerator=x, denominator=n)
    _nonnegative("numerator", x)
    _positive("denominator", n)
    if (x > n).any():
        i = _first_bad(x > n)
        raise ValueError(
            f"numerator: must not exceed denominator; got {x[i]:g} > {n[i]:g} at position {i}"
        )
    m = _finite_scalar("multiplier", multiplier)
    lo, hi = wilson(x, n, confidence)
    return pd.DataFrame({"value": x / n * m, "lower": lo * m, "upper": hi * m})


def _count_ratio(
    count: tuple[str, Any], base: tuple[str, Any], scale: tuple[str, Any], confidence: float
) -> pd.DataFrame:
    """``count / base · scale`` with the Poisson limits of the count (shared by rate and smr).

    Each argument is ``(parameter name, value)``, so errors name the caller's parameter.
    """
    (count_name, count_in), (base_name, base_in), (scale_name, scale_in) = count, base, scale
    x = _vector(count_name, count_in, allow_scalar=True)
    n = _vector(base_name, base_in, allow_scalar=True)
    _same_length(**{count_name: x, base_name: n})
    _nonnegative(count_name, x)
    _positive(base_name, n)
    m = _finite_scalar(scale_name, scale_in)
    lo, hi, method = _poisson_limits(x, confidence)
    return pd.DataFrame(
        {"value": x / n * m, "lower": lo / n * m, "upper": hi / n * m, "method": method}
    )


def rate(
    numerator: Any, denominator: Any, multiplier: float = 100_000, confidence: float = 0.95
) -> pd.DataFrame:
    """Crude rates with exact Poisson limits below 10 events and Byars' limits from 10.

    ``value = x / n · multiplier``; limits are those of :func:`exact_poisson` (x < 10) or
    :func:`byars` (x ≥ 10) on the count, divided by ``n`` and times ``multiplier``.

    Reference: PHEindicatormethods, ``phe_rate`` (R/Rates.R).

    Returns a DataFrame with columns ``value``, ``lower``, ``upper``, ``method``.
    """
    return _count_ratio(
        ("numerator", numerator), ("denominator", denominator), ("multiplier", multiplier),
        confidence,
    )  # fmt: skip


def smr(
    observed: Any, expected: Any, confidence: float = 0.95, refvalue: float = 1
) -> pd.DataFrame:
    """Indirectly standardised ratio (e.g. SMR) with exact or Byars' limits on the observed count.

    ``value = O / E · refvalue``; limits are :func:`exact_poisson` (O < 10) or :func:`byars`
    (O ≥ 10) applied to O, divided by E and times ``refvalue`` (use 100 for "SMR × 100").
    ``expected`` is the sum over strata of reference rates times local populations.

    Reference: PHEindicatormethods, ``calculate_ISRatio`` / ``phe_isr`` (R/ISRatio.R).

    Returns a DataFrame with columns ``value``, ``lower``, ``upper``, ``method``.
    """
    return _count_ratio(
        ("observed", observed), ("expected", expected), ("refvalue", refvalue), confidence
    )


class DSRResult(NamedTuple):
    """A directly standardised rate: value with Dobson limits, and the totals it rests on."""

    value: float
    lower: float
    upper: float
    total_count: float
    total_pop: float


def dsr(
    count: Any,
    pop: Any,
    stdpop: Any = ESP2013,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    persons_by_freq: Mapping[int, Any] | None = None,
) -> DSRResult:
    """Directly standardised rate with Dobson confidence limits.

    ``DSR = Σ(xᵢ·wᵢ/nᵢ) / Σwᵢ · multiplier`` with standard population weights ``wᵢ``;
    ``var = Σ xᵢ(wᵢ/nᵢ)² / (Σwᵢ)²``; with ``O = Σxᵢ`` the Dobson limits are
    ``DSR + sqrt(var/O)·(Byars_{lower/upper}(O) − O)·multiplier``. A missing count (NaN)
    counts as 0. Value and limits are NaN when ``O < 10``.

    Non-independent events (one person can have several events): give ``persons_by_freq``,
    a mapping from event frequency ``f`` to the number of persons per band with exactly ``f``
    events (NaN = band absent for that ``f``). Then ``xᵢ = Σ_f f·persons_{f,i}`` and
    ``var = Σ_f f²·var_f``, where ``var_f`` uses ``persons_{f,i}`` and ``Σw`` over the bands
    present for ``f``. ``count`` may then be ``None``; if given it must equal ``Σ_f f·persons``.

    Reference: PHEindicatormethods, ``phe_dsr`` / ``calculate_dsr`` (R/DSR.R), Dobson AJ et al.,
    Stat Med 1991;10:457-62; ESP2013 as in PHEindicatormethods' ``esp2013``.
    """
    n = _vector("pop", pop)
    w = _vector("stdpop", stdpop)
    _same_length(pop=n, stdpop=w)
    _positive("pop", n)
    _nonnegative("stdpop", w)
    if not w.sum() > 0:
        raise ValueError("stdpop: must have a positive total")
    m = _finite_scalar("multiplier", multiplier)
    c = _phe_confidence("confidence", confidence)

    if persons_by_freq is None:
        x = _vector("count", count, allow_nan=True)
        _same_length(pop=n, count=x)
        x = np.nan_to_num(x, nan=0.0)
        _nonnegative("count", x)
        var = np.sum(x * (w / n) ** 2) / w.sum() ** 2
    else:
        if not isinstance(persons_by_freq, Mapping) or not persons_by_freq:
            raise ValueError(
                "persons_by_freq: must be a non-empty mapping {event frequency: persons per band}"
            )
        x = np.zeros_like(n)
        var = 0.0
        for f, persons in persons_by_freq.items():
            fq = _finite_scalar("persons_by_freq", f)
            if fq <= 0:
                raise ValueError(f"persons_by_freq: event frequencies must be > 0, got {f!r}")
            p = _vector(f"persons_by_freq[{f!r}]", persons, allow_nan=True)
            _same_length(pop=n, **{f"persons_by_freq[{f!r}]": p})
            present = ~np.isnan(p)
            p0 = np.where(present, p, 0.0)
            _nonnegative(f"persons_by_freq[{f!r}]", p0)
            x = x + fq * p0
            var += fq**2 * np.sum(p0 * (w / n) ** 2) / w[present].sum() ** 2
        if count is not None:
            given = np.nan_to_num(_vector("count", count, allow_nan=True), nan=0.0)
            _same_length(pop=n, count=given)
            if not np.allclose(given, x, rtol=1e-9, atol=1e-9):
                raise ValueError(
                    "count: does not equal the events implied by persons_by_freq "
                    "(sum over f of f * persons); leave count as None"
                )

    total = float(x.sum())
    total_pop = float(n.sum())
    if total < 10:
        return DSRResult(math.nan, math.nan, math.nan, total, total_pop)
    value = float(np.sum(x * w / n) / w.sum() * m)
    lo_o, hi_o = byars(total, c)
    half = math.sqrt(var / total)
    lower = value + half * (float(lo_o[0]) - total) * m
    upper = value + half * (float(hi_o[0]) - total) * m
    return DSRResult(value, lower, upper, total, total_pop)
