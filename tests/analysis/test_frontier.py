"""Pareto filter, streaming frontier and the exact dynamic program, against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.analysis import pareto as pa
from detente.analysis.enumerate import PackageChunk, decode, enumerate_packages, iter_packages
from detente.analysis.grid import utility_grid
from detente.analysis.methods import dp as fr
from tests.analysis._instances import brute_frontier, build, instances

FAST = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def brute_mask(points: np.ndarray) -> np.ndarray:
    ge = np.all(points[:, None, :] >= points[None, :, :], axis=2)  # ge[q, p]: q ≥ p
    gt = np.any(points[:, None, :] > points[None, :, :], axis=2)
    return ~np.any(ge & gt, axis=0)


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Force the divide and conquer, the dominance-query recursion and the pivot pass on small inputs."""
    monkeypatch.setattr(pa, "_LEAF", 4)
    monkeypatch.setattr(pa, "_BRUTE", 16)
    monkeypatch.setattr(pa, "_COVER_BRUTE", 4)
    monkeypatch.setattr(pa, "_PREFILTER_MIN", 20)
    monkeypatch.setattr(pa, "_PIVOT_SAMPLE", 8)
    monkeypatch.setattr(pa, "_PIVOT_ROUNDS", (2, 3))


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
        mp.setattr(pa, "_LEAF", 4)
        mp.setattr(pa, "_BRUTE", 16)
        mp.setattr(pa, "_COVER_BRUTE", 4)
        mp.setattr(pa, "_PREFILTER_MIN", 20)
        mp.setattr(pa, "_PIVOT_SAMPLE", 8)
        mp.setattr(pa, "_PIVOT_ROUNDS", (2, 3))
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
@given(instances())
def test_dp_frontier_matches_brute_force(cs):
    expected = brute_frontier(cs)
    ef = fr.dp_frontier(cs)
    assert ef is not None
    got = [tuple(c) for c in ef.choices.tolist()]
    assert len(got) == len(set(got)) == ef.n_packages
    assert set(got) == expected
    np.testing.assert_allclose(ef.utilities, cs.utilities(ef.choices) if got else ef.utilities, atol=1e-9)


@FAST
@given(instances(), st.integers(1, 30))
def test_streaming_frontier_matches_brute_force(cs, chunk_size):
    sf = pa.StreamingFrontier(cs.n_parties, buffer=3)
    for chunk in iter_packages(cs, chunk_size=chunk_size):
        sf.add(chunk)
    index, _ = sf.result()
    assert {tuple(c) for c in decode(cs, index).tolist()} == brute_frontier(cs)


def test_components_group_moves_linked_by_constraints():
    cs = build(
        [[[0.0], [1.0]]] * 5,
        [0.0],
        requires={2: ["m0"]},
        red_lines=[{"type": "red_line", "party": "p0", "refuses": ["m3:o1"]}],
    )
    assert fr.components(cs) == [[0, 2], [1], [3], [4]]
    comps = fr.component_options(cs, utility_grid(cs))
    assert comps is not None
    # m2 done requires m0 done: combos (0,0), (1,0), (1,1) of (m0, m2); the red line removes m3:o1
    assert sorted(map(tuple, comps[0].combos.tolist())) == [(0, 0), (1, 0), (1, 1)]
    assert comps[2].combos.tolist() == [[0]]


def test_dp_gives_up_beyond_component_limit():
    cs = build([[[0.0], [1.0]]] * 4, [0.0], requires={1: ["m0"], 2: ["m1"], 3: ["m2"]})
    assert fr.dp_frontier(cs, component_limit=8) is None
    assert fr.dp_frontier(cs, component_limit=16) is not None


def test_dp_ties_counted_and_truncated():
    """Three moves whose two options are worth the same: 8 packages share one utility vector."""
    cs = build([[[1.0, 1.0], [1.0, 1.0]]] * 3, [0.0, 0.0])
    full = fr.dp_frontier(cs)
    assert full is not None and full.n_packages == 8 and full.choices.shape[0] == 8 and not full.truncated
    cut = fr.dp_frontier(cs, budget=3)
    assert cut is not None and cut.truncated and cut.n_packages == 8 and cut.choices.shape[0] == 1


def test_dp_known_frontier_binary_moves():
    """Two yes/no moves, two parties; packages give (0,0), (3,−1), (−1,3), (2,2). With r = (−5, −5) the
    frontier is (3,−1), (−1,3), (2,2); with r = (0, 0) only (0,0) and (2,2) are acceptable and (2,2)
    dominates (0,0)."""
    cs = build([[[0.0, 0.0], [3.0, -1.0]], [[0.0, 0.0], [-1.0, 3.0]]], [-5.0, -5.0])
    ef = fr.dp_frontier(cs)
    assert ef is not None
    assert sorted(map(tuple, ef.choices.tolist())) == [(0, 1), (1, 0), (1, 1)]
    cs2 = build([[[0.0, 0.0], [3.0, -1.0]], [[0.0, 0.0], [-1.0, 3.0]]], [0.0, 0.0])
    ef2 = fr.dp_frontier(cs2)
    assert ef2 is not None and ef2.choices.tolist() == [[1, 1]]


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


def _yes_no_instance(n_moves: int, reservation: float, seed: int, decimals: int):
    """``n_moves`` yes/no moves worth uniform(−1, 1) (rounded) to each of 3 parties if done."""
    rng = np.random.default_rng(seed)
    values = [[[0.0, 0.0, 0.0], np.round(rng.uniform(-1, 1, 3), decimals).tolist()] for _ in range(n_moves)]
    return build(values, [reservation] * 3)


def _reference_frontier(cs) -> tuple[np.ndarray, np.ndarray]:
    """Distinct acceptable frontier vectors and the number of packages of each, by the plain fold
    F ← ND(F ∪ (F + v)) over all moves with the general (P ≥ 4) Pareto filter on a constant fourth
    column, no pruning, then u ≥ r."""
    g = utility_grid(cs)
    states = np.zeros((1, cs.n_parties), dtype=np.int64)
    counts: np.ndarray = np.ones(1)
    for k in range(cs.n_moves):
        values = g.values[cs.offsets[k] : cs.offsets[k] + cs.n_options[k]]
        cand, inv = np.unique(np.concatenate([states + v for v in values]), axis=0, return_inverse=True)
        cand_counts = np.bincount(inv.reshape(-1), np.tile(counts, len(values)), minlength=len(cand))
        keep = pa.pareto_mask(np.column_stack([cand, np.zeros(len(cand), dtype=np.int64)]))
        states, counts = cand[keep], cand_counts[keep]
    ok = np.all(states >= g.reservation, axis=1)
    return states[ok], counts[ok]


@pytest.mark.parametrize(
    ("n_moves", "reservation", "decimals"), [(60, -1000.0, 2), (40, 0.5, 2), (40, -1000.0, 1)]
)
def test_dp_frontier_yes_no_moves_against_reference_fold(n_moves, reservation, decimals):
    """A 60-move yes/no instance (thousands of frontier points), a pruned one (r = 0.5) and one with
    values of 1 decimal (many packages per frontier vector)."""
    cs = _yes_no_instance(n_moves, reservation, seed=n_moves, decimals=decimals)
    expected, expected_counts = _reference_frontier(cs)
    ef = fr.dp_frontier(cs)
    assert ef is not None and not ef.truncated
    got, got_counts = np.unique(ef.ints, axis=0, return_counts=True)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_counts, expected_counts)
    assert ef.choices.shape[0] == ef.n_packages >= expected.shape[0] > 100
    assert len({tuple(c) for c in ef.choices.tolist()}) == ef.n_packages
    np.testing.assert_allclose(ef.utilities, cs.utilities(ef.choices), atol=1e-9)
    # each listed package's grid utility is the sum of its choices' grid values
    g = utility_grid(cs)
    sums = sum(g.values[cs.offsets[k] + ef.choices[:, k]] for k in range(cs.n_moves))
    np.testing.assert_array_equal(ef.ints, sums)


def test_package_counts_are_exact_beyond_2_to_the_53():
    """70 moves whose two options are worth the same to everyone: one frontier vector, 2^70 packages —
    counted exactly (float64 would round above 2^53)."""
    from detente.analysis.methods.dp import dp_frontier
    from tests.analysis._instances import build

    cs = build([[[1.0, 0.0], [1.0, 0.0]]] * 69 + [[[0.0, 1.0], [0.0, 1.0]]], [0.0, 0.0])
    ef = dp_frontier(cs, budget=10)
    assert ef is not None and ef.truncated
    assert ef.n_packages == 2**70
    assert f"{2**70:,} frontier packages" in ef.notes[0]


def _numpy_fold(states, by_y, v, slack):
    step = fr._fold_step_numpy(states, v, slack)
    return None if step is None else (*step, None)


three_party = st.tuples(
    st.integers(2, 6),  # moves
    st.integers(2, 3),  # options per move
    st.sampled_from([(1.0, 1.0, 1.0), (1e6, 1.0, 1e-7), (1.0, 1e-3, 1e9)]),  # per-party value scales
    st.integers(0, 2**32 - 1),
    st.booleans(),  # prune with reservations
)


@FAST
@given(three_party)
def test_dp_three_parties_compiled_fold_equals_numpy_fold(case):
    """Three parties: the compiled fold and rebuild give the same packages, in the same order, as the
    NumPy fold step, and the frontier brute force gives — with values of 0–2 units (many ties and
    duplicate sums) and parties on very different scales (each party's own grid)."""
    n_moves, n_opts, scales, seed, prune = case
    rng = np.random.default_rng(seed)
    values = (rng.integers(-1, 3, size=(n_moves, n_opts, 3)) * np.asarray(scales)).tolist()
    reservation = [s * (1.0 if prune else -100.0) for s in scales]
    cs = build(values, reservation)
    ef = fr.dp_frontier(cs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fr, "_fold_step", _numpy_fold)
        ref = fr.dp_frontier(cs)
    assert ef is not None and ref is not None
    np.testing.assert_array_equal(ef.choices, ref.choices)
    np.testing.assert_array_equal(ef.ints, ref.ints)
    assert ef.n_packages == ref.n_packages == ef.choices.shape[0]
    assert {tuple(c) for c in ef.choices.tolist()} == brute_frontier(cs)
    cut = fr.dp_frontier(cs, budget=0)
    assert cut is not None and cut.n_packages == ef.n_packages
    # one package per distinct frontier vector when over budget
    assert sorted(map(tuple, cut.ints.tolist())) == sorted(set(map(tuple, ef.ints.tolist())))
