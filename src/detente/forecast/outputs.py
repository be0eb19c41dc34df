"""JSON output documents of the forecasting commands, as pydantic models (for ``detente schema``).

``ForecastOutput``: ``detente forecast TABLE.csv --format json``; ``ForecastScenarioOutput``:
``detente forecast FILE.yaml --format json``; ``ForecastValidateOutput``:
``detente forecast-validate FILE.tsv --format json``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Statistics(BaseModel):
    weighted_mean: float = Field(description="Σ c·s·x / Σ c·s.")
    weighted_median: float = Field(
        description="Smallest held position with half the c·s weight at or below it."
    )
    condorcet: float | None = Field(
        description="Held position beating every other in pairwise votes; null on a tie."
    )
    mean: float = Field(description="Unweighted mean position.")


class Interval(BaseModel):
    low: float
    high: float
    level: float = Field(description="Coverage: 0.8 = 10th–90th percentile of the draws.")
    draws: int = Field(description="Number of seeded perturbations of capabilities and saliences.")


class Round(BaseModel):
    round: int = Field(description="0 = the input positions.")
    forecast: float
    positions: dict[str, float] = Field(description="Actor → position after this round.")


class ModelRun(BaseModel):
    model: str = Field(description="compromise, bdm or smp.")
    forecast: float
    interval: Interval
    seed: int
    rounds: int
    converged: bool = Field(description="False when the round limit stopped the model.")
    trajectory: list[Round]


class ForecastOutput(BaseModel):
    """``detente forecast TABLE.csv --format json``."""

    issue: str
    actors: list[str]
    statistics: Statistics
    models: list[ModelRun]


class OptionProbability(BaseModel):
    id: str
    label: str
    probability: float = Field(description="Share of seeded draws settling the move at this option.")


class MoveOutput(BaseModel):
    id: str
    name: str
    forecast: float = Field(description="The model's point forecast on the move's 0–100 scale.")
    most_likely: str
    nash: str | None
    options: list[OptionProbability]


class PackageOutput(BaseModel):
    choices: dict[str, str] | None = Field(description="Move id → option id; null when there is none.")
    utilities: dict[str, float] | None
    acceptable: bool | None = None
    note: str | None = None


class ForecastScenarioOutput(BaseModel):
    """``detente forecast FILE.yaml --format json``: where talks are heading vs. where a fair deal lies."""

    scenario: str
    model: str
    method: str
    seed: int
    draws: int
    moves: list[MoveOutput]
    most_likely_package: PackageOutput
    nash_package: PackageOutput
    moves_in_agreement: int


class ScoreOutput(BaseModel):
    model: str
    baseline: bool
    n: int = Field(description="Issues scored (baselines that need a field skip issues without it).")
    mae: float = Field(description="Mean absolute error on the 0–100 scale.")
    median_error: float
    hits: float = Field(description="Share of issues forecast within 10 points.")
    cross_validated: bool = Field(description="Parameters fitted by group k-fold CV over proposals.")
    description: str


class ForecastValidateOutput(BaseModel):
    """``detente forecast-validate FILE.tsv --format json``."""

    file: str
    issues: int
    proposals: int
    skipped: int = Field(description="Rows without an outcome or without positions.")
    folds: int
    seed: int
    models: list[ScoreOutput]
    fitted_parameters_per_fold: dict[str, list[str]]
