"""Benchmark: the vectorised Monte Carlo in ``helpers.stats.sii`` (phe_sii's method).

Goal (issue #4): 100 000 draws for 15 groups in at most 50 ms. The baseline is a plain Python
loop over draws that fits each draw with ``np.linalg.lstsq`` (as phe_sii's ``apply`` over
columns does), run in the same process on fewer draws and scaled to 100 000. Run with
``python benchmarks/bench_inequality.py`` (``make bench``); exits 1 if the goal is missed.

The data are synthetic (15 groups with made-up values, populations and SEs), not Oslo's.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from helpers import stats as iq

DRAWS = 100_000
GROUPS = 15
GOAL_MS = 50.0
RUNS = 15
LOOP_DRAWS = 2_000


def synthetic_groups(n: int = GROUPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic life-expectancy-like values, populations and SEs for ``n`` groups."""
    rng = np.random.default_rng(2030)
    value = np.sort(rng.uniform(74, 86, n))
    pop = rng.uniform(20_000, 60_000, n).round()
    se = rng.uniform(0.8, 2.0, n)
    return value, pop, se


def loop_sii(value, pop, se, draws: int, seed: int) -> tuple[float, float]:
    """The same simulation as a plain Python loop: one draw and one least-squares fit per draw."""
    rng = np.random.default_rng(seed)
    a = pop / pop.sum()
    b = np.cumsum(a) - a / 2
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    slopes = np.empty(draws)
    riis = np.empty(draws)
    for k in range(draws):
        y = rng.normal(value, se)
        (b0, b1), *_ = np.linalg.lstsq(design, np.sqrt(a) * y, rcond=None)
        slopes[k] = b1
        riis[k] = (b0 + b1) / b0
    lo, hi = round(draws * 0.025) - 1, round(draws * 0.975) - 1
    s = np.sort(slopes)
    np.sort(riis)
    return float(s[lo]), float(s[hi])


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    value, pop, se = synthetic_groups()
    # warm-up (imports, allocator, BLAS threads)
    iq.sii(value, pop, se=se, repetitions=DRAWS, seed=0)

    seeds = iter(range(1, 10_000))
    vec_ms = median_ms(lambda: iq.sii(value, pop, se=se, repetitions=DRAWS, seed=next(seeds)), RUNS)
    loop_ms = median_ms(lambda: loop_sii(value, pop, se, LOOP_DRAWS, seed=1), 3)
    loop_scaled = loop_ms * DRAWS / LOOP_DRAWS

    # sanity: both give the same 95 % limits up to Monte Carlo error
    vec = iq.sii(value, pop, se=se, repetitions=DRAWS, seed=7)
    lo, hi = loop_sii(value, pop, se, LOOP_DRAWS, seed=7)
    width = vec.sii_upper - vec.sii_lower
    agree = abs(lo - vec.sii_lower) < 0.2 * width and abs(hi - vec.sii_upper) < 0.2 * width

    ok = vec_ms <= GOAL_MS
    print(
        f"sii {DRAWS} draws x {GROUPS} groups: {vec_ms:.1f} ms "
        f"(loop baseline {loop_scaled:.0f} ms, {loop_scaled / vec_ms:.0f}x faster); "
        f"goal <= {GOAL_MS:.0f} ms: {'OK' if ok else 'MISSED'}"
    )
    print(
        f"  median of {RUNS} runs; loop baseline: median of 3 runs of {LOOP_DRAWS} draws "
        f"({loop_ms:.0f} ms) scaled x{DRAWS // LOOP_DRAWS}; 95 % limits agree: "
        f"{'yes' if agree else 'NO'} (vectorised {vec.sii_lower:.3f}..{vec.sii_upper:.3f}, "
        f"loop {lo:.3f}..{hi:.3f})"
    )
    return 0 if ok and agree else 1


if __name__ == "__main__":
    sys.exit(main())
