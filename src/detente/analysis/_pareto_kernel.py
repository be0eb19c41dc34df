"""Compiled kernels (Numba) of the exact DP frontier: the 3-party Pareto sweep, the fold step built on
it, and the rebuilding of the frontier packages from the fold's back-pointers.

**Sweep.** Input: distinct integer rows (N, 3) sorted lexicographically (ascending). Row a
**dominates** row b when a ≥ b in every column and a ≠ b. Read in descending order, a dominator of b
always comes before b, and an earlier row a with y_a ≥ y_b and z_a ≥ z_b has x_a ≥ x_b (the sort) and
differs from b (rows are distinct), so it dominates b. Hence::

    for rows b in descending order:
        dominated(b)  ⇔  max{ z_a : a earlier, kept, y_a ≥ y_b } ≥ z_b
        if not dominated(b): insert (y_b, z_b)

Only kept rows are inserted: a dominated earlier row is itself dominated by a kept one, which then
dominates b too. "max z over y ≥ y_b" is a prefix maximum over the ranks of y in descending order,
kept in a Fenwick tree (binary indexed tree) whose entries only grow: O(log N) per query and update.

**Fold step** (:func:`fold_step_3d`, one step F' = ND{s + v_j : s ∈ F, j} of
:func:`detente.analysis.methods.dp.dp_frontier`). The candidates form m blocks (one per component
vector v_j), each a shifted copy of the sorted state set F, hence already sorted: merging the blocks
(pairs of runs per round, ties by block) gives the lexicographic order in O(K log m) instead of a sort
in O(K log K), and the same merge over F ordered by y (carried from step to step) gives the y-ranks of
the sweep without sorting. Candidates that cannot reach the reservation values (``s + v_j < low`` in
some column) are skipped. Equal sums (ties) form groups; each kept group's ways (parent state,
vector) are listed by parent, exactly as a stable sort by (state, parent) would.

**Rebuild** (:func:`rebuild_packages`): one pass back over the fold steps' back-pointers (each row's
combination in a small integer matrix, a row map only for steps where ties or several combinations
expand the rows), then one pass forward row by row, writing each package's row of the choice matrix
once, contiguously, in the order (final state, way and combination of the last step, …, of the first
step).

Everything is integer arithmetic with no tolerance; ``tests/analysis/test_pareto_kernel.py`` checks
the kernels against brute force and against the NumPy fold, ties and duplicates included. The kernels
are compiled on first call (cached on disk); :mod:`detente.analysis.methods.dp` and :mod:`detente.analysis.pareto` import this module (and
so Numba) only when it runs the dynamic program.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from detente.model.compiled import BoolArray, IntArray

_LOWEST = np.iinfo(np.int64).min


@numba.njit(cache=True, nogil=True)
def _fenwick_sweep(
    rows: npt.NDArray[np.int64], y_rank: npt.NDArray[np.int64], n_ranks: int, kept: BoolArray
) -> None:
    """The sweep of the module docstring over ``rows`` (distinct, ascending), read from the last row
    back. ``y_rank`` is 0 for the largest y; ``tree[i]`` (1-based Fenwick tree over ranks) holds the
    largest z among the kept rows whose y-rank lies in the range node i covers, so the prefix 1..r+1
    covers every y ≥ the y of rank r."""
    tree = np.full(n_ranks + 1, _LOWEST, dtype=np.int64)
    for b in range(rows.shape[0] - 1, -1, -1):
        zb = rows[b, 2]
        i = y_rank[b] + 1
        best = _LOWEST
        while i > 0:
            if tree[i] > best:
                best = tree[i]
            i -= i & -i
        if best >= zb:
            continue
        kept[b] = True
        i = y_rank[b] + 1
        while i <= n_ranks:
            if tree[i] < zb:
                tree[i] = zb
            i += i & -i


@numba.njit(cache=True, nogil=True)
def _sweep(rows: npt.NDArray[np.int64], by_y: npt.NDArray[np.intp]) -> BoolArray:
    """Kept mask of ``rows`` (distinct, ascending); ``by_y`` orders the rows by column y ascending."""
    n = rows.shape[0]
    y_rank = np.empty(n, dtype=np.int64)
    rank = -1
    previous = rows[0, 1]
    for k in range(n - 1, -1, -1):
        row = by_y[k]
        if rank < 0 or rows[row, 1] != previous:
            rank += 1
            previous = rows[row, 1]
        y_rank[row] = rank
    kept = np.zeros(n, dtype=np.bool_)
    _fenwick_sweep(rows, y_rank, rank + 1, kept)
    return kept


@numba.njit(cache=True, nogil=True)
def _merge_runs(key: Any, pay: Any, run_at: Any) -> Any:
    """Merge the sorted runs ``run_at[r]:run_at[r+1]`` of the rows of ``key`` (K, c) into one run,
    lexicographically ascending, ties by run (stable); ``pay`` (K, p) moves along. Bottom-up, pairs of
    adjacent runs per round: O(K log m) for m runs. Returns (key, pay) merged (possibly new arrays)."""
    n_runs = run_at.shape[0] - 1
    if n_runs <= 1:
        return key, pay
    n_col, n_pay = key.shape[1], pay.shape[1]
    key2 = np.empty_like(key)
    pay2 = np.empty_like(pay)
    at = run_at.copy()
    while n_runs > 1:
        n_next = 0
        for r in range(0, n_runs, 2):
            lo = at[r]
            mid = at[r + 1]
            hi = at[r + 2] if r + 1 < n_runs else mid
            i, k, o = lo, mid, lo
            while i < mid and k < hi:
                take_left = True
                for c in range(n_col):
                    if key[i, c] != key[k, c]:
                        take_left = key[i, c] < key[k, c]
                        break
                src = i if take_left else k
                for c in range(n_col):
                    key2[o, c] = key[src, c]
                for c in range(n_pay):
                    pay2[o, c] = pay[src, c]
                if take_left:
                    i += 1
                else:
                    k += 1
                o += 1
            for src in range(i, mid):
                for c in range(n_col):
                    key2[o, c] = key[src, c]
                for c in range(n_pay):
                    pay2[o, c] = pay[src, c]
                o += 1
            for src in range(k, hi):
                for c in range(n_col):
                    key2[o, c] = key[src, c]
                for c in range(n_pay):
                    pay2[o, c] = pay[src, c]
                o += 1
            at[n_next] = lo
            n_next += 1
        at[n_next] = at[n_runs]
        n_runs = n_next
        key, key2 = key2, key
        pay, pay2 = pay2, pay
    return key, pay


@numba.njit(cache=True, nogil=True)
def _fold_step_3d(states: Any, by_y: Any, v: Any, low: Any) -> Any:
    n_s, m = states.shape[0], v.shape[0]
    if m == 1:  # a shifted antichain stays an antichain, in the same orders: keep every reachable sum
        new_id = np.full(n_s, -1, dtype=np.int64)
        n_new = 0
        for s in range(n_s):
            if (
                states[s, 0] + v[0, 0] >= low[0]
                and states[s, 1] + v[0, 1] >= low[1]
                and states[s, 2] + v[0, 2] >= low[2]
            ):
                new_id[s] = n_new
                n_new += 1
        new_states = np.empty((n_new, 3), dtype=np.int64)
        parent = np.empty(n_new, dtype=np.int64)
        for s in range(n_s):
            if new_id[s] >= 0:
                for c in range(3):
                    new_states[new_id[s], c] = states[s, c] + v[0, c]
                parent[new_id[s]] = s
        new_by_y = np.empty(n_new, dtype=np.int64)
        w = 0
        for k in range(n_s):
            if new_id[by_y[k]] >= 0:
                new_by_y[w] = new_id[by_y[k]]
                w += 1
        return (
            new_states,
            new_by_y,
            np.arange(n_new + 1),
            parent,
            np.zeros(n_new, dtype=np.int64),
            np.arange(n_new),
        )
    n_cand = n_s * m
    # reachable candidates, block-major (block j: states[s] + v[j], s ascending, already sorted)
    rows = np.empty((n_cand, 3), dtype=np.int64)
    pay = np.empty((n_cand, 2), dtype=np.int64)  # (parent s, vector j)
    run_at = np.empty(m + 1, dtype=np.int64)
    n_k = 0
    for j in range(m):
        run_at[j] = n_k
        for s in range(n_s):
            x, y, z = states[s, 0] + v[j, 0], states[s, 1] + v[j, 1], states[s, 2] + v[j, 2]
            if x >= low[0] and y >= low[1] and z >= low[2]:
                rows[n_k, 0], rows[n_k, 1], rows[n_k, 2] = x, y, z
                pay[n_k, 0], pay[n_k, 1] = s, j
                n_k += 1
    run_at[m] = n_k
    rows, pay = _merge_runs(rows[:n_k], pay[:n_k], run_at)
    # distinct sums (compacted in place): group u holds the merged candidates group[u]:group[u+1]
    uid = np.full(n_cand, -1, dtype=np.int64)  # by candidate j·n_s + s; -1: not reachable
    group = np.empty(n_k + 1, dtype=np.int64)
    n_u = 0
    for k in range(n_k):
        if n_u == 0 or (
            rows[k, 0] != rows[n_u - 1, 0] or rows[k, 1] != rows[n_u - 1, 1] or rows[k, 2] != rows[n_u - 1, 2]
        ):
            rows[n_u, 0], rows[n_u, 1], rows[n_u, 2] = rows[k, 0], rows[k, 1], rows[k, 2]
            group[n_u] = k
            n_u += 1
        uid[pay[k, 1] * n_s + pay[k, 0]] = n_u - 1
    group[n_u] = n_k
    # y-ranks (0 for the largest y): the blocks in y order are runs too
    y_state = np.empty(n_s, dtype=np.int64)
    for k in range(n_s):
        y_state[k] = states[by_y[k], 1]
    y_key = np.empty((n_k, 1), dtype=np.int64)
    y_uid = np.empty((n_k, 1), dtype=np.int64)
    n_y = 0
    for j in range(m):
        run_at[j] = n_y
        for k in range(n_s):
            u = uid[j * n_s + by_y[k]]
            if u >= 0:
                y_key[n_y, 0] = y_state[k] + v[j, 1]
                y_uid[n_y, 0] = u
                n_y += 1
    run_at[m] = n_y
    y_key, y_uid = _merge_runs(y_key, y_uid, run_at)
    y_rank = np.empty(n_u, dtype=np.int64)
    rank = -1
    previous = 0
    for k in range(n_k):
        if rank < 0 or y_key[k, 0] != previous:
            rank += 1
            previous = y_key[k, 0]
        y_rank[y_uid[k, 0]] = rank
    n_ranks = rank + 1
    for u in range(n_u):
        y_rank[u] = n_ranks - 1 - y_rank[u]
    kept = np.zeros(n_u, dtype=np.bool_)
    _fenwick_sweep(rows[:n_u], y_rank, n_ranks, kept)
    # new states, their ways (by state, then parent) and the CSR pointers
    sid = np.full(n_u, -1, dtype=np.int64)
    n_new = 0
    n_ways = 0
    for u in range(n_u):
        if kept[u]:
            sid[u] = n_new
            n_new += 1
            n_ways += group[u + 1] - group[u]
    new_states = np.empty((n_new, 3), dtype=np.int64)
    ptr = np.empty(n_new + 1, dtype=np.int64)
    parent = np.empty(n_ways, dtype=np.int64)
    vec = np.empty(n_ways, dtype=np.int64)
    way_sid = np.empty(n_ways, dtype=np.int64)
    w = 0
    for u in range(n_u):
        if not kept[u]:
            continue
        t = sid[u]
        new_states[t] = rows[u]
        ptr[t] = w
        start = w
        for k in range(group[u], group[u + 1]):
            s, j = pay[k, 0], pay[k, 1]
            i = w  # insertion by parent (ties are few)
            while i > start and parent[i - 1] > s:
                parent[i], vec[i] = parent[i - 1], vec[i - 1]
                i -= 1
            parent[i], vec[i] = s, j
            way_sid[w] = t
            w += 1
    ptr[n_new] = w
    # the new states in y order, for the next step
    new_by_y = np.empty(n_new, dtype=np.int64)
    listed = np.zeros(n_u, dtype=np.bool_)
    w = 0
    for k in range(n_k):
        u = y_uid[k, 0]
        if kept[u] and not listed[u]:
            listed[u] = True
            new_by_y[w] = sid[u]
            w += 1
    return new_states, new_by_y, ptr, parent, vec, way_sid


def fold_step_3d(
    states: IntArray, by_y: IntArray, v: IntArray, low: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """One 3-party fold step (module docstring). ``states`` (N, 3): distinct, mutually nondominated,
    ascending; ``by_y`` orders them by column 1; ``v`` (m, 3) distinct component vectors; candidates
    with some column below ``low`` are skipped.

    Returns (new states ascending, their order by column 1, way pointers ``ptr`` (CSR by new state),
    the parent state and vector of each way, the new state of each way); no state when no candidate
    reaches ``low``.
    """
    out: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray] = _fold_step_3d(
        np.ascontiguousarray(states, dtype=np.int64),
        np.ascontiguousarray(by_y, dtype=np.int64),
        np.ascontiguousarray(v, dtype=np.int64),
        np.ascontiguousarray(low, dtype=np.int64),
    )
    return out


@numba.njit(cache=True, nogil=True)
def _unwind_step(
    cur: Any,
    has_ptr: bool,
    ptr: Any,
    parent: Any,
    vec: Any,
    vec_ptr: Any,
    vec_combo: Any,
    full: bool,
    like: Any,
) -> Any:
    """One step back: row r (at state ``cur[r]``) becomes one row per way and combination of its state
    (the first of each unless ``full``), in that order. Returns (combination of each new row, in the
    integer type of ``like``; state of the previous step of each new row; row it came from;
    expanded?) — without expansion ``cur`` is updated in place and no map is needed."""
    n_rows = cur.shape[0]
    total = 0
    for r in range(n_rows):
        s = cur[r]
        w0 = ptr[s] if has_ptr else s
        w1 = (ptr[s + 1] if has_ptr else s + 1) if full else w0 + 1
        for w in range(w0, w1):
            total += vec_ptr[vec[w] + 1] - vec_ptr[vec[w]] if full else 1
    combo = np.empty(total, dtype=like.dtype)
    if total == n_rows:  # one way and one combination each
        for r in range(n_rows):
            w = ptr[cur[r]] if has_ptr else cur[r]
            combo[r] = vec_combo[vec_ptr[vec[w]]]
            cur[r] = parent[w]
        return combo, cur, np.zeros(0, dtype=np.int64), False
    new_cur = np.empty(total, dtype=np.int64)
    src = np.empty(total, dtype=np.int64)
    o = 0
    for r in range(n_rows):
        s = cur[r]
        w0 = ptr[s] if has_ptr else s
        w1 = (ptr[s + 1] if has_ptr else s + 1) if full else w0 + 1
        for w in range(w0, w1):
            c0 = vec_ptr[vec[w]]
            c1 = vec_ptr[vec[w] + 1] if full else c0 + 1
            for c in range(c0, c1):
                combo[o] = vec_combo[c]
                new_cur[o] = parent[w]
                src[o] = r
                o += 1
    return combo, new_cur, src, True


@numba.njit(cache=True, nogil=True)
def _fill(
    n_rows: int,
    n_moves: int,
    combos: Any,
    one_bit: bool,
    has_src: Any,
    src_at: Any,
    src: Any,
    move_at: Any,
    moves: Any,
    table_at: Any,
    table: Any,
) -> Any:
    """The choice matrix (n_rows, n_moves), row by row: final row r is row r of the first step; its row
    at the next step follows the step's map (identity when the step did not expand). ``combos[t, a]``
    is the combination of row a of step t, or bit a (most significant first) when ``one_bit``. Also
    returns each final row's row at the last step (its final state). Moves of no component stay −1.
    (Allocated here, in plain pages: NumPy asks for transparent huge pages for large arrays, and on
    the shared benchmark machine their faults cost about 2 s of CPU more for 573,555 × 200.)"""
    n_steps = combos.shape[0]
    out = np.full((n_rows, n_moves), -1, dtype=np.int64)
    owner = np.empty(n_rows, dtype=np.int64)
    for r in range(n_rows):
        a = r
        for t in range(n_steps):
            c = (combos[t, a >> 3] >> (7 - (a & 7))) & 1 if one_bit else combos[t, a]
            width = move_at[t + 1] - move_at[t]
            for i in range(width):
                out[r, moves[move_at[t] + i]] = table[table_at[t] + c * width + i]
            if has_src[t]:
                a = src[src_at[t] + a]
        owner[r] = a
    return out, owner


def _flat(parts: list[Any], dtype: Any) -> tuple[IntArray, npt.NDArray[Any]]:
    """(offsets, concatenation) of 1-D ``parts``."""
    at = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([p.size for p in parts], out=at[1:])
    flat = np.empty(int(at[-1]), dtype=dtype)
    for t in range(len(parts)):
        flat[at[t] : at[t + 1]] = parts[t].reshape(-1)
    return at, flat


def rebuild_packages(
    final: IntArray,
    full: bool,
    layers: list[tuple[IntArray | None, npt.NDArray[Any], npt.NDArray[Any]] | None],
    vec_ptr: list[IntArray],
    vec_combo: list[IntArray],
    moves: list[IntArray],
    combos: list[IntArray],
    n_moves: int,
    n_rows: int,
) -> tuple[IntArray, IntArray]:
    """(choices (n_rows, n_moves), index into ``final`` of each row) of the packages reaching the
    ``final`` states of the last fold step. ``layers[t]`` = (ptr or None, parent, vec) of step t (the
    ways of state s are ptr[s]:ptr[s+1], or way s alone without ptr); ``vec_ptr[t]`` / ``vec_combo[t]``
    list each component vector's combinations, rows of ``combos[t]`` over the moves ``moves[t]``.
    ``full``: every way and combination; else the first of each (one package per final state).
    ``layers`` is consumed: each step's entry is released (set to None) once unwound, so the step
    arrays are freed before the choice matrix is allocated.

    Rows are ordered by (final state, way and combination of the last step, …, of the first step).
    Two passes: back over the steps (:func:`_unwind_step`, keeping each row's combination in a small
    integer matrix — one bit per row and step when no component has more than two combinations, as
    with yes/no moves — and a row map only for the steps that expand rows), then forward row by row
    (:func:`_fill`), so each package's row of the int64 matrix is written once, contiguously.
    """
    n_steps = len(layers)
    c_type = np.min_scalar_type(max(max(c.shape[0] for c in combos) - 1, 0))
    # each row's combination per step: one bit when no component has more than two combinations
    one_bit = max(c.shape[0] for c in combos) <= 2
    matrix = np.zeros((n_steps, (n_rows + 7) // 8 if one_bit else n_rows), dtype=c_type)
    has_src = np.zeros(n_steps, dtype=np.bool_)
    srcs: list[IntArray] = []
    cur = np.array(final, dtype=np.int64)
    like = np.zeros(0, dtype=c_type)
    for t in range(n_steps - 1, -1, -1):
        step = layers[t]
        assert step is not None
        ptr, parent, vec = step
        layers[t] = None
        combo, cur, src, expanded = _unwind_step(
            cur,
            ptr is not None,
            np.zeros(0, dtype=parent.dtype) if ptr is None else ptr,
            parent,
            vec,
            vec_ptr[t],
            vec_combo[t],
            full,
            like,
        )
        packed = np.packbits(combo) if one_bit else combo
        matrix[t, : packed.size] = packed
        has_src[t] = expanded
        srcs.append(src)
    src_at, src_flat = _flat(srcs[::-1], np.int64)
    move_at, move_flat = _flat(list(moves), np.int64)
    table_at, table = _flat(list(combos), np.int64)
    out: tuple[IntArray, IntArray] = _fill(
        n_rows, n_moves, matrix, one_bit, has_src, src_at, src_flat, move_at, move_flat, table_at, table
    )
    return out


def nondominated_sorted_3d(rows: npt.NDArray[Any]) -> BoolArray:
    """(N,) bool: rows of ``rows`` (N, 3), distinct integers sorted lexicographically ascending, that no
    other row dominates (module docstring)."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    kept: BoolArray = _sweep(rows, np.argsort(rows[:, 1]))
    return kept


def pareto_mask_3d(points: npt.ArrayLike) -> BoolArray:
    """(N,) bool: rows of integer ``points`` (N, 3) not dominated by another row; equal rows are all kept
    (ties), as in :func:`detente.analysis.pareto.pareto_mask`."""
    pts = np.asarray(points, dtype=np.int64)
    if pts.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    uniq, inverse = np.unique(pts, axis=0, return_inverse=True)
    return nondominated_sorted_3d(uniq)[inverse.reshape(-1)]
