"""JSON documents of ``detente roadmap`` and ``detente compare-strategies`` (pydantic models).

Registered in :data:`detente.outputs.SCHEMAS` as ``roadmap`` and ``compare-strategies``. Phase
numbers are 1-based; ``exposure[party]`` lists that party's exposure in each phase (the worst point
of the phase: its own items done, the others' not yet — see docs/roadmaps.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario
    from detente.roadmap.model import Roadmap, StrategyComparison


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


def _num(x: float) -> float | None:
    return None if x != x else float(x)  # NaN → None


def roadmap_output(rm: Roadmap, cs: CompiledScenario) -> RoadmapOutput:
    its = rm.items.items
    pid = cs.party_ids
    phases = [
        PhaseRow(
            index=ph.index,
            moves=[its[n].id for n in ph.items],
            gates=[its[n].id for n in ph.gates],
            start=ph.start,
            end=ph.end,
            labels=[its[n].label for n in ph.items],
            owners=[pid[its[n].owner] for n in ph.items],
            renewals=[f"{its[n].id} on day {day}" for n, day in ph.renewals],
        )
        for ph in rm.phases
    ]
    return RoadmapOutput(
        strategy=rm.strategy,
        phases=phases,
        exposure={p: [float(x) for x in rm.exposure[i]] for i, p in enumerate(pid)},
        max_exposure={p: float(rm.max_exposure[i]) for i, p in enumerate(pid)},
        self_enforcing=rm.self_enforcing,
        temptations=[
            TemptationRow(
                phase=t.phase + 1,
                party=pid[t.party],
                margin=t.margin,
                stop=t.stop,
                finish=t.finish,
                proposals=[
                    ProposalRow(kind=p.kind, text=p.text, removes=p.removes, margin=p.margin)
                    for p in t.proposals
                ],
            )
            for t in rm.temptations
        ],
        snapbacks=[
            SnapbackRow(
                move=its[s.item].id,
                owner=pid[s.owner],
                triggers=[pid[i] for i in s.triggers],
                lead_days=_num(s.lead_days),
                credible=s.credible,
                kind=s.kind,
            )
            for s in rm.snapbacks
        ],
        completion_days=rm.completion_days,
        violations=list(rm.violations),
        objective=rm.objective,
        objective_value=rm.objective_value,
        method=rm.method,
        optimal=rm.optimal,
        gap=rm.gap,
        notes=list(rm.notes),
        seconds=rm.seconds,
    )


def comparison_output(cmp: StrategyComparison, cs: CompiledScenario) -> CompareStrategiesOutput:
    rows = [
        StrategyRow(
            strategy=rm.strategy,
            phases=rm.n_phases,
            max_exposure=float(rm.max_exposure.max(initial=0.0)),
            completion_days=rm.completion_days,
            tempted_phases=rm.tempted_phases,
            self_enforcing=rm.self_enforcing,
            violations=len(rm.violations),
        )
        for rm in cmp.roadmaps
    ]
    return CompareStrategiesOutput(strategies=rows, roadmaps=[roadmap_output(rm, cs) for rm in cmp.roadmaps])
