"""Unit tests for helpers.stats.phe_sii written against mutation-testing survivors.

The reference cases (PHEindicatormethods) are checked in tests/reference/test_inequality.py;
the checks here pin pieces the reference cases leave loose (order statistics, the simulation's
scale, fork safety), with every expected number derived by hand in the test. All data are
synthetic (made-up numbers, not Oslo's).
"""

from __future__ import annotations

import os
import signal

import pytest

from helpers.stats import phe_sii


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_simulation_works_in_a_forked_child():
    """Large simulations fill the draws in a thread pool. A child forked after the pool has
    started (multiprocessing's fork start method, mutmut's forked mutants) inherits the pool
    object but not its threads; it must start its own instead of waiting forever. Synthetic
    values; 100 000 x 5 draws are above the 200 000-number threshold for the pool."""
    args = dict(se=[1.0] * 5, repetitions=100_000, seed=1)
    parent = phe_sii.sii([1, 2, 3, 4, 5], [10] * 5, **args)
    assert phe_sii._EXECUTOR is not None  # the pool exists before the fork
    pid = os.fork()
    if pid == 0:  # child: a hang ends by SIGALRM after 20 s
        code = 1
        try:
            signal.alarm(20)
            code = 0 if phe_sii.sii([1, 2, 3, 4, 5], [10] * 5, **args) == parent else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child hung or differed"
