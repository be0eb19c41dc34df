"""Simulated negotiations on the scenario model: protocols, strategies, tournaments, the implementation game.

Public API (imported lazily by ``detente.simulate``)::

    simulate(cs, strategies="boulware", protocol="alternating", rounds=100, seed=0)  -> Simulation
    tournament(scenarios, strategies=..., repetitions=3, seed=0, scheduler=None)    -> TournamentResult
    simulate_roadmap(cs, choices=None, runs=1000, seed=0)                            -> RoadmapGame
    played_out(cs)                                                                   -> PlayedOut

Layout: :mod:`~detente.simulate.game` (rules, state, outcome), :mod:`~detente.simulate.protocols`
(alternating offers, single negotiating text), :mod:`~detente.simulate.strategies`,
:mod:`~detente.simulate.offers` (CP-SAT offer search), :mod:`~detente.simulate.opponent` (frequency
model), :mod:`~detente.simulate.metrics`, :mod:`~detente.simulate.tournament`,
:mod:`~detente.simulate.chunks` (seeded runner, in process or on Dask),
:mod:`~detente.simulate.implementation` (the implementation game). See docs/simulation.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["played_out", "simulate", "simulate_roadmap", "tournament"]

_WHERE = {
    "simulate": "detente.simulate.run",
    "tournament": "detente.simulate.tournament",
    "simulate_roadmap": "detente.simulate.implementation",
    "played_out": "detente.simulate.annex",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'detente.simulate' has no attribute {name!r}")
