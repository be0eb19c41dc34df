"""The sequencer: assign a package's items to phases with OR-Tools CP-SAT.

Variables: a Boolean a[k,t] per item k and phase t (each item in exactly one phase), used[t]
(phases are used contiguously from 1), the phase lengths L_t = max_{k∈P_t} a[k,t]·len_k and starts
S_{t+1} = S_t + L_t (see :mod:`detente.roadmap.evaluate` for timing). Rules:

* **prerequisites**: a required item lies in a strictly earlier phase, so the dependent item is
  released only once the required step is carried out and verified (a verification gate);
* **graded steps**: step j of a graded move comes no later than step j+1;
* **deadlines**: S_{p(k)} ≤ ⌊deadline_k − duration_k⌋ (``Item.latest_start_day``, exact: the same
  definition :func:`detente.roadmap.rules.check_rules` uses, so S + duration ≤ deadline);
* **reciprocity** (optional tolerance τ ≥ 0, in utility units): in every phase each party's net
  exchange Σ_{k∈P_t} v_{k,i} ≥ −τ — nobody gives more than it gets in a phase by more than τ;
* **at most** ``max_phases`` phases;
* optionally **self-enforcement**: stop_i(t) ≤ u_i(all items) for every party and phase
  (no party is tempted; see :mod:`detente.roadmap.evaluate`).

Objectives (lexicographic, exact): ``exposure`` minimizes max_{j,t} E_j(t) then the number of phases;
``phases`` minimizes the number of phases then the maximum exposure; ``time`` minimizes the
completion day then the maximum exposure. Values are scaled to integers with
:func:`detente.analysis.methods.cpsat_model.integer_scale`.

When no roadmap satisfies the rules, every rule gets an enforcement literal and CP-SAT's
sufficient assumptions, shrunk by deletion to a minimal set, name the rules that conflict in the
scenario's words (:class:`RoadmapInfeasible`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import DetenteError
from detente.roadmap.evaluate import evaluate, exposure_weights, reverted
from detente.roadmap.items import ItemSet
from detente.roadmap.model import OBJECTIVES, Roadmap
from detente.roadmap.rules import SequencingRules, gate_label

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from detente.model.compiled import CompiledScenario


class RoadmapInfeasible(DetenteError):
    """No roadmap satisfies the rules; ``conflicts`` lists a minimal conflicting set in plain words."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__(
            "no roadmap satisfies the rules; these conflict: " + "; ".join(conflicts)
            if conflicts
            else "no roadmap satisfies the rules"
        )


@dataclass
class _Built:
    model: cp_model.CpModel
    a: list[list[Any]]
    used: list[Any]
    z: Any
    end: Any
    lits: dict[int, tuple[Any, str]]
    stages: list[Any]
    scale: int


def _build(items: ItemSet, rules: SequencingRules, objective: str, n_phases: int, relaxable: bool) -> _Built:
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import integer_scale

    v = items.values
    n, n_parties = v.shape
    scale = integer_scale(np.concatenate([v.ravel(), [rules.reciprocity or 0.0]]))
    iv = np.round(v * scale).astype(np.int64)
    w = np.round(exposure_weights(items, rules.made_reversible) * scale).astype(np.int64)
    owners = items.owners
    m = cp_model.CpModel()
    lits: dict[int, tuple[Any, str]] = {}

    def rule(label: str) -> list[Any]:
        if not relaxable:
            return []
        lit = m.new_bool_var(f"rule{len(lits)}")
        lits[lit.index] = (lit, label)
        return [lit]

    a = [[m.new_bool_var(f"a[{k},{t}]") for t in range(n_phases)] for k in range(n)]
    for row in a:
        m.add_exactly_one(row)
    used = [m.new_bool_var(f"used[{t}]") for t in range(n_phases)]
    for t in range(n_phases):
        m.add_bool_or([a[k][t] for k in range(n)]).only_enforce_if(used[t])
        for k in range(n):
            m.add_implication(a[k][t], used[t])
        if t + 1 < n_phases:
            m.add_implication(used[t + 1], used[t])
    # order encoding: b[k][t] ⇔ item k is in phase ≤ t (a[k][t] = b[k][t] − b[k][t−1])
    b = [[m.new_bool_var(f"b[{k},{t}]") for t in range(n_phases)] for k in range(n)]
    for k in range(n):
        m.add(b[k][-1] == 1)
        m.add(b[k][0] == a[k][0])
        for t in range(1, n_phases):
            m.add_implication(b[k][t - 1], b[k][t])
            m.add(a[k][t] == b[k][t] - b[k][t - 1])

    def strictly_before(pa: int, pb: int, lit: list[Any]) -> None:
        m.add(b[pb][0] == 0).only_enforce_if(lit)
        for t in range(1, n_phases):
            m.add_implication(b[pb][t], b[pa][t - 1]).only_enforce_if(lit)

    for pa, pb in items.before:
        lab = items.prereq_labels.get((pa, pb), f"{items.items[pb].id} requires {items.items[pa].id}")
        strictly_before(pa, pb, rule(lab))
    for pa, pb in rules.extra_before:
        strictly_before(pa, pb, rule(gate_label(items, pa, pb)))
    for pa, pb in items.not_after:
        for t in range(n_phases):
            m.add_implication(b[pb][t], b[pa][t])

    lengths = [it.length_days for it in items.items]
    horizon = int(sum(lengths)) + 1
    big_l = [m.new_int_var(0, max(lengths, default=0), f"L[{t}]") for t in range(n_phases)]
    starts = [m.new_int_var(0, horizon, f"S[{t}]") for t in range(n_phases)]
    m.add(starts[0] == 0)
    for t in range(n_phases):
        m.add_max_equality(big_l[t], [lengths[k] * a[k][t] for k in range(n)] + [0])
        if t + 1 < n_phases:
            m.add(starts[t + 1] == starts[t] + big_l[t])
    end = m.new_int_var(0, horizon, "end")
    m.add(end == starts[-1] + big_l[-1])
    for k, it in enumerate(items.items):
        latest = it.latest_start_day  # start + duration ≤ deadline, exactly (the one definition)
        if latest is None:
            continue
        lit = rule(f"{it.label} ({it.id}) must be done by day {it.deadline_days:g}")
        for t in range(n_phases):
            m.add(starts[t] <= latest).only_enforce_if([a[k][t], *lit])

    if rules.reciprocity is not None:
        tau = int(round(rules.reciprocity * scale))
        for i in range(n_parties):
            if not np.any(iv[:, i] < 0):
                continue
            name = rules.party_name(i)
            lit = rule(f"every phase balanced for {name} within {rules.reciprocity:g} (reciprocity bound)")
            for t in range(n_phases):
                m.add(sum(int(iv[k, i]) * a[k][t] for k in range(n) if iv[k, i]) >= -tau).only_enforce_if(lit)

    # exposure E_j(t) and its maximum z. In an unused phase (after the last) the state is "everything
    # done": when no party ends below zero there, the constraint holds anyway and needs no enforcement.
    zmax = int(np.maximum(0, -np.minimum(w, 0)).sum()) + 1
    z = m.new_int_var(0, zmax, "z")
    after_all = w.sum(axis=0)
    for j in range(n_parties):
        unconditional = bool(after_all[j] >= 0)
        for t in range(n_phases):
            terms: list[Any] = []
            for k in range(n):
                if w[k, j] == 0:
                    continue
                if t > 0:
                    terms.append(int(w[k, j]) * b[k][t - 1])
                if owners[k] == j:
                    terms.append(int(w[k, j]) * a[k][t])
            if terms:
                m.add(z >= -sum(terms)).only_enforce_if([] if unconditional else [used[t]])

    # temptation against completion: pen[i,t] ≥ stop_i(t) − u_i(all), on used phases
    se_lit = rule("no party is ever tempted to stop (self-enforcement)") if rules.self_enforcing else []
    final = iv.sum(axis=0)
    pens = []
    for i in range(n_parties):
        keep = ~reverted(items, i, rules.made_reversible)
        wd = np.where(keep, iv[:, i], 0)
        top = int(np.maximum(wd, 0).sum() - final[i])
        if top <= 0:
            continue
        for t in range(n_phases):
            terms = []
            for k in range(n):
                if wd[k] == 0:
                    continue
                if t > 0:
                    terms.append(int(wd[k]) * b[k][t - 1])
                if owners[k] != i:
                    terms.append(int(wd[k]) * a[k][t])
            pen = m.new_int_var(0, top, f"pen[{i},{t}]")
            pens.append(pen)
            if not terms:  # stopping here yields 0: tempting whenever completion is worth less
                if final[i] < 0:
                    m.add(pen >= -int(final[i])).only_enforce_if(used[t])
                    if rules.self_enforcing:
                        m.add_bool_or([used[t].negated()]).only_enforce_if(se_lit)
                continue
            m.add(pen >= sum(terms) - int(final[i])).only_enforce_if(used[t])
            if rules.self_enforcing:
                m.add(sum(terms) <= int(final[i])).only_enforce_if([used[t], *se_lit])
    temptation = sum(pens) if pens else 0

    n_used = sum(used)
    stages = {
        "exposure": [z, n_used, temptation],
        "phases": [n_used, z, temptation],
        "time": [end, z, n_used],
    }[objective]
    return _Built(m, a, used, z, end, lits, stages, scale)


def _explain(items: ItemSet, rules: SequencingRules, objective: str, time_limit: float) -> list[str]:
    """A minimal set of conflicting rules (by deletion over CP-SAT's sufficient assumptions)."""
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import new_solver

    n_avail = max(rules.max_phases, len(items))
    built = _build(items, rules, objective, n_avail, relaxable=True)
    cap = built.model.new_bool_var("cap")
    if rules.max_phases < n_avail:
        built.model.add_implication(cap, built.used[rules.max_phases].negated())
    label_cap = f"at most {rules.max_phases} phases (max_phases)"
    built.lits[cap.index] = (cap, label_cap)
    built.model.clear_objective()
    all_lits = [lit for lit, _ in built.lits.values()]
    # a deterministic work budget (CP-SAT's deterministic time), never the clock: same input, same core
    spent = [0.0]

    def infeasible(active: list[Any]) -> bool | None:
        solver = new_solver(max(0.5, time_limit - spent[0]), workers=1)
        built.model.clear_assumptions()
        built.model.add_assumptions(active)
        status = solver.solve(built.model)
        spent[0] += solver.response_proto.deterministic_time
        if status == cp_model.INFEASIBLE:
            return True
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        return None

    solver = new_solver(time_limit, workers=1)
    built.model.add_assumptions(all_lits)
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return []
    core_idx = list(solver.sufficient_assumptions_for_infeasibility())
    core = [built.lits[i][0] for i in core_idx if i in built.lits] or all_lits
    spent[0] += solver.response_proto.deterministic_time
    for lit in list(core):
        if spent[0] >= time_limit:
            break
        trial = [x for x in core if x is not lit]
        if trial and infeasible(trial):
            core = trial
    return [built.lits[lit.index][1] for lit in core]


def sequence(
    cs: CompiledScenario | None,
    items: ItemSet,
    *,
    objective: str = "exposure",
    rules: SequencingRules | None = None,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> Roadmap:
    """Solve the sequencing problem (module docstring); raises :class:`RoadmapInfeasible`."""
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import new_solver

    if objective not in OBJECTIVES:
        raise DetenteError(f"unknown objective '{objective}'; choose one of {', '.join(OBJECTIVES)}")
    rules = rules or SequencingRules()
    if cs is not None and not rules.party_names:
        rules = replace(rules, party_names=cs.party_names)  # a copy: the caller's rules are left as given
    if rules.max_phases < 1:
        raise DetenteError("max_phases must be at least 1")
    if rules.reciprocity is not None and rules.reciprocity < 0:
        raise DetenteError(f"the reciprocity tolerance must be ≥ 0 (got {rules.reciprocity:g})")
    started = time.perf_counter()
    if len(items) == 0:
        rm = evaluate(items, np.zeros(0, dtype=np.int64), rules=rules)
        rm.method, rm.optimal, rm.objective, rm.objective_value = "trivial", True, objective, 0.0
        rm.notes.append("the package moves nothing: there is nothing to sequence")
        return rm
    n_phases = min(rules.max_phases, len(items))
    built = _build(items, rules, objective, n_phases, relaxable=False)
    # budgets in CP-SAT's deterministic time (work units), never the clock: same input, same roadmap
    spent = 0.0
    optimal, gap_raw, solver, status = True, 0.0, None, cp_model.UNKNOWN
    stage_seconds: list[float] = []
    for stage, expr in enumerate(built.stages):
        if isinstance(expr, int):
            continue
        left = time_limit - spent
        if stage > 0 and left <= 0.05:
            break
        built.model.minimize(expr)
        # a tie-break gets at most a quarter of the limit (at least 1 s) of what is left
        budget = time_limit if stage == 0 else min(left, max(1.0, 0.25 * time_limit))
        trial = new_solver(budget, workers=workers, seed=seed)
        trial.parameters.interleave_search = workers > 1  # deterministic: same input, same roadmap
        tick = time.perf_counter()
        st = trial.solve(built.model)
        spent += trial.response_proto.deterministic_time
        stage_seconds.append(time.perf_counter() - tick)
        if st == cp_model.INFEASIBLE and stage == 0:
            raise RoadmapInfeasible(_explain(items, rules, objective, max(2.0, time_limit)))
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if stage == 0:
                raise DetenteError(
                    f"no roadmap found within the time limit ({time_limit:g} s); raise --time-limit or --max-phases"
                )
            break
        solver, status = trial, st
        if stage == 0:
            optimal = st == cp_model.OPTIMAL
            gap_raw = float(trial.objective_value - trial.best_objective_bound)
        best = int(round(trial.objective_value))
        built.model.clear_hints()
        for row in built.a:
            for var in row:
                built.model.add_hint(var, trial.boolean_value(var))
        built.model.add(expr <= best)
    assert solver is not None
    phase_of = np.asarray(
        [next(t for t in range(n_phases) if solver.boolean_value(built.a[k][t])) for k in range(len(items))],
        dtype=np.int64,
    )
    rm = evaluate(items, phase_of, rules=rules)
    scale = built.scale
    if objective == "exposure":
        value = float(rm.max_exposure.max(initial=0.0))
        gap = gap_raw / scale
    elif objective == "phases":
        value = float(rm.n_phases)
        gap = math.floor(gap_raw)
    else:
        value = float(rm.completion_days)
        gap = math.floor(gap_raw)
    rm.method = "cp-sat"
    rm.optimal = optimal
    if status != cp_model.OPTIMAL:
        rm.notes.append("the tie-breaks after the objective are not proven optimal")
    rm.gap = None if optimal else float(gap)
    rm.objective = objective
    rm.objective_value = value
    rm.seconds = time.perf_counter() - started
    rm.stage_seconds = stage_seconds
    return rm
