"""JSON documents of ``detente roadmap`` and ``detente compare-strategies`` (pydantic models).

Schemas only: :meth:`detente.roadmap.model.Roadmap.to_output` and
:meth:`~detente.roadmap.model.StrategyComparison.to_output` fill them in (this module imports nothing
from the roadmap package, so the two modules form no import cycle).

Registered in :data:`detente.outputs.SCHEMAS` as ``roadmap`` and ``compare-strategies``. Phase
numbers are 1-based; ``exposure[party]`` lists that party's exposure in each phase (the worst point
of the phase: its own items done, the others' not yet — see docs/roadmaps.md).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class PhaseRow(BaseModel):
    index: int = Field(description="Phase number, from 1.")
    moves: list[str] = Field(
        description="Item ids: a move id, or MOVE:OPTION for one stage of a graded move."
    )
    gates: list[str] = Field(
        description="Items that must be carried out and verified before this phase starts."
    )
    start: int = Field(description="Start day (day 0 = the roadmap starts).")
    end: int = Field(description="Day every item of the phase is carried out and verified.")
    labels: list[str] = Field(default_factory=list, description="Readable names of the moves, in order.")
    owners: list[str] = Field(default_factory=list, description="Party id acting on each item, in order.")
    renewals: list[str] = Field(
        default_factory=list, description="Expiring relief to renew: 'ITEM on day D'."
    )


class ProposalRow(BaseModel):
    kind: str = Field(description="reorder, split, snapback or gate.")
    text: str
    removes: bool = Field(description="True when the change removes the party's temptation entirely.")
    margin: float = Field(description="The party's largest temptation left after the change.")


class TemptationRow(BaseModel):
    phase: int = Field(description="Phase (1-based) before which the party would rather stop.")
    party: str
    margin: float = Field(description="Gain from stopping over continuing (> 0).")
    stop: float = Field(description="The party's payoff if it stops here (after snapbacks).")
    finish: float = Field(description="Its payoff from continuing (backward-induction continuation).")
    proposals: list[ProposalRow] = Field(default_factory=list)


class SnapbackRow(BaseModel):
    move: str
    owner: str
    triggers: list[str] = Field(description="Parties whose defection reverts this relief.")
    lead_days: float | None = Field(description="Days to revert (reversal lead, or time to expiry).")
    credible: bool = Field(description="False when reverting would cost the owner: the threat is empty.")
    kind: str = Field(description="snapback (reversal) or lapse (expiring relief not renewed).")


class RoadmapOutput(BaseModel):
    """``detente roadmap --format json``."""

    strategy: str
    phases: list[PhaseRow]
    exposure: dict[str, list[float]] = Field(description="Party id → exposure in each phase.")
    max_exposure: dict[str, float] = Field(description="Party id → largest exposure over the roadmap.")
    self_enforcing: bool = Field(description="True when no party is tempted to stop at any phase.")
    temptations: list[TemptationRow]
    snapbacks: list[SnapbackRow]
    completion_days: int
    violations: list[str] = Field(
        default_factory=list, description="Rules this roadmap breaks (fixed strategies)."
    )
    objective: str | None = None
    objective_value: float | None = None
    method: str
    optimal: bool
    gap: float | None = None
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    history: RoadmapOutput | None = Field(
        default=None, description="With --history: the phases actually agreed, scored the same way."
    )


class StrategyRow(BaseModel):
    strategy: str
    phases: int
    max_exposure: float = Field(description="Largest exposure of any party.")
    completion_days: int
    tempted_phases: int
    self_enforcing: bool
    violations: int = Field(description="Number of rules the strategy breaks (prerequisites, deadlines).")


class CompareStrategiesOutput(BaseModel):
    """``detente compare-strategies --format json``."""

    strategies: list[StrategyRow]
    roadmaps: list[RoadmapOutput]
