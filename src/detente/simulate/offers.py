"""Finding offers with the engine: a CP-SAT search over packages that satisfy every rule of the scenario.

A negotiator never enumerates packages. Each party ``i`` gets one :class:`OfferEngine`: the shared
package model of :func:`detente.analysis.methods.cpsat_model.build_package_model` (one Boolean per option,
``ExactlyOne`` per move, every :class:`~detente.model.compiled.LinearConstraint` of the scenario, the
integer utilities ``U_j = Σ_o V[o, j] x_o`` with ``V = round(values · s)``), built once, and asked:

* **nearest offer at a level** (time-based strategies, like Genius's ``TimeDependentAgent`` picking the
  bid closest to its target): ``min U_i  s.t.  U_i ≥ ⌈T · s⌉`` — the package closest above target T
  (the search stops once it is within half a grid step of T: that is a subset-sum problem, and proving
  the very closest package on hundreds of moves is needless work);
* **best offer for an opponent model** (opponent-learning strategies, as HardHeaded): ``max Σ_o w_o x_o
  s.t. U_i ≥ ⌈T · s⌉`` with ``w_o`` the (integer) score the model gives option o, own utility as tie-break
  (stopped within :data:`MODEL_GAP` of the best score).

Targets are put on a grid of :data:`LEVELS` steps between the party's floor ``lo_i = max(r_i, min U_i)``
and its best feasible utility ``hi_i``; a target T is rounded **up** to the grid (the offer is never below
the target), so answers are cached per level (and per model, for opponent models) and shared by every
negotiation in the process. CP-SAT runs with one worker, a fixed seed and a *deterministic* time limit,
so the same question always gets the same package (no wall-clock limit anywhere).
"""

from __future__ import annotations

import hashlib
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import PackageModel

#: Grid of target levels between a party's floor and its best utility (offers are cached per level).
LEVELS = 100
#: CP-SAT deterministic time limit per offer query (deterministic units, not seconds of wall time).
DETERMINISTIC_LIMIT = 10.0
#: Opponent-model offers stop within this relative gap of the best model score (deterministic stop).
MODEL_GAP = 0.01
#: Offers kept per engine for opponent-model queries (least recently used dropped first).
MODEL_CACHE = 4096


def deterministic_solver(seed: int = 0, limit: float = DETERMINISTIC_LIMIT) -> cp_model.CpSolver:
    """A CP-SAT solver that gives the same answer on an idle and a busy machine: one worker, a fixed
    seed and a deterministic time limit (no wall-clock limit)."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = float(limit)
    return solver


_KEYS: weakref.WeakKeyDictionary[CompiledScenario, str] = weakref.WeakKeyDictionary()


def scenario_key(cs: CompiledScenario) -> str:
    """A fingerprint of the numbers that define the negotiation (values, rules, reservations), so the
    offer caches are shared by equal scenarios (e.g. one unpickled per task on a Dask worker)."""
    key = _KEYS.get(cs)
    if key is None:
        h = hashlib.sha256()
        for arr in (cs.values, cs.reservation, cs.n_options):
            h.update(np.ascontiguousarray(arr).tobytes())
        for con in cs.constraints:
            h.update(con.options.tobytes() + con.coefs.tobytes() + repr((con.lo, con.hi)).encode())
        key = h.hexdigest()
        _KEYS[cs] = key
    return key


@dataclass(frozen=True)
class Span:
    """A party's aspiration range: ``lo`` = max(reservation, worst feasible utility), ``hi`` = best
    feasible utility (both exact floats), and the package that reaches ``hi``."""

    lo: float
    hi: float
    best: IntArray
    worst_feasible: float

    def level_of(self, target: float) -> int:
        """The grid level at or above ``target`` (0 = floor, LEVELS = best)."""
        if self.hi - self.lo <= 1e-12:
            return LEVELS
        x = (target - self.lo) / (self.hi - self.lo) * LEVELS
        return int(min(LEVELS, max(0, math.ceil(x - 1e-9))))

    def target_of(self, level: int) -> float:
        return self.lo + (self.hi - self.lo) * level / LEVELS


class OfferEngine:
    """CP-SAT offer search for one party of one scenario (see the module docstring). Use :func:`engine`."""

    def __init__(self, cs: CompiledScenario, party: int) -> None:
        from detente.analysis.methods.cpsat_model import build_package_model

        self.cs = cs
        self.party = party
        self.pm: PackageModel = build_package_model(cs, acceptable=False)
        self._u_index = self.pm.u[party].Index()
        proto_dom = self.pm.model.Proto().variables[self._u_index].domain
        assert len(proto_dom) == 2
        self._u_domain = (int(proto_dom[0]), int(proto_dom[1]))
        self._levels: dict[int, IntArray] = {}
        self._models: OrderedDict[tuple[int, bytes], IntArray] = OrderedDict()
        self._lock = threading.Lock()  # the model is mutated per query (Dask threads share engines)
        self._level_units: float | None = None  # half a grid step in CP-SAT units (set once hi, lo known)
        best = self._solve(self._u_domain[0], objective="max-own")
        worst = self._solve(self._u_domain[0], objective="min-own")
        if best is None or worst is None:
            raise DetenteError(
                "no package satisfies every rule of the scenario (red lines, prerequisites, exclusions, "
                "minimum content): there is nothing to negotiate — see `detente diagnose`"
            )
        hi = float(cs.utilities(best)[party])
        low = float(cs.utilities(worst)[party])
        self.span = Span(
            lo=min(hi, max(float(cs.reservation[party]), low)), hi=hi, best=best, worst_feasible=low
        )

    # -- queries ------------------------------------------------------------------------------------
    def at_level(self, level: int) -> IntArray:
        """The package whose utility to this party is closest above the target of ``level``."""
        got = self._levels.get(level)
        if got is None:
            got = self._query(level, None)
            self._levels[level] = got
        return got

    def for_model(self, level: int, scores: IntArray) -> IntArray:
        """The package at or above the target of ``level`` that maximizes Σ_o scores[o]·x_o (own utility
        breaks ties). ``scores`` are non-negative integers over global options (an opponent model)."""
        key = (level, np.ascontiguousarray(scores, dtype=np.int64).tobytes())
        got = self._models.get(key)
        if got is not None:
            self._models.move_to_end(key)
            return got
        got = self._query(level, scores)
        self._models[key] = got
        if len(self._models) > MODEL_CACHE:
            self._models.popitem(last=False)
        return got

    # -- internals ------------------------------------------------------------------------------------
    def _query(self, level: int, scores: IntArray | None) -> IntArray:
        if level >= LEVELS:
            return self.span.best
        target = self.span.target_of(level)
        floor = max(self._u_domain[0], math.ceil(target * self.pm.scale - 1e-7))
        found = self._solve(floor, objective="min-own" if scores is None else "model", scores=scores)
        return self.span.best if found is None else found

    def _solve(self, floor: int, *, objective: str, scores: IntArray | None = None) -> IntArray | None:
        with self._lock:
            return self._solve_locked(floor, objective=objective, scores=scores)

    def _solve_locked(self, floor: int, *, objective: str, scores: IntArray | None) -> IntArray | None:
        from ortools.sat.python import cp_model

        model = self.pm.model
        dom = model.Proto().variables[self._u_index].domain
        dom[0] = int(floor)  # the u_i variable's domain is one interval [lo, hi]
        u = self.pm.u[self.party]
        if objective == "max-own":
            model.maximize(u)
        elif objective == "min-own":
            model.minimize(u)
        else:
            assert scores is not None
            flat = self.pm.flat_x
            width = self._u_domain[1] - self._u_domain[0] + 1
            model.maximize(sum(int(w) * width * flat[o] for o, w in enumerate(scores) if w) + u)
        solver = deterministic_solver()
        if objective == "min-own" and self._level_units is not None:
            # a package within half a grid step above the target is as good as the closest one
            solver.parameters.absolute_gap_limit = self._level_units
        elif objective == "model":
            solver.parameters.relative_gap_limit = MODEL_GAP
        status = solver.solve(model)
        dom[0] = self._u_domain[0]
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return self.pm.choices(solver)


_ENGINES: dict[tuple[str, int], OfferEngine] = {}


def engine(cs: CompiledScenario, party: int) -> OfferEngine:
    """The (process-wide, cached) offer engine of ``party`` in scenario ``cs``."""
    key = (scenario_key(cs), party)
    eng = _ENGINES.get(key)
    if eng is None:
        eng = OfferEngine(cs, party)
        _ENGINES[key] = eng
    return eng


def option_best(cs: CompiledScenario) -> FloatArray:
    """(M, P): each party's best option value on each move (for "name your worst item")."""
    return np.vstack([cs.values[cs.offsets[k] : cs.offsets[k + 1]].max(axis=0) for k in range(cs.n_moves)])
