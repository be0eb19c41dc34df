"""The party ``weight`` is the exponent of the asymmetric Nash solution: max Π_i (u_i − d_i)^{w_i}."""

from __future__ import annotations

import itertools
import math

import pytest

from detente.analysis import solve as sv
from tests.analysis._instances import build

# two parties, one move with a split: gains (1, 4), (2, 3), (3, 2), (4, 1)
SPLITS = [[[1.0, 4.0], [2.0, 3.0], [3.0, 2.0], [4.0, 1.0]]]


def _weighted(cs, w0: float, w1: float):
    import dataclasses

    import numpy as np

    return dataclasses.replace(cs, weight=np.asarray([w0, w1]))


def _brute(cs):
    best, arg = -1.0, set()
    for c in itertools.product(*(range(int(n)) for n in cs.n_options)):
        u = cs.utilities(list(c))
        g = u - cs.disagreement
        if not cs.acceptable(list(c))[0] or (g <= 0).any():
            continue
        v = math.prod(float(gi) ** float(wi) for gi, wi in zip(g, cs.weight, strict=True))
        if v > best + 1e-12:
            best, arg = v, {c}
        elif abs(v - best) <= 1e-12:
            arg.add(c)
    return best, arg


@pytest.mark.parametrize(("w0", "w1", "expected"), [(1, 1, {1, 2}), (3, 1, {3}), (1, 3, {0}), (2, 1, {2})])
@pytest.mark.parametrize("method", ["enumeration", "dp", "cp-sat", "milp"])
def test_weight_is_the_exponent(w0, w1, expected, method):
    cs = _weighted(build(SPLITS, [0.0, 0.0]), w0, w1)
    best, arg = _brute(cs)
    assert {c[0] for c in arg} == expected
    r = sv.solve(cs, "nash", method=method)
    assert r.optimal
    assert {int(p.choices[0]) for p in r.packages} == expected
    assert r.objective == pytest.approx(best, rel=1e-9)


def test_fractional_weights_are_exact_exponents():
    cs = _weighted(build(SPLITS, [0.0, 0.0]), 0.5, 1.5)
    best, arg = _brute(cs)
    r = sv.solve(cs, "nash", method="cp-sat")
    assert r.optimal and {tuple(int(v) for v in p.choices) for p in r.packages} == arg
    assert r.objective == pytest.approx(best, rel=1e-9)
