"""Result types of the roadmap module: phases, snapback clauses, temptations, the roadmap itself.

A roadmap assigns every :class:`~detente.roadmap.items.Item` to a phase 1…T. Phases run one after
the other: phase t starts when every item of phase t−1 is carried out *and verified* (verification
gates), so phase t lasts ``max over its items of (duration + verification lead)`` days. The formulas
for exposure and self-enforcement are in :mod:`detente.roadmap.evaluate` and docs/roadmaps.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from detente.roadmap.items import ItemSet
from detente.roadmap.outputs import (
    CompareStrategiesOutput,
    PhaseRow,
    ProposalRow,
    RoadmapOutput,
    SnapbackRow,
    StrategyRow,
    TemptationRow,
)

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

Objective = Literal["phases", "exposure", "time"]
OBJECTIVES: tuple[Objective, ...] = ("phases", "exposure", "time")


@dataclass(frozen=True)
class Phase:
    """Phase ``index`` (1-based): its items, the verified steps it waits for, and its days."""

    index: int
    items: tuple[int, ...]
    gates: tuple[int, ...]
    start: int
    end: int
    renewals: tuple[tuple[int, int], ...] = ()  # (item, day): expiring relief renewed on that day


@dataclass(frozen=True)
class SnapbackClause:
    """Reversible (or expiring) item ``item`` reverts if a beneficiary in ``triggers`` defects.

    ``credible`` is False when reverting would cost the owner (it values its own move positively),
    so the threat would not be carried out. ``kind`` is ``snapback`` (reversal, ``lead_days`` to take
    effect) or ``lapse`` (expiring relief not renewed, at most ``lead_days`` until it lapses).
    """

    item: int
    owner: int
    triggers: tuple[int, ...]
    lead_days: float
    credible: bool
    kind: Literal["snapback", "lapse"]


@dataclass(frozen=True)
class Proposal:
    """A change that removes (``removes``) or reduces a temptation; ``margin`` is what is left of it.

    ``phase_of`` is the changed assignment of items to phases (0-based; gate, split, reorder) and
    ``made_reversible`` the items granted in reversible form (snapback), so the change can be replayed.
    """

    kind: Literal["reorder", "split", "snapback", "gate"]
    text: str
    removes: bool
    margin: float
    phase_of: tuple[int, ...] = ()
    made_reversible: tuple[int, ...] = ()


@dataclass
class Temptation:
    """Party ``party`` gains ``margin`` by stopping before phase ``phase`` (0-based index) instead of
    continuing: ``stop`` is its payoff from stopping, ``finish`` its continuation payoff."""

    phase: int
    party: int
    margin: float
    stop: float
    finish: float
    proposals: list[Proposal] = field(default_factory=list)


@dataclass
class Roadmap:
    """A sequenced package (see the module docstring). Arrays are (P, T): party × phase."""

    items: ItemSet
    phase_of: npt.NDArray[np.int64]
    phases: list[Phase]
    exposure: npt.NDArray[np.float64]
    stop_payoff: npt.NDArray[np.float64]
    continuation: npt.NDArray[np.float64]
    final: npt.NDArray[np.float64]
    temptations: list[Temptation]
    snapbacks: list[SnapbackClause]
    violations: list[str] = field(default_factory=list)
    strategy: str = "optimized"
    method: str = "evaluation"
    optimal: bool = False
    gap: float | None = None
    objective: str | None = None
    objective_value: float | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: list[float] = field(default_factory=list)  # CP-SAT: objective, then each tie-break

    @property
    def n_phases(self) -> int:
        return len(self.phases)

    @property
    def max_exposure(self) -> npt.NDArray[np.float64]:
        """(P,) the largest exposure of each party over the roadmap."""
        if self.exposure.size == 0:
            return np.zeros(self.exposure.shape[0])
        return self.exposure.max(axis=1)

    @property
    def self_enforcing(self) -> bool:
        return not self.temptations

    @property
    def completion_days(self) -> int:
        return self.phases[-1].end if self.phases else 0

    @property
    def tempted_phases(self) -> int:
        return len({t.phase for t in self.temptations})

    def to_output(self, cs: CompiledScenario) -> RoadmapOutput:
        """The ``detente roadmap --format json`` document as a model (:class:`RoadmapOutput`)."""
        return _roadmap_output(self, cs)

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        """The ``detente roadmap --format json`` document."""
        return self.to_output(cs).model_dump(mode="json")


@dataclass
class StrategyComparison:
    """Big-for-big, naive step-by-step and optimized roadmaps of the same package."""

    roadmaps: list[Roadmap]

    def to_output(self, cs: CompiledScenario) -> CompareStrategiesOutput:
        """The ``detente compare-strategies --format json`` document as a model."""
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
            for rm in self.roadmaps
        ]
        return CompareStrategiesOutput(strategies=rows, roadmaps=[rm.to_output(cs) for rm in self.roadmaps])

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        return self.to_output(cs).model_dump(mode="json")


def _num(x: float) -> float | None:
    return None if x != x else float(x)  # NaN → None


def _roadmap_output(rm: Roadmap, cs: CompiledScenario) -> RoadmapOutput:
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
