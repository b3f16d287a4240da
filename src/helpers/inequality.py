"""Summary measures of health inequality and the confidence intervals they rest on.

A Python port of two R packages, following their documented methods (numbers are validated
against their own test suites in ``tests/test_inequality.py``):

* **PHEindicatormethods** (UKHSA): ``phe_sii`` (slope and relative index of inequality by
  weighted least squares on the midpoint cumulative population rank, Monte Carlo confidence
  limits), ``wilson_lower``/``wilson_upper`` and ``phe_proportion``, ``byars_lower``/
  ``byars_upper`` and ``phe_rate`` (exact Poisson below 10 events), ``phe_dsr`` /
  ``calculate_dsr`` (directly standardised rates with Dobson limits, ESP 2013) and
  ``calculate_ISRatio`` (indirectly standardised ratio).
* **healthequal** (WHO Health Equity Assessment Toolkit, HEAT): ``sii`` and ``rii``
  (quasibinomial logit GLM, HC1 sandwich standard errors), ``aci``, ``rci``, ``paf``,
  ``parisk``, ``bgv``, ``bgsd``, ``mld``, ``ti``, ``idisu``, ``idisw``, ``mdbu``, ``mdbw``,
  ``mdmu``, ``mdmw``, ``mdru``, ``mdrw``, ``d`` and ``r`` for aggregated (non-survey) data.

Groups are always ordered from the most disadvantaged (first, rank near 0) to the most
advantaged (last, rank near 1). Ranks are midpoints of cumulative population shares.

Reference for the PHE methods: Low A, Low A. Measuring the gap: quantifying and comparing local
health inequalities. J Public Health 2004;26:388-95; Dobson AJ et al. Confidence intervals for
weighted sums of Poisson parameters. Stat Med 1991;10:457-62. For the HEAT measures:
Schlotheuber A, Hosseinpoor AR. Summary measures of health inequality: a review of existing
measures and their application. Int J Environ Res Public Health 2022;19(6):3697.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special, stats

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

#: z for a two-sided 95 % interval; phe_sii hard-codes it when turning CLs into an SE.
Z95: float = float(stats.norm.ppf(0.975))

#: European Standard Population 2013, 19 age bands 0-4, 5-9, ..., 85-89, 90+ (as PHE's esp2013).
ESP2013: np.ndarray = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=float,
)  # fmt: skip
ESP2013.flags.writeable = False

#: Labels of the ESP2013 bands, in the same order.
ESP2013_AGEBANDS: tuple[str, ...] = tuple(f"{lo}-{lo + 4}" for lo in range(0, 90, 5)) + ("90+",)


# --------------------------------------------------------------------------------------------
# Argument checks: every failure is a ValueError that names the argument and says why.
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Confidence intervals for counts and proportions (PHEindicatormethods)
# --------------------------------------------------------------------------------------------


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


def rate(
    numerator: Any, denominator: Any, multiplier: float = 100_000, confidence: float = 0.95
) -> pd.DataFrame:
    """Crude rates with exact Poisson limits below 10 events and Byars' limits from 10.

    ``value = x / n · multiplier``; limits are those of :func:`exact_poisson` (x < 10) or
    :func:`byars` (x ≥ 10) on the count, divided by ``n`` and times ``multiplier``.

    Reference: PHEindicatormethods, ``phe_rate`` (R/Rates.R).

    Returns a DataFrame with columns ``value``, ``lower``, ``upper``, ``method``.
    """
    x = _vector("numerator", numerator, allow_scalar=True)
    n = _vector("denominator", denominator, allow_scalar=True)
    _same_length(numerator=x, denominator=n)
    _nonnegative("numerator", x)
    _positive("denominator", n)
    m = _finite_scalar("multiplier", multiplier)
    lo, hi, method = _poisson_limits(x, confidence)
    return pd.DataFrame(
        {"value": x / n * m, "lower": lo / n * m, "upper": hi / n * m, "method": method}
    )


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
    o = _vector("observed", observed, allow_scalar=True)
    e = _vector("expected", expected, allow_scalar=True)
    _same_length(observed=o, expected=e)
    _nonnegative("observed", o)
    _positive("expected", e)
    ref = _finite_scalar("refvalue", refvalue)
    lo, hi, method = _poisson_limits(o, confidence)
    return pd.DataFrame(
        {"value": o / e * ref, "lower": lo / e * ref, "upper": hi / e * ref, "method": method}
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


# --------------------------------------------------------------------------------------------
# PHE slope and relative index of inequality
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SIIResult:
    """Slope (SII) and relative (RII) index of inequality with simulated confidence limits."""

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    intercept: float
    confidence: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def _midpoint_rank(share: np.ndarray) -> np.ndarray:
    """Midpoint of each group's slice of the cumulative population share (PHE FindXValues)."""
    return np.cumsum(share) - share / 2


def _wls_moments(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """Pieces of the closed-form WLS of y on [1, b] with weights a (Σa = 1)."""
    s0 = float(a.sum())
    s1 = float(a @ b)
    s2 = float(a @ (b * b))
    det = s0 * s2 - s1 * s1
    proj = np.column_stack([a, a * b])  # y @ proj = (Σ a y, Σ a b y)
    return proj, s1 / det, s2 / det, s0 / det


def _wls_fit(y: np.ndarray, proj: np.ndarray, s1d: float, s2d: float, s0d: float):
    """Intercept and slope for one fit (y 1-D) or many (y 2-D, one fit per row)."""
    t = y @ proj
    t0, t1 = t[..., 0], t[..., 1]
    b0 = s2d * t0 - s1d * t1
    b1 = s0d * t1 - s1d * t0
    return b0, b1


def _phe_positions(repetitions: int, level: float) -> tuple[int, int]:
    """0-based order statistics phe_sii reads: round(reps·(1−cv)) and round(reps·cv)."""
    cv = level + (1 - level) / 2
    lo = min(max(round(repetitions * (1 - cv)), 1), repetitions)
    hi = min(max(round(repetitions * cv), 1), repetitions)
    return lo - 1, hi - 1


def _order_stats(draws: np.ndarray, positions: list[int]) -> np.ndarray:
    return np.partition(draws, positions)[positions]


_EXECUTOR: ThreadPoolExecutor | None = None


def _standard_normal_draws(seed: Any, shape: tuple[int, int]) -> np.ndarray:
    """Standard normal draws, deterministic for a given seed.

    ``numpy.random.default_rng(seed)`` is split into two child streams (``Generator.spawn``)
    that fill the two halves of the matrix; large matrices are filled in two threads (numpy
    releases the GIL while generating), which halves the time on two free cores. The numbers
    depend only on the seed and the shape, not on the threads.
    """
    global _EXECUTOR
    streams = np.random.default_rng(seed).spawn(2)
    out = np.empty(shape)
    half = shape[0] // 2
    parts = [(streams[0], out[:half]), (streams[1], out[half:])]
    if out.size < 200_000:
        for gen, part in parts:
            gen.standard_normal(out=part)
        return out
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inequality")
    for future in [_EXECUTOR.submit(gen.standard_normal, out=part) for gen, part in parts]:
        future.result()
    return out


def sii(
    value: Any,
    population: Any,
    *,
    value_type: int = 0,
    se: Any = None,
    lower_cl: Any = None,
    upper_cl: Any = None,
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int | np.random.Generator | None = None,
) -> SIIResult | tuple[SIIResult, ...]:
    """Slope and relative index of inequality exactly as PHEindicatormethods' ``phe_sii``.

    Groups are given in quantile order, first = quantile 1 = most deprived. With population
    shares ``aᵢ = popᵢ/Σpop`` and midpoint ranks ``bᵢ = Σ_{j<i} aⱼ + aᵢ/2``, the fit is weighted
    least squares of ``y`` on ``[1, b]`` with weights ``a`` (= OLS of ``√a·y`` on
    ``[√a, b√a]``), giving intercept ``b0`` and slope ``b1``.

    * ``transform=False`` (default): ``y`` = value; ``SII = multiplier·b1``,
      ``RII = (b0 + b1)/b0``, ``intercept = b0``.
    * ``transform=True``, rates (``value_type=1``): ``y = log(rate)``;
      ``SII = (e^{b0+b1} − e^{b0})·multiplier``, ``RII = e^{b1}``,
      ``intercept = e^{b0}·|multiplier|``.
    * ``transform=True``, proportions (``value_type=2``): ``y = logit(p)``;
      ``SII = (expit(b0+b1) − expit(b0))·multiplier``, ``RII = expit(b0+b1)/expit(b0)``,
      ``intercept = expit(b0)·|multiplier|``.

    A negative ``multiplier`` flips the SII and inverts the RII (limits swap accordingly).

    Standard errors: ``se`` if given (on the log scale for rates, logit scale for proportions),
    else ``(U − L)/(2·1.959964)`` from ``lower_cl``/``upper_cl`` (moved to the log/logit scale
    first for rates/proportions). The 95 % z is hard-coded whatever ``confidence`` is, as in
    phe_sii; with ``transform=True`` an ``se`` is refused (give the limits).

    Confidence limits are simulated: ``repetitions`` draws of every group's value from
    Normal(value, se) on the transformed scale (back-transformed when ``transform=False``), the
    same fit for every draw (vectorised, closed-form 2×2 normal equations), and the order
    statistics ``round(reps·(1−cv))`` and ``round(reps·cv)`` (``cv = c + (1−c)/2``) of the
    simulated SIIs and RIIs. With ``transform=True`` the slope quantiles ``s`` are mapped back
    around the fitted midpoint ``m = b0 + b1/2``: ``SII = g(m + s/2) − g(m − s/2)``.

    ``confidence`` is a float (returns one :class:`SIIResult`) or a sequence of floats (returns
    a tuple, one result per level, all read from the same draws). ``seed`` feeds
    ``numpy.random.default_rng`` (split into two child streams, see
    :func:`_standard_normal_draws`).

    Reference: PHEindicatormethods, ``phe_sii`` (R/SII_function.R, SimulationFunc in R/utils.R);
    Low A, Low A. J Public Health 2004;26:388-95.
    """
    y = _vector("value", value)
    pop = _vector("population", population)
    _same_length(value=y, population=pop)
    _min_groups("value", y, 2)
    _positive("population", pop)
    if value_type not in (0, 1, 2):
        raise ValueError(
            f"value_type: must be 0 (other), 1 (rate) or 2 (proportion), got {value_type!r}"
        )
    transform = bool(transform)
    if transform and value_type == 0:
        raise ValueError(
            "transform: only rates (value_type=1) or proportions (2) can be transformed"
        )
    if transform and se is not None:
        raise ValueError(
            "se: phe_sii does not accept a standard error with transform=True; "
            "give lower_cl and upper_cl instead"
        )
    mult = _finite_scalar("multiplier", multiplier)
    if mult == 0:
        raise ValueError("multiplier: must not be 0")
    single = np.ndim(confidence) == 0
    try:
        requested = np.atleast_1d(np.asarray(confidence, float))
    except (TypeError, ValueError):
        requested = [confidence]  # _phe_confidence names the bad value
    levels = [_phe_confidence("confidence", c) for c in requested]
    if not levels:
        raise ValueError("confidence: give a level such as 0.95, or a non-empty sequence")
    if isinstance(repetitions, bool) or int(repetitions) != repetitions or repetitions < 1000:
        raise ValueError(
            f"repetitions: must be an integer >= 1000 (as phe_sii), got {repetitions!r}"
        )
    reps = int(repetitions)

    # value on the scale the draws are made on
    if value_type == 1:
        _positive("value", y)
        y_t = np.log(y)
    elif value_type == 2:
        _open_unit("value", y, "for value_type=2 (logit scale)")
        y_t = special.logit(y)
    else:
        y_t = y

    # standard errors
    if se is not None:
        s = _vector("se", se)
        _same_length(value=y, se=s)
        _nonnegative("se", s)
    else:
        if lower_cl is None or upper_cl is None:
            missing = "lower_cl" if lower_cl is None else "upper_cl"
            raise ValueError(f"{missing}: give both lower_cl and upper_cl, or se")
        lo = _vector("lower_cl", lower_cl)
        hi = _vector("upper_cl", upper_cl)
        _same_length(value=y, lower_cl=lo, upper_cl=hi)
        if (lo > hi).any():
            i = _first_bad(lo > hi)
            raise ValueError(f"lower_cl: exceeds upper_cl at position {i} ({lo[i]:g} > {hi[i]:g})")
        if value_type == 1:
            _positive("lower_cl", lo)
            lo, hi = np.log(lo), np.log(hi)
        elif value_type == 2:
            _open_unit("lower_cl", lo, "for value_type=2 (logit scale)")
            _open_unit("upper_cl", hi, "for value_type=2 (logit scale)")
            lo, hi = special.logit(lo), special.logit(hi)
        s = (hi - lo) / Z95 / 2

    a = pop / pop.sum()
    b = _midpoint_rank(a)
    proj, s1d, s2d, s0d = _wls_moments(a, b)
    back = {1: np.exp, 2: special.expit}.get(value_type)

    # point estimates
    b0, b1 = _wls_fit(y_t if transform else y, proj, s1d, s2d, s0d)
    b0, b1 = float(b0), float(b1)
    if transform:
        g = back
        sii_hat = float((g(b0 + b1) - g(b0)) * mult)
        rii_hat = float(g(b0 + b1) / g(b0))
        intercept = float(g(b0) * abs(mult))
    else:
        sii_hat = mult * b1
        rii_hat = (b0 + b1) / b0
        intercept = b0
    if mult < 0:
        rii_hat = 1 / rii_hat

    # simulation: one (repetitions x groups) matrix, all fits at once
    draws = _standard_normal_draws(seed, (reps, len(y)))
    if not transform and back is not None:
        draws *= s
        draws += y_t
        back(draws, out=draws)
        sim_b0, sim_b1 = _wls_fit(draws, proj, s1d, s2d, s0d)
    else:
        # the fit is linear in the draws: (y_t + s·Z)·proj = y_t·proj + Z·(s·proj)
        sim_b0, sim_b1 = _wls_fit(draws, s[:, None] * proj, s1d, s2d, s0d)
        c0, c1 = _wls_fit(y_t, proj, s1d, s2d, s0d)
        sim_b0 += c0
        sim_b1 += c1
    del draws

    positions = sorted({p for lv in levels for p in _phe_positions(reps, lv)})
    if transform:
        slope_q = dict(zip(positions, _order_stats(sim_b1, positions), strict=True))
    else:
        sii_q = dict(zip(positions, _order_stats(mult * sim_b1, positions), strict=True))
        rii_draws = (sim_b0 + sim_b1) / sim_b0
        if mult < 0:
            rii_draws = 1 / rii_draws
        rii_q = dict(zip(positions, _order_stats(rii_draws, positions), strict=True))

    results = []
    for lv in levels:
        p_lo, p_hi = _phe_positions(reps, lv)
        if transform:
            mid = b0 + b1 / 2
            s_lo, s_hi = slope_q[p_lo], slope_q[p_hi]
            sii_lo = (g(mid + s_lo / 2) - g(mid - s_lo / 2)) * mult
            sii_hi = (g(mid + s_hi / 2) - g(mid - s_hi / 2)) * mult
            rii_lo = g(mid + s_lo / 2) / g(mid - s_lo / 2)
            rii_hi = g(mid + s_hi / 2) / g(mid - s_hi / 2)
            if mult < 0:
                sii_lo, sii_hi = sii_hi, sii_lo
                rii_lo, rii_hi = 1 / rii_hi, 1 / rii_lo
        else:
            sii_lo, sii_hi = sii_q[p_lo], sii_q[p_hi]
            rii_lo, rii_hi = rii_q[p_lo], rii_q[p_hi]
        results.append(
            SIIResult(
                sii=sii_hat,
                sii_lower=float(sii_lo),
                sii_upper=float(sii_hi),
                rii=rii_hat,
                rii_lower=float(rii_lo),
                rii_upper=float(rii_hi),
                intercept=intercept,
                confidence=lv,
            )
        )
    return results[0] if single else tuple(results)


# --------------------------------------------------------------------------------------------
# WHO HEAT / healthequal summary measures (aggregated data, no survey design)
# --------------------------------------------------------------------------------------------


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


def _heat_rank(pop: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort index by subgroup order and each sorted group's midpoint rank (ties share a rank)."""
    idx = np.argsort(order, kind="stable")
    p = pop[idx]
    o = order[idx]
    cum = np.cumsum(p)
    cum1 = cum - p
    rank = np.empty_like(p)
    for val in np.unique(o):
        sel = o == val
        lo, hi = cum1[sel].min(), cum[sel].max()
        rank[sel] = (lo + 0.5 * (hi - lo)) / cum[-1]
    return idx, rank


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


_EPS = float(np.finfo(float).eps)


def _logit_linkinv(eta: np.ndarray) -> np.ndarray:
    """R's binomial()$linkinv: expit, clamped to eps / 1 - eps beyond |eta| > 30."""
    return np.where(eta < -30, _EPS, np.where(eta > 30, 1 - _EPS, special.expit(eta)))


def _logit_mu_eta(eta: np.ndarray) -> np.ndarray:
    """R's binomial()$mu.eta: dmu/deta, eps beyond |eta| > 30."""
    m = special.expit(eta)
    return np.where(np.abs(eta) > 30, _EPS, m * (1 - m))


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, prior: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(y > 0, y * np.log(y / mu), 0.0)
        t2 = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
    return float(2 * np.sum(prior * (t1 + t2)))


def _logit_glm_hc1(
    est: np.ndarray, pop: np.ndarray, subgroup_order: Any, scaleval: float | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """healthequal's aggregated-data SII/RII model: coefficients, HC1 covariance, scale.

    ``pop ← ceiling(pop)``, ``y = round(est/scale·pop)``; the ranks use the ceiled populations.
    ``glm(cbind(y, pop − y) ~ rank, weights = pop, family = quasibinomial)`` has binomial
    weights ``pop·pop``: it is fitted here by IRLS on the proportions ``y/pop`` with prior
    weights ``pop²`` (R's glm.fit, with step-halving where the deviance would rise). The HC1
    sandwich is ``n/(n−2)·B·M·B`` with ``B = (XᵀWX)⁻¹``
    (``W = prior·μ(1−μ)``) and ``M = Σ (priorᵢ(pᵢ − μᵢ))² xᵢxᵢᵀ`` (sandwich::vcovHC type HC1;
    the quasi-dispersion cancels).
    """
    if (est < 0).any():
        i = _first_bad(est < 0)
        raise ValueError(f"est: must be >= 0 for the logit model; got {est[i]:g} at position {i}")
    scale = _auto_scale(est) if scaleval is None else _finite_scalar("scaleval", scaleval)
    if scale <= 0:
        raise ValueError(f"scaleval: must be > 0, got {scaleval!r}")
    if (est > scale).any():
        i = _first_bad(est > scale)
        raise ValueError(
            f"est: value {est[i]:g} at position {i} exceeds the indicator scale {scale:g}; "
            "set scaleval to the indicator's scale (e.g. 100 for percent)"
        )
    n_pop = np.ceil(pop)
    y = np.round(est / scale * n_pop)
    order = _order(subgroup_order, len(est))
    idx, rank = _heat_rank(n_pop, order)
    n_pop, y = n_pop[idx], y[idx]
    prop = y / n_pop
    prior = n_pop * n_pop
    x = np.column_stack([np.ones_like(rank), rank])

    # IRLS as R's glm.fit with binomial(logit): linkinv and mu.eta clamped beyond |eta| > 30,
    # iterated to the maximum (R stops at a 1e-8 relative deviance change). Unlike glm.fit, a
    # step that raises the deviance is halved (as glm2 does): the binomial deviance is convex
    # in the coefficients, so this reaches the same maximum where R converges and also where
    # plain IRLS oscillates (e.g. one group far above a non-monotone gradient).
    eta = special.logit((prior * prop + 0.5) / (prior + 1))  # binomial()$initialize
    mu = _logit_linkinv(eta)
    dev_old = _binomial_deviance(prop, mu, prior)
    beta = np.full(2, np.nan)
    converged = False
    for iteration in range(100):
        mu_eta = _logit_mu_eta(eta)
        z = eta + (prop - mu) / mu_eta
        wt = prior * mu_eta**2 / (mu * (1 - mu))
        new = np.linalg.solve(x.T @ (wt[:, None] * x), x.T @ (wt * z))
        # converged when the full Newton step no longer moves the coefficients: tighter than
        # R's deviance criterion (the deviance with weights pop² is partly rounding noise)
        steady = np.all(np.abs(new - beta) <= 1e-10 * (1 + np.abs(new)))
        mu = _logit_linkinv(x @ new)
        dev = _binomial_deviance(prop, mu, prior)
        if iteration > 0 and not steady:  # the start is no model fit: its deviance is no yardstick
            for _ in range(60):
                if dev <= dev_old + 1e-6 * (abs(dev_old) + 0.1):  # above rounding noise
                    break
                new = (new + beta) / 2
                mu = _logit_linkinv(x @ new)
                dev = _binomial_deviance(prop, mu, prior)
        beta = new
        eta = x @ beta
        if steady:
            converged = True
            break
        dev_old = dev
    if not converged or np.any((mu < 10 * _EPS) | (mu > 1 - 10 * _EPS)):
        warnings.warn(
            "est: the logistic model for the HEAT SII/RII did not converge or fitted "
            "probabilities of 0 or 1 (counts at 0 or at the full population separate the "
            "groups); the estimate is unreliable",
            RuntimeWarning,
            stacklevel=3,
        )
    mu_eta = _logit_mu_eta(eta)
    wt = prior * mu_eta**2 / (mu * (1 - mu))
    bread = np.linalg.inv(x.T @ (wt[:, None] * x))
    # estfun of a glm: working residual x working weight x X
    score = (wt * (prop - mu) / mu_eta)[:, None] * x
    meat = score.T @ score
    n = len(est)
    vcov = n / (n - 2) * bread @ meat @ bread
    return beta, vcov, scale


def _sym_ci(estimate: float, se: float, level: float) -> HeatResult:
    z = _z(level)
    return HeatResult(
        float(estimate), float(se), float(estimate - z * se), float(estimate + z * se)
    )


def heat_sii(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float | None = None,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Slope index of inequality as healthequal's ``sii`` (logistic model, aggregated data).

    ``SII = expit(b0 + b1) − expit(b0)`` from the quasibinomial logit GLM of the subgroup
    counts on the midpoint rank (see :func:`_logit_glm_hc1`: effective weights pop², HC1
    sandwich). Delta-method SE ``sqrt(gᵀVg)``, ``g = (μ₁(1−μ₁) − μ₀(1−μ₀), μ₁(1−μ₁))``.
    Estimate and CI are multiplied by the scale; the reported ``se`` is on the 0-1 scale, as
    healthequal reports it. ``scaleval=None`` picks healthequal's automatic scale (100 for
    estimates up to 100, etc.). ``subgroup_order``: 1 = most disadvantaged; ``None`` = the given
    order. ``se``, ``favourable_indicator`` and ``reference_subgroup`` are not used. Equal
    estimates give SII 0 (healthequal stops instead). When rounded counts are 0 or the whole
    population in a way that separates the groups, the fit has no finite maximum: the result is
    R's (clamped IRLS) and a ``RuntimeWarning`` says it is unreliable.

    Reference: healthequal (WHO HEAT), ``sii`` (R/sii.R), marginaleffects ``avg_comparisons``
    with ``vcov = "HC1"``.
    """
    y, p, _, level = _heat_inputs(est, pop, se, conf_level)
    beta, vcov, scale = _logit_glm_hc1(y, p, subgroup_order, scaleval)
    mu0, mu1 = special.expit(beta[0]), special.expit(beta[0] + beta[1])
    grad = np.array([mu1 * (1 - mu1) - mu0 * (1 - mu0), mu1 * (1 - mu1)])
    est_01 = mu1 - mu0
    se_01 = math.sqrt(max(float(grad @ vcov @ grad), 0.0))
    z = _z(level)
    return HeatResult(
        float(est_01 * scale), se_01, float((est_01 - z * se_01) * scale),
        float((est_01 + z * se_01) * scale),
    )  # fmt: skip


def heat_rii(
    est: Any,
    pop: Any,
    *,
    se: Any = None,
    subgroup_order: Any = None,
    favourable_indicator: bool = True,
    scaleval: float | None = None,
    reference_subgroup: Any = None,
    conf_level: float = 0.95,
) -> HeatResult:
    """Relative index of inequality as healthequal's ``rii`` (logistic model, aggregated data).

    ``log RII = log(expit(b0 + b1)/expit(b0))`` from the same GLM as :func:`heat_sii`; its
    delta-method HC1 SE uses ``g = (μ₀ − μ₁, 1 − μ₁)``. ``estimate = exp(log RII)``, CI
    ``exp(log RII ± z·se)``, and the reported ``se`` is on the log scale. At least 3 groups.

    Reference: healthequal (WHO HEAT), ``rii`` (R/rii.R), marginaleffects ``avg_comparisons``
    with ``comparison = "lnratio"`` and ``vcov = "HC1"``.
    """
    y, p, _, level = _heat_inputs(est, pop, se, conf_level)
    beta, vcov, _ = _logit_glm_hc1(y, p, subgroup_order, scaleval)
    mu0, mu1 = special.expit(beta[0]), special.expit(beta[0] + beta[1])
    if mu0 <= 0:
        raise ValueError("est: the fitted value at rank 0 is 0, so the RII is undefined")
    log_rii = float(np.log(mu1) - np.log(mu0))
    grad = np.array([mu0 - mu1, 1 - mu1])
    se_log = math.sqrt(max(float(grad @ vcov @ grad), 0.0))
    z = _z(level)
    return HeatResult(
        math.exp(log_rii), se_log, math.exp(log_rii - z * se_log), math.exp(log_rii + z * se_log)
    )


def _concentration(est: Any, pop: Any, subgroup_order: Any, conf_level: float, absolute: bool):
    y, p, _, level = _heat_inputs(est, pop, None, conf_level)
    order = _order(subgroup_order, len(y))
    idx, rank = _heat_rank(p, order)
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


def _point_only(value: float) -> HeatResult:
    return HeatResult(float(value), *_NAN_CI)


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
    i_max, i_min = int(np.argmax(y)), int(np.argmin(y))
    mask = _reference_mask(reference_subgroup, len(y))
    if mask is None:
        return i_max, i_min
    i_ref = int(np.flatnonzero(mask)[0])
    return (i_ref, i_min) if fav else (i_max, i_ref)


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
    − most advantaged. Non-ordered (no order): highest − lowest estimate; with a
    ``reference_subgroup``, reference − lowest (favourable) or highest − reference (adverse).
    With subgroup SEs, ``se = sqrt(se₁² + se₂²)`` and CI ``D ± z·se``; otherwise NaN.
    ``pop`` is not used.

    Reference: healthequal (WHO HEAT), ``d`` (R/d.R). (healthequal's non-ordered case without
    a reference leaves y₂ unset for favourable indicators; here it is the lowest estimate, as
    in healthequal's ``r``.)
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
