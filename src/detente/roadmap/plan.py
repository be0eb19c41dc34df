"""The roadmap API: :func:`plan_roadmap` and :func:`compare_strategies` over a compiled scenario.

* :func:`plan_roadmap` — items of the package (:mod:`~detente.roadmap.items`), sequenced by CP-SAT
  (:mod:`~detente.roadmap.sequencer`), evaluated for exposure and self-enforcement
  (:mod:`~detente.roadmap.evaluate`), with proposals for every temptation
  (:mod:`~detente.roadmap.enforce`).
* :func:`compare_strategies` — for the same package: **big-for-big** (everything in one phase),
  **naive step-by-step** (one item per phase, in file order with prerequisites first) and the
  **optimized** roadmap, compared on maximum exposure, time to completion and tempted phases.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario
from detente.roadmap.enforce import attach_proposals
from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import ItemSet, build_items
from detente.roadmap.model import Roadmap, StrategyComparison
from detente.roadmap.rules import SequencingRules
from detente.roadmap.sequencer import sequence


def plan_roadmap(
    cs: CompiledScenario,
    choices: npt.ArrayLike,
    *,
    objective: str = "exposure",
    max_phases: int = 12,
    reciprocity: float | None = None,
    self_enforcing: bool = False,
    time_limit: float = 10.0,
    split_graded: bool = True,
    propose: bool = True,
    seed: int = 0,
) -> Roadmap:
    """Sequence package ``choices`` into at most ``max_phases`` phases (see the module docstring).

    ``objective`` is ``exposure`` (smallest maximum exposure), ``phases`` (fewest phases) or ``time``
    (earliest completion); ``reciprocity`` is the per-phase balance tolerance in utility units
    (None: no bound); ``self_enforcing`` makes "no party is ever tempted" a hard rule. Raises
    :class:`~detente.roadmap.sequencer.RoadmapInfeasible` naming the conflicting rules.
    """
    items = build_items(cs, choices, split_graded=split_graded)
    rules = SequencingRules(
        max_phases=max_phases,
        reciprocity=reciprocity,
        self_enforcing=self_enforcing,
        party_names=cs.party_names,
    )
    return plan_items(items, rules, objective=objective, time_limit=time_limit, propose=propose, seed=seed)


def plan_items(
    items: ItemSet,
    rules: SequencingRules,
    *,
    objective: str = "exposure",
    time_limit: float = 10.0,
    propose: bool = True,
    seed: int = 0,
) -> Roadmap:
    """:func:`plan_roadmap` for items already built: sequence them under ``rules``, then (``propose``)
    attach the fix proposals of every temptation, each checked against the same ``rules``."""
    rm = sequence(None, items, objective=objective, rules=rules, time_limit=time_limit, seed=seed)
    if propose and rm.temptations:
        reordered = None
        try:
            reordered = sequence(
                None,
                items,
                objective=objective,
                rules=replace(rules, self_enforcing=True),
                time_limit=min(time_limit, 5.0),
                seed=seed,
            )
        except DetenteError:
            rm.notes.append("no order of these items under the same rules is free of temptations")
        attach_proposals(rm, reordered, rules)
    return rm


def naive_order(items: ItemSet) -> npt.NDArray[np.int64]:
    """One item per phase: file order, except that an item waits for its prerequisites (Kahn's algorithm)."""
    n = len(items)
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for a, b in tuple(items.before) + tuple(items.not_after):
        succ[a].append(b)
        indeg[b] += 1
    heap = [k for k in range(n) if indeg[k] == 0]
    heapq.heapify(heap)
    phase = np.zeros(n, dtype=np.int64)
    t = 0
    while heap:
        k = heapq.heappop(heap)
        phase[k] = t
        t += 1
        for b in succ[k]:
            indeg[b] -= 1
            if indeg[b] == 0:
                heapq.heappush(heap, b)
    return phase


def compare_strategies(
    cs: CompiledScenario,
    choices: npt.ArrayLike,
    *,
    objective: str = "exposure",
    max_phases: int = 12,
    reciprocity: float | None = None,
    time_limit: float = 10.0,
    split_graded: bool = True,
    seed: int = 0,
    history: bool = False,
) -> StrategyComparison:
    """Big-for-big, naive step-by-step and optimized roadmaps of one package (module docstring).

    ``history=True`` adds the phases actually agreed (the scenario's ``history:`` section, see
    :mod:`detente.roadmap.history`); ``choices`` should then be :func:`~detente.roadmap.history.history_package`.
    """
    items = build_items(cs, choices, split_graded=split_graded)
    big = evaluate(items, np.zeros(len(items), dtype=np.int64), strategy="big-for-big")
    big.method = "fixed: every item in one phase"
    naive = evaluate(items, naive_order(items), strategy="step-by-step")
    naive.method = "fixed: one item per phase, file order, prerequisites first"
    best = plan_roadmap(
        cs,
        choices,
        objective=objective,
        max_phases=max_phases,
        reciprocity=reciprocity,
        time_limit=time_limit,
        split_graded=split_graded,
        propose=False,
        seed=seed,
    )
    out = [big, naive, best]
    if history:
        from detente.roadmap.history import historical_roadmap

        out.append(historical_roadmap(cs, items))
    return StrategyComparison(out)
