"""Exact Pareto frontier of the acceptable packages by CP-SAT, for spaces too large to enumerate.

A utility vector u(p) of an acceptable package p is **nondominated** when no acceptable q has
u_i(q) ≥ u_i(p) for every party i with at least one strict inequality. The frontier lists one package
per nondominated utility vector (packages with the same vector are interchangeable on the frontier).

* **Two parties — epsilon-constraint sweep.** Points are found in decreasing u_1: each solve takes the
  lexicographic maximum of (u_1, u_2) subject to u_2 ≥ ε, then sets ε = u_2 + 1 (utilities are scaled to
  integers). A lexicographic maximum is nondominated, and consecutive frontier points have strictly
  increasing u_2, so the sweep visits every point, one solve each (the lexicographic order is one
  weighted objective W·u_1 + u_2 with W larger than the range of u_2, or two solves when W would be
  too large for 64-bit integers).
* **P parties — domination-avoiding search.** With F the points found so far, solve
  max Σ_i u_i over acceptable packages not weakly dominated by any f ∈ F (for every f, at least one
  u_i ≥ f_i + 1, a disjunction of P literals). The maximiser q is nondominated: a package dominating q
  would have a larger sum, and it is either outside the search space — then some f weakly dominates it,
  hence q — or inside it, contradicting optimality. Each solve yields a new point; when CP-SAT proves the
  search space empty, F is the whole frontier. F starts with every party's extreme point (max u_i,
  then max Σ u), so a frontier cut short by its point budget still spans every party's range.

Every point is proven nondominated by an OPTIMAL CP-SAT status. The run stops at ``budget`` points
(``truncated=True``) or at the time limit (``exact=False``); in both cases the points listed are still
nondominated. Values are scaled to integers as in :mod:`detente.analysis.methods.cpsat_model`; when they had
to be rounded (more than 6 decimals) the frontier is exact for the rounded values and ``exact`` is False.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from detente.analysis.budget import WALL_STOP_NOTE, Budget
from detente.analysis.methods.cpsat_model import ScaledModel, has_solution, scaled_model, solve
from detente.analysis.results import FrontierResult, Package
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

INT64_SAFE = 2**62


def _int_utilities(sm: ScaledModel, choices: np.ndarray) -> tuple[int, ...]:
    u = sm.pm.int_values[sm.pm.cs.global_options(choices)].sum(axis=0)
    return tuple(int(v) for v in u)


def _stop_state(status: int, n_found: int, limit: int) -> tuple[bool, bool] | None:
    """(complete, truncated) when the search ends after a solve with ``status``; None to go on.

    INFEASIBLE: no further nondominated point, the frontier is complete. A solution beyond the point
    budget: truncated. Anything short of a proven optimum (time limit): incomplete.
    """
    from ortools.sat.python import cp_model

    if status == cp_model.INFEASIBLE:
        return True, False
    if n_found >= limit and has_solution(status):
        return False, True
    if status != cp_model.OPTIMAL:
        return False, False
    return None


def _sweep_two(
    cs: CompiledScenario, budget: Budget, limit: int
) -> tuple[list[np.ndarray], bool, bool, ScaledModel]:
    """Two-party epsilon-constraint sweep. Returns (packages, complete, truncated, model)."""
    from ortools.sat.python import cp_model

    sm = scaled_model(cs)
    lo = sm.gain_lo + sm.int_disagreement
    hi = sm.gain_hi + sm.int_disagreement
    weight = int(hi[1] - lo[1]) + 1
    one_solve = weight * int(max(abs(lo[0]), abs(hi[0]))) + int(max(abs(lo[1]), abs(hi[1]))) < INT64_SAFE
    found: list[np.ndarray] = []
    eps: int | None = None
    while True:
        if budget.expired:
            return found, False, False, sm
        s = scaled_model(cs)
        u1, u2 = s.pm.u
        if eps is not None:
            s.model.add(u2 >= eps)
        if one_solve:
            s.model.maximize(weight * u1 + u2)
        else:
            s.model.maximize(u1)
            status, solver = solve(s, budget)
            if status == cp_model.INFEASIBLE:
                return found, True, False, sm
            if status != cp_model.OPTIMAL:
                return found, False, False, sm
            s.model.add(u1 == round(solver.objective_value))
            s.model.clear_objective()
            s.model.maximize(u2)
        status, solver = solve(s, budget)
        stop = _stop_state(status, len(found), limit)
        if stop is not None:
            return found, *stop, sm
        choices = s.pm.choices(solver)
        found.append(choices)
        eps = _int_utilities(s, choices)[1] + 1


def _extreme(
    cs: CompiledScenario, i: int, budget: Budget, known: dict[int, np.ndarray | None] | None = None
) -> np.ndarray | None:
    """Party i's extreme point: max u_i, then max Σ_j u_j among those (nondominated), or None.
    ``known`` caches the proven extreme points of one frontier search (each is solved once)."""
    if known is not None and i in known:
        return known[i]
    from ortools.sat.python import cp_model

    s = scaled_model(cs)
    s.model.maximize(s.pm.u[i])
    status, solver = solve(s, budget)
    if status != cp_model.OPTIMAL:
        return None
    s.model.add(s.pm.u[i] >= round(solver.objective_value))
    s.model.clear_objective()
    s.model.maximize(sum(s.pm.u))
    status, solver = solve(s, budget)
    found = s.pm.choices(solver) if status == cp_model.OPTIMAL else None
    if known is not None and found is not None:
        known[i] = found
    return found


def _search_many(
    cs: CompiledScenario, budget: Budget, limit: int, known: dict[int, np.ndarray | None] | None = None
) -> tuple[list[np.ndarray], bool, bool, ScaledModel]:
    """P-party domination-avoiding search, seeded with every party's extreme point (so even a
    truncated frontier spans each party's full range). Returns (packages, complete, truncated, model)."""

    sm = scaled_model(cs)
    model, u = sm.model, sm.pm.u
    model.maximize(sum(u))
    found: list[np.ndarray] = []
    seen: set[tuple[int, ...]] = set()

    def exclude(choices: np.ndarray) -> None:
        point = _int_utilities(sm, choices)
        if point in seen:
            return
        seen.add(point)
        found.append(choices)
        better = []
        for i, f in enumerate(point):
            b = model.new_bool_var("")
            model.add(u[i] >= f + 1).only_enforce_if(b)
            better.append(b)
        model.add_bool_or(better)

    for i in range(cs.n_parties):
        if budget.expired:
            break
        c = _extreme(cs, i, budget, known)
        if c is not None:
            exclude(c)
    while True:
        if budget.expired:
            return found, False, False, sm
        status, solver = solve(sm, budget)
        stop = _stop_state(status, len(found), limit)
        if stop is not None:
            return found, *stop, sm
        exclude(sm.pm.choices(solver))


def frontier_cpsat(cs: CompiledScenario, *, budget: int = 2000, time_limit: float = 60.0) -> FrontierResult:
    """Exact Pareto frontier of the acceptable packages (see module docstring).

    One package per nondominated utility vector, sorted by decreasing utilities (lexicographically).
    ``exact`` is True when CP-SAT proved that no further point exists; ``truncated`` when ``budget``
    points were reached first.
    """
    if budget < 1:
        raise DetenteError(f"the frontier budget must be at least 1 point (got {budget})")
    from ortools.sat.python import cp_model  # noqa: F401  (imported before the safety clock starts)

    started = time.perf_counter()
    clock = Budget.of(time_limit)
    extremes: dict[int, np.ndarray | None] = {}
    if cs.n_parties == 2:
        method = "cp-sat+epsilon-constraint"
        found, complete, truncated, sm = _sweep_two(cs, clock, budget)
    else:
        method = "cp-sat+domination-cuts"
        found, complete, truncated, sm = _search_many(cs, clock, budget, extremes)
    if not complete:  # a frontier cut short still lists every party's extreme point
        seen = {_int_utilities(sm, c) for c in found}
        for i in range(cs.n_parties):
            c = _extreme(cs, i, clock, extremes)
            if c is not None and _int_utilities(sm, c) not in seen:
                seen.add(_int_utilities(sm, c))
                found.append(c)
    notes: list[str] = []
    if truncated:
        notes.append(f"stopped at the budget of {budget} points: more nondominated points exist")
    elif not complete:
        notes.append("work limit reached: the points listed are nondominated, but the list is incomplete")
    if clock.wall_stopped:
        complete = False
        notes.append(WALL_STOP_NOTE)
    if not sm.exact:
        notes.append(
            f"values were rounded to 1/{sm.scale} for CP-SAT: the frontier is exact for rounded values"
        )
    packages = [Package(c, cs.utilities(c)) for c in found]
    packages.sort(key=lambda p: tuple(-p.utilities))
    if complete and not found:
        notes.append("no acceptable package: see `diagnose` for the smallest relaxation that opens a zone")
    return FrontierResult(
        method=method,
        exact=complete and sm.exact,
        truncated=truncated,
        packages=packages,
        n_acceptable=None,
        notes=notes,
        seconds=time.perf_counter() - started,
    )
