"""Exact max–min over packages by Lagrangian enumeration: the fast path of the egalitarian, KS and
ideal-point questions of :mod:`detente.analysis.methods.milp` (scenarios without rules).

**Problem.** Maximise min_q h_q(x) over the acceptable packages x, where the scores are linear in the
option indicators, h_q(x) = Σ_o W[o, q]·x_o + w0_q (egalitarian: the gains u_i − d_i; KS: the
ratios (u_i − d_i)/R_i; ideal point: one utility u_i), and acceptability is c_i(x) = u_i(x) − r_i ≥ 0.

**Lagrangian bound (reduced-cost fixing).** The LP relaxation (HiGHS) gives multipliers y ≥ 0 on the
score rows, normalised to Σ_q y_q = 1, and z ≥ 0 on the reservation rows. For every acceptable x,

    min_q h_q(x) ≤ y·h(x) + z·c(x) = L − D(x),

with c_o = Σ_q y_q W[o, q] + Σ_i z_i V[o, i], the best option x⁰_k = argmax_{o ∈ k} c_o, the reduced
cost δ_o = c_{x⁰_k} − c_o ≥ 0, D(x) = Σ_k δ_{x_k} and L = Σ_k c_{x⁰_k} + y·w0 − z·r (the LP value).
The inequality holds for *any* such y, z, so it does not depend on the LP's accuracy. Hence a package
with min_q h_q ≥ T has D(x) ≤ G = L − T: a move whose every other option costs more than G keeps x⁰_k,
and only the others (the core, largest reduced cost first) are searched.

**Search.** A compiled depth-first enumeration of the core moves, largest reduced cost first
(:mod:`._maxmin_kernel`, which states the pruning: budget D ≤ G, optimistic per-score and
acceptability suffix bounds), every node a complete package, with T = max(target, best − τ) rising
— and G = L − T shrinking — as incumbents are found. A first sweep with no target (at most
:data:`INCUMBENT_NODES` nodes) gives an incumbent v; the exact sweeps then start at the gap
G = (L − v + τ)·DESCENT^−DESCENT_STEPS (core: the moves with an option within G; options: those
within G) and widen it by DESCENT; the first sweep that exhausts its tree with best − τ ≥ target is
complete. Its candidates with min h ≥ best − τ are **every** acceptable package within τ of the
max–min: the optimum, its tie check and the leximin candidates in one pass, with no branch-and-bound.
Work is counted in nodes (every child looked at), ``work`` in all (deterministic); beyond it, as soon
as the next sweep, growing by the ratio of the last two, would not fit in the work left, before any
exact sweep when the moves that cost nothing in the bound (δ = 0 alternatives) alone span more
combinations than the work left (tie-heavy data, e.g. integers), or when
more than :data:`WINDOW_LIMIT` candidates lie within τ of the best, the search gives up (``complete``
False, with the best package it saw) and the caller runs the MILP instead. (On the 200 × 6
Genius-like benchmark a node costs about 2·10⁻⁸ s; the hardest instances need 1.7·10⁸ nodes; integer
data with many zero reduced costs can need far more and give up.)

**Exactness.** Floating-point sums are compared with tolerances at least their rounding error
(``_rounding``), so no qualifying package is pruned; a new incumbent whose acceptability slack is
within that margin is vetted by ``accept`` (exact arithmetic) before it raises T.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from detente.model.compiled import FloatArray, IntArray

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

#: Nodes of the first sweep (no target), which finds the incumbent.
INCUMBENT_NODES = 100_000
#: The exact sweeps start at the gap G = (L − incumbent + τ)·DESCENT^−DESCENT_STEPS and widen by DESCENT.
DESCENT = 1.5
DESCENT_STEPS = 8
#: Most candidates (packages within reach of T) held at once; a window of more packages within τ of
#: the optimum: give up.
WINDOW_LIMIT = 1 << 14


@dataclass(frozen=True)
class MaxMinSearch:
    """The outcome: every acceptable package with min h ≥ ``best`` − τ (``packages``, (N, M) local
    choices, best first), ``best`` the largest min h (floating point), ``bound`` the LP value L,
    ``states`` the work done (search-tree nodes). ``packages`` is empty (and ``best`` None) when
    nothing is acceptable. ``complete`` False: the budget ran out; ``packages`` then holds the best
    package seen (if any), an incumbent for the MILP, and nothing is proven."""

    packages: IntArray
    best: float | None
    bound: float
    states: int
    complete: bool = True


@dataclass
class _Problem:
    """What every sweep shares: the LP's x⁰, reduced costs δ, bound L, and the tolerances."""

    cs: CompiledScenario
    W: FloatArray
    x0: IntArray
    delta: FloatArray
    L: float
    g0_h: FloatArray  # h(x⁰)
    g0_c: FloatArray  # c(x⁰)
    tau: float
    eps_h: float
    eps_c: float
    accept: Callable[[IntArray], bool] | None
    best: float = -np.inf  # the best exactly vetted package seen by any sweep
    package: IntArray | None = None
    nodes: int = 0
    moves: list[int] = field(default_factory=list)  # the levels of the last sweep


@dataclass
class _Outcome:
    exhausted: bool  # the tree was exhausted (else: out of work)
    complete: bool  # ... and every package with min h ≥ best − τ is listed
    rows: npt.NDArray[np.int32]  # candidates: the choice per level (−1: x⁰)
    values: FloatArray  # their min h


def _lp(cs: CompiledScenario, W: FloatArray, w0: FloatArray) -> tuple[float, FloatArray, FloatArray] | None:
    """LP relaxation max t, h_q(x) ≥ t, u_i(x) ≥ r_i: (value, y, z) or None when infeasible."""
    import highspy

    from detente.analysis.methods.highs import new_highs

    h = new_highs()
    inf = highspy.kHighsInf
    n = cs.n_total_options
    Q, P = W.shape[1], cs.n_parties
    h.addVars(n, np.zeros(n), np.ones(n))
    h.addVar(-inf, inf)
    for k in range(cs.n_moves):
        idx = np.arange(cs.offsets[k], cs.offsets[k + 1], dtype=np.int32)
        h.addRow(1.0, 1.0, idx.size, idx, np.ones(idx.size))
    cols = np.arange(n + 1, dtype=np.int32)
    for q in range(Q):
        h.addRow(-float(w0[q]), inf, n + 1, cols, np.concatenate([W[:, q], [-1.0]]))
    for i in range(P):
        h.addRow(float(cs.reservation[i]), inf, n, cols[:n], cs.values[:, i].astype(np.float64))
    h.changeColCost(n, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    rd = np.abs(np.asarray(h.getSolution().row_dual, dtype=np.float64))
    M = cs.n_moves
    y, z = rd[M : M + Q], rd[M + Q : M + Q + P]
    s = float(y.sum())
    if s <= 0:
        y, s = np.full(Q, 1.0 / Q), 1.0
    return float(h.getInfo().objective_function_value), y / s, z / s


def _rounding(cs: CompiledScenario, W: FloatArray, w0: FloatArray, c: FloatArray) -> tuple[float, float]:
    """Bounds on the rounding error of the search's sums (scores with the Lagrangian terms, and
    acceptability): (2M + 4) additions of terms whose running sums are bounded by the sums S of the
    largest magnitudes, error ≤ (2M + 4)·2^−52·S, doubled for safety."""
    M = cs.n_moves
    big_h, big_c = 0.0, np.abs(cs.reservation).astype(np.float64)
    for k in range(M):
        lo, hi = int(cs.offsets[k]), int(cs.offsets[k + 1])
        big_h += float(np.abs(W[lo:hi]).max()) + float(np.abs(c[lo:hi]).max())
        big_c = big_c + np.abs(cs.values[lo:hi]).max(axis=0)
    big_h += float(np.abs(w0).max(initial=0.0)) + float(big_c.sum())
    unit = 2.0 * (2 * M + 4) * 2.0**-52
    return unit * big_h, unit * float(big_c.max(initial=0.0))


def search_maxmin(
    cs: CompiledScenario,
    W: FloatArray,
    w0: FloatArray,
    tau: float,
    *,
    work: int,
    accept: Callable[[IntArray], bool] | None = None,
) -> MaxMinSearch | None:
    """Every acceptable package with min_q h_q ≥ best − ``tau`` (module docstring); ``complete`` False
    when the deterministic budget (``work`` nodes, :data:`WINDOW_LIMIT` candidates) runs out.
    Scenarios with rules are not handled (None). ``accept`` (exact acceptability) vets each new
    incumbent whose float acceptability is within rounding before it raises T."""
    if cs.constraints:
        return None
    lp = _lp(cs, W, w0)
    if lp is None:  # the LP relaxation is infeasible: nothing is acceptable
        return MaxMinSearch(np.zeros((0, cs.n_moves), dtype=np.int64), None, -np.inf, 0)
    _value, y, z = lp
    c = W @ y + cs.values @ z
    M = cs.n_moves
    x0 = np.zeros(M, dtype=np.int64)
    delta = np.zeros(cs.n_total_options)
    top = 0.0
    alt = np.full(M, np.inf)
    for k in range(M):
        seg = c[cs.offsets[k] : cs.offsets[k + 1]]
        x0[k] = int(np.argmax(seg))
        delta[cs.offsets[k] : cs.offsets[k + 1]] = seg[x0[k]] - seg
        top += float(seg[x0[k]])
        others = np.delete(seg[x0[k]] - seg, x0[k])
        if others.size:
            alt[k] = float(others.min())
    L = top + float(y @ w0) - float(z @ cs.reservation)
    round_h, round_c = _rounding(cs, W, w0, c)
    pr = _Problem(
        cs,
        W,
        x0,
        delta,
        L,
        W[cs.offsets[:-1] + x0].sum(axis=0) + w0,
        cs.values[cs.offsets[:-1] + x0].sum(axis=0) - cs.reservation,
        tau,
        max(1e-6 * tau, round_h),
        round_c,
        accept,
    )

    def gave_up() -> MaxMinSearch:
        pk = np.zeros((0, M), dtype=np.int64) if pr.package is None else pr.package[None, :]
        best = None if pr.package is None else pr.best
        return MaxMinSearch(pk, best, L, pr.nodes, complete=False)

    def answer(out: _Outcome) -> MaxMinSearch:
        keep = out.values >= pr.best - tau - pr.eps_h
        rows, values = out.rows[keep], out.values[keep]
        rows = rows[np.argsort(-values, kind="stable")]
        packages = np.repeat(x0[None, :], rows.shape[0], axis=0)
        for ell, k in enumerate(pr.moves):
            changed = rows[:, ell] >= 0
            packages[changed, k] = _options(pr, k)[rows[changed, ell]]
        best = None if pr.package is None else pr.best
        return MaxMinSearch(packages, best, L, pr.nodes)

    # incumbent: a short sweep with no target over every movable move, largest reduced cost first
    order = [int(k) for k in np.argsort(-alt, kind="stable") if np.isfinite(alt[k])]
    out = _sweep(pr, order, -np.inf, min(INCUMBENT_NODES, work))
    if out.complete:
        return answer(out)
    gap = L - pr.best + tau
    free = int(np.sum(alt <= pr.eps_h))  # moves whose change costs nothing in the Lagrangian bound
    if free >= 63 or 2**free > work - pr.nodes:
        # every exact sweep's tree holds every combination of these moves (no reduced cost prunes
        # them): on tie-heavy (e.g. integer) data it cannot fit in the work left, so give up at once
        return gave_up()
    # exact sweeps from well above the incumbent (the work grows steeply with the gap G = L − T):
    # G = gap·DESCENT^−DESCENT_STEPS, widened by DESCENT up to gap; the first sweep that finds a
    # package with min h ≥ T + τ answers (it has listed every package with min h ≥ best − τ)
    gmax = gap / DESCENT**DESCENT_STEPS
    last: int | None = None  # the nodes of the previous sweep
    while True:
        gmax = min(gmax, gap)
        before = pr.nodes
        out = _sweep(pr, [k for k in order if alt[k] <= gmax + pr.eps_h], L - gmax, work - pr.nodes)
        if out.complete:
            return answer(out)
        if not out.exhausted or gmax >= gap:  # out of work, or a window over WINDOW_LIMIT
            return gave_up()
        used = pr.nodes - before
        if last is not None and used * (used / max(1, last)) > work - pr.nodes:
            # the next sweep, growing as the last one did, would not fit in the work left: give up
            # now instead of spending the rest of the budget on a sweep that cannot finish
            return gave_up()
        last = used
        gap = min(gap, L - pr.best + tau)
        gmax *= DESCENT


def _options(pr: _Problem, k: int) -> IntArray:
    """The local options of move k other than x⁰_k, by increasing reduced cost (ties: by index)."""
    lo, hi = int(pr.cs.offsets[k]), int(pr.cs.offsets[k + 1])
    local = np.asarray([j for j in range(hi - lo) if j != pr.x0[k]], dtype=np.int64)
    return local[np.argsort(pr.delta[lo + local], kind="stable")]


def _sweep(pr: _Problem, moves: list[int], target: float, work: int) -> _Outcome:
    """One depth-first sweep of the kernel over ``moves`` (in that order) with the given target, at
    most ``work`` nodes; the incumbent carries over in ``pr``."""
    from detente.analysis.methods import _maxmin_kernel as kn

    cs, W, x0 = pr.cs, pr.W, pr.x0
    pr.moves = moves
    n = len(moves)
    Q, P = W.shape[1], cs.n_parties
    gmax = pr.L - max(target, pr.best - pr.tau) + pr.eps_h
    opts = [_options(pr, k) for k in moves]
    # (sorted by δ, so the options within the gap are a prefix: ``answer`` decodes with _options)
    opts = [o[pr.delta[int(cs.offsets[k]) + o] <= gmax] for o, k in zip(opts, moves, strict=True)]
    n_opt = np.asarray([o.size for o in opts], dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    if n:
        start[1:] = np.cumsum(n_opt)[:-1]
    glob = np.concatenate(
        [int(cs.offsets[k]) + o for o, k in zip(opts, moves, strict=True)] + [np.zeros(0, np.int64)]
    )
    base = np.concatenate(
        [
            np.full(o.size, int(cs.offsets[k]) + int(x0[k]), dtype=np.int64)
            for o, k in zip(opts, moves, strict=True)
        ]
        + [np.zeros(0, np.int64)]
    )
    dh = np.ascontiguousarray(W[glob] - W[base], dtype=np.float64).reshape(-1, Q)
    dc = np.ascontiguousarray(cs.values[glob] - cs.values[base], dtype=np.float64).reshape(-1, P)
    dd = np.ascontiguousarray(pr.delta[glob], dtype=np.float64)
    pos_h = np.zeros((n + 1, Q))
    pos_c = np.zeros((n + 1, P))
    for ell in range(n - 1, -1, -1):
        rows = slice(int(start[ell]), int(start[ell] + n_opt[ell]))
        pos_h[ell] = pos_h[ell + 1] + np.maximum(dh[rows], 0.0).max(axis=0, initial=0.0)
        pos_c[ell] = pos_c[ell + 1] + np.maximum(dc[rows], 0.0).max(axis=0, initial=0.0)
    state = np.zeros(8, dtype=np.int64)
    state[kn.CAN_GROW] = 1
    state[kn.WORK] = pr.nodes + max(work, 0)
    state[kn.NODES] = pr.nodes
    fstate = np.zeros(7)
    fstate[kn.TARGET] = target
    fstate[kn.BEST] = pr.best
    fstate[kn.TAU] = pr.tau
    fstate[kn.L_VALUE] = pr.L
    fstate[kn.EPS_H] = pr.eps_h
    fstate[kn.EPS_C] = pr.eps_c
    fstate[kn.MARGIN] = 2.0 * pr.eps_c
    nxt = np.zeros(n + 1, dtype=np.int64)
    choice = np.full(n, -1, dtype=np.int64)
    H = np.zeros((n + 1, Q))
    C = np.zeros((n + 1, P))
    D = np.zeros(n + 1)
    H[0], C[0] = pr.g0_h, pr.g0_c
    buf = np.zeros((min(1024, WINDOW_LIMIT), n), dtype=np.int32)
    buf_v = np.zeros(buf.shape[0])
    best_choice = np.full(n, -1, dtype=np.int64)

    def package(levels: IntArray) -> IntArray:
        p = x0.copy()
        for ell in np.flatnonzero(levels >= 0):
            p[moves[ell]] = opts[ell][levels[ell]]
        return p

    # the root x⁰ (the kernel offers the packages it creates below the root)
    v0, slack0 = float(pr.g0_h.min()), float(pr.g0_c.min(initial=np.inf))
    if (
        slack0 >= -pr.eps_c
        and v0 >= max(target, pr.best - pr.tau) - pr.eps_h
        and (slack0 >= 2.0 * pr.eps_c or pr.accept is None or pr.accept(x0))
    ):
        buf_v[0], buf[0], state[kn.N_BUF] = v0, -1, 1
        if v0 > pr.best:
            pr.best, pr.package = v0, x0.copy()
            fstate[kn.BEST] = v0
    while True:
        status = kn.dfs(
            start, n_opt, dh, dc, dd, pos_h, pos_c,
            state, fstate, nxt, choice, H, C, D, buf, buf_v, best_choice,
        )  # fmt: skip
        if status == kn.CHECK:
            d = int(state[kn.DEPTH])
            levels = np.full(n, -1, dtype=np.int64)
            levels[: d + 1] = choice[: d + 1]
            state[kn.DECISION] = int(pr.accept is None or pr.accept(package(levels)))
            continue
        if status == kn.FULL:
            if buf.shape[0] < WINDOW_LIMIT:
                grow = min(buf.shape[0], WINDOW_LIMIT - buf.shape[0])
                buf = np.concatenate([buf, np.zeros((grow, n), dtype=np.int32)])
                buf_v = np.concatenate([buf_v, np.zeros(grow)])
            else:
                state[kn.CAN_GROW] = 0
            continue
        break
    pr.nodes = int(state[kn.NODES])
    if state[kn.HAS_BEST]:
        pr.best, pr.package = float(fstate[kn.BEST]), package(best_choice)
    m = int(state[kn.N_BUF])
    done = status == kn.DONE
    # complete: no package within τ of the best lies below the target (the given one, or raised
    # when more than WINDOW_LIMIT candidates were above it)
    complete = done and pr.package is not None and pr.best - pr.tau >= float(fstate[kn.TARGET]) - pr.eps_h
    complete |= done and pr.package is None and float(fstate[kn.TARGET]) == -np.inf
    return _Outcome(done, complete, buf[:m], buf_v[:m].copy())
