"""The one method policy: ``auto`` never starts a computation that cannot finish in its budget."""

from __future__ import annotations

import numpy as np
import pytest

from detente.analysis import dispatch
from detente.analysis import solve as sv
from detente.analysis.methods.dp import dp_frontier
from tests.analysis._instances import build


def _random(n_parties: int, n_moves: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    values = [
        [[0.0] * n_parties, [float(v) for v in np.round(rng.uniform(-1, 3, n_parties), 1)]]
        for _ in range(n_moves)
    ]
    return build(values, [0.0] * n_parties)


def test_six_parties_thirty_moves_never_start_the_dp():
    cs = _random(6, 30)
    assert cs.n_outcomes > dispatch.AUTO_ENUMERATION_OUTCOMES
    assert dispatch.choose_method(cs, "egalitarian").method == "milp"
    assert dispatch.choose_method(cs, "nash").method == "milp"
    assert dispatch.choose_method(cs, "frontier").method == "cp-sat"
    r = sv.solve(cs, "egalitarian")
    assert r.method.startswith("milp") and r.optimal


def test_few_parties_use_the_dp_within_its_budget(monkeypatch):
    cs = _random(2, 24)
    assert dispatch.choose_method(cs, "welfare").method == "dp"
    assert sv.solve(cs, "welfare").method == "dp"
    # a state budget too small for this frontier: the DP stops at once and auto falls back
    monkeypatch.setattr(dispatch, "DP_AUTO_STATE_LIMIT", 4)
    assert dp_frontier(cs, state_limit=4) is None
    r = sv.solve_all(cs, concepts=("welfare", "nash"))
    assert r["welfare"].method == "milp" and r["welfare"].optimal
    assert r["nash"].method.startswith("milp") and r["nash"].optimal


def test_every_threshold_is_defined_once():
    from detente.analysis import enumerate as en
    from detente.analysis import options
    from detente.analysis.methods import dp as fr

    assert en.ENUMERATION_LIMIT is dispatch.ENUMERATION_LIMIT
    assert fr.COMPONENT_LIMIT == dispatch.DP_COMPONENT_LIMIT and fr.STATE_LIMIT == dispatch.DP_STATE_LIMIT
    assert not hasattr(options, "ENUMERATION_LIMIT")
    assert not hasattr(sv, "AUTO_ENUMERATION_THRESHOLD")  # one name per threshold


@pytest.mark.parametrize("concept", ["welfare", "egalitarian", "ks", "nash"])
def test_milp_and_cpsat_agree_beyond_enumeration(concept):
    cs = _random(4, 24, seed=3)
    a = sv.solve(cs, concept, method="milp")
    b = sv.solve(cs, concept, method="cp-sat")
    assert a.optimal and b.optimal
    assert a.objective == pytest.approx(b.objective, rel=1e-9, abs=1e-9)
    assert {tuple(p.choices) for p in a.packages} == {tuple(p.choices) for p in b.packages}


def test_every_method_has_one_backend() -> None:
    """One vocabulary: every ``method=`` but auto is a backend implementing the one protocol."""
    from detente.analysis.methods import BACKENDS, Backend

    assert set(BACKENDS) == set(dispatch.METHODS) - {"auto"}
    for name, b in BACKENDS.items():
        assert b.name == name
        assert isinstance(b, Backend)
