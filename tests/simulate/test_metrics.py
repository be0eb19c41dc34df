"""Distances of an agreement, checked against an independent brute force over all packages."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from detente.simulate.metrics import distance_to_nash, nash_point, pareto_gap, scaled


def brute_gap(cs, a) -> float:
    """max Σ_i (ũ_i(p) − ũ_i(a)) over every rule-abiding package p that makes nobody worse off."""
    every = np.array(list(itertools.product(*[range(int(n)) for n in cs.n_options])))
    ok = cs.feasible(every)
    u = cs.utilities(every[ok])
    ua = cs.utilities(a)
    dominating = np.all(u >= ua - 1e-12, axis=1)
    gains = scaled(cs, u[dominating]) - scaled(cs, ua)
    return float(gains.sum(axis=1).max())


def test_pareto_gap_matches_brute_force(three_party) -> None:
    every = np.array(list(itertools.product(*[range(int(n)) for n in three_party.n_options])))
    acceptable = every[three_party.acceptable(every)]
    for a in acceptable:
        gap = pareto_gap(three_party, a)
        assert gap.proven
        assert gap.gap == pytest.approx(brute_gap(three_party, a), abs=1e-3)


def test_nash_package_has_no_gap_and_no_distance(three_party) -> None:
    nash = nash_point(three_party)
    assert nash.choices is not None
    assert pareto_gap(three_party, nash.choices).gap == pytest.approx(0.0, abs=1e-9)
    assert distance_to_nash(three_party, nash.utilities) == 0.0


def test_scale(three_party) -> None:
    s = scaled(three_party, three_party.reservation)
    assert np.allclose(s, 0.0)
