"""The compiled 3-party Pareto sweep against brute force: ties, duplicates, extremes, DP-like antichains."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.analysis._pareto_kernel import nondominated_sorted_3d, pareto_mask_3d

FAST = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
BIG = np.iinfo(np.int64).max // 4


def brute_mask(points: np.ndarray) -> np.ndarray:
    """Row p is kept unless some row q is ≥ p in every column and > in one."""
    ge = np.all(points[:, None, :] >= points[None, :, :], axis=2)  # ge[q, p]: q ≥ p
    gt = np.any(points[:, None, :] > points[None, :, :], axis=2)
    return ~np.any(ge & gt, axis=0)


# small value ranges make ties in a column and duplicate rows common
points = st.integers(0, 5).flatmap(
    lambda hi: hnp.arrays(
        np.int64, st.tuples(st.integers(0, 80), st.just(3)), elements=st.integers(-hi, hi) | st.just(BIG)
    )
)


@FAST
@given(points)
def test_mask_matches_brute_force_with_ties_and_duplicates(pts: np.ndarray) -> None:
    assert np.array_equal(pareto_mask_3d(pts), brute_mask(pts))


@FAST
@given(points)
def test_sorted_distinct_entry_matches_brute_force(pts: np.ndarray) -> None:
    """The entry the DP's fold step calls: distinct rows in ascending lexicographic order."""
    uniq = np.unique(pts, axis=0)
    assert np.array_equal(nondominated_sorted_3d(uniq), brute_mask(uniq))


def test_edge_cases() -> None:
    assert nondominated_sorted_3d(np.zeros((0, 3), dtype=np.int64)).shape == (0,)
    assert pareto_mask_3d(np.zeros((0, 3), dtype=np.int64)).shape == (0,)
    assert pareto_mask_3d([[1, 2, 3]]).tolist() == [True]
    assert pareto_mask_3d([[1, 2, 3]] * 4).tolist() == [True] * 4  # ties are all kept
    lo, hi = np.iinfo(np.int64).min + 1, np.iinfo(np.int64).max
    assert pareto_mask_3d([[lo, hi, lo], [hi, lo, lo], [lo, lo, hi], [lo, lo, lo]]).tolist() == [
        True,
        True,
        True,
        False,
    ]
    # one column constant: the 2-party problem on the other two
    assert pareto_mask_3d([[0, 1, 3], [0, 2, 2], [0, 3, 1], [0, 2, 1], [0, 3, 3]]).tolist() == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_dp_like_antichains_match_brute_force() -> None:
    """Larger inputs shaped like the DP's partial sums: an antichain plus shifted copies (most rows of a
    shifted copy are dominated), and a zero-sum line (every row kept)."""
    rng = np.random.default_rng(3)
    s = rng.integers(0, 3_000, size=(500, 2))
    plane = np.c_[9_000 - s.sum(axis=1), s]
    front = plane[brute_mask(plane)]
    cand = np.concatenate([front, front + [7, -3, 2], front + [-5, 4, 4]])
    assert np.array_equal(pareto_mask_3d(cand), brute_mask(cand))
    i = np.arange(1000)
    line = np.c_[-i, i, -(i % 7)]
    assert pareto_mask_3d(line).all() and brute_mask(line).all()
