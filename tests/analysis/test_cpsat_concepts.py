"""solve_cpsat against brute force over every package of small random scenarios.

The reference answers are computed here from first principles: every package (itertools.product),
utilities and acceptability from the compiled model, and each concept's definition in exact integer /
fraction arithmetic (values are multiples of 1/10, so utilities ×10 are integers).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis import cpsat_concepts
from detente.analysis.cpsat_concepts import solve_cpsat
from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw: Any, max_parties: int = 3, max_moves: int = 4) -> CompiledScenario:
    """A small random scenario: values and reservations in tenths, random red lines and rules."""
    n_parties = draw(st.integers(1, max_parties))
    n_moves = draw(st.integers(1, max_moves))
    tenths = st.integers(-50, 50).map(lambda v: v / 10)
    parties = [f"p{i}" for i in range(n_parties)]
    moves = []
    for k in range(n_moves):
        n_opt = draw(st.integers(2, 3))
        options = [
            {"id": f"o{j}", "values": {p: draw(tenths) for p in parties if draw(st.booleans())}}
            for j in range(n_opt)
        ]
        moves.append(
            {
                "id": f"m{k}",
                "name": f"Move {k}",
                "owner": draw(st.sampled_from(parties)),
                "category": draw(st.sampled_from(["a", "b"])),
                "options": options,
                "requires": [],
                "excludes": [],
            }
        )
    refs = [f"m{k}" for k in range(n_moves)] + [f"m{k}:o{j}" for k in range(n_moves) for j in range(1, 2)]
    constraints: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["requires", "refuses", "count", "prereq", "excludes"]))
        if kind in ("requires", "refuses"):
            chosen = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=2, unique=True))
            constraints.append({"type": "red_line", "party": draw(st.sampled_from(parties)), kind: chosen})
        elif kind == "count":
            chosen = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True))
            constraints.append({"type": "count", "refs": chosen, "max": draw(st.integers(0, 2))})
        elif n_moves >= 2:
            a, b = sorted(draw(st.lists(st.integers(0, n_moves - 1), min_size=2, max_size=2, unique=True)))
            moves[b]["requires" if kind == "prereq" else "excludes"].append(f"m{a}")
    data = {
        "meta": {"title": "random"},
        "parties": [
            {
                "id": p,
                "name": p.upper(),
                "reservation": draw(st.integers(-40, 20)) / 10,
                **({"disagreement": draw(st.integers(-40, 20)) / 10} if draw(st.booleans()) else {}),
            }
            for p in parties
        ],
        "moves": moves,
        "constraints": constraints,
    }
    return compile_scenario(Scenario.model_validate(data))


def acceptable_packages(cs: CompiledScenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every acceptable package, its integer utilities ×10 and integer disagreement points ×10."""
    every = np.asarray(list(itertools.product(*(range(int(n)) for n in cs.n_options))), dtype=np.int64)
    ok = cs.acceptable(every)
    pk = every[ok]
    u10 = np.rint(cs.utilities(pk) * 10).astype(np.int64) if len(pk) else np.zeros((0, cs.n_parties), int)
    return pk, u10, np.rint(cs.disagreement * 10).astype(np.int64)


def brute_force(cs: CompiledScenario, concept: str) -> tuple[float | None, set[tuple[int, ...]]]:
    """(optimal objective, set of tied packages) by definition (as in detente.analysis.concepts), in
    exact arithmetic. S = the parties that can gain (ideal_i > d_i); Nash multiplies the gains of S over
    packages with g_i > 0 on S and g_i ≥ 0 for all; with S empty every package ties at 1 (KS, Nash)."""
    pk, u, d = acceptable_packages(cs)
    if len(pk) == 0:
        return None, set()
    g = u - d
    S = [i for i in range(cs.n_parties) if u[:, i].max() - d[i] > 0]
    if concept == "nash":
        keep = np.all(g >= 0, axis=1) & np.all(g[:, S] > 0, axis=1)
        pk, g = pk[keep], g[keep]
        if len(pk) == 0:
            return None, set()
    every = {tuple(int(v) for v in row) for row in pk}
    if concept in ("nash", "ks") and not S:
        return 1.0, every
    if concept == "welfare":
        score: list[Any] = [int(v) for v in u.sum(axis=1)]
    elif concept == "egalitarian":
        score = [tuple(sorted(int(v) for v in row)) for row in g]  # leximin: compare sorted vectors
    elif concept == "nash":
        score = [math.prod(int(row[i]) for i in S) for row in g]
    else:
        span = u.max(axis=0) - d
        score = [min(Fraction(int(row[i]), int(span[i])) for i in S) for row in g]
    best = max(score)
    ties = {tuple(int(v) for v in pk[n]) for n, sc in enumerate(score) if sc == best}
    objective = {
        "welfare": lambda: best / 10,
        "egalitarian": lambda: best[0] / 10,
        "nash": lambda: best / 10 ** len(S),
        "ks": lambda: float(best),
    }[concept]()
    return objective, ties


@pytest.mark.parametrize("concept", ["welfare", "egalitarian", "ks", "nash"])
@SETTINGS
@given(cs=scenarios())
def test_matches_brute_force(concept: str, cs: CompiledScenario) -> None:
    best, ties = brute_force(cs, concept)
    result = solve_cpsat(cs, concept, tie_limit=1000)
    assert result.optimal
    got = {tuple(int(v) for v in p.choices) for p in result.packages}
    assert got == ties
    if best is None:
        assert result.packages == [] and result.objective is None
        return
    assert result.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    for p in result.packages:  # each package's utilities are its true utilities
        np.testing.assert_allclose(p.utilities, cs.utilities(p.choices))


@SETTINGS
@given(cs=scenarios(max_parties=2, max_moves=5))
def test_tie_limit_caps_the_list_and_says_so(cs: CompiledScenario) -> None:
    _, ties = brute_force(cs, "welfare")
    result = solve_cpsat(cs, "welfare", tie_limit=1)
    assert len(result.packages) == min(1, len(ties))
    assert result.packages == [] or tuple(result.packages[0].choices) in ties
    assert any("capped" in n for n in result.notes) == (len(ties) > 1)


def test_unknown_concept_is_a_clear_error() -> None:
    data = {
        "meta": {"title": "t"},
        "parties": [{"id": "a", "name": "A"}],
        "moves": [
            {
                "id": "m",
                "name": "M",
                "owner": "a",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"a": 1}}],
            }
        ],
    }
    cs = compile_scenario(Scenario.model_validate(data))
    with pytest.raises(DetenteError, match="unknown solution concept"):
        solve_cpsat(cs, "utilitarian")
    assert solve_cpsat(cs, "nash").packages[0].utilities[0] == 1.0


def medium_scenario(seed: int, n_moves: int = 12, n_parties: int = 3) -> CompiledScenario:
    """Yes/no moves with wider utility ranges (so the Nash tangent grid has many points)."""
    rng = np.random.default_rng(seed)
    parties = [f"p{i}" for i in range(n_parties)]
    moves = []
    for k in range(n_moves):
        values = {p: int(v) / 10 for p, v in zip(parties, rng.integers(-300, 600, n_parties), strict=True)}
        moves.append(
            {
                "id": f"m{k}",
                "name": f"M{k}",
                "owner": parties[k % n_parties],
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": values}],
                "excludes": [f"m{k - 1}"] if k % 5 == 4 else [],
            }
        )
    data = {
        "meta": {"title": "medium"},
        "moves": moves,
        "parties": [{"id": p, "name": p, "reservation": float(rng.integers(-50, 50))} for p in parties],
    }
    return compile_scenario(Scenario.model_validate(data))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("concept", ["nash", "egalitarian", "ks"])
def test_medium_instances_match_brute_force(concept: str, seed: int) -> None:
    cs = medium_scenario(seed)
    best, ties = brute_force(cs, concept)
    result = solve_cpsat(cs, concept)
    assert result.optimal
    assert {tuple(int(v) for v in p.choices) for p in result.packages} == ties
    assert best is not None and result.objective is not None


def test_rounded_values_are_not_claimed_optimal() -> None:
    data = {
        "meta": {"title": "thirds"},
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "moves": [
            {
                "id": "m",
                "name": "M",
                "owner": "a",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"a": 1 / 3, "b": 2 / 3}}],
            }
        ],
    }
    cs = compile_scenario(Scenario.model_validate(data))
    for concept in ("welfare", "egalitarian", "nash", "ks"):
        result = solve_cpsat(cs, concept)
        assert not result.optimal
        assert any("rounded" in n for n in result.notes)
        assert [tuple(p.choices) for p in result.packages] == [(1,)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_leximin_with_ordered_sums_matches_brute_force(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # force the auxiliary-variable formulation used when parties are too many for explicit subsets
    monkeypatch.setattr(cpsat_concepts, "LEXIMIN_SUBSETS", 0)
    cs = medium_scenario(seed, n_parties=4)
    _, ties = brute_force(cs, "egalitarian")
    result = solve_cpsat(cs, "egalitarian")
    assert result.optimal
    assert {tuple(int(v) for v in p.choices) for p in result.packages} == ties


@pytest.mark.parametrize("concept", ["welfare", "egalitarian", "ks", "nash"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=scenarios())
def test_agrees_with_enumeration(concept: str, cs: CompiledScenario) -> None:
    """Same tied packages and objective as the enumeration method of detente.analysis.solve."""
    from detente.analysis.solve import solve

    ours = solve_cpsat(cs, concept, tie_limit=1000)
    theirs = solve(cs, concept, method="enumeration")
    assert {tuple(p.choices) for p in ours.packages} == {tuple(p.choices) for p in theirs.packages}
    if ours.packages:  # (with no package, enumeration may still report the degenerate objective 1)
        assert theirs.objective is not None
        assert ours.objective == pytest.approx(theirs.objective, rel=1e-9, abs=1e-9)
