"""The solve/frontier dispatcher: methods agree with each other and with brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from detente.analysis import dispatch
from detente.analysis import solve as sv
from detente.analysis.methods._exact import NO_DEAL_NOTE
from detente.analysis.methods.dp import KS_FRONTIER_NOTE
from detente.analysis.results import CONCEPTS
from detente.errors import DetenteError
from detente.io.genius_import import import_genius
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.analysis._instances import brute_acceptable, brute_concept, brute_frontier, build, instances
from tests.conftest import requires_shared

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def choice_set(result) -> set[tuple[int, ...]]:
    return {tuple(p.choices.tolist()) for p in result.packages}


@FAST
@given(instances())
def test_dp_and_enumeration_agree(cs):
    by_enum = sv.solve_all(cs, method="enumeration")
    by_dp = sv.solve_all(cs, method="dp")
    for concept in ("welfare", "egalitarian", "nash"):
        assert choice_set(by_enum[concept]) == choice_set(by_dp[concept]) == brute_concept(cs, concept)
        assert by_enum[concept].objective == pytest.approx(by_dp[concept].objective)
    # KS on the frontier lists the Pareto-optimal ties only (and says so)
    assert choice_set(by_dp["ks"]) <= choice_set(by_enum["ks"]) == brute_concept(cs, "ks")
    if by_dp["ks"].packages:
        assert KS_FRONTIER_NOTE in by_dp["ks"].notes


@FAST
@given(instances())
def test_solve_single_concept_and_result_fields(cs):
    for concept in CONCEPTS:
        for method in ("enumeration", "dp", "auto"):
            r = sv.solve(cs, concept, method=method)
            assert r.concept == concept and r.optimal and r.gap == 0.0 and r.seconds >= 0
            assert r.method == ("enumeration" if method == "auto" else method)
            for p in r.packages:
                assert cs.acceptable(p.choices)[0]
                np.testing.assert_allclose(p.utilities, cs.utilities(p.choices))


@FAST
@given(instances())
def test_frontier_methods_match_brute_force(cs):
    expected = brute_frontier(cs)
    for method in ("enumeration", "dp", "auto"):
        fr = sv.frontier(cs, method=method)
        assert fr.exact and not fr.truncated
        assert choice_set(fr) == expected
    assert sv.frontier(cs, method="enumeration").n_acceptable == len(brute_acceptable(cs)[0])


@FAST
@given(instances())
def test_zone_of_agreement_and_acceptable_packages(cs):
    expected, _ = brute_acceptable(cs)
    assert sv.is_zone_of_agreement(cs) == bool(expected)
    ps = sv.acceptable_packages(cs)
    assert [tuple(c) for c in ps.choices.tolist()] == expected
    assert [tuple(p.choices.tolist()) for p in ps.packages()] == expected


def test_no_acceptable_package_gives_empty_result_with_note(fixtures):
    cs = compile_scenario(load_scenario(fixtures / "scenarios" / "minimal.yaml"))
    assert not sv.is_zone_of_agreement(cs)
    for method in ("enumeration", "dp"):
        r = sv.solve(cs, "nash", method=method)
        assert r.packages == [] and r.notes == [NO_DEAL_NOTE] and r.optimal
    assert sv.frontier(cs).packages == []


def test_zone_of_agreement_beyond_enumeration_uses_cp_sat(monkeypatch):
    monkeypatch.setattr(dispatch, "AUTO_ENUMERATION_OUTCOMES", 4)
    cs = build([[[0.0, 1.0], [1.0, 0.0]]] * 4, [2.0, 2.0])
    assert sv.is_zone_of_agreement(cs)
    cs_none = build([[[0.0, 1.0], [1.0, 0.0]]] * 4, [3.0, 2.0])
    assert not sv.is_zone_of_agreement(cs_none)


def test_auto_uses_dp_above_threshold(monkeypatch):
    monkeypatch.setattr(dispatch, "AUTO_ENUMERATION_OUTCOMES", 4)
    cs = build([[[0.0, 1.0], [1.0, 0.0]]] * 4, [2.0, 2.0])
    r = sv.solve(cs, "egalitarian")
    assert r.method == "dp"
    assert choice_set(r) == brute_concept(cs, "egalitarian")
    assert len(r.packages) == 6  # C(4, 2) packages give (2, 2)


def test_bad_concept_or_method():
    cs = build([[[0.0], [1.0]]], [0.0])
    with pytest.raises(DetenteError, match="unknown solution concept 'nashh'"):
        sv.solve(cs, "nashh")
    with pytest.raises(DetenteError, match="unknown method 'magic'"):
        sv.solve(cs, "nash", method="magic")
    with pytest.raises(DetenteError, match="enumeration limit"):
        sv.acceptable_packages(cs, limit=1)


def test_dp_refuses_when_components_too_large(monkeypatch):
    from detente.analysis.methods import dp as fr

    monkeypatch.setattr(fr, "COMPONENT_LIMIT", 2)
    cs = build([[[0.0], [1.0]]] * 3, [0.0], requires={1: ["m0"]})
    with pytest.raises(DetenteError, match="method='cp-sat'"):
        sv.frontier(cs, method="dp", budget=10)


def test_cp_sat_method_dispatches_to_part_b():
    cs = build([[[0.0, 0.0], [3.0, -1.0]], [[0.0, 0.0], [-1.0, 3.0]]], [-5.0, -5.0])
    r = sv.solve(cs, "welfare", method="cp-sat", time_limit=10)
    assert r.method.startswith("cp-sat")
    assert choice_set(r) == brute_concept(cs, "welfare")


GENIUS_SMALL = [
    "anac/y2010/EnglandZimbabwe",
    "anac/y2010/ItexvsCypress",
    "anac/y2011/Laptop",
    "anac/y2015/group2-politics",
]


@requires_shared
@pytest.mark.parametrize("domain", GENIUS_SMALL)
def test_genius_reference_points(domain):
    """Published reference answers (shared/reference/genius/reference-points.json): every concept's
    tied utility vectors, the number of acceptable outcomes and the frontier size."""
    import json

    from tests.conftest import SHARED

    ref = json.loads((SHARED / "reference" / "genius" / "reference-points.json").read_text())[domain]
    cs = compile_scenario(import_genius(SHARED / "reference" / "genius" / domain))
    results = sv.solve_all(cs, method="enumeration")
    for concept in CONCEPTS:
        got = sorted(tuple(np.round(p.utilities, 6)) for p in results[concept].packages)
        expected = sorted(tuple(np.round(x["utilities"], 6)) for x in ref[concept])
        assert got == expected, concept
    assert len(sv.acceptable_packages(cs)) == ref["n_acceptable"]
    if "frontier_size" in ref:
        assert len(sv.frontier(cs).packages) == ref["frontier_size"]


def test_frontier_budget_truncates():
    cs = build([[[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]]] * 2, [0.0, 0.0])  # 5 distinct frontier points
    for method in ("dp", "enumeration"):
        full = sv.frontier(cs, method=method)
        assert len(full.packages) == 9 and not full.truncated  # every package ties on Σ = 4
        cut = sv.frontier(cs, method=method, budget=3)
        assert cut.truncated and len(cut.packages) == 3 and cut.notes
