"""The 3-party Pareto filter as one compiled sweep (Numba): the hot loop of the exact DP frontier.

Input: distinct integer rows (N, 3) sorted lexicographically (ascending, as the DP's fold step has
them). Row a **dominates** row b when a ≥ b in every column and a ≠ b. Read in descending order, a
dominator of b always comes before b, and an earlier row a with y_a ≥ y_b and z_a ≥ z_b has x_a ≥ x_b
(the sort) and differs from b (rows are distinct), so it dominates b. Hence the sweep::

    for rows b in descending order:
        dominated(b)  ⇔  max{ z_a : a earlier, kept, y_a ≥ y_b } ≥ z_b
        if not dominated(b): insert (y_b, z_b)

Only kept rows are inserted: a dominated earlier row is itself dominated by a kept one, which then
dominates b too. "max z over y ≥ y_b" is a prefix maximum over the ranks of y in descending order,
kept in a Fenwick tree (binary indexed tree) whose entries only grow: O(log N) per query and update,
O(N log N) in all, one pass in compiled code. The ranks come from one NumPy sort of column y
(the only pass outside the kernel).

The result is exactly the set :func:`detente.analysis.frontier.pareto_mask` keeps (same definition,
integer arithmetic, no tolerance); ``tests/analysis/test_pareto_kernel.py`` checks it against brute
force, ties and duplicates included. Numba is imported and the kernel compiled (cached on disk) on
first use, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.model.compiled import BoolArray

_KERNEL: Callable[[npt.NDArray[np.int64], npt.NDArray[np.intp]], BoolArray] | None = None


def _sweep(rows: npt.NDArray[np.int64], by_y: npt.NDArray[np.intp]) -> BoolArray:
    """Kept mask of ``rows`` (distinct, sorted lexicographically ascending), read from the last row
    back; ``by_y`` orders the rows by column y ascending.

    ``y_rank`` is 0 for the largest y. ``tree[i]`` (1-based Fenwick tree over ranks) holds the largest
    z among the kept rows whose y-rank lies in the range node i covers; the prefix 1..r+1 covers every
    y ≥ the y of rank r.
    """
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
    n_ranks = rank + 1
    lowest = np.iinfo(np.int64).min
    tree = np.full(n_ranks + 1, lowest, dtype=np.int64)
    keep = np.zeros(n, dtype=np.bool_)
    for b in range(n - 1, -1, -1):
        zb = rows[b, 2]
        i = y_rank[b] + 1
        best = lowest
        while i > 0:
            if tree[i] > best:
                best = tree[i]
            i -= i & -i
        if best >= zb:
            continue
        keep[b] = True
        i = y_rank[b] + 1
        while i <= n_ranks:
            if tree[i] < zb:
                tree[i] = zb
            i += i & -i
    return keep


def _kernel() -> Callable[[npt.NDArray[np.int64], npt.NDArray[np.intp]], BoolArray]:
    global _KERNEL
    if _KERNEL is None:
        import numba

        _KERNEL = numba.njit(cache=True, nogil=True)(_sweep)
    return _KERNEL


def nondominated_sorted_3d(rows: npt.NDArray[Any]) -> BoolArray:
    """(N,) bool: rows of ``rows`` (N, 3), distinct integers sorted lexicographically ascending, that no
    other row dominates (module docstring)."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return _kernel()(rows, np.argsort(rows[:, 1]))


def pareto_mask_3d(points: npt.ArrayLike) -> BoolArray:
    """(N,) bool: rows of integer ``points`` (N, 3) not dominated by another row; equal rows are all kept
    (ties), as in :func:`detente.analysis.frontier.pareto_mask`."""
    pts = np.asarray(points, dtype=np.int64)
    if pts.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    uniq, inverse = np.unique(pts, axis=0, return_inverse=True)
    return nondominated_sorted_3d(uniq)[inverse.reshape(-1)]
