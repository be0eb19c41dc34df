"""The one policy that picks a method for each analysis question (``method="auto"``).

Every threshold of the automatic choice is defined here, once. The policy never starts a computation
that cannot finish in its budget:

* **enumeration** walks every package; it is chosen when there are at most
  :data:`AUTO_ENUMERATION_OUTCOMES` outcomes (well under a second for all four concepts at 10^6) and
  refused outright beyond :data:`ENUMERATION_LIMIT` (an explicit ``method="enumeration"``).
* **dp** (the exact frontier by dynamic programming over constraint components) is started by
  ``auto`` only with at most :data:`DP_AUTO_PARTIES` parties — its frontier grows roughly like
  N^(P−1), so with 6 parties it can grow without bound — when every constraint component has at most
  :data:`DP_AUTO_COMPONENT_LIMIT` combinations (an explicit ``method="dp"``: :data:`DP_COMPONENT_LIMIT`), and always with the partial-frontier budget
  :data:`DP_AUTO_STATE_LIMIT`: when a fold step would exceed it the program stops at once and the
  policy falls back (:func:`detente.analysis.methods.dp.dp_frontier` returns None).
* **milp** (HiGHS; for egalitarian and KS on rule-free scenarios first the exact Lagrangian search of
  :mod:`detente.analysis.methods.maxmin_search`) for the questions linear in the option indicators — welfare,
  egalitarian (leximin), Kalai–Smorodinsky — and for Nash (a cutting-plane loop over tangents of the
  log, certified by exact re-evaluation; see :data:`NASH_REASON`), and **cp-sat** for the frontier
  search on large spaces (a point budget :data:`FRONTIER_POINTS`) and the Nash cases the loop hands over.

Every exact solver runs on a deterministic work budget (see :mod:`detente.analysis.methods.cpsat_model`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

Method = Literal["auto", "enumeration", "dp", "cp-sat", "milp"]
METHODS: tuple[str, ...] = ("auto", "enumeration", "dp", "cp-sat", "milp")

#: ``auto`` enumerates up to this many outcomes (before constraints).
AUTO_ENUMERATION_OUTCOMES = 2_000_000
#: Hard limit of enumeration, even when asked for explicitly.
ENUMERATION_LIMIT = 20_000_000
#: Largest number of option combinations of one constraint component in the dynamic program.
DP_COMPONENT_LIMIT = 2_000_000
#: Largest partial frontier (× options of the next component) of an explicit ``method="dp"``.
DP_STATE_LIMIT = 4_000_000
#: ``auto`` starts the dynamic program only with at most this many parties ...
DP_AUTO_PARTIES = 3
#: ... when every constraint component has at most this many combinations (each is tabulated in memory) ...
DP_AUTO_COMPONENT_LIMIT = 1 << 16
#: ... and with this partial-frontier budget (it stops and falls back as soon as a step would exceed it).
DP_AUTO_STATE_LIMIT = 1_000_000
#: Frontier points a CP-SAT frontier search lists by default (deterministic point budget).
FRONTIER_POINTS = 2000
#: Concepts linear in the option indicators (MILP).
LINEAR_CONCEPTS: tuple[str, ...] = ("welfare", "egalitarian", "ks")
#: Nash goes to the HiGHS cutting-plane loop on every data type: measured on the 200 × 6 Genius-like
#: instance (benchmarks/bench_realvalued.py, docs/benchmarks.md) it proves 0-decimal (integer) data in
#: 0.04–0.12 s CPU where the CP-SAT search needs ~1.3 s, and 2–12-decimal data in 0.04–0.15 s where
#: CP-SAT needs 1.3 s, ~7 s, or does not prove (12 decimals: values rounded). CP-SAT stays the fallback
#: when no package gives every party a strict gain (the product over a subset of parties) and the
#: ``method="cp-sat"`` choice.
NASH_REASON = "Nash: HiGHS log-tangent cutting planes, certified by exact re-evaluation"


@dataclass(frozen=True)
class MethodChoice:
    """The method ``auto`` picked for a question and why (said in the answer's notes)."""

    method: str
    reason: str


def dp_components_fit(cs: CompiledScenario, limit: int = DP_COMPONENT_LIMIT) -> bool:
    """Whether every constraint component has at most ``limit`` option combinations."""
    from detente.model.compiled import constraint_components as components

    return all(math.prod(int(cs.n_options[k]) for k in ms) <= limit for ms in components(cs))


def dp_fits(cs: CompiledScenario) -> bool:
    """Whether ``auto`` may start the (budgeted) dynamic program on this scenario."""
    return cs.n_parties <= DP_AUTO_PARTIES and dp_components_fit(cs, DP_AUTO_COMPONENT_LIMIT)


def choose_method(cs: CompiledScenario, question: str) -> MethodChoice:
    """The method for ``question`` ∈ {"frontier", "nash", "ks", "egalitarian", "welfare"} (module docstring).

    For a concept the answer is the first method to try; the dynamic program may still fall back (its
    state budget) and the caller then asks :func:`large_method`.
    """
    n = cs.n_outcomes
    if n <= AUTO_ENUMERATION_OUTCOMES:
        return MethodChoice("enumeration", f"{n:,} outcomes ≤ {AUTO_ENUMERATION_OUTCOMES:,}: enumeration")
    if dp_fits(cs):
        return MethodChoice("dp", f"{cs.n_parties} parties and small constraint components: dynamic program")
    return large_method(cs, question)


def large_method(cs: CompiledScenario, question: str) -> MethodChoice:
    """The optimizer for a space too large to enumerate (after a dynamic-program fallback too)."""
    if question in LINEAR_CONCEPTS:
        return MethodChoice("milp", f"{question} is linear in the option indicators: MILP (HiGHS)")
    if question == "nash":
        return MethodChoice("milp", NASH_REASON)
    return MethodChoice("cp-sat", "frontier of a large space: CP-SAT search with a point budget")
