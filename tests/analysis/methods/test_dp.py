"""The exact dynamic program of the frontier, against brute force and a plain reference fold."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis import pareto as pa
from detente.analysis.grid import utility_grid
from detente.analysis.methods import dp as fr
from tests.analysis._instances import brute_frontier, build, instances

FAST = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


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
