"""Break-even values: how far one judgment can move, all else fixed, before the concept's package changes.

For a judgment (a value v_oi, or a reservation r_i) at its point estimate t̂ with range [low, high], the
break-even value is the t nearest to t̂ at which p* — the package that
:func:`detente.analysis.solve.solve` selects for the concept at the point values — is no longer among
the packages the concept selects. The search runs each direction separately:

1. solve at the range's end (low, then high); if p* is still selected there, that direction has no
   break-even (a change that reverts before the end of the range is not detected);
2. otherwise bisect between t̂ and the end on a decimal grid of step ``resolution`` (default 10⁻³, so
   the CP-SAT models stay exact: values with three decimals scale to integers without rounding), until
   the last value at which p* holds and the first at which it does not are one step apart.

The reported ``break_even`` is the first grid value at which the package changes: by construction the
solver selects p* one step before it and a different package at it (exact to the grid step and the
solver's own tolerance). The nearer of the two directions is reported.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from detente.model.compiled import CompiledScenario, IntArray
from detente.uncertainty.evaluation import uncertainty_of

RESOLUTION = 1e-3


@dataclass(frozen=True)
class BreakEven:
    """The result for one judgment: ``value`` (None if none in range), the package it changes to, solves."""

    value: float | None
    new_package: dict[str, str] | None
    solves: int


def with_judgment(cs: CompiledScenario, index: int, t: float) -> CompiledScenario:
    """A copy of ``cs`` with continuous input ``index`` (a value or reservation judgment) set to ``t``."""
    cu = uncertainty_of(cs)
    jn = cu.n_judgments
    if index < jn:
        vals = cs.values.copy()
        vals[cu.judgment_option[index], cu.judgment_party[index]] = t
        return dataclasses.replace(cs, values=vals)
    i = int(cu.reservation_party[index - jn])
    res = cs.reservation.copy()
    res[i] = t
    dis = cs.disagreement.copy()
    party = cs.scenario.parties[i]
    if party.disagreement is None:  # d_i defaults to r_i and moves with it
        dis[i] = t
    return dataclasses.replace(cs, reservation=res, disagreement=dis)


def selects(cs: CompiledScenario, concept: str, package: IntArray) -> tuple[bool, IntArray | None]:
    """Whether the concept still selects ``package`` (among its ties) and, if not, what it selects."""
    from detente.analysis.solve import solve

    r = solve(cs, concept)
    chosen = [np.asarray(p.choices, dtype=np.int64) for p in r.packages]
    if any(np.array_equal(c, package) for c in chosen):
        return True, None
    return False, (chosen[0] if chosen else None)


def _pair_prefers(
    cs: CompiledScenario, concept: str, package: IntArray, rival: IntArray, index: int, t: float
) -> bool:
    """Cheap guess: at judgment value ``t``, does the concept prefer ``rival`` over ``package`` when
    only these two packages compete? (Ideal point: the larger of each package's utility.)"""
    from detente.analysis.options import concept_scores

    c2 = with_judgment(cs, index, t)
    pk = np.vstack([package, rival])
    u = c2.utilities(pk)
    ok = c2.acceptable(pk)
    if not ok[0]:
        return True
    if not ok[1]:
        return False
    scores = concept_scores(c2, u, concept, ideal=u.max(axis=0), gainers=np.ones(cs.n_parties, dtype=bool))
    return bool(scores[1] > scores[0] + 1e-12)


def break_even(
    cs: CompiledScenario, concept: str, package: IntArray, index: int, *, resolution: float = RESOLUTION
) -> BreakEven:
    """The break-even value of continuous input ``index`` (module docstring).

    Bisection is accelerated: once the solver names a rival package q at the far end of the bracket,
    the crossing of p* and q alone (a cheap two-package comparison) is probed first, and the solver
    confirms the grid point and the one before it; a wrong guess still narrows the bracket.
    """
    cu = uncertainty_of(cs)
    t0 = float(cu.point[index])
    low, high = (float(x) for x in cu.bounds[index])
    best: tuple[float, dict[str, str] | None] | None = None
    solves = 0
    for end in (low, high):
        steps = math.floor(abs(end - t0) / resolution + 1e-9)
        if steps < 1:
            continue
        sign = 1.0 if end > t0 else -1.0

        def at(k: int, sign: float = sign) -> float:
            return round(t0 + sign * k * resolution, 9)

        ok, new = selects(with_judgment(cs, index, at(steps)), concept, package)
        solves += 1
        if ok:
            continue
        lo_k, hi_k, hi_pkg = 0, steps, new  # p* holds at lo_k, not at hi_k
        while hi_k - lo_k > 1:
            probes = [(lo_k + hi_k) // 2]
            if hi_pkg is not None:
                a, b = lo_k, hi_k  # first grid point in (a, b] where the pair flips, if it does
                if _pair_prefers(cs, concept, package, hi_pkg, index, at(b)):
                    while b - a > 1:
                        m = (a + b) // 2
                        if _pair_prefers(cs, concept, package, hi_pkg, index, at(m)):
                            b = m
                        else:
                            a = m
                    probes = [b, b - 1] if b - 1 > lo_k else [b]
                    probes = [x for x in probes if lo_k < x < hi_k] or [(lo_k + hi_k) // 2]
            for mid in probes:
                if not lo_k < mid < hi_k:
                    continue
                ok, new = selects(with_judgment(cs, index, at(mid)), concept, package)
                solves += 1
                if ok:
                    lo_k = mid
                else:
                    hi_k, hi_pkg = mid, new
        value = at(hi_k)
        if best is None or abs(value - t0) < abs(best[0] - t0):
            best = (value, None if hi_pkg is None else cs.choices_to_ids(hi_pkg))
    if best is None:
        return BreakEven(None, None, solves)
    return BreakEven(best[0], best[1], solves)
