"""Options for principals: acceptable, near-optimal, pairwise different, explained consistently.

Checked against an independent brute force (``itertools.product`` + textbook score formulas written
out here) on small random scenarios, for both engines (enumeration and CP-SAT).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente.analysis.options import default_min_diff, options, options_report
from detente.errors import DetenteError
from detente.io.loader import load_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from tests.analysis._instances import build, instances
from tests.conftest import FIXTURES

ALLIES = FIXTURES / "analysis" / "allies.yaml"
CONCEPTS = ("nash", "ks", "egalitarian", "welfare")


def allies() -> CompiledScenario:
    return compile_scenario(load_scenario(ALLIES))


def brute_scores(cs: CompiledScenario, concept: str) -> tuple[list[tuple[int, ...]], list[float]]:
    """Acceptable packages and their scores, by the definitions in the options module docstring."""
    pkgs = list(itertools.product(*[range(int(n)) for n in cs.n_options]))
    ok = cs.acceptable(np.asarray(pkgs))
    acc = [p for p, good in zip(pkgs, ok, strict=True) if good]
    if not acc:
        return [], []
    u = [
        [
            sum(float(cs.values[cs.offsets[k] + p[k], i]) for k in range(cs.n_moves))
            for i in range(cs.n_parties)
        ]
        for p in acc
    ]
    d = [float(x) for x in cs.disagreement]
    ideal = [max(row[i] for row in u) for i in range(cs.n_parties)]
    scores = []
    for row in u:
        g = [row[i] - d[i] for i in range(cs.n_parties)]
        if concept == "welfare":
            scores.append(sum(g))
        elif concept == "egalitarian":
            scores.append(min(g))
        elif concept == "nash":
            can = [i for i in range(cs.n_parties) if ideal[i] - d[i] > 1e-9]
            valid = bool(can) and all(g[i] > 0 for i in can) and all(x >= -1e-9 for x in g)
            scores.append(math.prod(g[i] for i in can) ** (1 / len(can)) if valid else 0.0)
        else:
            can = [i for i in range(cs.n_parties) if ideal[i] - d[i] > 1e-12]
            scores.append(min(g[i] / (ideal[i] - d[i]) for i in can) if can else 0.0)
    return acc, scores


def brute_greedy(cs: CompiledScenario, concept: str, k: int, d: int, near: float) -> list[float]:
    """Scores of the greedy diverse selection (best first, each ≥ d moves from all earlier)."""
    acc, scores = brute_scores(cs, concept)
    if not acc:
        return []
    best = max(scores)
    thr = best - (1 - near) * abs(best) - 1e-9
    order = sorted(range(len(acc)), key=lambda j: -scores[j])
    chosen: list[int] = []
    for j in order:
        if scores[j] < thr or len(chosen) == k:
            break
        if all(sum(a != b for a, b in zip(acc[j], acc[c], strict=True)) >= d for c in chosen):
            chosen.append(j)
    return [scores[j] for j in chosen]


def check_valid(cs: CompiledScenario, out, d: int) -> None:  # type: ignore[no-untyped-def]
    arr = (
        np.vstack([o.array(cs) for o in out.options]) if out.options else np.zeros((0, cs.n_moves), dtype=int)
    )
    assert cs.acceptable(arr).all() if len(arr) else True
    for a, b in itertools.combinations(range(len(arr)), 2):
        assert int((arr[a] != arr[b]).sum()) >= d
    for o in out.options:
        assert o.score >= out.threshold - 1e-9 * max(1.0, abs(out.best_score))
    assert [o.score for o in out.options] == sorted((o.score for o in out.options), reverse=True)
    assert [o.rank for o in out.options] == list(range(1, len(out.options) + 1))
    if out.found < out.k:
        assert out.shortfall


def check_explanation(cs: CompiledScenario, out) -> None:  # type: ignore[no-untyped-def]
    for o in out.options:
        c = o.array(cs)
        u = cs.utilities(c)
        for i, view in enumerate(o.parties):
            assert view.party == cs.party_ids[i]
            assert view.utility == pytest.approx(float(u[i]))
            assert view.margin == pytest.approx(float(u[i] - cs.reservation[i]))
            assert o.margins[view.party] == pytest.approx(view.margin)
            own_moved = {
                cs.move_ids[k] for k in range(cs.n_moves) if cs.owner[k] == i and c[k] != cs.status_quo[k]
            }
            gives = [it for items in view.gives.values() for it in items]
            gets = [it for items in view.gets.values() for it in items]
            assert {it.move for it in gives} == own_moved
            for it in gives + gets:
                k = cs.move_index(it.move)
                assert it.pillar == cs.category[k]
                assert it.option == cs.option_ids[k][c[k]]
                sq = cs.offsets[k] + cs.status_quo[k]
                assert it.value == pytest.approx(float(cs.values[cs.offsets[k] + c[k], i] - cs.values[sq, i]))
            for it in gets:
                assert it.owner != view.party and it.value > 0
        for r, moves in o.differs_from.items():
            other = out.options[int(r) - 1].array(cs)
            assert set(moves) == {cs.move_ids[k] for k in np.flatnonzero(other != c)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=3, max_moves=5))
def test_enumeration_is_the_exact_greedy_selection(cs: CompiledScenario) -> None:
    for concept in CONCEPTS:
        out = options_report(cs, concept=concept, k=4, near_optimal=0.7, method="enumeration")
        d = default_min_diff(cs)
        check_valid(cs, out, d)
        check_explanation(cs, out)
        expected = brute_greedy(cs, concept, 4, d, 0.7)
        assert [o.score for o in out.options] == pytest.approx(expected)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=3, max_moves=4))
def test_cpsat_options_are_valid_and_start_at_the_optimum(cs: CompiledScenario) -> None:
    for concept in ("nash", "welfare", "egalitarian", "ks"):
        out = options_report(cs, concept=concept, k=3, near_optimal=0.8, method="cp-sat", time_limit=5)
        check_valid(cs, out, default_min_diff(cs))
        _, scores = brute_scores(cs, concept)
        if concept == "nash":
            scores = [s for s in scores if s > 0]
        if not scores:
            assert out.found == 0 and out.shortfall
            continue
        assert out.options, out.shortfall
        assert out.options[0].score == pytest.approx(max(scores), rel=2e-3, abs=1e-3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=3, max_moves=5))
def test_milp_options_are_valid_start_at_the_optimum_and_stop_only_when_none_is_left(
    cs: CompiledScenario,
) -> None:
    d = default_min_diff(cs)
    for concept in ("welfare", "egalitarian", "ks"):
        out = options_report(cs, concept=concept, k=3, near_optimal=0.8, method="milp", time_limit=5)
        check_valid(cs, out, d)
        acc, scores = brute_scores(cs, concept)
        if not scores:
            assert out.found == 0 and out.shortfall
            continue
        assert out.options, out.shortfall
        assert out.options[0].score == pytest.approx(max(scores), rel=1e-9, abs=1e-9)
        if out.found < out.k:  # the search says it is complete: no further diverse near-optimal package
            assert out.complete, out.shortfall
            chosen = [o.array(cs) for o in out.options]
            thr = out.threshold - 1e-9 * max(1.0, abs(out.best_score))
            for p, score in zip(acc, scores, strict=True):
                if score >= thr:
                    assert any(int((np.asarray(p) != c).sum()) < d for c in chosen), (p, score)


def test_allies_fixture_by_hand() -> None:
    cs = allies()
    # welfare (Σ u − Σ d with d = 0): everything but full relief (US red line) and the worse relief level:
    # freeze 5 + dismantle 2 + partial relief 3 + projects 3 + exercises 1 + liaison 3 = 17
    out = options_report(cs, concept="welfare", k=2, min_diff_moves=2)
    assert out.options[0].score == pytest.approx(17.0)
    assert out.options[0].utilities == {"US": 7.0, "ROK": 10.0, "KP": 0.0}
    assert out.options[0].share_of_optimum == pytest.approx(1.0)
    # US gives partial relief, exercises and liaison; gets the freeze and dismantlement
    us = out.options[0].parties[0]
    assert sorted(it.move for items in us.gives.values() for it in items) == [
        "liaison",
        "us-exercises",
        "us-relief",
    ]
    assert sorted(it.move for items in us.gets.values() for it in items) == ["kp-dismantle", "kp-freeze"]
    assert set(us.gives) == {"economy", "security", "diplomacy"}


def test_same_options_from_both_engines_on_the_fixture() -> None:
    cs = allies()
    for concept in CONCEPTS:
        a = options_report(cs, concept=concept, k=3, near_optimal=0.5, method="enumeration")
        b = options_report(cs, concept=concept, k=3, near_optimal=0.5, method="cp-sat", time_limit=5)
        assert [o.score for o in a.options] == pytest.approx([o.score for o in b.options], rel=1e-3)
        assert a.optimal and a.complete


def test_pillar_diversity() -> None:
    cs = allies()
    out = options_report(cs, concept="welfare", k=3, pillar="economy", near_optimal=0.5)
    econ = [k for k in range(cs.n_moves) if cs.category[k] == "economy"]
    arrs = [o.array(cs) for o in out.options]
    assert len(arrs) >= 2
    for a, b in itertools.combinations(arrs, 2):
        assert (a[econ] != b[econ]).sum() >= 1
    assert out.min_diff_moves == 1 and out.pillar == "economy"


def test_fewer_than_k_says_why() -> None:
    out = options_report(allies(), concept="nash", k=10, near_optimal=0.95)
    assert out.found < 10
    assert "proven" in (out.shortfall or "")
    assert len(options(allies(), concept="nash", k=10, near_optimal=0.95)) == out.found


def test_bad_requests_are_clear_errors() -> None:
    cs = allies()
    with pytest.raises(DetenteError, match="pillar"):
        options_report(cs, pillar="economics")
    with pytest.raises(DetenteError, match="min_diff_moves"):
        options_report(cs, min_diff_moves=99)
    with pytest.raises(DetenteError, match="concept"):
        options_report(cs, concept="utilitarian")


def test_nash_leaves_out_a_party_that_cannot_gain() -> None:
    # p2 values nothing: it cannot gain, so (as in detente.analysis.concepts) it is left out of the product
    cs = build(
        [[[0, 0, 0], [3, -1, 0]], [[0, 0, 0], [-1, 3, 0]], [[0, 0, 0], [1, 1, 0], [2, -1, 0]]],
        [0, 0, 0],
    )
    a = options_report(cs, concept="nash", k=2, near_optimal=0.5, method="enumeration")
    b = options_report(cs, concept="nash", k=2, near_optimal=0.5, method="cp-sat", time_limit=5)
    _, scores = brute_scores(cs, "nash")
    assert a.options[0].score == pytest.approx(max(scores))
    assert b.options[0].score == pytest.approx(max(scores))
    assert any("p2 cannot gain" in n for n in b.notes)
