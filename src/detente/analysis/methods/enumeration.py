"""``method="enumeration"``: every concept over **all** acceptable packages, so every tie is found.

The packages come from the one enumerator (:func:`detente.analysis.enumerate.iter_packages`, bounded
memory, refused beyond ``limit`` outcomes) and every concept is chosen exactly on the per-party
utility grid (:mod:`detente.analysis.concepts`). When the exact frontier is cheap (the budgeted dynamic
program on few parties and small constraint components, :func:`detente.analysis.dispatch.dp_fits`),
welfare, egalitarian and Nash are read off it — their optima are Pareto optimal — and one enumeration
pass above the Kalai–Smorodinsky value's thresholds collects the KS ties, including weakly dominated
ones: a package with KS value ≥ t − tol has ``u_i ≥ d_i + (t − tol)·(ideal_i − d_i)`` for every party
that can gain, so every other package is skipped. The frontier: a streaming Pareto filter over every
acceptable package (:class:`detente.analysis.pareto.StreamingFrontier`).
"""

from __future__ import annotations

import time

import numpy as np

from detente.analysis import concepts as _concepts
from detente.analysis import dispatch as _dispatch
from detente.analysis.dispatch import ENUMERATION_LIMIT
from detente.analysis.enumerate import check_enumerable, decode, enumerate_packages, iter_packages
from detente.analysis.grid import UtilityGrid, utility_grid
from detente.analysis.methods._exact import GRID_NOTE, choose_all, concept_result, grid_exact, packages_of
from detente.analysis.methods.dp import PACKAGE_BUDGET, ExactFrontier, dp_frontier
from detente.analysis.pareto import StreamingFrontier
from detente.analysis.results import TIE_TOLERANCE, FrontierResult, SolveResult
from detente.model.compiled import CompiledScenario, IntArray


def enumerated_frontier(
    cs: CompiledScenario, *, limit: int = ENUMERATION_LIMIT, grid: UtilityGrid | None = None
) -> tuple[IntArray, IntArray, int]:
    """(choices, grid utilities, number of acceptable packages) of the frontier by enumeration."""
    g = utility_grid(cs) if grid is None else grid
    sf = StreamingFrontier(cs.n_parties)
    for chunk in iter_packages(cs, limit=limit, grid=g):
        sf.add(chunk)
    index, ints = sf.result()
    return decode(cs, index), ints, sf.n_seen


def _via_frontier(
    cs: CompiledScenario, ef: ExactFrontier, concepts: tuple[str, ...], limit: int, start: float
) -> dict[str, SolveResult]:
    """Enumeration semantics at the cost of the frontier (module docstring)."""
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

        def choices_of(rows: IntArray, picked: IntArray = picked) -> IntArray:
            return picked

        out[c] = concept_result(
            cs, c, "enumeration", choices_of, ef.ints.shape[0], choice, shared + time.perf_counter() - t0
        )
    return out


def concepts_by_enumeration(
    cs: CompiledScenario, concepts: tuple[str, ...], limit: int
) -> dict[str, SolveResult]:
    """Every concept over all acceptable packages (module docstring), in one pass."""
    start = time.perf_counter()
    # the frontier shortcut only where the dynamic program is cheap (few parties, small components)
    ef = (
        dp_frontier(cs, budget=PACKAGE_BUDGET, state_limit=_dispatch.DP_AUTO_STATE_LIMIT)
        if _dispatch.dp_fits(cs)
        else None
    )
    if ef is not None and not ef.truncated:
        return _via_frontier(cs, ef, concepts, limit, start)
    ps = enumerate_packages(cs, limit=limit)

    def choices_of(rows: IntArray) -> IntArray:
        return decode(cs, ps.index[rows])

    return choose_all(cs, concepts, "enumeration", ps.ints, ps.grid, choices_of, start)


def frontier_by_enumeration(cs: CompiledScenario, *, budget: int) -> FrontierResult:
    """The frontier by a streaming Pareto filter over every acceptable package (at most ``budget`` listed)."""
    start = time.perf_counter()
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
        packages=packages_of(cs, choices[:budget]),
        n_acceptable=n_acc,
        notes=notes,
        seconds=time.perf_counter() - start,
    )
