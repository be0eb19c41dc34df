"""JSON output documents of the CLI, as pydantic models, and the registry behind ``detente schema``.

Every command that takes ``--format json`` prints one of these documents; ``detente schema NAME``
prints its JSON Schema and ``schema/NAME.schema.json`` keeps a copy (a test checks they agree).
Models of other command groups live beside their code and are listed in :data:`SCHEMAS` by dotted
path, so importing this module stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel, Field


class FileValidation(BaseModel):
    """The result of validating one file."""

    file: str
    valid: bool
    problems: list[str] = Field(
        default_factory=list, description="One line per problem, 'file:line:col: path: message'."
    )
    parties: int | None = None
    moves: int | None = None
    outcomes: int | None = Field(default=None, description="Number of packages before constraints.")


class ValidateOutput(BaseModel):
    """``detente validate --format json``."""

    files: list[FileValidation]
    valid: bool = Field(description="True when every file is valid.")


class PartyRow(BaseModel):
    id: str
    name: str
    reservation: float
    disagreement: float
    weight: float
    best: float = Field(description="Highest utility over all packages (constraints ignored).")
    worst: float = Field(description="Lowest utility over all packages (constraints ignored).")


class OptionRow(BaseModel):
    id: str
    label: str
    status_quo: bool
    values: dict[str, float] = Field(description="Party id → utility contribution (normalised).")
    uncertain: dict[str, list[float]] = Field(
        default_factory=dict, description="Party id → [low, high] where uncertain."
    )


class MoveRow(BaseModel):
    id: str
    name: str
    owner: str
    category: str
    options: list[OptionRow]
    reversible: bool
    verifiable: bool
    requires: list[str]
    excludes: list[str]
    sources: list[str]


class ConstraintRow(BaseModel):
    kind: str
    label: str
    party: str | None = None


class ShowOutput(BaseModel):
    """``detente show --format json``: the scenario as compiled."""

    title: str
    file: str
    parties: list[PartyRow]
    coalitions: dict[str, list[str]] = Field(description="Coalition id → member party ids.")
    moves: list[MoveRow]
    constraints: list[ConstraintRow]
    outcomes: int
    sources: int


SCHEMAS: dict[str, str] = {
    "scenario": "detente.model.scenario:Scenario",
    "validate": "detente.outputs:ValidateOutput",
    "show": "detente.outputs:ShowOutput",
    "analyze": "detente.analysis.report:AnalyzeOutput",
    "frontier": "detente.analysis.report:FrontierOutput",
    "solve": "detente.analysis.report:SolveOutput",
    "options": "detente.analysis.options:OptionsOutput",
    "wedges": "detente.analysis.coalitions:WedgesOutput",
    "adjusted-winner": "detente.analysis.adjusted_winner:AdjustedWinnerOutput",
    "roadmap": "detente.roadmap.outputs:RoadmapOutput",
    "compare-strategies": "detente.roadmap.outputs:CompareStrategiesOutput",
    "forecast": "detente.forecast.outputs:ForecastOutput",
    "forecast-scenario": "detente.forecast.outputs:ForecastScenarioOutput",
    "forecast-validate": "detente.forecast.outputs:ForecastValidateOutput",
    "robustness": "detente.uncertainty.results:RobustnessOutput",
    "sensitivity": "detente.uncertainty.results:SensitivityOutput",
}


def schema_names() -> list[str]:
    return list(SCHEMAS)


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of document ``name`` (a key of :data:`SCHEMAS`)."""
    module_name, _, attr = SCHEMAS[name].partition(":")
    model = getattr(importlib.import_module(module_name), attr)
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://detente.invalid/schema/{name}.schema.json"
    return schema
