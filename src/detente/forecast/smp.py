"""A probabilistic-Condorcet bargaining model after KTAB's Spatial Model of Politics (SMP, KAPSARC),
one-dimensional, with the defaults as we read them in KTAB's source: proportional voting, the linear
victory-probability model and the conditional probabilistic-Condorcet election (PCE). Transitions are
deterministic here; a seeded stochastic variant draws each actor's accepted bargain from the PCE.

Positions x ∈ [0, 1], saliences s ∈ [0, 1], weights w = c·s, risk-neutral utilities
u_k(y) = 1 − |y − x_k|. In each round:

* **contest** i:j — coalition strengths C_ij = Σ_k w_k max(0, u_k(x_i) − u_k(x_j)) (proportional
  voting, every actor a third party) and the linear victory probability p_ij = C_ij/(C_ij + C_ji);
* **challenge value** to i of challenging j (KTAB's ``probEduChlg`` with k = i): the status quo is
  worth u_i(x_i) + u_i(x_j); victory 2u_i(x_i); a contest p_ij·2u_i(x_i) + p_ji·2u_i(x_j); j resists
  with probability s_j, so ΔEU_ij = (1 − s_j)·victory + s_j·contest − status quo;
* **bargain**: i proposes to the j with the largest ΔEU_ij > 10⁻⁵; both would move to the
  interpolation b_ij = (a_i x_i + a_j x_j)/(a_i + a_j), a = (p·s)² (KTAB's S2P2 interpolation);
* **acceptance**: every actor holds a queue — the bargains it proposed or received and its current
  position. Voters weigh the queue's positions y by w_k u_k(y); the conditional PCE gives each
  option the probability π_a ∝ Π_{b≠a} p_ab; the actor moves to the most probable option
  (deterministic) or to one drawn from π (stochastic variant).

The forecast after each round is the PCE expectation over the actors' positions, Σ_a π_a x_a. Rounds
stop when no position moves by more than ``tol`` or after ``max_rounds`` (100).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.forecast.issue import Issue
from detente.forecast.trajectory import Trajectory, iterate
from detente.model.compiled import FloatArray

MIN_GAIN = 1e-5


@dataclass(frozen=True)
class SMPParams:
    """Round limit, convergence tolerance (normalised scale) and whether transitions are stochastic."""

    max_rounds: int = 100
    tol: float = 1e-4
    stochastic: bool = False


def victory_probability(x: FloatArray, w: FloatArray, y: FloatArray) -> FloatArray:
    """p[a, b] = C_ab/(C_ab + C_ba) for options y, voters at x with weights w (½ on ties)."""
    u = -np.abs(y[None, :] - x[:, None])  # (k, a): utility up to the constant 1
    diff = u[:, :, None] - u[:, None, :]  # (k, a, b)
    c = np.einsum("k,kab->ab", w, np.maximum(diff, 0.0))
    tot = c + c.T
    return np.divide(c, tot, out=np.full_like(c, 0.5), where=tot > 0)


def pce(x: FloatArray, w: FloatArray, y: FloatArray) -> FloatArray:
    """Conditional probabilistic-Condorcet election: π_a ∝ Π_{b≠a} p_ab over options y."""
    if y.size == 1:
        return np.ones(1)
    p = victory_probability(x, w, y)
    np.fill_diagonal(p, 1.0)
    with np.errstate(divide="ignore"):
        logp = np.log(p).sum(axis=1)
    if not np.isfinite(logp).any():
        return np.full(y.size, 1.0 / y.size)
    z = np.exp(logp - logp.max())
    return z / z.sum()


def expected_outcome(x: FloatArray, w: FloatArray) -> float:
    """Σ_a π_a x_a with π the PCE over the distinct held positions."""
    y = np.unique(x)
    return float(pce(x, w, y) @ y)


def smp_round(x: FloatArray, s: FloatArray, w: FloatArray, rng: np.random.Generator | None) -> FloatArray:
    """One round of challenges, bargains and acceptances; returns the new normalised positions."""
    n = x.size
    u = 1.0 - np.abs(x[None, :] - x[:, None])  # u[i, j] = u_i(x_j)
    p = victory_probability(x, w, x)  # p[i, j]: i's position beats j's
    uii = np.diag(u)[:, None]
    sq = uii + u
    victory = 2 * uii
    contest = p * 2 * uii + (1 - p) * 2 * u
    sj = s[None, :]
    gain = (1 - sj) * victory + sj * contest - sq
    gain[np.abs(x[:, None] - x[None, :]) <= 0] = -np.inf
    target = np.argmax(gain, axis=1)
    proposes = gain[np.arange(n), target] > MIN_GAIN
    queues: list[list[float]] = [[float(x[k])] for k in range(n)]
    for i in np.flatnonzero(proposes):
        j = int(target[i])
        a_i = (p[i, j] * s[i]) ** 2
        a_j = (p[j, i] * s[j]) ** 2
        b = (a_i * x[i] + a_j * x[j]) / (a_i + a_j) if a_i + a_j > 0 else 0.5 * (x[i] + x[j])
        queues[int(i)].append(float(b))
        queues[j].append(float(b))
    new = x.copy()
    for k in range(n):
        if len(queues[k]) == 1:
            continue
        y = np.asarray(queues[k])
        pi = pce(x, w, y)
        choice = int(rng.choice(y.size, p=pi)) if rng is not None else int(np.argmax(pi))
        new[k] = y[choice]
    return new


def smp(issue: Issue, params: SMPParams | None = None, *, seed: int = 0) -> Trajectory:
    """Run the bargaining model on an issue (see the module docstring); ``seed`` drives the stochastic
    variant only."""
    prm = params or SMPParams()
    rng = np.random.default_rng(seed) if prm.stochastic else None
    return iterate(
        issue,
        lambda x, s, w: smp_round(x, s, w, rng),
        expected_outcome,
        max_rounds=prm.max_rounds,
        tol=prm.tol,
    )
