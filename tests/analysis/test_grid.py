"""Resolution per party: a party with small utilities keeps its resolution next to one with large ones.

With one grid scaled to the largest |u| of any party, (10^6, 0.12345671) and (999999, 0.12345674) looked
equal for the second party, so the second package seemed dominated and the egalitarian optimum was
missed while the frontier said ``exact=True``. Each party now has its own grid.
"""

from __future__ import annotations

import pytest

from detente.analysis import solve as sv
from detente.analysis.grid import utility_grid
from tests.analysis._instances import build

# one move, two options: (10^6, 0.12345671) and (999999, 0.12345674)
VALUES = [[[1e6, 0.12345671], [999999.0, 0.12345674]]]


def _choices(r) -> set[int]:
    return {int(p.choices[0]) for p in r.packages}


@pytest.mark.parametrize("method", ["enumeration", "dp"])
def test_frontier_keeps_both_packages(method):
    cs = build(VALUES, [0.0, 0.0])
    fr = sv.frontier(cs, method=method)
    assert fr.exact
    assert sorted(int(p.choices[0]) for p in fr.packages) == [0, 1]


@pytest.mark.parametrize("method", ["enumeration", "dp", "milp", "cp-sat"])
def test_egalitarian_sees_the_small_party(method):
    cs = build(VALUES, [0.0, 0.0])
    r = sv.solve(cs, "egalitarian", method=method)
    assert r.optimal
    assert _choices(r) == {1}  # min gain 0.12345674 > 0.12345671


@pytest.mark.parametrize("method", ["enumeration", "dp", "cp-sat"])
def test_nash_and_welfare_and_ks(method):
    cs = build(VALUES, [0.0, 0.0])
    assert _choices(sv.solve(cs, "welfare", method=method)) == {0}
    assert _choices(sv.solve(cs, "nash", method=method)) == {0}  # 123456.71 > 123456.616...


def test_ks_per_party_ratio():
    cs = build(VALUES, [0.0, 0.0])
    # ratios: option 0 → min(1, 0.12345671/0.12345674) ≈ 0.99999976; option 1 → 0.999999
    for method in ("enumeration", "milp", "cp-sat"):
        assert _choices(sv.solve(cs, "ks", method=method)) == {0}


def test_grid_is_per_party_and_says_when_values_are_off_grid():
    cs = build(VALUES, [0.0, 0.0])
    g = utility_grid(cs)
    assert g.scale[0] != g.scale[1]
    assert g.values[0, 1] != g.values[1, 1]
    assert g.exact
    off = build([[[0.1234567890123456, 0.0], [0.0, 1.0]]], [0.0, 0.0])
    assert not utility_grid(off).exact
    # one move: the rounding (half a step of 10^-12 · U_i) is far below the tie tolerance 10^-9 · U_i
    assert sv.frontier(off, method="enumeration").exact
    # 2,001 moves: 2,001 half steps may exceed it, and the frontier says so
    from detente.analysis.methods._exact import grid_exact

    assert not grid_exact(
        build([[[0.1234567890123456, 0.0], [0.0, 1.0]]] * 2001, [0.0, 0.0]), utility_grid(off)
    )
