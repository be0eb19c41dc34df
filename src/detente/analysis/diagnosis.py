"""Why is there no deal? The smallest set of red lines, rules or reservation values to relax.

A package is acceptable when every constraint holds and every party gets u_i ≥ r_i. When none is,
:func:`diagnose` finds the **minimum number** of items whose relaxation opens a zone of agreement:

* items are the red lines and package rules (:class:`~detente.model.compiled.LinearConstraint`, except
  prerequisites) and the parties' reservation values;
* **prerequisites are structural** (a move that cannot be carried out without another), so they are never
  relaxed: ``relax_prerequisites=True`` makes them relaxable too;
* CP-SAT model with an enforcement literal per item (``build_package_model(relaxable=True)``):
  minimise the number of false literals. Then **every** alternative minimum set is listed (up to
  ``max_alternatives``) by re-solving with "exactly that many relaxed" and a cut that forbids each set
  found (at least one of its items kept);
* for each set that relaxes reservation values, a second solve (items outside the set enforced) finds
  the package that minimises the total drop Σ_i max(0, r_i − u_i) over those parties, and reports, per
  party, the value its reservation must drop to (its utility in that package).

When a zone of agreement exists, the diagnosis says so and gives one acceptable package; with
``binding=True`` it also lists the **binding red lines**: those whose removal alone (everything else
kept) raises the maximum welfare Σ_i u_i over acceptable packages, with the gain (one CP-SAT solve per
red line).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.budget import WALL_STOP_NOTE, Budget
from detente.analysis.methods.cpsat_model import has_solution, scaled_model, solve
from detente.analysis.results import Package

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

#: Default number of alternative minimum relaxations listed.
MAX_ALTERNATIVES = 10


@dataclass(frozen=True)
class Relaxation:
    """One item to relax: a constraint (``constraint`` = its index in ``cs.constraints``) or a party's
    reservation value (``party`` set, ``constraint`` None; ``drop_to`` = the value it must drop to)."""

    kind: str
    label: str
    constraint: int | None = None
    party: int | None = None
    reservation: float | None = None
    drop_to: float | None = None

    def words(self) -> str:
        if self.constraint is None and self.drop_to is not None:
            return f"{self.label}: needs to drop to {self.drop_to:g}"
        return self.label

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "label": self.label}
        if self.constraint is not None:
            out["constraint"] = self.constraint
            out["origin"] = list(cs.constraints[self.constraint].origin)
        if self.party is not None:
            out["party"] = cs.party_ids[self.party]
        if self.reservation is not None:
            out["reservation"] = self.reservation
            out["drop_to"] = self.drop_to
        return out


@dataclass(frozen=True)
class RelaxationSet:
    """A minimum set of items whose relaxation makes ``package`` acceptable."""

    items: list[Relaxation]
    package: Package


@dataclass(frozen=True)
class BindingRedLine:
    """A red line whose removal alone raises the maximum welfare by ``welfare_gain``."""

    constraint: int
    label: str
    party: int | None
    welfare_gain: float

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "label": self.label,
            "party": cs.party_ids[self.party] if self.party is not None else None,
            "origin": list(cs.constraints[self.constraint].origin),
            "welfare_gain": self.welfare_gain,
        }


@dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`diagnose`.

    ``feasible``: some package is acceptable (``package`` is one). Otherwise ``relaxations`` lists every
    alternative minimum set (``complete`` False when capped or timed out), each of ``minimum_size``
    items, and ``optimal`` says whether that minimum is proven.
    """

    feasible: bool | None
    method: str
    optimal: bool
    package: Package | None = None
    minimum_size: int | None = None
    relaxations: list[RelaxationSet] = field(default_factory=list)
    complete: bool = True
    binding: list[BindingRedLine] | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, cs: CompiledScenario | None = None) -> list[str]:
        """Plain-text lines in the scenario's own words."""
        if self.feasible is None:
            return ["Undetermined: the time limit was reached before the question was settled.", *self.notes]
        if self.feasible:
            lines = ["A zone of agreement exists: at least one package is acceptable to every party."]
            if cs is not None and self.package is not None:
                lines.append(f"  for example: {describe_package(cs, self.package)}")
            if self.binding is not None:
                if not self.binding:
                    lines.append("No red line is binding: removing any one of them would not raise welfare.")
                for b in self.binding:
                    lines.append(
                        f"  binding: {b.label} (removing it alone raises welfare by {b.welfare_gain:g})"
                    )
            return lines + self.notes
        n = self.minimum_size
        lines = [
            "No package is acceptable to every party under the current red lines, rules and reservation values.",
            f"Smallest relaxation that opens a zone of agreement: {n} item{'s' if n != 1 else ''}"
            + ("" if self.optimal else " (best found; not proven minimal)")
            + (f"; {len(self.relaxations)} alternative{'s' if len(self.relaxations) != 1 else ''}:"),
        ]
        for k, option in enumerate(self.relaxations, start=1):
            what = "; ".join(item.words() for item in option.items)
            tail = f" — to accept package {describe_package(cs, option.package)}" if cs is not None else ""
            lines.append(f"  {k}. relax {what}{tail}")
        if not self.complete:
            lines.append("  (list of alternatives incomplete)")
        return lines + self.notes

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "method": self.method,
            "optimal": self.optimal,
            "package": self.package.to_json(cs) if self.package is not None else None,
            "minimum_size": self.minimum_size,
            "relaxations": [
                {"items": [i.to_json(cs) for i in r.items], "package": r.package.to_json(cs)}
                for r in self.relaxations
            ],
            "complete": self.complete,
            "binding": None if self.binding is None else [b.to_json(cs) for b in self.binding],
            "notes": list(self.notes),
            "summary": self.summary(cs),
            "seconds": self.seconds,
        }


def describe_package(cs: CompiledScenario, package: Package) -> str:
    """The moves a package carries out (options other than the status quo), e.g. ``m1:yes, m4:full``."""
    moved = [
        cs.option_name(int(cs.offsets[k]) + int(j))
        for k, j in enumerate(package.choices)
        if int(j) != int(cs.status_quo[k])
    ]
    return ", ".join(moved) if moved else "the status quo (no move)"


def diagnose(
    cs: CompiledScenario,
    *,
    time_limit: float = 30.0,
    max_alternatives: int = MAX_ALTERNATIVES,
    relax_prerequisites: bool = False,
    binding: bool = False,
) -> Diagnosis:
    """Is any package acceptable? If not, the smallest relaxations that open a zone (module docstring)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    budget = Budget.of(time_limit)
    method = "cp-sat+min-relaxation"

    def finish(**kw: Any) -> Diagnosis:
        if budget.wall_stopped:
            kw["optimal"] = False
            kw["notes"] = [*kw.get("notes", []), WALL_STOP_NOTE]
        return Diagnosis(method=method, seconds=time.perf_counter() - started, **kw)

    sm = scaled_model(cs)
    status, solver = solve(sm, budget)
    notes = [] if sm.exact else [f"values were rounded to 1/{sm.scale} for CP-SAT"]
    if has_solution(status):
        c = sm.pm.choices(solver)
        found = binding_red_lines(cs, budget) if binding else None
        optimal = found is None or found[1]
        if not optimal:
            notes.append("work limit reached while testing red lines: the binding list may be incomplete")
        return finish(
            feasible=True,
            optimal=optimal,
            package=Package(c, cs.utilities(c)),
            binding=None if found is None else found[0],
            notes=notes,
        )
    if status != cp_model.INFEASIBLE:
        return finish(feasible=None, optimal=False, notes=notes + ["work limit reached"])

    def relaxable_model() -> tuple[Any, list[Any], list[tuple[str, int]]]:
        """Model with enforcement literals; returns (scaled model, literals, what each one is)."""
        rm = scaled_model(cs, relaxable=True)
        lits, what = [], []
        for index, (con, lit) in enumerate(zip(cs.constraints, rm.pm.constraint_lits, strict=True)):
            if con.kind == "prerequisite" and not relax_prerequisites:
                rm.model.add(lit == 1)
            else:
                lits.append(lit)
                what.append(("constraint", index))
        for i, lit in enumerate(rm.pm.reservation_lits):
            lits.append(lit)
            what.append(("reservation", i))
        return rm, lits, what

    rm, lits, what = relaxable_model()
    rm.model.minimize(sum(1 - lit for lit in lits))
    status, solver = solve(rm, budget)
    if not has_solution(status):
        note = "even relaxing every red line, rule and reservation value leaves no package (prerequisites)"
        if status != cp_model.INFEASIBLE:
            note = "work limit reached"
        return finish(feasible=False, optimal=False, notes=notes + [note])
    optimal = status == cp_model.OPTIMAL
    size = round(solver.objective_value)

    # every alternative minimum set: exactly `size` relaxed, each set found forbidden
    sets: list[list[int]] = []
    em, elits, _ = relaxable_model()
    em.model.add(sum(1 - lit for lit in elits) == size)
    complete = True
    while True:
        if len(sets) >= max_alternatives:
            status, _ = solve(em, budget)
            complete = status == cp_model.INFEASIBLE
            break
        status, solver = solve(em, budget)
        if not has_solution(status):
            complete = status == cp_model.INFEASIBLE
            break
        relaxed = [n for n, lit in enumerate(elits) if not solver.boolean_value(lit)]
        sets.append(relaxed)
        em.model.add_bool_or([elits[n] for n in relaxed])

    options = [_relaxation_set(cs, relaxed, what, relaxable_model, budget) for relaxed in sets]
    if not complete:
        notes.append(
            f"more than {max_alternatives} alternative minimum sets: list capped"
            if len(sets) >= max_alternatives
            else "work limit reached while listing alternative minimum sets"
        )
    return finish(
        feasible=False,
        optimal=optimal,
        minimum_size=size,
        relaxations=options,
        complete=complete,
        notes=notes,
    )


def _relaxation_set(
    cs: CompiledScenario,
    relaxed: list[int],
    what: list[tuple[str, int]],
    relaxable_model: Any,
    budget: Budget,
) -> RelaxationSet:
    """Words for one minimum set, with the package that minimises the total reservation drop."""
    rm, lits, _ = relaxable_model()
    for n, lit in enumerate(lits):
        if n not in relaxed:
            rm.model.add(lit == 1)
    parties = [what[n][1] for n in relaxed if what[n][0] == "reservation"]
    drops = []
    for i in parties:
        drop = rm.model.new_int_var(
            0, max(0, int(rm.pm.int_reservation[i] - (rm.gain_lo[i] + rm.int_disagreement[i]))), f"drop{i}"
        )
        rm.model.add(drop >= int(rm.pm.int_reservation[i]) - rm.pm.u[i])
        drops.append(drop)
    if drops:
        rm.model.minimize(sum(drops))
    status, solver = solve(rm, budget)
    choices = rm.pm.choices(solver) if has_solution(status) else cs.status_quo_package()
    package = Package(choices, cs.utilities(choices))
    items = []
    for n in relaxed:
        kind, index = what[n]
        if kind == "constraint":
            con = cs.constraints[index]
            items.append(Relaxation(con.kind, con.label, constraint=index, party=con.party))
        else:
            r = float(cs.reservation[index])
            u = float(package.utilities[index])
            label = f"{cs.party_names[index]}'s reservation value ({r:g})"
            items.append(
                Relaxation("reservation", label, party=index, reservation=r, drop_to=float(np.round(u, 9)))
            )
    return RelaxationSet(items, package)


def binding_red_lines(cs: CompiledScenario, budget: Budget) -> tuple[list[BindingRedLine], bool]:
    """Red lines whose removal alone raises the maximum welfare, and whether every solve was proven."""
    from ortools.sat.python import cp_model

    def max_welfare(skip: int | None) -> tuple[int | None, bool]:
        rm = scaled_model(cs, relaxable=True)
        for index, lit in enumerate(rm.pm.constraint_lits):
            rm.model.add(lit == (0 if index == skip else 1))
        for lit in rm.pm.reservation_lits:
            rm.model.add(lit == 1)
        rm.model.maximize(sum(rm.pm.u))
        status, solver = solve(rm, budget)
        if not has_solution(status):
            return None, status == cp_model.INFEASIBLE
        return round(solver.objective_value), status == cp_model.OPTIMAL

    base, proven = max_welfare(None)
    out: list[BindingRedLine] = []
    if base is None:
        return out, proven
    scale = scaled_model(cs).scale
    for index, con in enumerate(cs.constraints):
        if con.kind != "red_line":
            continue
        value, ok = max_welfare(index)
        proven &= ok
        if value is not None and value > base:
            out.append(BindingRedLine(index, con.label, con.party, (value - base) / scale))
    return out, proven
