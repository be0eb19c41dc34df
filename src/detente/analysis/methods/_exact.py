"""What the two exact methods (enumeration and the dynamic program) share: concepts chosen from a table
of grid utilities (:mod:`detente.analysis.concepts`), and when their grid comparisons are exact."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from detente.analysis import concepts as _concepts
from detente.analysis.grid import UtilityGrid
from detente.analysis.results import TIE_TOLERANCE, Package, SolveResult
from detente.model.compiled import CompiledScenario, IntArray

NO_DEAL_NOTE = (
    "no acceptable package: no package meets every constraint and every reservation value "
    "(see `detente diagnose` / detente.analysis.diagnosis for why)"
)
GRID_NOTE = (
    "utilities were compared on a grid of 12 significant digits per party and some values have more digits: "
    "with this many moves the rounding could exceed the tie tolerance, so the frontier is not claimed exact"
)


def packages_of(cs: CompiledScenario, choices: IntArray) -> list[Package]:
    """The rows of ``choices`` (N, M) as packages with their floating-point utilities, in order."""
    if choices.shape[0] == 0:
        return []
    u = cs.utilities(choices)
    return [Package(np.asarray(c, dtype=np.int64), np.asarray(v)) for c, v in zip(choices, u, strict=True)]


def grid_exact(cs: CompiledScenario, grid: UtilityGrid) -> bool:
    """Whether comparisons on ``grid`` decide dominance and ties exactly up to the tie tolerance: every
    value is on the grid, or the summed rounding (M half steps) stays below TIE_TOLERANCE · U_i."""
    return grid.exact or bool(cs.n_moves * 0.5 <= TIE_TOLERANCE * float((grid.units * grid.scale).min()))


def concept_result(
    cs: CompiledScenario,
    concept: str,
    method: str,
    choices_of: Callable[[IntArray], IntArray],
    n_candidates: int,
    choice: _concepts.ConceptChoice,
    seconds: float,
    extra: list[str] | None = None,
) -> SolveResult:
    """The :class:`SolveResult` of a concept chosen exactly from ``n_candidates`` packages."""
    notes = list(choice.notes) + list(extra or [])
    if n_candidates == 0:
        notes = [NO_DEAL_NOTE]
    return SolveResult(
        concept=concept,
        method=method,
        optimal=True,
        gap=0.0,
        packages=packages_of(cs, choices_of(choice.rows)),
        objective=choice.objective,
        notes=notes,
        seconds=seconds,
    )


def choose_all(
    cs: CompiledScenario,
    concepts: tuple[str, ...],
    method: str,
    ints: IntArray,
    grid: UtilityGrid,
    choices_of: Callable[[IntArray], IntArray],
    started: float,
    extra: dict[str, list[str]] | None = None,
) -> dict[str, SolveResult]:
    """Every concept chosen from one table of candidates (grid utilities ``ints``)."""
    ideal = _concepts.ideal_point(ints) if ints.shape[0] else None
    out: dict[str, SolveResult] = {}
    for c in concepts:
        t0 = time.perf_counter()
        choice = _concepts.choose(c, ints, grid, ideal, weights=cs.weight)
        out[c] = concept_result(
            cs,
            c,
            method,
            choices_of,
            ints.shape[0],
            choice,
            (t0 - started) + time.perf_counter() - t0,
            (extra or {}).get(c),
        )
    return out
