"""Descriptive statistics of a spatial issue: weighted mean, weighted median, Condorcet winner.

With weights w_i = c_i · s_i (capability × salience):

* weighted mean  x̄ = Σ w_i x_i / Σ w_i (the compromise model's forecast);
* weighted median: the smallest held position m with Σ_{x_i ≤ m} w_i ≥ ½ Σ w_i;
* Condorcet winner: the held position a with V(a, b) > 0 against every other held position b, where
  V(a, b) = Σ_k w_k (|x_k − b| − |x_k − a|) is the pairwise vote of Bueno de Mesquita's model (each
  actor votes for the nearer position with weight w_k times the difference in distance). None when
  no position beats all others (a tie).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.forecast.issue import Issue
from detente.model.compiled import FloatArray


def weighted_mean(x: npt.ArrayLike, w: npt.ArrayLike) -> float:
    """Σ w_i x_i / Σ w_i; the plain mean when every weight is zero."""
    xa = np.asarray(x, dtype=np.float64)
    wa = np.asarray(w, dtype=np.float64)
    total = wa.sum()
    return float((wa * xa).sum() / total) if total > 0 else float(xa.mean())


def weighted_median(x: npt.ArrayLike, w: npt.ArrayLike) -> float:
    """The smallest x with cumulative weight ≥ half the total (lower weighted median).

    Every weight zero → the plain (lower) median.
    """
    xa = np.asarray(x, dtype=np.float64)
    wa = np.asarray(w, dtype=np.float64)
    if wa.sum() <= 0:
        wa = np.ones_like(xa)
    order = np.argsort(xa, kind="stable")
    cum = np.cumsum(wa[order])
    k = int(np.searchsorted(cum, 0.5 * cum[-1] - 1e-12 * cum[-1]))
    return float(xa[order][min(k, xa.size - 1)])


def pairwise_votes(x: FloatArray, w: FloatArray, candidates: FloatArray) -> FloatArray:
    """V[a, b] = Σ_k w_k (|x_k − c_b| − |x_k − c_a|) for candidate positions c."""
    dist = np.abs(x[:, None] - candidates[None, :])  # (k, a)
    return np.einsum("k,kab->ab", w, dist[:, None, :] - dist[:, :, None])


def condorcet_winner(x: npt.ArrayLike, w: npt.ArrayLike, *, tol: float = 1e-12) -> float | None:
    """The held position that beats every other held position in pairwise votes, or None (a tie)."""
    xa = np.asarray(x, dtype=np.float64)
    wa = np.asarray(w, dtype=np.float64)
    cand = np.unique(xa)
    if cand.size == 1:
        return float(cand[0])
    v = pairwise_votes(xa, wa, cand)
    scale = tol * max(float(np.abs(v).max()), 1.0)
    beats = v > scale
    np.fill_diagonal(beats, True)
    winners = np.flatnonzero(beats.all(axis=1))
    return float(cand[winners[0]]) if winners.size else None


def median_voter(x: FloatArray, w: FloatArray) -> float:
    """The Condorcet winner when there is one, else the held position with the best worst-case vote
    (maximin of V(a, ·)) — BDM's "median voter position" μ, always defined."""
    cand = np.unique(x)
    if cand.size == 1:
        return float(cand[0])
    v = pairwise_votes(x, w, cand)
    np.fill_diagonal(v, np.inf)
    return float(cand[int(np.argmax(v.min(axis=1)))])


@dataclass(frozen=True)
class Descriptive:
    """The descriptive statistics of an issue, on its own scale."""

    weighted_mean: float
    weighted_median: float
    condorcet: float | None
    mean: float

    def to_json(self) -> dict[str, float | None]:
        return {
            "weighted_mean": self.weighted_mean,
            "weighted_median": self.weighted_median,
            "condorcet": self.condorcet,
            "mean": self.mean,
        }


def describe(issue: Issue) -> Descriptive:
    """Weighted mean, weighted median and Condorcet winner (weights c·s), and the unweighted mean."""
    w = issue.weight
    return Descriptive(
        weighted_mean=weighted_mean(issue.position, w),
        weighted_median=weighted_median(issue.position, w),
        condorcet=condorcet_winner(issue.position, w),
        mean=float(issue.position.mean()),
    )
