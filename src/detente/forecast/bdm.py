"""Bueno de Mesquita's expected-utility ("group decision") model, after the reconstruction by Scholz,
Calbert & Smith (J. Theoretical Politics 23(4), 2011). Equations (written out with every deviation
between replications in docs/forecasting.md):

Positions are normalised to x ∈ [0, 1], saliences s ∈ [0, 1], weights w = c·s. In each round:

* votes  v_k(i:j) = w_k (|x_k − x_j| − |x_k − x_i|); median voter μ = the Condorcet winner
  (:func:`detente.forecast.stats.median_voter`);
* probability that i beats j:  P_ij = Σ_k max(0, v_k(i:j)) / Σ_k |v_k(i:j)|;
* utilities, with d_ij = |x_i − x_j| and i's risk exponent r_i:
  U_s = 2 − 4(½ − ½ d_ij)^r,  U_f = 2 − 4(½ + ½ d_ij)^r,  U_sq = 2 − 4(½)^r,
  U_b = 2 − 4(½ − ¼(|x_i − μ| + d_ij))^r,  U_w = 2 − 4(½ + ¼(|x_i − μ| + d_ij))^r;
* expected utility of i challenging j:
  E_ij = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w];
* risk: with every r = 1, the security of i is S_i = Σ_{j≠i} E_ji; R_i = (2 S_i − max S − min S) /
  (max S − min S) and r_i = (1 − R_i/3)/(1 + R_i/3) ∈ [½, 2];
* offers: j challenges i when E_ji > 0. With E_i = E_ij, the offer would move i to: x_j when i
  expects to lose a conflict (0 < E_i < E_ji); x_i + (x_j − x_i)|E_i/E_ji| in a compromise
  (E_i ≤ 0, |E_i| < E_ji); x_j on capitulation (E_i ≤ 0, |E_i| ≥ E_ji); nowhere otherwise. Actor i
  accepts the offer that asks the smallest move (ties: the first actor). All actors move at once.

The forecast after each round is μ (the median voter position). Rounds stop when no position moves
by more than ``tol`` or after ``max_rounds``. Deterministic (no random draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.forecast.issue import Issue
from detente.forecast.stats import median_voter
from detente.forecast.trajectory import Trajectory, iterate
from detente.model.compiled import FloatArray


@dataclass(frozen=True)
class BDMParams:
    """Q (probability the status quo holds if i does not challenge), T (probability it then improves
    for i), the round limit and the convergence tolerance (normalised scale)."""

    q: float = 1.0
    t: float = 1.0
    max_rounds: int = 10
    tol: float = 1e-6


def win_probability(x: FloatArray, w: FloatArray) -> FloatArray:
    """P[i, j] = Σ_k max(0, v_k(i:j)) / Σ_k |v_k(i:j)| (½ where nobody cares; 0 on the diagonal)."""
    d = np.abs(x[:, None] - x[None, :])  # d[k, i]
    v = d[:, None, :] - d[:, :, None]  # v[k, i, j] = |x_k − x_j| − |x_k − x_i|
    pos = np.einsum("k,kij->ij", w, np.maximum(v, 0.0))
    tot = np.einsum("k,kij->ij", w, np.abs(v))
    p = np.divide(pos, tot, out=np.full_like(pos, 0.5), where=tot > 0)
    np.fill_diagonal(p, 0.0)
    return p


def expected_utilities(
    x: FloatArray, s: FloatArray, p: FloatArray, mu: float, r: FloatArray, q: float, t: float
) -> FloatArray:
    """E[i, j]: i's expected utility of challenging j (0 where x_i = x_j: no contest)."""
    d = np.abs(x[:, None] - x[None, :])
    rr = r[:, None]
    us = 2 - 4 * (0.5 - 0.5 * d) ** rr
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rr
    dm = np.abs(x - mu)[:, None] + d
    ub = 2 - 4 * np.maximum(0.5 - 0.25 * dm, 0.0) ** rr
    uw = 2 - 4 * (0.5 + 0.25 * dm) ** rr
    usq = 2 - 4 * 0.5**rr
    sj = s[None, :]
    e = sj * (p * us + (1 - p) * uf) + (1 - sj) * us - q * usq - (1 - q) * (t * ub + (1 - t) * uw)
    e[d == 0] = 0.0
    return e


def risk_exponents(e1: FloatArray) -> FloatArray:
    """r_i = (1 − R_i/3)/(1 + R_i/3) from the securities S_i = Σ_j E_ji computed with r = 1."""
    security = e1.sum(axis=0) - np.diag(e1)
    lo, hi = security.min(), security.max()
    if hi - lo <= 1e-12:
        return np.ones_like(security)
    big_r = (2 * security - hi - lo) / (hi - lo)
    return (1 - big_r / 3) / (1 + big_r / 3)


def bdm_round(x: FloatArray, s: FloatArray, w: FloatArray, params: BDMParams) -> FloatArray:
    """One round of challenges and responses; returns the new normalised positions."""
    n = x.size
    p = win_probability(x, w)
    mu = median_voter(x, w)
    r = risk_exponents(expected_utilities(x, s, p, mu, np.ones(n), params.q, params.t))
    e = expected_utilities(x, s, p, mu, r, params.q, params.t)
    incoming = e.T  # incoming[i, j] = E_ji: j's expected utility of challenging i
    # the position i would take on accepting j's offer (NaN: the offer does not move i)
    ei, ej = e, incoming
    xj = np.broadcast_to(x[None, :], (n, n))
    target = np.full((n, n), np.nan)
    offer = ej > 0
    lose = offer & (ei > 0) & (ei < ej)
    capit = offer & (ei <= 0) & (np.abs(ei) >= ej)
    comp = offer & (ei <= 0) & (np.abs(ei) < ej)
    target[lose | capit] = xj[lose | capit]
    ratio = np.divide(np.abs(ei), ej, out=np.zeros((n, n)), where=ej > 0)
    partial = x[:, None] + (xj - x[:, None]) * ratio
    target[comp] = partial[comp]
    np.fill_diagonal(target, np.nan)
    move = np.abs(target - x[:, None])
    has = ~np.isnan(move).all(axis=1)
    new = x.copy()
    if has.any():
        # the accepted offer is the one that asks for the smallest move (first actor on ties)
        j = np.argmin(np.where(np.isnan(move), np.inf, move), axis=1)
        rows = np.flatnonzero(has)
        new[rows] = target[rows, j[rows]]
    return new


def bdm(issue: Issue, params: BDMParams | None = None) -> Trajectory:
    """Run the expected-utility model on an issue (see the module docstring)."""
    prm = params or BDMParams()
    return iterate(
        issue,
        lambda x, s, w: bdm_round(x, s, w, prm),
        median_voter,
        max_rounds=prm.max_rounds,
        tol=prm.tol,
    )
