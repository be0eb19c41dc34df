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
and only the others (the core) are searched.

**Search.** Breadth first over the core moves, largest reduced cost first. Every state is a complete
package (x⁰ with some core moves changed), so every state is also an incumbent candidate. A state is
dropped when no completion can reach T:

* budget: D > G;
* per score: h_q + Σ_{k left} max_o (Δh_q)⁺ < T, and c_i + Σ_{k left} max_o (Δc_i)⁺ < 0;
* Lagrangian cuts: for any y′ ≥ 0 (Σ y′ = 1), z′ ≥ 0, μ ≥ 0 and any completion x of the state,
  min h(x) ≤ y′·h + z′·c − μD + μG + Σ_{k left} max_o (y′·Δh + z′·Δc − μδ)⁺ (weak duality of the
  state's LP relaxation). A few (y′, z′, μ) are taken from the LP duals of the states with the most
  slack (HiGHS) and applied to all states.

A beam search gives an incumbent v; the exact sweeps start with the gap G = (L − v + τ)·DESCENT^−k
and widen it by DESCENT, T = L − G rising to (best seen) − τ within a sweep; the first sweep that
sees a package with min h ≥ T + τ is complete. What survives the last move is
**every** acceptable package with min_q h_q ≥ best − τ: the optimum, its tie check and the leximin
candidates in one pass, with no branch-and-bound. Work is bounded by :data:`STATE_LIMIT` states per
move and ``work`` states in all (deterministic); beyond either — or as soon as the next sweep,
growing by the ratio of the last two, would not fit in the work left — the search gives up
(``complete`` False, with the best package it saw) and the caller runs the MILP instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from detente.model.compiled import FloatArray, IntArray

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

#: Most states kept after one move (beyond: give up, the caller solves the MILP).
STATE_LIMIT = 1_000_000
#: Beam width of the incumbent search.
BEAM = 2_000
#: States at one move above which Lagrangian cuts are computed ...
CUT_FROM = 4_000
#: ... this many per move (LPs on the states with the most slack), keeping the latest CUT_POOL.
CUTS_PER_MOVE = 2
CUT_POOL = 12
#: The exact sweeps start at the gap G = (L − incumbent)·DESCENT^−DESCENT_STEPS and widen by DESCENT.
DESCENT = 1.1
DESCENT_STEPS = 12


@dataclass(frozen=True)
class MaxMinSearch:
    """The outcome: every acceptable package with min h ≥ ``best`` − τ (``packages``, (N, M) local
    choices, best first), ``best`` the largest min h (floating point), ``bound`` the LP value L,
    ``states`` the work done. ``packages`` is empty (and ``best`` None) when nothing is acceptable.
    ``complete`` False: the budget ran out; ``packages`` then holds the best package seen (if any), an
    incumbent for the MILP, and nothing is proven."""

    packages: IntArray
    best: float | None
    bound: float
    states: int
    complete: bool = True


@dataclass
class _Seen:
    """The best acceptable package any sweep has seen (an incumbent for the MILP when the search
    gives up)."""

    value: float | None = None
    package: IntArray | None = None


@dataclass
class _Cut:
    y: FloatArray  # (Q,)
    z: FloatArray  # (P,)
    mu: float
    suffix: FloatArray  # (n_levels + 1,) Σ over levels ≥ ℓ of max_o (y·Δh + z·Δc − μδ)⁺
    base: FloatArray  # (N,) y·h + z·c − μD of every state


class _Levels:
    """The core moves in search order, each with its allowed options and their deltas from x⁰."""

    def __init__(
        self, cs: CompiledScenario, W: FloatArray, delta: FloatArray, x0: IntArray, moves: list[int], G: float
    ) -> None:
        self.moves = moves
        self.opts: list[IntArray] = []  # local option indices (x⁰ excluded) allowed at the level
        self.dh: list[FloatArray] = []  # (n_opts, Q)
        self.dc: list[FloatArray] = []  # (n_opts, P)
        self.dd: list[FloatArray] = []  # (n_opts,)
        for k in moves:
            lo = int(cs.offsets[k])
            o0 = lo + int(x0[k])
            local = np.asarray(
                [j for j in range(int(cs.n_options[k])) if j != x0[k] and delta[lo + j] <= G], dtype=np.int64
            )
            self.opts.append(local)
            self.dh.append(W[lo + local] - W[o0])
            self.dc.append(cs.values[lo + local] - cs.values[o0])
            self.dd.append(delta[lo + local])
        n = len(moves)
        # each level's field in the packed signature: the local option + 1 (0: x⁰ kept)
        self.width = [int(cs.n_options[k]).bit_length() for k in moves]
        self.slot: list[tuple[int, int]] = []
        word, shift = 0, 0
        for w in self.width:
            if shift + w > 64:
                word, shift = word + 1, 0
            self.slot.append((word, shift))
            shift += w
        self.words = word + 1
        Q, P = W.shape[1], cs.n_parties
        self.pos_h = np.zeros((n + 1, Q))
        self.pos_c = np.zeros((n + 1, P))
        for ell in range(n - 1, -1, -1):
            self.pos_h[ell] = self.pos_h[ell + 1] + np.maximum(self.dh[ell], 0.0).max(axis=0, initial=0.0)
            self.pos_c[ell] = self.pos_c[ell + 1] + np.maximum(self.dc[ell], 0.0).max(axis=0, initial=0.0)

    def __len__(self) -> int:
        return len(self.moves)

    def cut_suffix(self, y: FloatArray, z: FloatArray, mu: float) -> FloatArray:
        n = len(self.moves)
        out = np.zeros(n + 1)
        for ell in range(n - 1, -1, -1):
            v = self.dh[ell] @ y + self.dc[ell] @ z - mu * self.dd[ell]
            out[ell] = out[ell + 1] + max(0.0, float(v.max(initial=0.0)))
        return out


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


def _decode(lv: _Levels, x0: IntArray, sig: npt.NDArray[np.uint64]) -> IntArray:
    """(N, M) local choices of the packed signatures."""
    packages = np.repeat(x0[None, :], sig.shape[0], axis=0)
    for ell in range(len(lv)):
        word, shift = lv.slot[ell]
        code = ((sig[:, word] >> np.uint64(shift)) & np.uint64((1 << lv.width[ell]) - 1)).astype(np.int64)
        changed = code > 0
        packages[changed, lv.moves[ell]] = code[changed] - 1
    return packages


def _mark(sig: npt.NDArray[np.uint64], word: int, shift: int, code: int) -> npt.NDArray[np.uint64]:
    """A copy of the signatures with ``code`` written at (word, shift)."""
    out = sig.copy()
    out[:, word] |= np.uint64(code) << np.uint64(shift)
    return out


def _state_cut(
    lv: _Levels, ell: int, h_s: FloatArray, c_s: FloatArray, budget: float
) -> tuple[FloatArray, FloatArray, float] | None:
    """Duals (y′, z′, μ) of the LP relaxation of one state's completions (levels after ``ell``)."""
    import highspy

    from detente.analysis.methods.highs import new_highs

    cols_h: list[FloatArray] = []
    cols_c: list[FloatArray] = []
    cols_d: list[float] = []
    group: list[int] = []
    for j in range(ell + 1, len(lv)):
        for r in range(lv.opts[j].size):
            cols_h.append(lv.dh[j][r])
            cols_c.append(lv.dc[j][r])
            cols_d.append(float(lv.dd[j][r]))
            group.append(j)
    n = len(cols_d)
    Q, P = h_s.size, c_s.size
    h = new_highs()
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.ones(n))
    h.addVar(-inf, inf)
    if n:
        Hm, Cm, Dm = np.asarray(cols_h), np.asarray(cols_c), np.asarray(cols_d)
    else:
        Hm, Cm, Dm = np.zeros((0, Q)), np.zeros((0, P)), np.zeros(0)
    cols = np.arange(n + 1, dtype=np.int32)
    for q in range(Q):
        h.addRow(-float(h_s[q]), inf, n + 1, cols, np.concatenate([Hm[:, q], [-1.0]]))
    for i in range(P):
        h.addRow(-float(c_s[i]), inf, n, cols[:n], Cm[:, i].copy())
    h.addRow(-inf, max(budget, 0.0), n, cols[:n], Dm.copy())
    grp = np.asarray(group, dtype=np.int64)
    for j in np.unique(grp):
        idx = np.flatnonzero(grp == j).astype(np.int32)
        if idx.size > 1:
            h.addRow(-inf, 1.0, idx.size, idx, np.ones(idx.size))
    h.changeColCost(n, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    rd = np.abs(np.asarray(h.getSolution().row_dual, dtype=np.float64))
    y, z, mu = rd[:Q], rd[Q : Q + P], float(rd[Q + P])
    s = float(y.sum())
    if s <= 1e-12:
        return None
    return y / s, z / s, mu / s


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
    when the deterministic budget (``work`` states, :data:`STATE_LIMIT` per move) runs out. Scenarios
    with rules are not handled (None). ``accept`` (exact acceptability) vets each new incumbent
    before it raises T, so a package acceptable only within floating-point rounding never prunes."""
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
    for k in range(M):
        seg = c[cs.offsets[k] : cs.offsets[k + 1]]
        x0[k] = int(np.argmax(seg))
        delta[cs.offsets[k] : cs.offsets[k + 1]] = seg[x0[k]] - seg
        top += float(seg[x0[k]])
    L = top + float(y @ w0) - float(z @ cs.reservation)
    eps = 1e-6 * tau  # room for floating-point rounding in the bounds
    alt = np.full(M, np.inf)
    for k in range(M):
        seg = np.delete(delta[cs.offsets[k] : cs.offsets[k + 1]], x0[k])
        if seg.size:
            alt[k] = float(seg.min())
    g0_h = W[cs.offsets[:-1] + x0].sum(axis=0) + w0
    g0_c = cs.values[cs.offsets[:-1] + x0].sum(axis=0) - cs.reservation

    seen = _Seen()

    def gave_up(spent: int) -> MaxMinSearch:
        pk = np.zeros((0, M), dtype=np.int64) if seen.package is None else seen.package[None, :]
        return MaxMinSearch(pk, seen.value, L, spent, complete=False)

    # incumbent: a beam over every movable move, largest reduced cost first
    order = [int(k) for k in np.argsort(-alt, kind="stable") if np.isfinite(alt[k])]
    beam = _sweep(
        cs, W, delta, x0, order, L, g0_h, g0_c, -np.inf, tau, eps, seen, accept, beam=BEAM, work=work
    )
    if beam is None:
        return gave_up(work)
    best0, spent = beam.best, beam.states
    gap = np.inf if best0 is None else L - best0 + tau
    # tighten from well above the beam's incumbent (the work grows steeply with the gap G = L − T):
    # G = gap·DESCENT^−DESCENT_STEPS, widened by DESCENT up to gap; the first sweep that finds a
    # package with min h ≥ T + τ answers (it has listed every package with min h ≥ best − τ)
    gmax = gap / DESCENT**DESCENT_STEPS if np.isfinite(gap) else gap
    last: int | None = None  # the states of the previous exact sweep
    while True:
        gmax = min(gmax, gap)
        target = L - gmax
        core = [k for k in order if alt[k] <= gmax + eps]
        exact = _sweep(
            cs,
            W,
            delta,
            x0,
            core,
            L,
            g0_h,
            g0_c,
            target,
            tau,
            eps,
            seen,
            accept,
            beam=None,
            work=work - spent,
        )
        if exact is None:
            return gave_up(work)
        spent += exact.states
        if exact.best is not None and exact.best - tau >= target - eps:
            return MaxMinSearch(exact.packages, exact.best, L, spent)
        if gmax >= gap:
            return gave_up(spent)
        if last is not None and exact.states * (exact.states / max(1, last)) > work - spent:
            # the next sweep, growing as the last one did, would not fit in what is left: give up now
            # rather than spend the rest of the budget on a sweep that cannot finish
            return gave_up(spent)
        last = exact.states
        if exact.best is not None:  # a better incumbent seen on the way: less gap to close
            gap = min(gap, L - exact.best + tau)
        gmax *= DESCENT


def _sweep(
    cs: CompiledScenario,
    W: FloatArray,
    delta: FloatArray,
    x0: IntArray,
    moves: list[int],
    L: float,
    g0_h: FloatArray,
    g0_c: FloatArray,
    target: float,
    tau: float,
    eps: float,
    seen: _Seen,
    accept: Callable[[IntArray], bool] | None,
    *,
    beam: int | None,
    work: int,
) -> MaxMinSearch | None:
    """One breadth-first pass (module docstring); ``beam`` keeps only the most promising states."""
    gmax = L - target
    lv = _Levels(cs, W, delta, x0, moves, gmax + eps)
    n = len(lv)
    dsum = np.zeros(1)
    hs = g0_h[None, :].copy()
    acc = g0_c[None, :].copy()
    sig = np.zeros((1, lv.words), dtype=np.uint64)  # each state's changed options, packed
    cuts: list[_Cut] = []
    spent = 1
    best: float | None = None

    def incumbent(
        hs: FloatArray, acc: FloatArray, rows: npt.NDArray[np.uint64], code: tuple[int, int, int]
    ) -> None:
        """Record the best acceptable package among these states (signatures ``rows``, plus ``code``
        = (word, shift, value) written for the level being added)."""
        nonlocal best, target, gmax
        ok = np.flatnonzero(np.all(acc >= -eps, axis=1))
        if ok.size:
            vals = hs[ok].min(axis=1)
            j = int(ok[int(np.argmax(vals))])
            v = float(vals.max())
            if best is not None and v <= best:
                return
            one = rows[j : j + 1].copy()
            one[0, code[0]] |= np.uint64(code[2]) << np.uint64(code[1])
            package = _decode(lv, x0, one)[0]
            if accept is not None and not accept(package):
                return  # acceptable only within rounding: no incumbent (it stays a state)
            best = v
            target = max(target, v - tau)
            gmax = L - target
            if seen.value is None or v > seen.value:
                seen.value, seen.package = v, package

    incumbent(hs, acc, sig, (0, 0, 0))
    for ell in range(n):
        m = lv.opts[ell].size
        N = dsum.size
        # children: the state itself (x⁰ kept) and one per other option within the budget, each
        # built only for the states it keeps (no 2N temporaries)
        kids: list[tuple[IntArray, int, FloatArray, FloatArray, FloatArray, list[FloatArray]]] = [
            (np.arange(N), -1, dsum, hs, acc, [cut.base for cut in cuts])
        ]
        for r in range(m):
            idx = np.flatnonzero(dsum + lv.dd[ell][r] <= gmax + eps)
            v = [
                float(lv.dh[ell][r] @ cut.y + lv.dc[ell][r] @ cut.z - cut.mu * lv.dd[ell][r]) for cut in cuts
            ]
            kid_h, kid_c = hs[idx] + lv.dh[ell][r], acc[idx] + lv.dc[ell][r]
            incumbent(kid_h, kid_c, sig[idx], (*lv.slot[ell], int(lv.opts[ell][r]) + 1))
            kids.append(
                (
                    idx,
                    int(lv.opts[ell][r]),
                    dsum[idx] + lv.dd[ell][r],
                    kid_h,
                    kid_c,
                    [cut.base[idx] + v[q] for q, cut in enumerate(cuts)],
                )
            )
        parts: list[
            tuple[npt.NDArray[np.uint64], int, FloatArray, FloatArray, FloatArray, list[FloatArray]]
        ] = []
        for idx, o, d_k, h_k, c_k, b_k in kids:
            spent += idx.size
            keep = d_k <= gmax + eps
            keep &= np.all(h_k + lv.pos_h[ell + 1] >= target - eps, axis=1)
            keep &= np.all(c_k + lv.pos_c[ell + 1] >= -eps, axis=1)
            for q, cut in enumerate(cuts):
                keep &= b_k[q] + cut.mu * gmax + cut.suffix[ell + 1] >= target - eps
            parts.append((sig[idx[keep]], o, d_k[keep], h_k[keep], c_k[keep], [x[keep] for x in b_k]))
        del kids
        if spent > work:
            return None
        word, shift = lv.slot[ell]
        sig = np.concatenate([x[0] if x[1] < 0 else _mark(x[0], word, shift, x[1] + 1) for x in parts])
        dsum = np.concatenate([x[2] for x in parts])
        hs = np.concatenate([x[3] for x in parts])
        acc = np.concatenate([x[4] for x in parts])
        for q, cut in enumerate(cuts):
            cut.base = np.concatenate([x[5][q] for x in parts])
        del parts
        if beam is not None and dsum.size > beam:
            score = np.minimum(L - dsum, (hs + lv.pos_h[ell + 1]).min(axis=1))
            sel = np.sort(np.argpartition(-score, beam)[:beam])
            dsum, hs, acc, sig = dsum[sel], hs[sel], acc[sel], sig[sel]
            for cut in cuts:
                cut.base = cut.base[sel]
        if beam is None and dsum.size > CUT_FROM and ell + 1 < n:
            slack = np.minimum(gmax - dsum, (hs + lv.pos_h[ell + 1]).min(axis=1) - target)
            for cut in cuts:
                slack = np.minimum(slack, cut.base + cut.mu * gmax + cut.suffix[ell + 1] - target)
            picks = np.argpartition(-slack, CUTS_PER_MOVE)[:CUTS_PER_MOVE]
            added = False
            for s in sorted(int(p) for p in picks):
                duals = _state_cut(lv, ell, hs[s], acc[s], gmax - float(dsum[s]))
                if duals is None:
                    continue
                yq, zq, mu = duals
                cuts.append(_Cut(yq, zq, mu, lv.cut_suffix(yq, zq, mu), hs @ yq + acc @ zq - mu * dsum))
                added = True
            del cuts[:-CUT_POOL]
            if added:
                keep = np.ones(dsum.size, dtype=bool)
                for cut in cuts:
                    keep &= cut.base + cut.mu * gmax + cut.suffix[ell + 1] >= target - eps
                dsum, hs, acc, sig = dsum[keep], hs[keep], acc[keep], sig[keep]
                for cut in cuts:
                    cut.base = cut.base[keep]
        if dsum.size > STATE_LIMIT:
            return None
    # survivors: acceptable, min h ≥ best − τ
    ok = np.all(acc >= -eps, axis=1) & (hs.min(axis=1) >= target - eps)
    rows = np.flatnonzero(ok)
    if beam is not None:
        rows = rows[:0]
    values = hs[rows].min(axis=1)
    rows = rows[np.argsort(-values, kind="stable")]
    packages = _decode(lv, x0, sig[rows])
    return MaxMinSearch(packages, best, L, spent)
