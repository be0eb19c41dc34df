"""Détente: negotiation support for multi-party, multi-issue negotiations.

The Python API mirrors the CLI verbs (see docs/api.md)::

    import detente as dt
    sc = dt.load("scenarios/korea-2019.yaml")
    sol = dt.solve(sc, "nash")                      # typed result: .optimal, .method, .gap, .packages
    rm = dt.plan_roadmap(sc, sol.packages[0])       # a roadmap with .phases

    model = dt.compile_scenario(sc)                 # the numeric model every algorithm consumes

Heavy modules (solvers, charts, PDF) are imported lazily by the functions that need them; the
notebook API (:mod:`detente.api`) is loaded on first use through the module ``__getattr__``.
"""

from typing import Any

from detente.errors import DetenteError
from detente.io.errors import Problem, ScenarioError
from detente.io.loader import load_scenario, parse_scenario
from detente.io.writer import dump_scenario, save_scenario
from detente.model.compiled import CompiledScenario, LinearConstraint, compile_scenario
from detente.model.scenario import Scenario

__version__ = "0.1.0"

#: Names served by :mod:`detente.api`, imported on first access.
_API = (
    "Analysis",
    "Diagnosis",
    "Frontier",
    "Options",
    "Package",
    "Roadmap",
    "Solution",
    "Wedges",
    "analyze",
    "diagnose",
    "frontier",
    "load",
    "options",
    "plan_roadmap",
    "solve",
    "wedges",
)
#: Other heavier entry points: name → the module that defines it (imported on first access).
_LAZY = {
    "robustness": "detente.uncertainty",
    "sensitivity": "detente.uncertainty",
    "validate_forecasts": "detente.forecast",
    "simulate": "detente.simulate.run",
    "tournament": "detente.simulate.tournament",
    "simulate_roadmap": "detente.simulate.implementation",
}


def __getattr__(name: str) -> Any:
    """The API's heavier entry points, imported on first use, so ``import detente`` stays light:
    :mod:`detente.api`'s names, ``detente.forecast(...)`` (the package is callable) and :data:`_LAZY`."""
    import importlib

    if name in _API:
        return getattr(importlib.import_module("detente.api"), name)
    if name == "forecast":
        return importlib.import_module("detente.forecast")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


__all__ = [
    *_API,
    *_LAZY,
    "CompiledScenario",
    "DetenteError",
    "LinearConstraint",
    "Problem",
    "Scenario",
    "ScenarioError",
    "compile_scenario",
    "dump_scenario",
    "forecast",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
]
