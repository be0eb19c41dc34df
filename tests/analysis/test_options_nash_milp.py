"""Nash options by HiGHS (``options_report(method="milp")``: the log-tangent outer approximation of
:mod:`detente.analysis.methods.milp_nash` plus the near-optimal and diversity rows), checked against an
independent brute force (``itertools.product`` and the Nash score written out in test_options.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente.analysis.options import default_min_diff, options_report
from detente.model.compiled import CompiledScenario
from tests.analysis._instances import build, instances
from tests.analysis.test_options import allies, brute_scores, check_explanation, check_valid

NEAR = 0.8


def _distance(a: np.ndarray, b: np.ndarray) -> int:
    return int((np.asarray(a) != np.asarray(b)).sum())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cs=instances(max_parties=3, max_moves=5))
def test_nash_options_by_highs_meet_the_definition(cs: CompiledScenario) -> None:
    d = default_min_diff(cs)
    out = options_report(cs, concept="nash", k=3, near_optimal=NEAR, method="milp", time_limit=5)
    check_valid(cs, out, d)
    check_explanation(cs, out)
    acc, scores = brute_scores(cs, "nash")
    positive = [s for s in scores if s > 0]
    if not positive:
        assert out.found == 0 and out.shortfall
        return
    best = max(scores)
    assert out.options, out.shortfall
    # option 1 is the brute-force optimum (the geometric mean of the gains, to float precision)
    assert out.options[0].score == pytest.approx(best, rel=1e-9, abs=1e-12)
    # every option is ≥ NEAR × the exact best, and really has that score
    for o in out.options:
        assert o.score >= NEAR * best - 1e-9 * best
        j = acc.index(tuple(int(v) for v in o.array(cs)))
        assert o.score == pytest.approx(scores[j], rel=1e-9)
    u = cs.utilities(np.asarray(acc))
    every_party_gains = bool(np.all(u.max(axis=0) - cs.disagreement > 1e-9))
    # HiGHS answers whenever every party can gain (the product then runs over all parties)
    assert (out.method == "milp+log-tangents") == every_party_gains, out.method
    if not every_party_gains:
        return  # some party cannot gain strictly: handed to CP-SAT (checked in test_options.py)
    assert out.optimal
    # fewer than k and complete: no qualifying package is ≥ d moves away from every option found
    if out.found < out.k:
        assert out.complete, out.shortfall
        chosen = [o.array(cs) for o in out.options]
        for p, s in zip(acc, scores, strict=True):
            if s >= NEAR * best - 1e-9 * best:
                assert any(_distance(p, c) < d for c in chosen), (p, s)


def test_nash_options_by_highs_on_the_fixture_match_enumeration() -> None:
    cs = allies()
    a = options_report(cs, concept="nash", k=3, near_optimal=0.5, method="enumeration")
    b = options_report(cs, concept="nash", k=3, near_optimal=0.5, method="milp", time_limit=5)
    assert b.options[0].score == pytest.approx(a.options[0].score, rel=1e-12)
    assert b.found == a.found
    assert b.optimal


def test_interchangeable_options_count_as_different_moves() -> None:
    # two options with identical values on every move: the HiGHS Nash loop merges such twins when it
    # solves, but options must tell them apart (they are different moves)
    row = [[0.0, 0.0], [2.0, 1.0], [2.0, 1.0]]
    cs = build([row, [[0.0, 0.0], [1.0, 2.0], [1.0, 2.0]]], [0.0, 0.0])
    out = options_report(cs, concept="nash", k=4, near_optimal=0.99, min_diff_moves=1, method="milp")
    assert out.method == "milp+log-tangents"
    assert out.found == 4 and out.complete is False or out.found == 4
    assert len({tuple(o.array(cs)) for o in out.options}) == 4


def _genius(n_moves: int, n_parties: int, seed: int) -> CompiledScenario:
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        from instances import genius_like
    finally:
        sys.path.remove(str(bench))
    return genius_like(n_moves, n_parties, decimals=12, seed=seed, percent=True)


def test_real_valued_nash_options_by_highs_are_valid_proven_and_deterministic() -> None:
    """60 yes/no issues × 4 parties, 12-decimal weights (too large to enumerate: ``auto`` uses HiGHS):
    ten options, option 1 the proven optimum of the Nash solve, each ≥ 90 % of it and ≥ M/8 moves from
    every other; the same answer twice (deterministic work limits)."""
    from detente.analysis.methods.milp_nash import solve_nash_milp

    cs = _genius(60, 4, seed=5)
    out = options_report(cs, concept="nash", k=10, time_limit=15)
    assert out.method == "milp+log-tangents" and out.optimal and out.found == 10
    check_valid(cs, out, default_min_diff(cs))
    ref = solve_nash_milp(cs, time_limit=15)
    assert ref is not None and ref.optimal
    g = cs.utilities(np.asarray(ref.packages[0].choices)) - cs.disagreement
    best = float(np.exp(np.dot(cs.weight, np.log(g)) / cs.weight.sum()))
    assert out.options[0].score == pytest.approx(best, rel=1e-12)
    assert all(o.score >= 0.9 * best * (1 - 1e-12) for o in out.options)
    again = options_report(cs, concept="nash", k=10, time_limit=15)
    assert [o.choices for o in again.options] == [o.choices for o in out.options]


def test_an_unproven_first_option_comes_from_the_exact_solver_with_its_gap() -> None:
    """Egalitarian on a random 120 × 6 scenario with rules and a 1-unit budget: the exact solver's
    share runs out before its proof, so option 1 is its best package (not solved again), marked not
    proven, with the gap to the solver's bound; the other options are still valid."""
    import sys
    from pathlib import Path

    from detente.analysis.methods.milp import solve_milp
    from detente.analysis.options import FIRST_SHARE

    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        from bench_options import random_scenario
    finally:
        sys.path.remove(str(bench))
    cs = random_scenario(120, 6, seed=2)
    out = options_report(cs, concept="egalitarian", k=4, time_limit=1.0)
    ref = solve_milp(cs, "egalitarian", time_limit=FIRST_SHARE * 1.0)
    assert not ref.optimal and ref.gap is not None and ref.gap > 0  # the instance is hard enough
    assert out.method == "milp" and not out.optimal and out.found == 4
    check_valid(cs, out, default_min_diff(cs))
    first = out.options[0]
    assert first.choices == cs.choices_to_ids(np.asarray(ref.packages[0].choices))
    assert out.best_score == pytest.approx(ref.objective, rel=1e-12)
    assert out.gap == pytest.approx(ref.gap, rel=1e-9)
    assert out.best_bound is not None and out.best_bound >= max(o.score for o in out.options)
    share = 0.9 * out.best_score / out.best_bound  # what each option is guaranteed of the optimum
    assert any(f"{share:.2%} of the optimum" in n for n in out.notes), out.notes
