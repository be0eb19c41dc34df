"""The Nash bargaining solution on real-valued data: an outer approximation of the log in HiGHS.

Maximise the weighted Nash product Π_i g_i^{w_i} (g_i = u_i − d_i, w_i the party ``weight``) over
acceptable packages, i.e. maximise F(x) = Σ_i w_i ln g_i(x). The logarithm is concave, so every tangent
lies above it: for any a > 0, ln g ≤ ln a − 1 + g/a. The MILP (HiGHS, over the option indicators of
:class:`~detente.analysis.methods.milp.PackageMip`, on the file's own real values — nothing is rounded) is

    max Σ_i w_i z_i   s.t.  g_i = u_i(x) − d_i,  z_i ≤ ln a − 1 + g_i/a  for every tangent point a ∈ A_i,
                            g_i ∈ [ℓ_i, h_i],  x acceptable,

a relaxation: its optimum **UB** is an upper bound on max F. A cutting-plane (outer-approximation,
Kelley) loop then closes the gap:

1. the initial tangent points A_i are a geometric grid (ratio :data:`GRID_RATIO`) over [ℓ_i, h_i],
   h_i = Σ_k max_o V[o, i] − d_i;
2. each MILP optimum x is re-evaluated **exactly** — gains as fractions of the file's decimals
   (:class:`~detente.analysis.methods.milp.ExactValues`), F(x) to 40 significant digits — the best so far is
   the lower bound **LB**; tangents at x's gains are added (they make the relaxation exact at x) and x
   is cut off by a no-good (every later solve looks at new packages only);
3. ℓ_i: a package with F ≥ LB − τ has g_i ≥ δ_i = exp((LB − τ − Σ_{j≠i} w_j ln h_j) / w_i), so
   once an incumbent is known ℓ_i = max(τ·U_i, δ_i) is a valid floor (U_i = Σ_k max_o |V[o, i]|, the
   party's scale; g_i > τ·U_i is the strict gain of :mod:`detente.analysis.concepts`). Before the first
   incumbent the floor is the heuristic ``FLOOR · h_i``; it is replaced by the valid one right after.
4. The loop stops when UB < LB − τ (or the MILP is infeasible): no unvisited package comes within τ
   of the best, so the best visited package is **proven optimal** and the visited packages with
   Π ≥ (1 − τ)·best (F ≥ LB + ln(1 − τ) ≈ LB − τ) are exactly its ties. τ = :data:`NASH_TOLERANCE` (= the tie tolerance
   :data:`~detente.analysis.results.TIE_TOLERANCE`): Nash products within a relative 10⁻⁹ of the best
   tie, as in :mod:`detente.analysis.concepts`. HiGHS runs with ``mip_rel_gap`` 0, an absolute gap of
   τ/10 and feasibility tolerances of 10⁻⁹; every returned package is checked for acceptability in exact
   arithmetic (one that only HiGHS's tolerance admitted is cut off).

When no acceptable package gives every party a gain above τ·U_i (some party cannot gain, so the product
runs over a subset of parties, or no package has a positive product) :func:`solve_nash_milp` returns
None and the caller uses the CP-SAT search (:mod:`detente.analysis.methods.cpsat`), which handles
those cases.

**Determinism.** One thread, a fixed seed, a node budget (:data:`~detente.analysis.methods.milp.NODES_PER_UNIT`
per work unit, each MILP solve charged its nodes + 1) and a wall-clock safety stop that marks the answer
incomplete when it fires.
"""

from __future__ import annotations

import decimal
import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from detente.analysis.methods.milp import NODES_PER_UNIT, WALL_STOP, ExactValues, PackageMip, Run
from detente.analysis.results import TIE_TOLERANCE, Package, SolveResult
from detente.model.compiled import FloatArray, IntArray

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

#: τ: proven when no unvisited package can exceed the best F = Σ w_i ln g_i by more than τ (relative
#: 10⁻⁹ on the Nash product); packages within τ of the best tie.
NASH_TOLERANCE = TIE_TOLERANCE
#: Ratio between successive points of the initial tangent grid (overestimate ≤ (ln ρ)²/8 per party).
GRID_RATIO = 1.05
#: Heuristic gain floor (× h_i) of the first solve, replaced by a valid floor once an incumbent is known.
FLOOR = 0.02
#: Upper bound of the normalised gain ĝ_i = g_i / h_i (≤ 1 for every package): a little room above 1, as
#: HiGHS's presolve declared models infeasible whose best package sat exactly on the bound ĝ_i = 1.
TOP = 1.0 + 1e-6
#: Digits of the exact re-evaluation of F (the logarithms of exact rational gains).
DIGITS = 40
METHOD = "milp+log-tangents"


def exact_log_value(gains: list[Fraction], weights: list[Fraction]) -> decimal.Decimal:
    """F = Σ_i w_i ln g_i of exact rational gains (all > 0), to :data:`DIGITS` significant digits."""
    with decimal.localcontext() as ctx:
        ctx.prec = DIGITS
        total = decimal.Decimal(0)
        for g, w in zip(gains, weights, strict=True):
            ln = decimal.Decimal(g.numerator).ln() - decimal.Decimal(g.denominator).ln()
            total += decimal.Decimal(w.numerator) / decimal.Decimal(w.denominator) * ln
        return total


@dataclass
class _Search:
    """State of the cutting-plane loop."""

    lb: decimal.Decimal | None = None
    ub: float | None = None
    best: IntArray | None = None
    visited: list[tuple[IntArray, decimal.Decimal]] = field(default_factory=list)
    proven: bool = False
    complete: bool = False
    evaluations: int = 0


class _NashMip:
    """The relaxation of the module docstring on top of :class:`PackageMip`."""

    def __init__(self, cs: CompiledScenario, run: Run, floor: FloatArray, hi: FloatArray) -> None:
        self.mip = PackageMip(cs, run)
        self.cs = cs
        self.g: list[int] = []
        self.z: list[int] = []
        self.points: list[set[float]] = [set() for _ in range(cs.n_parties)]
        self.lo = floor.copy()
        self.hi = hi
        # each party's gain is modelled in units of its own h_i (ĝ_i = g_i / h_i ∈ (0, 1], z_i ≈ ln ĝ_i),
        # so a party with small values keeps its resolution: F = Σ w_i z_i + Σ w_i ln h_i
        self.shift = float(np.dot(np.asarray(cs.weight, dtype=np.float64), np.log(hi)))
        for i in range(cs.n_parties):
            h_i = float(hi[i])
            g = self.mip.add_col(float(floor[i]) / h_i, TOP)
            z = self.mip.add_col(-self.mip.inf, math.log(TOP))
            d = float(cs.disagreement[i]) / h_i
            self.mip.add_row(cs.values[:, i] / h_i, d, d, {g: -1.0})  # Σ (V/h) x − ĝ = d/h
            self.g.append(g)
            self.z.append(z)
            self.grid(i, float(floor[i]), h_i)
        self.mip.objective({z: float(w) for z, w in zip(self.z, cs.weight, strict=True)})
        self.twins = interchangeable(cs)
        for k, groups in self.twins.items():  # only each group's first option stays in the model
            for group in groups:
                for j in group[1:]:
                    o = int(cs.offsets[k]) + j
                    self.mip.h.changeColBounds(o, 0.0, 0.0)

    def tangent(self, i: int, a: float) -> None:
        """ln g_i ≤ ln a − 1 + g_i / a, i.e. z_i ≤ ln â − 1 + ĝ_i / â with â = a / h_i."""
        a_hat = a / float(self.hi[i])
        if a_hat <= 0 or a_hat in self.points[i]:
            return
        self.points[i].add(a_hat)
        self.mip.add_row(
            np.zeros(0), -self.mip.inf, math.log(a_hat) - 1.0, {self.z[i]: 1.0, self.g[i]: -1.0 / a_hat}
        )

    def grid(self, i: int, lo: float, hi: float) -> None:
        """Tangents at a geometric grid (ratio :data:`GRID_RATIO`) from ``lo`` to ``hi``."""
        a = lo
        while a < hi:
            self.tangent(i, a)
            a *= GRID_RATIO
        self.tangent(i, hi)

    def set_floor(self, i: int, lo: float) -> None:
        """Move g_i's lower bound to ``lo`` (tangents added below the old floor when it goes down)."""
        if lo < self.lo[i]:
            self.grid(i, lo, float(self.lo[i]))
        self.lo[i] = lo
        self.mip.h.changeColBounds(self.g[i], lo / float(self.hi[i]), TOP)
        self.tangent(i, lo)

    def cutoff(self, value: float) -> None:
        """F ≥ value (only packages that can come within τ of the best are of interest)."""
        self.mip.add_row(
            np.zeros(0),
            value - self.shift,
            self.mip.inf,
            {z: float(w) for z, w in zip(self.z, self.cs.weight, strict=True)},
        )

    def solve(self, abs_gap: float = NASH_TOLERANCE / 10) -> tuple[str, IntArray | None, float | None]:
        """(status ∈ optimal | infeasible | stopped, package, upper bound) of one MILP solve, to an
        absolute gap of ``abs_gap`` on F (the options search asks for a looser one)."""
        import highspy

        run = self.mip.run_state
        h = self.mip.h
        h.setOptionValue("mip_max_nodes", max(1, run.nodes))
        h.setOptionValue("time_limit", max(1e-3, run.deadline - time.perf_counter()))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", abs_gap)
        S = highspy.HighsModelStatus
        h.run()
        run.solves += 1
        info = h.getInfo()
        run.nodes -= int(info.mip_node_count) + 1
        status = h.getModelStatus()
        if status == S.kInfeasible:
            return "infeasible", None, None
        package = None
        if info.primal_solution_status == 2:
            x = np.asarray(h.getSolution().col_value[: self.cs.n_total_options])
            package = np.asarray(
                [
                    int(np.argmax(x[self.cs.offsets[k] : self.cs.offsets[k + 1]]))
                    for k in range(self.cs.n_moves)
                ],
                dtype=np.int64,
            )
        if status == S.kOptimal and package is not None:
            bound = max(float(info.mip_dual_bound), float(info.objective_function_value))
            return "optimal", package, bound + self.shift
        if status == S.kTimeLimit:
            run.wall_stopped = True
        else:
            run.node_stopped = True
        dual = float(info.mip_dual_bound)
        return "stopped", package, dual + self.shift if math.isfinite(dual) else None


def interchangeable(cs: CompiledScenario) -> dict[int, list[list[int]]]:
    """Move → groups (≥ 2) of its options with identical values for every party and in no rule: every
    package has the same utilities and acceptability with one of them as with another, so the MILP
    keeps the first of each group and the ties are expanded afterwards (:func:`expand`)."""
    in_rules = {int(o) for con in cs.constraints for o in con.options}
    out: dict[int, list[list[int]]] = {}
    for k in range(cs.n_moves):
        by_row: dict[tuple[float, ...], list[int]] = {}
        for j in range(int(cs.n_options[k])):
            o = int(cs.offsets[k]) + j
            if o not in in_rules:
                by_row.setdefault(tuple(float(v) for v in cs.values[o]), []).append(j)
        groups = [g for g in by_row.values() if len(g) > 1]
        if groups:
            out[k] = groups
    return out


def variants(c: IntArray, twins: dict[int, list[list[int]]]) -> int:
    """How many packages :func:`expand` makes of ``c``."""
    n = 1
    for k, groups in twins.items():
        n *= next((len(g) for g in groups if int(c[k]) in g), 1)
    return n


def expand(choices: list[IntArray], twins: dict[int, list[list[int]]], limit: int) -> list[IntArray]:
    """Every package obtained by swapping options within their :func:`interchangeable` groups, in
    lexicographic order of the moves, at most ``limit`` of them."""
    out: list[IntArray] = []
    for c in choices:
        variants: list[list[int]] = []
        for k in range(len(c)):
            group = next((g for g in twins.get(k, []) if int(c[k]) in g), [int(c[k])])
            variants.append(group)
        for combo in itertools.product(*variants):
            if len(out) >= limit:
                return out
            out.append(np.asarray(combo, dtype=np.int64))
    return out


def _party_ranges(cs: CompiledScenario) -> tuple[FloatArray, FloatArray]:
    """(τ·U_i, h_i): the strict-gain floor and the largest conceivable gain of each party."""
    hi = np.zeros(cs.n_parties)
    scale = np.zeros(cs.n_parties)
    for k in range(cs.n_moves):
        block = cs.values[cs.offsets[k] : cs.offsets[k + 1]]
        hi += block.max(axis=0)
        scale += np.abs(block).max(axis=0)
    eps = NASH_TOLERANCE * np.maximum(scale, 1e-300)
    return eps, hi - cs.disagreement


def solve_nash_milp(
    cs: CompiledScenario, *, time_limit: float = 30.0, tie_limit: int = 100
) -> SolveResult | None:
    """The weighted Nash solution by the HiGHS cutting-plane loop (module docstring), every tie up to
    ``tie_limit``; None when no acceptable package gives every party a strict gain (use CP-SAT)."""
    import highspy  # noqa: F401  (imported before the safety clock starts)

    from detente.analysis.budget import Budget

    started = time.perf_counter()
    budget = Budget.of(time_limit)  # inside a command: a share of the command's budget and its safety stop
    run = Run(
        nodes=max(1, math.floor(NODES_PER_UNIT * budget.left())), deadline=budget.deadline, budget=budget
    )
    eps, hi = _party_ranges(cs)
    if np.any(hi <= eps):
        return None
    weights = [Fraction(repr(float(w))) for w in cs.weight]
    wf = np.asarray(cs.weight, dtype=np.float64)
    floor = np.maximum(eps, FLOOR * hi)
    nm = _NashMip(cs, run, floor, hi)
    ex = ExactValues(cs)
    tau = decimal.Decimal(repr(NASH_TOLERANCE))
    with decimal.localcontext() as ctx:  # tied: Π ≥ (1 − τ)·best, i.e. F ≥ LB + ln(1 − τ) (as in concepts)
        ctx.prec = DIGITS
        tie_drop = -(1 - tau).ln()
    s = _Search()
    heuristic_floor = bool(np.any(floor > eps))
    ln_hi = np.log(hi)
    while True:
        status, c, bound = nm.solve()
        if status == "infeasible" or (
            status == "optimal" and s.lb is not None and bound is not None and bound < float(s.lb - tie_drop)
        ):
            if s.lb is None and heuristic_floor:  # the heuristic floor may have cut every package off
                heuristic_floor = False
                for i in range(cs.n_parties):
                    nm.set_floor(i, float(eps[i]))
                continue
            s.proven = s.complete = True
            break
        if c is None:
            break
        if not heuristic_floor and bound is not None:  # a valid bound over the unvisited packages
            s.ub = bound if s.ub is None else min(s.ub, bound)
        nm.mip.forbid(c)
        utilities = ex.utilities(c)  # exact: one pass for acceptability and the gains
        if not bool(cs.feasible(c)[0]) or any(u < r for u, r in zip(utilities, ex.reservation, strict=True)):
            continue  # admitted only by HiGHS's tolerance: cut off, solve again
        gains = [u - d for u, d in zip(utilities, ex.disagreement, strict=True)]
        if any(g <= e for g, e in zip(gains, eps, strict=True)):
            continue  # below the strict-gain floor (HiGHS tolerance): not a candidate
        value = exact_log_value(gains, weights)
        s.evaluations += 1
        s.visited.append((c, value))
        for i, g in enumerate(gains):
            nm.tangent(i, float(g))
        if s.lb is None or value > s.lb:
            s.lb, s.best = value, c
            lb = float(s.lb - tie_drop)
            nm.cutoff(lb - NASH_TOLERANCE)
            for i in range(cs.n_parties):  # the valid floor δ_i of the module docstring
                rest = float(np.dot(wf, ln_hi) - wf[i] * ln_hi[i])
                delta = math.exp(min(700.0, (lb - rest) / wf[i])) * (1 - 1e-12) if wf[i] > 0 else 0.0
                nm.set_floor(i, max(float(eps[i]), min(delta, float(hi[i]))))
            heuristic_floor = False
        if status != "optimal":
            break
        listed = sum(variants(c, nm.twins) for c, v in s.visited if v >= s.lb - tie_drop)
        proven = s.ub is not None and s.ub <= float(s.lb + tau)
        if listed > tie_limit and proven:
            break  # the optimum is proven and the (expanded) tie list is already over the cap
    if not s.proven and s.lb is not None and s.ub is not None and s.ub <= float(s.lb + tau):
        s.proven = True  # no unvisited package beats the best by more than τ (the tie list may be incomplete)
    if s.lb is None or s.best is None:
        if s.complete:
            return None  # no package with every gain above τ·U_i: the CP-SAT search handles it
        return _answer(cs, run, s, [], None, started, ["budget reached before any package was found"])
    tied = expand([c for c, v in s.visited if v >= s.lb - tie_drop], nm.twins, tie_limit + 1)
    plural = "" if s.evaluations == 1 else "s"
    notes = [
        f"HiGHS tangent cutting planes, {s.evaluations} exact evaluation{plural}: no package has a Nash "
        f"product more than a relative τ = {NASH_TOLERANCE:g} above the answer"
        if s.proven
        else f"HiGHS tangent cutting planes, {s.evaluations} exact evaluation{plural}"
    ]
    if len(tied) > tie_limit:
        tied = tied[:tie_limit]
        notes.append(f"more than {tie_limit} tied packages: list capped at {tie_limit}")
    elif s.proven and not s.complete:
        notes.append("budget reached while listing tied packages")
    return _answer(cs, run, s, tied, math.exp(float(s.lb)), started, notes)


def _answer(
    cs: CompiledScenario,
    run: Run,
    s: _Search,
    choices: list[IntArray],
    objective: float | None,
    started: float,
    notes: list[str],
) -> SolveResult:
    optimal = s.proven and not run.wall_stopped
    if run.wall_stopped:
        notes = [*notes, WALL_STOP]
    elif not s.proven:
        notes = [*notes, "node budget reached before the optimum was proven"]
    gap = None
    if not optimal and objective is not None and s.ub is not None:
        gap = max(0.0, math.exp(min(700.0, s.ub)) - objective)  # max(LB, ub) is the valid bound
    uniq = sorted({tuple(int(v) for v in c) for c in choices})
    packages = [
        Package(np.asarray(c, dtype=np.int64), cs.utilities(np.asarray(c, dtype=np.int64))) for c in uniq
    ]
    return SolveResult(
        concept="nash",
        method=METHOD,
        optimal=optimal,
        gap=gap,
        packages=packages,
        objective=objective,
        notes=notes,
        seconds=time.perf_counter() - started,
    )
