"""Roadmaps: sequence a package into verifiable phases (exposure, CP-SAT sequencing, self-enforcement).

Public API::

    plan_roadmap(cs, choices, *, objective="exposure", max_phases=12, reciprocity=None, time_limit=10.0)
    compare_strategies(cs, choices) -> StrategyComparison
    gantt_chart(roadmap, cs, path_or_ax)      exposure_chart(roadmap, cs, path_or_ax)

Definitions and formulas: :mod:`detente.roadmap.evaluate` and docs/roadmaps.md.
"""

from detente.roadmap.charts import exposure_chart, gantt_chart
from detente.roadmap.items import Item, ItemSet, build_items
from detente.roadmap.model import Phase, Proposal, Roadmap, SnapbackClause, StrategyComparison, Temptation
from detente.roadmap.plan import compare_strategies, plan_roadmap
from detente.roadmap.sequencer import RoadmapInfeasible

__all__ = [
    "Item",
    "ItemSet",
    "Phase",
    "Proposal",
    "Roadmap",
    "RoadmapInfeasible",
    "SnapbackClause",
    "StrategyComparison",
    "Temptation",
    "build_items",
    "compare_strategies",
    "exposure_chart",
    "gantt_chart",
    "plan_roadmap",
]
