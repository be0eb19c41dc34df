"""Vectorized evaluation of packages over draws of the uncertain inputs.

For K fixed packages with option indicators x_k, each party's utility is linear in the inputs::

    u_ki(X) = ū_ki + Σ_c (X_c − x̂_c) · W[c, (k, i)] + σ_ki(s)
    r_i(X)  = r̂_i  + Σ_c (X_c − x̂_c) · R[c, i]     + ρ_i(s)

with ū, r̂ at the point estimates x̂ (factors at 0), W[j, (k, i_j)] = x_k[o_j] for a value judgment
(o_j, i_j), W[f, (k, i)] = Σ_{o ∈ k} factor_values[f, o, i] for a factor, R[r, i_r] = 1 for an
uncertain reservation and R[f, i] = factor_reservation[f, i]; σ and ρ are the shifts of the discrete
scenario s held in the draw (zero for the baseline). So a chunk of n draws costs one (n × c)·(c × KP)
matrix product instead of summing M values per party, package and draw; memory is O(n·(c + KP)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.model.compiled import (
    DIST_KINDS,
    BoolArray,
    CompiledScenario,
    CompiledUncertainty,
    FloatArray,
    IntArray,
)
from detente.uncertainty.sampling import scenario_index

_UNIFORM = DIST_KINDS.index("uniform")

#: A party accepts when u_i ≥ r_i − ACCEPT_TOL (the tolerance of :meth:`CompiledScenario.acceptable`).
ACCEPT_TOL = 1e-9


def empty_uncertainty(cs: CompiledScenario) -> CompiledUncertainty:
    """The uncertainty of a scenario with no uncertain input (used when none was compiled)."""
    o, p = cs.values.shape
    z = np.zeros(0, dtype=np.int64)
    return CompiledUncertainty(
        judgment_option=z,
        judgment_party=z,
        reservation_party=z,
        factor_ids=(),
        factor_names=(),
        kind=z,
        params=np.zeros((0, 3)),
        point=np.zeros(0),
        bounds=np.zeros((0, 2)),
        factor_values=np.zeros((0, o, p)),
        factor_reservation=np.zeros((0, p)),
        scenario_ids=(),
        scenario_names=(),
        scenario_probability=np.zeros(0),
        scenario_values=np.zeros((0, o, p)),
        scenario_reservation=np.zeros((0, p)),
    )


def uncertainty_of(cs: CompiledScenario) -> CompiledUncertainty:
    return cs.uncertainty if cs.uncertainty is not None else empty_uncertainty(cs)


@dataclass(frozen=True, eq=False)
class Evaluator:
    """Utilities and reservations of K packages as linear maps of the inputs (module docstring)."""

    n_packages: int
    n_parties: int
    uncertainty: CompiledUncertainty
    base: FloatArray  # (K·P,)
    weights: FloatArray  # (c, K·P)
    reservation: FloatArray  # (P,)
    res_weights: FloatArray  # (c, P)
    scen_shift: FloatArray  # (S + 1, K·P), last row zero (baseline)
    scen_res: FloatArray  # (S + 1, P)
    feasible: BoolArray  # (K,) the scenario's rules hold

    def utilities(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(n, K, P) utilities and (n, P) reservations for an (n, d) input matrix."""
        cu = self.uncertainty
        c = cu.n_continuous
        dev = x[:, :c] - cu.point
        u = dev @ self.weights + self.base
        r = dev @ self.res_weights + self.reservation
        if cu.n_scenarios:
            s = scenario_index(cu, x[:, c])
            u += self.scen_shift[s]
            r += self.scen_res[s]
        return u.reshape(len(x), self.n_packages, self.n_parties), r

    def stats(
        self, u: FloatArray, z: FloatArray | None, sel: FloatArray | None, keep: int
    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """Acceptance counts of the draws of a raw stream (:func:`~detente.uncertainty.sampling.sample_raw`):
        ((K, P) per-party counts, (K,) all-accept counts, (K, P) utility sums, (keep, K, P) utilities
        of the first ``keep`` draws).

        Fast path: a uniform input X = a + (b − a)·U enters every utility linearly, so its marginal is
        folded into the weights (W' = diag(b − a)·W, base' = base + (a − x̂)·W) and its column of U is
        used as is; only triangular and normal columns are transformed. The counting is one fused
        compiled loop over sparse weights (:mod:`detente.uncertainty._accept_kernel`), so no (n, K, P)
        array is built; ``u`` is overwritten.
        """
        from detente.uncertainty._accept_kernel import count_accepts, csr_rows
        from detente.uncertainty.sampling import transform

        cu = self.uncertainty
        c = cu.n_continuous
        n = len(u)
        k, p = self.n_packages, self.n_parties
        uni = cu.kind == _UNIFORM
        scale = np.where(uni, cu.params[:, 2] - cu.params[:, 0], 1.0)
        offset = np.where(uni, cu.params[:, 0] - cu.point, 0.0)
        other = ~uni
        if other.any():
            zz = np.zeros((n, int(other.sum()))) if z is None else z[:, other]
            u[:, other] = transform(cu.kind[other], cu.params[other], u[:, other], zz) - cu.point[other]
        w = self.weights * scale[:, None]
        rw = self.res_weights * scale[:, None]
        base = self.base + offset @ self.weights
        rbase = self.reservation + offset @ self.res_weights
        sidx = scenario_index(cu, sel) if sel is not None else np.zeros(n, dtype=np.int64)
        acc, acc_all = count_accepts(
            u[:, :c],
            base,
            csr_rows(w),
            rbase,
            csr_rows(rw),
            sidx,
            self.scen_shift,
            self.scen_res,
            self.feasible,
            k,
            p,
            ACCEPT_TOL,
        )
        counts = np.bincount(sidx, minlength=len(self.scen_shift)).astype(np.float64)
        u_sum = n * base + u.sum(axis=0) @ w + counts @ self.scen_shift
        q = min(keep, n)
        kept = u[:q] @ w + base + self.scen_shift[sidx[:q]]
        return acc.reshape(k, p), acc_all, u_sum.reshape(k, p), kept.reshape(q, k, p)

    def accepts(self, x: FloatArray) -> tuple[BoolArray, FloatArray]:
        """(n, K, P) whether each party accepts each package, and the (n, K, P) utilities."""
        u, r = self.utilities(x)
        ok = u >= r[:, None, :] - ACCEPT_TOL
        ok &= self.feasible[None, :, None]
        return ok, u


def evaluator(cs: CompiledScenario, packages: npt.ArrayLike) -> Evaluator:
    """Build the :class:`Evaluator` for (K, M) local choices."""
    cu = uncertainty_of(cs)
    pk = np.atleast_2d(np.asarray(packages, dtype=np.int64))
    k, p = pk.shape[0], cs.n_parties
    x = cs.indicator(pk).astype(np.float64)  # (K, O)
    base = cs.utilities(pk).reshape(-1)
    c = cu.n_continuous
    w = np.zeros((c, k, p))
    rw = np.zeros((c, p))
    jn, rn = cu.n_judgments, cu.n_reservations
    for j in range(jn):
        w[j, :, cu.judgment_party[j]] = x[:, cu.judgment_option[j]]
    for r in range(rn):
        rw[jn + r, cu.reservation_party[r]] = 1.0
    for f in range(cu.n_factors):
        w[jn + rn + f] = x @ cu.factor_values[f]
        rw[jn + rn + f] = cu.factor_reservation[f]
    n_s = cu.n_scenarios
    sshift = np.zeros((n_s + 1, k * p))
    sres = np.zeros((n_s + 1, p))
    for s in range(n_s):
        sshift[s] = (x @ cu.scenario_values[s]).reshape(-1)
        sres[s] = cu.scenario_reservation[s]
    return Evaluator(
        n_packages=k,
        n_parties=p,
        uncertainty=cu,
        base=base,
        weights=w.reshape(c, k * p),
        reservation=cs.reservation.astype(np.float64),
        res_weights=rw,
        scen_shift=sshift,
        scen_res=sres,
        feasible=cs.feasible(pk),
    )


def value_tables(cs: CompiledScenario, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(n, O, P) full value tables and (n, P) reservations for (n, d) inputs: the direct form.

    Used by the most-robust MILP (which needs every option's value in every draw) and as the
    reference the matrix-product form is checked against.
    """
    cu = uncertainty_of(cs)
    n = len(x)
    c = cu.n_continuous
    dev = x[:, :c] - cu.point
    vals = np.broadcast_to(cs.values, (n, *cs.values.shape)).copy()
    res = np.broadcast_to(cs.reservation, (n, cs.n_parties)).astype(np.float64).copy()
    jn, rn = cu.n_judgments, cu.n_reservations
    if jn:
        vals[:, cu.judgment_option, cu.judgment_party] += dev[:, :jn]
    if rn:
        res[:, cu.reservation_party] += dev[:, jn : jn + rn]
    if cu.n_factors:
        z = dev[:, jn + rn : c]
        vals += np.einsum("nf,fop->nop", z, cu.factor_values)
        res += z @ cu.factor_reservation
    if cu.n_scenarios:
        s = scenario_index(cu, x[:, c])
        held = s < cu.n_scenarios
        vals[held] += cu.scenario_values[s[held]]
        res[held] += cu.scenario_reservation[s[held]]
    return vals, res


def option_indices(cs: CompiledScenario, packages: npt.ArrayLike) -> IntArray:
    """(K, M) global option indices of (K, M) local choices."""
    return np.atleast_2d(cs.global_options(packages))
