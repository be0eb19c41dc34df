"""The public entry points of deal analysis: acceptable packages, the frontier, bargaining solutions.

Methods (``method=``); ``auto`` asks :func:`detente.analysis.dispatch.choose_method`, the one policy
(every threshold is defined there):

* ``"enumeration"`` — the semantics of running every concept on **all** acceptable packages, so every
  tie is found (including Kalai–Smorodinsky ties that are weakly dominated). When the exact frontier is
  cheap (dynamic program), welfare, egalitarian and Nash are read off it (their optima are Pareto
  optimal) and one enumeration pass above the KS value's thresholds collects the KS ties; otherwise
  every acceptable package is enumerated and kept (:mod:`detente.analysis.enumerate`).
* ``"dp"`` — the exact frontier by dynamic programming over constraint components
  (:func:`detente.analysis.frontier.dp_frontier`); concepts run on the frontier (see
  :mod:`detente.analysis.concepts` for why that is exact for welfare, egalitarian and Nash; KS ties
  that are weakly dominated are not listed, and a note says so). Under ``auto`` it runs with a state
  budget and falls back to the optimizers when the budget would be exceeded.
* ``"milp"`` — HiGHS for welfare, egalitarian (leximin) and KS (:mod:`detente.analysis.milp`), and Nash
  by a certified cutting-plane loop (:mod:`detente.analysis.milp_nash`; CP-SAT when no package gives
  every party a strict gain).
* ``"cp-sat"`` — CP-SAT (:mod:`detente.analysis.cpsat_concepts`, :mod:`detente.analysis.epsilon_frontier`).

Every result says its method, whether it is proven optimal and the gap. Exact solvers run on a
deterministic work budget (``time_limit``, in work units; see :mod:`detente.analysis.cpsat_model`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from detente.analysis import concepts as _concepts
from detente.analysis import dispatch as _dispatch
from detente.analysis.dispatch import (
    DP_AUTO_STATE_LIMIT,
    ENUMERATION_LIMIT,
    METHODS,
    choose_method,
    large_method,
)
from detente.analysis.enumerate import (
    PackageSet,
    UtilityGrid,
    check_enumerable,
    decode,
    enumerate_packages,
    iter_packages,
    utility_grid,
)
from detente.analysis.frontier import PACKAGE_BUDGET, ExactFrontier, StreamingFrontier, dp_frontier
from detente.analysis.results import CONCEPTS, TIE_TOLERANCE, FrontierResult, Package, SolveResult
from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario

NO_DEAL_NOTE = (
    "no acceptable package: no package meets every constraint and every reservation value "
    "(see `detente diagnose` / detente.analysis.diagnosis for why)"
)
KS_FRONTIER_NOTE = (
    "computed on the Pareto frontier: packages weakly dominated by a listed package that have the same "
    "Kalai–Smorodinsky value are not listed"
)


def _check(concept: str | None, method: str) -> None:
    if concept is not None and concept not in CONCEPTS:
        raise DetenteError(f"unknown solution concept '{concept}': choose one of {', '.join(CONCEPTS)}")
    if method not in METHODS:
        raise DetenteError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")


def _packages(cs: CompiledScenario, choices: np.ndarray) -> list[Package]:
    if choices.shape[0] == 0:
        return []
    u = cs.utilities(choices)
    return [Package(np.asarray(c, dtype=np.int64), np.asarray(v)) for c, v in zip(choices, u, strict=True)]


def acceptable_packages(cs: CompiledScenario, limit: int = ENUMERATION_LIMIT) -> PackageSet:
    """Every acceptable package as arrays (``.choices`` (N, M), ``.utilities`` (N, P), ``.packages()``).

    Raises :class:`DetenteError` beyond ``limit`` outcomes.
    """
    return enumerate_packages(cs, acceptable=True, limit=limit)


def is_zone_of_agreement(cs: CompiledScenario, *, time_limit: float = 30.0) -> bool:
    """Whether some package is acceptable to every party (a zone of possible agreement exists).

    Enumeration (stops at the first acceptable package) up to the auto threshold, else CP-SAT
    feasibility, checked again in floating point.
    """
    if cs.n_outcomes <= _dispatch.AUTO_ENUMERATION_OUTCOMES:
        return any(len(chunk) > 0 for chunk in iter_packages(cs))
    from ortools.sat.python import cp_model

    from detente.analysis.cpsat_model import build_package_model, new_solver

    pm = build_package_model(cs, acceptable=True)
    solver = new_solver(time_limit)
    status = solver.Solve(pm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return bool(cs.acceptable(pm.choices(solver))[0]) or bool(np.any(pm.rounding_error > 0))
    if status == cp_model.INFEASIBLE:
        return False
    raise DetenteError(
        f"could not decide within {time_limit:g} s whether an acceptable package exists: raise the time limit"
    )


# ---------------------------------------------------------------------------------------------
# frontier
# ---------------------------------------------------------------------------------------------
GRID_NOTE = (
    "utilities were compared on a grid of 12 significant digits per party and some values have more digits: "
    "with this many moves the rounding could exceed the tie tolerance, so the frontier is not claimed exact"
)


def grid_exact(cs: CompiledScenario, grid: UtilityGrid) -> bool:
    """Whether comparisons on ``grid`` decide dominance and ties exactly up to the tie tolerance: every
    value is on the grid, or the summed rounding (M half steps) stays below TIE_TOLERANCE · U_i."""
    return grid.exact or bool(cs.n_moves * 0.5 <= TIE_TOLERANCE * float((grid.units * grid.scale).min()))


def _frontier_from_exact(
    ef: ExactFrontier, cs: CompiledScenario, budget: int, seconds: float
) -> FrontierResult:
    exact = grid_exact(cs, ef.grid)
    notes = list(ef.notes) + ([] if exact else [GRID_NOTE])
    cut = ef.choices.shape[0] > budget
    if cut:
        notes.append(f"{ef.choices.shape[0]:,} distinct frontier points; listing the first {budget:,}")
    return FrontierResult(
        method="dp",
        exact=exact,
        truncated=ef.truncated or cut,
        packages=_packages(cs, ef.choices[:budget]),
        n_acceptable=None,
        notes=notes,
        seconds=seconds,
    )


def enumerated_frontier(
    cs: CompiledScenario, *, limit: int = ENUMERATION_LIMIT, grid: UtilityGrid | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """(choices, grid utilities, number of acceptable packages) of the frontier by enumeration."""
    g = utility_grid(cs) if grid is None else grid
    sf = StreamingFrontier(cs.n_parties)
    for chunk in iter_packages(cs, limit=limit, grid=g):
        sf.add(chunk)
    index, ints = sf.result()
    return decode(cs, index), ints, sf.n_seen


def frontier(
    cs: CompiledScenario,
    *,
    method: str = "auto",
    budget: int = PACKAGE_BUDGET,
    time_limit: float = 30.0,
    points: int | None = None,
) -> FrontierResult:
    """The Pareto frontier of the acceptable packages (ties kept), as a :class:`FrontierResult`.

    ``auto`` (:func:`~detente.analysis.dispatch.choose_method`): enumeration on small spaces, the
    budgeted dynamic program with few parties, else the CP-SAT search with a point budget (``points``,
    default :data:`~detente.analysis.dispatch.FRONTIER_POINTS`) and ``time_limit`` work units; an
    incomplete CP-SAT frontier always contains each party's extreme point. ``budget`` caps the
    packages listed (``truncated`` says when it cut the list).
    """
    from detente.analysis.dispatch import FRONTIER_POINTS

    _check(None, method)
    start = time.perf_counter()
    chosen = choose_method(cs, "frontier").method if method == "auto" else method
    if chosen == "milp":
        chosen = "cp-sat"
    if chosen == "dp":
        state_limit = DP_AUTO_STATE_LIMIT if method == "auto" else None
        ef = dp_frontier(cs, budget=budget, state_limit=state_limit)
        if ef is not None:
            return _frontier_from_exact(ef, cs, budget, time.perf_counter() - start)
        if method == "dp":
            raise DetenteError(
                "the exact dynamic program cannot handle this scenario (a group of moves linked by "
                "constraints is too large to enumerate, or the frontier is too large): use method='cp-sat'"
            )
        chosen = "cp-sat"
    if chosen == "enumeration":
        g = utility_grid(cs)
        choices, _ints, n_acc = enumerated_frontier(cs, grid=g)
        truncated = choices.shape[0] > budget
        notes = [f"{choices.shape[0]:,} frontier packages; listing the first {budget:,}"] if truncated else []
        exact = grid_exact(cs, g)
        notes += [] if exact else [GRID_NOTE]
        return FrontierResult(
            method="enumeration",
            exact=exact,
            truncated=truncated,
            packages=_packages(cs, choices[:budget]),
            n_acceptable=n_acc,
            notes=notes,
            seconds=time.perf_counter() - start,
        )
    from detente.analysis.epsilon_frontier import frontier_cpsat

    n_points = min(budget, FRONTIER_POINTS if points is None else points)
    return frontier_cpsat(cs, budget=n_points, time_limit=time_limit)


# ---------------------------------------------------------------------------------------------
# solution concepts
# ---------------------------------------------------------------------------------------------
def _result(
    cs: CompiledScenario,
    concept: str,
    method: str,
    choices_of: Callable[[np.ndarray], np.ndarray],
    n_candidates: int,
    choice: _concepts.ConceptChoice,
    seconds: float,
    extra: list[str] | None = None,
) -> SolveResult:
    notes = list(choice.notes) + list(extra or [])
    if n_candidates == 0:
        notes = [NO_DEAL_NOTE]
    return SolveResult(
        concept=concept,
        method=method,
        optimal=True,
        gap=0.0,
        packages=_packages(cs, choices_of(choice.rows)),
        objective=choice.objective,
        notes=notes,
        seconds=seconds,
    )


def _exact_family(
    cs: CompiledScenario, method: str, concepts: tuple[str, ...], limit: int, *, budgeted: bool
) -> dict[str, SolveResult] | None:
    """Concepts by enumeration or the dynamic program (one pass for all of them); None when the
    budgeted dynamic program under ``auto`` gives up (the caller falls back to the optimizers)."""
    start = time.perf_counter()
    extra: dict[str, list[str]] = {c: [] for c in CONCEPTS}
    if method == "enumeration":
        # the frontier shortcut only where the dynamic program is cheap (few parties, small components)
        ef_enum = (
            dp_frontier(cs, budget=PACKAGE_BUDGET, state_limit=DP_AUTO_STATE_LIMIT)
            if _dispatch.dp_fits(cs)
            else None
        )
        if ef_enum is not None and not ef_enum.truncated:
            return _enumeration_via_frontier(cs, ef_enum, concepts, limit, start)
        ps = enumerate_packages(cs, limit=limit)
        ints, grid, label = ps.ints, ps.grid, "enumeration"

        def choices_of(rows: np.ndarray) -> np.ndarray:
            return decode(cs, ps.index[rows])
    else:
        ef = dp_frontier(cs, budget=PACKAGE_BUDGET, state_limit=DP_AUTO_STATE_LIMIT if budgeted else None)
        if ef is None:
            if not budgeted:
                raise DetenteError(
                    "the exact dynamic program cannot handle this scenario (a group of moves linked by "
                    "constraints is too large, or the frontier is too large): use method='cp-sat'"
                )
            return None
        ints, grid, label = ef.ints, ef.grid, "dp"
        front = ef.choices

        def choices_of(rows: np.ndarray) -> np.ndarray:
            return front[rows]

        extra["ks"].append(KS_FRONTIER_NOTE)
        if ef.truncated:
            for name in CONCEPTS:
                extra[name].append("frontier ties were truncated to one package per utility vector")
    ideal = _concepts.ideal_point(ints) if ints.shape[0] else None
    out: dict[str, SolveResult] = {}
    for c in concepts:
        t0 = time.perf_counter()
        choice = _concepts.choose(c, ints, grid, ideal, weights=cs.weight)
        shared = t0 - start
        out[c] = _result(
            cs, c, label, choices_of, ints.shape[0], choice, shared + time.perf_counter() - t0, extra[c]
        )
    return out


def _optimize(cs: CompiledScenario, concept: str, method: str, time_limit: float) -> SolveResult:
    """One concept by an optimizer (``milp`` or ``cp-sat``) on a deterministic work budget."""
    if method == "milp" and concept == "nash":
        from detente.analysis.milp_nash import solve_nash_milp

        found = solve_nash_milp(cs, time_limit=time_limit)
        if found is not None:
            return found
        method = "cp-sat"  # no package gives every party a strict gain: the CP-SAT search handles it
    if method == "milp":
        from detente.analysis.milp import solve_milp

        return solve_milp(cs, concept, time_limit=time_limit)
    from detente.analysis.cpsat_concepts import solve_cpsat

    return solve_cpsat(cs, concept, time_limit=time_limit)


def solve_all(
    cs: CompiledScenario,
    *,
    method: str = "auto",
    limit: int = ENUMERATION_LIMIT,
    concepts: tuple[str, ...] = CONCEPTS,
    time_limit: float = 30.0,
) -> dict[str, SolveResult]:
    """Several concepts: one enumeration or one frontier for all of them when the space allows it,
    else each concept by its optimizer (:func:`~detente.analysis.dispatch.choose_method`).

    ``time_limit`` is one work budget for all of them (:mod:`detente.analysis.budget`): each concept
    gets an even share of what is left. Inside a command, a concept the command already solved is
    returned as it was (never solved twice)."""
    from detente.analysis.budget import recall, remember

    _check(None, method)
    for c in concepts:
        _check(c, method)
    # inside a command, a concept already solved (same scenario, same method) is not solved again
    known = {c: recall(("solve", c, method), cs) for c in concepts}
    if all(r is not None for r in known.values()):
        return {c: r for c, r in known.items() if r is not None}
    found = _solve_all(cs, method=method, limit=limit, concepts=concepts, time_limit=time_limit)
    for c, r in found.items():
        remember(("solve", c, method), cs, r)
    return found


def _solve_all(
    cs: CompiledScenario, *, method: str, limit: int, concepts: tuple[str, ...], time_limit: float
) -> dict[str, SolveResult]:
    family = choose_method(cs, "welfare").method if method == "auto" else method
    if family in ("enumeration", "dp"):
        found = _exact_family(cs, family, concepts, limit, budgeted=method == "auto")
        if found is not None:
            return found
        if method == "auto":
            family = "fallback"
    from detente.analysis.budget import Budget, step_budget

    # one budget for all the concepts: each gets an even share of what is left (unused work passes on)
    whole = Budget.of(time_limit)
    out: dict[str, SolveResult] = {}
    for n, c in enumerate(concepts):
        how = large_method(cs, c).method if family == "fallback" or method == "auto" else method
        with step_budget(whole.share(len(concepts) - n)) as part:
            out[c] = _optimize(cs, c, how, part.left())
    return out


def _enumeration_via_frontier(
    cs: CompiledScenario, ef: ExactFrontier, concepts: tuple[str, ...], limit: int, start: float
) -> dict[str, SolveResult]:
    """Enumeration semantics (every tie among all acceptable packages) at the cost of the frontier:
    welfare, egalitarian and Nash optima are Pareto optimal, so they are read off the exact frontier;
    the KS value t is too, and its weakly dominated ties are collected by one enumeration pass that
    keeps only packages with ``u_i ≥ d_i + (t − tol)·(ideal_i − d_i)`` (most of the space is skipped)."""
    check_enumerable(cs, limit)
    grid = ef.grid
    ideal = _concepts.ideal_point(ef.ints) if ef.ints.shape[0] else None
    out: dict[str, SolveResult] = {}
    shared = time.perf_counter() - start
    for c in concepts:
        t0 = time.perf_counter()
        choice = _concepts.choose(c, ef.ints, grid, ideal, weights=cs.weight)
        picked = ef.choices[choice.rows]
        if c == "ks" and choice.rows.size and ideal is not None and choice.objective is not None:
            span = ideal - grid.disagreement
            can_gain = span > grid.tolerance(TIE_TOLERANCE)
            floor = np.full(cs.n_parties, np.iinfo(np.int64).min // 2, dtype=np.int64)
            t = choice.objective - TIE_TOLERANCE
            floor[can_gain] = grid.disagreement[can_gain] + np.floor(t * span[can_gain]).astype(np.int64) - 1
            idx, ints = [], []
            for chunk in iter_packages(cs, limit=limit, grid=grid, floor=floor):
                idx.append(chunk.index)
                ints.append(chunk.ints)
            index = np.concatenate(idx)
            choice = _concepts.ks(np.concatenate(ints), grid, ideal)
            picked = decode(cs, index[choice.rows])

        def choices_of(rows: np.ndarray, picked: np.ndarray = picked) -> np.ndarray:
            return picked

        out[c] = _result(
            cs, c, "enumeration", choices_of, ef.ints.shape[0], choice, shared + time.perf_counter() - t0
        )
    return out


def solve(
    cs: CompiledScenario, concept: str, *, method: str = "auto", time_limit: float = 30.0
) -> SolveResult:
    """The packages a solution concept selects — every tied package (see :mod:`detente.analysis.concepts`).

    ``concept`` ∈ nash, ks, egalitarian, welfare; ``method`` ∈ auto, enumeration, dp, milp, cp-sat
    (``auto``: :func:`~detente.analysis.dispatch.choose_method`). With no acceptable package the result
    has ``packages=[]`` and a note. ``time_limit`` is the optimizers' deterministic work budget.
    """
    from detente.analysis.budget import recall, remember

    _check(concept, method)
    known = recall(("solve", concept, method), cs)
    if known is not None:
        return known  # type: ignore[no-any-return]
    chosen = choose_method(cs, concept).method if method == "auto" else method
    if chosen in ("milp", "cp-sat"):
        result = _optimize(cs, concept, chosen, time_limit)
        remember(("solve", concept, method), cs, result)
        return result
    return solve_all(cs, method=method, concepts=(concept,), time_limit=time_limit)[concept]
