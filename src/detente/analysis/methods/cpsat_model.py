"""The CP-SAT model of "choose one option per move" shared by every exact optimizer.

:func:`build_package_model` turns a :class:`~detente.model.compiled.CompiledScenario` into an OR-Tools
CP-SAT model with

* one Boolean ``x[k][j]`` per option (``ExactlyOne`` per move),
* every :class:`~detente.model.compiled.LinearConstraint` (red lines and package rules),
* an integer utility ``u[i] = Σ_o V[o, i] · x_o`` per party, where ``V = round(values · scale)``,
* optionally the acceptability constraints ``u[i] ≥ ⌈r_i · scale⌉``.

CP-SAT works on integers, so values are scaled by ``scale`` = the smallest power of ten (up to 10^6)
that makes every value integral; when values have more decimals (Genius domains) they are rounded and
``rounding_error[i]`` bounds the total error on u_i (Σ_k max_o |V − values·scale| / scale). Callers
re-evaluate the packages they return with exact floats.

Why one scale for every party here, when comparisons elsewhere use one grid per party
(:mod:`detente.analysis.grid`): CP-SAT's egalitarian and KS models compare different parties' gains in
one linear constraint (t ≤ g_i for every i), which needs one common integer unit; the per-party grid
is for deciding dominance and ties between packages, where each party is only compared with itself.
Both are exact whenever the values fit (``ScaledModel.exact``, ``UtilityGrid.exact``) and say so when
they do not.

For diagnosis, ``relaxable=True`` gives each constraint and each reservation value an enforcement
literal (``constraint_lits``, ``reservation_lits``): the rule holds only when its literal is true.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import IntArray

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from detente.analysis.budget import Budget
    from detente.model.compiled import CompiledScenario

MAX_DECIMALS = 6
#: Most decimals used when the model's magnitude allows it (see :func:`integer_scale`).
MAX_DECIMALS_WIDE = 12
#: Largest scaled magnitude of a linear expression (well inside 64 bits, with room for sums).
INT_SAFE = 1e15


def integer_scale(
    values: npt.NDArray[np.float64], *, max_decimals: int = MAX_DECIMALS, magnitude: float | None = None
) -> int:
    """Smallest power of ten (≤ 10^max_decimals) that makes every value an integer (each within
    10^-6 + 10^-12 of its own magnitude, i.e. float noise only).

    With ``magnitude`` (the largest |sum| the model can reach), up to 12 decimals are allowed as long
    as ``magnitude · scale`` stays below :data:`INT_SAFE` (so 12-decimal Genius weights keep an exact
    certificate when they fit in 64-bit integers), and never more than fits (values are then rounded,
    and callers say the answer is optimal for the rounded values only).
    """
    top = max_decimals
    if magnitude is not None and magnitude > 0:
        top = max(0, min(MAX_DECIMALS_WIDE, int(math.floor(math.log10(INT_SAFE / magnitude)))))
    for d in range(top + 1):
        s = 10**d
        scaled = values * s
        # each value on its own (a tolerance relative to the largest value would hide small ones)
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 + 1e-12 * np.abs(scaled)):
            return s
    return 10**top


@dataclass
class PackageModel:
    """A CP-SAT model over packages plus handles on its variables (see module docstring)."""

    cs: CompiledScenario
    model: cp_model.CpModel
    x: list[list[cp_model.IntVar]]
    u: list[cp_model.IntVar]
    scale: int
    int_values: npt.NDArray[np.int64]
    int_reservation: npt.NDArray[np.int64]
    rounding_error: npt.NDArray[np.float64]
    constraint_lits: list[cp_model.IntVar] = field(default_factory=list)
    reservation_lits: list[cp_model.IntVar] = field(default_factory=list)

    @property
    def flat_x(self) -> list[cp_model.IntVar]:
        """Option literals in global option order."""
        return [v for row in self.x for v in row]

    def choices(self, solver: cp_model.CpSolver) -> npt.NDArray[np.int64]:
        """The package (local option index per move) in the solver's current solution."""
        return np.asarray(
            [next(j for j, v in enumerate(row) if solver.boolean_value(v)) for row in self.x], dtype=np.int64
        )

    def forbid(self, choices: npt.NDArray[np.int64]) -> None:
        """Exclude exactly this package from future solutions (a no-good cut)."""
        self.model.add_bool_or([self.x[k][int(j)].Not() for k, j in enumerate(choices)])

    def min_difference(self, choices: npt.NDArray[np.int64], moves: int) -> None:
        """Require at least ``moves`` moves to differ from ``choices`` (diversity cut)."""
        same = [self.x[k][int(j)] for k, j in enumerate(choices)]
        self.model.add(sum(same) <= len(same) - moves)


def build_package_model(
    cs: CompiledScenario,
    *,
    acceptable: bool = True,
    relaxable: bool = False,
    values: npt.NDArray[np.float64] | None = None,
    scale: int | None = None,
) -> PackageModel:
    """Build the CP-SAT package model (see module docstring).

    ``acceptable`` adds u_i ≥ r_i for every party; ``relaxable`` attaches an enforcement literal to
    every constraint and reservation value; ``values`` replaces the point values (shape (O, P)).
    """
    from ortools.sat.python import cp_model

    table = cs.values if values is None else values
    s = scale if scale is not None else integer_scale(np.concatenate([table.ravel(), cs.reservation]))
    int_values = np.round(table * s).astype(np.int64)
    err = np.abs(int_values - table * s) / s
    rounding_error = np.zeros(cs.n_parties)
    for k in range(cs.n_moves):
        rounding_error += err[cs.offsets[k] : cs.offsets[k + 1]].max(axis=0)
    int_res = np.asarray([math.ceil(r * s - 1e-7) for r in cs.reservation], dtype=np.int64)

    from detente.analysis.budget import charge_model

    charge_model(cs.n_total_options * (cs.n_parties + 1) + sum(int(c.options.size) for c in cs.constraints))
    m = cp_model.CpModel()
    x: list[list[cp_model.IntVar]] = []
    for k in range(cs.n_moves):
        row = [
            m.new_bool_var(f"x[{cs.move_ids[k]}:{cs.option_ids[k][j]}]") for j in range(int(cs.n_options[k]))
        ]
        m.add_exactly_one(row)
        x.append(row)
    flat = [v for row in x for v in row]

    constraint_lits: list[cp_model.IntVar] = []
    for c_index, con in enumerate(cs.constraints):
        expr = sum(int(coef) * flat[int(o)] for o, coef in zip(con.options, con.coefs, strict=True))
        lit = m.new_bool_var(f"keep[{c_index}]") if relaxable else None
        for bound, sense in ((con.lo, ">="), (con.hi, "<=")):
            if bound is None:
                continue
            ct = m.add(expr >= bound) if sense == ">=" else m.add(expr <= bound)
            if lit is not None:
                ct.only_enforce_if(lit)
        if lit is not None:
            constraint_lits.append(lit)

    u: list[cp_model.IntVar] = []
    for i in range(cs.n_parties):
        col = int_values[:, i]
        lo = int(sum(col[cs.offsets[k] : cs.offsets[k + 1]].min() for k in range(cs.n_moves)))
        hi = int(sum(col[cs.offsets[k] : cs.offsets[k + 1]].max() for k in range(cs.n_moves)))
        ui = m.new_int_var(lo, hi, f"u[{cs.party_ids[i]}]")
        m.add(ui == sum(int(col[o]) * flat[o] for o in range(cs.n_total_options) if col[o] != 0))
        u.append(ui)

    reservation_lits: list[cp_model.IntVar] = []
    if acceptable:
        for i in range(cs.n_parties):
            ct = m.add(u[i] >= int(int_res[i]))
            if relaxable:
                lit = m.new_bool_var(f"accept[{cs.party_ids[i]}]")
                ct.only_enforce_if(lit)
                reservation_lits.append(lit)
    return PackageModel(
        cs, m, x, u, s, int_values, int_res, rounding_error, constraint_lits, reservation_lits
    )


#: CP-SAT workers. One worker with a fixed seed and a deterministic time limit is fully deterministic
#: (several workers race, so their answer can depend on machine load).
WORKERS = 1


def safety_seconds(work: float) -> float:
    """Wall-clock safety stop (seconds) for a deterministic budget of ``work`` units
    (:func:`detente.analysis.budget.safety_seconds`)."""
    from detente.analysis.budget import safety_seconds as command_safety

    return command_safety(work)


def new_solver(
    time_limit: float = 30.0,
    *,
    workers: int = WORKERS,
    seed: int = 0,
    wall_limit: float | None = None,
    budget: Budget | None = None,
) -> cp_model.CpSolver:
    """A deterministic CP-SAT solver: fixed ``seed``, ``workers`` threads (1 by default: deterministic)
    and a **deterministic** time limit of ``time_limit`` work units (CP-SAT's ``max_deterministic_time``,
    about one second each on an idle machine) so the answer never depends on the clock or the load.
    ``wall_limit`` (default :func:`safety_seconds`) is only a safety stop.

    Every solve of the returned solver is charged to ``budget`` (default: the running command's,
    :mod:`detente.analysis.budget`), and inside a command both limits are capped by what the command
    has left, so no solver can outlive the command's budget or its safety stop."""
    from detente.analysis.budget import active, solver_limits

    charged = budget if budget is not None else active()
    work, wall = solver_limits(time_limit)
    if charged is not None:
        work, wall = max(1e-3, min(work, charged.left())), max(1e-3, min(wall, charged.wall_left()))
    solver = _charged_solver_class()(charged)
    solver.parameters.max_deterministic_time = float(work)
    solver.parameters.max_time_in_seconds = float(wall if wall_limit is None else min(wall, wall_limit))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


_CHARGED: list[type] = []


def _charged_solver_class() -> type:
    """A :class:`cp_model.CpSolver` whose every solve is charged to a budget (built once, lazily, so
    importing this module does not import OR-Tools)."""
    if not _CHARGED:
        from ortools.sat.python import cp_model

        class ChargedSolver(cp_model.CpSolver):  # type: ignore[misc]
            def __init__(self, budget: Budget | None) -> None:
                super().__init__()
                self._budget = budget

            def solve(self, model: Any, solution_callback: Any = None) -> Any:
                status = super().solve(model, solution_callback)
                if self._budget is not None:
                    self._budget.charge_solver(self)
                return status

            Solve = solve

        _CHARGED.append(ChargedSolver)
    return _CHARGED[0]


def wall_stopped(solver: cp_model.CpSolver) -> bool:
    """Whether the last solve ended on the wall-clock safety stop rather than on its work budget."""
    from detente.analysis.budget import solver_wall_stopped

    return solver_wall_stopped(solver)


@dataclass
class ScaledModel:
    """A package model whose integer scale also makes the disagreement points integral.

    ``gains[i]`` is the linear expression g_i = u_i − D_i, with D_i = round(d_i · scale).
    ``exact`` is True when no value, reservation or disagreement point had to be rounded.
    """

    pm: PackageModel
    int_disagreement: IntArray
    exact: bool
    gain_lo: IntArray
    gain_hi: IntArray

    @property
    def model(self) -> cp_model.CpModel:
        return self.pm.model

    @property
    def scale(self) -> int:
        return self.pm.scale

    def gains(self) -> list[Any]:
        return [self.pm.u[i] - int(self.int_disagreement[i]) for i in range(len(self.pm.u))]

    def int_gains(self, choices: IntArray) -> IntArray:
        """Exact integer gains of one package in the scaled model."""
        g = self.pm.int_values[self.pm.cs.global_options(choices)].sum(axis=0)
        return np.asarray(g - self.int_disagreement, dtype=np.int64)


def scaled_model(
    cs: CompiledScenario, *, acceptable: bool = True, relaxable: bool = False, magnitude: float | None = None
) -> ScaledModel:
    """:func:`build_package_model` with a scale that also covers the disagreement points, with up to
    12 decimals when the scaled utilities stay below ``magnitude`` (default
    :data:`~detente.analysis.methods.cpsat_model.INT_SAFE` over the largest attainable |u|)."""
    from detente.analysis.grid import utility_scale

    reach = utility_scale(cs) * (1 + cs.n_parties)
    limit = reach if magnitude is None else reach * INT_SAFE / magnitude
    s = integer_scale(np.concatenate([cs.values.ravel(), cs.reservation, cs.disagreement]), magnitude=limit)
    pm = build_package_model(cs, acceptable=acceptable, relaxable=relaxable, scale=s)
    d_scaled = cs.disagreement * s
    int_d = np.round(d_scaled).astype(np.int64)
    r_scaled = cs.reservation * s
    exact = bool(
        np.all(pm.rounding_error * s <= 1e-6)
        and np.all(np.abs(int_d - d_scaled) <= 1e-6)
        and np.all(np.abs(np.round(r_scaled) - r_scaled) <= 1e-6)
    )
    lo = np.zeros(cs.n_parties, dtype=np.int64)
    hi = np.zeros(cs.n_parties, dtype=np.int64)
    for k in range(cs.n_moves):
        block = pm.int_values[cs.offsets[k] : cs.offsets[k + 1]]
        lo += block.min(axis=0)
        hi += block.max(axis=0)
    return ScaledModel(pm, int_d, exact, lo - int_d, hi - int_d)


def solve(sm: ScaledModel, budget: Budget, *, seed: int = 0) -> tuple[int, cp_model.CpSolver]:
    """Solve ``sm``'s model within what is left of ``budget`` (deterministic work, fixed seed, one
    worker); returns (status, solver) and charges the solve's deterministic time to the budget."""
    from ortools.sat.python import cp_model

    solver = new_solver(
        max(budget.left(), 1e-3), seed=seed, wall_limit=max(budget.wall_left(), 1e-3), budget=budget
    )
    status = solver.solve(sm.model)  # charged to ``budget`` (its deterministic time; the safety stop)
    if status == cp_model.MODEL_INVALID:
        raise DetenteError(
            f"CP-SAT rejected the model ({sm.model.validate()}): utilities scaled by {sm.scale} may be too "
            "large for 64-bit integers; round the scenario's values to fewer decimals"
        )
    return int(status), solver


def has_solution(status: int) -> bool:
    from ortools.sat.python import cp_model

    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def forbid_vector(model: cp_model.CpModel, exprs: Sequence[Any], values: Sequence[int]) -> None:
    """No-good on a vector of integer expressions: at least one ``exprs[i] != values[i]``."""
    lits = []
    for e, v in zip(exprs, values, strict=True):
        below, above = model.new_bool_var(""), model.new_bool_var("")
        model.add(e <= int(v) - 1).only_enforce_if(below)
        model.add(e >= int(v) + 1).only_enforce_if(above)
        lits += [below, above]
    model.add_bool_or(lits)
