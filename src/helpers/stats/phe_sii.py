"""PHE slope and relative index of inequality (a port of PHEindicatormethods ``phe_sii``).

Weighted least squares on the midpoint cumulative population rank, with Monte Carlo confidence
limits. Groups are ordered from the most disadvantaged (first, rank near 0) to the most
advantaged (last, rank near 1).

Reference: Low A, Low A. Measuring the gap: quantifying and comparing local health
inequalities. J Public Health 2004;26:388-95.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from helpers.stats.checks import (
    _finite_scalar,
    _first_bad,
    _min_groups,
    _nonnegative,
    _open_unit,
    _phe_confidence,
    _positive,
    _same_length,
    _vector,
)
from helpers.stats.ranks import midpoint_rank

#: z for a two-sided 95 % interval; phe_sii hard-codes it when turning CLs into an SE.
Z95: float = float(stats.norm.ppf(0.975))


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


def _forget_executor() -> None:
    """After a fork the child has the executor object but not its threads: jobs submitted to it
    would wait forever (multiprocessing's fork start method, mutmut's forked mutants). The child
    starts a pool of its own when it needs one."""
    global _EXECUTOR
    _EXECUTOR = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executor)


def _standard_normal_draws(seed: Any, shape: tuple[int, int]) -> np.ndarray:
    """Standard normal draws, deterministic for a given seed (read-only).

    The draws of an integer seed depend only on the seed and the shape, so they are made once
    and kept for the next call (a report computes SII/RII for every indicator and every year
    with the same seed and 15 bydeler: the same matrix each time). Other seeds (``None``, a
    ``SeedSequence``) are drawn afresh."""
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        return _kept_draws(int(seed), (int(shape[0]), int(shape[1])))
    draws = _fresh_draws(seed, shape)
    draws.flags.writeable = False
    return draws


@functools.lru_cache(maxsize=4)  # 100 000 x 15 draws are 12 MB
def _kept_draws(seed: int, shape: tuple[int, int]) -> np.ndarray:
    draws = _fresh_draws(seed, shape)
    draws.flags.writeable = False
    return draws


def _fresh_draws(seed: Any, shape: tuple[int, int]) -> np.ndarray:
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
    b = midpoint_rank(pop)
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
        sim = draws * s  # a new matrix: the draws are kept for the next call
        sim += y_t
        back(sim, out=sim)
        sim_b0, sim_b1 = _wls_fit(sim, proj, s1d, s2d, s0d)
        del sim
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
