"""The Pareto filter, the streaming frontier and the summaries, against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.analysis import pareto as pa
from detente.analysis.enumerate import PackageChunk, decode, enumerate_packages, iter_packages
from tests.analysis._instances import brute_frontier, build, instances

FAST = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def brute_mask(points: np.ndarray) -> np.ndarray:
    ge = np.all(points[:, None, :] >= points[None, :, :], axis=2)  # ge[q, p]: q ≥ p
    gt = np.any(points[:, None, :] > points[None, :, :], axis=2)
    return ~np.any(ge & gt, axis=0)


#: Block sizes that force the divide and conquer, the dominance-query recursion and the pivot pass on
#: small inputs.
TINY = {
    "_LEAF": 4,
    "_BRUTE": 16,
    "_COVER_BRUTE": 4,
    "_PREFILTER_MIN": 20,
    "_PIVOT_SAMPLE": 8,
    "_PIVOT_ROUNDS": (2, 3),
}


@pytest.fixture
def tiny_blocks(monkeypatch):
    for name, value in TINY.items():
        monkeypatch.setattr(pa, name, value)


points = st.integers(1, 5).flatmap(
    lambda p: hnp.arrays(np.int64, st.tuples(st.integers(0, 120), st.just(p)), elements=st.integers(0, 6))
)


@FAST
@given(points)
def test_pareto_mask_matches_brute_force(pts):
    np.testing.assert_array_equal(pa.pareto_mask(pts), brute_mask(pts))


@FAST
@given(points)
def test_pareto_mask_recursions_match_brute_force(pts):
    with pytest.MonkeyPatch.context() as mp:
        for name, value in TINY.items():
            mp.setattr(pa, name, value)
        got = pa.pareto_mask(pts)
    np.testing.assert_array_equal(got, brute_mask(pts))


def test_pareto_mask_large_random(tiny_blocks):
    rng = np.random.default_rng(3)
    for p in (2, 3, 4, 5):
        pts = rng.integers(0, 30, size=(600, p))
        pts[:, 0] = 60 - pts[:, 1:].sum(axis=1) // (p - 1) + rng.integers(0, 3, 600)  # anti-correlated
        np.testing.assert_array_equal(pa.pareto_mask(pts), brute_mask(pts))


def test_ties_are_kept():
    pts = np.array([[1, 2], [1, 2], [2, 1], [0, 0], [1, 1]])
    assert pa.pareto_mask(pts).tolist() == [True, True, True, False, False]


@FAST
@given(instances(), st.integers(1, 30))
def test_streaming_frontier_matches_brute_force(cs, chunk_size):
    sf = pa.StreamingFrontier(cs.n_parties, buffer=3)
    for chunk in iter_packages(cs, chunk_size=chunk_size):
        sf.add(chunk)
    index, _ = sf.result()
    assert {tuple(c) for c in decode(cs, index).tolist()} == brute_frontier(cs)


def test_summary_and_farthest_points():
    rng = np.random.default_rng(0)
    u = rng.random((500, 3))
    s = pa.summarize(u, k=6, seed=4)
    assert s.count == 500
    np.testing.assert_allclose(s.minimum, u.min(axis=0))
    np.testing.assert_allclose(s.maximum, u.max(axis=0))
    assert len(set(s.representatives.tolist())) == 6
    np.testing.assert_array_equal(s.representatives, pa.summarize(u, k=6, seed=4).representatives)
    # greedy farthest-point: each new point is the farthest from those already chosen
    chosen = s.representatives
    z = (u - u.min(axis=0)) / (u.max(axis=0) - u.min(axis=0))
    for j in range(1, len(chosen)):
        dist = np.min(np.linalg.norm(z[:, None, :] - z[None, chosen[:j], :], axis=2), axis=1)
        assert dist[chosen[j]] == pytest.approx(dist.max())
    assert pa.summarize(np.zeros((0, 3))).count == 0


def test_frontier_of_chunk_stream_equals_filter_of_all():
    cs = build([[[float(a), float(b)] for a, b in ((0, 0), (2, 1), (1, 3))]] * 4, [0.0, 0.0])
    ps = enumerate_packages(cs)
    sf = pa.StreamingFrontier(2, buffer=2)
    for s in range(0, len(ps), 7):
        sf.add(PackageChunk(ps.index[s : s + 7], ps.ints[s : s + 7], ps.grid.scale))
    index, _ = sf.result()
    np.testing.assert_array_equal(index, np.sort(ps.index[pa.pareto_mask(ps.ints)]))


def _lex_desc_unique(pts: np.ndarray) -> np.ndarray:
    return np.unique(pts, axis=0)[::-1]


@pytest.mark.parametrize("leaf_bits", [0, 1, 3])
def test_dominated_by_earlier_3d_matches_brute_force(monkeypatch, leaf_bits):
    """The level-synchronous 3-D sweep against the pairwise definition, on sizes around powers of two,
    many ties per column, floats and int64 extremes."""
    monkeypatch.setattr(pa, "_LEAF3_BITS", leaf_bits)
    rng = np.random.default_rng(leaf_bits)
    for n in (1, 2, 3, 7, 8, 9, 16, 17, 31, 64, 65, 200, 257):
        for hi in (3, 8, 1000):
            pts = _lex_desc_unique(rng.integers(0, hi, size=(n, 3)))
            np.testing.assert_array_equal(~pa._dominated_by_earlier_3d(pts), brute_mask(pts))
    pts = _lex_desc_unique(rng.integers(0, 4, size=(150, 3)))
    extreme = np.where(pts == 0, np.iinfo(np.int64).min, np.where(pts == 3, np.iinfo(np.int64).max, pts))
    extreme = _lex_desc_unique(extreme)
    np.testing.assert_array_equal(~pa._dominated_by_earlier_3d(extreme), brute_mask(extreme))
    floats = _lex_desc_unique(np.round(rng.normal(size=(150, 3)), 1))
    np.testing.assert_array_equal(~pa._dominated_by_earlier_3d(floats), brute_mask(floats))


def test_pareto_mask_3d_large_against_general_path():
    """20,000 points near a sphere (a large frontier): the 3-party path against the general P ≥ 4 divide
    and conquer (a constant fourth column changes no dominance)."""
    rng = np.random.default_rng(5)
    pts = rng.normal(size=(20_000, 3))
    pts = np.round(pts / np.linalg.norm(pts, axis=1)[:, None] * 300).astype(np.int64)
    expected = pa.pareto_mask(np.column_stack([pts, np.zeros(len(pts), dtype=np.int64)]))
    np.testing.assert_array_equal(pa.pareto_mask(pts), expected)
    assert 1000 < expected.sum() < len(pts)
