"""The compiled kernels of the DP frontier against brute force and the NumPy fold: the 3-party sweep (ties,
duplicates, extremes, DP-like antichains) and the fold step (ties, pruning, large values)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.analysis._pareto_kernel import fold_step_3d, nondominated_sorted_3d, pareto_mask_3d

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
    """The Fenwick sweep the compiled fold step runs, on distinct rows in ascending lexicographic order."""
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


# ----- the compiled fold step and package rebuild of the dynamic program -----------------------------
def _antichain(pts: np.ndarray) -> np.ndarray:
    """Distinct mutually nondominated rows of ``pts``, ascending (a state set of the DP)."""
    uniq = np.unique(pts, axis=0)
    return uniq[brute_mask(uniq)]


fold_inputs = st.tuples(
    hnp.arrays(np.int64, st.tuples(st.integers(1, 60), st.just(3)), elements=st.integers(-4, 4)),
    hnp.arrays(np.int64, st.tuples(st.integers(1, 6), st.just(3)), elements=st.integers(-3, 3)),
    st.integers(-12, 2),
)


@FAST
@given(fold_inputs)
def test_fold_step_matches_brute_force_and_numpy_fold(data: tuple[np.ndarray, np.ndarray, int]) -> None:
    """One step F' = ND{s + v_j ≥ low}: the kept sums against brute force (small ranges make ties —
    equal sums from different (state, vector) pairs — common), and states, ways and pointers against the
    NumPy fold step, exactly."""
    from detente.analysis.methods import dp as fr

    states = _antichain(data[0])
    v = np.unique(data[1], axis=0)
    low = np.full(3, data[2], dtype=np.int64)
    by_y = np.argsort(states[:, 1], kind="stable")
    new, new_by_y, ptr, parent, vec, sid = fold_step_3d(states, by_y, v, low)
    cand = (v[:, None, :] + states[None, :, :]).reshape(-1, 3)
    cand = cand[np.all(cand >= low, axis=1)]
    expected = _antichain(cand) if cand.size else np.zeros((0, 3), dtype=np.int64)
    np.testing.assert_array_equal(new, expected)
    reference = fr._fold_step_numpy(states, v, -low)
    if reference is None:
        assert new.shape[0] == 0
        return
    ref_states, layer, ref_sid = reference
    np.testing.assert_array_equal(new, ref_states)
    np.testing.assert_array_equal(parent, layer.parent)
    np.testing.assert_array_equal(vec, layer.vec)
    np.testing.assert_array_equal(sid, ref_sid)
    if layer.ptr is not None:
        np.testing.assert_array_equal(ptr, layer.ptr)
    # every way's sum is its state; the y order is a permutation sorted by column 1
    np.testing.assert_array_equal(states[parent] + v[vec], new[sid])
    assert sorted(new_by_y.tolist()) == list(range(new.shape[0]))
    assert np.all(np.diff(new[new_by_y, 1]) >= 0)


def test_fold_step_prunes_unreachable_sums_with_large_values() -> None:
    """Sums below ``low`` are dropped before the filter (a dropped sum may not remove others), values
    near 2^41 stay exact, and no reachable sum gives an empty step."""
    big = 2**40
    states = np.array([[-big, big, 0], [0, 0, 0], [big, -big, 5]], dtype=np.int64)
    v = np.array([[0, 0, 0], [1, 1, -1], [2 * big, -3 * big, 0]], dtype=np.int64)
    low = np.array([0, -big, -9], dtype=np.int64)
    new, new_by_y, _, parent, vec, sid = fold_step_3d(states, np.argsort(states[:, 1]), v, low)
    # reachable: the last two states with v0 and with v1 (x ≥ 0), none with v2 (y < −big); the four
    # sums are mutually nondominated
    expected = [[0, 0, 0], [1, 1, -1], [big, -big, 5], [big + 1, -big + 1, 4]]
    np.testing.assert_array_equal(new, expected)
    np.testing.assert_array_equal(states[parent] + v[vec], new[sid])
    assert new[new_by_y, 1].tolist() == [-big, -big + 1, 0, 1]
    empty = fold_step_3d(states, np.argsort(states[:, 1]), v, np.array([4 * big, 0, 0]))
    assert empty[0].shape == (0, 3)
