"""The exact Pareto frontier of the acceptable packages by dynamic programming (``method="dp"``).

Definitions. Package q **dominates** p when ``u_i(q) ≥ u_i(p)`` for every party and ``u(q) ≠ u(p)``
(weak dominance: strictly better for at least one party). The **Pareto frontier** is the set of
acceptable packages not dominated by another acceptable package; packages with equal utility vectors
are all kept (ties). Comparisons are made on the integer utility grid of
:mod:`detente.analysis.grid`, so equality is exact (10^-12 of the utility scale).

* :func:`dp_frontier` — the exact frontier without enumerating every package. Utilities are additive
  over moves, and dominance is preserved by adding the same vector, so
  ``frontier(A ⊕ B) ⊆ frontier(A) ⊕ frontier(B)``: fold the moves one at a time, keeping only the
  nondominated partial sums. Constraints couple moves, so moves connected by any constraint are grouped
  into **components** (union–find); each component's feasible option combinations are enumerated (a
  single-move constraint, e.g. a red line, simply removes options) and the fold runs over components.
  Acceptability: if q dominates an acceptable p and q is feasible, q is acceptable too — so the
  frontier of the acceptable packages is the feasible frontier filtered by ``u ≥ r``; partial sums that
  cannot reach some r_i even with the best remaining contribution are pruned on the way. Each step
  (:func:`_fold_step`) builds the sums component-vector-major — each block a shifted copy of the
  sorted state set, hence already sorted — and keeps the nondominated ones, ties grouped. Three
  parties: one compiled step (:func:`detente.analysis._pareto_kernel.fold_step_3d`: a merge of the
  sorted blocks, the y-ranks from a merge of the blocks in y order carried from step to step, and the
  Fenwick sweep); other numbers of parties: :func:`_fold_step_numpy` (one stable lexicographic sort,
  then the sorted-input sweeps above). A step stores only each kept sum's parent state and component
  vector (small integer types); the packages are rebuilt at the end by one compiled backward pass
  over these back-pointers and one forward pass writing each package's row once
  (:func:`detente.analysis._pareto_kernel.rebuild_packages`). Returns None
  when a component or the number of partial frontier points exceeds its budget (callers then fall back
  to the epsilon-constraint CP-SAT frontier).

The filter the steps share is :mod:`detente.analysis.pareto`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.analysis import dispatch as _dispatch
from detente.analysis.dispatch import DP_COMPONENT_LIMIT, DP_STATE_LIMIT
from detente.analysis.enumerate import constraint_table, tabulate, within_bounds
from detente.analysis.grid import UtilityGrid, utility_grid
from detente.analysis.methods._exact import GRID_NOTE, choose_all, grid_exact, packages_of
from detente.analysis.pareto import (
    _nd_sorted_unique,
    pareto_mask,
)
from detente.analysis.results import CONCEPTS, FrontierResult, SolveResult
from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray
from detente.model.compiled import constraint_components as components

#: Limits of :func:`dp_frontier` (defined once, in :mod:`detente.analysis.dispatch`).
COMPONENT_LIMIT = DP_COMPONENT_LIMIT
STATE_LIMIT = DP_STATE_LIMIT
#: Default cap on the packages listed for a frontier (ties can multiply them).
PACKAGE_BUDGET = 1_000_000


# ---------------------------------------------------------------------------------------------
# Exact dynamic program over moves / constraint components
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Component:
    """Moves tied together by constraints, with their feasible option combinations.

    ``combos`` (n, len(moves)) local choices; ``ints`` (n, P) grid utility of each combination.
    """

    moves: tuple[int, ...]
    combos: IntArray
    ints: IntArray


def component_options(
    cs: CompiledScenario, grid: UtilityGrid, *, limit: int | None = None
) -> list[Component] | None:
    """Each component's feasible combinations (None if one has more than ``limit`` combinations;
    an empty list of combinations when a component has no feasible combination)."""
    limit = COMPONENT_LIMIT if limit is None else limit
    table, lo, hi = constraint_table(cs)
    groups = components(cs)
    where = {k: g for g, ms in enumerate(groups) for k in ms}
    con_group: dict[int, list[int]] = {}
    for c, con in enumerate(cs.constraints):
        if con.options.size == 0:
            if not (lo[c] <= 0 <= hi[c]):
                return [
                    Component(
                        (), np.zeros((0, 0), dtype=np.int64), np.zeros((0, cs.n_parties), dtype=np.int64)
                    )
                ]
            continue
        con_group.setdefault(where[int(cs.option_move[con.options[0]])], []).append(c)
    out: list[Component] = []
    for g, moves in enumerate(groups):
        if math.prod(int(cs.n_options[k]) for k in moves) > limit:
            return None
        cons = con_group.get(g, [])
        combos, total = tabulate(cs, np.concatenate([grid.values, table[:, cons]], axis=1), list(moves))
        ok = within_bounds(total[:, cs.n_parties :], lo[cons], hi[cons])
        out.append(Component(tuple(moves), combos[ok], total[ok, : cs.n_parties]))
    return out


@dataclass(frozen=True, eq=False)
class ExactFrontier:
    """Frontier packages as arrays: choices (N, M), grid utilities ``ints`` (N, P).

    ``n_packages`` counts every frontier package (ties included) even when ``truncated`` (more than
    the package budget: then one package per distinct utility vector is listed first).
    """

    choices: IntArray
    ints: IntArray
    grid: UtilityGrid
    n_packages: int
    truncated: bool
    notes: list[str] = field(default_factory=list)

    @property
    def utilities(self) -> FloatArray:
        return self.ints / self.grid.scale


@dataclass(frozen=True, eq=False)
class _Layer:
    """One fold step of :func:`dp_frontier`: way w is the partial sum reached from state ``parent[w]`` of
    the previous step with vector ``vec[w]`` of the component; the ways of state s are
    ``ptr[s]:ptr[s+1]`` (ordered by parent, then vector). ``ptr`` is None when every state has exactly
    one way (then way s leads to state s). ``ptr`` and ``parent`` share one integer type (int32 below
    2^31 partial sums per step)."""

    ptr: npt.NDArray[Any] | None
    parent: npt.NDArray[Any]
    vec: npt.NDArray[Any]


def _lex_order(rows: IntArray) -> IntArray:
    """Stable argsort of the rows of an (N, P) int64 array in ascending lexicographic order (runs of
    already sorted rows are merged cheaply)."""
    rows = np.ascontiguousarray(rows)
    view = rows.view(np.dtype([(f"c{j}", rows.dtype) for j in range(rows.shape[1])])).reshape(-1)
    return np.argsort(view, kind="stable")


def _fold_step_numpy(
    states: IntArray, v: IntArray, slack: IntArray
) -> tuple[IntArray, _Layer, IntArray] | None:
    """One step F' = ND{s + v_j : s ∈ F, j} of the dynamic program in NumPy (any number of parties),
    keeping only sums with ``s + v_j + slack ≥ 0`` (can still reach the reservation values). ``states``
    are distinct, mutually nondominated and sorted lexicographically ascending; so are the returned
    states. None when no sum can reach the reservation values. Also returns each way's state
    (nondecreasing). Three parties take the compiled :func:`_fold_step` instead; this path is kept for
    the others (and as the benchmark's same-run baseline for three)."""
    n_s, m = states.shape[0], v.shape[0]
    # vector-major candidates: row j·n_s + s is states[s] + v[j]; each block of n_s rows is sorted
    cand = (v[:, None, :] + states[None, :, :]).reshape(-1, states.shape[1])
    reach = np.all(cand >= -slack, axis=1)
    idx = np.flatnonzero(reach) if not reach.all() else np.arange(cand.shape[0])
    if idx.size == 0:
        return None
    itype = np.int32 if n_s * m < 2**31 else np.int64
    vtype = np.min_scalar_type(m - 1)
    if m == 1:  # a shifted antichain stays an antichain, in the same order
        parent = idx.astype(itype)
        return cand[idx], _Layer(None, parent, np.zeros(idx.size, dtype=vtype)), np.arange(idx.size)
    cand = cand[idx]
    order = _lex_order(cand)
    cand, idx = cand[order], idx[order]
    new = np.ones(cand.shape[0], dtype=bool)
    new[1:] = np.any(cand[1:] != cand[:-1], axis=1)
    uniq = cand[new]
    uid = np.cumsum(new) - 1
    # P ≤ 3: the sweeps on the sorted distinct rows; more parties: the filter with its pivot pass
    keep = _nd_sorted_unique(uniq[::-1])[::-1] if uniq.shape[1] <= 3 else pareto_mask(uniq)
    rows = np.flatnonzero(keep[uid])
    sid = (np.cumsum(keep) - 1)[uid[rows]]
    idx = idx[rows]
    parent, vec = idx % n_s, idx // n_s
    states = uniq[keep]
    if rows.size == states.shape[0]:
        return states, _Layer(None, parent.astype(itype), vec.astype(vtype)), sid
    # ties: the ways of each state by parent, then vector (sid is nondecreasing: nearly sorted)
    order = np.argsort(sid * n_s + parent, kind="stable")
    sid, parent, vec = sid[order], parent[order], vec[order]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(sid, minlength=states.shape[0]))]).astype(itype)
    return states, _Layer(ptr, parent.astype(itype), vec.astype(vtype)), sid


def _fold_step(
    states: IntArray, by_y: IntArray | None, v: IntArray, slack: IntArray
) -> tuple[IntArray, _Layer, IntArray, IntArray | None] | None:
    """One fold step (as :func:`_fold_step_numpy`); three parties by the compiled merge and sweep of
    :func:`detente.analysis._pareto_kernel.fold_step_3d`, which also carries the states' order by
    column 1 (``by_y``; None for other numbers of parties). Returns (states, layer, state of each way,
    order by column 1) or None."""
    if states.shape[1] != 3 or by_y is None:
        step = _fold_step_numpy(states, v, slack)
        return None if step is None else (*step, None)
    from detente.analysis._pareto_kernel import fold_step_3d

    new, new_by_y, ptr, parent, vec, sid = fold_step_3d(states, by_y, v, -slack)
    if new.shape[0] == 0:
        return None
    itype = np.int32 if states.shape[0] * v.shape[0] < 2**31 else np.int64
    layer = _Layer(
        None if parent.size == new.shape[0] else ptr.astype(itype),
        parent.astype(itype),
        vec.astype(np.min_scalar_type(v.shape[0] - 1)),
    )
    return new, layer, sid, new_by_y


#: Package counts stay in int64 below this; above it they become exact Python integers.
_COUNT_SAFE = 2**60


def _count_step(
    counts: npt.NDArray[Any], layer: _Layer, sid: IntArray, n_combo: IntArray, n_states: int
) -> npt.NDArray[Any]:
    """Packages reaching each new state: Σ over its ways of (packages of the parent state × combinations
    of the component's vector), exact — int64 while the counts are small, Python integers beyond."""
    parent = counts[layer.parent]
    mult = n_combo[layer.vec]
    if (
        counts.dtype != object
        and int(parent.max(initial=0)) * int(mult.max(initial=0)) * max(1, sid.size) < _COUNT_SAFE
    ):
        weights = parent.astype(np.int64) * mult.astype(np.int64)
        if layer.ptr is None:
            return weights
        out = np.zeros(n_states, dtype=np.int64)
        np.add.at(out, sid, weights)
        return out
    weights = parent.astype(object) * mult.astype(object)
    if layer.ptr is None:
        return weights
    out = np.zeros(n_states, dtype=object)
    for s_id, w in zip(sid.tolist(), weights.tolist(), strict=True):
        out[s_id] += w
    return out


def dp_frontier(
    cs: CompiledScenario,
    *,
    component_limit: int | None = None,
    state_limit: int | None = None,
    budget: int = PACKAGE_BUDGET,
    grid: UtilityGrid | None = None,
) -> ExactFrontier | None:
    """The exact frontier of the acceptable packages by dynamic programming (see module docstring).

    None when a component has more than ``component_limit`` (default :data:`COMPONENT_LIMIT`)
    combinations or a fold step would compare more than ``state_limit`` (:data:`STATE_LIMIT`) partial
    sums.
    """
    g = grid if grid is not None else utility_grid(cs)
    state_limit = STATE_LIMIT if state_limit is None else state_limit
    comps = component_options(cs, g, limit=COMPONENT_LIMIT if component_limit is None else component_limit)
    if comps is None:
        return None
    n_p = cs.n_parties
    empty = ExactFrontier(
        np.zeros((0, cs.n_moves), dtype=np.int64), np.zeros((0, n_p), dtype=np.int64), g, 0, False
    )
    if any(c.combos.shape[0] == 0 for c in comps):
        return empty

    # per component: distinct nondominated vectors, each with its combinations (CSR)
    vecs: list[IntArray] = []
    vec_ptr: list[IntArray] = []
    vec_combo: list[IntArray] = []
    for comp in comps:
        keep = np.flatnonzero(pareto_mask(comp.ints))
        uniq, inv = np.unique(comp.ints[keep], axis=0, return_inverse=True)
        inv = inv.reshape(-1)
        order = np.argsort(inv, kind="stable")
        vecs.append(uniq)
        vec_ptr.append(
            np.concatenate([[0], np.cumsum(np.bincount(inv, minlength=uniq.shape[0]))]).astype(np.int64)
        )
        vec_combo.append(keep[order])
    best = np.stack([v.max(axis=0) for v in vecs])  # (n_comp, P)
    remaining = np.concatenate([np.cumsum(best[::-1], axis=0)[::-1][1:], np.zeros((1, n_p), dtype=np.int64)])

    states = np.zeros((1, n_p), dtype=np.int64)
    by_y: IntArray | None = np.zeros(1, dtype=np.int64) if n_p == 3 else None
    counts: npt.NDArray[Any] = np.ones(1, dtype=np.int64)
    layers: list[_Layer] = []
    for t, v in enumerate(vecs):
        if states.shape[0] * v.shape[0] > state_limit:
            return None
        step = _fold_step(states, by_y, v, remaining[t] - g.reservation)
        if step is None:
            return empty
        states, layer, sid, by_y = step
        counts = _count_step(counts, layer, sid, np.diff(vec_ptr[t]), states.shape[0])
        layers.append(layer)

    final = np.flatnonzero(np.all(states >= g.reservation, axis=1))
    n_packages = (
        int(sum(int(c) for c in counts[final])) if counts.dtype == object else int(counts[final].sum())
    )
    full = n_packages <= budget
    notes: list[str] = []
    if not full:
        notes.append(
            f"{n_packages:,} frontier packages ({final.size:,} distinct utility vectors); "
            f"listing one package per vector (budget {budget:,})"
        )

    # rebuild the packages: one compiled backward walk over the ways and combinations (module docstring)
    from detente.analysis._pareto_kernel import rebuild_packages

    n_rows = n_packages if full else final.size
    if not comps:  # no moves: the empty package
        choices = np.zeros((n_rows, cs.n_moves), dtype=np.int64)
        owner = np.zeros(n_rows, dtype=np.int64)
    else:
        steps: list[tuple[IntArray | None, npt.NDArray[Any], npt.NDArray[Any]] | None] = [
            (layer.ptr, layer.parent, layer.vec) for layer in layers
        ]
        layers.clear()  # the rebuild releases each step's arrays once unwound
        choices, owner = rebuild_packages(
            final,
            full,
            steps,
            vec_ptr,
            [c.astype(np.int64) for c in vec_combo],
            [np.asarray(c.moves, dtype=np.int64) for c in comps],
            [np.ascontiguousarray(c.combos, dtype=np.int64) for c in comps],
            cs.n_moves,
            n_rows,
        )
    ints = states[final][owner]
    return ExactFrontier(choices, ints, g, n_packages, not full, notes)


# ---------------------------------------------------------------------------------------------
# the backend of method="dp"
# ---------------------------------------------------------------------------------------------
KS_FRONTIER_NOTE = (
    "computed on the Pareto frontier: packages weakly dominated by a listed package that have the same "
    "Kalai–Smorodinsky value are not listed"
)
DP_REFUSED = (
    "the exact dynamic program cannot handle this scenario (a group of moves linked by constraints is "
    "too large to enumerate, or the frontier is too large): use method='cp-sat'"
)


def _budgeted_frontier(cs: CompiledScenario, budget: int, budgeted: bool) -> ExactFrontier | None:
    ef = dp_frontier(cs, budget=budget, state_limit=_dispatch.DP_AUTO_STATE_LIMIT if budgeted else None)
    if ef is None and not budgeted:
        raise DetenteError(DP_REFUSED)
    return ef


def concepts_by_dp(
    cs: CompiledScenario, concepts: tuple[str, ...], *, budgeted: bool
) -> dict[str, SolveResult] | None:
    """Every concept read off the exact frontier (welfare, egalitarian and Nash optima are Pareto
    optimal; KS ties that are weakly dominated are not listed, and a note says so). ``budgeted``: on
    the state budget :data:`~detente.analysis.dispatch.DP_AUTO_STATE_LIMIT`, None when it would be
    exceeded; else a :class:`~detente.errors.DetenteError` when the program cannot run."""
    start = time.perf_counter()
    ef = _budgeted_frontier(cs, PACKAGE_BUDGET, budgeted)
    if ef is None:
        return None
    front = ef.choices
    extra: dict[str, list[str]] = {c: [] for c in CONCEPTS}
    extra["ks"].append(KS_FRONTIER_NOTE)
    if ef.truncated:
        for name in CONCEPTS:
            extra[name].append("frontier ties were truncated to one package per utility vector")

    def choices_of(rows: IntArray) -> IntArray:
        return front[rows]

    return choose_all(cs, concepts, "dp", ef.ints, ef.grid, choices_of, start, extra)


def frontier_by_dp(cs: CompiledScenario, *, budget: int, budgeted: bool) -> FrontierResult | None:
    """The exact frontier as a :class:`FrontierResult` (at most ``budget`` packages listed); None
    when the budgeted program gives up."""
    start = time.perf_counter()
    ef = _budgeted_frontier(cs, budget, budgeted)
    if ef is None:
        return None
    exact = grid_exact(cs, ef.grid)
    notes = list(ef.notes) + ([] if exact else [GRID_NOTE])
    cut = ef.choices.shape[0] > budget
    if cut:
        notes.append(f"{ef.choices.shape[0]:,} distinct frontier points; listing the first {budget:,}")
    return FrontierResult(
        method="dp",
        exact=exact,
        truncated=ef.truncated or cut,
        packages=packages_of(cs, ef.choices[:budget]),
        n_acceptable=None,
        notes=notes,
        seconds=time.perf_counter() - start,
    )
