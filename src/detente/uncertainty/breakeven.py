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


def _pool_changed(
    cs: CompiledScenario, concept: str, package: IntArray, pool: list[IntArray], index: int, t: float
) -> bool:
    """Cheap guess: at judgment value ``t``, would the concept leave ``package`` if only the packages
    of ``pool`` competed? (Ideal point and gainers taken from the pool's acceptable packages.)"""
    from detente.analysis.options import GAIN_TOL, concept_scores

    c2 = with_judgment(cs, index, t)
    pk = np.vstack([package, *pool])
    ok = c2.acceptable(pk)
    if not ok[0]:
        return True
    u = c2.utilities(pk[ok])
    ideal = u.max(axis=0)
    scores = concept_scores(c2, u, concept, ideal=ideal, gainers=(ideal - c2.disagreement) > GAIN_TOL)
    return bool(scores[1:].max(initial=-np.inf) > scores[0] + 1e-9 * max(1.0, abs(float(scores[0]))))


def break_even(
    cs: CompiledScenario,
    concept: str,
    package: IntArray,
    index: int,
    *,
    resolution: float = RESOLUTION,
    pool: list[IntArray] | None = None,
) -> BreakEven:
    """The break-even value of continuous input ``index`` (module docstring).

    Bisection is accelerated by a **pool** of rival packages (every package the solver has named so
    far, shared across calls when ``pool`` is given): the first grid point at which a rival in the pool
    beats p* is a cheap guess, which the solver then checks at that point and the one before it. A
    right guess ends the search with two solves; a wrong one still narrows the bracket and adds the
    solver's package to the pool. Every reported value is confirmed by the solver on both sides.
    """
    cu = uncertainty_of(cs)
    t0 = float(cu.point[index])
    low, high = (float(x) for x in cu.bounds[index])
    rivals: list[IntArray] = pool if pool is not None else []
    best: tuple[float, dict[str, str] | None] | None = None
    solves = 0

    def learn(pkg: IntArray | None) -> None:
        if pkg is not None and not any(np.array_equal(pkg, r) for r in rivals):
            rivals.append(pkg)

    for end in (low, high):
        steps = math.floor(abs(end - t0) / resolution + 1e-9)
        if steps < 1:
            continue
        sign = 1.0 if end > t0 else -1.0

        def at(k: int, sign: float = sign) -> float:
            return round(t0 + sign * k * resolution, 9)

        ok, new = selects(with_judgment(cs, index, at(steps)), concept, package)
        solves += 1
        learn(new)
        if ok:
            continue
        lo_k, hi_k, hi_pkg = 0, steps, new  # p* holds at lo_k, not at hi_k
        while hi_k - lo_k > 1:
            probes = [(lo_k + hi_k) // 2]
            if rivals and _pool_changed(cs, concept, package, rivals, index, at(hi_k)):
                a, b = lo_k, hi_k  # first grid point in (a, b] where the pool says p* loses
                while b - a > 1:
                    m = (a + b) // 2
                    if _pool_changed(cs, concept, package, rivals, index, at(m)):
                        b = m
                    else:
                        a = m
                probes = [x for x in (b, b - 1) if lo_k < x < hi_k] or probes
            for mid in probes:
                if not lo_k < mid < hi_k:
                    continue
                ok, new = selects(with_judgment(cs, index, at(mid)), concept, package)
                solves += 1
                learn(new)
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
