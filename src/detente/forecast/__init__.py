"""Forecasting where talks will land: compromise, expected-utility (BDM) and probabilistic-Condorcet
bargaining (after KTAB SMP) models on single issues and scenarios, validated on real EU outcomes.

Public API (also ``detente.forecast`` / ``detente.validate_forecasts``)::

    import detente as dt
    result = dt.forecast("eu-car-emissions-1994.csv")          # every model, with intervals
    result.to_frame()
    dt.forecast(scenario, model="compromise").to_frame()       # option probabilities per move
    dt.validate_forecasts("deu3-development.tsv").to_frame()   # errors against adopted outcomes

See docs/forecasting.md for the equations, references and validation results.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from detente.errors import DetenteError
from detente.forecast.issue import Issue, make_issue
from detente.forecast.models import DRAWS, MODELS, forecast_issue
from detente.forecast.results import IssueForecast, ModelForecast, ModelScore, ValidationResult
from detente.forecast.scenario import ForecastAnnex, ScenarioForecast, brief_annex, forecast_scenario
from detente.forecast.stats import Descriptive, condorcet_winner, describe, weighted_mean, weighted_median
from detente.forecast.table import TableError, parse_table, read_table
from detente.forecast.validate import validate_forecasts
from detente.model.compiled import CompiledScenario
from detente.model.scenario import Scenario

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def forecast(
    table_or_scenario: str | Path | Issue | Scenario | CompiledScenario,
    model: str | None = None,
    *,
    draws: int = DRAWS,
    seed: int = 0,
) -> IssueForecast | ScenarioForecast:
    """Forecast a single-issue table (CSV path or :class:`Issue`) or a scenario (YAML/JSON path,
    :class:`Scenario` or :class:`CompiledScenario`).

    ``model``: for a table, one of compromise, bdm, smp or ``"all"`` (default); for a scenario, one
    model (default compromise, the best-validated). Seeded: the same inputs and seed give the same result.
    """
    if isinstance(table_or_scenario, str | Path):
        path = Path(table_or_scenario)
        if path.suffix.lower() in SCENARIO_SUFFIXES:
            from detente.io.loader import load_scenario

            table_or_scenario = load_scenario(path)
        elif path.suffix.lower() == ".csv":
            table_or_scenario = read_table(path)
        else:
            raise DetenteError(f"{path}: expected a .csv table or a .yaml/.yml/.json scenario")
    if isinstance(table_or_scenario, Issue):
        return forecast_issue(table_or_scenario, model or "all", draws=draws, seed=seed)
    if isinstance(table_or_scenario, Scenario):
        from detente.model.compiled import compile_scenario

        table_or_scenario = compile_scenario(table_or_scenario)
    if model == "all":
        raise DetenteError("a scenario forecast runs one model: choose compromise, bdm or smp")
    return forecast_scenario(table_or_scenario, model or "compromise", draws=draws, seed=seed)


class _CallableModule(types.ModuleType):
    """``detente.forecast`` is both this package and the function: importing any submodule makes
    Python bind the package as the attribute ``detente.forecast``, so the package itself forwards a
    call to :func:`forecast` and ``dt.forecast(path)`` always works."""

    def __call__(
        self,
        table_or_scenario: str | Path | Issue | Scenario | CompiledScenario,
        model: str | None = None,
        *,
        draws: int = DRAWS,
        seed: int = 0,
    ) -> IssueForecast | ScenarioForecast:
        return forecast(table_or_scenario, model, draws=draws, seed=seed)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "MODELS",
    "Descriptive",
    "ForecastAnnex",
    "Issue",
    "IssueForecast",
    "ModelForecast",
    "ModelScore",
    "ScenarioForecast",
    "TableError",
    "ValidationResult",
    "brief_annex",
    "condorcet_winner",
    "describe",
    "forecast",
    "forecast_issue",
    "forecast_scenario",
    "make_issue",
    "parse_table",
    "read_table",
    "validate_forecasts",
    "weighted_mean",
    "weighted_median",
]
