"""The one midpoint-rank definition (helpers.stats.ranks); numbers worked by hand."""

import numpy as np

from helpers.stats.ranks import midpoint_rank, tied_midpoint_rank


def test_tied_groups_share_the_midpoint_of_their_joint_slice():
    """Populations 1, 1, 2 with orders 2, 1, 2: sorted (order 1 first) → the second group
    (pop 1) alone takes [0, 1/4], midpoint 1/8; the two tied groups take [1/4, 1], midpoint 5/8."""
    idx, rank = tied_midpoint_rank(np.array([1.0, 1.0, 2.0]), np.array([2, 1, 2]))
    np.testing.assert_array_equal(idx, [1, 0, 2])
    np.testing.assert_allclose(rank, [0.125, 0.625, 0.625])


def test_without_ties_the_tied_rank_is_the_plain_rank():
    pop = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    _, rank = tied_midpoint_rank(pop, np.arange(5))
    np.testing.assert_allclose(rank, midpoint_rank(pop), rtol=0, atol=1e-15)
