"""Scenarios for the simulation tests: small fixtures, three ANAC domains and a 200-move instance."""

from __future__ import annotations

import numpy as np
import pytest

from detente.io.genius_import import import_genius
from detente.io.loader import load_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario
from tests.conftest import FIXTURES, SCENARIOS, SHARED

ANAC = SHARED / "reference" / "genius" / "anac"
ANAC_DOMAINS = ("y2012/CarA", "y2010/Travel", "y2011/Laptop")


def fixture(name: str) -> CompiledScenario:
    return compile_scenario(load_scenario(FIXTURES / "simulate" / name))


@pytest.fixture(scope="session")
def three_party() -> CompiledScenario:
    return fixture("three-party.yaml")


@pytest.fixture(scope="session")
def korea() -> CompiledScenario:
    return compile_scenario(load_scenario(SCENARIOS / "korea-2019.yaml"))


@pytest.fixture(scope="session")
def anac() -> list[CompiledScenario]:
    if not ANAC.exists():
        pytest.skip(f"reference data not found at {ANAC}")
    return [compile_scenario(import_genius(ANAC / d)) for d in ANAC_DOMAINS]


def many_moves(n_moves: int = 200, n_parties: int = 4, seed: int = 0) -> CompiledScenario:
    """Seeded yes/no moves: each costs its owner 1–5 and is worth 1–6 to one or two others; every
    tenth move requires an earlier one and every fifteenth excludes one; reservations 0."""
    rng = np.random.default_rng(seed)
    parties = [f"P{i}" for i in range(n_parties)]
    moves = []
    for k in range(n_moves):
        owner = int(rng.integers(n_parties))
        gains = {parties[owner]: -int(rng.integers(1, 6))}
        others = [i for i in range(n_parties) if i != owner]
        for i in rng.choice(others, size=int(rng.integers(1, 3)), replace=False):
            gains[parties[int(i)]] = int(rng.integers(1, 7))
        move = {
            "id": f"m{k}",
            "name": f"Move {k}",
            "owner": parties[owner],
            "category": "c",
            "options": [{"id": "no"}, {"id": "yes", "values": gains}],
        }
        if k and k % 10 == 0:
            move["requires"] = [f"m{int(rng.integers(k))}"]
        if k and k % 15 == 0:
            move["excludes"] = [f"m{int(rng.integers(k))}"]
        moves.append(move)
    doc = {
        "meta": {"title": f"{n_moves} moves"},
        "parties": [{"id": p, "name": p, "reservation": 0} for p in parties],
        "moves": moves,
    }
    return compile_scenario(Scenario.model_validate(doc))


@pytest.fixture(scope="session")
def big() -> CompiledScenario:
    return many_moves()


def check_agreement(cs: CompiledScenario, choices: np.ndarray) -> None:
    """Every rule (red lines, prerequisites, exclusions, minimum content) and every reservation value."""
    x = cs.indicator(choices)
    for con in cs.constraints:
        assert con.holds(x)[0], f"agreement breaks: {con.label}"
    u = cs.utilities(choices)
    for i, pid in enumerate(cs.party_ids):
        assert u[i] >= cs.reservation[i] - 1e-9, f"agreement below {pid}'s reservation value"
