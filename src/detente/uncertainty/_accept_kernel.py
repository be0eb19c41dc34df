"""Acceptance counting over draws as one compiled, fused loop (Numba): the hot path of robustness.

For each draw n (row of Y, the inputs in the evaluator's folded form) and each package k and party i::

    u_ki = base_ki + Σ_c Y_nc · W[c, (k, i)] + σ_ki(s_n)       r_i = rbase_i + Σ_c Y_nc · R[c, i] + ρ_i(s_n)
    accept[k, i] += 1{u_ki ≥ r_i − tol}                        accept_all[k] += Π_i 1{u_ki ≥ r_i − tol}

W and R are sparse (a value judgment moves one party's utility of the packages that contain its
option), so they are passed by rows in compressed form (``ptr``, ``idx``, ``w``): a draw costs
nnz(W) + nnz(R) multiply-adds instead of c·K·P, and no (n, K, P) array is ever built. Draws are split
into blocks run in parallel (``prange``); each block counts into its own row and the rows are summed
(integer counts: the result does not depend on the number of threads). The kernel is compiled on first
use and cached on disk, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from detente.model.compiled import FloatArray, IntArray

#: Draws per parallel block (a block's utilities stay in L1 cache).
BLOCK = 4_096

_KERNEL: Callable[..., tuple[IntArray, IntArray]] | None = None
#: ``range`` until the kernel is compiled, then ``numba.prange`` (a parallel loop; Numba is imported lazily).
prange: Any = range


def _count(
    y: Any,
    base: Any,
    ptr: Any,
    idx: Any,
    w: Any,
    rbase: Any,
    rptr: Any,
    ridx: Any,
    rw: Any,
    sidx: Any,
    sshift: Any,
    sres: Any,
    feasible: Any,
    n_packages: int,
    n_parties: int,
    tol: float,
) -> tuple[Any, Any]:
    n, c = y.shape
    kp = n_packages * n_parties
    n_blocks = (n + BLOCK - 1) // BLOCK
    acc = np.zeros((n_blocks, kp), dtype=np.int64)
    acc_all = np.zeros((n_blocks, n_packages), dtype=np.int64)
    for b in prange(n_blocks):
        u = np.empty(kp)
        r = np.empty(n_parties)
        for row in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            s = sidx[row]
            for e in range(kp):
                u[e] = base[e] + sshift[s, e]
            for p in range(n_parties):
                r[p] = rbase[p] + sres[s, p]
            for col in range(c):
                v = y[row, col]
                for e in range(ptr[col], ptr[col + 1]):
                    u[idx[e]] += v * w[e]
                for e in range(rptr[col], rptr[col + 1]):
                    r[ridx[e]] += v * rw[e]
            for k in range(n_packages):
                if not feasible[k]:
                    continue
                every = True
                for p in range(n_parties):
                    if u[k * n_parties + p] >= r[p] - tol:
                        acc[b, k * n_parties + p] += 1
                    else:
                        every = False
                if every:
                    acc_all[b, k] += 1
    return acc.sum(axis=0), acc_all.sum(axis=0)


def _kernel() -> Callable[..., tuple[IntArray, IntArray]]:
    global _KERNEL, prange
    if _KERNEL is None:
        import numba

        prange = numba.prange
        _KERNEL = numba.njit(cache=True, nogil=True, parallel=True)(_count)
    return _KERNEL


def _in_dask_worker() -> bool:
    import sys

    if "distributed" not in sys.modules:  # never imported: this is not a worker (and stays cheap)
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def csr_rows(matrix: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """(ptr, idx, w): the nonzeros of each row of ``matrix`` (c, m) in compressed row form."""
    rows, cols = np.nonzero(matrix)
    ptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.add.at(ptr, rows + 1, 1)
    return np.cumsum(ptr), cols.astype(np.int64), matrix[rows, cols].astype(np.float64)


def count_accepts(
    y: FloatArray,
    base: FloatArray,
    weights: tuple[IntArray, IntArray, FloatArray],
    rbase: FloatArray,
    rweights: tuple[IntArray, IntArray, FloatArray],
    sidx: IntArray,
    sshift: FloatArray,
    sres: FloatArray,
    feasible: Any,
    n_packages: int,
    n_parties: int,
    tol: float,
) -> tuple[IntArray, IntArray]:
    """((K·P,) per-party acceptance counts, (K,) all-accept counts) over the rows of ``y`` (docstring)."""
    kernel = _kernel()
    if _in_dask_worker():  # the cluster already runs one task per core: no threads within a task
        import numba

        numba.set_num_threads(1)
    return kernel(
        np.ascontiguousarray(y, dtype=np.float64),
        base,
        *weights,
        rbase,
        *rweights,
        np.ascontiguousarray(sidx, dtype=np.int64),
        sshift,
        sres,
        np.asarray(feasible, dtype=np.bool_),
        n_packages,
        n_parties,
        tol,
    )
