"""The Pareto frontier of a set of utility vectors: a vectorized filter, a streaming frontier, summaries.

Definitions. Package q **dominates** p when ``u_i(q) ≥ u_i(p)`` for every party and ``u(q) ≠ u(p)``
(weak dominance: strictly better for at least one party). The **Pareto frontier** is the set of
acceptable packages not dominated by another acceptable package; packages with equal utility vectors
are all kept (ties). Comparisons are made on the integer utility grid of
:mod:`detente.analysis.grid`, so equality is exact (10^-12 of the utility scale).

* :func:`pareto_mask` — nondominated points of an (N, P) array. Sort lexicographically descending (a
  dominator always comes first), so a row is dominated iff some earlier row is ≥ in columns 1..P−1.
  P = 2: a running maximum, O(N log N). P = 3: a level-synchronous divide and conquer over positions
  (:func:`_dominated_by_earlier_3d`: per level a stable partition and a running maximum per block),
  O(N log N) in O(log N) NumPy passes. P ≥ 4: divide and conquer over that order; "is b dominated by
  some earlier a" is answered by a vectorized multi-dimensional dominance query (split on a coordinate,
  recurse; two coordinates by sort + running maximum + binary search), O(N log^(P−1) N).
* :class:`StreamingFrontier` — keeps the running frontier while chunks of packages stream in.
* :func:`summarize` — count, per-party ranges and k representative points (farthest-point sampling,
  seeded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.analysis.enumerate import PackageChunk
from detente.model.compiled import BoolArray, FloatArray, IntArray

#: Leaf size of the divide and conquer in :func:`pareto_mask`.
_LEAF = 64
#: log2 of the block of positions compared pairwise by :func:`_dominated_by_earlier_3d`.
_LEAF3_BITS = 3
#: Pairs compared at once by the brute-force dominance test.
_BRUTE = 1 << 21
#: The dominance query compares directly below this many pairs.
_COVER_BRUTE = 1 << 12
#: Sizes above which :func:`pareto_mask` first removes rows dominated by a few pivots.
_PREFILTER_MIN = 4096
_PIVOT_SAMPLE = 2048
_PIVOT_ROUNDS = (8, 64)


# ---------------------------------------------------------------------------------------------
# Pareto filter
# ---------------------------------------------------------------------------------------------
def _brute_dominated(a: npt.NDArray, b: npt.NDArray) -> BoolArray:
    """For each row of b: whether some row of a is ≥ it in every column."""
    out = np.zeros(b.shape[0], dtype=bool)
    if a.shape[0] == 0 or b.shape[0] == 0:
        return out
    step = max(1, _BRUTE // max(1, a.shape[0] * a.shape[1]))
    for s in range(0, b.shape[0], step):
        blk = b[s : s + step]
        out[s : s + step] = np.any(np.all(a[None, :, :] >= blk[:, None, :], axis=2), axis=1)
    return out


def _covered(a: npt.NDArray, b: npt.NDArray) -> BoolArray:
    """For each row of b: ∃ row of a with a ≥ b in every column (multi-dimensional dominance query)."""
    na, nb = a.shape[0], b.shape[0]
    if na == 0 or nb == 0:
        return np.zeros(nb, dtype=bool)
    k = a.shape[1]
    if k == 1:
        return b[:, 0] <= a[:, 0].max()
    if k == 2:
        order = np.argsort(-a[:, 0], kind="stable")
        x = a[order, 0]
        ymax = np.maximum.accumulate(a[order, 1])
        # number of a-rows with x ≥ b_x: x is descending, so search in -x ascending
        cnt = np.searchsorted(-x, -b[:, 0], side="right")
        out = np.zeros(nb, dtype=bool)
        has = cnt > 0
        out[has] = ymax[cnt[has] - 1] >= b[has, 1]
        return out
    if na * nb <= _COVER_BRUTE:
        return _brute_dominated(a, b)
    b0 = b[:, 0]
    bmin, bmax = b0.min(), b0.max()
    if bmin == bmax:  # every b shares column 0: only a-rows with a0 ≥ b0 matter, then drop the column
        return _covered(a[a[:, 0] >= bmin][:, 1:], b[:, 1:])
    m = np.partition(b0, nb // 2)[nb // 2]
    if m == bmin:
        m = b0[b0 > bmin].min()
    a_hi = a[:, 0] >= m
    b_hi = b0 >= m
    out = np.zeros(nb, dtype=bool)
    a_high = a[a_hi]
    lo_idx = np.flatnonzero(~b_hi)
    hi_idx = np.flatnonzero(b_hi)
    b_lo = b[lo_idx]
    res_lo = _covered(a_high[:, 1:], b_lo[:, 1:])
    rest = ~res_lo
    if rest.any():
        res_lo[rest] = _covered(a[~a_hi], b_lo[rest])
    out[lo_idx] = res_lo
    out[hi_idx] = _covered(a_high, b[hi_idx])
    return out


def _pivot_filter(u: npt.NDArray) -> BoolArray:
    """Cheap first pass: drop rows dominated by a few strong frontier points (those of the rows with
    the largest sums). Rows it keeps are dominated, if at all, only by other kept rows."""
    n = u.shape[0]
    total = u.sum(axis=1, dtype=np.float64)
    top = np.sort(np.argpartition(-total, min(n - 1, _PIVOT_SAMPLE))[:_PIVOT_SAMPLE])
    sample = u[top]
    pivots = sample[pareto_mask(sample)]
    keep = np.ones(n, dtype=bool)
    # worth it only when the pivots dominate most rows: test on an evenly spaced sample first
    probe = u[:: max(1, n // 1024)]
    piv0 = pivots[farthest_points(pivots, _PIVOT_ROUNDS[0])] if pivots.shape[0] > _PIVOT_ROUNDS[0] else pivots
    hit = np.any(
        np.all(piv0[None, :, :] >= probe[:, None, :], axis=2)
        & np.any(piv0[None, :, :] > probe[:, None, :], axis=2),
        axis=1,
    )
    if hit.mean() < 0.5:
        return keep
    for round_no, count in enumerate(_PIVOT_ROUNDS):
        if round_no and keep.mean() > 0.5:  # the pivots do not dominate most rows: stop early
            break
        piv = pivots[farthest_points(pivots, count)] if pivots.shape[0] > count else pivots
        live = np.flatnonzero(keep)
        step = max(1, _BRUTE // max(1, piv.shape[0] * u.shape[1]))
        for s in range(0, live.size, step):
            rows = live[s : s + step]
            blk = u[rows]
            ge = np.all(piv[None, :, :] >= blk[:, None, :], axis=2)
            gt = np.any(piv[None, :, :] > blk[:, None, :], axis=2)
            keep[rows] = ~np.any(ge & gt, axis=1)
    return keep


def _dominated_by_earlier_3d(u: npt.NDArray) -> BoolArray:
    """For distinct rows (N, 3) sorted lexicographically descending: whether some earlier row is ≥ in
    columns 1 and 2 (hence dominates: its column 0 is ≥ too).

    Level-synchronous divide and conquer over positions, O(N log N) with O(log N) NumPy passes: pad to
    N = 2^L positions; at the level with half size h every pair (i < j) in sibling halves of a block of
    2h positions is examined once. The rows of each block are kept ordered by (column 1 descending,
    position) — obtained from the level above by a stable partition of each block into its two
    halves — so "max column 2 over the earlier left-half rows" is a running maximum per block, and a
    right-half row j is dominated when that maximum is ≥ its column 2. Blocks of 2^_LEAF3_BITS
    positions are compared pairwise.
    """
    n = u.shape[0]
    # column 2 as positive int64 keeping its order exactly (shifted, or ranks); padding gets 0
    col = u[:, 2]
    if col.dtype.kind in "iu" and int(col.max()) - int(col.min()) < 2**62:
        z_real = (col - col.min()).astype(np.int64) + 1
    else:
        z_real = np.unique(col, return_inverse=True)[1].reshape(-1).astype(np.int64) + 1
    n_bits = max(int(n - 1).bit_length(), _LEAF3_BITS)
    leaf = 1 << _LEAF3_BITS
    # padding rows (positions n, n+1, ...) come after every real row and have column 2 = 0, so they
    # never cover a real row; only the blocks holding real rows are processed at each level
    n_pad = -(-n // leaf) * leaf
    y = np.full(n_pad, u[:, 1].min(), dtype=u.dtype)
    z = np.zeros(n_pad, dtype=np.int64)
    y[:n], z[:n] = u[:, 1], z_real
    ly, lz = y.reshape(-1, leaf), z.reshape(-1, leaf)
    ge = (ly[:, :, None] >= ly[:, None, :]) & (lz[:, :, None] >= lz[:, None, :])  # ge[., a, b]: a ≥ b
    ge &= np.triu(np.ones((leaf, leaf), dtype=bool), 1)  # only earlier a
    dominated = ge.any(axis=1).reshape(-1)[:n]
    if n_bits == _LEAF3_BITS:
        return dominated
    size = 1 << n_bits
    itype = np.int32 if size < 2**31 else np.int64
    # column 1 descending, ties by position (stable ascending sort of the reversed column, reversed);
    # the padding rows last
    order: npt.NDArray[Any] = np.empty(size, dtype=itype)
    order[:n] = (n - 1 - np.argsort(u[::-1, 1], kind="stable"))[::-1]
    order[n:] = np.arange(n, size, dtype=itype)
    zo: npt.NDArray[Any] = np.zeros(size, dtype=np.int64)
    zo[:n] = z_real[order[:n]]
    dom = np.zeros(size, dtype=bool)
    for level in range(n_bits - 1, _LEAF3_BITS - 1, -1):
        h = 1 << level
        used = -(-n // (2 * h)) * (2 * h)  # blocks of 2h positions that hold real rows
        order, zo, dom = order[:used], zo[:used], dom[:used]
        left = (order & h) == 0
        run = np.maximum.accumulate((zo * left).reshape(-1, 2 * h), axis=1).reshape(-1)  # right: 0
        hit = run >= zo
        hit &= ~left
        dom |= hit
        if level == _LEAF3_BITS:
            break
        # stable partition of each block: its left-half rows first (next level's blocks)
        lb = left.reshape(-1, 2 * h)
        n_left: npt.NDArray[Any] = np.cumsum(lb, axis=1, dtype=itype)
        dest: npt.NDArray[Any] = np.arange(used, dtype=itype).reshape(-1, 2 * h)
        dest += np.where(lb, n_left - 1 - np.arange(2 * h, dtype=itype), n_left[:, -1:] - n_left)
        dest = dest.reshape(-1)
        nxt = np.empty_like(order)
        nxt[dest] = order
        order = nxt
        nz = np.empty_like(zo)
        nz[dest] = zo
        zo = nz
        ndom = np.empty_like(dom)
        ndom[dest] = dom
        dom = ndom
    real = order < n
    dominated[order[real]] |= dom[real]
    return dominated


def _nd_sorted_unique(u: npt.NDArray) -> BoolArray:
    """Nondominated mask of distinct rows sorted lexicographically descending."""
    n, p = u.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if p == 1:
        keep = np.zeros(n, dtype=bool)
        keep[0] = True
        return keep
    if p == 2:
        y = u[:, 1]
        prev = np.empty(n, dtype=y.dtype)
        prev[1:] = np.maximum.accumulate(y)[:-1]
        keep = np.ones(n, dtype=bool)
        keep[1:] = y[1:] > prev[1:]
        return keep
    if p == 3:
        return ~_dominated_by_earlier_3d(u)
    dominated = np.zeros(n, dtype=bool)
    rest = u[:, 1:]

    def solve(lo: int, hi: int) -> None:
        if hi - lo <= _LEAF:
            blk = rest[lo:hi]
            ge = np.all(blk[:, None, :] >= blk[None, :, :], axis=2)  # ge[a, b]: a ≥ b
            ge &= np.tri(hi - lo, k=-1, dtype=bool).T  # only earlier a (a < b)
            dominated[lo:hi] |= ge.any(axis=0)
            return
        mid = (lo + hi) // 2
        solve(lo, mid)
        solve(mid, hi)
        left = rest[lo:mid][~dominated[lo:mid]]
        live = np.flatnonzero(~dominated[mid:hi]) + mid
        if live.size:
            dominated[live] |= _covered(left, rest[live])

    solve(0, n)
    return ~dominated


def pareto_mask(points: npt.ArrayLike) -> BoolArray:
    """(N,) bool: rows of ``points`` (N, P) not dominated by another row (equal rows all kept).

    Exact for integer input (use the grid utilities); for floats, equality is exact float equality.
    """
    pts = np.asarray(points)
    n = pts.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if n > _PREFILTER_MIN:
        keep = _pivot_filter(pts)
        if not keep.all():
            out = np.zeros(n, dtype=bool)
            out[keep] = pareto_mask(pts[keep])
            return out
    p = pts.shape[1]
    order = np.lexsort(tuple(-pts[:, j] for j in range(p - 1, -1, -1)))
    s = pts[order]
    new = np.ones(n, dtype=bool)
    new[1:] = np.any(s[1:] != s[:-1], axis=1)
    uid = np.cumsum(new) - 1
    keep_unique = _nd_sorted_unique(s[new])
    mask = np.empty(n, dtype=bool)
    mask[order] = keep_unique[uid]
    return mask


class StreamingFrontier:
    """The running frontier of packages that arrive in chunks (numbers and grid utilities)."""

    def __init__(self, n_parties: int, *, buffer: int = 1 << 18) -> None:
        self._index: list[IntArray] = []
        self._ints: list[IntArray] = []
        self._pending = 0
        self._front_size = 0
        self._buffer = buffer
        self._n_parties = n_parties
        self.n_seen = 0

    def add(self, chunk: PackageChunk) -> None:
        if len(chunk) == 0:
            return
        self.n_seen += len(chunk)
        keep = pareto_mask(chunk.ints)
        self._index.append(chunk.index[keep])
        self._ints.append(chunk.ints[keep])
        self._pending += int(keep.sum())
        if self._pending > max(self._buffer, 2 * self._front_size):
            self._merge()

    def _merge(self) -> None:
        if not self._index:
            return
        index = np.concatenate(self._index)
        ints = np.concatenate(self._ints)
        keep = pareto_mask(ints)
        self._index, self._ints = [index[keep]], [ints[keep]]
        self._front_size = int(keep.sum())
        self._pending = 0

    def result(self) -> tuple[IntArray, IntArray]:
        """(index, grid utilities) of the frontier, in index order."""
        self._merge()
        if not self._index:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self._n_parties), dtype=np.int64)
        order = np.argsort(self._index[0], kind="stable")
        return self._index[0][order], self._ints[0][order]


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------
def farthest_points(points: npt.ArrayLike, k: int, *, seed: int = 0) -> IntArray:
    """Indices of ``k`` spread-out rows (greedy farthest-point sampling on per-column-scaled points,
    starting from a seeded random row)."""
    pts = np.asarray(points, dtype=np.float64)
    n = pts.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.arange(n, dtype=np.int64)
    span = pts.max(axis=0) - pts.min(axis=0)
    z = (pts - pts.min(axis=0)) / np.where(span > 0, span, 1.0)
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(n))]
    dist = np.linalg.norm(z - z[chosen[0]], axis=1)
    for _ in range(k - 1):
        nxt = int(np.argmax(dist))
        if dist[nxt] <= 0:
            break
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(z - z[nxt], axis=1))
    return np.asarray(chosen, dtype=np.int64)


@dataclass(frozen=True)
class FrontierSummary:
    """Size of a frontier, each party's utility range on it, and representative points."""

    count: int
    minimum: FloatArray
    maximum: FloatArray
    representatives: IntArray  # row indices into the summarized utilities


def summarize(utilities: npt.ArrayLike, *, k: int = 10, seed: int = 0) -> FrontierSummary:
    """Count, per-party min/max and ``k`` representative rows (farthest-point sampling with ``seed``)."""
    u = np.asarray(utilities, dtype=np.float64)
    if u.shape[0] == 0:
        z = np.zeros(u.shape[1] if u.ndim == 2 else 0)
        return FrontierSummary(0, z, z, np.zeros(0, dtype=np.int64))
    return FrontierSummary(int(u.shape[0]), u.min(axis=0), u.max(axis=0), farthest_points(u, k, seed=seed))
