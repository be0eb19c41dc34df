"""Welfare, egalitarian (leximin) and Kalai–Smorodinsky by mixed-integer linear programming (HiGHS).

These questions are linear in the option indicators x_o ∈ {0, 1} (Σ_{o ∈ move k} x_o = 1), so HiGHS
solves them on the scenario's own real values — no integer scaling, so 12-decimal Genius weights lose
nothing. The model: every :class:`~detente.model.compiled.LinearConstraint`, acceptability
u_i = Σ_o V[o, i]·x_o ≥ r_i, and per question

* **welfare** — max Σ_i u_i;
* **egalitarian** — max t with g_i = u_i − d_i ≥ t, asked *window first* (:func:`_maxmin_window`):
  the question is "the optimum and every acceptable package within τ of it", answered from an
  incumbent x* (the Lagrangian search's best package). First the **perturbed proof**
  (:func:`_perturbed_proof`): max t + ε·Δ(x, x*) (Δ the number of moves where x differs from x*,
  ε = 4τ) with the floor t ≥ t(x*) − τ; when HiGHS's bound is below t(x*) − τ + ε, x* is optimal and
  the only package within τ — the leximin optimum — in one branch-and-bound about as large as a plain
  max-min proof (before: a max-min solve, then a window solve with a no-good cut, 2–3× the work).
  Otherwise (ties within τ) the **no-good loop**: "max t, t ≥ best − τ, every known package cut off",
  re-solved, adding each package found, until infeasible; the packages within τ of the best are then
  ranked leximin exactly. When more than :data:`SMALL_WINDOW` qualify, the classic leximin stages run
  among them: stage k maximises S_k, the sum of the k smallest gains (Ogryczak's ordered sums,
  S_k = k·r_k − Σ_i e_ik, e_ik ≥ r_k − g_i, e_ik ≥ 0) with S_1..S_{k−1} held at their optima (S_1* is
  the max-min value already proven, so the stages start at k = 2, each from the previous stage's
  optimum as its incumbent); when more than :data:`TIE_LIMIT` packages differ from the last stage's
  optimum only at null moves (options identical for every party: the same gains exactly), the capped
  list is those, with no listing solves. Reduced-cost fixing from the LP duals (fixing the moves whose change
  costs more than the gap L − t(x*)) is not done here: HiGHS does it itself once it has the incumbent,
  and fixing before the solve measured no faster on the 200 × 6 instances;
* **ks** — the ideal point ideal_i = max u_i (each proven optimal: the package with every move at its
  best option for i when it is acceptable — Σ_k max_o V[o, i] bounds u_i, so it is the maximum with no
  solve —, else the search on a small budget, :data:`IDEAL_SEARCH_STATES`, else one HiGHS solve), then
  max t with g_i ≥ t·R_i (R_i = ideal_i − d_i > 0; parties with R_i ≤ τ are left out, with a note),
  window first as above, the packages within τ compared on their exact ratios.

**Fast path.** On scenarios without rules, egalitarian, KS and each ideal-point value are first asked
of the exact Lagrangian search (:mod:`~detente.analysis.methods.maxmin_search`): it lists every acceptable
package within τ of the optimum without branch-and-bound, on a deterministic state budget
(:data:`SEARCH_STATES`); the answer is then ranked exactly as below (leximin or exact ratios). When
it gives up, the window-first models above run with the best package it saw as the incumbent x*
(none on scenarios with rules: the first solve is then a plain max-min, and its optimum is x*).

**Exact re-evaluation.** HiGHS works in floating point, so every returned package is re-evaluated in
exact rational arithmetic (each value as the fraction of its shortest decimal form, which for values
typed in a file is the file's decimal; a party's utilities as one integer sum over the common
denominator of its values, :class:`ExactValues`): its acceptability (u_i ≥ r_i exactly; a package HiGHS accepted
within its feasibility tolerance but that fails exactly is cut off and the solve repeated), its
objective, and the comparison of tied packages. "Proven optimal" means HiGHS closed the gap to the
absolute tolerance τ = :data:`TOLERANCE` · U (U the utility scale): no acceptable package is better by
more than τ; packages within τ of each other are reported as tied only after their exact objectives
are compared (equal within τ).

**Determinism.** One thread, a fixed seed and a node budget (``mip_max_nodes`` =
:data:`NODES_PER_UNIT` × ``time_limit`` work units); a wall-clock safety stop
(:func:`~detente.analysis.budget.safety_seconds`) marks the answer incomplete when it fires. A solve
that HiGHS ends with a solve error (its postsolved optimum off by its feasibility tolerance, seen on
tied integer data) is repeated once without presolve, and both runs are charged.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.methods.maxmin_search import MaxMinSearch
from detente.analysis.results import CONCEPTS, Package, SolveResult
from detente.errors import DetenteError
from detente.model.compiled import FloatArray, IntArray

if TYPE_CHECKING:
    from detente.analysis.budget import Budget
    from detente.model.compiled import CompiledScenario

#: Relative optimality / tie tolerance (× the utility scale U).
TOLERANCE = 1e-9
#: Branch-and-bound nodes per work unit (the deterministic budget of one question).
NODES_PER_UNIT = 20_000
#: Most tied packages listed.
TIE_LIMIT = 100
CAPPED = (
    f"more than {TIE_LIMIT} packages within the tolerance of the optimum: list capped at {TIE_LIMIT} "
    "(the optimum value is proven)"
)
#: Packages listed in the max-min window before the leximin stages take over.
SMALL_WINDOW = 20
#: Search-tree nodes the Lagrangian search may visit per question before the MILP takes over
#: (deterministic; the hardest 200 × 6 Genius-like instances need 1.7·10^8, about 3.5 s of CPU).
SEARCH_STATES = 200_000_000
#: Nodes the search may visit for one ideal-point value (it only needs the value, which one HiGHS
#: solve proves as well: on heavily tied data the search's window is large and HiGHS answers at once).
IDEAL_SEARCH_STATES = 10_000_000
#: Work units charged per node the search visits (measured about 2·10^-8 s of CPU per node on an idle
#: machine, rounded up: one unit is about one CPU second, as for the HiGHS charges below).
SEARCH_STATE_UNITS = 2.5e-8
#: Largest window (packages within τ of the optimum) the search hands back; more: the MILP path.
SEARCH_WINDOW = 5_000
WALL_STOP = "wall-clock safety stop reached: the answer is incomplete and may differ from run to run"
NODE_STOP = "node budget reached before the optimum was proven"
#: Work units charged per model coefficient for each HiGHS solve (presolve and set-up). Measured on
#: the loops of small solves that list ties (a 5,800-coefficient model, a few iterations each):
#: 0.01–0.02 s, about 2–3·10^-6 s per coefficient; at 3·10^-5 each such solve was charged 0.17 units
#: and listing 100 KS ties on integer data used up a 30-unit budget in 1.4 s of CPU ...
SOLVE_UNITS = 5e-6
#: ... and per model coefficient for each simplex iteration. Re-measured on an idle machine on the
#: 200 × 6 real-valued instances (benchmarks/bench_realvalued.py): 0.5–3.4·10^-8 s per iteration and
#: coefficient inside branch and bound (10^-7, first calibrated on a loaded machine, charged 5–15× the
#: CPU time and stopped proofs that plain HiGHS finishes). Fitted again on 27 solves of the egalitarian
#: and KS proofs (200 × 6 Genius-like and the random options scenario with rules): 2.3·10^-8 s; at
#: 10^-8 a budget of 5 units had let the proofs run about 8 s of CPU. Root passes (presolve, cuts,
#: heuristics: about 1 s on 5,800 coefficients, few iterations) are still charged about a third of
#: their CPU time.
ITERATION_UNITS = 2e-8
#: The node limit of one solve assumes a node costs this much per coefficient (measured about
#: 1.3·10^-7: 0.75 ms per node on a 5,800-coefficient model).
NODE_UNITS = 2e-7


class ExactValues:
    """Exact (rational) utilities: each value as the fraction of its shortest decimal form.

    Each party's column is held as integer numerators over one common denominator (the lcm of the
    column's denominators), so a package's exact utility is one integer sum (int64 when the column's
    numerators cannot overflow it, Python integers otherwise) and one fraction."""

    def __init__(self, cs: CompiledScenario) -> None:
        self.cs = cs

    @cached_property
    def _columns(self) -> list[tuple[Any, int]]:
        out: list[tuple[Any, int]] = []
        n = max(1, self.cs.n_moves)
        for i in range(self.cs.n_parties):
            col = [Fraction(repr(float(v))) for v in self.cs.values[:, i]]
            den = math.lcm(*(f.denominator for f in col)) if col else 1
            nums = [f.numerator * (den // f.denominator) for f in col]
            if max((abs(v) for v in nums), default=0) * n < 2**62:
                out.append((np.asarray(nums, dtype=np.int64), den))
            else:
                out.append((np.asarray(nums, dtype=object), den))
        return out

    def utilities(self, choices: IntArray) -> list[Fraction]:
        g = self.cs.global_options(choices)
        return [Fraction(int(nums[g].sum()), den) for nums, den in self._columns]

    @cached_property
    def reservation(self) -> list[Fraction]:
        return [Fraction(repr(float(r))) for r in self.cs.reservation]

    @cached_property
    def disagreement(self) -> list[Fraction]:
        return [Fraction(repr(float(d))) for d in self.cs.disagreement]

    def acceptable(self, choices: IntArray) -> bool:
        if not bool(self.cs.feasible(choices)[0]):
            return False
        u = self.utilities(choices)
        return all(a >= r for a, r in zip(u, self.reservation, strict=True))

    def gains(self, choices: IntArray) -> list[Fraction]:
        return [a - d for a, d in zip(self.utilities(choices), self.disagreement, strict=True)]


@dataclass
class Run:
    """Work and stop state shared by the solves of one question.

    ``budget`` (:class:`detente.analysis.budget.Budget`) is charged for every solve, deterministically:
    the nodes used (:data:`NODES_PER_UNIT` per unit), the simplex iterations (each costs
    :data:`ITERATION_UNITS` per model coefficient) and the set-up of the model (:data:`SOLVE_UNITS` per
    coefficient), so a question that needs many cheap solves (ties, cuts) also stops on its budget.
    """

    nodes: int
    deadline: float
    wall_stopped: bool = False
    node_stopped: bool = False
    solves: int = 0
    notes: list[str] = field(default_factory=list)
    budget: Budget | None = None


class PackageMip:
    """The HiGHS model over option indicators (module docstring) with extra columns/rows on demand."""

    def __init__(self, cs: CompiledScenario, run: Run) -> None:
        import highspy

        from detente.analysis.methods.highs import new_highs

        self.cs = cs
        self.run_state = run
        self.h = new_highs()
        h = self.h
        for name, value in (  # (quiet, one thread and the seed: new_highs)
            ("mip_rel_gap", 0.0),
            ("primal_feasibility_tolerance", 1e-9),
            ("mip_feasibility_tolerance", 1e-9),
            ("dual_feasibility_tolerance", 1e-10),
        ):
            h.setOptionValue(name, value)
        self.inf = highspy.kHighsInf
        n = cs.n_total_options
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8)
        )
        for k in range(cs.n_moves):
            idx = np.arange(cs.offsets[k], cs.offsets[k + 1], dtype=np.int32)
            h.addRow(1.0, 1.0, idx.size, idx, np.ones(idx.size))
        for con in cs.constraints:
            lo = -self.inf if con.lo is None else float(con.lo)
            hi = self.inf if con.hi is None else float(con.hi)
            if con.options.size:
                h.addRow(lo, hi, con.options.size, con.options.astype(np.int32), con.coefs.astype(np.float64))
        self.n_cols = n
        self.cuts = 0
        for i in range(cs.n_parties):
            self.add_row(cs.values[:, i], float(cs.reservation[i]), self.inf)
        self.span = float(np.abs(cs.values).sum(axis=0).max(initial=0.0)) + 1.0
        #: HiGHS's absolute gap (default TOLERANCE · span)
        self.abs_gap = TOLERANCE * self.span
        #: At most this many branch-and-bound nodes in the next solves (None: the budget decides)
        self.node_cap: int | None = None

    def hint(self, choices: IntArray, extra: dict[int, float] | None = None) -> None:
        """Start HiGHS from this package (an incumbent; HiGHS checks it against the model)."""
        import highspy

        x = np.zeros(self.n_cols)
        x[self.cs.global_options(choices)] = 1.0
        for col, v in (extra or {}).items():
            x[col] = v
        sol = highspy.HighsSolution()
        sol.col_value = [float(v) for v in x]
        sol.value_valid = True
        self.h.setSolution(sol)

    def add_col(self, lo: float, hi: float) -> int:
        self.h.addVar(lo, hi)
        self.n_cols += 1
        return self.n_cols - 1

    def add_row(
        self, coef_x: FloatArray, lo: float, hi: float, extra: dict[int, float] | None = None
    ) -> None:
        idx = [int(j) for j in np.flatnonzero(coef_x != 0)]
        val = [float(coef_x[j]) for j in idx]
        for col, v in (extra or {}).items():
            idx.append(col)
            val.append(v)
        self.h.addRow(lo, hi, len(idx), np.asarray(idx, dtype=np.int32), np.asarray(val, dtype=np.float64))

    def gain_row(self, i: int, lo: float, extra: dict[int, float] | None = None) -> None:
        """u_i − d_i + Σ extra ≥ lo."""
        self.add_row(self.cs.values[:, i], lo + float(self.cs.disagreement[i]), self.inf, extra)

    def forbid(self, choices: IntArray) -> None:
        """No-good cut: Σ_k x[chosen_k] ≤ M − 1."""
        g = self.cs.global_options(choices)
        coef = np.zeros(self.cs.n_total_options)
        coef[g] = 1.0
        self.add_row(coef, -self.inf, float(self.cs.n_moves - 1))

    def objective(self, cols: dict[int, float], *, maximize: bool = True) -> None:
        import highspy

        cost = np.zeros(self.n_cols)
        for c, v in cols.items():
            cost[c] = v
        self.h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)

    def objective_x(self, coef_x: FloatArray, extra: dict[int, float] | None = None) -> None:
        cols = {int(j): float(coef_x[j]) for j in np.flatnonzero(coef_x != 0)}
        cols.update(extra or {})
        self.objective(cols)

    def solve(self, *, feasibility: bool = False) -> tuple[str, IntArray | None, float | None, float | None]:
        """Run HiGHS; returns (status, package, objective, dual bound). status ∈ optimal, infeasible,
        stopped (node budget or safety stop; a package may still be returned)."""
        import highspy

        run = self.run_state
        h = self.h
        if run.budget is not None and run.budget.expired:
            if run.budget.wall_stopped:
                run.wall_stopped = True
            else:
                run.node_stopped = True
            return "stopped", None, None, None
        nodes = run.nodes
        if run.budget is not None:  # a node costs about NODE_UNITS per coefficient (its LP iterations)
            size = int(h.getNumNz()) + h.getNumRow() + h.getNumCol()
            nodes = min(nodes, math.floor(run.budget.left() / (NODE_UNITS * max(1, size))))
        if self.node_cap is not None:
            nodes = min(nodes, self.node_cap)
        h.setOptionValue("mip_max_nodes", max(1, nodes))
        h.setOptionValue("time_limit", max(1e-3, run.deadline - time.perf_counter()))
        h.setOptionValue("mip_abs_gap", self.abs_gap)
        if feasibility:
            h.setOptionValue("mip_max_improving_sols", 1)
        else:
            h.setOptionValue("mip_max_improving_sols", 2**31 - 1)
        S = highspy.HighsModelStatus
        for presolve in ("choose", "off"):
            # HiGHS can end a solve with kSolveError when its postsolved optimum breaks a row by the
            # feasibility tolerance (seen after a presolve restart on tied integer data): once more
            # without presolve
            h.setOptionValue("presolve", presolve)
            h.run()
            run.solves += 1
            info = h.getInfo()
            run.nodes -= int(info.mip_node_count)
            if run.budget is not None:
                nnz = int(h.getNumNz()) + h.getNumRow() + h.getNumCol()
                iterations = max(0, int(info.simplex_iteration_count))
                run.budget.spend(
                    int(info.mip_node_count) / NODES_PER_UNIT
                    + nnz * (SOLVE_UNITS + ITERATION_UNITS * iterations)
                )
            if h.getModelStatus() != S.kSolveError:
                break
        h.setOptionValue("presolve", "choose")
        status = h.getModelStatus()
        if status == S.kInfeasible:
            return "infeasible", None, None, None
        package = None
        if info.primal_solution_status == 2:  # feasible
            x = np.asarray(h.getSolution().col_value[: self.cs.n_total_options])
            package = np.asarray(
                [
                    int(np.argmax(x[self.cs.offsets[k] : self.cs.offsets[k + 1]]))
                    for k in range(self.cs.n_moves)
                ],
                dtype=np.int64,
            )
        if status == S.kOptimal or (feasibility and package is not None):
            return "optimal", package, float(info.objective_function_value), float(info.mip_dual_bound)
        if status == S.kTimeLimit:
            run.wall_stopped = True
        else:
            run.node_stopped = True
        obj = float(info.objective_function_value) if package is not None else None
        bound = float(info.mip_dual_bound) if package is not None else None
        return "stopped", package, obj, bound


def _result(
    cs: CompiledScenario,
    concept: str,
    method: str,
    run: Run,
    *,
    optimal: bool,
    gap: float | None,
    choices: list[IntArray],
    objective: float | None,
    notes: list[str],
    started: float,
) -> SolveResult:
    if run.wall_stopped:
        optimal, notes = False, [*notes, WALL_STOP]
    elif run.node_stopped and not optimal:
        notes = [*notes, NODE_STOP]
    uniq = sorted({tuple(int(v) for v in c) for c in choices})
    packages = [
        Package(np.asarray(c, dtype=np.int64), cs.utilities(np.asarray(c, dtype=np.int64))) for c in uniq
    ]
    return SolveResult(
        concept=concept,
        method=method,
        optimal=optimal,
        gap=None if optimal else gap,
        packages=packages,
        objective=objective,
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def _no_deal(
    cs: CompiledScenario, concept: str, method: str, run: Run, status: str, started: float
) -> SolveResult:
    note = (
        "no acceptable package: see `detente diagnose` for the smallest relaxation that opens a zone"
        if status == "infeasible"
        else "budget reached before any acceptable package was found"
    )
    return _result(
        cs,
        concept,
        method,
        run,
        optimal=status == "infeasible",
        gap=None,
        choices=[],
        objective=None,
        notes=[note],
        started=started,
    )


def _exactly_acceptable(mip: PackageMip, ex: ExactValues, choices: IntArray) -> bool:
    """Whether the package is acceptable in exact arithmetic; if not it is cut off (the caller re-solves)."""
    if ex.acceptable(choices):
        return True
    mip.forbid(choices)
    return False


def _best(
    mip: PackageMip, ex: ExactValues, score: Any, *, feasibility: bool = False
) -> tuple[str, IntArray | None, float | None, float | None]:
    """Solve, re-solving while HiGHS returns a package that fails acceptability exactly."""
    for _ in range(8):
        status, c, obj, bound = mip.solve(feasibility=feasibility)
        if c is None or _exactly_acceptable(mip, ex, c):
            return status, c, obj, bound
    return "stopped", None, None, None


def _ties(
    cs: CompiledScenario,
    make: Any,
    first: IntArray,
    exact_score: Any,
    run: Run,
    limit: int,
) -> tuple[list[IntArray], bool]:
    """The packages with the best **exact** score: every acceptable package in the search window that
    ``make`` builds (the optimum − τ and above; ``first`` is in it) is listed, excluding those found,
    then the exact scores decide. Returns (the exact optima, whether the window was listed completely)."""
    ex = ExactValues(cs)
    window = [first]
    mip = make()
    mip.forbid(first)
    complete = False
    while len(window) < limit:
        status, c, _obj, _b = mip.solve(feasibility=True)
        if status == "infeasible":
            complete = True
            break
        if c is None:
            break
        mip.forbid(c)
        if ex.acceptable(c):
            window.append(c)
    scores = [exact_score(c) for c in window]
    best = max(scores)
    return [c for c, sc in zip(window, scores, strict=True) if sc == best], complete


def _unit(cs: CompiledScenario) -> float:
    from detente.analysis.grid import utility_scale

    return utility_scale(cs)


def _unproven(
    cs: CompiledScenario,
    concept: str,
    method: str,
    run: Run,
    c: IntArray,
    objective: float,
    bound: float | None,
    started: float,
) -> SolveResult:
    """The best package found when the budget stopped the proof: not optimal, gap = bound − objective."""
    gap = None if bound is None else max(0.0, bound - objective)
    return _result(
        cs, concept, method, run, optimal=False, gap=gap, choices=[c], objective=objective, notes=[],
        started=started,
    )  # fmt: skip


# ----- the questions ------------------------------------------------------------------------------------
def _welfare(cs: CompiledScenario, run: Run, started: float) -> SolveResult:
    method = "milp"
    ex = ExactValues(cs)
    mip = PackageMip(cs, run)
    mip.objective_x(cs.values.sum(axis=1))
    status, c, obj, bound = _best(mip, ex, None)
    if c is None:
        return _no_deal(cs, "welfare", method, run, status, started)
    objective = float(sum(ex.utilities(c)))
    if status != "optimal":
        return _unproven(cs, "welfare", method, run, c, objective, bound, started)

    def make() -> PackageMip:
        m = PackageMip(cs, run)
        m.add_row(cs.values.sum(axis=1), objective - TOLERANCE * m.span, m.inf)
        m.objective_x(cs.values.sum(axis=1))
        return m

    ties, complete = _ties(cs, make, c, lambda p: sum(ex.utilities(p)), run, TIE_LIMIT)
    objective = float(sum(ex.utilities(ties[0])))
    notes = [] if complete else [CAPPED]
    return _result(
        cs,
        "welfare",
        method,
        run,
        optimal=complete or not (run.node_stopped or run.wall_stopped),
        gap=0.0,
        choices=ties,
        objective=objective,
        notes=notes,
        started=started,
    )


def _maxmin_model(
    cs: CompiledScenario, run: Run, span: FloatArray | None, floor: float | None
) -> tuple[PackageMip, int]:
    """max t with g_i ≥ t·span_i (span None: 1) for the parties with span_i > 0; t ≥ floor when given."""
    mip = PackageMip(cs, run)
    t = mip.add_col(-mip.inf if floor is None else floor, mip.inf)
    for i in range(cs.n_parties):
        if span is not None and span[i] <= 0:
            continue
        mip.gain_row(i, 0.0, {t: -(1.0 if span is None else float(span[i]))})
    mip.objective({t: 1.0})
    return mip, t


@dataclass
class Window:
    """The outcome of :func:`_maxmin_window`: ``status`` ∈ complete (``packages`` is every acceptable
    package with score ≥ ``best`` − τ), many (more than the limit: ``best`` is proven, the list is
    not complete), infeasible (nothing is acceptable), stopped (a budget stopped a solve: nothing is
    proven, ``bound`` is HiGHS's dual bound when it gave one)."""

    status: str
    packages: list[IntArray]
    best: Fraction | None
    bound: float | None = None


def _maxmin_window(
    cs: CompiledScenario,
    run: Run,
    ex: ExactValues,
    span: FloatArray | None,
    score: Any,
    tau: float,
    incumbent: IntArray | None,
    limit: int,
) -> Window:
    """Window-first max–min: the optimum and every package within τ of it, usually in one solve.

    The model is :func:`_maxmin_model` (max t, g_i ≥ t·span_i) plus, for every package p already
    known, a no-good cut (p is excluded) and the floor t ≥ s* − τ, s* = the best exact ``score`` known.
    Each solve returns the best package not yet known (HiGHS proven to its absolute gap), which is
    added (the floor rises when it is better), until the model is infeasible. Then, by induction, every
    acceptable package with score ≥ s* − τ is known: one not known would satisfy every row of the last
    model (its score is ≥ s* − τ ≥ the floor) and the model would not be infeasible. Started from a
    good incumbent x* (the Lagrangian search's best package), the first solve is the whole proof when
    x* is optimal and alone within τ: one branch-and-bound with the cut-off t ≥ t(x*) − τ from the
    start, instead of a max–min solve followed by a window solve (which cost twice as much). Packages
    HiGHS accepts only within its tolerances are cut off and never known (:func:`_best`). Once one
    solve has returned its optimum, the next ones stop at the first package above the floor
    (``mip_max_improving_sols`` 1): any package not yet known will do, and only the last, infeasible
    solve is the proof. More than ``limit`` packages in the window: status many (the optimum value is
    proven)."""
    mip, t = _maxmin_model(cs, run, span, None)
    known: list[tuple[IntArray, Fraction]] = []
    best: Fraction | None = None
    exact_tau = Fraction(tau)

    def admit(c: IntArray) -> int:
        nonlocal best
        s = score(c)
        known.append((c, s))
        mip.forbid(c)
        if best is None or s > best:
            best = s
            mip.h.changeColBounds(t, float(best) - tau, mip.inf)
        return sum(1 for _, v in known if v >= best - exact_tau)

    def window() -> list[IntArray]:
        assert best is not None
        return [c for c, v in known if v >= best - exact_tau]

    proof_bound = None  # the perturbed proof's dual bound, when a budget stopped it
    if incumbent is not None and ex.acceptable(incumbent):
        ref, c, proof_bound = _perturbed_proof(cs, run, ex, span, score, tau, incumbent)
        if c is None:
            return Window("complete", [ref], score(ref))
        admit(ref)
        if c is not ref:
            admit(c)
    proven = False  # whether a solve has proven the best known package optimal (to HiGHS's gap)
    while True:
        status, c, _obj, bound = _best(mip, ex, None, feasibility=proven)
        if status == "infeasible":
            if best is None:
                return Window("infeasible", [], None)
            return Window("complete", window(), best)
        if c is None or status != "optimal":
            if c is not None:
                admit(c)
            return Window(
                "stopped",
                window() if best is not None else [],
                best,
                bound if bound is not None else proof_bound,
            )
        proven = True
        if admit(c) > limit:
            return Window("many", window(), best)


#: The perturbation of :func:`_perturbed_proof`, in units of τ.
PERTURBATION = 4.0
#: Nodes of the first, incumbent-improving pass of :func:`_perturbed_proof` (HiGHS's root heuristics
#: found the KS optimum of the [0, 1] seed-0 instance in 0.8 s where the search's incumbent was 7·10⁻⁴
#: below it: without it, two full proofs).
ROOT_NODES = 1


def _perturbed_proof(
    cs: CompiledScenario,
    run: Run,
    ex: ExactValues,
    span: FloatArray | None,
    score: Any,
    tau: float,
    incumbent: IntArray,
) -> tuple[IntArray, IntArray | None, float | None]:
    """Prove an acceptable incumbent x* optimal and alone within τ in one solve, with no no-good cut.

    The model of :func:`_maxmin_model` with the floor t ≥ s* − τ (s* = score(x*)) and the objective
    t + ε·Δ(x), Δ(x) = Σ_{o ∉ x*} x_o the number of moves where x differs from x* (linear: no extra row),
    ε = :data:`PERTURBATION`·τ, x* given as the incumbent, HiGHS's absolute gap τ/2. Every package x ≠ x*
    with score ≥ s* − τ has objective ≥ s* − τ + ε; so if HiGHS's dual bound B (an upper bound on every
    package's objective) is below s* − τ + ε, there is none: x* is optimal (a better package would
    qualify) and the only package within τ. Near x* the LP gains at most ε per unit of move changed, far
    less than any move's effect on the gains, so the tree is the one of a plain max–min proof from x*
    — without the region around x* that a no-good cut must branch out.

    A first pass (objective max t, no perturbation) stops after :data:`ROOT_NODES` nodes: a package
    better than x* by more than τ found by HiGHS's root heuristics becomes x*. The perturbed model is
    then solved at its root node first, then in full on the same HiGHS object (measured 2–3× fewer
    nodes than a full solve from scratch); a better package found at its root restarts from it.

    Returns (x*, None, B) when proven; else (the best package seen, a package the solve returned that is
    within τ of it or the incumbent itself when the solve stopped, B) for the no-good loop. A returned
    package better by more than τ becomes the new x* and the proof is repeated (the floor rises). B is
    HiGHS's dual bound (None when it gave none): an upper bound on max t too, since Δ ≥ 0, so when the
    budget stops the proof it still bounds the gap of x*."""
    ref = incumbent
    eps = PERTURBATION * tau
    first = True
    while True:
        s_ref = score(ref)
        mip, t = _maxmin_model(cs, run, span, float(s_ref) - tau)
        mip.abs_gap = tau / 2
        away = np.ones(cs.n_total_options)
        away[cs.global_options(ref)] = 0.0
        mip.hint(ref, {t: float(s_ref)})
        if first:  # the root node only (presolve, cuts, heuristics) of max t: often a better incumbent
            root, t_root = _maxmin_model(cs, run, span, float(s_ref) - tau)
            root.hint(ref, {t_root: float(s_ref)})
            root.node_cap, stopped = ROOT_NODES, run.node_stopped
            status, c, _obj, bound = _best(root, ex, None)
            if status == "stopped":
                run.node_stopped = stopped  # the cap, not the budget (a spent budget stops the next solve)
            first = False
            if c is not None and score(c) > s_ref + Fraction(tau):
                ref = c  # improved: the full proof from it (a second root pass measured no better)
                continue
        mip.objective_x(eps * away, {t: 1.0})
        # the root node of the perturbed model, then the full solve on the same model: HiGHS keeps what
        # the first run learnt (p4 KS of bench_realvalued: 7,500 nodes instead of 20,000 from scratch)
        mip.node_cap, stopped = ROOT_NODES, run.node_stopped
        status, c, _obj, bound = _best(mip, ex, None)
        mip.node_cap = None
        if status == "stopped":
            run.node_stopped = stopped
            if c is not None and score(c) > s_ref + Fraction(tau):
                ref = c
                continue
            mip.hint(ref, {t: float(s_ref)})
            status, c, _obj, bound = _best(mip, ex, None)
        if status == "optimal" and bound is not None and bound < float(s_ref) - tau + eps:
            return ref, None, bound
        if status != "optimal" or c is None or score(c) <= s_ref + Fraction(tau):
            return ref, (ref if c is None or np.array_equal(c, ref) else c), bound
        ref = c


def _leximin_key(gains: list[Fraction]) -> tuple[Fraction, ...]:
    return tuple(sorted(gains))


def _search(
    cs: CompiledScenario,
    run: Run,
    W: FloatArray,
    w0: FloatArray,
    tau: float,
    states: int | None = None,
) -> tuple[MaxMinSearch | None, IntArray | None, float | None]:
    """The Lagrangian enumeration (:mod:`~detente.analysis.methods.maxmin_search`) on its deterministic budget:
    (the complete result, None, L), or (None, the best package it saw — an incumbent for the MILP — or
    None, L) when it does not apply or gives up (the caller solves the MILP). L, the LP value, bounds
    max min h from above (None when the search did not run): the gap of an answer the budget stops.
    The search may use at most what is left of the question's work budget
    (:data:`SEARCH_STATE_UNITS` per node) and is charged the nodes it visited."""
    from detente.analysis.methods.maxmin_search import search_maxmin

    work = SEARCH_STATES if states is None else min(states, SEARCH_STATES)
    if run.budget is not None:
        work = min(work, math.floor(run.budget.left() / SEARCH_STATE_UNITS))
    if work <= 0:
        return None, None, None
    found = search_maxmin(cs, W, w0, tau, work=work, accept=ExactValues(cs).acceptable)
    if found is None:
        return None, None, None
    if run.budget is not None:
        run.budget.spend(found.states * SEARCH_STATE_UNITS)
    if not found.complete or found.packages.shape[0] > SEARCH_WINDOW:
        return None, (found.packages[0] if found.packages.shape[0] else None), found.bound
    return found, None, found.bound


def _tighter(a: float | None, b: float | None) -> float | None:
    """The smaller of two upper bounds, either of which may be missing."""
    return b if a is None else a if b is None else min(a, b)


def _egalitarian(cs: CompiledScenario, run: Run, started: float) -> SolveResult:
    tau = TOLERANCE * _unit(cs)
    found, hint, lagrange = _search(cs, run, cs.values, -cs.disagreement, tau)
    if found is not None:
        return _egalitarian_window(cs, run, started, found)
    method = "milp+leximin"
    ex = ExactValues(cs)
    found_w = _maxmin_window(cs, run, ex, None, lambda p: min(ex.gains(p)), tau, hint, SMALL_WINDOW)
    if found_w.best is None:
        return _no_deal(cs, "egalitarian", method, run, found_w.status, started)
    if found_w.status == "stopped":
        first = max(found_w.packages, key=lambda p: min(ex.gains(p)))
        bound = _tighter(found_w.bound, lagrange)
        return _unproven(cs, "egalitarian", method, run, first, float(found_w.best), bound, started)
    keys = [_leximin_key(ex.gains(p)) for p in found_w.packages]
    chosen = [p for p, key in zip(found_w.packages, keys, strict=True) if key == max(keys)]
    complete = found_w.status == "complete"
    notes: list[str] = []
    proven = complete
    if not complete:
        # many packages at the max-min value: the leximin stages (sums of the k smallest gains)
        staged = _leximin_stages(cs, run, ex, tau, chosen[0])
        if staged is None:
            notes.append("budget reached in the leximin stages: the tie-break is not proven")
        else:
            chosen, complete = staged
            proven = True
            if not complete:
                notes.append(f"more than {TIE_LIMIT} packages tie leximin: list capped at {TIE_LIMIT}")
    objective = float(min(ex.gains(chosen[0])))
    sorted_gains = [float(v) for v in _leximin_key(ex.gains(chosen[0]))]
    notes.append("leximin gain vector (sorted): " + ", ".join(f"{v:.12g}" for v in sorted_gains))
    return _result(
        cs,
        "egalitarian",
        method,
        run,
        optimal=proven,
        gap=0.0,
        choices=chosen,
        objective=objective,
        notes=notes,
        started=started,
    )


def _egalitarian_window(cs: CompiledScenario, run: Run, started: float, found: MaxMinSearch) -> SolveResult:
    """Egalitarian from the complete window of the Lagrangian search: the leximin-best packages,
    compared exactly (every package within τ of the max-min value is in the window)."""
    method = "milp+lagrange-search+leximin"
    ex = ExactValues(cs)
    window = [c for c in found.packages if ex.acceptable(c)]
    if not window:
        return _no_deal(cs, "egalitarian", method, run, "infeasible", started)
    keys = [_leximin_key(ex.gains(c)) for c in window]
    top = max(keys)
    chosen = [c for c, key in zip(window, keys, strict=True) if key == top]
    notes: list[str] = []
    if len(chosen) > TIE_LIMIT:
        chosen = chosen[:TIE_LIMIT]
        notes.append(f"more than {TIE_LIMIT} packages tie leximin: list capped at {TIE_LIMIT}")
    notes.append(f"{len(window)} package(s) within τ of the max-min value, ranked leximin exactly")
    notes.append("leximin gain vector (sorted): " + ", ".join(f"{float(v):.12g}" for v in top))
    return _result(
        cs,
        "egalitarian",
        method,
        run,
        optimal=True,
        gap=0.0,
        choices=chosen,
        objective=float(top[0]),
        notes=notes,
        started=started,
    )


def _ordered_sums(mip: PackageMip, cs: CompiledScenario, k: int) -> dict[int, float]:
    """Columns of S_k = k·r − Σ_i e_i with e_i ≥ r − g_i, e_i ≥ 0 (Ogryczak): max S_k is the largest sum
    of the k smallest gains. Returns S_k as {column: coefficient}."""
    r = mip.add_col(-mip.inf, mip.inf)
    expr = {r: float(k)}
    for i in range(cs.n_parties):
        e = mip.add_col(0.0, mip.inf)
        mip.gain_row(i, 0.0, {e: 1.0, r: -1.0})  # g_i + e_i − r ≥ 0
        expr[e] = -1.0
    return expr


def _leximin_stages(
    cs: CompiledScenario, run: Run, ex: ExactValues, tau: float, first: IntArray
) -> tuple[list[IntArray], bool] | None:
    """Leximin by stages: stage k maximises S_k with S_1..S_{k−1} held within τ of their optima; the
    last stage's window (every S_k ≥ S_k* − τ) is then listed and ranked exactly. None on a budget stop.

    ``first`` is a max–min optimum (exact), so S_1* = its smallest gain needs no solve; each stage starts
    from the previous stage's optimum (an incumbent that meets every earlier level, with its ordered-sum
    columns r_j = the j-th smallest gain, e_ij = max(0, r_j − g_i))."""
    best = first
    levels: list[float] = [float(min(ex.gains(first)))]
    P = cs.n_parties

    def hint(mip: PackageMip, exprs: list[dict[int, float]], c: IntArray) -> None:
        g = [float(v) for v in ex.gains(c)]
        ordered = sorted(g)
        extra: dict[int, float] = {}
        for j, expr in enumerate(exprs, start=1):
            cols = list(expr)  # r, then e_i in party order (_ordered_sums)
            extra[cols[0]] = ordered[j - 1]
            for i in range(P):
                extra[cols[1 + i]] = max(0.0, ordered[j - 1] - g[i])
        mip.hint(c, extra)

    for k in range(2, P + 1):
        mip = PackageMip(cs, run)
        exprs = []
        for j, v in enumerate(levels, start=1):
            exprs.append(_ordered_sums(mip, cs, j))
            mip.add_row(np.zeros(cs.n_total_options), v - tau, mip.inf, exprs[-1])
        target = _ordered_sums(mip, cs, k)
        mip.objective(target)
        hint(mip, [*exprs, target], best)
        status, c, obj, _b = _best(mip, ex, None)
        if status != "optimal" or c is None or obj is None:
            return None
        levels.append(obj)
        best = c

    def make() -> PackageMip:
        m = PackageMip(cs, run)
        for j, v in enumerate(levels, start=1):
            m.add_row(np.zeros(cs.n_total_options), v - tau, m.inf, _ordered_sums(m, cs, j))
        return m

    free = _null_ties(cs, ex, best, TIE_LIMIT + 1)
    if len(free) > TIE_LIMIT:  # more exact ties than listed: no solve needed to say so
        return free[:TIE_LIMIT], False
    return _ties(cs, make, best, lambda p: _leximin_key(ex.gains(p)), run, TIE_LIMIT)


def _null_ties(cs: CompiledScenario, ex: ExactValues, c: IntArray, limit: int) -> list[IntArray]:
    """Up to ``limit`` acceptable packages (``c`` first) that differ from ``c`` only at *null moves* —
    moves whose options have identical values for every party — so their gains equal c's exactly
    (acceptability is checked exactly: rules may forbid some). At most 10·``limit`` are tried."""
    null = [
        k
        for k in range(cs.n_moves)
        if cs.n_options[k] > 1
        and np.all(cs.values[cs.offsets[k] : cs.offsets[k + 1]] == cs.values[cs.offsets[k]])
    ]
    out: list[IntArray] = []
    for tried, combo in enumerate(itertools.product(*(range(int(cs.n_options[k])) for k in null))):
        if len(out) >= limit or tried >= 10 * limit:
            break
        p = c.copy()
        # the combination is applied as a shift of c's own choice, so the first one is c itself
        for k, j in zip(null, combo, strict=True):
            p[k] = (int(c[k]) + j) % int(cs.n_options[k])
        if ex.acceptable(p):
            out.append(p)
    return out


def ideal_point(cs: CompiledScenario, run: Run) -> tuple[list[Fraction] | None, bool]:
    """ideal_i = max u_i over the acceptable packages, exactly (one MILP per party); (None, proven) when
    nothing is acceptable. Inside a command a proven ideal point is computed once (KS and the KS
    options of one command share it: :func:`detente.analysis.budget.recall`)."""
    from detente.analysis.budget import recall, remember

    known: tuple[list[Fraction] | None, bool] | None = recall(("ideal-point", "milp"), cs)
    if known is not None:
        return known
    found = _ideal_point(cs, run)
    if found[1]:
        remember(("ideal-point", "milp"), cs, found)
    return found


def _ideal_point(cs: CompiledScenario, run: Run) -> tuple[list[Fraction] | None, bool]:
    ex = ExactValues(cs)
    ideal: list[Fraction] = []
    proven = True
    tau = TOLERANCE * _unit(cs)
    for i in range(cs.n_parties):
        # each move at its best option for party i: Σ_k max_o V[o, i] bounds u_i from above (exactly:
        # the floats' order is their exact values' order), so when that package is acceptable it is
        # the ideal value, with no search at all
        top = np.asarray(
            [int(np.argmax(cs.values[cs.offsets[k] : cs.offsets[k + 1], i])) for k in range(cs.n_moves)],
            dtype=np.int64,
        )
        if ex.acceptable(top):
            ideal.append(ex.utilities(top)[i])
            continue
        found, hint, _ = _search(cs, run, cs.values[:, i : i + 1], np.zeros(1), tau, IDEAL_SEARCH_STATES)
        if found is not None:
            tops = [ex.utilities(c)[i] for c in found.packages if ex.acceptable(c)]
            if not tops:
                return None, True
            ideal.append(max(tops))
            continue
        mip = PackageMip(cs, run)
        mip.objective_x(cs.values[:, i])
        if hint is not None:
            mip.hint(hint)
        status, c, _obj, bound = _best(mip, ex, None)
        if c is None:
            return None, status == "infeasible"
        value = ex.utilities(c)[i]
        if status != "optimal":
            proven = False
            value = max(value, Fraction(bound if bound is not None else float(value)))
        ideal.append(value)
    return ideal, proven


def _ks(cs: CompiledScenario, run: Run, started: float) -> SolveResult:
    method = "milp+exact-ratio"
    ex = ExactValues(cs)
    ideal, proven = ideal_point(cs, run)
    if ideal is None:
        return _no_deal(cs, "ks", method, run, "infeasible" if proven else "stopped", started)
    tau = Fraction(TOLERANCE) * Fraction(_unit(cs))
    span = [ideal[i] - ex.disagreement[i] for i in range(cs.n_parties)]
    parties = [i for i in range(cs.n_parties) if span[i] > tau]
    notes: list[str] = []
    if not parties:
        notes.append("no party can gain over its disagreement point: every package ties")
        return _result(
            cs,
            "ks",
            method,
            run,
            optimal=False,
            gap=None,
            choices=[],
            objective=1.0,
            notes=[*notes, "use method='enumeration' or 'cp-sat' to list every package"],
            started=started,
        )
    left_out = [cs.party_names[i] for i in range(cs.n_parties) if i not in parties]
    if left_out:
        notes.append("left out of the ratio (ideal ≤ disagreement point): " + ", ".join(left_out))

    def ratio(p: IntArray) -> Fraction:
        g = ex.gains(p)
        return min(g[i] / span[i] for i in parties)

    fspan = np.asarray([float(s) if i in parties else 0.0 for i, s in enumerate(span)])
    hint: IntArray | None = None
    lagrange: float | None = None
    if proven:
        sel = np.asarray(parties, dtype=np.int64)
        rel = TOLERANCE * _unit(cs) / float(max(span[i] for i in parties))
        found, hint, lagrange = _search(
            cs, run, cs.values[:, sel] / fspan[sel], -cs.disagreement[sel] / fspan[sel], rel
        )
        if found is not None:
            window = [c for c in found.packages if ex.acceptable(c)]
            if window:
                ratios = [ratio(c) for c in window]
                rho = max(ratios)
                ties = [c for c, r in zip(window, ratios, strict=True) if r == rho]
                notes.append(
                    "ideal point: "
                    + ", ".join(f"{cs.party_ids[i]} {float(ideal[i]):.12g}" for i in range(cs.n_parties))
                )
                notes.append(f"{len(window)} package(s) within τ of the max-min ratio, compared exactly")
                if len(ties) > TIE_LIMIT:
                    ties = ties[:TIE_LIMIT]
                    notes.append(CAPPED)
                return _result(
                    cs,
                    "ks",
                    "milp+lagrange-search+exact-ratio",
                    run,
                    optimal=True,
                    gap=0.0,
                    choices=ties,
                    objective=float(rho),
                    notes=notes,
                    started=started,
                )
    rel = TOLERANCE * _unit(cs) / float(max(span[i] for i in parties))
    found_w = _maxmin_window(cs, run, ex, fspan, ratio, rel, hint, TIE_LIMIT)
    if found_w.best is None:
        return _no_deal(cs, "ks", method, run, found_w.status, started)
    if found_w.status == "stopped" or not proven:
        first = max(found_w.packages, key=ratio)
        bound = _tighter(found_w.bound, lagrange)
        gap = None if bound is None else max(0.0, bound - float(found_w.best))
        return _result(
            cs,
            "ks",
            method,
            run,
            optimal=False,
            gap=gap,
            choices=[first],
            objective=float(found_w.best),
            notes=notes,
            started=started,
        )
    ties = [p for p in found_w.packages if ratio(p) == found_w.best][:TIE_LIMIT]
    complete = found_w.status == "complete"
    rho = ratio(ties[0])
    notes.append(
        "ideal point: " + ", ".join(f"{cs.party_ids[i]} {float(ideal[i]):.12g}" for i in range(cs.n_parties))
    )
    if not complete:
        notes.append(CAPPED)
    return _result(
        cs,
        "ks",
        method,
        run,
        optimal=complete or not (run.node_stopped or run.wall_stopped),
        gap=0.0,
        choices=ties,
        objective=float(rho),
        notes=notes,
        started=started,
    )


_QUESTIONS = {"welfare": _welfare, "egalitarian": _egalitarian, "ks": _ks}


def solve_milp(cs: CompiledScenario, concept: str, *, time_limit: float = 30.0) -> SolveResult:
    """``concept`` ∈ welfare, egalitarian, ks by HiGHS (module docstring); ``time_limit`` work units."""
    from detente.analysis.budget import Budget

    if concept not in _QUESTIONS:
        choices = ", ".join(c for c in CONCEPTS if c in _QUESTIONS)
        raise DetenteError(f"the MILP method answers {choices}, not '{concept}': use method='cp-sat'")
    import highspy  # noqa: F401  (imported before the safety clock starts)

    started = time.perf_counter()
    budget = Budget.of(time_limit)  # inside a command: a share of the command's budget and its safety stop
    run = Run(
        nodes=max(1, math.floor(NODES_PER_UNIT * budget.left())), deadline=budget.deadline, budget=budget
    )
    return _QUESTIONS[concept](cs, run, started)
