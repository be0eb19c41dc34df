"""Compiled kernel (Numba) of the Lagrangian max–min search (:mod:`detente.analysis.methods.maxmin_search`):
one depth-first sweep over the core moves.

**Tree.** Level ℓ of the tree is the ℓ-th core move; a node at depth ℓ + 1 is a complete package, x⁰
with the choices of levels 0..ℓ applied (the root is x⁰ itself). The children of a node at level ℓ
are "keep x⁰_k" (first) and the allowed other options, by increasing reduced cost δ. Every package
is created exactly once, by the child that changes its last changed move (x⁰ by the root), and only
there is it offered as a candidate. A node keeps, incrementally, h = h(x), c = c(x) (scores and
acceptability slacks) and D = D(x) = Σ δ.

**Pruning** (T = max(target, best − τ), G = L − T, both moving as the incumbent ``best`` rises).
A child is dropped, with its whole subtree, when no completion can reach T:

* budget: D > G (for acceptable x, min h(x) ≤ L − D(x)); options are sorted by δ, so the first
  option over the budget ends the level;
* per score: h_q + Σ_{k below} max_o (Δh_q)⁺ < T for some q (``pos_h``), acceptability:
  c_i + Σ_{k below} max_o (Δc_i)⁺ < 0 for some i (``pos_c``).

(Tried and left out: per-score fractional-knapsack bounds with the budget left, and Lagrangian cuts
(y′, z′, μ) from the LPs of nodes on the current path. On the hard Genius-like benchmark each removed
under 2 % of the nodes and doubled the cost of a node.)

Tolerances: ``eps_h`` on the score tests, ``eps_c`` on acceptability (both at least the rounding of
the sums), so nothing that qualifies exactly is dropped.

**Candidates.** A created package with c ≥ −eps_c and min h ≥ T − eps_h is written to the buffer
(its choices per level, −1 = x⁰; its min h); when the buffer is full, rows below the current T are
dropped, and if it is still full the kernel returns :data:`FULL` (the caller grows the buffer and
resumes) or, once the caller has cleared ``state[CAN_GROW]``, raises the target above the rows with
the smallest min h (within ``eps_h``), which are dropped. The list is complete only if
best − τ ≥ target in the end (the caller checks). A candidate with min h above ``best`` becomes the
incumbent; if its smallest slack is below ``margin`` (float acceptability not certain) the kernel first returns :data:`CHECK` with the package
in ``choice``, and the caller resumes with the exact verdict in ``state[DECISION]``.

**Work.** Every child looked at is one node; beyond ``state[WORK]`` nodes the kernel returns
:data:`OUT` (resumable). :data:`DONE`: the tree is exhausted, the buffer then holds (among rows below
the final T, which the caller drops) every acceptable package with min h ≥ T. No clock, no threads:
the same input gives the same nodes and answer.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from detente.model.compiled import FloatArray, IntArray

#: Return codes of :func:`dfs`.
DONE, CHECK, FULL, OUT = 0, 1, 2, 3
#: Slots of the integer state vector.
DEPTH, NODES, WORK, PENDING, DECISION, N_BUF, HAS_BEST, CAN_GROW = range(8)
#: Slots of the float state vector (``best`` is −inf until an incumbent is found).
BEST, TAU, L_VALUE, EPS_H, EPS_C, MARGIN, TARGET = range(7)


@numba.njit(cache=True, nogil=True)
def dfs(
    start: IntArray,
    n_opt: IntArray,
    dh: FloatArray,
    dc: FloatArray,
    dd: FloatArray,
    pos_h: FloatArray,
    pos_c: FloatArray,
    state: IntArray,
    fstate: FloatArray,
    nxt: IntArray,
    choice: IntArray,
    H: FloatArray,
    C: FloatArray,
    D: FloatArray,
    buf: npt.NDArray[np.int32],
    buf_v: FloatArray,
    best_choice: IntArray,
) -> int:
    """One resumable depth-first sweep (module docstring). Level ℓ's options are rows
    ``start[ℓ] .. start[ℓ] + n_opt[ℓ]`` of ``dh`` (Δh), ``dc`` (Δc) and ``dd`` (δ), by increasing δ;
    ``pos_h``/``pos_c`` are the suffix sums (row ℓ: levels ≥ ℓ). ``H``, ``C``, ``D`` are stacks indexed by depth (row 0: x⁰), ``nxt[ℓ]`` the next
    child of level ℓ (0: keep, j: option j − 1), ``choice[ℓ]`` the choice made at level ℓ."""
    n = n_opt.size
    Q = H.shape[1]
    P = C.shape[1]
    cap = buf.shape[0]
    depth = state[DEPTH]
    nodes = state[NODES]
    work = state[WORK]
    n_buf = state[N_BUF]
    best = fstate[BEST]
    tau = fstate[TAU]
    L = fstate[L_VALUE]
    eps_h = fstate[EPS_H]
    eps_c = fstate[EPS_C]
    margin = fstate[MARGIN]
    target = fstate[TARGET]
    T = max(target, best - tau)
    G = L - T
    status = DONE
    while True:
        record = False
        v = 0.0
        if state[PENDING] == 1:  # resumed after CHECK: the child at depth + 1 is a candidate
            state[PENDING] = 0
            v = H[depth + 1, 0]
            for q in range(1, Q):
                v = min(v, H[depth + 1, q])
            if state[DECISION] == 1:
                best = v
                T = max(target, best - tau)
                G = L - T
                state[HAS_BEST] = 1
                best_choice[:] = -1
                best_choice[: depth + 1] = choice[: depth + 1]
            record = state[DECISION] == 1  # (not acceptable exactly: not a candidate either)
        else:
            while n_buf >= cap:  # drop rows below T; still full: grow the buffer, or raise the target
                kept = 0
                for r in range(n_buf):
                    if buf_v[r] >= T - eps_h:
                        buf[kept] = buf[r]
                        buf_v[kept] = buf_v[r]
                        kept += 1
                n_buf = kept
                if n_buf >= cap:
                    if state[CAN_GROW] == 1:
                        break
                    target = buf_v[:n_buf].min() + 2.0 * eps_h
                    T = max(target, best - tau)
                    G = L - T
            if n_buf >= cap:
                status = FULL
                break
            if depth < 0:
                status = DONE
                break
            if depth == n:
                depth -= 1
                continue
            j = nxt[depth]
            if j > n_opt[depth]:
                depth -= 1
                continue
            if nodes >= work:
                status = OUT
                break
            nxt[depth] = j + 1
            nodes += 1
            if j == 0:  # keep x⁰ at this level: same package, tighter suffix bounds
                d_new = D[depth]
                H[depth + 1] = H[depth]
                C[depth + 1] = C[depth]
                choice[depth] = -1
            else:
                o = start[depth] + j - 1
                d_new = D[depth] + dd[o]
                if d_new > G + eps_h:  # options sorted by δ: the rest are over the budget too
                    nxt[depth] = n_opt[depth] + 1
                    continue
                for q in range(Q):
                    H[depth + 1, q] = H[depth, q] + dh[o, q]
                for i in range(P):
                    C[depth + 1, i] = C[depth, i] + dc[o, i]
                choice[depth] = j - 1
            D[depth + 1] = d_new
            ok = d_new <= G + eps_h  # (a kept x⁰ too: G may have shrunk since the parent)
            if ok:
                for q in range(Q):
                    if H[depth + 1, q] + pos_h[depth + 1, q] < T - eps_h:
                        ok = False
                        break
            if ok:
                for i in range(P):
                    if C[depth + 1, i] + pos_c[depth + 1, i] < -eps_c:
                        ok = False
                        break
            if not ok:
                continue
            if j > 0:
                v = H[depth + 1, 0]
                for q in range(1, Q):
                    v = min(v, H[depth + 1, q])
                mc = np.inf
                for i in range(P):
                    mc = min(mc, C[depth + 1, i])
                if v >= T - eps_h and mc >= -eps_c:
                    record = True
                    if v > best:
                        if mc < margin:  # acceptable only within rounding? ask the caller
                            state[PENDING] = 1
                            status = CHECK
                            break
                        best = v
                        T = max(target, best - tau)
                        G = L - T
                        state[HAS_BEST] = 1
                        best_choice[:] = -1
                        best_choice[: depth + 1] = choice[: depth + 1]
        if record:
            buf[n_buf, :] = -1
            for ell in range(depth + 1):
                buf[n_buf, ell] = choice[ell]
            buf_v[n_buf] = v
            n_buf += 1
        depth += 1
        if depth < n:
            nxt[depth] = 0
    state[DEPTH] = depth
    state[NODES] = nodes
    state[N_BUF] = n_buf
    fstate[BEST] = best
    fstate[TARGET] = target
    return status
