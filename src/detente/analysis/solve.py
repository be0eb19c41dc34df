"""The public entry points of deal analysis: acceptable packages, the frontier, bargaining solutions.

Methods (``method=``):

* ``"enumeration"`` — the semantics of running every concept on **all** acceptable packages, so every
  tie is found (including Kalai–Smorodinsky ties that are weakly dominated). When the exact frontier is
  cheap (dynamic program), welfare, egalitarian and Nash are read off it (their optima are Pareto
  optimal) and one enumeration pass above the KS value's thresholds collects the KS ties; otherwise
  every acceptable package is enumerated and kept (:mod:`detente.analysis.enumerate`). Refused beyond
  :data:`ENUMERATION_LIMIT` outcomes.
* ``"dp"`` — the exact frontier by dynamic programming over constraint components
  (:func:`detente.analysis.frontier.dp_frontier`); concepts run on the frontier (see
  :mod:`detente.analysis.concepts` for why that is exact for welfare, egalitarian and Nash; KS ties
  that are weakly dominated are not listed, and a note says so).
* ``"cp-sat"`` — part B's exact optimizers (``detente.analysis.cpsat_concepts.solve_cpsat``,
  ``detente.analysis.epsilon_frontier.frontier_cpsat``), imported lazily.
* ``"auto"`` — enumeration up to :data:`AUTO_ENUMERATION_THRESHOLD` outcomes, else the dynamic
  program, else CP-SAT.

Every result says its method, whether it is proven optimal (enumeration and DP: always) and the gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from detente.analysis import concepts as _concepts
from detente.analysis.enumerate import (
    ENUMERATION_LIMIT,
    PackageSet,
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

Method = Literal["auto", "enumeration", "dp", "cp-sat"]
METHODS: tuple[str, ...] = ("auto", "enumeration", "dp", "cp-sat")

#: "auto" enumerates up to this many outcomes (enumeration + all four concepts on 10^6 outcomes
#: takes well under a second; see docs/benchmarks.md), above it uses the dynamic program.
AUTO_ENUMERATION_THRESHOLD = 2_000_000

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
    if cs.n_outcomes <= AUTO_ENUMERATION_THRESHOLD:
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
def _frontier_from_exact(
    ef: ExactFrontier, cs: CompiledScenario, budget: int, seconds: float
) -> FrontierResult:
    notes = list(ef.notes)
    cut = ef.choices.shape[0] > budget
    if cut:
        notes.append(f"{ef.choices.shape[0]:,} distinct frontier points; listing the first {budget:,}")
    return FrontierResult(
        method="dp",
        exact=True,
        truncated=ef.truncated or cut,
        packages=_packages(cs, ef.choices[:budget]),
        n_acceptable=None,
        notes=notes,
        seconds=seconds,
    )


def enumerated_frontier(
    cs: CompiledScenario, *, limit: int = ENUMERATION_LIMIT
) -> tuple[np.ndarray, np.ndarray, int]:
    """(choices, grid utilities, number of acceptable packages) of the frontier by enumeration."""
    g = utility_grid(cs)
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
) -> FrontierResult:
    """The Pareto frontier of the acceptable packages (ties kept), as a :class:`FrontierResult`.

    ``auto`` tries the exact dynamic program first (fastest when constraint components are small),
    then enumeration (up to :data:`ENUMERATION_LIMIT` outcomes), then CP-SAT. ``budget`` caps the
    packages listed (``truncated`` says when it cut the list).
    """
    _check(None, method)
    start = time.perf_counter()
    if method in ("auto", "dp"):
        ef = dp_frontier(cs, budget=budget)
        if ef is not None:
            return _frontier_from_exact(ef, cs, budget, time.perf_counter() - start)
        if method == "dp":
            raise DetenteError(
                "the exact dynamic program cannot handle this scenario (a group of moves linked by "
                "constraints is too large to enumerate, or the frontier is too large): use method='cp-sat'"
            )
    if method == "enumeration" or (method == "auto" and cs.n_outcomes <= ENUMERATION_LIMIT):
        choices, _ints, n_acc = enumerated_frontier(cs)
        truncated = choices.shape[0] > budget
        notes = [f"{choices.shape[0]:,} frontier packages; listing the first {budget:,}"] if truncated else []
        return FrontierResult(
            method="enumeration",
            exact=True,
            truncated=truncated,
            packages=_packages(cs, choices[:budget]),
            n_acceptable=n_acc,
            notes=notes,
            seconds=time.perf_counter() - start,
        )
    try:
        from detente.analysis.epsilon_frontier import frontier_cpsat
    except ImportError as exc:  # part B's module
        raise DetenteError(
            "the scenario is too large for enumeration and the dynamic program, and the CP-SAT frontier "
            f"(detente.analysis.epsilon_frontier) is not available: {exc}"
        ) from exc
    return frontier_cpsat(cs, budget=budget, time_limit=time_limit)


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


def solve_all(
    cs: CompiledScenario,
    *,
    method: str = "auto",
    limit: int = ENUMERATION_LIMIT,
    concepts: tuple[str, ...] = CONCEPTS,
    time_limit: float = 30.0,
) -> dict[str, SolveResult]:
    """Several concepts from one enumeration or one frontier (CP-SAT runs once per concept)."""
    _check(None, method)
    for c in concepts:
        _check(c, method)
    if method == "cp-sat":
        return {c: solve(cs, c, method="cp-sat", time_limit=time_limit) for c in concepts}
    start = time.perf_counter()
    use_enum = method == "enumeration" or (method == "auto" and cs.n_outcomes <= AUTO_ENUMERATION_THRESHOLD)
    extra: dict[str, list[str]] = {c: [] for c in CONCEPTS}
    ef_enum = dp_frontier(cs, budget=PACKAGE_BUDGET) if use_enum else None
    if ef_enum is not None and not ef_enum.truncated:
        return _enumeration_via_frontier(cs, ef_enum, concepts, limit, start)
    if use_enum:
        ps = enumerate_packages(cs, limit=limit)
        ints, grid, label = ps.ints, ps.grid, "enumeration"

        def choices_of(rows: np.ndarray) -> np.ndarray:
            return decode(cs, ps.index[rows])
    else:
        ef = dp_frontier(cs, budget=PACKAGE_BUDGET)
        if ef is None:
            if method == "dp":
                raise DetenteError(
                    "the exact dynamic program cannot handle this scenario (a group of moves linked by "
                    "constraints is too large, or the frontier is too large): use method='cp-sat'"
                )
            return {c: solve(cs, c, method="cp-sat", time_limit=time_limit) for c in concepts}
        ints, grid, label = ef.ints, ef.grid, "dp"
        front = ef.choices

        def choices_of(rows: np.ndarray) -> np.ndarray:
            return front[rows]

        extra["ks"].append(KS_FRONTIER_NOTE)
        if ef.truncated:
            for c in CONCEPTS:
                extra[c].append("frontier ties were truncated to one package per utility vector")
    ideal = _concepts.ideal_point(ints) if ints.shape[0] else None
    out: dict[str, SolveResult] = {}
    for c in concepts:
        t0 = time.perf_counter()
        choice = _concepts.choose(c, ints, grid, ideal)
        shared = t0 - start
        out[c] = _result(
            cs, c, label, choices_of, ints.shape[0], choice, shared + time.perf_counter() - t0, extra[c]
        )
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
        choice = _concepts.choose(c, ef.ints, grid, ideal)
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

    ``concept`` ∈ nash, ks, egalitarian, welfare; ``method`` ∈ auto, enumeration, dp, cp-sat. With no
    acceptable package the result has ``packages=[]`` and a note.
    """
    _check(concept, method)
    if method == "cp-sat" or (
        method == "auto" and cs.n_outcomes > AUTO_ENUMERATION_THRESHOLD and _dp_unavailable(cs)
    ):
        try:
            from detente.analysis.cpsat_concepts import solve_cpsat
        except ImportError as exc:  # part B's module
            raise DetenteError(
                "the CP-SAT solution concepts (detente.analysis.cpsat_concepts) are not available: "
                f"{exc}; use method='enumeration' or 'dp'"
            ) from exc
        return solve_cpsat(cs, concept, time_limit=time_limit)  # type: ignore[arg-type]
    start = time.perf_counter()
    result = solve_all(cs, method=method, concepts=(concept,), time_limit=time_limit)[concept]
    return SolveResult(
        concept=result.concept,
        method=result.method,
        optimal=result.optimal,
        gap=result.gap,
        packages=result.packages,
        objective=result.objective,
        notes=result.notes,
        seconds=time.perf_counter() - start,
    )


def _dp_unavailable(cs: CompiledScenario) -> bool:
    """Cheap pre-check: some constraint component has too many combinations for the dynamic program."""
    from detente.analysis.frontier import COMPONENT_LIMIT, components

    return any(
        int(np.prod([int(cs.n_options[k]) for k in ms], dtype=object)) > COMPONENT_LIMIT
        for ms in components(cs)
    )
