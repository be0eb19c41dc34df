"""diagnose against brute force over subsets of relaxable items, plus hand-built cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given

from detente.analysis.diagnosis import diagnose
from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario
from tests.analysis._oracle import scenarios
from tests.analysis.methods.test_cpsat import SETTINGS


def brute_minimum_sets(cs: CompiledScenario) -> tuple[int, set[frozenset[tuple[str, int]]], dict]:
    """Minimum relaxation size, every minimum set of items (("constraint", index) or ("reservation",
    party)), and for each set the least total reservation drop (×10), by trying every subset."""
    every = np.asarray(list(itertools.product(*(range(int(n)) for n in cs.n_options))), dtype=np.int64)
    x = cs.indicator(every)
    u10 = np.rint(cs.utilities(every) * 10).astype(np.int64)
    r10 = np.rint(cs.reservation * 10).astype(np.int64)
    holds = {("constraint", n): c.holds(x) for n, c in enumerate(cs.constraints)}
    holds |= {("reservation", i): u10[:, i] >= r10[i] for i in range(cs.n_parties)}
    structural = np.ones(len(every), dtype=bool)
    for n, c in enumerate(cs.constraints):
        if c.kind == "prerequisite":
            structural &= holds.pop(("constraint", n))
    items = sorted(holds)
    for size in range(len(items) + 1):
        found: dict = {}
        for subset in itertools.combinations(items, size):
            ok = structural.copy()
            for item in items:
                if item not in subset:
                    ok &= holds[item]
            if ok.any():
                parties = [i for kind, i in subset if kind == "reservation"]
                drop = np.zeros(len(every), dtype=np.int64)
                for i in parties:
                    drop += np.maximum(0, r10[i] - u10[:, i])
                found[frozenset(subset)] = int(drop[ok].min())
        if found:
            return size, set(found), found
    raise AssertionError("unreachable: relaxing everything leaves the status quo")


@SETTINGS
@given(cs=scenarios(max_parties=3, max_moves=4))
def test_minimum_relaxations_match_brute_force(cs: CompiledScenario) -> None:
    result = diagnose(cs, max_alternatives=100)
    size, sets, drops = brute_minimum_sets(cs)
    assert result.optimal
    if size == 0:
        assert result.feasible and result.package is not None
        assert cs.acceptable(result.package.choices)[0]
        return
    assert result.feasible is False
    assert result.minimum_size == size and result.complete
    got = {
        frozenset(
            ("constraint", it.constraint) if it.constraint is not None else ("reservation", it.party)
            for it in option.items
        )
        for option in result.relaxations
    }
    assert got == sets
    for option in result.relaxations:
        key = frozenset(
            ("constraint", it.constraint) if it.constraint is not None else ("reservation", it.party)
            for it in option.items
        )
        u10 = np.rint(option.package.utilities * 10).astype(np.int64)
        r10 = np.rint(cs.reservation * 10).astype(np.int64)
        total = sum(int(r10[it.party] - u10[it.party]) for it in option.items if it.kind == "reservation")
        assert total == drops[key]  # the reported package minimises the total drop
        for it in option.items:
            if it.kind == "reservation":
                assert it.drop_to == pytest.approx(option.package.utilities[it.party], abs=1e-9)
                assert it.drop_to is not None and it.drop_to < cs.reservation[it.party]


def two_red_lines() -> CompiledScenario:
    data = {
        "meta": {"title": "incompatible red lines"},
        "parties": [{"id": "N", "name": "North", "reservation": -10}, {"id": "S", "name": "South"}],
        "moves": [
            {
                "id": "talks",
                "name": "Open talks",
                "owner": "N",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"N": 1, "S": 1}}],
            },
            {
                "id": "drill",
                "name": "Suspend drills",
                "owner": "S",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"N": 2, "S": -1}}],
            },
        ],
        "constraints": [
            {"type": "red_line", "party": "N", "requires": ["drill"], "reason": "no talks under threat"},
            {"type": "red_line", "party": "S", "refuses": ["drill"], "reason": "readiness"},
        ],
    }
    return compile_scenario(Scenario.model_validate(data))


def test_incompatible_red_lines_name_both_and_relax_one() -> None:
    cs = two_red_lines()
    result = diagnose(cs)
    assert result.feasible is False and result.optimal and result.complete
    assert result.minimum_size == 1
    labels = sorted(option.items[0].label for option in result.relaxations)
    assert labels == sorted(c.label for c in cs.constraints)
    assert "North red line: requires Suspend drills (drill) — no talks under threat" in labels
    text = "\n".join(result.summary(cs))
    assert "North red line" in text and "South red line" in text and "2 alternatives" in text
    doc = result.to_json(cs)
    assert doc["minimum_size"] == 1 and len(doc["relaxations"]) == 2


def test_reservation_value_drop_is_reported_in_words() -> None:
    data = {
        "meta": {"title": "reservation too high"},
        "parties": [{"id": "D", "name": "DPRK", "reservation": -10}, {"id": "U", "name": "USA"}],
        "moves": [
            {
                "id": "freeze",
                "name": "Freeze",
                "owner": "D",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"D": -14, "U": 5}}],
            },
        ],
        "constraints": [{"type": "red_line", "party": "U", "requires": ["freeze"]}],
    }
    cs = compile_scenario(Scenario.model_validate(data))
    result = diagnose(cs)
    assert result.minimum_size == 1
    words = {option.items[0].words() for option in result.relaxations}
    assert "DPRK's reservation value (-10): needs to drop to -14" in words
    assert any("USA red line" in w for w in words)
    assert any("to accept package freeze:yes" in line for line in result.summary(cs))


def test_prerequisites_are_not_relaxed() -> None:
    data = {
        "meta": {"title": "prerequisite"},
        "parties": [{"id": "a", "name": "A"}],
        "moves": [
            {
                "id": "m1",
                "name": "M1",
                "owner": "a",
                "category": "c",
                "options": [{"id": "no"}, {"id": "yes", "values": {"a": -1}}],
            },
            {
                "id": "m2",
                "name": "M2",
                "owner": "a",
                "category": "c",
                "requires": ["m1"],
                "options": [{"id": "no"}, {"id": "yes", "values": {"a": 3}}],
            },
        ],
        "constraints": [
            {"type": "red_line", "party": "a", "requires": ["m2"]},
            {"type": "red_line", "party": "a", "refuses": ["m1"]},
        ],
    }
    cs = compile_scenario(Scenario.model_validate(data))
    result = diagnose(cs)
    kinds = {it.kind for option in result.relaxations for it in option.items}
    assert result.minimum_size == 1 and kinds == {"red_line"}
    relaxed = diagnose(cs, relax_prerequisites=True)
    assert {it.kind for option in relaxed.relaxations for it in option.items} == {"red_line", "prerequisite"}


@SETTINGS
@given(cs=scenarios(max_parties=3, max_moves=4))
def test_binding_red_lines_match_brute_force(cs: CompiledScenario) -> None:
    every = np.asarray(list(itertools.product(*(range(int(n)) for n in cs.n_options))), dtype=np.int64)
    x = cs.indicator(every)
    u10 = np.rint(cs.utilities(every) * 10).astype(np.int64)
    ok_res = np.all(u10 >= np.rint(cs.reservation * 10).astype(np.int64), axis=1)
    holds = [c.holds(x) for c in cs.constraints]

    def best_welfare(skip: int | None) -> int | None:
        ok = ok_res.copy()
        for n, h in enumerate(holds):
            if n != skip:
                ok &= h
        return int(u10[ok].sum(axis=1).max()) if ok.any() else None

    base = best_welfare(None)
    result = diagnose(cs, binding=True)
    if base is None:
        assert result.feasible is False and result.binding is None
        return
    expected = {
        n: (w - base) / 10
        for n, c in enumerate(cs.constraints)
        if c.kind == "red_line" and (w := best_welfare(n)) is not None and w > base
    }
    assert result.feasible and result.optimal and result.binding is not None
    assert {b.constraint: b.welfare_gain for b in result.binding} == pytest.approx(expected)
    assert any(line.startswith("  binding: ") for line in result.summary(cs)) == bool(expected)
