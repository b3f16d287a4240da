"""The midpoint cumulative population rank: the one definition every gradient measure uses.

Groups are given in order from the most disadvantaged (first) to the most advantaged (last);
each gets the midpoint of its slice of the cumulative population share,
``b_i = sum_{j<i} a_j + a_i / 2`` with ``a_i = pop_i / sum(pop)`` (PHEindicatormethods
``phe_sii``, its ``FindXValues``; WHO HEAT). A rank near 0 is the disadvantaged end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def midpoint_rank(population: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Midpoint cumulative population share of groups given in order (most disadvantaged first).

    ``population`` may be counts or shares (they are normalised). Returns an array in the input
    order. Zero, negative, missing or no population is a ``ValueError``: the rank is undefined.
    """
    try:
        pop = np.asarray(population, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"population: expected numbers ({exc})") from None
    if pop.ndim != 1:
        raise ValueError(f"population: expected a 1-D sequence, got {pop.ndim} dimensions")
    if len(pop) == 0:
        raise ValueError("population: empty")
    bad = ~np.isfinite(pop) | (pop <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"population: must be a number > 0, got {pop[i]:g} at position {i}")
    share = pop / pop.sum()
    return np.cumsum(share) - share / 2


def tied_midpoint_rank(population: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """HEAT's rank for groups with an order that may have ties: the sort index by ``order``
    (stable) and each sorted group's midpoint rank, tied groups sharing one slice of the
    cumulative population (the midpoint of their joint slice)."""
    idx = np.argsort(order, kind="stable")
    _, tie = np.unique(np.asarray(order)[idx], return_inverse=True)
    joint = np.bincount(tie, weights=np.asarray(population, dtype=float)[idx])
    return idx, midpoint_rank(joint)[tie]
