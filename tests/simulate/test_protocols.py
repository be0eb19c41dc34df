"""Protocols: every agreement keeps every rule and reservation; seeds reproduce; deadlines and discounts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.simulate.game import Calendar
from detente.simulate.run import resolve_strategies, simulate
from detente.simulate.strategies import STRATEGIES
from tests.simulate.conftest import check_agreement

NAMES = tuple(STRATEGIES)


@pytest.mark.parametrize("protocol", ["alternating", "mediated"])
def test_every_agreement_keeps_every_rule(three_party, protocol) -> None:
    agreed = 0
    for a in NAMES:
        for b in NAMES:
            sim = simulate(three_party, [a, b, b], protocol=protocol, rounds=40, seed=1)
            if sim.agreement:
                agreed += 1
                check_agreement(three_party, sim.outcome.choices)
            for rec in sim.outcome.trace:
                if rec.choices is not None:  # every offer and every text keeps every rule
                    assert three_party.feasible(rec.choices)[0]
    assert agreed >= len(NAMES)  # most line-ups agree here: the check is not vacuous


@pytest.mark.slow
def test_agreements_on_anac_keep_reservations(anac) -> None:
    for cs in anac:
        for name in ("boulware", "conceder", "learner", "random"):
            sim = simulate(cs, [name, "linear"], rounds=60, seed=2)
            assert sim.agreement
            check_agreement(cs, sim.outcome.choices)


def test_mediated_flagship_agreement_keeps_every_rule(korea) -> None:
    sim = simulate(korea, "conceder", protocol="mediated", rounds=100, seed=0)
    assert sim.agreement
    check_agreement(korea, sim.outcome.choices)


def test_same_seed_same_result(three_party) -> None:
    runs = [
        json.dumps(simulate(three_party, ["random", "learner", "tit-for-tat"], seed=7, rounds=30).to_json())
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    others = {
        json.dumps(simulate(three_party, "random", seed=s, rounds=30).to_json()["trace"]) for s in range(4)
    }
    assert len(others) > 1  # the seed drives the random strategy


def test_tough_strategies_agree_no_earlier(three_party, anac) -> None:
    for cs in [three_party, *anac]:
        when = {}
        for name in ("hardliner", "boulware", "linear", "conceder"):
            sim = simulate(cs, [name] + ["linear"] * (cs.n_parties - 1), rounds=100, seed=0)
            when[name] = sim.outcome.rounds if sim.agreement else 101
        assert when["hardliner"] >= when["boulware"] >= when["linear"] >= when["conceder"], when


def test_calendar_breakdown(three_party) -> None:
    cal = Calendar(days_per_round=30, deadline_day=45, breakdown=1.0)
    sim = simulate(three_party, "hardliner", rounds=50, calendar=cal)
    assert not sim.agreement and sim.outcome.reason == "breakdown"
    assert sim.outcome.rounds == 2  # rounds on days 0 and 30; day 60 is past the deadline
    never = simulate(three_party, "hardliner", rounds=5, calendar=Calendar(deadline_day=0, breakdown=0.0))
    assert never.outcome.reason == "deadline"


def test_discounting(three_party) -> None:
    sim = simulate(three_party, "boulware", rounds=20, discount=0.5, seed=0)
    assert sim.agreement
    o = sim.outcome
    t = (o.rounds - 1) / 20
    d = three_party.disagreement
    assert np.allclose(o.discounted, d + (o.utilities - d) * 0.5**t)


def test_strategy_specs(three_party) -> None:
    assert resolve_strategies(three_party, "linear") == ["linear"] * 3
    assert resolve_strategies(three_party, ["linear", "B=hardliner"]) == ["linear", "hardliner", "linear"]
    assert resolve_strategies(three_party, {"C": "random"}) == ["boulware", "boulware", "random"]
    with pytest.raises(DetenteError, match="unknown strategy 'nope'"):
        resolve_strategies(three_party, "nope")
    with pytest.raises(DetenteError, match="unknown party 'Z'"):
        resolve_strategies(three_party, ["Z=linear"])


def test_distances(three_party) -> None:
    sim = simulate(three_party, "conceder", rounds=30)
    assert sim.agreement
    assert sim.distance_to_pareto is not None and sim.distance_to_pareto >= 0
    assert sim.distance_to_nash is not None and sim.distance_to_nash >= 0
