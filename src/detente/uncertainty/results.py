"""Typed results of the uncertainty analyses (what ``--format json`` prints)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TradeoffRow(BaseModel):
    """One package on the robust–efficient trade-off."""

    label: str
    choices: dict[str, str]
    acceptable_all: float = Field(description="P(every party accepts), measured on the robustness draws.")
    stderr_all: float
    welfare: float = Field(description="Σ_i (u_i − d_i) at the point values.")
    nash: float = Field(
        description="Geometric mean of the gains u_i − d_i at the point values (0 if any ≤ 0)."
    )
    min_gain: float = Field(description="min_i (u_i − d_i) at the point values.")


class MostRobust(BaseModel):
    """The package that maximizes P(every party accepts) and how it was found."""

    method: str
    optimal: bool = Field(description="Proven optimal for the sample-average problem.")
    saa_draws: int
    saa_probability: float = Field(description="Share of the SAA draws in which every party accepts.")
    saa_bound: float = Field(description="Proven upper bound on that share.")
    gap: float = Field(description="saa_bound − saa_probability.")
    package: PackageRobustness = Field(
        description="Measured on the robustness draws (fresh, not the SAA draws)."
    )
    tradeoff: list[TradeoffRow]
    notes: list[str] = Field(default_factory=list)


# ----- robustness ----------------------------------------------------------------------------------------
class PackageRobustness(BaseModel):
    """Robustness of one package over the draws."""

    label: str = Field(description="What the package is (e.g. 'option 1 (nash)', a file name).")
    choices: dict[str, str] = Field(description="Move id → option id.")
    feasible: bool = Field(description="The package meets every rule (else it is never acceptable).")
    acceptable: dict[str, float] = Field(description="Party id → probability that it accepts.")
    stderr: dict[str, float] = Field(description="Party id → standard error of that probability.")
    acceptable_all: float = Field(description="Probability that every party accepts.")
    stderr_all: float
    expected_utility: dict[str, float]
    p5_utility: dict[str, float] = Field(description="Party id → 5th percentile of its utility.")
    point_acceptable: bool = Field(description="Acceptable to every party at the point values.")


class RobustnessOutput(BaseModel):
    """``detente robustness --format json``."""

    scenario: str
    method: str
    draws: int
    seed: int
    chunk_size: int
    inputs: dict[str, int] = Field(description="Uncertain inputs by kind (judgments, reservations, ...).")
    packages: list[PackageRobustness]
    most_robust: MostRobust | None = None
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0


# ----- sensitivity -----------------------------------------------------------------------------------
class JudgmentSensitivity(BaseModel):
    """How much the recommendation rests on one uncertain input."""

    label: str
    kind: str = Field(description="value, reservation, factor or scenario.")
    move: str | None = None
    option: str | None = None
    party: str | None = None
    factor: str | None = None
    value: float | None = Field(default=None, description="Point estimate.")
    low: float | None = None
    high: float | None = None
    break_even: float | None = Field(
        description="Nearest value (all else fixed) at which the concept's package changes; null if none in range."
    )
    changes_to: dict[str, str] | None = Field(description="The package selected at the break-even value.")
    first_order: float = Field(description="First-order Sobol' index on 'every party accepts'.")
    first_order_se: float
    total: float = Field(description="Total Sobol' index on 'every party accepts'.")
    total_se: float
    acceptable_at_low: float | None = Field(description="P(all accept) with this input at its low end.")
    acceptable_at_high: float | None = Field(description="P(all accept) with this input at its high end.")
    evppi: float = Field(
        description="Expected value of perfect information on it (choice among the options)."
    )


class ResearchItem(BaseModel):
    label: str
    evppi: float
    total: float
    break_even: float | None


class SensitivityOutput(BaseModel):
    """``detente sensitivity --format json``."""

    scenario: str
    concept: str
    package: dict[str, str] = Field(description="The concept's package at the point values (move → option).")
    acceptable_all: float = Field(description="P(every party accepts it) over the Sobol' draws.")
    method: str
    draws: int
    seed: int
    break_evens: bool = Field(description="Whether break-even values were computed (else every one is null).")
    solves: int = Field(description="Solver calls made for the break-even values.")
    evpi: float = Field(description="Expected value of perfect information on the choice among the options.")
    evppi_floor: float = Field(description="Noise level: EVPPI values below it are reported as 0.")
    options: list[str]
    judgments: list[JudgmentSensitivity] = Field(description="Ranked by total index (most important first).")
    research_first: list[ResearchItem]
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0
