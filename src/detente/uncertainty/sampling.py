"""Sampling the uncertain inputs of a scenario (vectorized, seeded).

A draw is one row of the (n, d) **input matrix** X of :class:`~detente.model.compiled.CompiledUncertainty`:
columns 0..J−1 are value judgments, then R reservations, then F factor levels (all in their own units),
then — when the scenario has discrete scenarios — one selector column holding a uniform number
U ∈ [0, 1) that picks scenario s when ``cum[s−1] ≤ U < cum[s]`` (cum = cumulative probabilities; U
beyond the last one is the baseline). Keeping the selector as a uniform makes every input a column
that variance-based estimators can swap between two sample matrices.

Marginals, from a uniform U and a standard normal Z (each column draws its own):

* uniform(a, b):          a + (b − a)·U
* triangular(a, c, b):    a + √(U (b − a)(c − a))          if U < (c − a)/(b − a)
                          b − √((1 − U)(b − a)(b − c))     otherwise  (inverse CDF)
* normal(μ, σ):           μ + σ·Z

One ``numpy.random.Generator`` per chunk of draws (seeded by :mod:`detente.uncertainty.runner`) makes
every chunk reproducible on its own, wherever it runs.
"""

from __future__ import annotations

import numpy as np

from detente.model.compiled import DIST_KINDS, CompiledUncertainty, FloatArray, IntArray

_UNIFORM = DIST_KINDS.index("uniform")
_TRIANGULAR = DIST_KINDS.index("triangular")
_NORMAL = DIST_KINDS.index("normal")


def transform(kind: IntArray, params: FloatArray, u: FloatArray, z: FloatArray) -> FloatArray:
    """Map uniforms ``u`` and normals ``z`` (both (n, c)) to the c marginals (module docstring)."""
    out = np.empty_like(u)
    uni = kind == _UNIFORM
    if uni.any():
        a, b = params[uni, 0], params[uni, 2]
        out[:, uni] = a + (b - a) * u[:, uni]
    tri = kind == _TRIANGULAR
    if tri.any():
        a, c, b = params[tri, 0], params[tri, 1], params[tri, 2]
        w = b - a
        cut = (c - a) / w
        uu = u[:, tri]
        left = a + np.sqrt(uu * w * (c - a))
        right = b - np.sqrt((1.0 - uu) * w * (b - c))
        out[:, tri] = np.where(uu < cut, left, right)
    nor = kind == _NORMAL
    if nor.any():
        out[:, nor] = params[nor, 0] + params[nor, 1] * z[:, nor]
    return out


def sample_raw(
    cu: CompiledUncertainty, rng: np.random.Generator, n: int
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """The raw stream of ``n`` draws: uniforms U (n, c), standard normals Z (n, c) when some input is
    normal (else None), and the scenario selector (n,) when there are discrete scenarios (else None),
    drawn in this order. :func:`sample_inputs` maps them to the input matrix; the robustness engine
    folds the uniform marginals into its weights instead (:meth:`~detente.uncertainty.evaluation.Evaluator.stats`)."""
    c = cu.n_continuous
    u = rng.random((n, c))
    z = rng.standard_normal((n, c)) if bool(np.any(cu.kind == _NORMAL)) else None
    sel = rng.random((n, 1))[:, 0] if cu.n_scenarios else None
    return u, z, sel


def sample_inputs(cu: CompiledUncertainty, rng: np.random.Generator, n: int) -> FloatArray:
    """(n, d) input matrix of ``n`` independent draws (module docstring)."""
    u, z, sel = sample_raw(cu, rng, n)
    cont = transform(cu.kind, cu.params, u, np.zeros_like(u) if z is None else z)
    if sel is None:
        return cont
    return np.concatenate([cont, sel[:, None]], axis=1)


def scenario_index(cu: CompiledUncertainty, selector: FloatArray) -> IntArray:
    """Scenario held in each draw from the selector column: 0..S−1, or S for the baseline."""
    cum = np.cumsum(cu.scenario_probability)
    return np.searchsorted(cum, selector, side="right").astype(np.int64)


def point_inputs(cu: CompiledUncertainty) -> FloatArray:
    """(d,) inputs at their point estimates (factors at 0, the baseline scenario)."""
    sel = [1.0] if cu.n_scenarios else []  # 1.0 ≥ every cumulative probability → the baseline
    return np.concatenate([cu.point, np.asarray(sel, dtype=np.float64)])
