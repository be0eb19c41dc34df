"""Solution concepts: hand-solved examples and every tie against a brute force over all acceptable packages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente.analysis import concepts as co
from detente.analysis.enumerate import enumerate_packages
from detente.analysis.grid import utility_grid
from detente.analysis.methods.dp import dp_frontier
from tests.analysis._instances import brute_concept, build, instances

FAST = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def single_move(rows: list[list[float]], reservation: list[float], disagreement=None):
    """One move whose options give the listed utility vectors: package j = option j."""
    return build([rows], reservation, disagreement=disagreement)


def picked(cs, concept: str) -> set[int]:
    ps = enumerate_packages(cs)
    choice = co.choose(concept, ps.ints, ps.grid)
    return {int(ps.choices[r, 0]) for r in choice.rows}


@FAST
@given(instances())
def test_every_concept_matches_brute_force(cs):
    ps = enumerate_packages(cs)
    for concept in ("welfare", "egalitarian", "nash", "ks"):
        choice = co.choose(concept, ps.ints, ps.grid)
        got = {tuple(ps.choices[r]) for r in choice.rows.tolist()}
        assert got == brute_concept(cs, concept), concept


@FAST
@given(instances())
def test_frontier_suffices_except_for_ks(cs):
    """Welfare, egalitarian (leximin) and Nash optima all lie on the frontier; KS's frontier ties are a
    nonempty subset of its ties whenever a KS package exists."""
    ef = dp_frontier(cs)
    assert ef is not None
    ideal = co.ideal_point(ef.ints) if ef.ints.shape[0] else None
    for concept in ("welfare", "egalitarian", "nash", "ks"):
        choice = co.choose(concept, ef.ints, ef.grid, ideal)
        got = {tuple(ef.choices[r]) for r in choice.rows.tolist()}
        expected = brute_concept(cs, concept)
        if concept == "ks":
            assert got <= expected and bool(got) == bool(expected)
        else:
            assert got == expected, concept


def test_welfare_ties_all_listed():
    cs = single_move([[1, 3], [2, 2], [3, 1], [0, 3]], [0, 0])
    assert picked(cs, "welfare") == {0, 1, 2}


def test_egalitarian_leximin_breaks_ties():
    # min gain is 1 for the first three; leximin prefers (1, 2, 2) and (2, 1, 2) over (1, 1, 5)
    cs = single_move([[1, 1, 5], [1, 2, 2], [2, 1, 2], [0, 9, 9]], [0, 0, 0])
    assert picked(cs, "egalitarian") == {1, 2}
    ps = enumerate_packages(cs)
    assert co.egalitarian(ps.ints, ps.grid).objective == pytest.approx(1.0)


def test_egalitarian_uses_disagreement_point():
    cs = single_move([[4, 1], [2, 2]], [0, 0], disagreement=[3, 0])  # gains (1, 1) and (−1, 2)
    assert picked(cs, "egalitarian") == {0}


def test_nash_hand_solved():
    # products: 2·3 = 6, 4·1 = 4, 1·5 = 5, 3·2 = 6
    cs = single_move([[2, 3], [4, 1], [1, 5], [3, 2]], [0, 0])
    assert picked(cs, "nash") == {0, 3}
    ps = enumerate_packages(cs)
    assert co.nash(ps.ints, ps.grid).objective == pytest.approx(6.0)


def test_nash_leaves_out_party_that_cannot_gain():
    # party 1's reservation equals its only value: no one can raise it, product over party 0 alone
    cs = single_move([[1, 2], [3, 2], [2, 2]], [0, 2])
    assert picked(cs, "nash") == {1}
    ps = enumerate_packages(cs)
    assert any("left out" in n for n in co.nash(ps.ints, ps.grid).notes)


def test_nash_none_when_no_common_gain():
    # each package leaves one party at its disagreement point though both can gain somewhere
    cs = single_move([[2, 0], [0, 2]], [0, 0])
    ps = enumerate_packages(cs)
    choice = co.nash(ps.ints, ps.grid)
    assert choice.rows.size == 0 and choice.objective is None and choice.notes


def test_ks_hand_solved_with_weakly_dominated_tie():
    # ideal = (4, 4); ratios: (4,1)→.25, (2,2)→.5, (2,3)→.5, (1,4)→.25. (2,2) is dominated by (2,3)
    # yet ties: both are listed.
    cs = single_move([[4, 1], [2, 2], [2, 3], [1, 4]], [0, 0])
    assert picked(cs, "ks") == {1, 2}
    ps = enumerate_packages(cs)
    assert co.ks(ps.ints, ps.grid).objective == pytest.approx(0.5)


def test_ks_party_with_ideal_equal_disagreement_is_left_out():
    cs = single_move([[1, 2], [3, 2], [2, 2]], [0, 2])
    assert picked(cs, "ks") == {1}


def test_relative_tolerance_of_nash():
    """Products within a relative 1e-9 tie; a relative 1e-6 difference does not."""
    base = 0.123456789
    cs = single_move([[base, 1.0], [base * (1 + 1e-12), 1.0], [base * (1 - 1e-6), 1.0]], [0, 0])
    assert picked(cs, "nash") == {0, 1}


def test_empty_input():
    cs = single_move([[1, 1], [2, 2]], [5, 5])
    g = utility_grid(cs)
    for concept in ("welfare", "egalitarian", "nash", "ks"):
        choice = co.choose(concept, np.zeros((0, 2), dtype=np.int64), g)
        assert choice.rows.size == 0 and choice.objective is None
