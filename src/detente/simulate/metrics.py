"""How good an agreement is: its distance to the Nash package and to the Pareto frontier.

Utilities are compared on each party's own scale, ``ũ_i = (u_i − r_i) / (hi_i − r_i)``, where r_i is
its reservation value and hi_i its best feasible utility (:class:`~detente.simulate.offers.Span`), so
that 0 = no better than walking away (no deal) and 1 = its best package; distances do not depend on the units each party's values are written in.

* **distance to Nash** — the Euclidean distance ‖ũ(a) − ũ(nash)‖ between the agreement and the Nash
  bargaining package (first of its ties; :func:`detente.analysis.solve.solve` — enumeration on small
  spaces, CP-SAT on large ones — its method reported);
* **distance to the Pareto frontier** — the scaled utility the agreement leaves on the table:
  ``max_p Σ_i (ũ_i(p) − ũ_i(a))`` over rule-satisfying packages p that make nobody worse off
  (u_i(p) ≥ u_i(a) for every i). It is 0 exactly when the agreement is Pareto optimal, and it is the L1
  length of the largest Pareto improvement. Found by CP-SAT on the shared package model
  (deterministic; ``proven`` says whether the maximum was proven).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from detente.model.compiled import CompiledScenario, FloatArray, IntArray
from detente.simulate.offers import deterministic_solver, engine, scenario_key


def spans(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """(r, hi) of every party's scale (see the module docstring)."""
    lo = np.asarray(cs.reservation, dtype=float)
    hi = np.asarray([engine(cs, i).span.hi for i in range(cs.n_parties)])
    return lo, hi


def scaled(cs: CompiledScenario, u: FloatArray) -> FloatArray:
    """ũ = (u − r) / (hi − r) per party (width 1 where hi ≤ r)."""
    lo, hi = spans(cs)
    width = np.where(hi - lo > 1e-12, hi - lo, 1.0)
    return (np.asarray(u, dtype=float) - lo) / width


@dataclass(frozen=True)
class NashPoint:
    choices: IntArray | None
    utilities: FloatArray | None
    method: str
    optimal: bool


_NASH: dict[str, NashPoint] = {}


def nash_point(cs: CompiledScenario) -> NashPoint:
    """The Nash bargaining package (first tie) from the analysis engine, cached per scenario."""
    key = scenario_key(cs)
    got = _NASH.get(key)
    if got is None:
        from detente.analysis.solve import solve

        # the one dispatch policy (enumeration on small spaces, a budgeted dynamic program, else the
        # HiGHS cutting-plane loop or CP-SAT): never an unbounded computation
        res = solve(cs, "nash")
        if res.packages:
            p = res.packages[0]
            got = NashPoint(p.choices, p.utilities, res.method, res.optimal)
        else:
            got = NashPoint(None, None, res.method, res.optimal)
        _NASH[key] = got
    return got


def distance_to_nash(cs: CompiledScenario, u: FloatArray) -> float | None:
    nash = nash_point(cs)
    if nash.utilities is None:
        return None
    return float(np.linalg.norm(scaled(cs, u) - scaled(cs, nash.utilities)))


@dataclass(frozen=True)
class ParetoGap:
    """Scaled utility left on the table (see the module docstring) and whether CP-SAT proved it."""

    gap: float
    proven: bool
    improvement: IntArray | None


_GAPS: dict[tuple[str, bytes], ParetoGap] = {}
RESOLUTION = 10_000


def pareto_gap(cs: CompiledScenario, choices: IntArray) -> ParetoGap:
    """The largest Pareto improvement on ``choices`` (see the module docstring), cached per package."""
    key = (scenario_key(cs), np.asarray(choices, dtype=np.int64).tobytes())
    got = _GAPS.get(key)
    if got is None:
        got = _pareto_gap(cs, np.asarray(choices, dtype=np.int64))
        _GAPS[key] = got
    return got


def _pareto_gap(cs: CompiledScenario, a: IntArray) -> ParetoGap:
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import build_package_model

    pm = build_package_model(cs, acceptable=False)
    ua = cs.utilities(a)
    int_a = pm.int_values[cs.offsets[:-1] + a].sum(axis=0)
    lo, hi = spans(cs)
    width = np.where(hi - lo > 1e-12, hi - lo, 1.0)
    for i in range(cs.n_parties):
        pm.model.add(pm.u[i] >= int(int_a[i]))
    # objective Σ_i u_i / width_i on a common integer scale
    coef = [max(1, round(RESOLUTION * float(width.max()) / float(width[i]))) for i in range(cs.n_parties)]
    pm.model.maximize(sum(c * u for c, u in zip(coef, pm.u, strict=True)))
    solver = deterministic_solver()
    status = solver.solve(pm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ParetoGap(0.0, False, None)
    p = pm.choices(solver)
    up = cs.utilities(p)
    gains = (up - ua) / width
    if np.any(up < ua - 1e-9):  # rounding of non-integer values: keep the agreement itself
        return ParetoGap(0.0, status == cp_model.OPTIMAL, None)
    gap = float(np.maximum(gains, 0.0).sum())
    return ParetoGap(
        gap if math.isfinite(gap) else 0.0, status == cp_model.OPTIMAL, p if gap > 1e-12 else None
    )
