"""A reusable CP-SAT model that answers "does any acceptable package beat N?" for shifted judgments.

The break-even search (:mod:`detente.uncertainty.breakeven`) asks many questions of one form: with one
judgment moved — value ``values[o, i]`` changed by c, or party i's reservation (and disagreement point)
shifted — is there an acceptable package R whose Nash product N(R) = Π_i g_i(R)^{W_i} exceeds (or equals)
a given N? Everything is in scaled integers (scale s: values, reservations, disagreement points and the
break-even grid all integral), so the answer is exact.

The model is built once per scenario (:class:`NashOracle`) and copied per question with only a few
numbers changed in the copy's proto: the gain definitions ``g_i − u_i − c·x_o = −(D_i + Δd_i)`` (one
coefficient and one right-hand side), the gains' lower bounds ``g_i ≥ max(1, R_i + Δr_i − D_i − Δd_i)``
(acceptability, and a strict gain so that N(R) > 0) and the threshold ``Σ W_i z_i ≥ T``.

The logarithm is handled as in the exact Nash solver (:mod:`detente.analysis.methods.cpsat`): z_i ≤
every tangent of C·ln at points a of a geometric grid (``a·z_i − C·g_i ≤ ⌈C·a·(ln a − 1)⌉ + 1``, an
over-estimate since ln is concave), so the relaxation keeps every package with N(R) ≥ N when T =
⌊C·ln N − Σ W_i − 10⁻³⌋. A solution is evaluated exactly (Python integers); if it does not qualify, a
tangent at each of its gains is added (valid for every question, so it is kept in the base model too)
and its gain vector is forbidden in this copy (Kelley's cutting planes). "Infeasible" is a proof that no
package qualifies. Each solve runs on a deterministic work budget with one worker and a fixed seed, and
is warm-started with a hint (a package that is likely to qualify).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.model.compiled import CompiledScenario, IntArray

#: Deterministic work units one question may use (CP-SAT ``max_deterministic_time``).
QUERY_WORK = 20.0


class OracleUndecided(Exception):
    """A question was not decided within its deterministic work budget."""


@dataclass(frozen=True)
class Shift:
    """One judgment moved, in scaled integers: ``values[option, party] += coef`` (option −1: none),
    ``reservation += dr`` and ``disagreement += dd`` (both (P,))."""

    option: int
    party: int
    coef: int
    dr: IntArray
    dd: IntArray


@dataclass
class NashOracle:
    """The reusable model of the module docstring, for a scenario at integer scale ``scale``."""

    cs: CompiledScenario
    scale: int
    values: IntArray  # (O, P) scaled values
    reservation: IntArray  # (P,)
    disagreement: IntArray  # (P,)
    weights: list[int]
    model: Any
    x: list[Any]  # option literals, global order
    gains: list[Any]
    zs: list[Any]
    def_index: list[int]
    threshold_index: int
    tangents: list[set[int]] = field(default_factory=list)
    queries: int = 0
    solves: int = 0
    _known: dict[bytes, tuple[bool, IntArray, frozenset[int]]] = field(default_factory=dict)

    # ----- exact arithmetic -----------------------------------------------------------------------
    def _base(self, package: IntArray) -> tuple[bool, IntArray, frozenset[int]]:
        """(rules hold, scaled gains at the point, global options) of a package, cached: the rules and
        the point gains do not depend on the judgment being moved."""
        key = package.tobytes()
        hit = self._known.get(key)
        if hit is None:
            g = self.cs.global_options(package)
            hit = (
                bool(self.cs.feasible(package[None, :])[0]),
                np.asarray(self.values[g].sum(axis=0) - self.disagreement, dtype=np.int64),
                frozenset(int(o) for o in g),
            )
            self._known[key] = hit
        return hit

    def int_gains(self, package: IntArray, shift: Shift) -> IntArray:
        _, base, options = self._base(package)
        gains = base - shift.dd
        if shift.option >= 0 and shift.option in options:
            gains[shift.party] += shift.coef
        return gains

    def acceptable(self, package: IntArray, shift: Shift) -> bool:
        """Rules hold and u_i ≥ r_i for every party (scaled integers)."""
        if not self._base(package)[0]:
            return False
        u = self.int_gains(package, shift) + self.disagreement + shift.dd
        return bool(np.all(u >= self.reservation + shift.dr))

    def product(self, package: IntArray, shift: Shift) -> int:
        """N(R) = Π g_i^{W_i} when R is acceptable with every gain ≥ 1 (scaled), else 0."""
        if not self.acceptable(package, shift):
            return 0
        g = self.int_gains(package, shift).tolist()
        if min(g) < 1:
            return 0
        return math.prod(v**w for v, w in zip(g, self.weights, strict=True))

    # ----- questions ----------------------------------------------------------------------------------
    def _copy(self, shift: Shift, threshold: int, hint: IntArray | None) -> Any:
        from detente.analysis.methods.cpsat import NASH_LOG_SCALE

        m = self.model.clone()
        proto = m.proto
        for i, idx in enumerate(self.def_index):
            lin = proto.constraints[idx].linear
            rhs = -int(self.disagreement[i] + shift.dd[i])
            lin.domain[0] = rhs
            lin.domain[1] = rhs
            if shift.option >= 0 and i == shift.party and shift.coef != 0:
                lin.vars.append(self.x[shift.option].index)
                lin.coeffs.append(-int(shift.coef))
            dom = proto.variables[self.gains[i].index].domain
            lo = max(1, int(self.reservation[i] + shift.dr[i] - self.disagreement[i] - shift.dd[i]))
            dom[0] = lo
            if dom[1] < lo:
                dom[1] = lo
        t = (
            math.floor(NASH_LOG_SCALE * math.log(threshold) - sum(self.weights) - 1e-3)
            if threshold > 0
            else 0
        )
        proto.constraints[self.threshold_index].linear.domain[0] = t
        if hint is not None:
            for o in self.cs.global_options(hint):
                m.add_hint(self.x[int(o)], 1)
        return m

    def _cut(self, model: Any, gains: IntArray) -> None:
        from detente.analysis.methods.cpsat import NASH_LOG_SCALE, tangent_constant

        for i, g in enumerate(gains):
            a = int(g)
            if a >= 1 and a not in self.tangents[i]:
                self.tangents[i].add(a)
                c = tangent_constant(a)
                for mm in (model, self.model):  # a tangent is valid for every question
                    mm.add(a * self.zs[i] - NASH_LOG_SCALE * self.gains[i] <= c)

    def find(
        self,
        shift: Shift,
        threshold: int,
        *,
        strict: bool,
        exclude: list[IntArray] | None = None,
        exclude_gains: list[IntArray] | None = None,
        hint: IntArray | None = None,
    ) -> tuple[IntArray, int] | None:
        """An acceptable package R (not in ``exclude``, and whose gain vector is not one of
        ``exclude_gains``) with N(R) > ``threshold`` (``strict``) or ≥ it, and N(R); None when CP-SAT
        proves there is none. Raises :class:`OracleUndecided` when the work budget runs out first."""
        from ortools.sat.python import cp_model

        from detente.analysis.methods.cpsat_model import forbid_vector, new_solver

        self.queries += 1
        m = self._copy(shift, threshold, hint)
        excluded = {tuple(int(v) for v in p) for p in (exclude or [])}
        for p in excluded:
            m.add_bool_or([self.x[int(o)].Not() for o in self.cs.global_options(np.asarray(p))])
        for g in exclude_gains or []:
            forbid_vector(m, self.gains, [int(v) for v in g])
        work = QUERY_WORK
        while True:
            solver = new_solver(work)
            # presolve re-derives the same reductions on every copy; without it a question is ~3× cheaper
            solver.parameters.cp_model_presolve = False
            status = solver.solve(m)
            self.solves += 1
            work -= solver.response_proto.deterministic_time
            if status == cp_model.INFEASIBLE:
                return None
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                raise OracleUndecided(f"CP-SAT status {solver.status_name(status)}")
            choices = self._choices(solver)
            n = self.product(choices, shift)
            if n > threshold or (not strict and n == threshold):
                return choices, n
            g = self.int_gains(choices, shift)
            self._cut(m, g)
            forbid_vector(m, self.gains, [int(v) for v in g])
            if work <= 0:
                raise OracleUndecided("work budget spent")

    def best(self, shift: Shift, start: IntArray) -> tuple[list[IntArray], int]:
        """Every package with the largest Nash product (≥ that of ``start``, which must be acceptable
        with strict gains), and that product."""
        best_n = self.product(start, shift)
        ties = [start]
        while True:
            found = self.find(shift, best_n, strict=False, exclude=ties)
            if found is None:
                return ties, best_n
            choices, n = found
            if n > best_n:
                best_n, ties = n, [choices]
            else:
                ties.append(choices)

    def _choices(self, solver: Any) -> IntArray:
        cs = self.cs
        out = np.empty(cs.n_moves, dtype=np.int64)
        for k in range(cs.n_moves):
            lo, hi = int(cs.offsets[k]), int(cs.offsets[k + 1])
            out[k] = next(j for j in range(hi - lo) if solver.boolean_value(self.x[lo + j]))
        return out


def build_oracle(cs: CompiledScenario, scale: int, span: IntArray) -> NashOracle:
    """Build the base model at integer ``scale``; ``span[i]`` bounds how far party i's gains can move
    (scaled) under any question that will be asked (it widens the gains' domains and tangent grids)."""
    from detente.analysis.methods.cpsat import (
        NASH_GRID_RATIO,
        NASH_LOG_SCALE,
        nash_exponents,
        tangent_constant,
    )
    from detente.analysis.methods.cpsat_model import build_package_model

    pm = build_package_model(cs, acceptable=False, scale=scale)
    m = pm.model
    values = np.round(cs.values * scale).astype(np.int64)
    res = np.round(cs.reservation * scale).astype(np.int64)
    dis = np.round(cs.disagreement * scale).astype(np.int64)
    weights = [int(w) for w in nash_exponents(cs)[0]]
    x = pm.flat_x
    gains, zs, def_index = [], [], []
    tangents: list[set[int]] = []
    for i in range(cs.n_parties):
        col = values[:, i]
        hi = int(sum(col[cs.offsets[k] : cs.offsets[k + 1]].max() for k in range(cs.n_moves)))
        g_hi = max(1, hi - int(dis[i]) + int(span[i]))
        g = m.new_int_var(1, g_hi, f"g{i}")
        def_index.append(len(m.proto.constraints))
        m.add(g - pm.u[i] == -int(dis[i]))
        z = m.new_int_var(0, math.ceil(NASH_LOG_SCALE * math.log(g_hi)) + 2, f"z{i}")
        pts: set[int] = set()
        a = 1
        while True:
            pts.add(a)
            m.add(a * z - NASH_LOG_SCALE * g <= tangent_constant(a))
            if a >= g_hi:
                break
            a = min(g_hi, max(a + 1, math.floor(a * NASH_GRID_RATIO)))
        gains.append(g)
        zs.append(z)
        tangents.append(pts)
    threshold_index = len(m.proto.constraints)
    m.add(sum(w * z for w, z in zip(weights, zs, strict=True)) >= 0)
    return NashOracle(
        cs=cs,
        scale=scale,
        values=values,
        reservation=res,
        disagreement=dis,
        weights=weights,
        model=m,
        x=x,
        gains=gains,
        zs=zs,
        def_index=def_index,
        threshold_index=threshold_index,
        tangents=tangents,
    )
