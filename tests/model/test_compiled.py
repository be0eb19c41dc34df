"""The compiled model: utilities, constraints and attributes match hand computation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.io.loader import load_scenario, parse_scenario
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return compile_scenario(load_scenario(FIXTURES / "scenarios" / "minimal.yaml"))


def test_layout(cs) -> None:  # type: ignore[no-untyped-def]
    assert cs.party_ids == ("A", "B")
    assert cs.move_ids == ("freeze", "relief")
    assert cs.n_options.tolist() == [2, 3]
    assert cs.offsets.tolist() == [0, 2, 5]
    assert cs.option_move.tolist() == [0, 0, 1, 1, 1]
    assert cs.n_outcomes == 6
    assert cs.option_index("relief", "full") == 4
    assert cs.resolve("relief") == (3, 4)  # every option but the status quo
    assert cs.resolve("relief:partial") == (3,)
    assert cs.option_name(4) == "relief:full"


def test_utilities_by_hand(cs) -> None:  # type: ignore[no-untyped-def]
    # freeze yes (A -3, B +5) + relief partial (A +2, B -1)
    assert cs.utilities(np.array([1, 1])).tolist() == [-1.0, 4.0]
    all_packages = np.array(list(itertools.product(range(2), range(3))))
    u = cs.utilities(all_packages)
    assert u.shape == (6, 2)
    assert u[all_packages.tolist().index([1, 2])].tolist() == [1.0, 2.0]


def test_uncertainty_ranges(cs) -> None:  # type: ignore[no-untyped-def]
    o = cs.option_index("relief", "partial")
    assert (cs.values_low[o, 0], cs.values[o, 0], cs.values_high[o, 0]) == (1.0, 2.0, 3.0)
    assert cs.values_low[o, 1] == cs.values_high[o, 1] == -1.0


def test_constraints_by_hand(cs) -> None:  # type: ignore[no-untyped-def]
    kinds = [c.kind for c in cs.constraints]
    assert kinds == ["prerequisite", "red_line", "min_content"]
    packages = np.array(list(itertools.product(range(2), range(3))))
    feasible = {tuple(p) for p, ok in zip(packages.tolist(), cs.feasible(packages), strict=True) if ok}
    # relief needs the freeze; B refuses full relief; at least one security move (the freeze)
    assert feasible == {(1, 0), (1, 1)}
    # acceptable adds u_A >= 0 and u_B >= 1: (1,0) gives A -3; (1,1) gives A -1 → none acceptable
    assert not cs.acceptable(packages).any()
    red = cs.constraints[1]
    assert red.party == 1 and "Party B red line: refuses" in red.label and "no full relief yet" in red.label


def test_attributes(cs) -> None:  # type: ignore[no-untyped-def]
    assert cs.reversible.tolist() == [True, False]
    assert cs.reversal_lead_days[0] == 30 and np.isnan(cs.reversal_lead_days[1])
    assert cs.verification_lead_days.tolist() == [60, 0]
    assert cs.expires_after_days[1] == 180 and np.isinf(cs.expires_after_days[0])
    assert cs.requires_moves == ((), (0,))
    assert cs.disagreement.tolist() == cs.reservation.tolist() == [0, 1]


def test_genius_weights_normalise_per_issue() -> None:
    cs = compile_scenario(load_scenario(FIXTURES / "scenarios" / "genius-style.yaml"))
    # price: buyer 0.75 * (10/10, 5/10); seller 0.25 * (2/8, 8/8)
    assert cs.values[:2, 0].tolist() == [0.75, 0.375]
    assert cs.values[:2, 1].tolist() == [0.0625, 0.25]
    # low price + slow delivery: buyer 0.75 + 0.25·(1/4); seller 0.25·(2/8) + 0.75·(4/4)
    assert cs.utilities(np.array([0, 1])).tolist() == [0.8125, 0.8125]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-5, 5), min_size=2, max_size=3), min_size=1, max_size=4), st.data())
def test_utilities_match_direct_sum(option_values, data) -> None:  # type: ignore[no-untyped-def]
    moves = []
    for k, opts in enumerate(option_values):
        options = ", ".join(f"{{id: o{j}, values: {{P: {v}, Q: {-v}}}}}" for j, v in enumerate(opts))
        moves.append(f"  - {{id: m{k}, name: M{k}, owner: P, category: c, options: [{options}]}}")
    text = "meta: {title: t}\nparties: [{id: P, name: P}, {id: Q, name: Q}]\nmoves:\n" + "\n".join(moves)
    cs = compile_scenario(parse_scenario(text))
    choice = [data.draw(st.integers(0, len(o) - 1)) for o in option_values]
    expected = sum(option_values[k][j] for k, j in enumerate(choice))
    assert cs.utilities(np.array(choice)).tolist() == [expected, -expected]
    assert cs.choices_from_ids(cs.choices_to_ids(np.array(choice))).tolist() == choice
