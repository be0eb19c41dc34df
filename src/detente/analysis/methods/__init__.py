"""The four methods of deal analysis, one protocol (:class:`Backend`) each implements.

============== ======================================================= =====================================
``method=``    module                                                  answers
============== ======================================================= =====================================
enumeration    :mod:`~detente.analysis.methods.enumeration`            every concept in one pass over every
                                                                       acceptable package (every tie); the
                                                                       frontier by a streaming Pareto filter
dp             :mod:`~detente.analysis.methods.dp`                     the exact frontier by dynamic
                                                                       programming; every concept read off it
milp           :mod:`~detente.analysis.methods.milp` (welfare,          one concept per solve on the real
               egalitarian, KS; :mod:`~.maxmin_search` first),          values, re-evaluated exactly
               :mod:`~detente.analysis.methods.milp_nash` (Nash)
cp-sat         :mod:`~detente.analysis.methods.cpsat` (concepts),       one concept per solve on integer-
               :mod:`~detente.analysis.methods.cpsat_frontier`          scaled values; the frontier with a
               (frontier)                                              point budget
============== ======================================================= =====================================

Each backend below is a thin adapter over its module's plain functions (imported when first used:
OR-Tools and HiGHS are heavy). Which method answers which question under ``method="auto"`` is decided
in one place,
:func:`detente.analysis.dispatch.choose_method`; the public entry points (:mod:`detente.analysis.solve`)
call :func:`backend` and nothing else. Every backend returns typed, frozen results
(:class:`~detente.analysis.results.SolveResult`, :class:`~detente.analysis.results.FrontierResult`)
that say their method, whether they are proven optimal and the gap; every backend is checked against
exact brute force by one invariant suite (``tests/analysis/test_backends.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from detente.analysis.results import FrontierResult, SolveResult
    from detente.model.compiled import CompiledScenario


@runtime_checkable
class Backend(Protocol):
    """What every method offers.

    ``concepts`` answers several solution concepts at once (one pass where the method allows it,
    else one solve each on an even share of one work budget); ``frontier`` the Pareto frontier.
    ``budgeted`` (``method="auto"``): the method may give up when its own budget would be exceeded
    (the dynamic program's state budget) and then returns None so the policy falls back; a method
    that is asked for explicitly raises a :class:`~detente.errors.DetenteError` instead.
    """

    name: str

    def concepts(
        self,
        cs: CompiledScenario,
        concepts: tuple[str, ...],
        *,
        time_limit: float,
        limit: int,
        budgeted: bool,
    ) -> dict[str, SolveResult] | None: ...

    def frontier(
        self, cs: CompiledScenario, *, budget: int, points: int, time_limit: float, budgeted: bool
    ) -> FrontierResult | None: ...


def one_at_a_time(
    concepts: tuple[str, ...], time_limit: float, solve_one: Callable[[str, float], SolveResult]
) -> dict[str, SolveResult]:
    """Each concept by its own solve, all on one work budget: each gets an even share of what is left
    (work one leaves unused passes on to the next; :mod:`detente.analysis.budget`)."""
    from detente.analysis.budget import Budget, step_budget

    whole = Budget.of(time_limit)
    out: dict[str, SolveResult] = {}
    for n, c in enumerate(concepts):
        with step_budget(whole.share(len(concepts) - n)) as part:
            out[c] = solve_one(c, part.left())
    return out


class EnumerationBackend:
    """``method="enumeration"``: :mod:`~detente.analysis.methods.enumeration`."""

    name = "enumeration"

    def concepts(
        self,
        cs: CompiledScenario,
        concepts: tuple[str, ...],
        *,
        time_limit: float,
        limit: int,
        budgeted: bool,
    ) -> dict[str, SolveResult]:
        from detente.analysis.methods.enumeration import concepts_by_enumeration

        return concepts_by_enumeration(cs, concepts, limit)

    def frontier(
        self, cs: CompiledScenario, *, budget: int, points: int, time_limit: float, budgeted: bool
    ) -> FrontierResult:
        from detente.analysis.methods.enumeration import frontier_by_enumeration

        return frontier_by_enumeration(cs, budget=budget)


class DpBackend:
    """``method="dp"``: :mod:`~detente.analysis.methods.dp` (None when the budgeted program gives up)."""

    name = "dp"

    def concepts(
        self,
        cs: CompiledScenario,
        concepts: tuple[str, ...],
        *,
        time_limit: float,
        limit: int,
        budgeted: bool,
    ) -> dict[str, SolveResult] | None:
        from detente.analysis.methods.dp import concepts_by_dp

        return concepts_by_dp(cs, concepts, budgeted=budgeted)

    def frontier(
        self, cs: CompiledScenario, *, budget: int, points: int, time_limit: float, budgeted: bool
    ) -> FrontierResult | None:
        from detente.analysis.methods.dp import frontier_by_dp

        return frontier_by_dp(cs, budget=budget, budgeted=budgeted)


class CpsatBackend:
    """``method="cp-sat"``: each concept by :func:`~detente.analysis.methods.cpsat.solve_cpsat`; the
    frontier by :func:`~detente.analysis.methods.cpsat_frontier.frontier_cpsat` (at most ``points``
    points, each party's extreme point always among them)."""

    name = "cp-sat"

    def concepts(
        self,
        cs: CompiledScenario,
        concepts: tuple[str, ...],
        *,
        time_limit: float,
        limit: int,
        budgeted: bool,
    ) -> dict[str, SolveResult]:
        from detente.analysis.methods.cpsat import solve_cpsat

        return one_at_a_time(concepts, time_limit, lambda c, t: solve_cpsat(cs, c, time_limit=t))

    def frontier(
        self, cs: CompiledScenario, *, budget: int, points: int, time_limit: float, budgeted: bool
    ) -> FrontierResult:
        from detente.analysis.methods.cpsat_frontier import frontier_cpsat

        return frontier_cpsat(cs, budget=min(budget, points), time_limit=time_limit)


class MilpBackend:
    """``method="milp"``: welfare, egalitarian and KS by :func:`~detente.analysis.methods.milp.solve_milp`,
    Nash by the certified cutting-plane loop of :mod:`~detente.analysis.methods.milp_nash` (CP-SAT when
    no package gives every party a strict gain). The frontier is not a linear question: the CP-SAT
    search answers it (``auto`` never sends it here)."""

    name = "milp"

    def _one(self, cs: CompiledScenario, concept: str, time_limit: float) -> SolveResult:
        if concept == "nash":
            from detente.analysis.methods.milp_nash import solve_nash_milp

            found = solve_nash_milp(cs, time_limit=time_limit)
            if found is not None:
                return found
            from detente.analysis.methods.cpsat import solve_cpsat

            return solve_cpsat(cs, concept, time_limit=time_limit)
        from detente.analysis.methods.milp import solve_milp

        return solve_milp(cs, concept, time_limit=time_limit)

    def concepts(
        self,
        cs: CompiledScenario,
        concepts: tuple[str, ...],
        *,
        time_limit: float,
        limit: int,
        budgeted: bool,
    ) -> dict[str, SolveResult]:
        return one_at_a_time(concepts, time_limit, lambda c, t: self._one(cs, c, t))

    def frontier(
        self, cs: CompiledScenario, *, budget: int, points: int, time_limit: float, budgeted: bool
    ) -> FrontierResult:
        return CpsatBackend().frontier(
            cs, budget=budget, points=points, time_limit=time_limit, budgeted=budgeted
        )


#: The backend of each ``method=`` (the dispatcher's vocabulary, :data:`detente.analysis.dispatch.METHODS`).
BACKENDS: dict[str, Backend] = {
    "enumeration": EnumerationBackend(),
    "dp": DpBackend(),
    "milp": MilpBackend(),
    "cp-sat": CpsatBackend(),
}


def backend(name: str) -> Backend:
    """The backend of ``method=name``."""
    return BACKENDS[name]
