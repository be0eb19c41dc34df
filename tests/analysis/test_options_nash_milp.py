"""Nash options by HiGHS (``options_report(method="milp")``: the log-tangent outer approximation of
:mod:`detente.analysis.milp_nash` plus the near-optimal and diversity rows), checked against an
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
    if out.method != "milp+log-tangents":
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
