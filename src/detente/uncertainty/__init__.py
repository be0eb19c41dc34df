"""Judgments under uncertainty: robustness of packages, the most robust deal, and sensitivity.

Modules: :mod:`.sampling` (draws), :mod:`.evaluation` (utilities as matrix products),
:mod:`._accept_kernel` (fused compiled acceptance counting), :mod:`.runner` (seeded chunks, in-process
or on Dask), :mod:`.robust` (robustness), :mod:`.most_robust`, :mod:`.breakeven` (with
:mod:`.nash_oracle`, the reusable CP-SAT model of the exact Nash break-evens), :mod:`.sensitivities`,
:mod:`.charts`, :mod:`.brief` (material for the brief).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario
    from detente.model.scenario import Scenario
    from detente.uncertainty.results import RobustnessOutput, SensitivityOutput


def _compiled(model: CompiledScenario | Scenario) -> CompiledScenario:
    from detente.model.compiled import CompiledScenario, compile_scenario

    return model if isinstance(model, CompiledScenario) else compile_scenario(model)


def robustness(model: CompiledScenario | Scenario, **kwargs: Any) -> RobustnessOutput:
    """Robustness of packages to the judgments: see :func:`detente.uncertainty.robust.robustness`."""
    from detente.uncertainty.robust import robustness as run

    return run(_compiled(model), **kwargs)


def sensitivity(model: CompiledScenario | Scenario, **kwargs: Any) -> SensitivityOutput:
    """Which judgments a recommendation rests on: see :func:`detente.uncertainty.sensitivities.sensitivity`."""
    from detente.uncertainty.sensitivities import sensitivity as run

    return run(_compiled(model), **kwargs)


__all__ = ["robustness", "sensitivity"]
