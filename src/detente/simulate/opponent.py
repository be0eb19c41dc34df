"""Learning the other side's values from its offers: the frequency model of HardHeaded (ANAC 2011 winner).

For an opponent j and move k, the model keeps a weight ``w_k`` (uniform 1/M at the start) and a count
``n_k(o)`` per option (1 at the start). On each new offer of j:

* every option offered is counted: ``n_k(o_k) += 1``;
* every move whose option is **unchanged** from j's previous offer is taken to matter to j (a party
  concedes first on what it cares least about): ``w_k += η``, then the weights are renormalised to sum
  to 1 (η = :data:`LEARNING_RATE` / M).

The learned utility of a package p is ``û_j(p) = Σ_k w_k · n_k(p_k) / max_o n_k(o)``. The model is judged
by the Spearman rank correlation between û_j and the true u_j over a fixed sample of packages
(:func:`rank_correlation`): a uniform guess (every package equal) scores 0.
"""

from __future__ import annotations

import numpy as np

from detente.model.compiled import CompiledScenario, FloatArray, IntArray

LEARNING_RATE = 0.2
#: Integer resolution of the option scores handed to CP-SAT (0 … SCORE_SCALE per option).
SCORE_SCALE = 100


class FrequencyModel:
    """The frequency model of one opponent (see the module docstring)."""

    def __init__(self, cs: CompiledScenario) -> None:
        self.cs = cs
        self.weights = np.full(cs.n_moves, 1.0 / cs.n_moves)
        self.counts = np.ones(cs.n_total_options)
        self._last: IntArray | None = None
        self.n_offers = 0

    def observe(self, choices: IntArray) -> None:
        cs = self.cs
        self.counts[cs.offsets[:-1] + choices] += 1.0
        if self._last is not None:
            same = choices == self._last
            if same.any():
                self.weights = self.weights + same * (LEARNING_RATE / cs.n_moves)
                self.weights /= self.weights.sum()
        self._last = np.array(choices, copy=True)
        self.n_offers += 1

    def option_values(self) -> FloatArray:
        """(O,) learned value of every option: w_k · n_k(o) / max_o' n_k(o')."""
        cs = self.cs
        top = np.maximum.reduceat(self.counts, cs.offsets[:-1])
        return self.weights[cs.option_move] * self.counts / top[cs.option_move]

    def utilities(self, choices: IntArray) -> FloatArray:
        """û_j of (N, M) packages."""
        g = np.atleast_2d(choices) + self.cs.offsets[:-1]
        return self.option_values()[g].sum(axis=-1)


def model_scores(models: list[FrequencyModel]) -> IntArray:
    """Integer option scores (0 … SCORE_SCALE) of the summed learned utilities Σ_j û_j, for CP-SAT."""
    total = np.sum([m.option_values() for m in models], axis=0)
    top = float(total.max()) if total.size else 0.0
    if top <= 0:
        return np.zeros_like(total, dtype=np.int64)
    return np.round(total / top * SCORE_SCALE).astype(np.int64)


def ranks(x: FloatArray) -> FloatArray:
    """Ranks 1…N with ties given their average rank (as in Spearman's coefficient)."""
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(1, len(x) + 1)
    uniq, inv = np.unique(x, return_inverse=True)
    sums = np.bincount(inv, weights=r, minlength=len(uniq))
    counts = np.bincount(inv, minlength=len(uniq))
    return (sums / counts)[inv]


def spearman(a: FloatArray, b: FloatArray) -> float:
    """Spearman's rank correlation ρ = Pearson correlation of the ranks; 0 when either side is constant."""
    ra, rb = ranks(np.asarray(a, dtype=float)), ranks(np.asarray(b, dtype=float))
    sa, sb = ra.std(), rb.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((ra - ra.mean()) * (rb - rb.mean())).mean() / (sa * sb))


def sample_packages(cs: CompiledScenario, n: int = 500, seed: int = 0) -> IntArray:
    """A fixed (seeded) sample of packages, each move's option drawn uniformly: where models are judged."""
    rng = np.random.default_rng(seed)
    return (rng.random((n, cs.n_moves)) * cs.n_options).astype(np.int64)


def rank_correlation(model: FrequencyModel, party: int, sample: IntArray) -> float:
    """Spearman ρ between the learned û_j and the true u_j (``party`` = j) over ``sample``."""
    return spearman(model.utilities(sample), model.cs.utilities(sample)[:, party])
