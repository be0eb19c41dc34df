"""Détente: negotiation support for multi-party, multi-issue negotiations.

The Python API mirrors the CLI verbs::

    import detente
    scenario = detente.load_scenario("scenarios/korea-2019.yaml")
    model = detente.compile_scenario(scenario)      # the numeric model every algorithm consumes

Heavy modules (solvers, charts, PDF) are imported lazily by the functions that need them.
"""

from typing import Any

from detente.errors import DetenteError
from detente.io.errors import Problem, ScenarioError
from detente.io.loader import load_scenario, parse_scenario
from detente.io.writer import dump_scenario, save_scenario
from detente.model.compiled import CompiledScenario, LinearConstraint, compile_scenario
from detente.model.scenario import Scenario

__version__ = "0.1.0"

__all__ = [
    "CompiledScenario",
    "DetenteError",
    "LinearConstraint",
    "Problem",
    "Scenario",
    "ScenarioError",
    "compile_scenario",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "simulate",
    "simulate_roadmap",
    "tournament",
]

_LAZY = {
    "simulate": "detente.simulate.run",
    "tournament": "detente.simulate.tournament",
    "simulate_roadmap": "detente.simulate.implementation",
}


def __getattr__(name: str) -> Any:
    """Heavy parts of the API load on first use (``dt.simulate``, ``dt.tournament``, ``dt.simulate_roadmap``)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
