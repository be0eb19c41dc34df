"""Exact bargaining solutions on large package spaces with CP-SAT.

Notation: a package p picks one option per move; u_i(p) is party i's additive utility, r_i its
reservation value, d_i its disagreement point (``cs.disagreement``), g_i(p) = u_i(p) − d_i its gain.
Only **acceptable** packages count (every constraint holds and u_i ≥ r_i). The concepts:

* **welfare** — max Σ_i u_i.
* **egalitarian** — max min_i g_i, ties broken **leximin** (the sorted gain vector is maximised
  lexicographically). Stage k maximises S_k, the sum of the k smallest gains, with S_1..S_{k−1} fixed at
  their optima; lexicographic maximisation of (S_1, …, S_P) is exactly leximin (Ogryczak & Śliwiński).
  S_k is linear: a variable bounded by every k-subset sum of gains when there are few subsets (measured
  ~2× faster), else k·r − Σ_i max(0, r − g_i) with auxiliaries (ordered sums). P CP-SAT solves; the last
  one (S_P = Σ g_i) also lists the ties.
* **ks** (Kalai–Smorodinsky) — ideal_i = max u_i over acceptable packages (P solves); then
  max min_i g_i / R_i with R_i = ideal_i − d_i, over parties with R_i > 0 (parties that cannot gain are
  left out, with a note; if none can gain every acceptable package ties at 1). Exact fractions: a scaled solve (max t with t·R_i ≤ K·g_i, K = 10^4) finds a
  near-optimal package with exact ratio a/b; then every package with ratio ≥ a/b — the integer bounds
  g_i ≥ ⌈a·R_i/b⌉ — is listed; a strictly better one restarts the list with its ratio, and CP-SAT's
  proof that no further package exists proves both optimality and the tie list.
* **nash** — max Π_{i∈S} g_i over acceptable packages with g_i > 0 for i ∈ S and g_i ≥ 0 for all i, where
  S is every party when some package gives all a strict gain, else the parties that can gain at all
  (ideal_i > d_i; the others are left out, with a note; if none can gain every package with g ≥ 0 ties
  with objective 1) — the definition of :mod:`detente.analysis.concepts`. Exact method, an outer
  approximation of the logarithm with certification:

  1. z_i ≤ C·ln g_i is relaxed to z_i ≤ every tangent of C·ln at points a of a geometric grid over party
     i's gain range (integer form a·z_i − C·g_i ≤ ⌈C·a·(ln a − 1)⌉ + 1, a valid over-estimate since ln is
     concave), C = 10^6. Maximising Σ z_i is a linear CP-SAT model.
  2. Each solution q is evaluated **exactly** (integer gains, Python integer product N(q)); a tangent at
     each g_i(q) is added (Kelley's cutting planes), the gain vector g(q) is forbidden (no-good) and, once
     a best product N* is known, Σ z_i ≥ T = ⌊C·ln N* − P − 10^-3⌋ is imposed.
  3. Any package with N ≥ N* has Σ_i ⌊C·ln g_i⌋ ≥ C·ln N* − P ≥ T, so it satisfies the relaxation. When
     CP-SAT proves the relaxation infeasible, every package that could match or beat N* has been visited
     and evaluated exactly: N* is proven optimal and the tied gain vectors are exactly those visited with
     product N*. The gap on timeout is exp((bound + P)/C) − N*, in the scaled units, converted back.

Values are floats scaled to integers by :func:`~detente.analysis.methods.cpsat_model.integer_scale` (over
values, reservation and disagreement values). When the scale is exact every comparison above is exact
integer arithmetic. When values had to be rounded (more than 6 decimals), the answer is optimal for the
rounded model only: ``optimal`` is False, with a note and, for welfare and egalitarian, a gap bound.

Ties are exact (equal integer sums, sorted vectors, fractions, products in the scaled model), where
:mod:`detente.analysis.concepts` compares floats with a 10^-9 tolerance; both agree unless two distinct
values are within that tolerance. Every tied package is returned (up to ``tie_limit``; the notes say when the list was capped).

**Determinism.** Every solve uses :func:`~detente.analysis.methods.cpsat_model.new_solver`: one worker, a fixed
seed and a *deterministic* work limit (:class:`Budget`, CP-SAT's ``max_deterministic_time``), so the same
input gives the same answer on an idle and on a busy machine. A wall-clock safety stop remains; when it
fires the answer is marked not optimal and a note says so (:data:`WALL_STOP_NOTE`).
"""

from __future__ import annotations

import decimal
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.budget import WALL_STOP_NOTE, Budget
from detente.analysis.methods.cpsat_model import (
    ScaledModel,
    forbid_vector,
    has_solution,
    scaled_model,
    solve,
)
from detente.analysis.results import CONCEPTS, Package, SolveResult
from detente.errors import DetenteError
from detente.model.compiled import IntArray

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from detente.model.compiled import CompiledScenario


#: Scale of the logarithm in the Nash outer approximation (z_i ≈ C·ln g_i).
NASH_LOG_SCALE = 1_000_000
#: Largest scaled gain of the Nash model: a tangent a·z_i − C·g_i with a ≤ 10^11 and
#: z_i ≤ C·ln(10^11) stays below 2^63.
NASH_MAGNITUDE = 1e11
#: Most decimals of a party weight (the exponent of the weighted Nash product).
WEIGHT_DECIMALS = 3
#: Ratio between successive tangent points of the initial grid (overestimate ≤ C·(ln ρ)²/8 per party).
NASH_GRID_RATIO = 1.02
#: Scale of the ratio in the first Kalai–Smorodinsky solve.
KS_RATIO_SCALE = 10_000
#: Leximin stage k uses explicit k-subset sums when there are at most this many subsets, else ordered sums.
LEXIMIN_SUBSETS = 200
STOPPED = "stopped"
TIMEOUT_TIES = "work limit reached while listing tied packages"
TIMEOUT_OPTIMUM = "work limit reached before the optimum was proven"


def list_pinned_packages(
    cs: CompiledScenario,
    pin: Callable[[ScaledModel], tuple[Any, int | None] | None],
    known: Sequence[IntArray],
    budget: Budget,
    limit: int,
    stop: Callable[[IntArray], bool] | None = None,
) -> tuple[list[IntArray], str | None]:
    """Every acceptable package satisfying ``pin``, found by repeated solves with a no-good cut per
    package found, starting from the ``known`` ones.

    ``pin`` adds constraints to a fresh model; it may return ``(expr, target)``: the tied packages are
    then those with ``expr ≥ target`` and each solve maximises ``expr`` (its LP bound proves the end of
    the list much faster than a pure feasibility search). A None target is the optimum of the first solve
    (then ``known`` should be empty: this optimises and lists the ties in one go). Returns the packages
    (at most ``limit``) and None when the list is complete, else why it is not (``STOPPED`` when
    ``stop`` returned True for the last package found).
    """
    from ortools.sat.python import cp_model

    sm = scaled_model(cs)
    goal = pin(sm)
    target = None if goal is None else goal[1]
    if goal is not None:
        sm.model.maximize(goal[0])
    found = [np.asarray(c, dtype=np.int64) for c in known][:limit]
    for c in found:
        sm.pm.forbid(c)
    while True:
        if budget.expired:
            return found, TIMEOUT_TIES
        status, solver = solve(sm, budget)
        if status == cp_model.INFEASIBLE:
            return found, None
        if goal is not None and target is None:
            if status != cp_model.OPTIMAL:
                return [sm.pm.choices(solver)] if has_solution(status) else [], TIMEOUT_OPTIMUM
            target = round(solver.objective_value)
        if target is not None and status == cp_model.OPTIMAL and round(solver.objective_value) < target:
            return found, None
        if not has_solution(status) or (target is not None and round(solver.objective_value) < target):
            return found, TIMEOUT_TIES
        if len(found) >= limit:
            return found, f"more than {limit} tied packages: list capped at {limit}"
        c = sm.pm.choices(solver)
        found.append(c)
        if stop is not None and stop(c):
            return found, STOPPED
        sm.pm.forbid(c)


def _packages(cs: CompiledScenario, choices: Sequence[IntArray]) -> list[Package]:
    uniq = sorted({tuple(int(v) for v in c) for c in choices})
    return [Package(np.asarray(c, dtype=np.int64), cs.utilities(np.asarray(c, dtype=np.int64))) for c in uniq]


def _result(
    cs: CompiledScenario,
    concept: str,
    method: str,
    *,
    optimal: bool,
    gap: float | None,
    choices: Sequence[IntArray],
    objective: float | None,
    notes: list[str],
    started: float,
) -> SolveResult:
    return SolveResult(
        concept=concept,
        method=method,
        optimal=optimal,
        gap=None if optimal else gap,
        packages=_packages(cs, choices),
        objective=objective,
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def _none_acceptable(
    cs: CompiledScenario, concept: str, method: str, status: int, started: float
) -> SolveResult:
    from ortools.sat.python import cp_model

    if status == cp_model.INFEASIBLE:
        notes = ["no acceptable package: see `diagnose` for the smallest relaxation that opens a zone"]
        return _result(
            cs,
            concept,
            method,
            optimal=True,
            gap=None,
            choices=[],
            objective=None,
            notes=notes,
            started=started,
        )
    notes = ["work limit reached before any acceptable package was found"]
    return _result(
        cs, concept, method, optimal=False, gap=None, choices=[], objective=None, notes=notes, started=started
    )


def _rounding_notes(sm: ScaledModel) -> list[str]:
    if sm.exact:
        return []
    return [
        f"values were rounded to 1/{sm.scale} for CP-SAT: the result is optimal for the rounded values; "
        f"per-party rounding error ≤ {float(sm.pm.rounding_error.max()):.3g}"
    ]


def _tie_notes(reason: str | None) -> list[str]:
    return [reason] if reason else []


# ----- welfare ------------------------------------------------------------------------------------------


def _welfare(cs: CompiledScenario, budget: Budget, tie_limit: int, started: float) -> SolveResult:
    method = "cp-sat"
    sm = scaled_model(cs)
    sm.model.maximize(sum(sm.pm.u))
    status, solver = solve(sm, budget)
    if not has_solution(status):
        return _none_acceptable(cs, "welfare", method, status, started)
    from ortools.sat.python import cp_model

    best = sm.pm.choices(solver)
    value = round(solver.objective_value)
    notes = _rounding_notes(sm)
    err = 2 * float(sm.pm.rounding_error.sum())
    if status != cp_model.OPTIMAL:
        gap = (solver.best_objective_bound - value) / sm.scale + err
        return _result(
            cs,
            "welfare",
            method,
            optimal=False,
            gap=gap,
            choices=[best],
            objective=float(cs.utilities(best).sum()),
            notes=notes + ["work limit reached"],
            started=started,
        )

    def pin(s: ScaledModel) -> tuple[Any, int]:
        return sum(s.pm.u), value

    ties, why = list_pinned_packages(cs, pin, [best], budget, tie_limit)
    return _result(
        cs,
        "welfare",
        method,
        optimal=sm.exact,
        gap=err,
        choices=ties,
        objective=float(cs.utilities(best).sum()),
        notes=notes + _tie_notes(why),
        started=started,
    )


# ----- egalitarian (leximin) ----------------------------------------------------------------------------


def add_ordered_sums(sm: ScaledModel, *, max_subsets: int = 0) -> list[Any]:
    """Linear expressions S_k ≤ sum of the k smallest gains (k = 1..P), tight at the optimum.

    With at most ``max_subsets`` k-subsets of parties, S_k is a variable bounded by the sum of every
    k-subset of gains (the minimum subset sum *is* the sum of the k smallest). Otherwise (Ogryczak's
    ordered sums) S_k = k·r_k − Σ_i e_ik with e_ik ≥ r_k − g_i, e_ik ≥ 0: the maximum over (r_k, e) is
    the sum of the k smallest g_i. Either way ``S_k ≥ v`` holds for some auxiliaries iff the k smallest
    gains sum to at least v. S_P is Σ_i g_i itself.
    """
    gains = sm.gains()
    lo, hi = int(sm.gain_lo.min()), int(sm.gain_hi.max())
    span = hi - lo
    P = len(gains)
    sums: list[Any] = []
    for k in range(1, P + 1):
        if k == P:
            sums.append(sum(gains))
        elif math.comb(P, k) <= max_subsets:
            s_k = sm.model.new_int_var(k * lo, k * hi, f"S{k}")
            for subset in itertools.combinations(gains, k):
                sm.model.add(s_k <= sum(subset))
            sums.append(s_k)
        else:
            r = sm.model.new_int_var(lo, hi, f"r{k}")
            excess = []
            for i, g in enumerate(gains):
                e = sm.model.new_int_var(0, span, f"e{k}_{i}")
                sm.model.add(e >= r - g)
                excess.append(e)
            sums.append(k * r - sum(excess))
    return sums


def _egalitarian(cs: CompiledScenario, budget: Budget, tie_limit: int, started: float) -> SolveResult:
    from ortools.sat.python import cp_model

    method = "cp-sat+leximin"
    sm = scaled_model(cs)
    sums = add_ordered_sums(sm, max_subsets=LEXIMIN_SUBSETS)
    notes = _rounding_notes(sm)
    levels: list[int] = []
    best: IntArray | None = None
    for k, s_k in enumerate(sums[:-1]):
        sm.model.clear_objective()
        sm.model.maximize(s_k)
        if best is not None:
            sm.model.clear_hints()
            for row, j in zip(sm.pm.x, best, strict=True):
                for jj, var in enumerate(row):
                    sm.model.add_hint(var, jj == int(j))
        status, solver = solve(sm, budget)
        if not has_solution(status):
            if k == 0:
                return _none_acceptable(cs, "egalitarian", method, status, started)
            break
        best = sm.pm.choices(solver)
        if status != cp_model.OPTIMAL:
            if k == 0:
                gap = (solver.best_objective_bound - solver.objective_value) / sm.scale
                g = cs.utilities(best) - cs.disagreement
                return _result(
                    cs,
                    "egalitarian",
                    method,
                    optimal=False,
                    gap=gap,
                    choices=[best],
                    objective=float(g.min()),
                    notes=notes + [TIMEOUT_OPTIMUM],
                    started=started,
                )
            notes.append(f"work limit reached at leximin stage {k + 1}: max-min is proven, tie-break is not")
            break
        levels.append(round(solver.objective_value))
        sm.model.add(s_k >= levels[-1])
        if k == 0:  # implied and LP-tightening: every gain is at least the max-min value
            for g in sm.gains():
                sm.model.add(g >= levels[0])
    if len(levels) < len(sums) - 1:
        assert best is not None
        objective = float((cs.utilities(best) - cs.disagreement).min())
        return _result(
            cs,
            "egalitarian",
            method,
            optimal=False,
            gap=0.0,
            choices=[best],
            objective=objective,
            notes=notes,
            started=started,
        )

    # last stage (S_P = Σ gains) and the listing of ties in one go
    def pin(s: ScaledModel) -> tuple[Any, None]:
        sums = add_ordered_sums(s, max_subsets=LEXIMIN_SUBSETS)
        for s_k, v in zip(sums[:-1], levels, strict=True):
            s.model.add(s_k >= v)
        for g in s.gains() if levels else []:
            s.model.add(g >= levels[0])
        return sums[-1], None

    ties, why = list_pinned_packages(cs, pin, [], budget, tie_limit)
    if not ties:
        return _none_acceptable(
            cs, "egalitarian", method, int(cp_model.UNKNOWN if why else cp_model.INFEASIBLE), started
        )
    gains = sm.int_gains(ties[0])
    objective = float((cs.utilities(ties[0]) - cs.disagreement).min())
    if why == TIMEOUT_OPTIMUM:
        return _result(
            cs,
            "egalitarian",
            method,
            optimal=False,
            gap=0.0,
            choices=ties,
            objective=objective,
            notes=notes + ["work limit reached at the last leximin stage: max-min is proven"],
            started=started,
        )
    sorted_gains = np.sort(gains) / sm.scale
    notes.append("leximin gain vector (sorted): " + ", ".join(f"{v:g}" for v in sorted_gains))
    return _result(
        cs,
        "egalitarian",
        method,
        optimal=sm.exact,
        gap=2 * float(sm.pm.rounding_error.max()),
        choices=ties,
        objective=objective,
        notes=notes + _tie_notes(why),
        started=started,
    )


# ----- Kalai–Smorodinsky --------------------------------------------------------------------------------


def ideal_point(cs: CompiledScenario, budget: Budget) -> tuple[IntArray | None, bool, ScaledModel]:
    """Scaled ideal point (max u_i over acceptable packages, one solve per party) and whether all of
    it is proven; None when no package is acceptable."""
    from ortools.sat.python import cp_model

    sm = scaled_model(cs)
    ideal = np.zeros(cs.n_parties, dtype=np.int64)
    proven = True
    for i in range(cs.n_parties):
        sm.model.clear_objective()
        sm.model.maximize(sm.pm.u[i])
        status, solver = solve(sm, budget)
        if not has_solution(status):
            return None, status == cp_model.INFEASIBLE, sm
        proven &= status == cp_model.OPTIMAL
        ideal[i] = (
            round(solver.best_objective_bound)
            if status != cp_model.OPTIMAL
            else round(solver.objective_value)
        )
    return ideal, proven, sm


def _ks(cs: CompiledScenario, budget: Budget, tie_limit: int, started: float) -> SolveResult:
    from ortools.sat.python import cp_model

    method = "cp-sat+exact-ratio"
    ideal, proven, sm0 = ideal_point(cs, budget)
    if ideal is None:
        return _none_acceptable(
            cs, "ks", method, int(cp_model.INFEASIBLE if proven else cp_model.UNKNOWN), started
        )
    notes = _rounding_notes(sm0)
    span = ideal - sm0.int_disagreement
    parties = [i for i in range(cs.n_parties) if span[i] > 0]
    left_out = [cs.party_names[i] for i in range(cs.n_parties) if span[i] <= 0]
    if left_out:
        notes.append("left out of the ratio (ideal ≤ disagreement point): " + ", ".join(left_out))
    if not proven:
        notes.append("work limit reached while computing the ideal point")

    def ratio(choices: IntArray) -> Fraction:
        g = sm0.int_gains(choices)
        return min(Fraction(int(g[i]), int(span[i])) for i in parties)

    # 1. scaled max-min ratio: t·R_i ≤ K·g_i
    sm = scaled_model(cs)
    gains = sm.gains()
    if not parties:  # every ratio is 0/0: as in detente.analysis.concepts, every package ties at 1
        every, why_all = list_pinned_packages(cs, lambda s: None, [], budget, tie_limit)
        notes.append("no party can gain over its disagreement point: every package ties")
        return _result(
            cs,
            "ks",
            method,
            optimal=proven and sm0.exact and why_all != TIMEOUT_TIES,
            gap=None,
            choices=every,
            objective=1.0,
            notes=notes + _tie_notes(why_all),
            started=started,
        )
    t_lo = min(math.floor(KS_RATIO_SCALE * int(sm.gain_lo[i]) / int(span[i])) for i in parties) - 1
    t = sm.model.new_int_var(t_lo, KS_RATIO_SCALE + 1, "t")
    for i in parties:
        sm.model.add(t * int(span[i]) <= KS_RATIO_SCALE * gains[i])
    sm.model.maximize(t)
    status, solver = solve(sm, budget)
    if not has_solution(status):
        return _none_acceptable(cs, "ks", method, status, started)
    best = sm.pm.choices(solver)
    rho = ratio(best)
    # 2. list every package with ratio ≥ a/b; a strictly better one restarts the list
    while True:
        num, den = rho.numerator, rho.denominator

        def pin(s: ScaledModel, num: int = num, den: int = den) -> tuple[Any, int]:
            g = s.gains()
            for i in parties:  # g_i / R_i ≥ num / den  ⇔  g_i ≥ ⌈num·R_i / den⌉ (integers)
                s.model.add(g[i] >= -(-num * int(span[i]) // den))
            # the objective only steers the search (LP-guided search proves "no more" much faster)
            return sum(g), int(s.gain_lo.sum())

        def better(c: IntArray, rho: Fraction = rho) -> bool:
            return ratio(c) > rho

        found, why = list_pinned_packages(cs, pin, [best], budget, tie_limit, stop=better)
        if why == STOPPED:
            best, rho = found[-1], ratio(found[-1])
            continue
        if why is not None and "capped" in why:
            # the list was capped: prove separately that no package beats a/b
            sm = scaled_model(cs)
            gains = sm.gains()
            for i in parties:  # g_i / R_i > num / den  ⇔  g_i ≥ ⌊num·R_i / den⌋ + 1
                sm.model.add(gains[i] >= num * int(span[i]) // den + 1)
            status, solver = solve(sm, budget)
            if has_solution(status):
                best = sm.pm.choices(solver)
                rho = ratio(best)
                continue
            if status != cp_model.INFEASIBLE:
                why = "work limit reached before the ratio was proven optimal"
                proven = False
        elif why is not None:
            proven = False
        ties = [c for c in found if ratio(c) == rho]
        break

    ideal_f = ideal / sm0.scale
    notes.append(
        "ideal point: " + ", ".join(f"{cs.party_ids[i]} {ideal_f[i]:g}" for i in range(cs.n_parties))
    )
    return _result(
        cs,
        "ks",
        method,
        optimal=proven and sm0.exact,
        gap=None,
        choices=ties,
        objective=float(rho),
        notes=notes + _tie_notes(why),
        started=started,
    )


# ----- Nash ---------------------------------------------------------------------------------------------


def tangent_constant(a: int) -> int:
    """⌈C·a·(ln a − 1)⌉ + 1, computed with 50 significant digits (:mod:`decimal`), so the +1 safety
    margin survives constants far above 2^53 where a float would round by more than 1."""
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        exact = decimal.Decimal(NASH_LOG_SCALE) * a * (decimal.Decimal(a).ln() - 1)
        return int(exact.to_integral_value(rounding=decimal.ROUND_CEILING)) + 1


def _tangent(model: cp_model.CpModel, z: Any, g: Any, a: int) -> None:
    """z ≤ C·ln a + C·(g − a)/a, in integers: a·z − C·g ≤ ⌈C·a·(ln a − 1)⌉ + 1 (an over-estimate)."""
    model.add(a * z - NASH_LOG_SCALE * g <= tangent_constant(a))


def _grid(lo: int, hi: int, ratio: float) -> list[int]:
    points = [lo]
    while points[-1] < hi:
        points.append(min(hi, max(points[-1] + 1, math.floor(points[-1] * ratio))))
    return points


def log_envelope(model: cp_model.CpModel, gain: Any, lo: int, hi: int, name: str) -> Any:
    """The one CP-SAT encoding of C·ln g (C = :data:`NASH_LOG_SCALE`) for an integer gain expression
    ``gain`` with bounds [lo, hi]: imposes g ≥ max(1, lo) and returns an integer z bounded by the
    tangents of C·ln at a geometric grid (ratio :data:`NASH_GRID_RATIO`) over [max(1, lo), max(1, hi)],
    each rounded up (:func:`tangent_constant`), so z ≥ ⌊C·ln g⌋ is always reachable and z never
    exceeds C·ln g by more than C·(ln ρ)²/8 + 1. Gains must stay below :data:`NASH_MAGNITUDE` (build
    the model with ``scaled_model(cs, magnitude=NASH_MAGNITUDE)``) so a·z fits 64-bit integers."""
    lo, hi = max(1, int(lo)), max(1, int(hi))
    model.add(gain >= lo)
    z = model.new_int_var(0, math.ceil(NASH_LOG_SCALE * math.log(hi)) + 2, name)
    for a in _grid(lo, hi, NASH_GRID_RATIO):
        _tangent(model, z, gain, a)
    return z


@dataclass
class NashSearch:
    """Outcome of the certified tangent search over the parties ``S`` (see module docstring)."""

    best: int | None
    visited: dict[tuple[int, ...], IntArray]
    proven: bool
    bound: float | None


def nash_exponents(cs: CompiledScenario) -> tuple[IntArray, int]:
    """The parties' ``weight`` w_i as integer exponents W_i = den · w_i (exact for decimal weights):
    Π g_i^{w_i} and Π g_i^{W_i} have the same maximisers and ties. Raises for weights with more than
    :data:`WEIGHT_DECIMALS` decimals (exact certification needs small integer exponents)."""
    fr = [Fraction(repr(float(w))) for w in cs.weight]
    den = math.lcm(*(f.denominator for f in fr)) if fr else 1
    if den > 10**WEIGHT_DECIMALS:
        raise DetenteError(
            f"party weights {', '.join(f'{float(w):g}' for w in cs.weight)} have more than {WEIGHT_DECIMALS} "
            "decimals: round them for the exact Nash solution"
        )
    g = math.gcd(den, *(int(f * den) for f in fr))
    return np.asarray([int(f * den) // g for f in fr], dtype=np.int64), den // g


def _nash_model(cs: CompiledScenario, S: list[int]) -> tuple[ScaledModel, list[Any], list[Any]]:
    """Acceptable packages with g_i ≥ 1 (scaled units) for i ∈ S and g_i ≥ 0 for the others; returns the
    model, the gains of S and their log variables z_i (with the initial tangent grid)."""
    sm = scaled_model(cs, magnitude=NASH_MAGNITUDE)
    gains = sm.gains()
    for i, g in enumerate(gains):
        if i not in S:
            sm.model.add(g >= 0)
    zs = [log_envelope(sm.model, gains[i], int(sm.gain_lo[i]), int(sm.gain_hi[i]), f"z{i}") for i in S]
    W = nash_exponents(cs)[0]
    sm.model.maximize(sum(int(W[i]) * z for i, z in zip(S, zs, strict=True)))
    return sm, [gains[i] for i in S], zs


def _nash_search(cs: CompiledScenario, S: list[int], budget: Budget) -> tuple[NashSearch, ScaledModel]:
    from ortools.sat.python import cp_model

    sm, gains, zs = _nash_model(cs, S)
    W = [int(v) for v in nash_exponents(cs)[0][S]]
    tangents: list[set[int]] = [set() for _ in S]
    out = NashSearch(None, {}, False, None)
    while not budget.expired:
        status, solver = solve(sm, budget)
        if status == cp_model.INFEASIBLE:
            out.proven = True
            break
        if not has_solution(status):
            break
        out.bound = solver.best_objective_bound
        choices = sm.pm.choices(solver)
        all_gains = sm.int_gains(choices)
        key = tuple(int(all_gains[i]) for i in S)
        out.visited[key] = choices
        n = math.prod(g**w for g, w in zip(key, W, strict=True))
        for j in range(len(S)):  # Kelley cut: tangent at the gain just seen
            if key[j] not in tangents[j]:
                tangents[j].add(key[j])
                _tangent(sm.model, zs[j], gains[j], key[j])
        forbid_vector(sm.model, gains, key)
        if out.best is None or n > out.best:
            out.best = n
            # Σ W_i ⌊C ln g_i⌋ ≥ C ln N − Σ W_i for every package with Π g_i^{W_i} ≥ N
            sm.model.add(
                sum(w * z for w, z in zip(W, zs, strict=True))
                >= math.floor(NASH_LOG_SCALE * math.log(n) - sum(W) - 1e-3)
            )
    return out, sm


def _nash(cs: CompiledScenario, budget: Budget, tie_limit: int, started: float) -> SolveResult:
    from ortools.sat.python import cp_model

    method = "cp-sat+log-tangents"
    P = cs.n_parties
    S = list(range(P))
    search, sm = _nash_search(cs, S, budget)
    notes = _rounding_notes(sm)
    if search.best is None and search.proven:
        # no package gives every party a strict gain: leave out the parties that cannot gain at all
        ideal, proven, sm0 = ideal_point(cs, budget)
        if ideal is None:
            return _none_acceptable(
                cs, "nash", method, int(cp_model.INFEASIBLE if proven else cp_model.UNKNOWN), started
            )
        S = [i for i in range(P) if ideal[i] - sm0.int_disagreement[i] >= 1]
        if len(S) == P:
            notes.append(
                "no acceptable package gives every party that can gain a strictly positive gain over its "
                "disagreement point, so the Nash product is 0 everywhere"
            )
            return _result(
                cs,
                "nash",
                method,
                optimal=proven,
                gap=None,
                choices=[],
                objective=None,
                notes=notes,
                started=started,
            )
        if not S:

            def at_least_d(s: ScaledModel) -> None:
                for g in s.gains():
                    s.model.add(g >= 0)

            every, why_all = list_pinned_packages(cs, at_least_d, [], budget, tie_limit)
            notes.append("no party can gain over its disagreement point: every package ties")
            optimal = proven and sm.exact and why_all != TIMEOUT_TIES
            return _result(
                cs,
                "nash",
                method,
                optimal=optimal,
                gap=None,
                choices=every,
                objective=1.0 if every else None,
                notes=notes + _tie_notes(why_all),
                started=started,
            )
        notes.append(
            f"{P - len(S)} party(ies) cannot gain over their disagreement point and are left out of "
            "the product"
        )
        search, sm = _nash_search(cs, S, budget)
        if search.best is None:
            notes.append(
                "work limit reached before any package was found"
                if not search.proven
                else "no acceptable package gives every party that can gain a strict gain"
            )
            return _result(
                cs,
                "nash",
                method,
                optimal=search.proven,
                gap=None,
                choices=[],
                objective=None,
                notes=notes,
                started=started,
            )
    elif search.best is None:
        notes.append("work limit reached before any package was found")
        return _result(
            cs,
            "nash",
            method,
            optimal=False,
            gap=None,
            choices=[],
            objective=None,
            notes=notes,
            started=started,
        )
    assert search.best is not None
    W, den = nash_exponents(cs)
    w_sum = float(W[S].sum()) / den
    # Π (g_i / scale)^{w_i} = exp(ln N / den − Σ w_i · ln scale), N = Π g_i^{W_i} (W = den · w)
    # in log space: with 150+ parties the product (and scale^Σw) leaves the float range
    from detente.analysis.concepts import nash_objective

    log_unit = w_sum * math.log(sm.scale)
    objective, range_notes = nash_objective(math.log(search.best) / den - log_unit)
    notes += range_notes
    W_S = [int(W[i]) for i in S]
    tied = [
        key for key in search.visited if math.prod(g**w for g, w in zip(key, W_S, strict=True)) == search.best
    ]
    if not search.proven:
        gap = None
        if search.bound is not None:
            # bound ≥ Σ W_i z_i ≥ C·ln N − Σ W_i for the optimum N = Π g_i^{W_i}
            log_n = (search.bound + sum(W_S)) / NASH_LOG_SCALE
            gap = max(0.0, nash_objective(log_n / den - log_unit)[0] - objective)
        notes.append("work limit reached before optimality was proven")
        return _result(
            cs,
            "nash",
            method,
            optimal=False,
            gap=gap,
            choices=[search.visited[k] for k in tied],
            objective=objective,
            notes=notes,
            started=started,
        )
    notes.append(f"certified in {len(search.visited)} exact evaluations")
    choices_all: list[IntArray] = []
    why: str | None = None
    for n_key, key in enumerate(tied):

        def pin(s: ScaledModel, key: tuple[int, ...] = key) -> None:
            gains = s.gains()
            for i, g in enumerate(gains):
                if i not in S:
                    s.model.add(g >= 0)
            for i, val in zip(S, key, strict=True):
                s.model.add(gains[i] == val)

        found, why_k = list_pinned_packages(
            cs, pin, [search.visited[key]], budget, max(1, tie_limit - len(choices_all))
        )
        choices_all += found
        why = why or why_k
        if len(choices_all) >= tie_limit:
            if n_key < len(tied) - 1 and why is None:
                why = f"more than {tie_limit} tied packages: list capped at {tie_limit}"
            break
    return _result(
        cs,
        "nash",
        method,
        optimal=sm.exact,
        gap=None,
        choices=choices_all,
        objective=objective,
        notes=notes + _tie_notes(why),
        started=started,
    )


_SOLVERS: dict[str, Callable[[CompiledScenario, Budget, int, float], SolveResult]] = {
    "welfare": _welfare,
    "egalitarian": _egalitarian,
    "ks": _ks,
    "nash": _nash,
}


def solve_cpsat(
    cs: CompiledScenario, concept: str, *, time_limit: float = 30.0, tie_limit: int = 100
) -> SolveResult:
    """Exact solution of ``concept`` (nash | ks | egalitarian | welfare) by CP-SAT; see module docstring.

    Returns every tied package (up to ``tie_limit``), the objective in the scenario's units (Σu for
    welfare, min gain for egalitarian, min ratio for ks, Π gains for nash), whether it is proven optimal,
    and the gap when it is not.
    """
    if concept not in _SOLVERS:
        raise DetenteError(f"unknown solution concept {concept!r}: choose one of {', '.join(CONCEPTS)}")
    if tie_limit < 1:
        raise DetenteError(f"tie_limit must be at least 1 (got {tie_limit})")
    from ortools.sat.python import cp_model  # noqa: F401  (the import is not charged to the safety clock)

    started = time.perf_counter()
    budget = Budget.of(time_limit)
    result = _SOLVERS[concept](cs, budget, tie_limit, started)
    if budget.wall_stopped:
        import dataclasses

        return dataclasses.replace(result, optimal=False, notes=[*result.notes, WALL_STOP_NOTE])
    return result


def zone_of_agreement(cs: CompiledScenario, *, time_limit: float = 30.0) -> bool:
    """Whether some package is acceptable to every party, by CP-SAT feasibility (checked again in
    floating point); raises :class:`~detente.errors.DetenteError` when it cannot decide in the budget."""
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import build_package_model, new_solver

    pm = build_package_model(cs, acceptable=True)
    solver = new_solver(time_limit)
    status = solver.Solve(pm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return bool(cs.acceptable(pm.choices(solver))[0]) or bool(np.any(pm.rounding_error > 0))
    if status == cp_model.INFEASIBLE:
        return False
    raise DetenteError(
        f"could not decide within {time_limit:g} s whether an acceptable package exists: raise the time limit"
    )
