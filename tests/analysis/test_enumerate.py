"""Enumeration of packages: against an itertools.product brute force on random small scenarios."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis import enumerate as en
from detente.analysis import grid as grid_mod
from detente.errors import DetenteError
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.analysis._instances import brute_acceptable, build, instances

FAST = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(instances(), st.integers(1, 40))
def test_acceptable_matches_brute_force(cs, chunk_size):
    expected, utilities = brute_acceptable(cs)
    ps = en.enumerate_packages(cs, chunk_size=chunk_size)
    assert [tuple(c) for c in ps.choices.tolist()] == expected  # same packages, index order
    np.testing.assert_allclose(ps.utilities, utilities)
    np.testing.assert_allclose(ps.ints / ps.grid.scale, utilities, atol=1e-9)


@FAST
@given(instances())
def test_feasible_matches_brute_force(cs):
    every = np.asarray(list(itertools.product(*[range(int(n)) for n in cs.n_options])))
    expected = [tuple(p) for p in every[cs.feasible(every)].tolist()]
    ps = en.enumerate_packages(cs, acceptable=False)
    assert [tuple(c) for c in ps.choices.tolist()] == expected
    assert en.count_packages(cs, acceptable=False) == len(expected)


@FAST
@given(instances(max_moves=5))
def test_meet_in_the_middle_split(cs):
    """With a tiny low group, most moves are in the high group: same answer."""
    expected, _ = brute_acceptable(cs)
    old = en.LOW_GROUP_MAX
    en.LOW_GROUP_MAX = 4
    try:
        got = en.enumerate_packages(cs, chunk_size=5)
    finally:
        en.LOW_GROUP_MAX = old
    assert [tuple(c) for c in got.choices.tolist()] == expected


def test_decode_encode_round_trip():
    cs = build([[[0.0]] * 3, [[0.0]] * 2, [[0.0]] * 4], [0.0])
    every = np.asarray(list(itertools.product(range(3), range(2), range(4))))
    idx = np.arange(cs.n_outcomes)
    np.testing.assert_array_equal(en.decode(cs, idx), every)
    np.testing.assert_array_equal(en.encode(cs, every), idx)


def test_limit_refuses_with_clear_error():
    cs = build([[[0.0], [1.0]]] * 10, [0.0])
    with pytest.raises(
        DetenteError, match="1,024 possible packages.*enumeration limit of 1,000.*method='dp'"
    ):
        en.enumerate_packages(cs, limit=1000)


def test_hand_example_minimal_fixture(fixtures):
    """minimal.yaml: security min-content forces the freeze (A −3); relief requires it; B refuses full
    relief; A's best remaining package is freeze + partial relief = −1 < r_A = 0: no acceptable package,
    while the two packages with freeze and no/partial relief are feasible."""
    cs = compile_scenario(load_scenario(fixtures / "scenarios" / "minimal.yaml"))
    assert len(en.enumerate_packages(cs)) == 0
    feasible = en.enumerate_packages(cs, acceptable=False)
    assert {tuple(c) for c in feasible.choices.tolist()} == {(1, 0), (1, 1)}
    np.testing.assert_allclose(sorted(feasible.utilities.tolist()), [[-3.0, 5.0], [-1.0, 4.0]])


def test_grid_makes_decimal_sums_exact():
    """0.1 + 0.2 and 0.3 are the same utility on the grid (float sums differ)."""
    cs = build([[[0.0], [0.1]], [[0.0], [0.2]], [[0.0], [0.3]]], [0.0])
    g = grid_mod.utility_grid(cs)
    assert g.values[1, 0] + g.values[3, 0] == g.values[5, 0]
    assert grid_mod.utility_scale(cs) == pytest.approx(0.6)


def test_reservation_boundary_is_inclusive():
    cs = build([[[0.1], [0.2]], [[0.0], [0.1]]], [0.3])
    ps = en.enumerate_packages(cs)
    assert {tuple(c) for c in ps.choices.tolist()} == {(1, 1)}  # 0.2 + 0.1 ≥ 0.3


def test_memory_stays_bounded():
    """2^20 outcomes stream in chunks: peak traced memory far below the size of all packages."""
    import tracemalloc

    cs = build([[[0.0, 1.0], [1.0, 0.0]]] * 20, [5.0, 5.0])
    tracemalloc.start()
    n = en.count_packages(cs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == sum(math.comb(20, k) for k in range(5, 16))  # k moves give A 1, the others give B 1
    assert peak < 64 * 2**20


@FAST
@given(instances(constraints=False), st.data())
def test_tabulate_lists_combinations_in_package_order(cs, data):
    """The combinations of any subset of moves (the DP's components, enumeration's low group), in
    itertools.product order, each with the sum of its options' rows."""
    moves = sorted(data.draw(st.sets(st.integers(0, cs.n_moves - 1), min_size=1)))
    g = grid_mod.utility_grid(cs)
    combos, sums = en.tabulate(cs, g.values, moves)
    expected = list(itertools.product(*[range(int(cs.n_options[k])) for k in moves]))
    assert [tuple(c) for c in combos.tolist()] == expected
    want = [sum(g.values[cs.offsets[k] + c[j]] for j, k in enumerate(moves)) for c in expected]
    np.testing.assert_array_equal(sums, np.asarray(want))
    bounds = en.within_bounds(sums, sums.min(axis=0) + 1, sums.max(axis=0))
    np.testing.assert_array_equal(bounds, np.all(sums > sums.min(axis=0), axis=1))
