"""frontier_cpsat against the brute-force Pareto frontier of small random scenarios."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from detente.analysis.methods.cpsat_frontier import frontier_cpsat
from detente.model.compiled import CompiledScenario
from tests.analysis._oracle import acceptable_packages, scenarios
from tests.analysis.methods.test_cpsat import SETTINGS


def brute_frontier(cs: CompiledScenario) -> set[tuple[int, ...]]:
    """Nondominated utility vectors (×10, integers) of the acceptable packages, by pairwise comparison."""
    _, u, _ = acceptable_packages(cs)
    vectors = {tuple(int(v) for v in row) for row in u}
    return {
        a
        for a in vectors
        if not any(b != a and all(y >= x for x, y in zip(a, b, strict=True)) for b in vectors)
    }


def check(cs: CompiledScenario) -> None:
    expected = brute_frontier(cs)
    result = frontier_cpsat(cs)
    assert result.exact and not result.truncated
    got = [tuple(int(v) for v in np.rint(p.utilities * 10)) for p in result.packages]
    assert len(got) == len(set(got))  # one package per frontier point
    assert set(got) == expected
    for p in result.packages:
        assert cs.acceptable(p.choices)[0]
        np.testing.assert_allclose(p.utilities, cs.utilities(p.choices))


@SETTINGS
@given(cs=scenarios(max_parties=2, max_moves=5))
def test_two_party_sweep_matches_brute_force(cs: CompiledScenario) -> None:
    check(cs)


@SETTINGS
@given(cs=scenarios(max_parties=4, max_moves=4))
def test_many_party_search_matches_brute_force(cs: CompiledScenario) -> None:
    check(cs)


@SETTINGS
@given(cs=scenarios(max_parties=3, max_moves=5))
def test_budget_truncates_with_nondominated_points(cs: CompiledScenario) -> None:
    expected = brute_frontier(cs)
    result = frontier_cpsat(cs, budget=2)
    got = {tuple(int(v) for v in np.rint(p.utilities * 10)) for p in result.packages}
    assert got <= expected
    # the budget counts points, but every party's extreme point is always listed
    assert min(2, len(expected)) <= len(got) <= 2 + cs.n_parties
    if len(expected) > len(got):
        assert result.truncated and not result.exact
    if not result.truncated:
        assert result.exact and len(got) == len(expected)
    for i in range(cs.n_parties):  # each party's best utility on the frontier is among the points
        if expected:
            assert max(g[i] for g in got) == max(e[i] for e in expected)
